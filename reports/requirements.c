// SPDX-License-Identifier: MIT
/*
 * Requirements a CI gate asks for (`virtcap check`). Beside the matrix rows:
 *   kvm      this user opens /dev/kvm and KVM creates a VM: the classic trap is a CPU with
 *            VT-x/AMD-V and a runner user outside the kvm group, where QEMU silently falls
 *            back to emulation and the job is slow instead of failing;
 *   no-kvm   no KVM here at all (no /dev/kvm): for pools that must not have it;
 *   sev-snp, tdx   confidential guests: the CPU has it and the kernel enabled it.
 */
#include <stdio.h>
#include <string.h>

#include "reports/caps.h"
#include "reports/requirements.h"

static const struct requirement_profile profiles[] = {
	{ "qemu-kvm", "kvm,long64,smp,irq,disk",
	  "QEMU with KVM: a usable /dev/kvm for this user, 64-bit guests with several vCPUs, "
	  "interrupts and a disk image" },
	{ "libvirt", "kvm,long64,smp,irq,pio,mmio,disk",
	  "libvirt/virt-manager guests: as qemu-kvm, with the emulated PIO and MMIO devices" },
	{ "firecracker", "kvm,long64,smp,irq,mmio",
	  "Firecracker microVMs: 64-bit Linux guests on KVM with virtio-mmio devices" },
	{ "kata", "kvm,long64,smp,irq,mmio,container",
	  "Kata Containers: each pod in a lightweight VM, so KVM and the container runtime's "
	  "namespaces and cgroups" },
	{ "kubevirt", "kvm,long64,smp,irq,disk,container",
	  "KubeVirt: VMs in Kubernetes pods, so KVM reachable from a container and 64-bit guests" },
	{ "nested-ci", "kvm,long64,nested",
	  "CI jobs that run their own VMs (VM tests, emulator builds): KVM and a guest that can use "
	  "VT-x/AMD-V itself" },
	{ "gpu-passthrough", "kvm,long64,passthrough",
	  "a GPU or other PCI device given to a guest with VFIO: an IOMMU on, VFIO loaded" },
	{ "sev-snp", "kvm,long64,sev-snp",
	  "AMD SEV-SNP confidential guests: the CPU's SNP enabled by the firmware and the kernel" },
};

#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

static const char *const extra_ids[] = { "kvm", "no-kvm", "sev-snp", "tdx" };

#define NEXTRA (sizeof(extra_ids) / sizeof(extra_ids[0]))

const struct requirement_profile *requirement_profile_find(const char *name)
{
	for (size_t i = 0; i < NPROFILES; i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

void requirement_profiles_print(FILE *out)
{
	for (size_t i = 0; i < NPROFILES; i++)
		fprintf(out, "%-16s %s\n%-16s   %s\n", profiles[i].name, profiles[i].requires, "",
			profiles[i].why);
}

bool requirement_known(const char *id)
{
	if (guest_kind_from_id(id) >= 0)
		return true;
	for (size_t i = 0; i < NEXTRA; i++)
		if (!strcmp(extra_ids[i], id))
			return true;
	return false;
}

void requirement_ids_print(FILE *out)
{
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(out, "%s ", guest_kind_id((enum guest_kind)k));
	for (size_t i = 0; i < NEXTRA; i++)
		fprintf(out, "%s%s", extra_ids[i], i + 1 < NEXTRA ? " " : "\n");
}

/* A confidential-computing requirement: the CPU's capability, then the kernel's. */
static void judge_cc(const struct report *r, struct requirement *q, const char *cpu,
		     const char *kernel, const char *name)
{
	const char *ids[] = { cpu, kernel };

	for (int i = 0; i < 2; i++) {
		const struct cap *c = report_cap(r, ids[i]);
		int v = report_cap_flag(r, ids[i]);

		if (v == 1)
			continue;
		q->verdict = v == 0 ? VERDICT_NO : VERDICT_UNKNOWN;
		snprintf(q->buf, sizeof(q->buf), "%s: %s", name,
			 c && c->detail ? c->detail
			 : v == 0 ? (i ? "the kernel does not enable it" : "the CPU does not have it")
			 : "not known");
		q->reason = q->buf;
		q->fix = c ? c->fix : NULL;
		return;
	}
	q->verdict = VERDICT_YES;
	snprintf(q->buf, sizeof(q->buf), "%s: the CPU has it and the kernel enables it", name);
	q->reason = q->buf;
}

/* kvm: the whole chain up to a usable KVM; when it fails, the matrix's chain says why */
static void judge_kvm(const struct report *r, struct requirement *q)
{
	const struct matrix_row *chain = &r->matrix[GUEST_REAL16];
	enum layer_state kernel = report_layer_state(r, GUEST_REAL16, LAYER_KERNEL);
	enum verdict usable = report_kvm_usable(r);

	if (usable == VERDICT_YES && kernel == LAYER_OK) {
		q->verdict = VERDICT_YES;
		q->reason = "this user opens /dev/kvm and KVM creates a VM";
		return;
	}
	q->verdict = usable == VERDICT_UNKNOWN || chain->verdict == VERDICT_UNKNOWN
		     ? VERDICT_UNKNOWN : VERDICT_NO;
	q->reason = chain->verdict != VERDICT_YES && chain->reason ? chain->reason
		    : "/dev/kvm is not usable by this user";
	q->fix = chain->fix;

	/* the trap: a tool that emulates instead of failing, so the job is slow, not red */
	const char *qemu = report_cap_string(r, CAP_TOOLS_QEMU);

	if (qemu && strcmp(qemu, "none")) {
		snprintf(q->buf, sizeof(q->buf), "%s; beware: QEMU here (%s) does not fail without "
			 "KVM, it emulates (TCG, 10x or more slower) unless the job passes -accel "
			 "kvm", q->reason, qemu);
		q->reason = q->buf;
	}
}

/* no-kvm: nobody can use KVM here, for pools that must not have it */
static void judge_no_kvm(const struct report *r, struct requirement *q)
{
	const char *dev = report_cap_string(r, CAP_KERNEL_DEV_KVM);
	const char *module = report_cap_string(r, CAP_KERNEL_KVM_MODULE);

	if (!dev) {
		q->verdict = VERDICT_UNKNOWN;
		q->reason = "whether /dev/kvm exists is not known";
		return;
	}
	if (!strcmp(dev, "absent")) {
		q->verdict = VERDICT_YES;
		q->reason = "there is no /dev/kvm: no KVM here";
		return;
	}
	q->verdict = VERDICT_NO;
	snprintf(q->buf, sizeof(q->buf), "/dev/kvm exists%s%s%s", !strcmp(dev, "ok") ?
		 " and this user opens it" : " (this user cannot open it, others can)",
		 module && strcmp(module, "none") ? ": the module is " : "",
		 module && strcmp(module, "none") ? module : "");
	q->reason = q->buf;
	q->fix = report_cap_flag(r, CAP_KERNEL_KVM_BUILTIN) == 1
		 ? "KVM is built into this kernel, so nothing unloads it: boot a kernel without "
		   "it, or close the node to everyone with a udev rule (KERNEL==\"kvm\", "
		   "MODE=\"0000\")"
		 : "sudo modprobe -r kvm_intel kvm_amd kvm; keep it out: printf 'blacklist "
		   "kvm_intel\\nblacklist kvm_amd\\n' | sudo tee /etc/modprobe.d/no-kvm.conf";
}

void requirement_judge(const struct report *r, const char *id, struct requirement *q)
{
	int k = guest_kind_from_id(id);

	memset(q, 0, sizeof(*q));
	q->id = id;
	if (!strcmp(id, "kvm")) {
		judge_kvm(r, q);
	} else if (!strcmp(id, "no-kvm")) {
		judge_no_kvm(r, q);
	} else if (!strcmp(id, "sev-snp")) {
		judge_cc(r, q, CAP_CC_SEV_SNP, CAP_CC_SEV_SNP_KERNEL, "SEV-SNP");
	} else if (!strcmp(id, "tdx")) {
		judge_cc(r, q, CAP_CC_TDX, CAP_CC_TDX_KERNEL, "TDX");
	} else if (k >= 0) {
		q->verdict = r->matrix[k].verdict;
		q->reason = r->matrix[k].reason ? r->matrix[k].reason : "";
		q->fix = r->matrix[k].fix;
	}
}

// SPDX-License-Identifier: MIT
/*
 * Passthrough beyond "there is an IOMMU": what still makes VFIO refuse a device, what makes an
 * IOMMU group's isolation a fiction, and what caps the guest a device can be given to.
 *   - interrupt remapping: without it a device given to a guest could write any MSI and so
 *     raise any interrupt in the host; VFIO then refuses to attach the device ("No interrupt
 *     remapping support. Use the module param "allow_unsafe_interrupts" ...") unless
 *     vfio_iommu_type1.allow_unsafe_interrupts=1. Whether interrupts are remapped shows in the
 *     name of each interrupt's chip: IR-PCI-MSI, IR-IO-APIC... (/sys/kernel/irq/N/chip_name);
 *     on arm64 the GICv3's ITS isolates MSIs: ITS-MSI.
 *   - pcie_acs_override: a patch some kernels carry (Proxmox, linux-zen, Liquorix) that splits
 *     IOMMU groups the hardware does not isolate: a device alone in its group may still reach
 *     the devices beside it by peer-to-peer DMA, behind the IOMMU's back.
 *   - RLIMIT_MEMLOCK: VFIO pins all of a guest's RAM and counts it against the memory-lock
 *     limit of the process that runs QEMU, unless that process has CAP_IPC_LOCK.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

#define IRQ_DIR "/sys/kernel/irq"
#define IRQ_MAX 8192		/* a hostile root cannot make us read forever */
#define UNSAFE_PARAM "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts"
#define CAP_IPC_LOCK_BIT 14	/* linux/capability.h */

/* The first chip name that remaps ("IR-..."), else the first other one, into chip; -errno */
static int irq_chips(struct probe_ctx *ctx, char *chip, size_t len, bool *remapped)
{
	char **irqs;
	int n = root_list(ctx, IRQ_DIR, &irqs);

	*remapped = false;
	chip[0] = '\0';
	if (n < 0)
		return n;
	for (int i = 0; i < n && i < IRQ_MAX && !*remapped; i++) {
		char path[96], name[96];

		snprintf(path, sizeof(path), IRQ_DIR "/%.40s/chip_name", irqs[i]);
		if (root_read_line(ctx, path, name, sizeof(name)) || !name[0])
			continue;
		/* x86's remapped chips are IR-...; on arm64 the GICv3's ITS isolates each device's
		 * MSIs (ITS-MSI, ITS-pMSI), which VFIO takes as remapping */
		*remapped = !strncmp(name, "IR-", 3) || !strncmp(name, "ITS-", 4);
		if (*remapped || !chip[0])
			snprintf(chip, len, "%s", name);
	}
	root_list_free(irqs);
	return 0;
}

/* Without interrupt remapping: what gives it, where this host is */
static int remapping_fix(struct report *r)
{
	static const char unsafe[] = "; only where every device and guest is trusted: echo "
		"'options vfio_iommu_type1 allow_unsafe_interrupts=1' | sudo tee "
		"/etc/modprobe.d/vfio-unsafe.conf, then reload vfio_iommu_type1";
	const char *cmdline = report_cap_string(r, CAP_KERNEL_CMDLINE);
	const char *vmm = report_cap_string(r, CAP_ENV_VMM);
	const char *off = cmdline_word(cmdline, "intremap=off") ? "intremap=off"
			  : cmdline_word(cmdline, "nointremap") ? "nointremap" : NULL;

	if (off)
		return report_cap_fix(r, CAP_PCI_INTERRUPT_REMAPPING, "the kernel command line "
				      "turns interrupt remapping off: remove %s from it " CMDLINE_HOW
				      "%s", off, unsafe);
	if (vmm && !strcmp(vmm, "Firecracker"))
		return report_cap_fix(r, CAP_PCI_INTERRUPT_REMAPPING, "Firecracker gives its VMs no "
				      "IOMMU at all: passthrough needs a bare-metal host or a VMM "
				      "with a virtual IOMMU (QEMU, Cloud Hypervisor)");
	if (report_cap_flag(r, CAP_ENV_IS_GUEST) == 1)
		return report_cap_fix(r, CAP_PCI_INTERRUPT_REMAPPING, "this VM's virtual IOMMU does "
				      "not remap interrupts: its VMM must offer one that does (QEMU: "
				      "-machine q35,kernel-irqchip=split -device intel-iommu,"
				      "intremap=on; libvirt: <iommu model='intel'><driver "
				      "intremap='on'/></iommu> and <ioapic driver='qemu'/>); a cloud "
				      "VM: a bare-metal instance%s", unsafe);
	return report_cap_fix(r, CAP_PCI_INTERRUPT_REMAPPING, "enable interrupt remapping in the "
			      "BIOS/UEFI setup: it comes with VT-d (Intel; some boards list "
			      "\"Interrupt Remapping\" or \"X2APIC\" on their own) or with "
			      "\"IOMMU\"/AMD-Vi (AMD)%s", unsafe);
}

static int interrupt_remapping(struct probe_ctx *ctx, struct report *r)
{
	char chip[96], unsafe[8];
	bool remapped;
	int err;

	if (report_cap_flag(r, CAP_KERNEL_IOMMU_ENABLED) != 1)
		return 0;	/* no IOMMU in use: that is the finding (kernel.iommu_enabled) */
	if ((err = irq_chips(ctx, chip, sizeof(chip), &remapped)) < 0 || !chip[0])
		return report_cap_unknown(r, CAP_PCI_INTERRUPT_REMAPPING, IRQ_DIR, "%s",
					  err < 0 ? strerror(-err) : "no interrupt names its chip");
	if (remapped)
		return report_cap_bool(r, CAP_PCI_INTERRUPT_REMAPPING, true, IRQ_DIR "/*/chip_name",
				       "interrupts are remapped (%s)", chip);

	bool allowed = root_read_line(ctx, UNSAFE_PARAM, unsafe, sizeof(unsafe)) == 0 &&
		       (!strcmp(unsafe, "Y") || !strcmp(unsafe, "1"));
	int rc = report_cap_bool(r, CAP_PCI_INTERRUPT_REMAPPING, false, IRQ_DIR "/*/chip_name",
				 "no interrupt is remapped (chips such as %s, none IR-): a device "
				 "given to a guest could raise any interrupt in the host, so VFIO "
				 "refuses to attach it (\"No interrupt remapping support\")%s", chip,
				 allowed ? "; vfio_iommu_type1.allow_unsafe_interrupts=Y attaches it "
				 "anyway, with that risk" : "");

	rc |= report_cap_bool(r, CAP_PCI_UNSAFE_INTERRUPTS_ALLOWED, allowed, UNSAFE_PARAM, NULL);
	return allowed ? rc : rc | remapping_fix(r);
}

static int groups_isolated(struct report *r)
{
	const char *cmdline = report_cap_string(r, CAP_KERNEL_CMDLINE);
	const char *word = cmdline_word(cmdline, "pcie_acs_override=");

	if (!cmdline)
		return 0;	/* no command line read: nothing to say */
	if (!word)
		return report_cap_bool(r, CAP_PCI_GROUPS_ISOLATED, true, "/proc/cmdline", "no ACS "
				       "override: the IOMMU groups are the hardware's");

	int len = (int)strcspn(word, " ");
	int rc = report_cap_bool(r, CAP_PCI_GROUPS_ISOLATED, false, "/proc/cmdline", "%.*s: a "
				 "kernel carrying the ACS override patch (Proxmox, linux-zen, "
				 "Liquorix) splits IOMMU groups the hardware does not isolate, so a "
				 "device alone in its group may still reach the devices beside it by "
				 "peer-to-peer DMA; a kernel without the patch ignores the word",
				 len < 200 ? len : 200, word);

	return rc | report_cap_fix(r, CAP_PCI_GROUPS_ISOLATED, "for isolation that holds: remove "
				   "pcie_acs_override from the kernel command line " CMDLINE_HOW
				   " and give the guest a device in a group of its own (a slot wired "
				   "to the CPU, or a board whose root ports offer ACS); keep it only "
				   "where the guest is as trusted as the host");
}

/* "Max locked memory   8388608   8388608   bytes" of /proc/self/limits: the soft limit */
static bool memlock_limit(struct probe_ctx *ctx, char *out, size_t len)
{
	char *text = NULL, *line;
	size_t n;
	bool found = false;

	if (len < 32 || root_read(ctx, "/proc/self/limits", &text, &n))	/* %31s below */
		return false;
	if ((line = strstr(text, "Max locked memory")) &&
	    sscanf(line + strlen("Max locked memory"), "%31s", out) == 1)
		found = !strcmp(out, "unlimited") || strspn(out, "0123456789") == strlen(out);
	free(text);
	return found;
}

/* whether CapEff of /proc/self/status holds CAP_IPC_LOCK; -1 unknown */
static int has_ipc_lock(struct probe_ctx *ctx)
{
	char *text = NULL, *line;
	size_t n;
	unsigned long long caps;
	int has = -1;

	if (root_read(ctx, "/proc/self/status", &text, &n))
		return -1;
	if ((line = strstr(text, "\nCapEff:")) && sscanf(line + 8, "%llx", &caps) == 1)
		has = (int)(caps >> CAP_IPC_LOCK_BIT & 1);
	free(text);
	return has;
}

static int memlock_fix(struct report *r)
{
	if (report_cap_flag(r, CAP_OS_CONTAINER) == 1)
		return report_cap_fix(r, CAP_PROCESS_MEMLOCK, "start the container with no "
				      "memory-lock limit: docker/podman run --ulimit memlock=-1:-1 "
				      "(or --cap-add IPC_LOCK; Kubernetes: securityContext "
				      "capabilities add IPC_LOCK)");
	if (report_cap_string(r, CAP_ENV_CI))	/* a CI job never logs in again */
		return report_cap_fix(r, CAP_PROCESS_MEMLOCK, "in the job, before QEMU starts: sudo "
				      "prlimit --pid $$ --memlock=unlimited:unlimited (the job's "
				      "shell and what it starts keep it)");
	return report_cap_fix(r, CAP_PROCESS_MEMLOCK, "for this shell now: sudo prlimit --pid $$ "
			      "--memlock=unlimited:unlimited; for every login of group kvm: echo "
			      "'@kvm - memlock unlimited' | sudo tee "
			      "/etc/security/limits.d/90-vfio.conf; for a systemd service: "
			      "LimitMEMLOCK=infinity (libvirt's qemu:///system raises it for its "
			      "QEMU by itself)");
}

static int memlock(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "/proc/self/limits, /proc/self/status";
	char limit[32];
	int ipc_lock = has_ipc_lock(ctx);

	if (!memlock_limit(ctx, limit, sizeof(limit)))
		return 0;	/* a capture without /proc/self/limits: nothing to say */
	if (!strcmp(limit, "unlimited"))
		return report_cap_str(r, CAP_PROCESS_MEMLOCK, "unlimited", src, "no memory-lock "
				      "limit: VFIO can pin a guest's RAM of any size");

	long long bytes = strtoll(limit, NULL, 10);

	if (ipc_lock == 1)
		return report_cap_int(r, CAP_PROCESS_MEMLOCK, bytes, src, "%lld MiB, but this "
				      "process has CAP_IPC_LOCK: the limit does not bind it or the "
				      "QEMU it starts", bytes >> 20);

	int rc = report_cap_int(r, CAP_PROCESS_MEMLOCK, bytes, src, "%lld %s: VFIO pins all of a "
				"passthrough guest's RAM against this limit, so QEMU run from here "
				"can give a device only to a guest smaller than that (larger ones "
				"fail with \"Cannot allocate memory\")", bytes >= 1 << 20 ?
				bytes >> 20 : bytes >> 10, bytes >= 1 << 20 ? "MiB" : "KiB");

	return rc | memlock_fix(r);
}

int probe_passthrough(struct probe_ctx *ctx, struct report *r)
{
	int rc = interrupt_remapping(ctx, r);

	rc |= groups_isolated(r);
	rc |= memlock(ctx, r);
	return rc ? -ENOMEM : 0;
}

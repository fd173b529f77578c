// SPDX-License-Identifier: MIT
/*
 * The matrix seen by layer: for one guest kind, what each layer a hardware-virtualized guest
 * passes through says on its own (CPU, firmware, kernel, access to /dev/kvm, the proof).
 *
 * The matrix's verdict names only the first link that fails (matrix.c); a person fixing a host
 * also wants to see the links after it, since a BIOS switch and a missing group membership are
 * often both there. Each layer is judged here from the capabilities alone, independently of
 * the others, and never guessed: a value the probe could not read is LAYER_UNKNOWN.
 */
#include <string.h>

#include "reports/guests.h"
#include "reports/caps.h"
#include "reports/report.h"
#include "reports/requirements.h"

static enum layer_state flag_state(int flag)
{
	return flag == 1 ? LAYER_OK : flag == 0 ? LAYER_FAIL : LAYER_UNKNOWN;
}

/* The worse of two states: a failing need decides, then an unknown one. */
static enum layer_state worse(enum layer_state a, enum layer_state b)
{
	if (a == LAYER_FAIL || b == LAYER_FAIL)
		return LAYER_FAIL;
	if (a == LAYER_UNKNOWN || b == LAYER_UNKNOWN)
		return LAYER_UNKNOWN;
	if (a == LAYER_NA)
		return b;
	return a;
}

static enum layer_state layer_cpu(const struct report *r, enum guest_kind k)
{
	int vmx = report_cap_flag(r, CAP_CPU_VMX), svm = report_cap_flag(r, CAP_CPU_SVM);
	enum layer_state s = vmx == 1 || svm == 1 ? LAYER_OK
			     : vmx < 0 && svm < 0 ? LAYER_UNKNOWN : LAYER_FAIL;

	/* paravirtual KVM (PVM) runs guests without VT-x/AMD-V; a nested guest still needs it */
	if (s != LAYER_OK && report_kvm_pvm(r) && k != GUEST_NESTED)
		s = LAYER_NA;

	if (k == GUEST_PAE32)
		s = worse(s, flag_state(report_cap_flag(r, CAP_CPU_PAE)));
	if (k == GUEST_LONG64 || k == GUEST_BOOT)
		s = worse(s, flag_state(report_cap_flag(r, CAP_CPU_LM)));
	return s;
}

static enum layer_state layer_firmware(const struct report *r, enum guest_kind k)
{
	enum layer_state s = flag_state(report_cap_flag(r, CAP_FW_VIRT_ENABLED));

	/* PVM needs no VT-x/AMD-V, so nothing the firmware can lock (a nested guest does) */
	if (s != LAYER_OK && report_kvm_pvm(r) && k != GUEST_NESTED)
		s = LAYER_NA;

	if (k == GUEST_PASSTHROUGH)
		s = worse(s, flag_state(report_cap_flag(r, CAP_FW_IOMMU)));
	return s;
}

static enum layer_state layer_kernel(const struct report *r, enum guest_kind k)
{
	const char *mod = report_cap_string(r, CAP_KERNEL_KVM_MODULE);
	enum layer_state s = !mod ? LAYER_UNKNOWN : strcmp(mod, "none") ? LAYER_OK : LAYER_FAIL;

	if ((k == GUEST_LONG64 || k == GUEST_BOOT) && r->kernel_arch)
		s = worse(s, strcmp(r->kernel_arch, "x86_64") ? LAYER_FAIL : LAYER_OK);
	if (k == GUEST_NESTED)
		s = worse(s, flag_state(report_cap_flag(r, CAP_KERNEL_NESTED)));
	if (k == GUEST_PASSTHROUGH) {
		s = worse(s, flag_state(report_cap_flag(r, CAP_KERNEL_IOMMU_ENABLED)));
		s = worse(s, flag_state(report_cap_flag(r, CAP_KERNEL_VFIO)));
	}
	return s;
}

static enum layer_state layer_kvm_access(const struct report *r)
{
	enum verdict usable = report_kvm_usable(r);

	return usable == VERDICT_YES ? LAYER_OK : usable == VERDICT_NO ? LAYER_FAIL : LAYER_UNKNOWN;
}

static enum layer_state layer_proof(const struct report *r, enum guest_kind k)
{
	const struct report_proof *p = report_row_proof(r, k);

	if (!p || p->status == PROOF_NOT_RUN)
		return LAYER_NOT_RUN;
	return p->status == PROOF_PROVEN ? LAYER_OK : LAYER_FAIL;
}

/*
 * An operating system's row: each layer as its advice chain has it (the layer of the row the
 * chain is judged on, or not involved), and as proof the proofs of every row it needs: failed
 * if one failed, not run if one did not run, else proven.
 */
static enum layer_state layer_os(const struct report *r, enum guest_kind k, enum layer l)
{
	const struct guest_advice *a = advice_for_row(k);
	enum layer_state proof = LAYER_OK;
	bool any = false;

	if (report_arm_native_row(r, k))	/* its own row: KVM/arm64, hv-mini's arm64 guest */
		return l == LAYER_KVM_ACCESS ? layer_kvm_access(r) : l == LAYER_PROOF ?
		       layer_proof(r, k) : LAYER_NA;
	if (a && a->emulation_proof) {	/* no layer of KVM is involved; its boot is the proof */
		int booted = report_cap_flag(r, a->emulation_proof);

		return l != LAYER_PROOF ? LAYER_NA : booted == 1 ? LAYER_OK
		       : booted == 0 ? LAYER_FAIL : LAYER_NOT_RUN;
	}

	for (int i = 0; a && i < ADVICE_STEPS_MAX && a->steps[i].says; i++) {
		const struct advice_step *s = &a->steps[i];

		if (s->kind == ADVICE_LAYER && (enum layer)s->which == l && l != LAYER_PROOF)
			return report_layer_state(r, a->main, l);
		if (s->kind == ADVICE_ROW && l == LAYER_PROOF) {
			enum layer_state p = report_layer_state(r, (enum guest_kind)s->which, l);

			if (p == LAYER_NA)	/* a row with no such guest here proves nothing */
				continue;
			any = true;
			if (p == LAYER_FAIL || (p == LAYER_NOT_RUN && proof != LAYER_FAIL))
				proof = p;
		}
	}
	return l == LAYER_PROOF && any ? proof : LAYER_NA;
}

/* prove --stack: a real guest's virtio-gpu display, the graphics row's proof */
static enum layer_state stack_display(const struct report *r)
{
	for (size_t i = 0; i < r->nstacks; i++) {
		enum proof_status st = r->stacks[i].device[STACK_DISPLAY].status;

		if (r->stacks[i].devices_ran && st != PROOF_NOT_RUN)
			return st == PROOF_PROVEN ? LAYER_OK : LAYER_FAIL;
	}
	return LAYER_NOT_RUN;
}

enum layer_state report_layer_state(const struct report *r, enum guest_kind k, enum layer l)
{
	if (guest_kind_is_os(k))
		return layer_os(r, k, l);
	if (k == GUEST_GRAPHICS)	/* no layer of KVM; a real guest's display is its proof */
		return l == LAYER_PROOF ? stack_display(r) : LAYER_NA;
	if (k == GUEST_CONTAINER) {
		/* namespaces and cgroups are the kernel's; nothing else is involved */
		if (l != LAYER_KERNEL)
			return LAYER_NA;
		return r->matrix[k].verdict == VERDICT_YES ? LAYER_OK
		       : r->matrix[k].verdict == VERDICT_NO ? LAYER_FAIL : LAYER_UNKNOWN;
	}
	if (r->matrix[k].verdict == VERDICT_NA)	/* no such guest here: nothing is involved */
		return LAYER_NA;
	/* an ARM host: the x86 CPU, firmware and kernel switches are not its (matrix.c) */
	if (report_host_is_arm(r) && (l == LAYER_CPU || l == LAYER_FIRMWARE || l == LAYER_KERNEL))
		return LAYER_NA;
	switch (l) {
	case LAYER_CPU:
		return layer_cpu(r, k);
	case LAYER_FIRMWARE:
		return layer_firmware(r, k);
	case LAYER_KERNEL:
		return layer_kernel(r, k);
	case LAYER_KVM_ACCESS:
		return layer_kvm_access(r);
	case LAYER_PROOF:
		return k == GUEST_PASSTHROUGH ? LAYER_NA : layer_proof(r, k);
	default:
		return LAYER_NA;
	}
}

const char *layer_name(enum layer l)
{
	static const char *const names[LAYER_COUNT] = {
		[LAYER_CPU] = "cpu", [LAYER_FIRMWARE] = "firmware", [LAYER_KERNEL] = "kernel",
		[LAYER_KVM_ACCESS] = "kvm_access", [LAYER_PROOF] = "proof",
	};

	return l < LAYER_COUNT ? names[l] : "?";
}

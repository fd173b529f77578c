// SPDX-License-Identifier: MIT
/*
 * The nested proofs: an L1 guest of ours turns the CPU's virtualization extension on itself,
 * runs its own L2s and reports what they did (hv-mini/guests/nested-*.S). The vendor comes
 * from KVM (the CPUID it gives our vCPUs): SVM L1s are 32-bit paged guests, VMX L1s 64-bit
 * ones (VM entry to a 64-bit L2 needs a 64-bit L1 on VMX). An ABORT from an L1 names the step
 * KVM refused; it is turned into a cause a reader can act on.
 */
#include <stdio.h>
#include <string.h>

#include "hv-mini/proof_kit.h"

DECLARE_GUEST(nested_svm);
DECLARE_GUEST(nested_svm_tdp);
DECLARE_GUEST(nested_vmx);
DECLARE_GUEST(nested_vmx_tdp);

/* NESTED_OUT in hv-mini/guests/guest.h */
#define OUT_REAL_RESULT (HV_GPA_NESTED_OUT + 0)
#define OUT_REAL_EXITS (HV_GPA_NESTED_OUT + 4)
#define OUT_LONG_LO (HV_GPA_NESTED_OUT + 8)
#define OUT_LONG_HI (HV_GPA_NESTED_OUT + 12)
#define OUT_LONG_LMA (HV_GPA_NESTED_OUT + 16)
#define OUT_LONG_CS (HV_GPA_NESTED_OUT + 20)
#define OUT_FLAGS (HV_GPA_NESTED_OUT + 24)
#define OUT_CAPS (HV_GPA_NESTED_OUT + 28)
#define NO_REAL_L2 1u

#define L2_RESULT 0x2345BEEFu	/* 0x1234 + 0x1111, then 0xBEEF: what the real-mode L2 computes */
#define SVM_EXITS (0x72u | 0x81u << 8 | 0x78u << 16)	/* CPUID, VMMCALL, HLT */
#define VMX_EXITS (10u | 18u << 8 | 12u << 16)	/* CPUID, VMCALL, HLT */
#define EFER_SVME (1ull << 12)
#define CR4_VMXE (1ull << 13)
#define SVM_CS_L (1u << 9)	/* VMCB packed attributes */
#define VMX_CS_L (1u << 13)	/* VMCS access rights */
#define PROC2_EPT (1u << 1)
#define PROC2_UNRESTRICTED (1u << 7)

#define TDP_MAGIC 0x7D9A7D9Au
#define TDP_DECOY 0xDEC0DEC0u

struct vendor {
	const char *name, *ext, *module, *enter, *call;
	const uint8_t *l1, *l1_end, *l1_tdp, *l1_tdp_end;	/* the guest images */
	enum hv_mode mode;
	uint32_t exits, cs_l;
};

static const struct vendor svm = {
	"SVM", "EFER.SVME=1", "kvm_amd", "VMRUN", "VMMCALL", hv_guest_nested_svm,
	hv_guest_nested_svm_end, hv_guest_nested_svm_tdp, hv_guest_nested_svm_tdp_end, HV_MODE_PROT32_PAGED, SVM_EXITS, SVM_CS_L,
};
static const struct vendor vmx = {
	"VMX", "CR4.VMXE=1, VMXON", "kvm_intel", "VMLAUNCH/VMRESUME", "VMCALL",
	hv_guest_nested_vmx, hv_guest_nested_vmx_end, hv_guest_nested_vmx_tdp,
	hv_guest_nested_vmx_tdp_end, HV_MODE_LONG64, VMX_EXITS, VMX_CS_L,
};

/* The vendor of KVM's vCPUs here, or NULL with res set (no VM can be made) */
static const struct vendor *vendor_of(const struct proof_opts *o, struct proof_result *res)
{
	struct hv_vm vm;

	if (guest_boot(&vm, o, GUEST_IMAGE(nested_svm), HV_MODE_PROT32_PAGED, 1, res))
		return NULL;

	bool is_svm = vm.svm;

	hv_vm_destroy(&vm);
	return is_svm ? &svm : &vmx;
}

static const char *vm_instruction_error(unsigned n)
{
	switch (n) {
	case 2: return "VMCLEAR with an invalid address";
	case 4: return "VMLAUNCH with a VMCS that is not clear";
	case 5: return "VMRESUME with a VMCS that was not launched";
	case 7: return "VM entry with invalid control fields";
	case 8: return "VM entry with invalid host-state fields";
	case 9: return "VMPTRLD with an invalid address";
	case 11: return "VMPTRLD with a wrong VMCS revision";
	case 12: return "VMREAD/VMWRITE of an unsupported VMCS field";
	case 13: return "VMWRITE to a read-only VMCS field";
	case 15: return "VMXON in VMX root operation";
	default: return "see the SDM's list of VM-instruction errors";
	}
}

static const char *vmx_exit_reason(unsigned r)
{
	switch (r) {
	case 0: return "exception or NMI";
	case 2: return "triple fault";
	case 10: return "CPUID";
	case 12: return "HLT";
	case 18: return "VMCALL";
	case 28: return "control-register access";
	case 30: return "I/O instruction";
	case 31: return "RDMSR";
	case 33: return "invalid guest state";
	case 34: return "MSR loading";
	case 48: return "EPT violation";
	case 49: return "EPT misconfiguration";
	default: return "see the SDM's list of exit reasons";
	}
}

/*
 * An L1's ABORT as a cause. Value 1: no virtualization extension in the L1's CPUID (not-run for
 * nested_tdp, which has nothing to page for; failed for nested, whose row it decides); 2: no
 * nested paging; the rest: the step KVM refused (vmx.h, svm.h).
 */
static void explain_abort(const struct vendor *v, const struct hv_exit *a, bool tdp,
			  struct proof_result *res)
{
	unsigned value = (unsigned)a->value, line = (unsigned)a->aux;

	if (value == 1)
		result_set(res, tdp ? PROOF_NOT_RUN : PROOF_FAILED, "the L1 guest's CPUID has no "
			   "%s: KVM does not offer nested %s here (%s nested=0, or an outer "
			   "hypervisor hides it)", v->name, v->name, v->module);
	else if (value == 2)
		result_set(res, PROOF_NOT_RUN, "the L1 guest has no usable %s: KVM offers no nested "
			   "paging to guests here (%s %s=0, or none below)",
			   v == &svm ? "NPT" : "EPT", v->module, v == &svm ? "npt" : "ept");
	else if (value == 3)
		result_set(res, PROOF_FAILED, "IA32_FEATURE_CONTROL is locked with VMX off for the "
			   "L1 guest: VMXON would fault");
	else if (v == &vmx && value == 0xFF)
		result_set(res, PROOF_FAILED, "a VMX instruction of the L1 guest (its line %u) "
			   "failed with no current VMCS (VMfailInvalid)", line);
	else if (v == &vmx && value > 0x100 && value < 0x200)
		result_set(res, PROOF_FAILED, "KVM refused the L1 guest's VMX instruction at its "
			   "line %u: VM-instruction error %u (%s)", line, value - 0x100,
			   vm_instruction_error(value - 0x100));
	else if (v == &vmx && (value & 0x80000000u))
		result_set(res, PROOF_FAILED, "the L1 guest's VM entry failed at its line %u: exit "
			   "reason 0x%x (%s)", line, value, vmx_exit_reason(value & 0xFFFF));
	else if (v == &vmx)
		result_set(res, PROOF_FAILED, "the L1 guest's L2 exited with reason %u (%s) at the "
			   "L1's line %u", value, vmx_exit_reason(value & 0xFFFF), line);
	else
		result_set(res, PROOF_FAILED, "the L1 guest's L2 exited with EXITCODE 0x%x at the "
			   "L1's line %u (0xffffffff: VMRUN refused the VMCB)", value, line);
}

/* Boot the L1, run it to DONE; 0 with the VM alive, or -1 with res set and the VM gone */
static int run_l1(const struct proof_opts *o, const struct vendor *v, bool tdp, struct hv_vm *vm,
		  struct devices *dev, struct hv_exit *done, struct kvm_sregs *s,
		  struct proof_result *res)
{
	char why[768];

	const uint8_t *image = tdp ? v->l1_tdp : v->l1, *end = tdp ? v->l1_tdp_end : v->l1_end;

	if (guest_boot(vm, o, image, (size_t)(end - image), v->mode, 1, res))
		return -1;
	if (tdp) {
		put32(vm, 0x80000, TDP_DECOY);	/* what the L2 finds without nested paging */
		put32(vm, 0x95000, TDP_MAGIC);	/* what the L1's tables map there */
	}
	memset(done, 0, sizeof(*done));
	if (run_until_done(&vm->vcpus[0], deadline_of(o), dev, done, why, sizeof(why))) {
		if (done->ucall == HV_UCALL_ABORT)
			explain_abort(v, done, tdp, res);
		else
			result_set(res, PROOF_FAILED, "%s", why);
		hv_vm_destroy(vm);
		return -1;
	}
	if (!get_sregs(&vm->vcpus[0], s)) {
		result_set(res, PROOF_FAILED, "KVM_GET_SREGS after the L1 finished");
		hv_vm_destroy(vm);
		return -1;
	}
	return 0;
}

/* What the 64-bit L2 computes: the seed rotated left by 20, a value only long mode produces */
static uint64_t l2_long_want(void)
{
	uint64_t seed = 0x0123456789ABCDEFull;

	return seed << 20 | seed >> 44;
}

/* The 64-bit L2's part of the report: its value and the mode the L1 saw it in at its exit */
static bool check_long_l2(struct hv_vm *vm, const struct vendor *v, char *out, size_t len)
{
	uint64_t got = (uint64_t)get32(vm, OUT_LONG_HI) << 32 | get32(vm, OUT_LONG_LO);
	uint32_t lma = get32(vm, OUT_LONG_LMA), cs = get32(vm, OUT_LONG_CS);
	bool ok = got == l2_long_want() && lma == 1 && (cs & v->cs_l);

	if (ok)
		snprintf(out, len, "a 64-bit L2 (EFER.LMA=1, CS.L=1 at its exit) computed "
			 "0x%016llx", (unsigned long long)got);
	else
		snprintf(out, len, "the 64-bit L2 gave 0x%016llx (want 0x%016llx), LMA %u, CS "
			 "attributes 0x%x", (unsigned long long)got,
			 (unsigned long long)l2_long_want(), lma, cs);
	return ok;
}

/* The real-mode L2's part, or why it did not run (VMX without unrestricted guest) */
static bool check_real_l2(struct hv_vm *vm, const struct vendor *v, char *out, size_t len)
{
	uint32_t real = get32(vm, OUT_REAL_RESULT), exits = get32(vm, OUT_REAL_EXITS);

	if (v == &vmx && (get32(vm, OUT_FLAGS) & NO_REAL_L2)) {
		uint32_t caps = get32(vm, OUT_CAPS);

		snprintf(out, len, "no real-mode L2: the L1 may not use unrestricted guest%s "
			 "(secondary controls allowed 0x%08x), so it ran only the 64-bit one",
			 caps & PROC2_EPT ? "" : " nor EPT", caps);
		return true;
	}
	if (real == L2_RESULT && exits == v->exits) {
		snprintf(out, len, "a real-mode L2 whose CPUID, %s (result 0x%08x) and HLT exits "
			 "(0x%06x, one per byte) it handled", v->call, real, exits);
		return true;
	}
	snprintf(out, len, "the real-mode L2 gave 0x%08x with exits 0x%06x (want 0x%08x, 0x%06x)",
		 real, exits, L2_RESULT, v->exits);
	return false;
}

#define NEST_BENCH_EXITS 200	/* guest.h */

/* x to two decimals: the JSON says what was measured, not the float's noise */
static double hundredths(double x)
{
	return (double)(long long)(x * 100.0 + 0.5) / 100.0;
}

/* The cost of nesting from the host's timestamps (guest.h, MARK): an L2 exit handled by the L1
 * against an L1 exit handled by hv-mini, in the same run; as metrics and a sentence */
static void nesting_cost(const struct devices *dev, struct proof_result *res, char *out,
			 size_t len)
{
	const uint64_t *m = dev->marks;

	if (!m[0] || m[1] <= m[0] || m[2] <= m[1])
		return;

	double l1 = (double)(m[1] - m[0]) / 1000.0 / NEST_BENCH_EXITS;
	double l2 = (double)(m[2] - m[1]) / 1000.0 / NEST_BENCH_EXITS;

	res->metrics[0] = (struct proof_metric){ "l2_exit_us", hundredths(l2) };
	res->metrics[1] = (struct proof_metric){ "l1_exit_us", hundredths(l1) };
	res->metrics[2] = (struct proof_metric){ "nesting_cost_ratio", hundredths(l2 / l1) };
	res->nmetrics = 3;
	snprintf(out, len, "; the cost of nesting: an L2 exit handled by the L1 took %.1f us, an "
		 "L1 exit handled by hv-mini %.1f us (%.1fx)", l2, l1, l2 / l1);
}

void proof_nested(const struct proof_opts *o, struct proof_result *res)
{
	const struct vendor *v = vendor_of(o, res);
	struct hv_vm vm;
	struct hv_exit done;
	struct kvm_sregs s;
	char real[256], lng[192];

	struct devices dev = { .disk_fd = -1 };

	if (!v || run_l1(o, v, false, &vm, &dev, &done, &s, res))
		return;

	bool real_ok = check_real_l2(&vm, v, real, sizeof(real));
	bool long_ok = check_long_l2(&vm, v, lng, sizeof(lng));
	bool ext_on = v == &svm ? (s.efer & EFER_SVME) : (s.cr4 & CR4_VMXE);

	char cost[192] = "";

	nesting_cost(&dev, res, cost, sizeof(cost));
	if (real_ok && long_ok && ext_on)
		result_set(res, PROOF_PROVEN, "an L1 guest turned %s on (%s) and ran its own L2s with "
			   "%s: %s; and %s%s", v->name, v->ext, v->enter, real, lng, cost);
	else
		result_set(res, PROOF_FAILED, "%s; %s; L1 %s %s", real, lng,
			   v == &svm ? "EFER" : "CR4", ext_on ? "has it on" : "shows it off");
	hv_vm_destroy(&vm);
}

void proof_nested_tdp(const struct proof_opts *o, struct proof_result *res)
{
	const struct vendor *v = vendor_of(o, res);
	struct hv_vm vm;
	struct hv_exit done;
	struct kvm_sregs s;

	struct devices dev = { .disk_fd = -1 };

	if (!v || run_l1(o, v, true, &vm, &dev, &done, &s, res))
		return;

	uint32_t got = (uint32_t)done.value;

	if (got == TDP_MAGIC)
		result_set(res, PROOF_PROVEN, "the L1 built its own nested page tables (%s) and "
			   "turned them on; its L2 read L2-physical 0x80000 and found 0x%08x, which "
			   "only the L1's mapping to 0x95000 gives", v == &svm ? "NPT: NP_ENABLE, "
			   "N_CR3" : "EPT: EPTP, secondary control", TDP_MAGIC);
	else if (got == TDP_DECOY)
		result_set(res, PROOF_FAILED, "the L2 read the decoy at 0x80000: the L1's nested page "
			   "tables were not used");
	else
		result_set(res, PROOF_FAILED, "the L2 read 0x%08x (want 0x%08x)", got, TDP_MAGIC);
	hv_vm_destroy(&vm);
}

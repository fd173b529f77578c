// SPDX-License-Identifier: MIT
/*
 * The nested proofs: an L1 guest of ours turns the CPU's virtualization extension on itself,
 * runs its own L2s and reports what they did (nested/l1/nested-*.S). The vendor comes
 * from KVM (the CPUID it gives our vCPUs): SVM L1s are 32-bit paged guests, VMX L1s 64-bit
 * ones (VM entry to a 64-bit L2 needs a 64-bit L1 on VMX). An ABORT from an L1 names the step
 * KVM refused; it is turned into a cause a reader can act on.
 */
#include <stdio.h>
#include <string.h>

#include "arch/x86.h"
#include "proofs/proofs.h"

struct vendor {
	const char *name, *ext, *module, *enter, *call, *tdp, *tdp_param;
	uint32_t exits, cs_l;	/* the real-mode L2's exit codes (one per byte), CS.L */
};

static const struct vendor svm = {
	"SVM", "EFER.SVME=1", "kvm_amd", "VMRUN", "VMMCALL", "NPT", "npt",
	SVM_EXIT_CPUID | SVM_EXIT_VMMCALL << 8 | SVM_EXIT_HLT << 16, VMCB_CS_ATTR_L,
};
static const struct vendor vmx = {
	"VMX", "CR4.VMXE=1, VMXON", "kvm_intel", "VMLAUNCH/VMRESUME", "VMCALL", "EPT", "ept",
	VMX_EXIT_CPUID | VMX_EXIT_VMCALL << 8 | VMX_EXIT_HLT << 16, VMCS_AR_L,
};

/* The vendor of KVM's vCPUs here: the runner started the L1 built for it */
static const struct vendor *vendor_of(const struct proof_run *run)
{
	return run->vm.svm ? &svm : &vmx;
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
	case VMX_EXIT_EXCEPTION: return "exception or NMI";
	case VMX_EXIT_TRIPLE_FAULT: return "triple fault";
	case VMX_EXIT_CPUID: return "CPUID";
	case VMX_EXIT_HLT: return "HLT";
	case VMX_EXIT_VMCALL: return "VMCALL";
	case VMX_EXIT_CR_ACCESS: return "control-register access";
	case VMX_EXIT_IO: return "I/O instruction";
	case VMX_EXIT_RDMSR: return "RDMSR";
	case VMX_EXIT_INVALID_GUEST_STATE: return "invalid guest state";
	case VMX_EXIT_MSR_LOADING: return "MSR loading";
	case VMX_EXIT_EPT_VIOLATION: return "EPT violation";
	case VMX_EXIT_EPT_MISCONFIG: return "EPT misconfiguration";
	default: return "see the SDM's list of exit reasons";
	}
}

/*
 * An L1's ABORT (NESTED_ABORT_* of hv-mini/abi.h) as a cause. No extension in the L1's CPUID is
 * not-run for nested_tdp, which has nothing to page for, and failed for nested, whose row it
 * decides; no nested paging is not-run; the rest name the step KVM refused and where.
 */
static void explain_abort(const struct vendor *v, const struct hv_exit *a, bool tdp,
			  struct hv_proof_result *res)
{
	unsigned code = (unsigned)a->value, line = (unsigned)a->aux;
	const char *file = hv_guest_file_name(a->file);

	if (code == NESTED_ABORT_NO_EXTENSION)
		hv_result_set(res, tdp ? HV_PROOF_NOT_RUN : HV_PROOF_FAILED, "the L1 guest's CPUID "
			      "has no %s: KVM does not offer nested %s here (%s nested=0, or an "
			      "outer hypervisor hides it)", v->name, v->name, v->module);
	else if (code == NESTED_ABORT_NO_TDP)
		hv_result_set(res, HV_PROOF_NOT_RUN, "the L1 guest has no usable %s: KVM offers no "
			      "nested paging to guests here (%s %s=0, or none below)", v->tdp,
			      v->module, v->tdp_param);
	else if (code == NESTED_ABORT_LOCKED_OFF)
		hv_result_set(res, HV_PROOF_FAILED, "IA32_FEATURE_CONTROL is locked with VMX off for "
			      "the L1 guest: VMXON would fault");
	else if (v == &vmx && code == NESTED_ABORT_VMFAIL_INVALID)
		hv_result_set(res, HV_PROOF_FAILED, "a VMX instruction of the L1 guest (line %u of %s) "
			      "failed with no current VMCS (VMfailInvalid)", line, file);
	else if (v == &vmx && code > NESTED_ABORT_VM_INSTRUCTION_ERROR &&
		 code < 2 * NESTED_ABORT_VM_INSTRUCTION_ERROR)
		hv_result_set(res, HV_PROOF_FAILED, "KVM refused the L1 guest's VMX instruction at "
			      "line %u of %s: VM-instruction error %u (%s)", line, file,
			      code - NESTED_ABORT_VM_INSTRUCTION_ERROR,
			      vm_instruction_error(code - NESTED_ABORT_VM_INSTRUCTION_ERROR));
	else if (v == &vmx && (code & VMX_EXIT_ENTRY_FAILED))
		hv_result_set(res, HV_PROOF_FAILED, "the L1 guest's VM entry failed at line %u of %s: "
			      "exit reason 0x%x (%s)", line, file, code,
			      vmx_exit_reason(code & 0xFFFF));
	else if (v == &vmx)
		hv_result_set(res, HV_PROOF_FAILED, "the L1 guest's L2 exited with reason %u (%s) at "
			      "line %u of %s", code, vmx_exit_reason(code & 0xFFFF), line, file);
	else
		hv_result_set(res, HV_PROOF_FAILED, "the L1 guest's L2 exited with EXITCODE 0x%x at "
			      "line %u of %s (0xffffffff: VMRUN refused the VMCB)", code, line, file);
}

/* A run of an L1 that did not reach DONE: its ABORT as a cause, or what happened instead */
static void l1_not_done(const struct proof_run *run, bool tdp, struct hv_proof_result *res)
{
	if (run->done[0].ucall == HV_UCALL_ABORT)
		explain_abort(vendor_of(run), &run->done[0], tdp, res);
	else
		hv_result_set(res, HV_PROOF_FAILED, "%s", run->why);
}

static uint32_t out32(struct proof_run *run, unsigned offset)
{
	return hv_get32(&run->vm, NESTED_OUT + offset);
}

/* What the 64-bit L2 computes: the seed rotated left, a value only long mode produces */
static uint64_t l2_long_want(void)
{
	uint64_t seed = NESTED_L2_LONG_SEED;

	return seed << NESTED_L2_LONG_ROL | seed >> (64 - NESTED_L2_LONG_ROL);
}

/* The 64-bit L2's part of the report: its value and the mode the L1 saw it in at its exit */
static bool check_long_l2(struct proof_run *run, const struct vendor *v, char *out, size_t len)
{
	uint64_t got = (uint64_t)out32(run, NESTED_OUT_LONG_HI) << 32 |
		       out32(run, NESTED_OUT_LONG_LO);
	uint32_t lma = out32(run, NESTED_OUT_LONG_LMA), cs = out32(run, NESTED_OUT_LONG_CS);
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
static bool check_real_l2(struct proof_run *run, const struct vendor *v, char *out, size_t len)
{
	uint32_t real = out32(run, NESTED_OUT_REAL_RESULT);
	uint32_t exits = out32(run, NESTED_OUT_REAL_EXITS);

	if (v == &vmx && (out32(run, NESTED_OUT_FLAGS) & NESTED_NO_REAL_L2)) {
		uint32_t caps = out32(run, NESTED_OUT_CAPS);

		snprintf(out, len, "no real-mode L2: the L1 may not use unrestricted guest%s "
			 "(secondary controls allowed 0x%08x), so it ran only the 64-bit one",
			 caps & VMX_PROC2_EPT ? "" : " nor EPT", caps);
		return true;
	}
	if (real == NESTED_L2_REAL_RESULT && exits == v->exits) {
		snprintf(out, len, "a real-mode L2 whose CPUID, %s (result 0x%08x) and HLT exits "
			 "(0x%06x, one per byte) it handled", v->call, real, exits);
		return true;
	}
	snprintf(out, len, "the real-mode L2 gave 0x%08x with exits 0x%06x (want 0x%08x, 0x%06x)",
		 real, exits, NESTED_L2_REAL_RESULT, v->exits);
	return false;
}

/* x to two decimals: the JSON says what was measured, not the float's noise */
static double hundredths(double x)
{
	return (double)(long long)(x * 100.0 + 0.5) / 100.0;
}

/* The cost of nesting from the host's timestamps (hv-mini/abi.h, MARK): an L2 exit handled by
 * the L1 against an L1 exit handled by hv-mini, in the same run; as metrics and a sentence */
static void nesting_cost(const struct hv_marks *marks, struct hv_proof_result *res, char *out,
			 size_t len)
{
	const uint64_t *m = marks->at_ns;

	if (!m[0] || m[1] <= m[0] || m[2] <= m[1])
		return;

	double l1 = (double)(m[1] - m[0]) / 1000.0 / NESTED_BENCH_EXITS;
	double l2 = (double)(m[2] - m[1]) / 1000.0 / NESTED_BENCH_EXITS;

	res->metrics[0] = (struct hv_proof_metric){ "l2_exit_us", hundredths(l2) };
	res->metrics[1] = (struct hv_proof_metric){ "l1_exit_us", hundredths(l1) };
	res->metrics[2] = (struct hv_proof_metric){ "nesting_cost_ratio", hundredths(l2 / l1) };
	res->nmetrics = 3;
	snprintf(out, len, "; the cost of nesting: an L2 exit handled by the L1 took %.1f us, an "
		 "L1 exit handled by hv-mini %.1f us (%.1fx)", l2, l1, l2 / l1);
}

void check_nested(struct proof_run *run, struct hv_proof_result *res)
{
	const struct vendor *v = vendor_of(run);
	char real[256], lng[192], cost[192] = "";

	if (!run->finished) {
		l1_not_done(run, false, res);
		return;
	}

	bool real_ok = check_real_l2(run, v, real, sizeof(real));
	bool long_ok = check_long_l2(run, v, lng, sizeof(lng));
	bool ext_on = v == &svm ? (run->sregs.efer & X86_EFER_SVME) : (run->sregs.cr4 & X86_CR4_VMXE);
	struct why_not w = { .used = 0 };
	char counted[160] = "";

	if (!real_ok || !long_ok)
		why_not(&w, "%s; %s", real, lng);
	if (!ext_on)
		why_not(&w, "the L1's %s shows %s off", v == &svm ? "EFER" : "CR4", v->name);
	/* every result above is in the L1's memory, which it can write as it likes: KVM's count
	 * of the nested guests it entered for this vCPU is what an L1 cannot forge */
	proof_kvm_counted(run, "nested_run", 2, "entries into a nested guest", &w, counted,
			  sizeof(counted));
	if (failed_for(res, &w))
		return;
	nesting_cost(&run->dev.marks, res, cost, sizeof(cost));
	hv_result_set(res, HV_PROOF_PROVEN, "an L1 guest turned %s on (%s) and ran its own L2s with "
		      "%s: %s; and %s%s%s", v->name, v->ext, v->enter, real, lng, counted, cost);
}

/* The decoy the L2 finds without the L1's nested paging, and the magic it finds with it */
static uint32_t tdp_magic(const struct proof_run *run)
{
	return run->nonce[0] == NESTED_TDP_DECOY ? NESTED_TDP_MAGIC : run->nonce[0];
}

int setup_nested_tdp(struct proof_run *run, struct hv_proof_result *res)
{
	hv_put32(&run->vm, NESTED_TDP_L2_PAGE, NESTED_TDP_DECOY);
	hv_put32(&run->vm, NESTED_TDP_L1_PAGE, tdp_magic(run));
	return 0;
}

void check_nested_tdp(struct proof_run *run, struct hv_proof_result *res)
{
	const struct vendor *v = vendor_of(run);
	uint32_t got = (uint32_t)run->done[0].value, magic = tdp_magic(run);
	struct why_not w = { .used = 0 };
	char counted[160] = "";

	if (!run->finished) {
		l1_not_done(run, true, res);
		return;
	}
	if (got == NESTED_TDP_DECOY)
		why_not(&w, "the L2 read the decoy at 0x%x: the L1's nested page tables were not used",
			NESTED_TDP_L2_PAGE);
	else if (got != magic)
		why_not(&w, "the L2 read 0x%08x, not 0x%08x", got, magic);
	/* the L1 can read the magic itself: KVM's count says an L2 was entered at all */
	proof_kvm_counted(run, "nested_run", 1, "entries into a nested guest", &w, counted,
			  sizeof(counted));
	if (!failed_for(res, &w))
		hv_result_set(res, HV_PROOF_PROVEN, "the L1 built its own nested page tables (%s) and "
			      "turned them on; its L2 read L2-physical 0x%x and found 0x%08x, which "
			      "only the L1's mapping to 0x%x gives%s", v == &svm ? "NPT: NP_ENABLE, "
			      "N_CR3" : "EPT: EPTP, secondary control", NESTED_TDP_L2_PAGE, magic,
			      NESTED_TDP_L1_PAGE, counted);
}

// SPDX-License-Identifier: MIT
/*
 * Intel VMX capabilities: which VM-execution controls this CPU lets a hypervisor turn on
 * (Intel SDM vol. 3D appendix A). Each control MSR holds in its upper 32 bits the "allowed-1"
 * settings: a control may be 1 only where that bit is 1 (A.3). The secondary controls exist only
 * when the primary processor-based control bit 31 may be 1 (A.3.3), and IA32_VMX_EPT_VPID_CAP
 * exists only when the secondary controls allow EPT or VPID (A.10): reading it otherwise raises
 * #GP, as on a Core 2 "Penryn".
 *
 * Without root the MSRs cannot be read; the kernel then publishes the same controls as the
 * "vmx flags" line of /proc/cpuinfo (Linux 5.8+). Without either the values are unknown, and the
 * detail says how to learn them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/cpuinfo.h"
#include "arch/x86.h"
#include "probe/msr.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"


static const struct vmx_feature {
	const char *id;
	uint32_t msr;
	unsigned bit;		/* in the allowed-1 half, or in EPT_VPID_CAP itself */
	const char *flag;	/* the word in /proc/cpuinfo "vmx flags" */
	const char *meaning;
} vmx_features[] = {
	{ CAP_CPU_EPT, MSR_IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_EPT_BIT, "ept",
	  "extended page tables (Intel's second-level paging)" },
	{ CAP_CPU_VPID, MSR_IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_VPID_BIT, "vpid",
	  "virtual processor ids (no TLB flush on VM exit)" },
	{ CAP_CPU_UNRESTRICTED_GUEST, MSR_IA32_VMX_PROCBASED_CTLS2, VMX_PROC2_UNRESTRICTED_BIT,
	  "unrestricted_guest", "guests may run in real mode and unpaged protected mode" },
	{ CAP_CPU_APIC_REGISTER_VIRT, MSR_IA32_VMX_PROCBASED_CTLS2, 8, "vapic_reg",
	  "APIC-register virtualization" },
	{ CAP_CPU_VIRTUAL_INTERRUPT_DELIVERY, MSR_IA32_VMX_PROCBASED_CTLS2, 9, "vid",
	  "virtual-interrupt delivery" },
	{ CAP_CPU_VMCS_SHADOWING, MSR_IA32_VMX_PROCBASED_CTLS2, 14, "shadow_vmcs",
	  "VMCS shadowing (faster nested VMX)" },
	{ CAP_CPU_PREEMPTION_TIMER, MSR_IA32_VMX_PINBASED_CTLS, 6, "preemption_timer",
	  "VMX-preemption timer" },
	{ CAP_CPU_POSTED_INTERRUPTS, MSR_IA32_VMX_PINBASED_CTLS, 7, "posted_intr",
	  "posted interrupts" },
	{ CAP_CPU_EPT_1GB, MSR_IA32_VMX_EPT_VPID_CAP, 17, "ept_1gb", "1 GiB pages in EPT" },
	{ CAP_CPU_EPT_AD, MSR_IA32_VMX_EPT_VPID_CAP, 21, "ept_ad", "accessed and dirty flags in EPT" },
};

#define VMX_FEATURES (sizeof(vmx_features) / sizeof(vmx_features[0]))

static const char *msr_name(uint32_t msr)
{
	switch (msr) {
	case MSR_IA32_VMX_PINBASED_CTLS:
		return "MSR 0x481 IA32_VMX_PINBASED_CTLS";
	case MSR_IA32_VMX_PROCBASED_CTLS2:
		return "MSR 0x48B IA32_VMX_PROCBASED_CTLS2";
	default:
		return "MSR 0x48C IA32_VMX_EPT_VPID_CAP";
	}
}

/* From the capability MSRs. Returns 0, or a negative errno when they cannot be read. */
static int vmx_from_msrs(struct probe_ctx *ctx, struct report *r)
{
	uint64_t basic, pin, proc, sec = 0, ept = 0;
	int err = msr_read(ctx, 0, MSR_IA32_VMX_BASIC, &basic);

	if (err)
		return err;
	if ((err = msr_read(ctx, 0, MSR_IA32_VMX_PINBASED_CTLS, &pin)) ||
	    (err = msr_read(ctx, 0, MSR_IA32_VMX_PROCBASED_CTLS, &proc)))
		return err;

	bool have_sec = proc >> 32 & VMX_PROC_SECONDARY;

	if (have_sec && msr_read(ctx, 0, MSR_IA32_VMX_PROCBASED_CTLS2, &sec))
		have_sec = false;

	uint32_t sec1 = have_sec ? (uint32_t)(sec >> 32) : 0;
	bool have_ept_cap = (sec1 >> VMX_PROC2_EPT_BIT & 1) || (sec1 >> VMX_PROC2_VPID_BIT & 1);

	if (have_ept_cap && msr_read(ctx, 0, MSR_IA32_VMX_EPT_VPID_CAP, &ept))
		have_ept_cap = false;

	int rc = 0;

	for (size_t i = 0; i < VMX_FEATURES; i++) {
		const struct vmx_feature *f = &vmx_features[i];
		bool v;
		const char *why = NULL;

		switch (f->msr) {
		case MSR_IA32_VMX_PINBASED_CTLS:
			v = pin >> 32 >> f->bit & 1;
			break;
		case MSR_IA32_VMX_PROCBASED_CTLS2:
			v = sec1 >> f->bit & 1;
			why = have_sec ? NULL : "no secondary controls on this CPU";
			break;
		default:
			v = have_ept_cap && (ept >> f->bit & 1);
			why = have_ept_cap ? NULL : "no EPT/VPID capability MSR (no EPT or VPID)";
			break;
		}
		rc |= report_cap_bool(r, f->id, v, msr_name(f->msr), "%s%s%s", f->meaning,
				      why ? ": " : "", why ? why : "");
	}
	rc |= report_cap_int(r, CAP_CPU_VMCS_REVISION, (long long)(basic & VMX_BASIC_REVISION_MASK),
			     "MSR 0x480 IA32_VMX_BASIC[30:0]", NULL);
	return rc ? -ENOMEM : 0;
}

int probe_vmx(struct probe_ctx *ctx, struct report *r)
{
	int vmx = report_cap_flag(r, CAP_CPU_VMX);
	int rc = 0;

	if (vmx != 1) {
		const char *why = vmx == 0 ? "the CPU has no VMX (AMD's second-level paging is NPT: "
					     "cpu.npt)"
					   : "unknown: CPUID was not read";

		for (size_t i = 0; i < VMX_FEATURES; i++) {
			if (vmx == 0)
				rc |= report_cap_bool(r, vmx_features[i].id, false, "CPUID 0x00000001 "
						      "ECX[5]", "%s", why);
			else
				rc |= report_cap_unknown(r, vmx_features[i].id, "CPUID", "%s", why);
		}
		return rc ? -ENOMEM : 0;
	}

	int err = vmx_from_msrs(ctx, r);

	if (err == 0 || err == -ENOMEM)
		return err;

	bool flags = cpuinfo_has(ctx, "vmx flags", "vmx") >= 0;

	for (size_t i = 0; i < VMX_FEATURES; i++) {
		const struct vmx_feature *f = &vmx_features[i];

		if (flags)
			rc |= report_cap_bool(r, f->id, cpuinfo_has(ctx, "vmx flags", f->flag) == 1,
					      "/proc/cpuinfo \"vmx flags\"", "%s (MSRs: %s)", f->meaning,
					      msr_error_text(err));
		else
			rc |= report_cap_unknown(r, f->id, "IA32_VMX_* MSRs", "%s; the kernel shows no "
						 "\"vmx flags\" (Linux 5.8+ with VT-x enabled does)",
						 msr_error_text(err));
	}
	return rc ? -ENOMEM : 0;
}

// SPDX-License-Identifier: MIT
/*
 * Confidential computing: guests whose memory the host cannot read. Each technology needs the
 * CPU, the firmware and the kernel to agree:
 *   AMD SEV, SEV-ES, SEV-SNP: CPUID Fn8000_001F (APM vol. 3 E.4.17): EAX[1] SEV, [3] SEV-ES,
 *     [4] SEV-SNP, [5] VMPL; ECX = encrypted guests supported at once (the ASID count);
 *     EDX = the lowest ASID an SEV guest without SEV-ES may use (ASIDs below it are SEV-ES's).
 *     Firmware: SYSCFG (MSR 0xC0010010) bit 23 MemEncryptionModEn, bit 24 SNPEn.
 *     Kernel: kvm_amd parameters sev, sev_es, sev_snp; /dev/sev, opened for real by probe/devnodes.c.
 *   Intel SGX: CPUID.(7,0):EBX[2], ECX[30] launch control; leaf 0x12 sub-leaf 0 EAX[0] SGX1,
 *     [1] SGX2; sub-leaves 2+ describe the EPC. Firmware: IA32_FEATURE_CONTROL bit 18.
 *     Kernel: /dev/sgx_enclave; /dev/sgx_vepc gives SGX to KVM guests.
 *   Intel TDX: enumerated by the TDX module, not CPUID: the kernel says "tdx_host_platform" in
 *     cpuinfo and kvm_intel has a tdx parameter (Linux 6.16+).
 * And on the guest side: whether this system is itself a confidential guest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe/cpuinfo.h"
#include "probe/msr.h"
#include "arch/x86.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"

#define LEAF_SEV 0x8000001Fu
#define EPC_SUBLEAF_FIRST 2
#define EPC_TYPE_SECTION 1

/* A kvm module parameter as a bool cap; unknown when not there. */
static int param_cap(struct probe_ctx *ctx, struct report *r, const char *id, const char *path)
{
	char v[16];

	if (root_read_line(ctx, path, v, sizeof(v)))
		return report_cap_unknown(r, id, path, "not exposed by this kernel or module");
	return report_cap_bool(r, id, !strcmp(v, "Y") || !strcmp(v, "1"), path, NULL);
}

static int cc_sev(struct probe_ctx *ctx, struct report *r)
{
	static const struct {
		const char *id;
		unsigned bit;
		const char *meaning;
	} bits[] = {
		{ CAP_CC_SME, 0, "secure memory encryption" },
		{ CAP_CC_SEV, 1, "SEV: encrypted guest memory" },
		{ CAP_CC_SEV_ES, 3, "SEV-ES: encrypted guest registers" },
		{ CAP_CC_SEV_SNP, 4, "SEV-SNP: memory integrity" },
		{ CAP_CC_VMPL, 5, "VM permission levels" },
	};
	struct cpuid_regs l;
	bool have = ctx->cpuid_ok && cpuid_raw_leaf(&ctx->cpuid, LEAF_SEV, 0, &l);
	int rc = 0;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		char src[48];

		snprintf(src, sizeof(src), "CPUID 0x8000001f EAX[%u]", bits[i].bit);
		if (!ctx->cpuid_ok)
			rc |= report_cap_unknown(r, bits[i].id, src, "CPUID was not read");
		else
			rc |= report_cap_bool(r, bits[i].id, have && (l.r[CPUID_EAX] >> bits[i].bit & 1),
					      src, "%s%s", bits[i].meaning,
					      have ? "" : " (leaf 0x8000001F not implemented)");
	}
	if (have && (l.r[CPUID_EAX] >> 1 & 1)) {
		rc |= report_cap_int(r, CAP_CC_SEV_ASIDS, l.r[CPUID_ECX], "CPUID 0x8000001f ECX",
				     "encrypted guests at once");
		rc |= report_cap_int(r, CAP_CC_SEV_MIN_ASID, l.r[CPUID_EDX], "CPUID 0x8000001f EDX",
				     "lowest ASID of an SEV guest without SEV-ES; SEV-ES/SNP guests "
				     "use the ones below");

		uint64_t syscfg;
		int err = msr_read(ctx, 0, MSR_AMD_SYSCFG, &syscfg);

		if (err) {
			rc |= report_cap_unknown(r, CAP_CC_SEV_FW, "MSR 0xC0010010 SYSCFG", "%s",
						 msr_error_text(err));
		} else {
			rc |= report_cap_bool(r, CAP_CC_SEV_FW, syscfg & SYSCFG_MEM_ENCRYPT,
					      "MSR 0xC0010010 SYSCFG[23]", "memory encryption enabled "
					      "by firmware; SNP %s", syscfg & SYSCFG_SNP_EN ? "enabled"
					      : "not enabled (SYSCFG[24])");
			if (!(syscfg & SYSCFG_MEM_ENCRYPT))
				rc |= report_cap_fix(r, CAP_CC_SEV_FW, "enable \"SMEE\" (secure memory "
						     "encryption) and SEV/SNP in the BIOS/UEFI setup");
		}
		rc |= param_cap(ctx, r, CAP_CC_SEV_KERNEL, "/sys/module/kvm_amd/parameters/sev");
		rc |= param_cap(ctx, r, CAP_CC_SEV_ES_KERNEL, "/sys/module/kvm_amd/parameters/sev_es");
		rc |= param_cap(ctx, r, CAP_CC_SEV_SNP_KERNEL,
				"/sys/module/kvm_amd/parameters/sev_snp");
		if (report_cap_flag(r, CAP_CC_SEV_KERNEL) == 0)
			rc |= report_cap_fix(r, CAP_CC_SEV_KERNEL, "boot with mem_encrypt=on "
					     "kvm_amd.sev=1 (and kvm_amd.sev_es=1, kvm_amd.sev_snp=1 "
					     "for those) after enabling SEV in the firmware");
	}
	return rc;
}

static int cc_sgx(struct probe_ctx *ctx, struct report *r)
{
	struct cpuid_regs l7, l12;
	bool have7 = ctx->cpuid_ok && cpuid_raw_leaf(&ctx->cpuid, 7, 0, &l7);
	bool sgx = have7 && (l7.r[CPUID_EBX] >> 2 & 1);
	int rc = 0;

	if (!ctx->cpuid_ok)
		return report_cap_unknown(r, CAP_CC_SGX, "CPUID 0x00000007 EBX[2]",
					  "CPUID was not read");
	rc |= report_cap_bool(r, CAP_CC_SGX, sgx, "CPUID 0x00000007 EBX[2]", "Intel SGX enclaves");
	if (!sgx)
		return rc;
	rc |= report_cap_bool(r, CAP_CC_SGX_LC, l7.r[CPUID_ECX] >> 30 & 1, "CPUID 0x00000007 ECX[30]",
			      "flexible launch control (needed by the upstream driver)");
	if (cpuid_raw_leaf(&ctx->cpuid, 0x12, 0, &l12)) {
		rc |= report_cap_bool(r, CAP_CC_SGX1, l12.r[CPUID_EAX] & 1, "CPUID 0x00000012 EAX[0]",
				      NULL);
		rc |= report_cap_bool(r, CAP_CC_SGX2, l12.r[CPUID_EAX] >> 1 & 1,
				      "CPUID 0x00000012 EAX[1]", NULL);
	}

	unsigned long long epc = 0;

	for (uint32_t sub = EPC_SUBLEAF_FIRST; sub < CPUID_RAW_FN12H; sub++) {
		struct cpuid_regs s;

		if (!cpuid_raw_leaf(&ctx->cpuid, 0x12, sub, &s) ||
		    (s.r[CPUID_EAX] & 0xF) != EPC_TYPE_SECTION)
			continue;
		epc += (s.r[CPUID_ECX] & 0xFFFFF000ull) | (unsigned long long)(s.r[CPUID_EDX] &
									      0xFFFFF) << 32;
	}
	rc |= report_cap_int(r, CAP_CC_SGX_EPC_MB, (long long)(epc >> 20),
			     "CPUID 0x00000012 sub-leaves 2-3", "enclave page cache (EPC)");

	uint64_t fc;
	int err = msr_read(ctx, 0, MSR_IA32_FEATURE_CONTROL, &fc);

	if (err)
		rc |= report_cap_unknown(r, CAP_CC_SGX_FW, "MSR 0x3A IA32_FEATURE_CONTROL[18]", "%s",
					 msr_error_text(err));
	else
		rc |= report_cap_bool(r, CAP_CC_SGX_FW, fc & FEATURE_CONTROL_SGX,
				      "MSR 0x3A IA32_FEATURE_CONTROL[18]", "SGX enabled by firmware");
	rc |= report_cap_bool(r, CAP_CC_SGX_KERNEL, root_exists(ctx, "/dev/sgx_enclave"), "/dev/sgx_enclave",
			      NULL);
	rc |= report_cap_bool(r, CAP_CC_SGX_KVM, root_exists(ctx, "/dev/sgx_vepc"), "/dev/sgx_vepc",
			      "KVM can give SGX to guests");
	return rc;
}

static int cc_tdx_and_guest(struct probe_ctx *ctx, struct report *r, bool amd)
{
	int rc = 0;
	int vmx = report_cap_flag(r, CAP_CPU_VMX);

	if (vmx == 1) {
		bool module = cpuinfo_has(ctx, "flags", "tdx_host_platform") == 1;

		rc |= report_cap_bool(r, CAP_CC_TDX, module, "/proc/cpuinfo flags", "%s", module
				      ? "the kernel found a TDX module (\"tdx_host_platform\")"
				      : "the kernel found no TDX module (no \"tdx_host_platform\"): "
					"TDX needs a CPU that has it, the firmware to load the module "
					"and a kernel with TDX host support");
		rc |= param_cap(ctx, r, CAP_CC_TDX_KERNEL, "/sys/module/kvm_intel/parameters/tdx");
	} else if (vmx == 0) {
		/* TDX is built on VMX: without it the answer is no, not unknown */
		rc |= report_cap_bool(r, CAP_CC_TDX, false, "CPUID 1 ECX[5] (VMX)", "%s",
				      amd ? "TDX is Intel's; on this AMD CPU confidential guests are "
					    "SEV-SNP"
				      : "TDX runs on VT-x, which this CPU does not show");
	}

	bool tdx_guest = cpuinfo_has(ctx, "flags", "tdx_guest") == 1;
	bool snp_guest = root_exists(ctx, "/dev/sev-guest");

	rc |= report_cap_bool(r, CAP_CC_GUEST, tdx_guest || snp_guest,
			      "/proc/cpuinfo tdx_guest, /dev/sev-guest", "%s",
			      tdx_guest ? "this system is a TDX guest"
			      : snp_guest ? "this system is an SEV-SNP guest"
			      : "this system is not a confidential guest");
	return rc;
}

int probe_confidential(struct probe_ctx *ctx, struct report *r)
{
	int rc = 0;
	const char *vendor = report_cap_string(r, CAP_CPU_VENDOR);
	bool amd = vendor && (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"));

	if (amd || !vendor)
		rc |= cc_sev(ctx, r);
	else	/* SEV is AMD's: no, not unknown */
		rc |= report_cap_bool(r, CAP_CC_SEV_SNP, false, "CPUID 0 vendor", "SEV-SNP is AMD's; "
				      "on this %s CPU confidential guests are TDX", vendor);
	if (!amd)
		rc |= cc_sgx(ctx, r);
	rc |= cc_tdx_and_guest(ctx, r, amd);
	return rc ? -ENOMEM : 0;
}

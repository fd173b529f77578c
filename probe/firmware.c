// SPDX-License-Identifier: MIT
/*
 * What the firmware (BIOS/UEFI) did to virtualization, and who made the machine.
 *
 * Firmware cannot remove VMX/SVM from CPUID; it switches them off in an MSR and locks it:
 *   Intel: IA32_FEATURE_CONTROL (MSR 0x3A, SDM vol. 3C 23.7): bit 0 lock, bit 2 "enable VMX
 *          outside SMX". Locked with bit 2 clear, VMXON faults until the next power cycle.
 *          Unlocked, the kernel sets and locks it itself.
 *   AMD:   VM_CR (MSR 0xC0010114, APM vol. 2 15.30.1): bit 4 SVMDIS makes EFER.SVME writes fault;
 *          bit 3 LOCK keeps it so.
 * Reading them needs root. Without root the kernel's own verdict is the evidence: Linux clears
 * the "vmx" flag (arch/x86/kernel/cpu/feat_ctl.c) and the "svm" flag (amd.c, "SVM disabled (by
 * BIOS) in MSR_VM_CR") of /proc/cpuinfo in exactly these cases, so CPUID with the bit set and
 * cpuinfo without it means firmware switched it off.
 *
 * An IOMMU exists for the OS only when the firmware describes it in ACPI: a DMAR table (Intel
 * VT-d) or an IVRS table (AMD-Vi). Device passthrough needs it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arch/x86.h"
#include "probe/cpuinfo.h"
#include "probe/msr.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"


static const char fix_vtx[] =
	"enable \"Intel Virtualization Technology\" (VT-x, sometimes \"VMX\" or \"Vanderpool\") in the "
	"BIOS/UEFI setup, usually under Advanced > CPU Configuration, save, then power the machine "
	"off and on (a warm reboot keeps the MSR locked)";
static const char fix_svm[] =
	"enable \"SVM Mode\" (AMD-V, sometimes \"Secure Virtual Machine\") in the BIOS/UEFI setup, "
	"usually under Advanced > CPU Configuration or M.I.T. > Advanced CPU Core Settings, save, "
	"then power the machine off and on";

static int fw_intel(struct probe_ctx *ctx, struct report *r)
{
	uint64_t fc;
	int err = msr_read(ctx, 0, MSR_IA32_FEATURE_CONTROL, &fc);
	const char *src = "MSR 0x3A IA32_FEATURE_CONTROL";

	if (err == 0) {
		bool locked = fc & FEATURE_CONTROL_LOCKED, on = fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX;
		int rc = report_cap_int(r, CAP_FW_FEATURE_CONTROL, (long long)fc, src, NULL);

		rc |= report_cap_hex(r, CAP_FW_FEATURE_CONTROL);

		if (locked && !on) {
			rc |= report_cap_bool(r, CAP_FW_VIRT_ENABLED, false, src,
					      "locked with VMX disabled (0x%llx): the firmware turned "
					      "VT-x off", (unsigned long long)fc);
			rc |= report_cap_fix(r, CAP_FW_VIRT_ENABLED, "%s", fix_vtx);
		} else {
			rc |= report_cap_bool(r, CAP_FW_VIRT_ENABLED, true, src, "%s (0x%llx)",
					      locked ? "locked with VMX enabled"
					      : "not locked: the kernel enables VMX itself",
					      (unsigned long long)fc);
		}
		return rc;
	}

	int flag = cpuinfo_has(ctx, "flags", "vmx");

	if (flag < 0)
		return report_cap_unknown(r, CAP_FW_VIRT_ENABLED, src, "%s; /proc/cpuinfo unreadable",
					  msr_error_text(err));
	if (flag == 1)
		return report_cap_bool(r, CAP_FW_VIRT_ENABLED, true, "/proc/cpuinfo flags",
				       "the kernel lists vmx, which it hides when the firmware "
				       "locked VT-x off (MSR 0x3A: %s)", msr_error_text(err));

	int rc = report_cap_bool(r, CAP_FW_VIRT_ENABLED, false, "/proc/cpuinfo flags",
				 "CPUID has VMX but the kernel hides the vmx flag: the firmware "
				 "locked VT-x off (MSR 0x3A: %s)", msr_error_text(err));

	return rc | report_cap_fix(r, CAP_FW_VIRT_ENABLED, "%s", fix_vtx);
}

static int fw_amd(struct probe_ctx *ctx, struct report *r)
{
	uint64_t vmcr;
	int err = msr_read(ctx, 0, MSR_AMD_VM_CR, &vmcr);
	const char *src = "MSR 0xC0010114 VM_CR";

	if (err == 0) {
		int rc = report_cap_int(r, CAP_FW_VM_CR, (long long)vmcr, src, NULL);

		rc |= report_cap_hex(r, CAP_FW_VM_CR);

		if (vmcr & VM_CR_SVMDIS) {
			rc |= report_cap_bool(r, CAP_FW_VIRT_ENABLED, false, src,
					      "SVMDIS is set%s (0x%llx): the firmware turned AMD-V off",
					      vmcr & VM_CR_LOCK ? " and locked" : "",
					      (unsigned long long)vmcr);
			return rc | report_cap_fix(r, CAP_FW_VIRT_ENABLED, "%s", fix_svm);
		}
		return rc | report_cap_bool(r, CAP_FW_VIRT_ENABLED, true, src,
					    "SVMDIS clear (0x%llx)", (unsigned long long)vmcr);
	}

	int flag = cpuinfo_has(ctx, "flags", "svm");

	if (flag < 0)
		return report_cap_unknown(r, CAP_FW_VIRT_ENABLED, src, "%s; /proc/cpuinfo unreadable",
					  msr_error_text(err));
	if (flag == 1)
		return report_cap_bool(r, CAP_FW_VIRT_ENABLED, true, "/proc/cpuinfo flags",
				       "the kernel lists svm, which it hides when VM_CR.SVMDIS is "
				       "set (MSR: %s)", msr_error_text(err));

	int rc = report_cap_bool(r, CAP_FW_VIRT_ENABLED, false, "/proc/cpuinfo flags",
				 "CPUID has SVM but the kernel hides the svm flag: the firmware set "
				 "VM_CR.SVMDIS (MSR: %s)", msr_error_text(err));

	return rc | report_cap_fix(r, CAP_FW_VIRT_ENABLED, "%s", fix_svm);
}

static int fw_dmi(struct probe_ctx *ctx, struct report *r)
{
	static const struct {
		const char *id, *file;
	} fields[] = {
		{ CAP_FW_DMI_SYS_VENDOR, "sys_vendor" },
		{ CAP_FW_DMI_PRODUCT_NAME, "product_name" },
		{ CAP_FW_BIOS_VENDOR, "bios_vendor" },
		{ CAP_FW_BIOS_VERSION, "bios_version" },
		{ CAP_FW_BIOS_DATE, "bios_date" },
	};
	char path[96], value[256];
	int rc = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", fields[i].file);
		if (root_read_line(ctx, path, value, sizeof(value)) == 0)
			rc |= report_cap_str(r, fields[i].id, value, path, NULL);
		else
			rc |= report_cap_unknown(r, fields[i].id, path, "no DMI/SMBIOS data (some "
						 "VMMs, e.g. Firecracker, provide none)");
	}
	return rc;
}

static int fw_iommu(struct probe_ctx *ctx, struct report *r)
{
	char **tables = NULL, **units = NULL;
	int ntables = root_list(ctx, "/sys/firmware/acpi/tables", &tables);
	int nunits = root_list(ctx, "/sys/class/iommu", &units);
	const char *table = NULL;
	bool arm = report_host_is_arm(r), iort = false;
	int rc = 0;

	for (int i = 0; i < ntables; i++)
		if (!strcmp(tables[i], "DMAR") || !strcmp(tables[i], "IVRS"))
			table = tables[i];
	/* Arm's IORT describes the SMMUs and the GIC's ITS alike: an IOMMU only with a unit */
	for (int i = 0; i < ntables && !table && arm; i++)
		if (!strcmp(tables[i], "IORT"))
			iort = true;
	if (table || iort)
		rc |= report_cap_str(r, CAP_FW_IOMMU_TABLE, table ? table : "IORT",
				     "/sys/firmware/acpi/tables", "%s", !table ? "Arm's IO remapping "
				     "table (SMMUs, ITS)" : !strcmp(table, "DMAR") ? "Intel VT-d"
				     : "AMD-Vi");
	else
		rc |= report_cap_unknown(r, CAP_FW_IOMMU_TABLE, "/sys/firmware/acpi/tables",
					 ntables >= 0 ? arm ? "no IORT table" : "no DMAR or IVRS "
					 "table" : "no ACPI tables");
	if (table || nunits > 0) {
		rc |= report_cap_bool(r, CAP_FW_IOMMU, true, table ? "/sys/firmware/acpi/tables"
				      : "/sys/class/iommu", "%s%s%d IOMMU unit(s) registered",
				      table ? table : "", table ? " table; " : "",
				      nunits > 0 ? nunits : 0);
	} else if (iort) {	/* whether it names an SMMU, its driver would say: none registered */
		rc |= report_cap_unknown(r, CAP_FW_IOMMU, "/sys/firmware/acpi/tables", "an IORT "
					 "table, and no SMMU the kernel registered (/sys/class/iommu): "
					 "none, or its driver not loaded");
	} else if (ntables >= 0 && arm) {
		rc |= report_cap_bool(r, CAP_FW_IOMMU, false, "/sys/firmware/acpi/tables", "no SMMU: "
				      "no IORT table, no IOMMU unit");
		rc |= report_cap_fix(r, CAP_FW_IOMMU, "an arm64 server's SMMU is the firmware's to "
				     "describe (ACPI IORT, or the device tree): where its setup has an "
				     "SMMU switch, turn it on (some Ampere and Cavium boards); many "
				     "boards and most cloud VMs have none");
	} else if (ntables >= 0) {
		rc |= report_cap_bool(r, CAP_FW_IOMMU, false, "/sys/firmware/acpi/tables",
				      "the firmware describes no IOMMU (no ACPI DMAR or IVRS table)");
		rc |= report_cap_fix(r, CAP_FW_IOMMU, "enable the IOMMU in the BIOS/UEFI setup: "
				     "\"Intel VT-d\" (Intel) or \"IOMMU\"/\"AMD-Vi\" (AMD); many "
				     "VMs and older boards have none");
	} else {
		rc |= report_cap_unknown(r, CAP_FW_IOMMU, "/sys/firmware/acpi/tables",
					 "no ACPI tables visible: %s", strerror(-ntables));
	}
	root_list_free(tables);
	root_list_free(units);
	return rc;
}

int probe_firmware(struct probe_ctx *ctx, struct report *r)
{
	int vmx = report_cap_flag(r, CAP_CPU_VMX), svm = report_cap_flag(r, CAP_CPU_SVM);
	struct stat st;
	int rc;

	if (vmx == 1)
		rc = fw_intel(ctx, r);
	else if (svm == 1)
		rc = fw_amd(ctx, r);
	else
		rc = report_cap_unknown(r, CAP_FW_VIRT_ENABLED, "CPUID",
					vmx == 0 && svm == 0 ? "the CPU (as it appears here) has no "
					"VMX/SVM for the firmware to enable" : "CPUID was not read");
	rc |= fw_dmi(ctx, r);
	rc |= report_cap_bool(r, CAP_FW_UEFI, root_stat(ctx, "/sys/firmware/efi", &st) == 0,
			      "/sys/firmware/efi", "booted by %s",
			      root_stat(ctx, "/sys/firmware/efi", &st) == 0 ? "UEFI"
			      : "legacy BIOS or direct kernel boot");
	rc |= fw_iommu(ctx, r);
	return rc ? -ENOMEM : 0;
}

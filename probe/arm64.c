// SPDX-License-Identifier: MIT
/*
 * An arm64 host's CPU and KVM, as its kernel says them (issue 28's probe, first part). EL2, the
 * level a hypervisor runs at, is invisible from user space; the kernel's boot tells it:
 *   - "CPU: All CPU(s) started at EL2" (or EL1: the firmware, or the hypervisor of a cloud VM,
 *     entered the kernel below EL2, and nothing later can raise it);
 *   - KVM's mode, "kvm [1]: VHE mode initialized successfully" (the kernel itself at EL2),
 *     "Hyp mode initialized successfully" (nVHE: the kernel at EL1, KVM's small hypervisor at
 *     EL2), "Protected nVHE mode initialized successfully" (pKVM), or "HYP mode not available"
 *     (no KVM, and no /dev/kvm);
 *   - the guests' physical address size, "kvm [1]: IPA Size Limit: 48 bits";
 *   - AArch32 at EL1, "CPU features: detected: 32-bit EL1 Support": without it (A64FX, Neoverse
 *     V1 and N2, Apple's cores) KVM runs no 32-bit ARM guest.
 * probe/klog.c keeps those lines as facts; a log that no longer reaches back to the boot tells
 * none of them, and then they are unknown. The CPU is MIDR_EL1 (implementer and part) from
 * sysfs, named as Linux's arch/arm64/include/asm/cputype.h names them. What KVM/arm64 offers
 * its guests is asked of /dev/kvm itself (KVM_CHECK_EXTENSION, api.rst 4.4) where probe/kvm_dev.c
 * opens it, and kept as facts kvm.arm.NAME, which a snapshot tells too: read here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/kvm_arm_caps.h"
#include "probe/kvm_arm_modes.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"
#include "reports/report.h"

#define MIDR_PATH "/sys/devices/system/cpu/cpu0/regs/identification/midr_el1"

static const struct {
	unsigned implementer;
	const char *name;
} implementers[] = {
	{ 0x00, "none: a software model (QEMU's max)" }, { 0x41, "Arm" }, { 0x42, "Broadcom" },
	{ 0x43, "Cavium" }, { 0x46, "Fujitsu" }, { 0x48, "HiSilicon" }, { 0x4e, "NVIDIA" },
	{ 0x50, "Applied Micro" }, { 0x51, "Qualcomm" }, { 0x61, "Apple" }, { 0xc0, "Ampere" },
};

static const struct {
	unsigned implementer, part;
	const char *name;
} parts[] = {
	{ 0x41, 0xd03, "Cortex-A53" }, { 0x41, 0xd04, "Cortex-A35" }, { 0x41, 0xd05, "Cortex-A55" },
	{ 0x41, 0xd07, "Cortex-A57" }, { 0x41, 0xd08, "Cortex-A72" }, { 0x41, 0xd09, "Cortex-A73" },
	{ 0x41, 0xd0a, "Cortex-A75" }, { 0x41, 0xd0b, "Cortex-A76" }, { 0x41, 0xd0c, "Neoverse N1" },
	{ 0x41, 0xd0d, "Cortex-A77" }, { 0x41, 0xd40, "Neoverse V1" }, { 0x41, 0xd41, "Cortex-A78" },
	{ 0x41, 0xd44, "Cortex-X1" }, { 0x41, 0xd46, "Cortex-A510" }, { 0x41, 0xd47, "Cortex-A710" },
	{ 0x41, 0xd48, "Cortex-X2" }, { 0x41, 0xd49, "Neoverse N2" }, { 0x41, 0xd4f, "Neoverse V2" },
	{ 0x46, 0x001, "A64FX" }, { 0x48, 0xd01, "TaiShan v110 (Kunpeng 920)" },
	{ 0xc0, 0xac3, "AmpereOne" }, { 0x61, 0x022, "M1 Icestorm" }, { 0x61, 0x023, "M1 Firestorm" },
};

static void midr_cap(struct probe_ctx *ctx, struct report *r, int *rc)
{
	char line[64], *end;
	const char *who = "an implementer virtcap does not name", *part = "a part virtcap does not name";

	if (root_read_line(ctx, MIDR_PATH, line, sizeof(line))) {
		*rc |= report_cap_unknown(r, CAP_CPU_ARM64_MIDR, MIDR_PATH, "not readable");
		return;
	}

	unsigned long long midr = strtoull(line, &end, 16);

	if (end == line || (*end && *end != '\n') || midr > 0xffffffffULL) {
		*rc |= report_cap_unknown(r, CAP_CPU_ARM64_MIDR, MIDR_PATH, "not a MIDR_EL1 value");
		return;
	}

	unsigned impl = (unsigned)(midr >> 24) & 0xff, number = (unsigned)(midr >> 4) & 0xfff;

	for (size_t i = 0; i < sizeof(implementers) / sizeof(implementers[0]); i++)
		if (implementers[i].implementer == impl)
			who = implementers[i].name;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i].implementer == impl && parts[i].part == number)
			part = parts[i].name;
	*rc |= report_cap_int(r, CAP_CPU_ARM64_MIDR, (long long)midr, MIDR_PATH, "implementer "
			      "0x%02x (%s), part 0x%03x (%s), variant %llu, revision %llu", impl,
			      who, number, part, (midr >> 20) & 0xf, midr & 0xf);
	*rc |= report_cap_hex(r, CAP_CPU_ARM64_MIDR);
}

/* Where the kernel was entered below EL2, the fix depends on who did it */
static const char *el1_fix(const struct report *r)
{
	if (report_cap_flag(r, CAP_ENV_IS_GUEST) == 1)
		return "this is a virtual machine whose hypervisor runs it at EL1 (arm64 clouds "
		       "mostly give their VMs no nested virtualization): run guests on a bare-metal "
		       "arm64 instance (AWS: a Graviton .metal size), or here by emulation";
	return "the firmware or boot loader entered the kernel at EL1; KVM needs the kernel "
	       "entered at EL2, which only the firmware can do (a firmware setting or update; "
	       "Linux cannot raise its level)";
}

static int kvm_arm_caps_report(struct probe_ctx *ctx, struct report *r)
{
	static const char src[] = "ioctl KVM_CHECK_EXTENSION on /dev/kvm";
	int rc = 0;

	for (size_t i = 0; i < KVM_ARM_CAP_COUNT; i++) {
		char key[48];
		long long v;

		snprintf(key, sizeof(key), "kvm.arm.%s", kvm_arm_caps[i].name);
		/* a snapshot's value is anyone's: the IPA size is 0 (the default) or 32 to 52 bits,
		 * as the log's is checked, the others 0 or small positive numbers */
		bool ipa = !kvm_arm_caps[i].yes;

		if (!facts_get_ll(&ctx->facts, key, &v) || v < 0 || v > 64 ||
		    (ipa && v && (v < 32 || v > 52))) {
			rc |= report_cap_unknown(r, kvm_arm_caps[i].id, src, "%s", facts_get(&ctx->facts,
						 key) ? "not a value KVM gives" : ctx->live ? "not asked: "
						 "no /dev/kvm this process opens (kernel.dev_kvm)" : "not "
						 "recorded in this capture (facts kvm.arm.*)");
		} else if (ipa) {	/* 0 is KVM's default */
			long long bits = v ? v : 40;

			rc |= report_cap_int(r, kvm_arm_caps[i].id, bits, src, "a guest's physical "
					     "address space can have up to %lld bits (%lld GiB)%s",
					     bits, 1LL << (bits - 30), v ? "" : ": KVM's default, the "
					     "kernel sets no other");
		} else {
			rc |= report_cap_bool(r, kvm_arm_caps[i].id, v != 0, src, "%s",
					      v ? kvm_arm_caps[i].yes : kvm_arm_caps[i].no);
		}
	}
	return rc;
}

int probe_arm64(struct probe_ctx *ctx, struct report *r)
{
	const char *arch = report_cap_string(r, CAP_KERNEL_ARCH);
	const char *el = facts_get(&ctx->facts, "klog.arm64_started_at");
	const char *mode = facts_get(&ctx->facts, "klog.kvm_arm_mode");
	const char *ipa = facts_get(&ctx->facts, "klog.kvm_arm_ipa");
	double oldest;
	bool boot_told = facts_get(&ctx->facts, "klog.status") &&
			 !strcmp(facts_get(&ctx->facts, "klog.status"), "ok") &&
			 !probe_klog_lost_boot(ctx, &oldest);
	int rc = 0;

	if (!arch || strcmp(arch, "aarch64"))
		return 0;
	midr_cap(ctx, r, &rc);

	if (el && strcmp(el, "EL1") && strcmp(el, "EL2") && strcmp(el, "inconsistent")) {
		/* a captured root's fact: believed only as the kernel writes it */
		rc |= report_cap_unknown(r, CAP_KERNEL_ARM64_BOOT_EL, "kernel log", "not a level the "
					 "kernel writes");
		el = NULL;
		boot_told = false;	/* nor is AArch32's absence then told */
	} else if (el) {
		rc |= report_cap_str(r, CAP_KERNEL_ARM64_BOOT_EL, el, "kernel log: CPU: All CPU(s) "
				     "started at ...", "%s", !strcmp(el, "EL2") ? "the kernel was "
				     "entered at EL2, where a hypervisor runs" : "the kernel was not "
				     "entered at EL2 on every CPU: KVM cannot run");
		if (strcmp(el, "EL2"))
			rc |= report_cap_fix(r, CAP_KERNEL_ARM64_BOOT_EL, "%s", el1_fix(r));
	} else if (!report_cap(r, CAP_KERNEL_ARM64_BOOT_EL)) {
		rc |= report_cap_unknown(r, CAP_KERNEL_ARM64_BOOT_EL, "kernel log", "%s", boot_told ?
					 "the boot's log does not say" : "the kernel log does not "
					 "reach back to the boot, or could not be read (root can)");
	}

	bool named = false;

	for (size_t i = 0; mode && i < KVM_ARM_MODE_COUNT; i++)
		if (!strcmp(mode, kvm_arm_modes[i].said)) {
			named = true;
			rc |= report_cap_str(r, CAP_KERNEL_ARM64_KVM_MODE, kvm_arm_modes[i].mode,
					     "kernel log: kvm [1]: ...", "%s (the kernel: \"%s\")",
					     kvm_arm_modes[i].detail, kvm_arm_modes[i].said);
			if (!strcmp(kvm_arm_modes[i].mode, "none"))
				rc |= report_cap_fix(r, CAP_KERNEL_ARM64_KVM_MODE, "%s", el1_fix(r));
		}
	if (!named)
		rc |= report_cap_unknown(r, CAP_KERNEL_ARM64_KVM_MODE, "kernel log", "%s", boot_told ?
					 "KVM said nothing at boot (a kernel without KVM?)" :
					 "the kernel log does not reach back to the boot");

	long long bits = ipa ? strtoll(ipa, NULL, 10) : 0;

	if (bits >= 32 && bits <= 52)
		rc |= report_cap_int(r, CAP_KERNEL_ARM64_IPA_BITS, bits, "kernel log: kvm [1]: IPA "
				     "Size Limit", "the largest guest physical address space, in "
				     "bits (KVM_CAP_ARM_VM_IPA_SIZE): %lld GiB", 1LL << (bits - 30));
	else
		rc |= report_cap_unknown(r, CAP_KERNEL_ARM64_IPA_BITS, "kernel log", "not said");

	if (facts_get(&ctx->facts, "klog.arm64_el1_32bit"))
		rc |= report_cap_bool(r, CAP_CPU_ARM64_EL1_AARCH32, true, "kernel log: CPU features: "
				      "detected: 32-bit EL1 Support", "the CPUs run AArch32 at EL1: KVM "
				      "can run a 32-bit ARM guest");
	else if (el && boot_told)	/* the boot's lines are there, and this one is not */
		rc |= report_cap_bool(r, CAP_CPU_ARM64_EL1_AARCH32, false, "kernel log: no \"CPU "
				      "features: detected: 32-bit EL1 Support\"", "the CPUs have no "
				      "AArch32 at EL1 (as A64FX, Neoverse V1 and N2, Apple's cores): a "
				      "32-bit ARM guest runs here only by emulation");
	else
		rc |= report_cap_unknown(r, CAP_CPU_ARM64_EL1_AARCH32, "kernel log", "the boot's "
					 "lines are not there to say");
	rc |= kvm_arm_caps_report(ctx, r);
	return rc ? -ENOMEM : 0;
}

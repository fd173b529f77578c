/* SPDX-License-Identifier: MIT */
/*
 * KVM/arm64's words for the mode it started in, as its boot line says them ("kvm [1]: ..."),
 * with virtcap's name and meaning for each: the one list probe/klog.c keeps the line by and
 * probe/arm64.c reports from (arch/arm64/kvm/arm.c writes them).
 */
#ifndef VIRTCAP_PROBE_KVM_ARM_MODES_H
#define VIRTCAP_PROBE_KVM_ARM_MODES_H

#include <stddef.h>

static const struct kvm_arm_mode {
	const char *said, *mode, *detail;
} kvm_arm_modes[] = {
	{ "VHE mode initialized successfully", "vhe", "KVM runs with the kernel at EL2 (VHE)" },
	{ "Hyp mode initialized successfully", "nvhe", "KVM runs its hypervisor at EL2 beside a "
	  "kernel at EL1 (nVHE): a CPU without VHE, or kvm-arm.mode=nvhe" },
	{ "Protected nVHE mode initialized successfully", "protected", "KVM runs protected (pKVM, "
	  "kvm-arm.mode=protected): the host kernel cannot read its guests' memory" },
	{ "HYP mode not available", "none", "KVM could not start: the CPUs were not entered at EL2, "
	  "so there is no /dev/kvm" },
};

#define KVM_ARM_MODE_COUNT (sizeof(kvm_arm_modes) / sizeof(kvm_arm_modes[0]))

#endif

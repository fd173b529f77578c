/* SPDX-License-Identifier: MIT */
/*
 * What KVM/arm64 offers a guest, by KVM_CHECK_EXTENSION on /dev/kvm, or for an interrupt
 * controller (device) by KVM_CREATE_DEVICE_TEST on the VM kvm_dev makes: the one list
 * probe/kvm_dev.c records (facts kvm.arm.NAME, in the same open of /dev/kvm as the others) and
 * probe/arm64.c reports. ipa_size answers the bits (0: the default 40), the others 0 or not.
 */
#ifndef VIRTCAP_PROBE_KVM_ARM_CAPS_H
#define VIRTCAP_PROBE_KVM_ARM_CAPS_H

#include <stdbool.h>

#include <linux/kvm.h>

#include "reports/caps.h"

/* Linux 6.16's number (include/uapi/linux/kvm.h), newer than Debian 12's headers; the ABI never
 * renumbers */
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif

static const struct {
	const char *name, *id;
	long cap;		/* a KVM_CAP_*, or a device's KVM_DEV_TYPE_* */
	const char *yes, *no;
	bool device;
} kvm_arm_caps[] = {
	{ "ipa_size", CAP_KERNEL_KVM_ARM_IPA_BITS, KVM_CAP_ARM_VM_IPA_SIZE, NULL, NULL, false },
	{ "el1_32bit", CAP_KERNEL_KVM_ARM_EL1_32BIT, KVM_CAP_ARM_EL1_32BIT, "a vCPU can run AArch32 "
	  "at EL1: 32-bit ARM guests", "no AArch32 at EL1 for guests: a 32-bit ARM guest runs here "
	  "only by emulation", false },
	{ "pmu_v3", CAP_KERNEL_KVM_ARM_PMU, KVM_CAP_ARM_PMU_V3, "guests get a performance monitor "
	  "unit (perf inside them)", "no PMU for guests", false },
	{ "sve", CAP_KERNEL_KVM_ARM_SVE, KVM_CAP_ARM_SVE, "guests get SVE, the scalable vectors",
	  "no SVE for guests", false },
	{ "ptrauth", CAP_KERNEL_KVM_ARM_PTRAUTH, KVM_CAP_ARM_PTRAUTH_ADDRESS, "guests get pointer "
	  "authentication (a guest kernel built with it uses it)", "no pointer authentication for "
	  "guests", false },
	{ "mte", CAP_KERNEL_KVM_ARM_MTE, KVM_CAP_ARM_MTE, "guests get memory tagging (MTE)",
	  "no memory tagging for guests", false },
	{ "el2", CAP_KERNEL_KVM_ARM_EL2, KVM_CAP_ARM_EL2, "guests get a virtual EL2: nested "
	  "virtualization (kvm-arm.mode=nested, Linux 6.16 and later)", "no virtual EL2: a guest "
	  "cannot run its own guests under KVM here (nested virtualization needs Linux 6.16's "
	  "kvm-arm.mode=nested and a CPU with FEAT_NV2)", false },
	{ "vgic_v3", CAP_KERNEL_KVM_ARM_VGIC_V3, KVM_DEV_TYPE_ARM_VGIC_V3, "guests get a GICv3, "
	  "interrupts through system registers (what hv-mini's irq guest drives)", "no GICv3 for "
	  "guests", true },
	{ "vgic_v2", CAP_KERNEL_KVM_ARM_VGIC_V2, KVM_DEV_TYPE_ARM_VGIC_V2, "guests can have a "
	  "GICv2 (a memory-mapped CPU interface; older guests)", "no GICv2 for guests (KVM emulates "
	  "it only where the host's GIC has a GICv2 compatible interface)", true },
	{ "vgic_its", CAP_KERNEL_KVM_ARM_VGIC_ITS, KVM_DEV_TYPE_ARM_VGIC_ITS, "guests get an ITS: "
	  "message-signalled interrupts (PCIe MSI-X) for their devices", "no ITS for guests: their "
	  "PCI devices have no MSIs", true },
};

#define KVM_ARM_CAP_COUNT (sizeof(kvm_arm_caps) / sizeof(kvm_arm_caps[0]))

#endif

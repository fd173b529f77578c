/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls (HVC #0, SMC Calling Convention, Arm DEN0028): PSCI_VERSION, answered by KVM's
 * PSCI (x2: major << 16 | minor), and the vendor hypervisor service's UID call, answered by KVM
 * itself with its own UID (x1: its first word).
 *
 * Lies (liars/): LIE_NO_CALL reports both answers without making either call.
 */
#include "hv-mini/abi.h"

	.text
	.global start
start:
#ifdef LIE_NO_CALL
	ldr x1, =SMCCC_KVM_UID_0
	ldr x2, =0x10001
#else
	ldr x0, =PSCI_VERSION_FN
	hvc #0
	mov x10, x0			/* the next call's answer takes x0-x3 */
	ldr x0, =SMCCC_KVM_UID_FN
	hvc #0
	mov x1, x0
	mov x2, x10
#endif
	UCALL(HV_UCALL_DONE)
1:	b 1b
	.ltorg

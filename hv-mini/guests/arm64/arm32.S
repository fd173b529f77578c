/* SPDX-License-Identifier: MIT */
/*
 * The AArch32 guest (A32 code, started by KVM in SVC mode with KVM_ARM_VCPU_EL1_32BIT): the
 * host's nonce byte-reversed (REV) and rotated right by GUEST_ARM32_ROR (r1), and its CPSR
 * (r2), whose mode the check wants to be SVC's. A32 encodings run as A64 would be other
 * instructions: only an AArch32 vCPU gets this answer.
 *
 * Lies (liars/): LIE_ANSWER skips the REV; LIE_KNOWN reports the nonce as it found it.
 */
#include "hv-mini/abi.h"

	.arm
	.text
	.global start
start:
	ldr sp, =HV_GPA_STACK
	ldr r9, =HV_GPA_DATA
	ldr r1, [r9]
#ifndef LIE_KNOWN
#ifndef LIE_ANSWER
	rev r1, r1
#endif
	ror r1, r1, #GUEST_ARM32_ROR
#endif
	mrs r2, cpsr
	UCALL(HV_UCALL_DONE)
1:	b 1b
	.ltorg

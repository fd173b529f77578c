/* SPDX-License-Identifier: MIT */
/*
 * Two vCPUs, the arm64 way: vCPU 1 is powered off until vCPU 0 asks KVM's PSCI for it (HVC
 * CPU_ON, Arm DEN0022 5.6, with its MPIDR 1, an entry and its id as the context, which arrives
 * in its x0). Then the x86 smp guest's handshake: vCPU 0 raises a flag in shared memory and
 * waits for vCPU 1's answer; vCPU 1 writes its MPIDR_EL1, then answers. Neither finishes unless
 * both run. Each reports GUEST_SMP_ID + its id; vCPU 0 also CPU_ON's answer (x2, PSCI 0: done).
 *
 * Lies (liars/): LIE_NO_CPU_ON never asks for vCPU 1 and answers for it.
 */
#include "hv-mini/abi.h"

	.text
	.global start
start:
	cbnz x0, cpu1
	ldr x9, =HV_GPA_STACK
	mov sp, x9
#ifdef LIE_NO_CPU_ON
	mov x10, #0
	ldr w11, =GUEST_SMP_FLAG1
	ldr x9, =GUEST_SMP_FLAGS
	str w11, [x9, #4]
#else
	ldr x0, =PSCI_CPU_ON_FN64
	mov x1, #1			/* the target's MPIDR: Aff0 1, vCPU 1 */
	adr x2, cpu1
	mov x3, #1			/* its context id: x0 when it starts */
	hvc #0
	mov x10, x0			/* PSCI's answer: 0 for success */
#endif
	ldr x9, =GUEST_SMP_FLAGS
	ldr w11, =GUEST_SMP_FLAG0
	str w11, [x9]
	ldr w11, =GUEST_SMP_FLAG1
1:	ldr w12, [x9, #4]
	cmp w12, w11
	b.ne 1b
	mov x1, #GUEST_SMP_ID
	mov x2, x10
	UCALL(HV_UCALL_DONE)
2:	b 2b

cpu1:
	ldr x9, =GUEST_SMP_FLAGS
	ldr w11, =GUEST_SMP_FLAG0
1:	ldr w12, [x9]
	cmp w12, w11
	b.ne 1b
	mrs x13, mpidr_el1
	ldr x14, =GUEST_ARM_SMP_MPIDR
	str x13, [x14]
	ldr w11, =GUEST_SMP_FLAG1
	str w11, [x9, #4]
	mov x1, #(GUEST_SMP_ID + 1)
	mov x2, #0
	UCALL(HV_UCALL_DONE)
2:	b 2b
	.ltorg

/* SPDX-License-Identifier: MIT */
/*
 * An interrupt injected by the host reaches the guest's handler: the guest installs a 32-bit
 * interrupt gate (SDM vol. 3A 6.11) for each vector the host may inject, each to a handler of
 * its own, enables interrupts, asks the host with a SYNC ucall to inject one, and waits for a
 * handler to acknowledge it in memory. The host picks the vector at random for each run and
 * never writes it where the guest could read it, so the acknowledgement (GUEST_IRQ_ACK_BASE +
 * the vector its handler was entered for) names a vector only a delivered interrupt tells.
 */
#include "hv-mini/abi.h"
#define STUB 16		/* bytes per handler: movl $imm32, ack (10) and iret (1), aligned */
	.code32
	.global start
start:
	mov $stubs, %eax
	mov $(HV_GPA_IDT + GUEST_IRQ_FIRST * 8), %edi
	mov $GUEST_IRQ_COUNT, %ecx
1:	mov %ax, (%edi)			/* offset 15:0 */
	movw $HV_SEL_CODE32, 2(%edi)
	movw $0x8E00, 4(%edi)		/* present, DPL 0, 32-bit interrupt gate */
	mov %eax, %edx
	shr $16, %edx
	mov %dx, 6(%edi)		/* offset 31:16 */
	add $STUB, %eax
	add $8, %edi
	loop 1b
	lidt idtr
	movl $0, ack
#ifdef LIE_NO_IRQ	/* no interrupt asked for nor taken: the acknowledgement written by itself */
	movl $(GUEST_IRQ_ACK_BASE + HV_IRQ_VECTOR), ack
#else
	sti
	xor %ebx, %ebx
	UCALL(HV_UCALL_SYNC)
#endif
#ifdef LIE_GUESS	/* the interrupt asked for, but acknowledged by a guess, not by a handler (a
			 * vector the host never picks, so that the lie is caught every time) */
	movl $(GUEST_IRQ_ACK_BASE + GUEST_IRQ_FIRST - 1), ack
#endif
1:	cmpl $0, ack
	jne 2f
	pause
	jmp 1b
2:	mov ack, %ebx
	UCALL(HV_UCALL_DONE)
	hlt

/* the handler of vector v, at stubs + (v - GUEST_IRQ_FIRST) * STUB */
	.balign STUB
stubs:
	.set vector, GUEST_IRQ_FIRST
	.rept GUEST_IRQ_COUNT
	.balign STUB
#ifndef LIE_GUESS
	movl $(GUEST_IRQ_ACK_BASE + vector), ack
#endif
	iret
	.set vector, vector + 1
	.endr

	.align 4
idtr:	.word 256 * 8 - 1
	.long HV_GPA_IDT
ack:	.long 0

/* SPDX-License-Identifier: MIT */
/*
 * An interrupt injected by the host reaches the guest's handler: the guest installs a 32-bit
 * interrupt gate for HV_IRQ_VECTOR (SDM vol. 3A 6.11), enables interrupts, asks the host with
 * a SYNC ucall to inject the vector, and waits for its handler to acknowledge it in memory.
 * Reports the acknowledgement, which carries the vector the handler was entered for.
 */
#include "hv-mini/abi.h"
#define GATE (HV_GPA_IDT + HV_IRQ_VECTOR * 8)
	.code32
	.global start
start:
	mov $handler, %eax
	mov %ax, GATE
	movw $HV_SEL_CODE32, GATE + 2
	movw $0x8E00, GATE + 4		/* present, DPL 0, 32-bit interrupt gate */
	shr $16, %eax
	mov %ax, GATE + 6
	lidt idtr
	movl $0, ack
	sti
	xor %ebx, %ebx
	UCALL(HV_UCALL_SYNC)
1:	cmpl $0, ack
	jne 2f
	pause
	jmp 1b
2:	mov ack, %ebx
	UCALL(HV_UCALL_DONE)
	hlt

handler:
	movl $GUEST_IRQ_ACK, ack
	iret

	.align 4
idtr:	.word 256 * 8 - 1
	.long HV_GPA_IDT
ack:	.long 0

/* SPDX-License-Identifier: MIT */
/*
 * The way a firmware and an OS loader take, done by the guest itself: started in real mode
 * (CS:IP = 0x2000:0, as a boot sector is), it loads its own GDT and sets CR0.PE (SDM vol. 3A
 * 9.9.1), builds its own page tables and turns on PAE paging (4.4), leaves paging to set
 * EFER.LME and enters long mode (9.8.5), then installs its own 64-bit IDT (6.14) and takes a
 * #BP, a #UD and a #PF through it, each returning to the next instruction, and at last the
 * interrupt the host injects. It writes each stage it reaches to GUEST_BOOT_STAGE, so that a
 * guest that dies on the way tells the host which transition killed it; its handlers record
 * what they saw in GUEST_BOOT_SEEN. Reports GUEST_BOOT_SEEN in RBX with GUEST_BOOT_HIGH in its upper
 * half (all 64 bits must reach the host) and the #PF's CR2 in ECX.
 */
#include "arch/x86.h"
#include "hv-mini/abi.h"

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18
#define PDPT_PAE GUEST_BOOT_TABLES
#define PD (GUEST_BOOT_TABLES + 0x1000)
#define PML4 (GUEST_BOOT_TABLES + 0x2000)
#define PDPT_LONG (GUEST_BOOT_TABLES + 0x3000)
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80			/* a 2 MiB page in a PD entry */
#define GATE64 0x8E00			/* present, DPL 0, 64-bit interrupt gate */
#define REAL(x) ((x) - HV_GPA_CODE)	/* a label as an offset from CS = HV_GPA_CODE >> 4 */
	.set STAGE_IN_DATA, GUEST_BOOT_STAGE - HV_GPA_DATA	/* ES = HV_GPA_DATA >> 4 */

	.code16
	.global start
start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	mov $(HV_GPA_DATA >> 4), %ax
	mov %ax, %es
	movl $GUEST_BOOT_REAL, %es:STAGE_IN_DATA
#ifdef LIE_REAL		/* the last stage's words and answer, written from real mode */
	movl $GUEST_BOOT_INTERRUPT, %es:STAGE_IN_DATA
	movl $GUEST_BOOT_SEEN_ALL, %es:(GUEST_BOOT_SEEN - HV_GPA_DATA)
	movl $GUEST_BOOT_UNMAPPED, %es:(GUEST_BOOT_CR2 - HV_GPA_DATA)
	mov $GUEST_BOOT_SEEN_ALL, %ebx
	mov $GUEST_BOOT_UNMAPPED, %ecx
	UCALL(HV_UCALL_DONE)
	hlt
#endif
	lgdtl REAL(gdtr)
	mov %cr0, %eax
	and $~(X86_CR0_CD | X86_CR0_NW), %eax	/* caches on, as firmware does first */
	or $X86_CR0_PE, %eax
	mov %eax, %cr0
	ljmpl $SEL_CODE32, $protected

	.code32
protected:
	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $HV_GPA_STACK, %esp
	movl $GUEST_BOOT_PROTECTED, GUEST_BOOT_STAGE

	/* four zeroed pages, then 0-4 MiB one to one in 2 MiB pages */
	mov $GUEST_BOOT_TABLES, %edi
	mov $(4 * 4096 / 4), %ecx
	xor %eax, %eax
	rep stosl
	movl $(PD + PTE_P), PDPT_PAE		/* a PAE PDPT entry has P and no R/W */
	movl $(0x000000 + PTE_P + PTE_RW + PTE_PS), PD
	movl $(0x200000 + PTE_P + PTE_RW + PTE_PS), PD + 8
	movl $(PDPT_LONG + PTE_P + PTE_RW), PML4
	movl $(PD + PTE_P + PTE_RW), PDPT_LONG

	mov %cr4, %eax
	or $X86_CR4_PAE, %eax
	mov %eax, %cr4
	mov $PDPT_PAE, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $X86_CR0_PG, %eax
	mov %eax, %cr0
	jmp 1f
1:	movl $GUEST_BOOT_PAE, GUEST_BOOT_STAGE

	/* long mode is entered with paging off: off, then LME and the 4-level tables, then on */
	mov %cr0, %eax
	and $~X86_CR0_PG, %eax
	mov %eax, %cr0
	mov $PML4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $X86_EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $X86_CR0_PG, %eax
	mov %eax, %cr0
	ljmp $SEL_CODE64, $long

	.code64
long:
	movl $GUEST_BOOT_LONG, GUEST_BOOT_STAGE
	mov $HV_GPA_STACK, %rsp
	lea on_bp(%rip), %rax
	mov $3, %edi
	call set_gate
	lea on_ud(%rip), %rax
	mov $6, %edi
	call set_gate
	lea on_pf(%rip), %rax
	mov $14, %edi
	call set_gate
	lea on_irq(%rip), %rax
	mov $HV_IRQ_VECTOR, %edi
	call set_gate
	lidt idtr(%rip)

	int3				/* a trap: returns after itself */
	ud2				/* a fault: the handler steps over its 2 bytes */
	mov $GUEST_BOOT_UNMAPPED, %rax
	.byte 0x8b, 0x18		/* mov (%rax), %ebx: 2 bytes, which on_pf steps over */
	movl $GUEST_BOOT_EXCEPTIONS, GUEST_BOOT_STAGE

#ifdef LIE_NO_IRQ	/* the interrupt's bit set by the guest itself, none asked for or taken */
	orl $GUEST_BOOT_SEEN_IRQ, GUEST_BOOT_SEEN
#else
	sti
	xor %ebx, %ebx
	UCALL(HV_UCALL_SYNC)		/* the host injects HV_IRQ_VECTOR */
#endif
2:	testl $GUEST_BOOT_SEEN_IRQ, GUEST_BOOT_SEEN
	jnz 3f
	pause
	jmp 2b
3:	movl $GUEST_BOOT_INTERRUPT, GUEST_BOOT_STAGE
	mov GUEST_BOOT_SEEN, %ebx	/* zero-extended, then a 64-bit upper half */
	movabs $(GUEST_BOOT_HIGH << 32), %rax
	or %rax, %rbx
	mov GUEST_BOOT_CR2, %ecx
	UCALL(HV_UCALL_DONE)
	hlt

/* the 16-byte gate of vector %edi for the handler at %rax */
set_gate:
	shl $4, %edi
	add $HV_GPA_IDT, %edi
	mov %ax, (%rdi)
	movw $SEL_CODE64, 2(%rdi)
	movw $GATE64, 4(%rdi)
	shr $16, %rax
	mov %ax, 6(%rdi)
	shr $16, %rax
	mov %eax, 8(%rdi)
	movl $0, 12(%rdi)
	ret

on_bp:
	orl $GUEST_BOOT_SEEN_BP, GUEST_BOOT_SEEN
	iretq
on_ud:
	orl $GUEST_BOOT_SEEN_UD, GUEST_BOOT_SEEN
	addq $2, (%rsp)			/* the saved RIP, past ud2 */
	iretq
on_pf:
	push %rax
	mov %cr2, %rax
	mov %eax, GUEST_BOOT_CR2
	cmp $GUEST_BOOT_UNMAPPED, %rax
	jne 4f
	orl $GUEST_BOOT_SEEN_PF, GUEST_BOOT_SEEN
4:	pop %rax
	add $8, %rsp			/* the error code */
	addq $2, (%rsp)			/* the saved RIP, past the load */
	iretq
on_irq:
	orl $GUEST_BOOT_SEEN_IRQ, GUEST_BOOT_SEEN
	iretq

	.align 8
gdt:	.quad 0
	.quad HV_DESC_CODE32		/* SEL_CODE32 */
	.quad HV_DESC_DATA32		/* SEL_DATA */
	.quad HV_DESC_CODE64		/* SEL_CODE64 */
gdtr:	.word 4 * 8 - 1
	.long gdt
idtr:	.word 256 * 16 - 1
	.quad HV_GPA_IDT

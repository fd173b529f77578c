/* SPDX-License-Identifier: MIT */
/*
 * A boot sector that starts one of hv-mini's 64-bit guest images on the bare CPU (Bochs's emulated
 * one), with the layout hv-mini gives it (hv-mini/abi.h): the image (read from floppy sectors
 * 2-17) at HV_GPA_CODE, the GDT at HV_GPA_GDT (null, code32, data32, code64), page tables at
 * HV_GPA_PT mapping the low 4 MiB with 2 MiB pages, long mode, RSP HV_GPA_STACK. The fast way
 * to debug L1 VMX code: no kernel, no KVM, under a second (vmx-bare.sh).
 */
#include "arch/x86.h"
#include "hv-mini/abi.h"
#define IMAGE_SECTORS 16
	.code16
	.global _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7C00, %sp
	/* BIOS disk read: IMAGE_SECTORS (AH=2, AL=count) from cylinder 0, head 0, sector 2 to
	 * ES:BX = HV_GPA_CODE, from the boot drive the BIOS left in DL */
	mov $(HV_GPA_CODE >> 4), %ax
	mov %ax, %es
	xor %bx, %bx
	mov $(0x0200 | IMAGE_SECTORS), %ax
	mov $0x0002, %cx
	xor %dh, %dh
	int $0x13
	/* the GDT, as hv-mini writes it */
	xor %ax, %ax
	mov %ax, %es
	mov $gdt, %si
	mov $HV_GPA_GDT, %di
	mov $(HV_GDT_ENTRIES * 8), %cx
	rep movsb
	/* PML4 HV_GPA_PT -> PDPT +0x1000 -> PD +0x2000: two 2 MiB pages */
	mov $(HV_GPA_PT >> 4), %ax
	mov %ax, %es
	xor %di, %di
	xor %ax, %ax
	mov $0x1800, %cx
	rep stosw
	movl $(HV_GPA_PT + 0x1003), %es:0
	movl $(HV_GPA_PT + 0x2003), %es:0x1000
	movl $0x83, %es:0x2000
	movl $0x200083, %es:0x2008
	lgdt gdtr
	/* long mode: PAE, CR3, EFER.LME, then PE and PG together */
	mov %cr4, %eax
	or $X86_CR4_PAE, %eax
	mov %eax, %cr4
	mov $HV_GPA_PT, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $X86_EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(X86_CR0_PG | X86_CR0_ET | X86_CR0_PE), %eax
	mov %eax, %cr0
	ljmpl $HV_SEL_CODE64, $long_entry
	.code64
long_entry:
	mov $HV_SEL_DATA32, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $HV_GPA_STACK, %rsp
	xor %esi, %esi
	mov $HV_GPA_CODE, %eax
	jmp *%rax
	.align 8
gdt:
	.quad 0, HV_DESC_CODE32, HV_DESC_DATA32, HV_DESC_CODE64
gdtr:
	.word HV_GDT_ENTRIES * 8 - 1
	.long HV_GPA_GDT
	.org 510
	.byte 0x55, 0xAA

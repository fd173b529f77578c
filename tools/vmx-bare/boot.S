/* SPDX-License-Identifier: MIT */
/*
 * A boot sector that starts one of hv-mini's 64-bit guest images on the bare CPU (Bochs's emulated
 * one), with the layout hv-mini gives it: the image (read from floppy sectors 2-17) at 0x20000,
 * the GDT at 0x1000 (null, code32, data32, code64), page tables at 0x10000 mapping the low
 * 4 MiB with 2 MiB pages, long mode, RSP 0x80000. The fast way to debug L1 VMX code: no kernel,
 * no KVM, under a second (vmx-bare.sh).
 */
	.code16
	.global _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7C00, %sp
	/* BIOS disk read: 16 sectors (AH=2, AL=16) from cylinder 0, head 0, sector 2 to
	 * ES:BX = 0x2000:0, from the boot drive the BIOS left in DL */
	mov $0x2000, %ax
	mov %ax, %es
	xor %bx, %bx
	mov $0x0210, %ax
	mov $0x0002, %cx
	xor %dh, %dh
	int $0x13
	/* the GDT, as hv-mini writes it */
	xor %ax, %ax
	mov %ax, %es
	mov $gdt, %si
	mov $0x1000, %di
	mov $32, %cx
	rep movsb
	/* PML4 0x10000 -> PDPT 0x11000 -> PD 0x12000: two 2 MiB pages */
	mov $0x1000, %ax
	mov %ax, %es
	xor %di, %di
	xor %ax, %ax
	mov $0x1800, %cx
	rep stosw
	movl $0x11003, %es:0
	movl $0x12003, %es:0x1000
	movl $0x83, %es:0x2000
	movl $0x200083, %es:0x2008
	lgdt gdtr
	/* long mode: PAE, CR3, EFER.LME, then PE and PG together */
	mov %cr4, %eax
	or $0x20, %eax
	mov %eax, %cr4
	mov $0x10000, %eax
	mov %eax, %cr3
	mov $0xC0000080, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000011, %eax
	mov %eax, %cr0
	ljmpl $0x18, $long_entry
	.code64
long_entry:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $0x80000, %rsp
	xor %esi, %esi
	mov $0x20000, %eax
	jmp *%rax
	.align 8
gdt:
	.quad 0, 0x00CF9A000000FFFF, 0x00CF92000000FFFF, 0x00AF9A000000FFFF
gdtr:
	.word 31
	.long 0x1000
	.org 510
	.byte 0x55, 0xAA

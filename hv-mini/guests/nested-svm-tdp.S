/* SPDX-License-Identifier: MIT */
/*
 * Nested paging for a nested guest (APM vol. 2, 15.25): the L1 builds its own nested page
 * tables, which translate the L2's physical addresses, and turns them on (VMCB NP_ENABLE,
 * N_CR3, a valid G_PAT). The tables follow the L1's own paging mode (32-bit, 15.25.3): a page
 * directory whose first entry points to a page table mapping the low 4 MiB one to one, except
 * L2 page 0x80000, which points at L1 page 0x95000. The real-mode L2 reads 0x80000 and hands what
 * it found to VMMCALL: the host put a decoy at 0x80000 and the magic at 0x95000, so only the
 * L1's nested page tables produce the magic. Entries carry U/S: nested walks are user accesses.
 * No NPT in the L1's CPUID (Fn8000_000A EDX[0]): ABORT with value 2.
 */
#include "hv-mini/guests/svm.h"
#define NPT_PD 0x40000
#define NPT_PT 0x41000
#define NPT_FLAGS 7			/* present, writable, user */
#define L2_PAGE 0x80000
#define L1_PAGE 0x95000
	.code32
	.global start
start:
	mov $0x8000000A, %eax
	cpuid
	test $1, %edx
	jz no_npt

	SVM_SETUP_REAL_L2(l2_start)

	movl $(NPT_PT | NPT_FLAGS), NPT_PD
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	or $NPT_FLAGS, %eax
	mov %eax, NPT_PT(, %ecx, 4)
	inc %ecx
	cmp $1024, %ecx
	jne 1b
	movl $(L1_PAGE | NPT_FLAGS), NPT_PT + (L2_PAGE >> 12) * 4
	movl $1, VMCB_NP_ENABLE
	movl $NPT_PD, VMCB_N_CR3
	movl $0x00070406, VMCB_G_PAT		/* the reset PAT: WB, WT, UC-, UC */
	movl $0x00070406, VMCB_G_PAT + 4

	SVM_RUN_EXPECT(EXIT_VMMCALL)
	mov VMCB_RAX, %ebx
	mov $EXIT_VMMCALL, %ecx
	UCALL(UCALL_DONE)
	hlt

no_npt:
	mov $2, %ebx
	mov $__LINE__, %ecx
	UCALL(UCALL_ABORT)
	hlt
	SVM_ABORTS

	.align 16
	.code16
l2_start:
	mov $(L2_PAGE >> 4), %ax
	mov %ax, %ds
	mov 0, %eax
	vmmcall
	hlt

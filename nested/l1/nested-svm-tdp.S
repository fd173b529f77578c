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
#define GUEST_FILE GUEST_FILE_NESTED_SVM_TDP
#include "nested/l1/svm.h"
#define NPT_PD NESTED_TDP_TABLES
#define NPT_PT (NESTED_TDP_TABLES + 0x1000)
#define NPT_FLAGS 7			/* present, writable, user */
	.code32
	.global start
start:
#ifdef LIE_KNOWN	/* the magic read by the L1 itself and reported, no L2 entered */
	mov NESTED_TDP_L1_PAGE, %ebx
	mov $SVM_EXIT_VMMCALL, %ecx
	UCALL(HV_UCALL_DONE)
	hlt
#endif
	mov $0x8000000A, %eax
	cpuid
	test $CPUID_8000000A_EDX_NPT, %edx
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
	movl $(NESTED_TDP_L1_PAGE | NPT_FLAGS), NPT_PT + (NESTED_TDP_L2_PAGE >> 12) * 4
#ifndef LIE_DECOY	/* the liar builds the tables but never turns nested paging on */
	movl $1, V(VMCB_NP_ENABLE)
	movl $NPT_PD, V(VMCB_N_CR3)
#endif
	movl $0x00070406, V(VMCB_G_PAT)	/* the reset PAT: WB, WT, UC-, UC */
	movl $0x00070406, V(VMCB_G_PAT) + 4

	SVM_RUN_EXPECT(SVM_EXIT_VMMCALL)
	mov V(VMCB_RAX), %ebx
	mov $SVM_EXIT_VMMCALL, %ecx
	UCALL(HV_UCALL_DONE)
	hlt

no_npt:
	mov $NESTED_ABORT_NO_TDP, %ebx
	UCALL_ABORT_HERE
	hlt
	SVM_ABORTS

	.align 16
	.code16
l2_start:
	mov $(NESTED_TDP_L2_PAGE >> 4), %ax
	mov %ax, %ds
	mov 0, %eax
	vmmcall
	hlt

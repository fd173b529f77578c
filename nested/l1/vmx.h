/* SPDX-License-Identifier: MIT */
/*
 * Intel VMX for the 64-bit L1 guests (SDM vol. 3C chapters 24-27, appendices A and B): the
 * macros for the steps they repeat (field encodings, MSRs and exit reasons: arch/x86.h). The L1
 * is a 64-bit guest because VM entry to a 64-bit L2 ("IA-32e mode guest") is allowed only from
 * IA-32e mode. Subroutines are in vmx-lib.inc.
 *
 * ABORT codes: NESTED_ABORT_* in hv-mini/abi.h; any other code is an unexpected exit reason
 * (bit 31 set: a failed VM entry). fail_line and fail_file say where (FAIL_AT).
 */
#ifndef VIRTCAP_NESTED_VMX_H
#define VIRTCAP_NESTED_VMX_H
#include "arch/x86.h"
#include "hv-mini/abi.h"

/* The L1's EPT: PML4, PDPT, PD, then two page tables (4 MiB of 4 KiB pages) */
#define EPT_PML4 NESTED_TDP_TABLES
#define EPT_PT (NESTED_TDP_TABLES + 0x3000)
#define EPTP (EPT_PML4 | (3 << 3) | 6)	/* 4-level walk, write-back */
#define EPT_LEAF 0x37			/* read, write, execute; memory type WB */

/* Where a failure is: this line of GUEST_FILE, for vmx_abort */
#define FAIL_AT					\
	movl $__LINE__, fail_line;		\
	movl $GUEST_FILE, fail_file

/* VMWRITE field <- immediate (any width); a failure ends in vmx_fail with the line */
#define VMW(field, value)			\
	FAIL_AT;		\
	mov $(field), %edx;			\
	movabs $(value), %rax;			\
	vmwrite %rax, %rdx;			\
	jbe vmx_fail

/* VMWRITE field <- a 64-bit register other than RDX */
#define VMW_REG(field, reg)			\
	FAIL_AT;		\
	mov $(field), %edx;			\
	vmwrite reg, %rdx;			\
	jbe vmx_fail

/* VMREAD field -> %rax */
#define VMR(field)				\
	FAIL_AT;		\
	mov $(field), %edx;			\
	vmread %rdx, %rax;			\
	jbe vmx_fail

/* Enter the L2 (VMLAUNCH the first time, then VMRESUME) and come back here at its exit with
 * its RAX in l2_rax; ABORT unless the exit reason is want */
#define VMX_RUN_EXPECT(want)			\
	FAIL_AT;		\
	mov $VMCS_HOST_RSP, %edx;			\
	vmwrite %rsp, %rdx;			\
	jbe vmx_fail;				\
	movq $1f, resume_at;			\
	cmpb $0, launched;			\
	jne 2f;					\
	movb $1, launched;			\
	vmlaunch;				\
	jmp vmx_fail;				\
2:	vmresume;				\
	jmp vmx_fail;				\
1:	VMR(VMCS_EXIT_REASON);			\
	FAIL_AT;		\
	cmp $(want), %eax;			\
	jne vmx_bad_exit

/* Step the L2 past the instruction that exited */
#define VMX_SKIP_INSN				\
	VMR(VMCS_EXIT_INSTRUCTION_LEN);			\
	mov %rax, %rbx;				\
	VMR(VMCS_GUEST_RIP);				\
	add %rax, %rbx;				\
	VMW_REG(VMCS_GUEST_RIP, %rbx)

#endif

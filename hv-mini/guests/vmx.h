/* SPDX-License-Identifier: MIT */
/*
 * Intel VMX for the 64-bit L1 guests (SDM vol. 3C chapters 24-27, appendices A and B): the VMCS
 * field encodings, capability MSRs and exit reasons they use, and the macros for the steps they
 * repeat. The L1 is a 64-bit guest because VM entry to a 64-bit L2 ("IA-32e mode guest") is
 * allowed only from IA-32e mode. Subroutines are in vmx-lib.inc.
 *
 * ABORT values (UCALL_ABORT's EBX) the host turns into causes:
 *   1 no VMX in the L1's CPUID; 2 no EPT for the nested_tdp L1; 3 IA32_FEATURE_CONTROL locked
 *   with VMX off; 0xFF a VMX instruction failed with no current VMCS (VMfailInvalid);
 *   0x100 + n VM-instruction error n; 0x8000xxxx a failed VM entry's exit reason; other values
 *   an unexpected exit reason. ECX is always the source line.
 */
#ifndef VIRTCAP_GUEST_VMX_H
#define VIRTCAP_GUEST_VMX_H
#include "hv-mini/guests/guest.h"

#define VMXON_REGION 0x32000
#define VMCS_REGION 0x33000
#define EPT_PML4 0x40000	/* EPT: PML4, PDPT, PD, then two page tables (4 MiB of 4 KiB pages) */
#define EPT_PT 0x43000
#define EPTP (EPT_PML4 | (3 << 3) | 6)	/* 4-level walk, write-back */
#define EPT_LEAF 0x37			/* read, write, execute; memory type WB */
#define L1_PML4 0x10000			/* hv-mini's page tables for the 64-bit L1 (hv.h) */

#define MSR_FEATURE_CONTROL 0x3A
#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED 0x481		/* +0xC: the TRUE_ MSR of each of the four */
#define MSR_VMX_PROCBASED 0x482
#define MSR_VMX_EXIT 0x483
#define MSR_VMX_ENTRY 0x484
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define MSR_VMX_PROCBASED2 0x48B
#define MSR_VMX_EPT_VPID_CAP 0x48C

#define PROC_HLT (1 << 7)
#define PROC_SECONDARY (1 << 31)
#define PROC2_EPT (1 << 1)
#define PROC2_UNRESTRICTED (1 << 7)
#define EXIT_HOST_64 (1 << 9)
#define ENTRY_IA32E (1 << 9)

/* VMCS fields */
#define F_EPTP 0x201A
#define F_LINK 0x2800
#define F_DEBUGCTL 0x2802
#define F_PIN 0x4000
#define F_PROC 0x4002
#define F_EXC_BITMAP 0x4004
#define F_EXIT_CTL 0x400C
#define F_ENTRY_CTL 0x4012
#define F_PROC2 0x401E
#define F_VM_ERROR 0x4400
#define F_EXIT_REASON 0x4402
#define F_EXIT_INSN_LEN 0x440C
#define F_G_ES_SEL 0x0800	/* guest segments: ES CS SS DS FS GS LDTR TR, 2 apart */
#define F_G_ES_LIMIT 0x4800
#define F_G_ES_AR 0x4814
#define F_G_ES_BASE 0x6806
#define F_G_CS_AR 0x4816
#define F_G_GDTR_LIMIT 0x4810
#define F_G_IDTR_LIMIT 0x4812
#define F_G_GDTR_BASE 0x6816
#define F_G_IDTR_BASE 0x6818
#define F_G_INTERRUPTIBILITY 0x4824
#define F_G_ACTIVITY 0x4826
#define F_G_CR0 0x6800
#define F_G_CR3 0x6802
#define F_G_CR4 0x6804
#define F_G_DR7 0x681A
#define F_G_RSP 0x681C
#define F_G_RIP 0x681E
#define F_G_RFLAGS 0x6820
#define F_H_ES_SEL 0x0C00	/* host selectors: ES CS SS DS FS GS TR, 2 apart */
#define F_H_CR0 0x6C00
#define F_H_CR3 0x6C02
#define F_H_CR4 0x6C04
#define F_H_TR_BASE 0x6C0A
#define F_H_GDTR_BASE 0x6C0C
#define F_H_IDTR_BASE 0x6C0E
#define F_H_RSP 0x6C14
#define F_H_RIP 0x6C16

#define EXIT_R_CPUID 10
#define EXIT_R_HLT 12
#define EXIT_R_VMCALL 18

#define AR_UNUSABLE 0x10000
#define CS_AR_L (1 << 13)

/* VMWRITE field <- immediate (any width); a failure ends in vmx_fail with the line */
#define VMW(field, value)			\
	movl $__LINE__, fail_line;		\
	mov $(field), %edx;			\
	movabs $(value), %rax;			\
	vmwrite %rax, %rdx;			\
	jbe vmx_fail

/* VMWRITE field <- a 64-bit register other than RDX */
#define VMW_REG(field, reg)			\
	movl $__LINE__, fail_line;		\
	mov $(field), %edx;			\
	vmwrite reg, %rdx;			\
	jbe vmx_fail

/* VMREAD field -> %rax */
#define VMR(field)				\
	movl $__LINE__, fail_line;		\
	mov $(field), %edx;			\
	vmread %rdx, %rax;			\
	jbe vmx_fail

/* Enter the L2 (VMLAUNCH the first time, then VMRESUME) and come back here at its exit with
 * its RAX in l2_rax; ABORT unless the exit reason is want */
#define VMX_RUN_EXPECT(want)			\
	movl $__LINE__, fail_line;		\
	mov $F_H_RSP, %edx;			\
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
1:	VMR(F_EXIT_REASON);			\
	movl $__LINE__, fail_line;		\
	cmp $(want), %eax;			\
	jne vmx_bad_exit

/* Step the L2 past the instruction that exited */
#define VMX_SKIP_INSN				\
	VMR(F_EXIT_INSN_LEN);			\
	mov %rax, %rbx;				\
	VMR(F_G_RIP);				\
	add %rax, %rbx;				\
	VMW_REG(F_G_RIP, %rbx)

#endif

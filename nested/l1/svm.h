/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM for the L1 guests (APM vol. 2 chapter 15, appendix B): the VMCB layout they use and
 * the set-up every one of them does before its first VMRUN.
 */
#ifndef VIRTCAP_NESTED_SVM_H
#define VIRTCAP_NESTED_SVM_H
#include "arch/x86.h"
#include "hv-mini/abi.h"

/* A field of our one VMCB (offsets: arch/x86.h); a segment's selector +0, attributes +2,
 * limit +4, base +8 */
#define V(field) (NESTED_VMCB + (field))

/* SVM on (or ABORT with value 1 when CPUID has none), host save area, intercepts, ASID 1, and
 * a real-mode L2 entered at label l2 */
#define SVM_SETUP_REAL_L2(l2)						\
	mov $0x80000001, %eax;						\
	cpuid;								\
	test $CPUID_80000001_ECX_SVM, %ecx;							\
	jz no_svm;							\
	mov $MSR_EFER, %ecx;						\
	rdmsr;								\
	or $X86_EFER_SVME, %eax;						\
	wrmsr;								\
	mov $MSR_AMD_VM_HSAVE_PA, %ecx;					\
	mov $NESTED_HSAVE, %eax;						\
	xor %edx, %edx;							\
	wrmsr;								\
	movl $(VMCB_INTERCEPT_CPUID | VMCB_INTERCEPT_HLT), V(VMCB_INTERCEPT_MISC1);	\
	movl $(VMCB_INTERCEPT_VMRUN | VMCB_INTERCEPT_VMMCALL), V(VMCB_INTERCEPT_MISC2);	\
	movl $1, V(VMCB_GUEST_ASID);	\
	mov $l2, %eax;							\
	and $0xFFFF0, %eax;						\
	mov %eax, V(VMCB_CS) + 8;					\
	shr $4, %eax;							\
	mov %ax, V(VMCB_CS);						\
	movw $0x009B, V(VMCB_CS) + 2;					\
	movl $0xFFFF, V(VMCB_CS) + 4;					\
	movw $0x0093, V(VMCB_DS) + 2;					\
	movl $0xFFFF, V(VMCB_DS) + 4;					\
	movw $0x0093, V(VMCB_ES) + 2;					\
	movl $0xFFFF, V(VMCB_ES) + 4;					\
	movw $0x0093, V(VMCB_SS) + 2;					\
	movl $0xFFFF, V(VMCB_SS) + 4;					\
	movl $0xFFFF, V(VMCB_GDTR_LIMIT);	\
	movl $0x3FF, V(VMCB_IDTR_LIMIT);	/* the IVT */	\
	movl $X86_EFER_SVME, V(VMCB_EFER);					\
	movl $X86_CR0_ET, V(VMCB_CR0);	\
	movl $2, V(VMCB_RFLAGS);						\
	mov $l2, %eax;							\
	and $0xF, %eax;							\
	mov %eax, V(VMCB_RIP);						\
	movl $NESTED_L2_REAL_STACK, V(VMCB_RSP)

/* Turn the VMCB into one for a 64-bit L2 entered at label l2: long mode (EFER.LME|LMA, CR0.PG,
 * CR4.PAE, CS.L), its own 4-level page tables at L2_PML4 mapping 4 MiB one to one */
#define SVM_SETUP_LONG_L2(l2)						\
	movl $(NESTED_L2_PML4 + 0x1000 + 3), NESTED_L2_PML4;				\
	movl $(NESTED_L2_PML4 + 0x2000 + 3), NESTED_L2_PML4 + 0x1000;			\
	movl $(0x000000 | 0x83), NESTED_L2_PML4 + 0x2000;	/* 2 MiB pages */	\
	movl $(0x200000 | 0x83), NESTED_L2_PML4 + 0x2008;			\
	movl $0, V(VMCB_CS);						\
	movl $0, V(VMCB_CS) + 8;					\
	movw $0x0A9B, V(VMCB_CS) + 2;		/* code, P, L, G */	\
	movl $0, V(VMCB_DS) + 8;					\
	movl $0, V(VMCB_ES) + 8;					\
	movl $0, V(VMCB_SS) + 8;					\
	movl $(X86_EFER_SVME | X86_EFER_LME | X86_EFER_LMA), V(VMCB_EFER);	\
	movl $X86_CR4_PAE, V(VMCB_CR4);	\
	movl $NESTED_L2_PML4, V(VMCB_CR3);	\
	movl $(X86_CR0_PG | X86_CR0_ET | X86_CR0_PE), V(VMCB_CR0);	\
	movl $(l2), V(VMCB_RIP);						\
	movl $NESTED_L2_LONG_STACK, V(VMCB_RSP)

/* VMRUN, then ABORT with the EXITCODE unless it is want */
#define SVM_RUN_EXPECT(want)						\
	mov $NESTED_VMCB, %eax;						\
	vmrun;								\
	stgi;								\
	cmpl $(want), V(VMCB_EXITCODE);					\
	jne bad_exit

/* The failure exits every SVM L1 jumps to: no SVM in CPUID (value 1), an unexpected EXITCODE */
#define SVM_ABORTS							\
no_svm:									\
	mov $NESTED_ABORT_NO_EXTENSION, %ebx;				\
	UCALL_ABORT_HERE;						\
	hlt;								\
bad_exit:								\
	mov V(VMCB_EXITCODE), %ebx;	/* -1: VMRUN refused the VMCB */	\
	UCALL_ABORT_HERE;						\
	hlt

#endif

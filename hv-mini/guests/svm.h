/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM for the L1 guests (APM vol. 2 chapter 15, appendix B): the VMCB layout they use and
 * the set-up every one of them does before its first VMRUN.
 */
#ifndef VIRTCAP_GUEST_SVM_H
#define VIRTCAP_GUEST_SVM_H
#include "hv-mini/guests/guest.h"
#define HSAVE 0x30000
#define VMCB 0x31000
#define MSR_EFER 0xC0000080
#define MSR_VM_HSAVE_PA 0xC0010117
#define EFER_SVME 0x1000
#define SEG(off) (VMCB + 0x400 + (off))	/* selector +0, attrib +2, limit +4, base +8 */
#define SEG_ES 0x00
#define SEG_CS 0x10
#define SEG_SS 0x20
#define SEG_DS 0x30
#define EXIT_CPUID 0x72
#define EXIT_HLT 0x78
#define EXIT_VMMCALL 0x81

#define VMCB_NP_ENABLE (VMCB + 0x90)
#define VMCB_N_CR3 (VMCB + 0xB0)
#define VMCB_G_PAT (VMCB + 0x668)
#define VMCB_EXITCODE (VMCB + 0x70)
#define VMCB_RIP (VMCB + 0x578)
#define VMCB_RAX (VMCB + 0x5F8)
#define VMCB_EFER (VMCB + 0x4D0)

/* SVM on (or ABORT with value 1 when CPUID has none), host save area, intercepts, ASID 1, and
 * a real-mode L2 entered at label l2 */
#define SVM_SETUP_REAL_L2(l2)						\
	mov $0x80000001, %eax;						\
	cpuid;								\
	test $4, %ecx;							\
	jz no_svm;							\
	mov $MSR_EFER, %ecx;						\
	rdmsr;								\
	or $EFER_SVME, %eax;						\
	wrmsr;								\
	mov $MSR_VM_HSAVE_PA, %ecx;					\
	mov $HSAVE, %eax;						\
	xor %edx, %edx;							\
	wrmsr;								\
	movl $((1 << 18) | (1 << 24)), VMCB + 0x0C;	/* CPUID, HLT */	\
	movl $((1 << 0) | (1 << 1)), VMCB + 0x10;	/* VMRUN, VMMCALL */	\
	movl $1, VMCB + 0x58;				/* guest ASID */	\
	mov $l2, %eax;							\
	and $0xFFFF0, %eax;						\
	mov %eax, SEG(SEG_CS) + 8;					\
	shr $4, %eax;							\
	mov %ax, SEG(SEG_CS);						\
	movw $0x009B, SEG(SEG_CS) + 2;					\
	movl $0xFFFF, SEG(SEG_CS) + 4;					\
	movw $0x0093, SEG(SEG_DS) + 2;					\
	movl $0xFFFF, SEG(SEG_DS) + 4;					\
	movw $0x0093, SEG(SEG_ES) + 2;					\
	movl $0xFFFF, SEG(SEG_ES) + 4;					\
	movw $0x0093, SEG(SEG_SS) + 2;					\
	movl $0xFFFF, SEG(SEG_SS) + 4;					\
	movl $0xFFFF, VMCB + 0x464;			/* GDTR limit */	\
	movl $0x3FF, VMCB + 0x484;			/* IDTR: the IVT */	\
	movl $EFER_SVME, VMCB + 0x4D0;					\
	movl $0x10, VMCB + 0x558;			/* CR0: ET only */	\
	movl $2, VMCB + 0x570;						\
	mov $l2, %eax;							\
	and $0xF, %eax;							\
	mov %eax, VMCB_RIP;						\
	movl $0x7000, VMCB + 0x5D8

/* Turn the VMCB into one for a 64-bit L2 entered at label l2: long mode (EFER.LME|LMA, CR0.PG,
 * CR4.PAE, CS.L), its own 4-level page tables at L2_PML4 mapping 4 MiB one to one */
#define SVM_SETUP_LONG_L2(l2)						\
	movl $(L2_PML4 + 0x1000 + 3), L2_PML4;				\
	movl $(L2_PML4 + 0x2000 + 3), L2_PML4 + 0x1000;			\
	movl $(0x000000 | 0x83), L2_PML4 + 0x2000;	/* 2 MiB pages */	\
	movl $(0x200000 | 0x83), L2_PML4 + 0x2008;			\
	movl $0, SEG(SEG_CS);						\
	movl $0, SEG(SEG_CS) + 8;					\
	movw $0x0A9B, SEG(SEG_CS) + 2;		/* code, P, L, G */	\
	movl $0, SEG(SEG_DS) + 8;					\
	movl $0, SEG(SEG_ES) + 8;					\
	movl $0, SEG(SEG_SS) + 8;					\
	movl $(EFER_SVME | 0x500), VMCB + 0x4D0;	/* LME, LMA */	\
	movl $0x20, VMCB + 0x548;			/* CR4: PAE */	\
	movl $L2_PML4, VMCB + 0x550;			/* CR3 */	\
	movl $0x80000011, VMCB + 0x558;			/* CR0: PG, ET, PE */	\
	movl $(l2), VMCB_RIP;						\
	movl $0x60000, VMCB + 0x5D8

/* VMRUN, then ABORT with the EXITCODE unless it is want */
#define SVM_RUN_EXPECT(want)						\
	mov $VMCB, %eax;						\
	vmrun;								\
	stgi;								\
	cmpl $(want), VMCB_EXITCODE;					\
	jne bad_exit

/* The failure exits every SVM L1 jumps to: no SVM in CPUID (value 1), an unexpected EXITCODE */
#define SVM_ABORTS							\
no_svm:									\
	mov $1, %ebx;							\
	mov $__LINE__, %ecx;						\
	UCALL(UCALL_ABORT);						\
	hlt;								\
bad_exit:								\
	mov VMCB_EXITCODE, %ebx;	/* -1: VMRUN refused the VMCB */	\
	mov $__LINE__, %ecx;						\
	UCALL(UCALL_ABORT);						\
	hlt

#endif

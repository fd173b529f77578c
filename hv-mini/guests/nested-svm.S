/* SPDX-License-Identifier: MIT */
/*
 * Nested virtualization on AMD SVM: this L1 guest turns SVM on itself and runs its own L2.
 * Straight-line, as the APM describes it (vol. 2, 15.4-15.5, appendix B for the VMCB layout):
 *   1. CPUID Fn8000_0001 ECX[2]: the L1 vCPU must see SVM (KVM gives it with nested=1);
 *   2. EFER.SVME = 1, VM_HSAVE_PA = a page for the host state;
 *   3. a VMCB intercepting VMRUN (required), VMMCALL, CPUID and HLT, ASID 1, and an L2 in real
 *      mode (EFER.SVME must be 1 in the guest state too, 15.5.1);
 *   4. VMRUN: the L2's CPUID must exit with 0x72; skip it (2 bytes: no NRIP save under TCG);
 *      VMRUN: its VMMCALL must exit with 0x81, its RAX is in the VMCB; skip it (3 bytes);
 *      VMRUN: its HLT must exit with 0x78.
 * KVM allows VMRUN only with paging on in L1, so the host starts us with 32-bit paging.
 * Reports EBX = the L2's RAX at VMMCALL, ECX = the three exit codes, one per byte.
 * After #VMEXIT only RAX and RSP are L1's again: everything is kept in memory, not registers.
 */
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

	.code32
	.global start
start:
	mov $0x80000001, %eax
	cpuid
	test $4, %ecx
	jz no_svm

	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_SVME, %eax
	wrmsr
	mov $MSR_VM_HSAVE_PA, %ecx
	mov $HSAVE, %eax
	xor %edx, %edx
	wrmsr

	/* control area: intercepts, ASID */
	movl $((1 << 18) | (1 << 24)), VMCB + 0x0C	/* CPUID, HLT */
	movl $((1 << 0) | (1 << 1)), VMCB + 0x10	/* VMRUN, VMMCALL */
	movl $1, VMCB + 0x58				/* guest ASID */

	/* state save area: the L2 in real mode at l2_start */
	mov $l2_start, %eax
	and $0xFFFF0, %eax
	mov %eax, SEG(SEG_CS) + 8
	shr $4, %eax
	mov %ax, SEG(SEG_CS)
	movw $0x009B, SEG(SEG_CS) + 2		/* present, code, readable, accessed */
	movl $0xFFFF, SEG(SEG_CS) + 4
	movw $0x0093, SEG(SEG_DS) + 2		/* present, data, writable, accessed */
	movl $0xFFFF, SEG(SEG_DS) + 4
	movw $0x0093, SEG(SEG_ES) + 2
	movl $0xFFFF, SEG(SEG_ES) + 4
	movw $0x0093, SEG(SEG_SS) + 2
	movl $0xFFFF, SEG(SEG_SS) + 4
	movl $0xFFFF, VMCB + 0x464		/* GDTR limit */
	movl $0x3FF, VMCB + 0x484		/* IDTR limit: the real-mode IVT */
	movl $EFER_SVME, VMCB + 0x4D0		/* guest EFER */
	movl $0x10, VMCB + 0x558		/* guest CR0: ET, no PE, no PG */
	movl $2, VMCB + 0x570			/* RFLAGS */
	mov $l2_start, %eax
	and $0xF, %eax
	mov %eax, VMCB + 0x578			/* RIP */
	movl $0x7000, VMCB + 0x5D8		/* RSP */

	mov $VMCB, %eax
	vmrun
	stgi
	cmpl $EXIT_CPUID, VMCB + 0x70
	jne bad_exit
	addl $2, VMCB + 0x578

	mov $VMCB, %eax
	vmrun
	stgi
	cmpl $EXIT_VMMCALL, VMCB + 0x70
	jne bad_exit
	mov VMCB + 0x5F8, %eax
	mov %eax, l2_result
	addl $3, VMCB + 0x578

	mov $VMCB, %eax
	vmrun
	stgi
	cmpl $EXIT_HLT, VMCB + 0x70
	jne bad_exit

	mov l2_result, %ebx
	mov $(EXIT_CPUID | EXIT_VMMCALL << 8 | EXIT_HLT << 16), %ecx
	UCALL(UCALL_DONE)
	hlt

no_svm:
	mov $1, %ebx
	mov $__LINE__, %ecx
	UCALL(UCALL_ABORT)
	hlt
bad_exit:
	mov VMCB + 0x70, %ebx			/* the unexpected EXITCODE (-1: VMRUN refused) */
	mov $__LINE__, %ecx
	UCALL(UCALL_ABORT)
	hlt

	.align 4
l2_result:
	.long 0

	/* the L2: real mode, computes a value, exits three ways */
	.align 16
	.code16
l2_start:
	mov $0x1234, %ax
	add $0x1111, %ax
	mov %ax, %bx
	xor %eax, %eax
	cpuid
	mov %bx, %ax
	shl $16, %eax
	mov $0xBEEF, %ax
	vmmcall
	hlt

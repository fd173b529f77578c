/* SPDX-License-Identifier: MIT */
/*
 * Nested virtualization on AMD SVM: this L1 guest turns SVM on itself and runs its own real-mode
 * L2 (APM vol. 2, 15.4-15.5): SVM_SETUP_REAL_L2 (svm.h) checks CPUID for SVM, sets EFER.SVME and
 * VM_HSAVE_PA and builds the VMCB; then VMRUN: the L2's CPUID must exit with 0x72, skipped (2
 * bytes: no NRIP save under TCG); VMRUN: its VMMCALL must exit with 0x81 and its RAX in the VMCB;
 * VMRUN: its HLT must exit with 0x78. KVM allows VMRUN only with paging on in L1, so the host
 * starts us with 32-bit paging. After #VMEXIT only RAX and RSP are L1's again: state lives in
 * memory. Then the same VMCB becomes a 64-bit L2's (SVM_SETUP_LONG_L2): it rotates a 64-bit
 * value, which only long mode computes, and hands it over with VMMCALL; the L1 keeps the whole
 * RAX and the L2's EFER and CS attributes as #VMEXIT saved them, then runs it to its HLT.
 * Last, the cost of nesting: as many VMMCALLs of an L2 handled by us as exits of ours handled
 * by the host, between timestamps the host takes (hv-mini/abi.h, MARK).
 * Results in NESTED_OUT (hv-mini/abi.h); DONE with EBX = the real-mode L2's value.
 */
#define GUEST_FILE GUEST_FILE_NESTED_SVM
#include "nested/l1/svm.h"
	.code32
	.global start
start:
#ifdef LIE_NO_L2	/* every result an honest L1 records, and SVM on, with no L2 entered */
	mov $MSR_EFER, %ecx
	rdmsr
	or $X86_EFER_SVME, %eax
	wrmsr
	NESTED_FORGE_RESULTS(SVM_EXIT_CPUID | SVM_EXIT_VMMCALL << 8 | SVM_EXIT_HLT << 16)
	UCALL(HV_UCALL_DONE)
	hlt
#endif
	SVM_SETUP_REAL_L2(l2_start)

	SVM_RUN_EXPECT(SVM_EXIT_CPUID)
	addl $2, V(VMCB_RIP)
	SVM_RUN_EXPECT(SVM_EXIT_VMMCALL)
	mov V(VMCB_RAX), %eax
	mov %eax, l2_result
	addl $3, V(VMCB_RIP)
	SVM_RUN_EXPECT(SVM_EXIT_HLT)
	mov l2_result, %eax
	mov %eax, NESTED_OUT + NESTED_OUT_REAL_RESULT
	movl $(SVM_EXIT_CPUID | SVM_EXIT_VMMCALL << 8 | SVM_EXIT_HLT << 16), NESTED_OUT + NESTED_OUT_REAL_EXITS

	SVM_SETUP_LONG_L2(l2_long)
	SVM_RUN_EXPECT(SVM_EXIT_VMMCALL)
	mov V(VMCB_RAX), %eax
	mov %eax, NESTED_OUT + NESTED_OUT_LONG_LO
	mov V(VMCB_RAX) + 4, %eax
	mov %eax, NESTED_OUT + NESTED_OUT_LONG_HI
	mov V(VMCB_EFER), %eax
	shr $X86_EFER_LMA_BIT, %eax
	and $1, %eax
	mov %eax, NESTED_OUT + NESTED_OUT_LONG_LMA
	movzwl V(VMCB_CS) + 2, %eax
	mov %eax, NESTED_OUT + NESTED_OUT_LONG_CS
	addl $3, V(VMCB_RIP)
	SVM_RUN_EXPECT(SVM_EXIT_HLT)

	/* the cost of nesting (hv-mini/abi.h): exits handled by the host, then the L2's handled by us */
	L1_EXITS_TO_HOST
	movl $l2_bench, V(VMCB_RIP)
	movl $NESTED_BENCH_EXITS, bench_left
8:	SVM_RUN_EXPECT(SVM_EXIT_VMMCALL)
	addl $3, V(VMCB_RIP)
	decl bench_left
	jnz 8b
	MARK(2)

	mov NESTED_OUT + NESTED_OUT_REAL_RESULT, %ebx
	xor %ecx, %ecx
	UCALL(HV_UCALL_DONE)
	hlt

	SVM_ABORTS

	.align 4
l2_result:
	.long 0
bench_left:
	.long 0

	/* the 64-bit L2 */
	.code64
l2_long:
	movabs $NESTED_L2_LONG_SEED, %rax
	rol $NESTED_L2_LONG_ROL, %rax
	vmmcall
	hlt
l2_bench:
	vmmcall
	jmp l2_bench

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

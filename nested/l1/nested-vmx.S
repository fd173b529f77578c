/* SPDX-License-Identifier: MIT */
/*
 * Nested virtualization on Intel VMX: this 64-bit L1 guest turns VMX on itself (vmx_enable in
 * vmx-lib.inc: feature control, CR0/CR4 fixed bits, VMXON, VMCS) and runs its own L2s with
 * controls adjusted to what the capability MSRs allow.
 * 1. A real-mode L2, only where unrestricted guest (and so EPT, identity-mapped) is allowed:
 *    its CPUID must exit (reason 10), its VMCALL (18) with its result in RAX, its HLT (12).
 *    Without unrestricted guest the L1 says so (NESTED_NO_REAL_L2) instead of failing.
 * 2. A 64-bit L2 on the L1's own page tables (no EPT): it rotates a 64-bit value, which only
 *    long mode computes, and hands it over with VMCALL; the L1 keeps the whole RAX and, as the
 *    exit stored them, the IA-32e mode guest entry control and the L2's CS access rights.
 * 3. The cost of nesting: as many VMCALLs of an L2 handled by us as exits of ours handled by
 *    the host, between timestamps the host takes (hv-mini/abi.h, MARK).
 * Results in NESTED_OUT (hv-mini/abi.h); NESTED_OUT + NESTED_OUT_CAPS = the secondary controls allowed-1.
 * ABORT values: vmx.h.
 */
#define GUEST_FILE GUEST_FILE_NESTED_VMX
#include "nested/l1/vmx.h"
	.code64
	.global start
start:
#ifdef LIE_NO_L2	/* every result an honest L1 records, and VMX on, with no L2 entered */
	mov %cr4, %rax
	or $X86_CR4_VMXE, %rax
	mov %rax, %cr4
	NESTED_FORGE_RESULTS(VMX_EXIT_CPUID | VMX_EXIT_VMCALL << 8 | VMX_EXIT_HLT << 16)
	UCALL(HV_UCALL_DONE)
	hlt
#endif
	call vmx_enable
	call vmx_setup_common
	call vmx_proc2_allowed
	mov %eax, NESTED_OUT + NESTED_OUT_CAPS
	test $VMX_PROC2_UNRESTRICTED, %eax
	jz 1f
	call vmx_ept_usable
	test %eax, %eax
	jnz 2f
1:	movl $NESTED_NO_REAL_L2, NESTED_OUT + NESTED_OUT_FLAGS
	jmp long_l2

2:	mov $(VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED), %ebx
	xor %edi, %edi
	call vmx_ept_on
	mov $l2_real, %ebx
	call vmx_guest_real
	VMX_RUN_EXPECT(VMX_EXIT_CPUID)
	VMX_SKIP_INSN
	VMX_RUN_EXPECT(VMX_EXIT_VMCALL)
	mov l2_rax, %eax
	mov %eax, NESTED_OUT + NESTED_OUT_REAL_RESULT
	VMX_SKIP_INSN
	VMX_RUN_EXPECT(VMX_EXIT_HLT)
	movl $(VMX_EXIT_CPUID | VMX_EXIT_VMCALL << 8 | VMX_EXIT_HLT << 16), NESTED_OUT + NESTED_OUT_REAL_EXITS

long_l2:
	VMW(VMCS_PROC2_CONTROLS, 0)
	mov $l2_long, %ebx
	call vmx_guest_long
	VMX_RUN_EXPECT(VMX_EXIT_VMCALL)
	mov l2_rax, %rax
	mov %eax, NESTED_OUT + NESTED_OUT_LONG_LO
	shr $32, %rax
	mov %eax, NESTED_OUT + NESTED_OUT_LONG_HI
	VMR(VMCS_ENTRY_CONTROLS)
	shr $VMX_ENTRY_IA32E_BIT, %eax	/* the exit stores the L2's EFER.LMA here */
	and $1, %eax
	mov %eax, NESTED_OUT + NESTED_OUT_LONG_LMA
	VMR(VMCS_GUEST_CS_AR)
	mov %eax, NESTED_OUT + NESTED_OUT_LONG_CS
	VMX_SKIP_INSN
	VMX_RUN_EXPECT(VMX_EXIT_HLT)

	/* the cost of nesting (hv-mini/abi.h): exits handled by the host, then the L2's handled by us */
	L1_EXITS_TO_HOST
	mov $l2_bench, %ebx
	VMW_REG(VMCS_GUEST_RIP, %rbx)
	movl $NESTED_BENCH_EXITS, bench_left
8:	VMX_RUN_EXPECT(VMX_EXIT_VMCALL)
	VMX_SKIP_INSN
	decl bench_left
	jnz 8b
	MARK(2)

	mov NESTED_OUT + NESTED_OUT_REAL_RESULT, %ebx
	xor %ecx, %ecx
l1_done:	/* a breakpoint for bare-metal debugging (tools/vmx-bare) */
	UCALL(HV_UCALL_DONE)
	hlt

#include "nested/l1/vmx-lib.inc"

	/* the L2s: the real-mode one keeps its value in BP, which the L1 leaves alone; aligned
	 * to 64 bytes so that its CS (address / 16) has RPL 0 like its DPL, as VM entry checks */
	.align 64
	.code16
l2_real:
	mov $0x1234, %ax
	add $0x1111, %ax
	mov %ax, %bp
	xor %eax, %eax
	cpuid
	mov %bp, %ax
	shl $16, %eax
	mov $0xBEEF, %ax
	vmcall
	hlt

	.code64
l2_long:
	movabs $NESTED_L2_LONG_SEED, %rax
	rol $NESTED_L2_LONG_ROL, %rax
	vmcall
	hlt
l2_bench:
	vmcall
	jmp l2_bench

	.align 4
bench_left:
	.long 0

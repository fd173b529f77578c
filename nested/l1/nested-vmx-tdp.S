/* SPDX-License-Identifier: MIT */
/*
 * EPT for a nested guest (SDM vol. 3C chapter 28): the 64-bit L1 builds its own extended page
 * tables, which translate the L2's physical addresses: the low 4 MiB one to one, except L2 page
 * 0x80000, which points at L1 page 0x95000. A 64-bit L2 (no unrestricted guest needed, so this
 * runs wherever EPT does) reads 0x80000 and hands what it found to VMCALL: the host put a decoy
 * at 0x80000 and the magic at 0x95000, so only the L1's EPT produces the magic.
 * No usable EPT (vmx_ept_usable): ABORT with value 2. Other ABORT values: vmx.h.
 */
#define GUEST_FILE GUEST_FILE_NESTED_VMX_TDP
#include "nested/l1/vmx.h"
	.code64
	.global start
start:
#ifdef LIE_KNOWN	/* the magic read by the L1 itself and reported, no L2 entered */
	mov NESTED_TDP_L1_PAGE, %ebx
	mov $VMX_EXIT_VMCALL, %ecx
	UCALL(HV_UCALL_DONE)
	hlt
#endif
	call vmx_enable
	call vmx_ept_usable
	test %eax, %eax
	jz no_ept
	call vmx_setup_common
	mov $VMX_PROC2_EPT, %ebx
	mov $NESTED_TDP_L2_PAGE, %edi
	mov $NESTED_TDP_L1_PAGE, %esi
#ifndef LIE_DECOY	/* the liar never turns EPT on */
	call vmx_ept_on
#endif
	mov $l2_long, %ebx
	call vmx_guest_long
	VMX_RUN_EXPECT(VMX_EXIT_VMCALL)
	mov l2_rax, %ebx
	mov $VMX_EXIT_VMCALL, %ecx
l1_done:	/* a breakpoint for bare-metal debugging (tools/vmx-bare) */
	UCALL(HV_UCALL_DONE)
	hlt

no_ept:
	FAIL_AT
	mov $NESTED_ABORT_NO_TDP, %ebx
	jmp vmx_abort

#include "nested/l1/vmx-lib.inc"

l2_long:
	mov NESTED_TDP_L2_PAGE, %eax
	vmcall
	hlt

/* SPDX-License-Identifier: MIT */
/*
 * PAE paging (SDM vol. 3A 4.4): the host's tables map VA 0xC0000000 to physical 4 GiB, an
 * address no non-PAE 32-bit translation can produce. Reports the magic found there.
 */
#include "arch/x86.h"
#include "hv-mini/abi.h"
	.code32
	.global start
start:
	mov HV_PAE_VA, %ebx
	mov (HV_PAE_VA + 4), %ecx
#ifdef LIE_ANSWER	/* one bit of the answer wrong */
	xor $1, %ebx
#endif
#ifdef LIE_MODE		/* the right answer, reported after paging and PAE were turned off */
	mov %cr0, %eax
	and $~X86_CR0_PG, %eax
	mov %eax, %cr0
	mov %cr4, %eax
	and $~X86_CR4_PAE, %eax
	mov %eax, %cr4
#endif
	UCALL(HV_UCALL_DONE)
	hlt

/* SPDX-License-Identifier: MIT */
/*
 * 32-bit protected mode, paging off then on. Started flat with paging off, the guest reads
 * magic 1 at its physical address, then turns on 32-bit paging itself (CR4.PSE, CR3 = the
 * host's page directory, CR0.PG; SDM vol. 3A 4.3) and reads magic 2 through the alias the
 * directory maps at 0x40000000, which exists only with paging on. Reports the sum.
 */
#include "arch/x86.h"
#include "hv-mini/abi.h"
	.code32
	.global start
start:
	mov HV_GPA_DATA, %esi
#ifdef LIE_MODE		/* the right sum, both values read with paging off */
	mov (HV_GPA_DATA + 4), %ebx
	add %esi, %ebx
	UCALL(HV_UCALL_DONE)
	hlt
#endif
	mov %cr4, %eax
	or $X86_CR4_PSE, %eax		/* 4 MiB pages */
	mov %eax, %cr4
	mov $HV_GPA_PT, %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $X86_CR0_PG, %eax
	mov %eax, %cr0
	jmp 1f
1:	mov (HV_PROT32_HIGH_VA + HV_GPA_DATA + 4), %ebx
	add %esi, %ebx
#ifdef LIE_ANSWER	/* one bit of the answer wrong */
	xor $1, %ebx
#endif
	UCALL(HV_UCALL_DONE)
	hlt

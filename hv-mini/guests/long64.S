/* SPDX-License-Identifier: MIT */
/*
 * 64-bit long mode (SDM vol. 3A 4.5): reads a 64-bit magic through VA 0xFFFFFF8000000000 +
 * offset, which only 4-level paging translates (PML4 entry 511), rotates it by 13 with a 64-bit
 * instruction and reports all 64 bits in RBX. The host checks EFER.LMA and CS.L too.
 */
#include "hv-mini/guests/guest.h"
	.code64
	.global start
start:
	movabs $(0xFFFFFF8000000000 + HV_GPA_DATA + 8), %rax
	mov (%rax), %rbx
	rol $13, %rbx
	UCALL(UCALL_DONE)
	hlt

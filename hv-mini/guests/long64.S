/* SPDX-License-Identifier: MIT */
/*
 * 64-bit long mode (SDM vol. 3A 4.5): reads a 64-bit magic through VA 0xFFFFFF8000000000 +
 * offset, which only 4-level paging translates (PML4 entry 511), rotates it by 13 with a 64-bit
 * instruction and reports all 64 bits in RBX. The host checks EFER.LMA and CS.L too.
 */
#include "hv-mini/abi.h"
	.code64
	.global start
start:
	movabs $(HV_LONG_HIGH_VA + HV_GPA_DATA + 8), %rax
	mov (%rax), %rbx
	rol $GUEST_LONG64_ROL, %rbx
#ifdef LIE_ANSWER	/* one bit of the answer wrong */
	xor $1, %rbx
#endif
#ifdef LIE_MODE		/* the right 64-bit answer, reported from compatibility mode (CS.L=0) */
	ljmpl *compat_far(%rip)
	.code32
compat:
#endif
	UCALL(HV_UCALL_DONE)
	hlt
#ifdef LIE_MODE
	.code64
compat_far:
	.long compat
	.word HV_SEL_CODE32
#endif

/* SPDX-License-Identifier: MIT */
/*
 * Real mode: the address of DS:0 is DS * 16 (SDM vol. 3A 20.1.1). With DS = 0x9000 the guest
 * reads the host's magic at physical 0x90000; in protected mode the same selector would fault.
 * Reports magic ^ 0x5A5A5A5A; the host also checks CR0.PE = 0 afterwards.
 */
#include "hv-mini/abi.h"
	.code16
	.global start
start:
	mov $(HV_GPA_DATA >> 4), %ax
	mov %ax, %ds
#ifdef LIE_KNOWN	/* the value the host once always planted, assumed instead of read */
	mov $0x13579BDF, %ebx
#else
	mov 0, %ebx
#endif
	xor $GUEST_REAL16_XOR, %ebx
#ifdef LIE_ANSWER	/* one bit of the answer wrong */
	xor $1, %ebx
#endif
#ifdef LIE_MODE		/* the right answer, reported from protected mode */
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
#endif
	UCALL(HV_UCALL_DONE)
	hlt

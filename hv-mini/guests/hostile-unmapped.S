/* SPDX-License-Identifier: MIT */
/* A guest that writes where no memory and no device is: hv-mini must fail it, not serve it. */
	.code32
	.global start
start:
	movl $0xDEADBEEF, 0xE0000000
	jmp start

/* SPDX-License-Identifier: MIT */
/* A guest that never exits: only the deadline can end it. */
	.code32
	.global start
start:
	jmp start

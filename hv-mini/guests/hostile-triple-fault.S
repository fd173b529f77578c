/* SPDX-License-Identifier: MIT */
/*
 * A guest that triple-faults: an empty IDT turns INT3 into #GP, #GP into #DF, and #DF into a
 * shutdown (SDM vol. 3A 6.15, interrupt 8), which KVM reports as KVM_EXIT_SHUTDOWN.
 */
	.code32
	.global start
start:
	lidt empty
	int3
	jmp start
	.align 4
empty:	.word 0
	.long 0

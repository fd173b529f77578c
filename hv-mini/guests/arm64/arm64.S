/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 guest, from KVM's reset state (EL1h, MMU off) the way an OS loader goes: its own
 * exception vectors (VBAR_EL1), its own translation tables (4 KiB granule, 39-bit VAs, 1 GiB
 * blocks: VA 0 and GUEST_ARM64_ALIAS_VA both to PA 0 as normal memory, 3 GiB to 3 GiB as device
 * memory for the ucall), the MMU on, then the host's 64-bit nonce read through the alias only
 * its tables make, rotated left by GUEST_ARM64_ROL (x1), and an SVC taken through its own
 * vectors, whose handler reports ESR_EL1 (x2).
 *
 * Lies (liars/): LIE_ANSWER reports the nonce unrotated; LIE_NO_MMU never turns the MMU on and
 * reads the nonce at its physical address.
 */
#include "hv-mini/abi.h"

#define BLOCK_NORMAL 0x701	/* L1 block, AttrIndx 0, inner shareable, access flag */
#define BLOCK_DEVICE ((3 << 53) | 0x405)	/* AttrIndx 1, access flag, never executed */
#define MAIR 0x00FF		/* attr 0: normal write-back; attr 1: device-nGnRnE */
/* T0SZ 25 (39 bits, walks start at level 1), walks cacheable inner shareable, 4 KiB granule,
 * EPD1: no TTBR1 walks, IPS 0: 32-bit physical addresses */
#define TCR ((1 << 23) | (3 << 12) | (1 << 10) | (1 << 8) | 25)

	.text
	.global start
start:
	ldr x9, =HV_GPA_STACK
	mov sp, x9
	adr x9, vectors
	msr vbar_el1, x9

	ldr x10, =GUEST_ARM64_TABLES
	ldr x11, =BLOCK_NORMAL
	str x11, [x10, #0]		/* VA 0: PA 0 */
	str x11, [x10, #(GUEST_ARM64_ALIAS_VA >> 30) * 8]	/* the alias: PA 0 again */
	ldr x11, =(0xC0000000 | BLOCK_DEVICE)
	str x11, [x10, #3 * 8]		/* the ucall's page */
	dsb sy
	msr ttbr0_el1, x10
	ldr x9, =MAIR
	msr mair_el1, x9
	ldr x9, =TCR
	msr tcr_el1, x9
	isb
#ifndef LIE_NO_MMU
	mrs x9, sctlr_el1
	orr x9, x9, #1			/* M: the MMU on */
	msr sctlr_el1, x9
	isb
	ldr x9, =(GUEST_ARM64_ALIAS_VA + HV_GPA_DATA)
#else
	ldr x9, =HV_GPA_DATA
#endif
	ldr x1, [x9]
#ifndef LIE_ANSWER
	ror x1, x1, #(64 - GUEST_ARM64_ROL)
#endif
	mov x2, #0
	svc #GUEST_ARM64_SVC		/* the handler puts ESR_EL1 in x2 */
	UCALL(HV_UCALL_DONE)
1:	b 1b

/* current EL with SP_ELx, synchronous: the SVC's; anything else spins until the deadline */
	.balign 2048
vectors:
	.rept 0x200 / 4
	b .
	.endr
	mrs x2, esr_el1
	eret
	.balign 2048
	.ltorg

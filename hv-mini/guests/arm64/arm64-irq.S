/* SPDX-License-Identifier: MIT */
/*
 * An interrupt through the vGIC (GICv3, Arm IHI 0069): the guest sets the distributor up as an
 * OS does (every SPI of 32..255 group 1, enabled, edge-triggered, priority 0xA0, routed to
 * vCPU 0), wakes its redistributor, opens its CPU interface (ICC_SRE/PMR/IGRPEN1) and unmasks
 * IRQs; then it asks the host (SYNC) to raise an SPI the host chose at random, waits for it in
 * WFI, and its handler takes the INTID from ICC_IAR1_EL1 and ends it (ICC_EOIR1_EL1). It
 * reports GUEST_IRQ_ACK_BASE + that INTID (x1): only the GIC told it which.
 *
 * Lies (liars/): LIE_GUESS asks for none and reports the first SPI; LIE_NO_IRQ never unmasks
 * IRQs, so none is taken.
 */
#include "hv-mini/abi.h"

#define GICD_CTLR 0x0
#define GICD_CTLR_GRP1_ARE 0x12		/* EnableGrp1NS, ARE_NS */
#define GICD_IGROUPR 0x80
#define GICD_ISENABLER 0x100
#define GICD_IPRIORITYR 0x400
#define GICD_ICFGR 0xC00
#define GICD_IROUTER 0x6000
#define GICR_WAKER 0x14
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define LAST_SPI (GUEST_ARM_SPI_FIRST + GUEST_ARM_SPI_COUNT)

	.text
	.global start
start:
	ldr x9, =HV_GPA_STACK
	mov sp, x9
	adr x9, vectors
	msr vbar_el1, x9

	ldr x9, =HV_ARM_GICD
	str wzr, [x9, #GICD_CTLR]
	mov w0, #0xFFFFFFFF
	mov x10, #(GUEST_ARM_SPI_FIRST / 32)	/* group 1 and enabled: a bit an interrupt */
1:	add x11, x9, #GICD_IGROUPR
	str w0, [x11, x10, lsl #2]
	add x11, x9, #GICD_ISENABLER
	str w0, [x11, x10, lsl #2]
	add x10, x10, #1
	cmp x10, #(LAST_SPI / 32)
	b.ne 1b
	ldr w0, =0xAAAAAAAA
	mov x10, #(GUEST_ARM_SPI_FIRST / 16)	/* edge-triggered: two bits an interrupt */
2:	add x11, x9, #GICD_ICFGR
	str w0, [x11, x10, lsl #2]
	add x10, x10, #1
	cmp x10, #(LAST_SPI / 16)
	b.ne 2b
	ldr w0, =0xA0A0A0A0
	mov x10, #(GUEST_ARM_SPI_FIRST / 4)	/* priority 0xA0: a byte an interrupt */
3:	add x11, x9, #GICD_IPRIORITYR
	str w0, [x11, x10, lsl #2]
	add x10, x10, #1
	cmp x10, #(LAST_SPI / 4)
	b.ne 3b
	mov x10, #GUEST_ARM_SPI_FIRST		/* routed to affinity 0.0.0.0: vCPU 0 */
	add x11, x9, #GICD_IROUTER
4:	str xzr, [x11, x10, lsl #3]
	add x10, x10, #1
	cmp x10, #LAST_SPI
	b.ne 4b
	mov w0, #GICD_CTLR_GRP1_ARE
	str w0, [x9, #GICD_CTLR]
	ldr x9, =HV_ARM_GICR
	str wzr, [x9, #GICR_WAKER]		/* ProcessorSleep off */

	mrs x0, ICC_SRE_EL1
	orr x0, x0, #1				/* the system-register interface */
	msr ICC_SRE_EL1, x0
	isb
	mov x0, #0xFF
	msr ICC_PMR_EL1, x0
	mov x0, #1
	msr ICC_IGRPEN1_EL1, x0
	isb
	mov x20, #0				/* the INTID the handler took */
#ifdef LIE_GUESS
	mov x20, #GUEST_ARM_SPI_FIRST
	b 6f
#endif
#ifndef LIE_NO_IRQ
	msr daifclr, #2
#endif
	UCALL(HV_UCALL_SYNC)
5:	cbnz x20, 6f
	wfi
	b 5b
6:	ldr x1, =GUEST_IRQ_ACK_BASE
	add x1, x1, x20
	UCALL(HV_UCALL_DONE)
7:	b 7b

/* current EL with SP_ELx: synchronous at 0x200 (spins until the deadline), IRQ at 0x280 */
	.balign 2048
vectors:
	.rept 0x280 / 4
	b .
	.endr
	mrs x20, ICC_IAR1_EL1
	msr ICC_EOIR1_EL1, x20
	eret
	.balign 2048
	.ltorg

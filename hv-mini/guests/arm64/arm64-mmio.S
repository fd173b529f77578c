/* SPDX-License-Identifier: MIT */
/*
 * The MMIO test device, from AArch64: its register is at a guest-physical address no memory
 * backs, so each access exits to hv-mini. Write, read back the device's answer, report (x1).
 *
 * Lies (liars/): LIE_NO_ACCESS works the device's answer out itself and never touches it.
 */
#include "hv-mini/abi.h"

	.text
	.global start
start:
	ldr w1, =GUEST_MMIO_WRITTEN
#ifdef LIE_NO_ACCESS
	rev w1, w1
	ldr w9, =HV_DEVICE_KEY
	eor w1, w1, w9
#else
	ldr x9, =HV_MMIO_GPA
	str w1, [x9]
	ldr w1, [x9]
#endif
	UCALL(HV_UCALL_DONE)
1:	b 1b
	.ltorg

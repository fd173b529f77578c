/* SPDX-License-Identifier: MIT */
/*
 * A virtual device programmed through MMIO: its register is at a guest-physical address no
 * memory backs, so each access exits to hv-mini. Write, read back the computed value, report.
 */
#include "hv-mini/abi.h"
	.code32
	.global start
start:
#ifdef LIE_NO_ACCESS	/* the device's answer worked out by the guest; the register never touched */
	mov $GUEST_MMIO_WRITTEN, %ebx
	bswap %ebx
	xor $HV_DEVICE_KEY, %ebx
#else
	movl $GUEST_MMIO_WRITTEN, HV_MMIO_GPA
	mov HV_MMIO_GPA, %ebx
#endif
	UCALL(HV_UCALL_DONE)
	hlt

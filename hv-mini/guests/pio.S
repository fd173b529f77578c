/* SPDX-License-Identifier: MIT */
/*
 * A virtual device programmed through port I/O: write a value to hv-mini's register, read back
 * what the device computed from it (byte-swapped, xor 0xA5A5A5A5). Reports what was read.
 */
#include "hv-mini/abi.h"
	.code32
	.global start
start:
#ifdef LIE_NO_ACCESS	/* the device's answer worked out by the guest; the port never touched */
	mov $GUEST_PIO_WRITTEN, %ebx
	bswap %ebx
	xor $HV_DEVICE_KEY, %ebx
#else
	mov $HV_PIO_PORT, %dx
	mov $GUEST_PIO_WRITTEN, %eax
	out %eax, %dx
	in %dx, %eax
	mov %eax, %ebx
#endif
	UCALL(HV_UCALL_DONE)
	hlt

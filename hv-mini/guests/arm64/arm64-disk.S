/* SPDX-License-Identifier: MIT */
/*
 * A host file as the guest's disk, from AArch64, through hv-mini's disk registers at
 * HV_DISK_MMIO (the x86 guest's ports, in the same order): read sector 0 (which the host
 * filled), sum its 128 words, write sector 1 with word i = sum ^ i, report the sum (x1). The host
 * then checks sector 1 in the file itself.
 *
 * Lies (liars/): LIE_NO_READ reports the sum of the pattern as it once was, sector 0 unread;
 * LIE_NO_WRITE reports the sum and never writes sector 1.
 */
#include "hv-mini/abi.h"
#define GUEST_FILE GUEST_FILE_ARM64_DISK
#define SECTOR (HV_DISK_SECTOR - HV_DISK_SECTOR)
#define CMD (HV_DISK_CMD - HV_DISK_SECTOR)
#define DATA (HV_DISK_DATA - HV_DISK_SECTOR)
#define STATUS (HV_DISK_STATUS - HV_DISK_SECTOR)

	.text
	.global start
start:
	ldr x9, =HV_DISK_MMIO
#ifdef LIE_NO_READ
	ldr w10, =((0x9E3779B9 * 8256) & 0xFFFFFFFF)
	b write
#endif
	str wzr, [x9, #SECTOR]
	mov w0, #HV_DISK_READ
	str w0, [x9, #CMD]
	ldr w0, [x9, #STATUS]
	cbnz w0, fail
	mov w10, #0
	mov w11, #(HV_SECTOR_SIZE / 4)
1:	ldr w0, [x9, #DATA]
	add w10, w10, w0
	subs w11, w11, #1
	b.ne 1b

write:
#ifndef LIE_NO_WRITE
	mov w0, #1
	str w0, [x9, #SECTOR]
	mov w0, #HV_DISK_WRITE
	str w0, [x9, #CMD]
	mov w12, #0
2:	eor w0, w10, w12
	str w0, [x9, #DATA]
	add w12, w12, #1
	cmp w12, #(HV_SECTOR_SIZE / 4)
	b.ne 2b
	ldr w0, [x9, #STATUS]
	cbnz w0, fail
#endif
	mov w1, w10
	UCALL(HV_UCALL_DONE)
3:	b 3b
fail:
	mov w1, w0			/* the status: why not */
	mov x2, #__LINE__
	mov x3, #GUEST_FILE
	UCALL(HV_UCALL_ABORT)
4:	b 4b
	.ltorg

/* SPDX-License-Identifier: MIT */
/*
 * Hostile: disk sectors past the end. Reads sector 0xFFFFFFFF, then tries to write 128 dwords
 * to sector 0xFFFFFFF8 and to sector 8 (one past an 8-sector disk), then floods the data port.
 * The host must refuse each (status 1, nothing written, the file's size unchanged) and end the
 * run at its deadline, as failed.
 */
#include "hv-mini/guests/guest.h"
	.code32
	.global start
start:
	mov $0xFFFFFFFF, %eax
	mov $HV_DISK_SECTOR, %dx
	out %eax, %dx
	mov $1, %eax
	mov $HV_DISK_CMD, %dx
	out %eax, %dx

	mov $0xFFFFFFF8, %eax
	call write_sector
	mov $8, %eax
	call write_sector

	mov $HV_DISK_DATA, %dx
2:	in %dx, %eax
	out %eax, %dx
	jmp 2b

write_sector:			/* %eax: the sector; 128 dwords of 0xBAD0BAD0 */
	mov $HV_DISK_SECTOR, %dx
	out %eax, %dx
	mov $2, %eax
	mov $HV_DISK_CMD, %dx
	out %eax, %dx
	mov $128, %ecx
	mov $0xBAD0BAD0, %eax
	mov $HV_DISK_DATA, %dx
1:	out %eax, %dx
	loop 1b
	ret

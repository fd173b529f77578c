/* SPDX-License-Identifier: MIT */
/*
 * Hostile: disk sectors past the end. Reads sector 0xFFFFFFFF, then tries to write 128 dwords
 * to sector 0xFFFFFFF8 and to sector 8 (one past an 8-sector disk); then asks to write sector 0
 * (allowed) and moves the sector register to 0xFFFFFFFF before sending the data, then floods
 * the data port. The host must refuse each past-the-end sector (status 1), write the moved one
 * where the checked command said (the sector is latched with the command), keep the file's
 * size, and end the run at its deadline, as failed.
 */
#include "hv-mini/abi.h"
	.code32
	.global start
start:
	mov $0xFFFFFFFF, %eax
	mov $HV_DISK_SECTOR, %dx
	out %eax, %dx
	mov $HV_DISK_READ, %eax
	mov $HV_DISK_CMD, %dx
	out %eax, %dx

	mov $0xFFFFFFF8, %eax
	call write_sector
	mov $8, %eax
	call write_sector

	xor %eax, %eax		/* sector 0 passes the check ... */
	call write_command
	mov $0xFFFFFFFF, %eax	/* ... then the sector moves before the data arrives */
	mov $HV_DISK_SECTOR, %dx
	out %eax, %dx
	call send_data

	mov $HV_DISK_DATA, %dx
2:	in %dx, %eax
	out %eax, %dx
	jmp 2b

write_sector:			/* %eax: the sector; then a sector of 0xBAD0BAD0 */
	call write_command
	jmp send_data

write_command:			/* %eax: the sector, then the write command */
	mov $HV_DISK_SECTOR, %dx
	out %eax, %dx
	mov $HV_DISK_WRITE, %eax
	mov $HV_DISK_CMD, %dx
	out %eax, %dx
	ret

send_data:			/* a sector's dwords of 0xBAD0BAD0 to the data port */
	mov $(HV_SECTOR_SIZE / 4), %ecx
	mov $0xBAD0BAD0, %eax
	mov $HV_DISK_DATA, %dx
1:	out %eax, %dx
	loop 1b
	ret

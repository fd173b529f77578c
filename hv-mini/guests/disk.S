/* SPDX-License-Identifier: MIT */
/*
 * A host file as the guest's disk, through hv-mini's port-I/O disk: read sector 0 (which the
 * host filled), sum its 128 dwords, write sector 1 with dword i = sum ^ i, and report the sum.
 * The host then checks sector 1 in the file itself.
 */
#include "hv-mini/abi.h"
#define GUEST_FILE GUEST_FILE_DISK
	.code32
	.global start
start:
#ifdef LIE_NO_READ	/* the sum of the pattern as it was once fixed, sector 0 never read */
	mov $((0x9E3779B9 * 8256) & 0xFFFFFFFF), %esi
	jmp write
#endif
	xor %eax, %eax
	mov $HV_DISK_SECTOR, %dx
	out %eax, %dx
	mov $HV_DISK_READ, %eax
	mov $HV_DISK_CMD, %dx
	out %eax, %dx
	mov $HV_DISK_STATUS, %dx
	in %dx, %eax
	test %eax, %eax
	jnz fail
	xor %esi, %esi
	mov $(HV_SECTOR_SIZE / 4), %ecx
	mov $HV_DISK_DATA, %dx
1:	in %dx, %eax
	add %eax, %esi
	loop 1b

write:
#ifdef LIE_NO_WRITE	/* the sum reported, sector 1 never written */
	mov %esi, %ebx
	UCALL(HV_UCALL_DONE)
	hlt
#endif
	mov $1, %eax
	mov $HV_DISK_SECTOR, %dx
	out %eax, %dx
	mov $HV_DISK_WRITE, %eax
	mov $HV_DISK_CMD, %dx
	out %eax, %dx
	xor %edi, %edi
	mov $HV_DISK_DATA, %dx
2:	mov %esi, %eax
	xor %edi, %eax
	out %eax, %dx
	inc %edi
	cmp $(HV_SECTOR_SIZE / 4), %edi
	jne 2b
	mov $HV_DISK_STATUS, %dx
	in %dx, %eax
	test %eax, %eax
	jnz fail
	mov %esi, %ebx
	UCALL(HV_UCALL_DONE)
	hlt
fail:
	mov %eax, %ebx
	UCALL_ABORT_HERE
	hlt

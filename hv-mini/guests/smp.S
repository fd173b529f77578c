/* SPDX-License-Identifier: MIT */
/*
 * Two vCPUs at once: each starts here with its id in ESI. vCPU 0 raises a flag in shared
 * memory and waits for vCPU 1's answer; vCPU 1 waits for the flag and answers. Neither can
 * finish unless both run. Each reports 0xA0 + its id.
 */
#include "hv-mini/abi.h"
#define SHARED (HV_GPA_DATA + 0x100)
	.code32
	.global start
start:
	cmp $0, %esi
	jne cpu1
	movl $0x1111, SHARED
1:	pause
	cmpl $0x2222, SHARED + 4
	jne 1b
	mov $GUEST_SMP_ID, %ebx
	UCALL(HV_UCALL_DONE)
	hlt
cpu1:
1:	pause
	cmpl $0x1111, SHARED
	jne 1b
	movl $0x2222, SHARED + 4
	mov $(GUEST_SMP_ID + 1), %ebx
	UCALL(HV_UCALL_DONE)
	hlt

/* SPDX-License-Identifier: MIT */
/*
 * Two vCPUs at once: each starts here with its id in ESI. vCPU 0 raises a flag in shared
 * memory and waits for vCPU 1's answer; vCPU 1 waits for the flag and answers. Neither can
 * finish unless both run. Each reports 0xA0 + its id.
 */
#include "hv-mini/abi.h"
	.code32
	.global start
start:
#ifdef LIE_NO_WAIT	/* each vCPU reports its id at once, no flag set or waited for */
	lea GUEST_SMP_ID(%esi), %ebx
	UCALL(HV_UCALL_DONE)
	hlt
#endif
	cmp $0, %esi
	jne cpu1
	movl $GUEST_SMP_FLAG0, GUEST_SMP_FLAGS
1:	pause
	cmpl $GUEST_SMP_FLAG1, GUEST_SMP_FLAGS + 4
	jne 1b
	mov $GUEST_SMP_ID, %ebx
	UCALL(HV_UCALL_DONE)
	hlt
cpu1:
1:	pause
	cmpl $GUEST_SMP_FLAG0, GUEST_SMP_FLAGS
	jne 1b
	movl $GUEST_SMP_FLAG1, GUEST_SMP_FLAGS + 4
#ifdef LIE_ONE_ID	/* vCPU 1 reports vCPU 0's id */
	mov $GUEST_SMP_ID, %ebx
#else
	mov $(GUEST_SMP_ID + 1), %ebx
#endif
	UCALL(HV_UCALL_DONE)
	hlt

/* SPDX-License-Identifier: MIT */
/*
 * PAE paging (SDM vol. 3A 4.4): the host's tables map VA 0xC0000000 to physical 4 GiB, an
 * address no non-PAE 32-bit translation can produce. Reports the magic found there.
 */
#include "hv-mini/guests/guest.h"
	.code32
	.global start
start:
	mov 0xC0000000, %ebx
	mov 0xC0000004, %ecx
	UCALL(UCALL_DONE)
	hlt

/* SPDX-License-Identifier: MIT */
/*
 * PAE paging (SDM vol. 3A 4.4): the host's tables map VA 0xC0000000 to physical 4 GiB, an
 * address no non-PAE 32-bit translation can produce. Reports the magic found there.
 */
#include "hv-mini/abi.h"
	.code32
	.global start
start:
	mov HV_PAE_VA, %ebx
	mov (HV_PAE_VA + 4), %ecx
	UCALL(HV_UCALL_DONE)
	hlt

/* SPDX-License-Identifier: MIT */
/*
 * A virtual device programmed through MMIO: its register is at a guest-physical address no
 * memory backs, so each access exits to hv-mini. Write, read back the computed value, report.
 */
#include "hv-mini/guests/guest.h"
	.code32
	.global start
start:
	movl $0x55667788, HV_MMIO_GPA
	mov HV_MMIO_GPA, %ebx
	UCALL(UCALL_DONE)
	hlt

/* SPDX-License-Identifier: MIT */
/*
 * Hostile: an exit flood. Port writes to a port the host answers, as fast as the CPU can, and
 * never a result: the host must keep up and still end the run at its deadline, as failed.
 */
#include "hv-mini/abi.h"
	.code32
	.global start
start:
	mov $HV_NOP_PORT, %dx
1:	out %eax, %dx
	jmp 1b

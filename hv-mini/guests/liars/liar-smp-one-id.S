/* SPDX-License-Identifier: MIT */
/* smp with a lie, which its check must catch: vCPU 1 reports vCPU 0's id */
#define LIE_ONE_ID
#include "hv-mini/guests/smp.S"

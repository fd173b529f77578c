/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm64-smp.S with one lie: LIE_NO_CPU_ON */
#define LIE_NO_CPU_ON
#include "hv-mini/guests/arm64/arm64-smp.S"

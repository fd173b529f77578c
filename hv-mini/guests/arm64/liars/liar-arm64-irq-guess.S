/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm64-irq.S with one lie: LIE_GUESS */
#define LIE_GUESS
#include "hv-mini/guests/arm64/arm64-irq.S"

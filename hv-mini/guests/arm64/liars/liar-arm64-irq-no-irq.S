/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm64-irq.S with one lie: LIE_NO_IRQ */
#define LIE_NO_IRQ
#include "hv-mini/guests/arm64/arm64-irq.S"

/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm64.S with one lie: LIE_NO_MMU */
#define LIE_NO_MMU
#include "hv-mini/guests/arm64/arm64.S"

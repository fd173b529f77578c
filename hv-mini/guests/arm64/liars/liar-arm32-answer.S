/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm32.S with one lie: LIE_ANSWER */
#define LIE_ANSWER
#include "hv-mini/guests/arm64/arm32.S"

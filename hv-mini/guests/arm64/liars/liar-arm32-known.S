/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm32.S with one lie: LIE_KNOWN */
#define LIE_KNOWN
#include "hv-mini/guests/arm64/arm32.S"

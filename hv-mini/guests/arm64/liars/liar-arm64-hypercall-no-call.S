/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm64-hypercall.S with one lie: LIE_NO_CALL */
#define LIE_NO_CALL
#include "hv-mini/guests/arm64/arm64-hypercall.S"

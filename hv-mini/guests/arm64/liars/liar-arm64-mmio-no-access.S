/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm64-mmio.S with one lie: LIE_NO_ACCESS */
#define LIE_NO_ACCESS
#include "hv-mini/guests/arm64/arm64-mmio.S"

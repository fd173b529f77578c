/* SPDX-License-Identifier: MIT */
/* hv-mini/guests/arm64/arm64-disk.S with one lie: LIE_NO_READ */
#define LIE_NO_READ
#include "hv-mini/guests/arm64/arm64-disk.S"

/* SPDX-License-Identifier: MIT */
/* disk with a lie, which its check must catch: the sum reported, sector 1 never written */
#define LIE_NO_WRITE
#include "hv-mini/guests/disk.S"

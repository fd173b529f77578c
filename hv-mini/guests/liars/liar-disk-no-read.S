/* SPDX-License-Identifier: MIT */
/* disk with a lie, which its check must catch: the sum of a pattern it assumes, sector 0 never read */
#define LIE_NO_READ
#include "hv-mini/guests/disk.S"

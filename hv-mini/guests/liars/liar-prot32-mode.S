/* SPDX-License-Identifier: MIT */
/* prot32 with a lie, which its check must catch: the right sum, read with paging off */
#define LIE_MODE
#include "hv-mini/guests/prot32.S"

/* SPDX-License-Identifier: MIT */
/* pae32 with a lie, which its check must catch: the right answer, reported with paging and PAE off */
#define LIE_MODE
#include "hv-mini/guests/pae32.S"

/* SPDX-License-Identifier: MIT */
/* real16 with a lie, which its check must catch: an answer from a value assumed, not read */
#define LIE_KNOWN
#include "hv-mini/guests/real16.S"

/* SPDX-License-Identifier: MIT */
/* real16 with a lie, which its check must catch: the right answer, reported from protected mode */
#define LIE_MODE
#include "hv-mini/guests/real16.S"

/* SPDX-License-Identifier: MIT */
/* real16 with a lie, which its check must catch: one bit of the answer wrong */
#define LIE_ANSWER
#include "hv-mini/guests/real16.S"

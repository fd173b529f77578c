/* SPDX-License-Identifier: MIT */
/* long64 with a lie, which its check must catch: one bit of the 64-bit answer wrong */
#define LIE_ANSWER
#include "hv-mini/guests/long64.S"

/* SPDX-License-Identifier: MIT */
/* pae32 with a lie, which its check must catch: one bit of the answer wrong */
#define LIE_ANSWER
#include "hv-mini/guests/pae32.S"

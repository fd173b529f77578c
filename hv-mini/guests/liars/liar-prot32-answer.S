/* SPDX-License-Identifier: MIT */
/* prot32 with a lie, which its check must catch: one bit of the answer wrong */
#define LIE_ANSWER
#include "hv-mini/guests/prot32.S"

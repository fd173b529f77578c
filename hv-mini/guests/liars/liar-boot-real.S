/* SPDX-License-Identifier: MIT */
/* boot with a lie, which its check must catch: the last stage's words and answer, written from real mode */
#define LIE_REAL
#include "hv-mini/guests/boot.S"

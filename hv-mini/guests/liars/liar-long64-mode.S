/* SPDX-License-Identifier: MIT */
/* long64 with a lie, which its check must catch: the right answer, reported from compatibility mode */
#define LIE_MODE
#include "hv-mini/guests/long64.S"

/* SPDX-License-Identifier: MIT */
/* irq with a lie, which its check must catch: the interrupt asked for, its vector guessed instead of told by a handler */
#define LIE_GUESS
#include "hv-mini/guests/irq.S"

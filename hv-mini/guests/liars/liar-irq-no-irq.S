/* SPDX-License-Identifier: MIT */
/* irq with a lie, which its check must catch: an acknowledgement written with no interrupt asked for or taken */
#define LIE_NO_IRQ
#include "hv-mini/guests/irq.S"

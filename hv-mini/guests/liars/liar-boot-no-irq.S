/* SPDX-License-Identifier: MIT */
/* boot with a lie, which its check must catch: the interrupt's bit set by the guest itself */
#define LIE_NO_IRQ
#include "hv-mini/guests/boot.S"

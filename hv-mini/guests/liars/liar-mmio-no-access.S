/* SPDX-License-Identifier: MIT */
/* mmio with a lie, which its check must catch: the device's answer computed, the register never used */
#define LIE_NO_ACCESS
#include "hv-mini/guests/mmio.S"

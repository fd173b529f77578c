/* SPDX-License-Identifier: MIT */
/* pio with a lie, which its check must catch: the device's answer computed, the port never used */
#define LIE_NO_ACCESS
#include "hv-mini/guests/pio.S"

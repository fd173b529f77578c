/* SPDX-License-Identifier: MIT */
/* smp with a lie, which its check must catch: each vCPU reports at once, without the handshake */
#define LIE_NO_WAIT
#include "hv-mini/guests/smp.S"

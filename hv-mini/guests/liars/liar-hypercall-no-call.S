/* SPDX-License-Identifier: MIT */
/* hypercall with a lie, which its check must catch: KVM's answers given without a hypercall */
#define LIE_NO_CALL
#include "hv-mini/guests/hypercall.S"

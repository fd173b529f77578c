/* SPDX-License-Identifier: MIT */
/* nested-vmx-tdp with a lie, which its check must catch: EPT never turned on: its L2 reads the decoy */
#define LIE_DECOY
#include "nested/l1/nested-vmx-tdp.S"

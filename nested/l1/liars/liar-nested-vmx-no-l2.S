/* SPDX-License-Identifier: MIT */
/* nested-vmx with a lie, which its check must catch: every result and VMX on, with no L2 entered */
#define LIE_NO_L2
#include "nested/l1/nested-vmx.S"

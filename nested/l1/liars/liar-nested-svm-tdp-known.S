/* SPDX-License-Identifier: MIT */
/* nested-svm-tdp with a lie, which its check must catch: the magic read by the L1 itself, no L2 entered */
#define LIE_KNOWN
#include "nested/l1/nested-svm-tdp.S"

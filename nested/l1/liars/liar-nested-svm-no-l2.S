/* SPDX-License-Identifier: MIT */
/* nested-svm with a lie, which its check must catch: every result and SVM on, with no L2 entered */
#define LIE_NO_L2
#include "nested/l1/nested-svm.S"

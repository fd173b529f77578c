/* SPDX-License-Identifier: MIT */
/* nested-svm-tdp with a lie, which its check must catch: nested paging never turned on: its L2 reads the decoy */
#define LIE_DECOY
#include "nested/l1/nested-svm-tdp.S"

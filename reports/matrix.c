// SPDX-License-Identifier: MIT
// TEMPORARY
#include "reports/report.h"
void report_matrix_derive(struct report *r) { }

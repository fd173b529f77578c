// SPDX-License-Identifier: MIT
// TEMPORARY
#include "reports/report.h"
int report_print_human(const struct report *r, const struct report_human_opts *opts, void *file) { return 0; }

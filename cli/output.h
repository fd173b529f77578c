/* SPDX-License-Identifier: MIT */
/*
 * --output FILE: standard output goes to a temporary file beside FILE (cli/atomic_file.h),
 * renamed over it when the run succeeds and removed when it fails or a signal ends it: FILE is
 * never partial (the node_exporter textfile collector, cron jobs and fleets read it at any
 * moment).
 */
#ifndef VIRTCAP_OUTPUT_H
#define VIRTCAP_OUTPUT_H

#include <stdbool.h>

#include "cli/atomic_file.h"

struct output {
	struct atomic_file file;
	int saved;		/* the real standard output while FILE takes its place; -1: none */
};

/* Send standard output to a temporary beside path. 0, or -errno said on stderr. */
int output_begin(struct output *out, const char *path);

/* Give standard output back; keep: the run succeeded, so the temporary replaces FILE, else it
 * is removed. 0, or -errno said on stderr. Does nothing when output_begin() was not called. */
int output_end(struct output *out, bool keep);

#endif

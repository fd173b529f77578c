/* SPDX-License-Identifier: MIT */
/*
 * A fuzz target's scratch directory: made once under $TMPDIR (else /tmp) and removed when the
 * fuzzer or the replay exits normally, so that a run leaves nothing behind. A crash leaves it,
 * with the inputs that were being tried, for whoever looks at the crash.
 */
#ifndef VIRTCAP_FUZZ_WORKDIR_H
#define VIRTCAP_FUZZ_WORKDIR_H

#include <stdio.h>
#include <stdlib.h>

#include "util/signal_cleanup.h"

static char fuzz_workdir_path[256];

static void fuzz_workdir_remove(void)
{
	signal_cleanup_remove_tree(fuzz_workdir_path);
}

/* The directory's path; what names it in messages and in /tmp ("archive", "root"). */
static inline const char *fuzz_workdir(const char *what)
{
	if (!fuzz_workdir_path[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(fuzz_workdir_path, sizeof(fuzz_workdir_path), "%s/virtcap-fuzz-%s.XXXXXX",
			 tmp && *tmp == '/' ? tmp : "/tmp", what);
		if (!mkdtemp(fuzz_workdir_path)) {
			perror(fuzz_workdir_path);
			abort();
		}
		atexit(fuzz_workdir_remove);
	}
	return fuzz_workdir_path;
}

#endif

/* SPDX-License-Identifier: MIT */
/* Merging many hosts' reports into one matrix (reports/fleet.c) and rendering it. */
#ifndef VIRTCAP_FLEET_H
#define VIRTCAP_FLEET_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/report.h"
#include "util/strindex.h"

struct fleet_host {
	char *file;			/* the report it came from */
	char *error;			/* why the file is an error row; NULL when read */
	char *warning;			/* read, but not to be trusted as healthy: its own input
					 * errors; counted, and the exit status says so */
	const char *newer;		/* a newer report of the same host (its file): this one is
					 * shown but not counted */
	char *hostname, *time;		/* hostname "(none)" when the report has null */
	enum verdict verdict[GUEST_KIND_COUNT];
	const char *blocked_by[GUEST_KIND_COUNT];	/* for a "no"/"unknown" cell (in strings) */
	const char *fix[GUEST_KIND_COUNT];
};

struct fleet {
	struct fleet_host *v;
	size_t n, alloc;
	char **strings;			/* each distinct blocker and fix, held once */
	size_t nstrings, strings_alloc;
	struct strindex by_string;
	pthread_mutex_t *lock;		/* while a directory is parsed on several threads */
};

/* Add a report file, or every *.json in a directory (sorted); problems become error rows. */
void fleet_add_path(struct fleet *f, const char *path);
/* After the last path: the same host twice (same time: a duplicate, an error row; an older
 * time: not counted, pointing at the newer). Sorts by host name, then file. */
void fleet_finish(struct fleet *f);
/* Error rows plus reports with warnings: what makes the exit status 2 */
size_t fleet_errors(const struct fleet *f);
/* Hosts counted: read, and not superseded by a newer report */
size_t fleet_hosts(const struct fleet *f);
void fleet_free(struct fleet *f);

enum fleet_format { FLEET_TEXT, FLEET_CSV, FLEET_MARKDOWN, FLEET_HTML };

/* Render the merged matrix, counts and blockers (reports/fleet_render.c). 0 or -EIO. */
int fleet_render(const struct fleet *f, enum fleet_format fmt, FILE *out);

#endif

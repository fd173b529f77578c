/* SPDX-License-Identifier: MIT */
/*
 * A file written whole or not at all: the writing goes to a temporary beside the target, which
 * replaces it only on atomic_file_commit() (fsynced, then renamed), and is removed on
 * atomic_file_abort() or when a signal ends the run (util/signal_cleanup.h). A reader (cron, the
 * node_exporter textfile collector, a fleet) never sees half a file, and a failed run leaves
 * the old file as it was.
 *
 * Only a regular file is replaced: a target that is a device, a FIFO, a directory or a symbolic
 * link is refused (as root, --output /dev/null must not replace /dev/null). The new file keeps
 * the replaced file's mode and, as root, its owner; a new one gets the mode any new file of
 * this user gets.
 */
#ifndef VIRTCAP_ATOMIC_FILE_H
#define VIRTCAP_ATOMIC_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct atomic_file {
	const char *path;
	char tmp[PATH_MAX];
	int fd;			/* the temporary, open for writing; -1 once closed */
};

/* Make the temporary beside path. 0, or -errno with err saying what, naming path. */
int atomic_file_open(struct atomic_file *a, const char *path, char *err, size_t errlen);

/* Flush the temporary to disk and rename it over path (a->fd closed here unless the caller
 * closed it and set it to -1). 0, or -errno with err set and the temporary removed. */
int atomic_file_commit(struct atomic_file *a, char *err, size_t errlen);

/* Remove the temporary; path stays as it was. */
void atomic_file_abort(struct atomic_file *a);

#endif

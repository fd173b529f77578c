// SPDX-License-Identifier: MIT
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"

int output_begin(struct output *out, const char *path)
{
	char err[PATH_MAX + 128];
	int rc = atomic_file_open(&out->file, path, err, sizeof(err));

	if (rc) {
		cli_error("virtcap: %s\n", err);
		return rc;
	}
	fflush(stdout);
	out->saved = dup(STDOUT_FILENO);
	if (out->saved < 0 || dup2(out->file.fd, STDOUT_FILENO) < 0) {
		cli_error("virtcap: %s: %s\n", path, strerror(errno));
		if (out->saved >= 0)
			close(out->saved);
		out->saved = -1;
		atomic_file_abort(&out->file);
		return -EIO;
	}
	return 0;
}

/* keep: the run succeeded. Returns 0, or -errno when FILE could not be written. */
int output_end(struct output *out, bool keep)
{
	char err[PATH_MAX + 128];
	int rc = fflush(stdout) != 0 ? -EIO : 0;

	if (out->saved < 0)
		return 0;

	dup2(out->saved, STDOUT_FILENO);
	close(out->saved);
	out->saved = -1;
	if (!keep || rc) {
		atomic_file_abort(&out->file);
		if (keep)
			cli_error("virtcap: %s: cannot write: %s\n", out->file.path,
				strerror(-rc));
		return rc;
	}
	rc = atomic_file_commit(&out->file, err, sizeof(err));
	if (rc)
		cli_error("virtcap: %s\n", err);
	return rc;
}


// SPDX-License-Identifier: MIT
/* The lab's pinned kernels, fetched by lab.sh (qemu/lab_fetch.h) */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "qemu/lab_fetch.h"
#include "reports/text.h"
#include "util/run.h"

int lab_fetch(const char *lab_sh, const char *arch, char *root, size_t len, char *why,
	      size_t why_len)
{
	char err[1024] = "";
	struct run_options o = { .timeout_ms = LAB_FETCH_MS, .out = root, .out_len = len,
				 .err = err, .err_len = sizeof(err), .stdout_fd = -1 };
	const char *argv[] = { "/bin/sh", lab_sh, "--fetch-only", arch ? "--kernel" : NULL, arch,
			       NULL };
	struct stat st;
	int rc = run_program(argv, &o);

	root[strcspn(root, "\n")] = '\0';
	if (rc == 0 && root[0] == '/' && stat(root, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	err[strcspn(err, "\n")] = '\0';
	text_clean(err);
	snprintf(why, why_len, "lab.sh could not fetch the %s kernel (%s)%s%s", arch ? arch : "guest",
		 rc == -ETIMEDOUT ? "it did not finish in time" : rc < 0 ? strerror(-rc) : "it failed",
		 err[0] ? ": " : "", err);
	return -ENOENT;
}

bool lab_first_match(const char *pattern, char *out, size_t len)
{
	glob_t g;
	bool found = glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0 &&
		     snprintf(out, len, "%s", g.gl_pathv[0]) < (int)len;

	globfree(&g);
	return found;
}

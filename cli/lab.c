// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef VIRTCAP_LIBEXEC
#define VIRTCAP_LIBEXEC "/usr/local/lib/virtcap"
#endif

int cli_script_path(const char *name, char *path, size_t len)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');

		if (slash)
			*slash = '\0';
		snprintf(path, len, "%s/scripts/%s", self, name);	/* build tree */
		if (access(path, R_OK) == 0)
			return 0;
		snprintf(path, len, "%s/../lib/virtcap/%s", self, name);	/* installed */
		if (access(path, R_OK) == 0)
			return 0;
	}
	snprintf(path, len, "%s/%s", VIRTCAP_LIBEXEC, name);
	return access(path, R_OK) == 0 ? 0 : -ENOENT;
}

/*
 * `virtcap lab ...` runs scripts/lab.sh, which orchestrates apt-get, dpkg-deb, cpio and QEMU:
 * next to the binary in a build tree, or where make install put it.
 */
int cli_lab(int argc, char **argv)
{
	char path[4200];

	if (cli_script_path("lab.sh", path, sizeof(path))) {
		cli_error("virtcap: lab: cannot find lab.sh beside the program or in %s\n",
			VIRTCAP_LIBEXEC);
		return CLI_EXIT_USAGE;
	}

	char **args = calloc((size_t)argc + 2, sizeof(*args));

	if (!args)
		return CLI_EXIT_USAGE;
	args[0] = "sh";
	args[1] = path;
	for (int i = 2; i < argc; i++)
		args[i] = argv[i];
	execv("/bin/sh", args);
	cli_error("virtcap: lab: cannot run /bin/sh %s: %s\n", path, strerror(errno));
	return CLI_EXIT_USAGE;
}

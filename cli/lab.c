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

/*
 * `virtcap lab ...` runs scripts/lab.sh, which orchestrates apt-get, dpkg-deb, cpio and QEMU:
 * next to the binary in a build tree, or where make install put it.
 */
int cli_lab(int argc, char **argv)
{
	char self[4096], path[4200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');

		if (slash)
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/scripts/lab.sh", self);	/* build tree */
		if (access(path, R_OK) == 0)
			goto found;
		snprintf(path, sizeof(path), "%s/../lib/virtcap/lab.sh", self);	/* installed */
		if (access(path, R_OK) == 0)
			goto found;
	}
	snprintf(path, sizeof(path), "%s/lab.sh", VIRTCAP_LIBEXEC);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "virtcap: lab: cannot find lab.sh beside the program or in %s\n",
			VIRTCAP_LIBEXEC);
		return CLI_EXIT_USAGE;
	}
found:;
	char **args = calloc((size_t)argc + 2, sizeof(*args));

	if (!args)
		return CLI_EXIT_USAGE;
	args[0] = "sh";
	args[1] = path;
	for (int i = 2; i < argc; i++)
		args[i] = argv[i];
	execv("/bin/sh", args);
	fprintf(stderr, "virtcap: lab: cannot run /bin/sh %s: %s\n", path, strerror(errno));
	return CLI_EXIT_USAGE;
}


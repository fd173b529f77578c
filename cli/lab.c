// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/self.h"

/*
 * `virtcap lab ...` runs scripts/lab.sh, which orchestrates apt-get, dpkg-deb, cpio and QEMU:
 * next to the binary in a build tree, or where make install put it.
 */
int cli_lab(int argc, char **argv)
{
	char path[4200];

	if (self_script_path("lab.sh", path, sizeof(path))) {
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

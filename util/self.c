// SPDX-License-Identifier: MIT
/* The program's own files (util/self.h) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/self.h"

int self_script_path(const char *name, char *path, size_t len)
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

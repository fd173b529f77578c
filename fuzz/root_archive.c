// SPDX-License-Identifier: MIT
/*
 * Fuzz target: unpacking a --root archive (probe/root_archive.c). The input is the archive
 * (plain tar or gzip). It is unpacked into a directory inside a sentinel directory; after
 * each run the sentinel must hold that directory and nothing else, whatever the archive did:
 * nothing may be written outside. Then the directory is emptied for the next run.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/signal_cleanup.h"
#include "probe/root_archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char sentinel[64], target[96], input[96];

static void check_sentinel(void)
{
	DIR *d = opendir(sentinel);
	struct dirent *e;
	int n = 0;

	if (!d)
		abort();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	if (n != 2)	/* the target and the input file: anything else escaped */
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];

	if (!sentinel[0]) {
		snprintf(sentinel, sizeof(sentinel), "/tmp/virtcap-fuzz-archive.XXXXXX");
		if (!mkdtemp(sentinel))
			abort();
		snprintf(target, sizeof(target), "%s/target", sentinel);
		snprintf(input, sizeof(input), "%s/input", sentinel);
	}
	mkdir(target, 0755);

	FILE *f = fopen(input, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();

	int fd = open(target, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		abort();
	(void)root_archive_unpack(input, fd, err, sizeof(err));
	close(fd);
	check_sentinel();
	signal_cleanup_remove_tree(target);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Fuzz target: unpacking a --root archive (probe/root_archive.c). The input is the archive
 * (plain tar or gzip). Nothing in it may write outside the directory it is unpacked into,
 * whatever it does: "../../x", absolute names, links to /tmp or to a parent, then entries
 * written through them.
 *
 * To see such an escape, the target directory is unpacked into sits eight directories deep in
 * a sentinel tree, and the process gets a /tmp of its own (a tmpfs in a private mount namespace:
 * as root, or in a user namespace where the kernel allows one) with the sentinel in it. After
 * each run, everything in that /tmp is walked: only the chain of directories down to the
 * target, the input file and the target itself may be there. A link to /tmp, a climb of up to
 * nine levels or a name resolved from /tmp then shows as a stray entry and the run aborts,
 * naming it. Where no namespace can be made the sentinel alone is walked, and that is said once.
 * (So inputs given from /tmp are unseen after the first run: keep them elsewhere.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/signal_cleanup.h"
#include "fuzz/workdir.h"
#include "probe/root_archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SENTINEL_DEPTH 8

static char walked[300];	/* the tree that must hold nothing but ours */
static char sentinel[300], target[400], input[320];

static bool write_map(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* A /tmp of our own, so that anything resolved from /tmp lands where the walk sees it. */
static bool private_tmp(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWNS) < 0) {
		char map[64];

		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return false;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		write_map("/proc/self/setgroups", "deny");
		if (!write_map("/proc/self/uid_map", map))
			return false;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		write_map("/proc/self/gid_map", map);
	}
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	       mount("virtcap-fuzz", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m") == 0;
}

static void setup(void)
{
	if (private_tmp()) {
		snprintf(walked, sizeof(walked), "/tmp");
		snprintf(sentinel, sizeof(sentinel), "/tmp/sentinel");
		if (mkdir(sentinel, 0755) < 0)
			abort();
	} else {
		fprintf(stderr, "fuzz root_archive: no private /tmp (%s): only the sentinel tree "
			"is checked, a link into /tmp would go unseen\n", strerror(errno));
		snprintf(sentinel, sizeof(sentinel), "%s", fuzz_workdir("archive"));
		snprintf(walked, sizeof(walked), "%s", sentinel);
	}
	snprintf(input, sizeof(input), "%s/input", sentinel);
	snprintf(target, sizeof(target), "%s", sentinel);
	for (int i = 0; i < SENTINEL_DEPTH; i++) {
		size_t len = strlen(target);

		snprintf(target + len, sizeof(target) - len, "/%d", i);
		if (mkdir(target, 0755) < 0)
			abort();
	}
	strncat(target, "/target", sizeof(target) - strlen(target) - 1);
}

/* path is on the way down to the target: the sentinel and its numbered directories */
static bool on_chain(const char *path)
{
	size_t len = strlen(path);

	return strncmp(target, path, len) == 0 && target[len] == '/';
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		abort();
	while ((e = readdir(d))) {
		char path[600];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!strcmp(path, target) || !strcmp(path, input))
			continue;
		if (on_chain(path)) {
			walk(path);
			continue;
		}
		fprintf(stderr, "fuzz root_archive: the archive wrote outside its directory: %s\n",
			path);
		abort();
	}
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];

	if (!sentinel[0])
		setup();
	mkdir(target, 0755);

	FILE *f = fopen(input, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();

	int fd = open(target, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		abort();
	(void)root_archive_unpack(input, fd, err, sizeof(err));
	close(fd);
	walk(walked);
	signal_cleanup_remove_tree(target);
	return 0;
}

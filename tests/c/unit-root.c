// SPDX-License-Identifier: MIT
/*
 * probe/root.c keeps every read inside --root: ".." stops at the root, absolute and relative
 * links resolve as if the root were "/", link loops end in ELOOP, and only regular files are
 * read (a FIFO must not block, a huge file is refused). Builds its own hostile tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/capture.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "tests/tap.h"

static char base[PATH_MAX / 2];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	f = fopen(path, "w");
	if (!f)
		tap_bail("cannot create %s", path);
	fputs(text, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	if (mkdir(path, 0755) < 0)
		tap_bail("mkdir %s: %s", path, strerror(errno));
}

static void link_to(const char *target, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	if (symlink(target, path) < 0)
		tap_bail("symlink %s: %s", path, strerror(errno));
}

static int read_text(struct probe_ctx *ctx, const char *path, char *out, size_t len)
{
	return root_read_line(ctx, path, out, len);
}

int main(void)
{
	struct probe_ctx ctx;
	char err[256], line[256];
	char outside[PATH_MAX];

	snprintf(base, sizeof(base), "%s/virtcap-root-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR")
									     : "/tmp");
	if (!mkdtemp(base))
		tap_bail("mkdtemp: %s", strerror(errno));
	tap_plan(17);

	/* a secret beside the root, which no path under the root may reach */
	snprintf(outside, sizeof(outside), "%s.secret", base);
	FILE *f = fopen(outside, "w");

	if (!f)
		tap_bail("cannot create %s", outside);
	fputs("SECRET\n", f);
	fclose(f);

	dir("root");
	strcat(base, "/root");
	dir("sys");
	dir("sys/devices");
	dir("sys/devices/pci0000:00");
	dir("sys/devices/pci0000:00/0000:00:02.0");
	put("sys/devices/pci0000:00/0000:00:02.0/vendor", "0x8086\n");
	dir("sys/bus");
	dir("sys/bus/pci");
	dir("sys/bus/pci/devices");
	link_to("../../../devices/pci0000:00/0000:00:02.0", "sys/bus/pci/devices/0000:00:02.0");
	link_to("/sys/devices/pci0000:00/0000:00:02.0", "abs-link");
	/* up to the directory that holds the secret: the kernel would follow it there */
	char up[PATH_MAX];

	snprintf(up, sizeof(up), "../../%s", strrchr(outside, '/') + 1);
	link_to(up, "up-link");
	link_to("loop-b", "loop-a");
	link_to("loop-a", "loop-b");
	put("hello", "  hello world  \nsecond line\n");
	if (mkfifo((strcat(strcpy(line, base), "/fifo"), line), 0600) < 0)
		tap_bail("mkfifo: %s", strerror(errno));

	char escape[PATH_MAX];

	snprintf(escape, sizeof(escape), "%s", outside);
	/* an absolute link to the real path of the secret: must resolve inside the root */
	link_to(escape, "abs-escape");

	if (probe_ctx_init(&ctx, base, NULL, err, sizeof(err)))
		tap_bail("probe_ctx_init: %s", err);
	ok(!ctx.live, "a directory other than / is not the live host");

	is_int(read_text(&ctx, "/hello", line, sizeof(line)), 0, "reads a plain file");
	is_string(line, "hello world", "first line, white space trimmed");
	is_int(read_text(&ctx, "/sys/bus/pci/devices/0000:00:02.0/vendor", line, sizeof(line)), 0,
	       "follows a relative link as sysfs has them");
	is_string(line, "0x8086", "and reads through it");
	is_int(read_text(&ctx, "/abs-link/vendor", line, sizeof(line)), 0,
	       "an absolute link resolves inside the root");
	is_int(read_text(&ctx, "/../../../hello", line, sizeof(line)), 0, "'..' stops at the root");
	ok(read_text(&ctx, "/abs-escape", line, sizeof(line)) < 0 && strcmp(line, "SECRET"),
	   "an absolute link to a file outside the root does not reach it");
	char kernel_reads[16] = "";
	FILE *through = fopen(strcat(strcpy(line, base), "/up-link"), "r");

	if (through) {
		if (!fgets(kernel_reads, sizeof(kernel_reads), through))
			kernel_reads[0] = '\0';
		fclose(through);
	}
	is_string(kernel_reads, "SECRET\n", "the planted relative link does lead to the secret, "
		  "for the kernel");
	ok(read_text(&ctx, "/up-link", line, sizeof(line)) < 0 && strcmp(line, "SECRET"),
	   "a relative link climbing out of the root does not reach it");
	is_int(read_text(&ctx, "/loop-a", line, sizeof(line)), -ELOOP, "a link loop ends in ELOOP");
	is_int(read_text(&ctx, "/fifo", line, sizeof(line)), -EINVAL,
	       "a FIFO is refused, without blocking");
	is_int(read_text(&ctx, "/sys", line, sizeof(line)), -EINVAL, "a directory is not a file");
	is_int(read_text(&ctx, "relative", line, sizeof(line)), -EINVAL, "paths must be absolute");

	/* a sparse file over the limit is refused without reading it all */
	char big[PATH_MAX];

	snprintf(big, sizeof(big), "%s/big", base);
	int fd = open(big, O_CREAT | O_WRONLY, 0600);

	if (fd < 0 || ftruncate(fd, (off_t)ROOT_READ_MAX * 4) < 0)
		tap_bail("cannot make a sparse file");
	close(fd);

	char *buf;
	size_t len;

	is_int(root_read(&ctx, "/big", &buf, &len), -EFBIG, "a file over ROOT_READ_MAX is refused");

	char **names;
	int n = root_list(&ctx, "/sys/bus/pci/devices", &names);

	ok(n == 1 && strcmp(names[0], "0000:00:02.0") == 0, "lists a directory through the root");
	root_list_free(names);

	/* capture records the file where the link led, and the link */
	struct capture cap = { 0 };

	ctx.capture = &cap;
	read_text(&ctx, "/sys/bus/pci/devices/0000:00:02.0/vendor", line, sizeof(line));
	bool have_link = false, have_file = false;

	for (size_t i = 0; i < cap.n; i++) {
		if (cap.v[i].type == CAPTURE_LINK &&
		    !strcmp(cap.v[i].path, "/sys/bus/pci/devices/0000:00:02.0"))
			have_link = true;
		if (cap.v[i].type == CAPTURE_FILE &&
		    !strcmp(cap.v[i].path, "/sys/devices/pci0000:00/0000:00:02.0/vendor"))
			have_file = true;
	}
	ok(have_link && have_file, "capture keeps the link and the file at its real path");
	ctx.capture = NULL;
	capture_free(&cap);
	probe_ctx_release(&ctx);

	char cmd[PATH_MAX * 2 + 32];

	base[strlen(base) - strlen("/root")] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", base, outside);
	if (system(cmd) != 0)
		diag("could not remove %s", base);
	return tap_done();
}

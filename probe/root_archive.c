// SPDX-License-Identifier: MIT
/*
 * A snapshot archive as the root to probe (--root HOST.tar.gz): unpacked into a private
 * temporary directory, probed there, removed after.
 *
 * The archive comes from another machine, maybe from an attacker, and virtcap often runs as
 * root: nothing in it may write outside the directory. So every entry's path is checked (no
 * absolute path, no "..", no empty or over-long name) and created one component at a time
 * with openat(O_NOFOLLOW | O_DIRECTORY) from the directory itself, so that a symbolic link
 * unpacked earlier is never followed, whatever it points at. Only directories, regular files
 * and symbolic links are unpacked (a link's target is kept as text; the root readers resolve
 * it inside the root); hard links, devices and FIFOs are refused. Sizes and counts are
 * bounded. A bad entry is an input error naming the archive, the entry and the problem, and
 * the archive is not used.
 *
 * Understands what `virtcap snapshot` writes: ustar, gzip-compressed, with pax headers for
 * long paths and link targets.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "probe/root_archive.h"

#define BLOCK 512
#define ARCHIVE_MAX_ENTRIES 100000
#define ARCHIVE_MAX_BYTES (512ull << 20)	/* unpacked: a snapshot is a few MiB */
#define ARCHIVE_MAX_DEPTH 64

struct archive {
	gzFile gz;
	const char *name;	/* the archive, for messages */
	int dir_fd;		/* the directory unpacked into */
	unsigned long long bytes;
	char *err;
	size_t errlen;
	char pax_path[PATH_MAX];	/* from a pax header, for the next entry */
	char pax_link[PATH_MAX];
};

static int fail(struct archive *a, const char *entry, const char *fmt, const char *what)
{
	if (entry)
		snprintf(a->err, a->errlen, "%s: entry '%.200s': %s%s", a->name, entry, fmt,
			 what ? what : "");
	else
		snprintf(a->err, a->errlen, "%s: %s%s", a->name, fmt, what ? what : "");
	return -EINVAL;
}

static bool read_block(struct archive *a, void *buf)
{
	return gzread(a->gz, buf, BLOCK) == BLOCK;
}

/* An octal field; false when it holds anything but octal digits, spaces and NULs. */
static bool octal_field(const char *f, size_t len, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (unsigned)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return false;
	*out = v;
	return true;
}

static bool checksum_ok(const unsigned char *h)
{
	unsigned long long want;
	unsigned sum = 0;

	if (!octal_field((const char *)h + 148, 8, &want))
		return false;
	for (int i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum == want;
}

/* A relative path of plain components: the only kind unpacked. */
static const char *path_problem(const char *p)
{
	if (!*p)
		return "an empty name";
	if (*p == '/')
		return "an absolute path";
	for (const char *c = p; *c;) {
		size_t n = strcspn(c, "/");

		if (n == 2 && c[0] == '.' && c[1] == '.')
			return "a '..' component";
		if (n > NAME_MAX)
			return "a component longer than NAME_MAX";
		c += n;
		while (*c == '/')
			c++;
	}
	return NULL;
}

/*
 * Open the directory that will hold path's last component, creating the ones before it,
 * never following a link; *last points at that component. Returns an fd or -errno.
 */
static int open_parent(struct archive *a, char *path, char **last)
{
	int fd = dup(a->dir_fd), depth = 0;
	char *c = path;
	size_t n = strlen(path);

	if (fd < 0)
		return -errno;
	while (n > 1 && path[n - 1] == '/')	/* "dir/" names dir itself */
		path[--n] = '\0';
	for (;;) {
		while (*c == '/')
			c++;

		char *slash = strchr(c, '/');

		if (!slash) {
			*last = c;
			return fd;
		}
		*slash = '\0';
		if (strcmp(c, ".")) {
			if (++depth > ARCHIVE_MAX_DEPTH) {
				close(fd);
				return -ELOOP;
			}
			if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
				int e = -errno;

				close(fd);
				return e;
			}

			int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int e = -errno;

			close(fd);
			if (next < 0)
				return e;	/* ELOOP/ENOTDIR: a link or a file stands there */
			fd = next;
		}
		c = slash + 1;
	}
}

static int copy_data(struct archive *a, int fd, unsigned long long size, const char *entry)
{
	unsigned char buf[BLOCK];

	for (unsigned long long left = size; left > 0;) {
		if (!read_block(a, buf))
			return fail(a, entry, "the archive ends inside this file", NULL);

		size_t n = left < BLOCK ? (size_t)left : BLOCK;

		if (fd >= 0 && write(fd, buf, n) != (ssize_t)n)
			return fail(a, entry, "cannot write it: ", strerror(errno));
		left -= n;
	}
	return 0;
}

/* pax "LEN key=value\n" records: path and linkpath are used, the others skipped. */
static int pax_header(struct archive *a, unsigned long long size)
{
	if (size > 64 * 1024)
		return fail(a, NULL, "a pax header over 64 KiB", NULL);

	size_t blocks = (size_t)((size + BLOCK - 1) / BLOCK);
	char *buf = malloc(blocks * BLOCK + 1);

	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < blocks; i++)
		if (!read_block(a, buf + i * BLOCK)) {
			free(buf);
			return fail(a, NULL, "the archive ends inside a pax header", NULL);
		}
	buf[size] = '\0';
	for (char *rec = buf; rec < buf + size;) {
		char *end;
		unsigned long len = strtoul(rec, &end, 10);

		if (end == rec || *end != ' ' || len < 5 || len > (unsigned long)(buf + size - rec) ||
		    rec[len - 1] != '\n') {
			free(buf);
			return fail(a, NULL, "a malformed pax header", NULL);
		}
		rec[len - 1] = '\0';

		char *kv = end + 1;
		const char *eq = strchr(kv, '=');

		if (!eq) {	/* a record is "key=value": a fuzzer found one without '=' */
			free(buf);
			return fail(a, NULL, "a malformed pax header", NULL);
		}

		char *target = !strncmp(kv, "path=", 5) ? a->pax_path
			       : !strncmp(kv, "linkpath=", 9) ? a->pax_link : NULL;
		const char *value = eq + 1;

		if (target && strlen(value) >= PATH_MAX) {
			free(buf);
			return fail(a, NULL, "a pax path longer than PATH_MAX", NULL);
		}
		if (target)
			memcpy(target, value, strlen(value) + 1);
		rec += len;
	}
	free(buf);
	return 0;
}

static int unpack_entry(struct archive *a, const unsigned char *h)
{
	char name[PATH_MAX], link[PATH_MAX];
	unsigned long long size;
	char type = (char)h[156];

	if (!octal_field((const char *)h + 124, 12, &size))
		return fail(a, NULL, "an entry with a malformed size", NULL);
	if (type == 'x')
		return pax_header(a, size);
	if (type == 'g')	/* global pax header: nothing we use */
		return copy_data(a, -1, size, "(global pax header)");

	if (a->pax_path[0]) {
		snprintf(name, sizeof(name), "%s", a->pax_path);
	} else if (!memcmp(h + 257, "ustar", 5) && h[345]) {
		snprintf(name, sizeof(name), "%.155s/%.100s", (const char *)h + 345,
			 (const char *)h);
	} else {
		snprintf(name, sizeof(name), "%.100s", (const char *)h);
	}
	if (a->pax_link[0])
		snprintf(link, sizeof(link), "%s", a->pax_link);
	else
		snprintf(link, sizeof(link), "%.100s", (const char *)h + 157);
	a->pax_path[0] = a->pax_link[0] = '\0';

	/* "./x" as tar writes it is "x"; "." itself is the directory we unpack into */
	char *rel = name;

	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	if (!strcmp(rel, ".") || !strcmp(rel, "./") || (!*rel && type == '5'))
		return copy_data(a, -1, size, name);

	const char *problem = path_problem(rel);

	if (problem)
		return fail(a, name, "refused: ", problem);

	a->bytes += size;
	if (a->bytes > ARCHIVE_MAX_BYTES)
		return fail(a, name, "refused: the archive unpacks to over 512 MiB", NULL);

	char *last = NULL, walk[PATH_MAX];

	snprintf(walk, sizeof(walk), "%s", rel);	/* open_parent() cuts it; name stays whole */

	int parent = open_parent(a, walk, &last);

	if (parent < 0)
		return fail(a, name, "cannot create its directory (a link or a file in the way): ",
			    strerror(-parent));

	int rc = 0;

	switch (type) {
	case '0':
	case '\0': {
		int fd = openat(parent, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0644);

		if (fd < 0)
			rc = fail(a, name, errno == EEXIST ? "refused: it is in the archive twice"
					   : "cannot create it: ", errno == EEXIST ? NULL : strerror(errno));
		else
			rc = copy_data(a, fd, size, name);
		if (fd >= 0)
			close(fd);
		close(parent);
		return rc;
	}
	case '5':
		if (mkdirat(parent, last, 0755) < 0 && errno != EEXIST)
			rc = fail(a, name, "cannot create it: ", strerror(errno));
		break;
	case '2':
		if (!link[0])
			rc = fail(a, name, "refused: a symbolic link without a target", NULL);
		else if (symlinkat(link, parent, last) < 0)
			rc = fail(a, name, errno == EEXIST ? "refused: it is in the archive twice"
					   : "cannot create it: ", errno == EEXIST ? NULL : strerror(errno));
		break;
	case '1':
		rc = fail(a, name, "refused: a hard link (snapshots have none)", NULL);
		break;
	default: {
		char what[128];

		snprintf(what, sizeof(what), "refused: entry type '%c' (only files, directories "
			 "and symbolic links are unpacked)", type >= 0x20 && type < 0x7f ? type : '?');
		rc = fail(a, name, what, NULL);
	}
	}
	close(parent);
	if (rc == 0)
		rc = copy_data(a, -1, size, name);	/* skip any data of a non-file entry */
	return rc;
}

int root_archive_unpack(const char *archive, int dir_fd, char *err, size_t errlen)
{
	struct archive a = { .name = archive, .dir_fd = dir_fd, .err = err, .errlen = errlen };
	unsigned char h[BLOCK];
	int fd = open(archive, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK), rc = 0;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", archive, strerror(errno));
		return -errno;
	}
	a.gz = gzdopen(fd, "rb");
	if (!a.gz) {
		close(fd);
		return -ENOMEM;
	}
	for (unsigned long n = 0;; n++) {
		if (!read_block(&a, h)) {
			rc = n ? fail(&a, NULL, "the archive ends without its end-of-archive blocks", NULL)
			       : fail(&a, NULL, "not a tar archive (gzip-compressed or not): empty or "
					     "truncated", NULL);
			break;
		}

		bool zero = true;

		for (int i = 0; i < BLOCK && zero; i++)
			zero = !h[i];
		if (zero)
			break;	/* end of archive */
		if (!checksum_ok(h)) {
			rc = fail(&a, NULL, n ? "a header with a bad checksum (corrupt archive)"
					      : "not a tar archive (gzip-compressed or not)", NULL);
			break;
		}
		if (n >= ARCHIVE_MAX_ENTRIES) {
			rc = fail(&a, NULL, "over 100000 entries", NULL);
			break;
		}
		rc = unpack_entry(&a, h);
		if (rc)
			break;
	}
	gzclose(a.gz);
	return rc;
}

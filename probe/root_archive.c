// SPDX-License-Identifier: MIT
/*
 * A snapshot archive as the root to probe (--root HOST.tar.gz): unpacked into a private
 * temporary directory, probed there, removed after.
 *
 * The archive comes from another machine, maybe from an attacker, and virtcap often runs as
 * root. Its format is read by libarchive (tar in every dialect, pax headers, gzip or none;
 * probe/archive_lib.h); what it may create is decided here: every entry's path is checked (no
 * absolute path, no "..", no empty or over-long name) and created one component at a time
 * with openat(O_NOFOLLOW | O_DIRECTORY) from the directory itself, so that a symbolic link
 * unpacked earlier is never followed, whatever it points at. Only directories, regular files
 * and symbolic links are unpacked (a link's target is kept as text; the root readers resolve
 * it inside the root); hard links, devices and FIFOs are refused. Sizes (declared and read)
 * and counts are bounded. A bad entry is an input error naming the archive, the entry and the
 * problem, and the archive is not used.
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

#include "probe/archive_lib.h"
#include "probe/root_archive.h"

#define ARCHIVE_MAX_ENTRIES 100000
#define ARCHIVE_MAX_BYTES (512ull << 20)	/* unpacked: a snapshot is a few MiB */
#define ARCHIVE_MAX_DEPTH 64

struct unpack {
	const struct archive_lib *la;
	struct archive *ar;
	const char *name;	/* the archive, for messages */
	int dir_fd;		/* the directory unpacked into */
	unsigned long long bytes;
	char *err;
	size_t errlen;
};

static int fail(struct unpack *u, const char *entry, const char *fmt, const char *what)
{
	if (entry)
		snprintf(u->err, u->errlen, "%s: entry '%.200s': %s%s", u->name, entry, fmt,
			 what ? what : "");
	else
		snprintf(u->err, u->errlen, "%s: %s%s", u->name, fmt, what ? what : "");
	return -EINVAL;
}

/* libarchive's own words for what is wrong with the archive */
static int fail_format(struct unpack *u, const char *entry, const char *what)
{
	const char *why = u->la->archive_error_string(u->ar);

	return fail(u, entry, what, why ? why : "(libarchive says no more)");
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
static int open_parent(struct unpack *u, char *path, char **last)
{
	int fd = dup(u->dir_fd), depth = 0;
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


/* The entry's data into fd, counted against the archive's budget as it comes. */
static int copy_data(struct unpack *u, int fd, const char *entry)
{
	char buf[64 * 1024];

	for (;;) {
		la_ssize_t n = u->la->archive_read_data(u->ar, buf, sizeof(buf));

		if (n == 0)
			return 0;
		if (n < 0)
			return fail_format(u, entry, "cannot read its data: ");
		u->bytes += (unsigned long long)n;
		if (u->bytes > ARCHIVE_MAX_BYTES)
			return fail(u, entry, "refused: the archive unpacks to over 512 MiB", NULL);
		if (write(fd, buf, (size_t)n) != n)
			return fail(u, entry, "cannot write it: ", strerror(errno));
	}
}

static const char *type_name(unsigned type)
{
	switch (type) {
	case AE_IFCHR: return "a character device";
	case AE_IFBLK: return "a block device";
	case AE_IFIFO: return "a FIFO";
	case AE_IFSOCK: return "a socket";
	default: return "an entry of unknown type";
	}
}

static int unpack_entry(struct unpack *u, struct archive_entry *e)
{
	const struct archive_lib *la = u->la;
	const char *name = la->archive_entry_pathname(e);
	unsigned type = la->archive_entry_filetype(e);

	if (!name)
		return fail(u, NULL, "an entry whose name cannot be read", NULL);

	/* "./x" as tar writes it is "x"; "." itself is the directory we unpack into */
	const char *rel = name;

	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	if ((!strcmp(rel, ".") || !*rel) && type == AE_IFDIR)
		return 0;

	const char *problem = path_problem(rel);

	if (problem)
		return fail(u, name, "refused: ", problem);
	if (la->archive_entry_hardlink(e))
		return fail(u, name, "refused: a hard link (snapshots have none)", NULL);
	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
		char what[160];

		snprintf(what, sizeof(what), "refused: %s (only files, directories and symbolic "
			 "links are unpacked)", type_name(type));
		return fail(u, name, what, NULL);
	}
	/* a declared size over the budget is refused before anything is written */
	if (la->archive_entry_size_is_set(e) && la->archive_entry_size(e) > 0 &&
	    u->bytes + (unsigned long long)la->archive_entry_size(e) > ARCHIVE_MAX_BYTES)
		return fail(u, name, "refused: the archive unpacks to over 512 MiB", NULL);

	char *last = NULL, walk[PATH_MAX];

	if (strlen(rel) >= sizeof(walk))
		return fail(u, name, "refused: a path longer than PATH_MAX", NULL);
	snprintf(walk, sizeof(walk), "%s", rel);	/* open_parent() cuts it; name stays whole */

	int parent = open_parent(u, walk, &last);

	if (parent < 0)
		return fail(u, name, "cannot create its directory (a link or a file in the way): ",
			    strerror(-parent));

	int rc = 0;

	if (type == AE_IFREG) {
		int fd = openat(parent, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0644);

		if (fd < 0)
			rc = fail(u, name, errno == EEXIST ? "refused: it is in the archive twice"
					   : "cannot create it: ", errno == EEXIST ? NULL : strerror(errno));
		else
			rc = copy_data(u, fd, name);
		if (fd >= 0)
			close(fd);
	} else if (type == AE_IFDIR) {
		if (mkdirat(parent, last, 0755) < 0 && errno != EEXIST)
			rc = fail(u, name, "cannot create it: ", strerror(errno));
	} else {
		const char *target = la->archive_entry_symlink(e);

		if (!target || !*target)
			rc = fail(u, name, "refused: a symbolic link without a target", NULL);
		else if (symlinkat(target, parent, last) < 0)
			rc = fail(u, name, errno == EEXIST ? "refused: it is in the archive twice"
					   : "cannot create it: ", errno == EEXIST ? NULL : strerror(errno));
	}
	close(parent);
	return rc;
}

int root_archive_unpack(const char *archive, int dir_fd, char *err, size_t errlen)
{
	struct unpack u = { .name = archive, .dir_fd = dir_fd, .err = err, .errlen = errlen };
	char why[200];
	int fd = open(archive, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK), rc = 0;

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", archive, strerror(errno));
		return -errno;
	}
	u.la = archive_lib_load(why, sizeof(why));
	if (!u.la) {
		close(fd);
		snprintf(err, errlen, "%s: %s", archive, why);
		return -ENOENT;
	}
	u.ar = u.la->archive_read_new();
	if (!u.ar) {
		close(fd);
		return -ENOMEM;
	}
	/* tar only (every dialect), gzip-compressed or not: what virtcap snapshot writes */
	u.la->archive_read_support_filter_gzip(u.ar);
	u.la->archive_read_support_format_tar(u.ar);
	if (u.la->archive_read_open_fd(u.ar, fd, 64 * 1024) != ARCHIVE_OK) {
		rc = fail_format(&u, NULL, "cannot read it as a tar archive (gzip-compressed or "
				 "not): ");
		goto out;
	}
	for (unsigned long n = 0;; n++) {
		struct archive_entry *e;
		int r = u.la->archive_read_next_header(u.ar, &e);

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {	/* a warning too: a damaged archive is not used */
			rc = fail_format(&u, NULL, n ? "a damaged archive: "
					 : "cannot read it as a tar archive (gzip-compressed or not): ");
			break;
		}
		if (n >= ARCHIVE_MAX_ENTRIES) {
			rc = fail(&u, NULL, "over 100000 entries", NULL);
			break;
		}
		rc = unpack_entry(&u, e);
		if (rc)
			break;
	}
out:
	u.la->archive_read_free(u.ar);
	close(fd);
	return rc;
}

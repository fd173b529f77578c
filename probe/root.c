// SPDX-License-Identifier: MIT
/*
 * Root-confined file access for the probe (see root.h for the rules).
 *
 * Under a captured root every component is resolved here rather than by the kernel, because the
 * kernel would follow an absolute link ("/sys/devices/...") to the live host's file, and a
 * hostile root could point links at /etc/shadow. openat2(RESOLVE_IN_ROOT) would do the same job
 * but is missing on kernels before 5.6, which are still in the field; one resolver everywhere
 * keeps the behaviour identical. The live root takes the direct path unless a snapshot needs the
 * links recorded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/capture.h"
#include "probe/probe.h"
#include "probe/root.h"

/* a resolved absolute path: "/" plus a relative path of up to PATH_MAX - 1 bytes */
#define RESOLVED_MAX (PATH_MAX + 1)

static bool root_is_direct(const struct probe_ctx *ctx)
{
	return ctx->live && !ctx->capture;
}

/* Drop the last component of a relative path held in buf ("a/b" -> "a", "a" -> ""). */
static void path_pop(char *buf)
{
	char *slash = strrchr(buf, '/');

	if (slash)
		*slash = '\0';
	else
		buf[0] = '\0';
}

/*
 * Resolve path to a link-free path relative to the root, in out[PATH_MAX]. follow_last: follow
 * a link in the last component too. Every link met is recorded when capturing.
 */
static int root_resolve(struct probe_ctx *ctx, const char *path, bool follow_last, char *out)
{
	/* pending holds what is left to resolve; a link's target is put in front of it */
	char pending[2 * PATH_MAX];
	char target[PATH_MAX];
	int links = 0;

	if (path[0] != '/')
		return -EINVAL;
	if (strlen(path) >= sizeof(pending))
		return -ENAMETOOLONG;
	strcpy(pending, path);
	out[0] = '\0';

	char *p = pending;

	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;

		char *end = strchrnul(p, '/');
		size_t clen = (size_t)(end - p);
		bool last = true;

		for (const char *q = end; *q; q++)
			if (*q != '/') {
				last = false;
				break;
			}

		if (clen == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			path_pop(out);	/* ".." at the root stays at the root */
			p = end;
			continue;
		}

		size_t olen = strlen(out);

		if (olen + 1 + clen >= PATH_MAX)
			return -ENAMETOOLONG;
		char *cand_end = out + olen;

		if (olen)
			*cand_end++ = '/';
		memcpy(cand_end, p, clen);
		cand_end[clen] = '\0';
		p = end;

		if (last && !follow_last)
			break;

		struct stat st;

		if (fstatat(ctx->root_fd, out, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (!S_ISLNK(st.st_mode)) {
			if (!last && !S_ISDIR(st.st_mode))
				return -ENOTDIR;
			continue;
		}
		if (++links > ROOT_MAX_LINKS)
			return -ELOOP;

		ssize_t tlen = readlinkat(ctx->root_fd, out, target, sizeof(target) - 1);

		if (tlen < 0)
			return -errno;
		target[tlen] = '\0';
		if (ctx->capture) {
			char abs[PATH_MAX + 1];

			snprintf(abs, sizeof(abs), "/%s", out);
			if (capture_add(ctx->capture, CAPTURE_LINK, abs, target, (size_t)tlen, 0))
				return -ENOMEM;
		}

		/* the link itself is replaced by its target: drop it from out */
		path_pop(out);
		if (target[0] == '/')
			out[0] = '\0';

		size_t rest = strlen(p);

		if ((size_t)tlen + 1 + rest >= sizeof(pending))
			return -ENAMETOOLONG;
		memmove(pending + tlen + 1, p, rest + 1);
		memcpy(pending, target, (size_t)tlen);
		pending[tlen] = '/';
		p = pending;
	}
	return 0;
}

/*
 * Open path for reading under the root; the final component must not be a link afterwards.
 * resolved (RESOLVED_MAX, may be NULL) receives the link-free absolute path actually opened: a
 * snapshot records files there, beside the links that lead to them.
 */
static int root_openat(struct probe_ctx *ctx, const char *path, int flags, char *resolved)
{
	char rel[PATH_MAX];
	int err;

	if (root_is_direct(ctx)) {
		int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK);

		if (resolved)
			snprintf(resolved, RESOLVED_MAX, "%s", path);
		return fd < 0 ? -errno : fd;
	}
	err = root_resolve(ctx, path, true, rel);
	if (err)
		return err;
	if (resolved)
		snprintf(resolved, RESOLVED_MAX, "/%s", rel);

	int fd = openat(ctx->root_fd, rel[0] ? rel : ".", flags | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);

	return fd < 0 ? -errno : fd;
}

int root_read(struct probe_ctx *ctx, const char *path, char **buf, size_t *len)
{
	struct stat st;
	char resolved[RESOLVED_MAX];
	int fd = root_openat(ctx, path, O_RDONLY, resolved);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}

	/* sysfs and procfs files report size 0 or 4096: read until EOF, bounded */
	size_t alloc = st.st_size > 0 && (size_t)st.st_size < ROOT_READ_MAX ? (size_t)st.st_size + 1
									      : 4096;
	size_t used = 0;
	char *data = malloc(alloc + 1);

	if (!data) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (used == alloc) {
			if (alloc > ROOT_READ_MAX) {
				free(data);
				close(fd);
				return -EFBIG;
			}
			alloc *= 2;

			char *grown = realloc(data, alloc + 1);

			if (!grown) {
				free(data);
				close(fd);
				return -ENOMEM;
			}
			data = grown;
		}

		ssize_t n = read(fd, data + used, alloc - used);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = errno == EAGAIN ? -EINVAL : -errno;

			free(data);
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (used > ROOT_READ_MAX) {
		free(data);
		return -EFBIG;
	}
	data[used] = '\0';
	if (ctx->capture && capture_add(ctx->capture, CAPTURE_FILE, resolved, data, used, 0)) {
		free(data);
		return -ENOMEM;
	}
	*buf = data;
	*len = used;
	return 0;
}

int root_read_line(struct probe_ctx *ctx, const char *path, char *out, size_t outlen)
{
	char *buf;
	size_t len;
	int err = root_read(ctx, path, &buf, &len);

	if (outlen)
		out[0] = '\0';
	if (err)
		return err;

	char *start = buf;

	while (*start == ' ' || *start == '\t')
		start++;

	size_t n = strcspn(start, "\n");

	while (n && (start[n - 1] == ' ' || start[n - 1] == '\t' || start[n - 1] == '\r'))
		n--;
	if (outlen) {
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, start, n);
		out[n] = '\0';
	}
	free(buf);
	return 0;
}

int root_stat(struct probe_ctx *ctx, const char *path, struct stat *st)
{
	char rel[PATH_MAX];
	int err;

	if (root_is_direct(ctx))
		return stat(path, st) < 0 ? -errno : 0;
	err = root_resolve(ctx, path, true, rel);
	if (err)
		return err;
	if (fstatat(ctx->root_fd, rel[0] ? rel : ".", st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (ctx->capture && rel[0]) {
		/* existence is what a stat tells: a placeholder keeps it in a snapshot (device
		 * nodes become empty files, which answer the same to root_stat) */
		char abs[RESOLVED_MAX];

		snprintf(abs, sizeof(abs), "/%s", rel);
		if (capture_add(ctx->capture, S_ISDIR(st->st_mode) ? CAPTURE_DIR : CAPTURE_FILE, abs,
				"", 0, 1))
			return -ENOMEM;
	}
	return 0;
}

int root_readlink(struct probe_ctx *ctx, const char *path, char *out, size_t outlen)
{
	char rel[PATH_MAX];
	ssize_t n;
	int err;

	if (outlen == 0)
		return -EINVAL;
	if (root_is_direct(ctx)) {
		n = readlink(path, out, outlen - 1);
	} else {
		err = root_resolve(ctx, path, false, rel);
		if (err)
			return err;
		n = readlinkat(ctx->root_fd, rel, out, outlen - 1);
	}
	if (n < 0)
		return -errno;
	out[n] = '\0';
	if (ctx->capture) {
		char abs[RESOLVED_MAX];

		snprintf(abs, sizeof(abs), "/%s", rel);
		if (capture_add(ctx->capture, CAPTURE_LINK, abs, out, (size_t)n, 0))
			return -ENOMEM;
	}
	return (int)n;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void root_list_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

/* Record a listed entry as a placeholder, so that a snapshot lists the same names. */
static int root_capture_child(struct probe_ctx *ctx, int dfd, const char *dir, const char *name)
{
	char path[RESOLVED_MAX + NAME_MAX + 1];
	char target[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", name) >=
	    (int)sizeof(path))
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);

		if (n < 0)
			return 0;
		target[n] = '\0';
		return capture_add(ctx->capture, CAPTURE_LINK, path, target, (size_t)n, 1);
	}
	if (S_ISDIR(st.st_mode))
		return capture_add(ctx->capture, CAPTURE_DIR, path, "", 0, 1);
	if (S_ISREG(st.st_mode))
		return capture_add(ctx->capture, CAPTURE_FILE, path, "", 0, 1);
	return 0;		/* devices, sockets, FIFOs: not representable in a snapshot */
}

int root_list(struct probe_ctx *ctx, const char *dir, char ***names)
{
	char resolved[RESOLVED_MAX];
	int fd = root_openat(ctx, dir, O_RDONLY | O_DIRECTORY, resolved);
	size_t n = 0, alloc = 16;
	char **v;

	*names = NULL;
	if (fd < 0)
		return fd;

	DIR *d = fdopendir(fd);

	if (!d) {
		int err = -errno;

		close(fd);
		return err;
	}
	v = calloc(alloc + 1, sizeof(*v));
	if (!v)
		goto nomem;
	if (ctx->capture && capture_add(ctx->capture, CAPTURE_DIR, resolved, "", 0, 0))
		goto nomem;

	struct dirent *de;

	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == alloc) {
			char **grown = realloc(v, (alloc * 2 + 1) * sizeof(*v));

			if (!grown)
				goto nomem;
			v = grown;
			alloc *= 2;
		}
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto nomem;
		v[++n] = NULL;
		if (ctx->capture && root_capture_child(ctx, dirfd(d), resolved, de->d_name))
			goto nomem;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), name_cmp);
	*names = v;
	return (int)n;

nomem:
	closedir(d);
	root_list_free(v);
	return -ENOMEM;
}

int root_open_dir(const char *root)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

// SPDX-License-Identifier: MIT
/*
 * Root-confined file access for the probe (see root.h for the rules).
 *
 * Under a captured root every component is resolved here rather than by the kernel, because the
 * kernel would follow an absolute link ("/sys/devices/...") to the live host's file, and a
 * hostile root could point links at /etc/shadow. Resolving and opening are one step: the walk
 * holds a directory fd and hands the kernel one component at a time with O_NOFOLLOW, so a
 * directory swapped for a link while we run (to /proc, say) makes the open fail instead of
 * leading out of the root; ".." is taken lexically and the path walked again from the root.
 * openat2(RESOLVE_IN_ROOT) would confine the same way but is missing before Linux 5.6 and
 * hides the links a snapshot must record; one resolver everywhere keeps the behaviour
 * identical. The live root takes the direct path unless a snapshot needs the links recorded.
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

/* A directory fd for the link-free relative path rel, walked from the root one component at a
 * time without following links. The fd or -errno. */
static int walk_from_root(struct probe_ctx *ctx, const char *rel)
{
	int fd = openat(ctx->root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char comp[NAME_MAX + 1];

	while (fd >= 0 && *rel) {
		size_t n = strcspn(rel, "/");

		if (n > NAME_MAX) {
			close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(comp, rel, n);
		comp[n] = '\0';

		int next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		close(fd);
		fd = next;
		rel += n;
		rel += *rel == '/';
	}
	return fd < 0 ? -errno : fd;
}

/* Append component name to the link-free relative path out[PATH_MAX]; 0 or -ENAMETOOLONG */
static int path_push(char *out, const char *name)
{
	size_t olen = strlen(out);

	if (olen + 1 + strlen(name) >= PATH_MAX)
		return -ENAMETOOLONG;
	snprintf(out + olen, PATH_MAX - olen, "%s%s", olen ? "/" : "", name);
	return 0;
}

/*
 * Resolve path under the root. On success *dirfd is a directory fd (caller closes) of the
 * parent of the last component, whose name is in last[NAME_MAX + 1] ("." for the root itself),
 * and out[PATH_MAX] holds the link-free path relative to the root. follow_last: follow a link
 * in the last component too. Every link met is recorded when capturing.
 */
static int root_resolve(struct probe_ctx *ctx, const char *path, bool follow_last, char *out,
			int *dirfd, char *last)
{
	/* pending holds what is left to resolve; a link's target is put in front of it */
	char pending[2 * PATH_MAX];
	char target[PATH_MAX];
	int links = 0, err = 0;
	int cur = walk_from_root(ctx, "");

	*dirfd = -1;
	out[0] = '\0';
	strcpy(last, ".");
	if (cur < 0)
		return cur;
	if (path[0] != '/' || strlen(path) >= sizeof(pending)) {
		close(cur);
		return path[0] != '/' ? -EINVAL : -ENAMETOOLONG;
	}
	strcpy(pending, path);

	char *p = pending;

	while (*p && !err) {
		while (*p == '/')
			p++;
		if (!*p)
			break;

		char *end = strchrnul(p, '/');
		size_t clen = (size_t)(end - p);
		bool is_last = !end[strspn(end, "/")];

		if (clen == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			path_pop(out);	/* ".." at the root stays at the root */
			close(cur);
			cur = walk_from_root(ctx, out);
			if (cur < 0)
				return cur;
			strcpy(last, ".");
			p = end;
			continue;
		}
		if (clen > NAME_MAX) {
			err = -ENAMETOOLONG;
			break;
		}
		memcpy(last, p, clen);
		last[clen] = '\0';
		p = end;
		if ((err = path_push(out, last)))
			break;
		if (is_last && !follow_last)
			break;

		struct stat st;

		if (fstatat(cur, last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = -errno;
			break;
		}
		if (!S_ISLNK(st.st_mode)) {
			if (is_last)
				break;
			if (!S_ISDIR(st.st_mode)) {
				err = -ENOTDIR;
				break;
			}

			/* into it, refusing a link that took its place since the fstatat */
			int next = openat(cur, last, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (next < 0) {
				err = -errno;
				break;
			}
			close(cur);
			cur = next;
			strcpy(last, ".");
			continue;
		}
		if (++links > ROOT_MAX_LINKS) {
			err = -ELOOP;
			break;
		}

		ssize_t tlen = readlinkat(cur, last, target, sizeof(target) - 1);

		if (tlen < 0) {
			err = -errno;
			break;
		}
		target[tlen] = '\0';
		if (ctx->capture) {
			char abs[PATH_MAX + 1];

			snprintf(abs, sizeof(abs), "/%s", out);
			if (capture_add(ctx->capture, CAPTURE_LINK, abs, target, (size_t)tlen, 0)) {
				err = -ENOMEM;
				break;
			}
		}

		/* the link is replaced by its target: an absolute one starts again from the root,
		 * a relative one from the link's own directory, where cur already is */
		path_pop(out);
		strcpy(last, ".");
		if (target[0] == '/') {
			out[0] = '\0';
			close(cur);
			cur = walk_from_root(ctx, "");
			if (cur < 0)
				return cur;
		}

		size_t rest = strlen(p);

		if ((size_t)tlen + 1 + rest >= sizeof(pending)) {
			err = -ENAMETOOLONG;
			break;
		}
		memmove(pending + tlen + 1, p, rest + 1);
		memcpy(pending, target, (size_t)tlen);
		pending[tlen] = '/';
		p = pending;
	}
	if (err) {
		close(cur);
		return err;
	}
	*dirfd = cur;
	return 0;
}

/*
 * Open path for reading under the root; the final component must not be a link afterwards.
 * resolved (RESOLVED_MAX, may be NULL) receives the link-free absolute path actually opened: a
 * snapshot records files there, beside the links that lead to them.
 */
static int root_openat(struct probe_ctx *ctx, const char *path, int flags, char *resolved)
{
	char rel[PATH_MAX], last[NAME_MAX + 1];
	int dirfd, err;

	if (root_is_direct(ctx)) {
		int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK);

		if (resolved)
			snprintf(resolved, RESOLVED_MAX, "%s", path);
		return fd < 0 ? -errno : fd;
	}
	err = root_resolve(ctx, path, true, rel, &dirfd, last);
	if (err)
		return err;
	if (resolved)
		snprintf(resolved, RESOLVED_MAX, "/%s", rel);

	int fd = openat(dirfd, last, flags | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);

	err = fd < 0 ? -errno : fd;
	close(dirfd);
	return err;
}

static int root_read_file(struct probe_ctx *ctx, const char *path, char **buf, size_t *len)
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

/*
 * Each file is read once per run: the areas that need the same file (the kernel's command
 * line, the mount table, the namespace limits, /proc/cpuinfo's fields) share one read, so one
 * run also judges one content. Failures are kept too. What is kept lives until
 * probe_ctx_release().
 */
static struct root_kept *kept_find(struct probe_ctx *ctx, const char *path)
{
	for (size_t i = 0; i < ctx->nkept; i++)
		if (!strcmp(ctx->kept[i].path, path))
			return &ctx->kept[i];
	return NULL;
}

int root_read_kept(struct probe_ctx *ctx, const char *path, const char **data, size_t *len)
{
	struct root_kept *k = kept_find(ctx, path);

	*data = NULL;
	*len = 0;
	if (k && ctx->capture && !k->captured) {	/* read before the snapshot began: again */
		free(k->data);
		free(k->path);
		*k = ctx->kept[--ctx->nkept];
		k = NULL;
	}
	if (!k) {
		if (ctx->nkept == ctx->kept_alloc) {
			size_t alloc = ctx->kept_alloc ? ctx->kept_alloc * 2 : 64;
			struct root_kept *grown = realloc(ctx->kept, alloc * sizeof(*grown));

			if (!grown)
				return -ENOMEM;
			ctx->kept = grown;
			ctx->kept_alloc = alloc;
		}

		char *copy = strdup(path), *buf;
		size_t n;

		if (!copy)
			return -ENOMEM;

		int err = root_read_file(ctx, path, &buf, &n);

		if (err == -ENOMEM) {	/* not a fact about the file: asked again next time */
			free(copy);
			return err;
		}
		k = &ctx->kept[ctx->nkept++];
		*k = (struct root_kept){ .path = copy, .data = err ? NULL : buf, .len = err ? 0 : n,
					 .err = err, .captured = ctx->capture != NULL };
	}
	if (k->err)
		return k->err;
	*data = k->data;
	*len = k->len;
	return 0;
}

int root_read(struct probe_ctx *ctx, const char *path, char **buf, size_t *len)
{
	const char *data;
	int err = root_read_kept(ctx, path, &data, len);

	*buf = NULL;
	if (err)
		return err;
	*buf = malloc(*len + 1);
	if (!*buf)
		return -ENOMEM;
	memcpy(*buf, data, *len + 1);
	return 0;
}

void root_kept_free(struct probe_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nkept; i++) {
		free(ctx->kept[i].path);
		free(ctx->kept[i].data);
	}
	free(ctx->kept);
	ctx->kept = NULL;
	ctx->nkept = ctx->kept_alloc = 0;
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

bool root_read_choice(struct probe_ctx *ctx, const char *path, char *out, size_t outlen)
{
	char line[128], *open, *close;

	if (root_read_line(ctx, path, line, sizeof(line)) || !(open = strchr(line, '[')) ||
	    !(close = strchr(open, ']')))
		return false;
	snprintf(out, outlen, "%.*s", (int)(close - open - 1), open + 1);
	return true;
}

bool root_exists(struct probe_ctx *ctx, const char *path)
{
	struct stat st;

	return root_stat(ctx, path, &st) == 0;
}

int root_stat(struct probe_ctx *ctx, const char *path, struct stat *st)
{
	char rel[PATH_MAX], last[NAME_MAX + 1];
	int dirfd, err;

	if (root_is_direct(ctx))
		return stat(path, st) < 0 ? -errno : 0;
	err = root_resolve(ctx, path, true, rel, &dirfd, last);
	if (err)
		return err;
	err = fstatat(dirfd, last, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	close(dirfd);
	if (err)
		return err;
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
	char rel[PATH_MAX] = "", last[NAME_MAX + 1];
	ssize_t n;
	int dirfd, err;

	if (outlen == 0)
		return -EINVAL;
	if (root_is_direct(ctx)) {
		n = readlink(path, out, outlen - 1);
	} else {
		err = root_resolve(ctx, path, false, rel, &dirfd, last);
		if (err)
			return err;
		n = readlinkat(dirfd, last, out, outlen - 1);
		err = errno;
		close(dirfd);
		errno = err;
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

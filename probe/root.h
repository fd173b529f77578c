/* SPDX-License-Identifier: MIT */
/*
 * Reading files relative to the probe's root, never outside it.
 *
 * Paths are absolute as seen from the root ("/proc/cpuinfo"). On the live host ("/") they are
 * opened directly. Under any other root every path component is resolved by hand: ".." stops at
 * the root and symbolic links, absolute or relative, are followed as if the root were "/", so a
 * captured tree whose links point at /sys/devices/... works and a link pointing out of the root
 * cannot escape it. Link chains longer than ROOT_MAX_LINKS fail with -ELOOP.
 *
 * Only regular files are read, at most ROOT_READ_MAX bytes (-EFBIG beyond), with O_NONBLOCK so a
 * FIFO or device in a hostile root cannot block us. While ctx->capture is set every file read,
 * directory listed and link followed is recorded for `virtcap snapshot`.
 */
#ifndef VIRTCAP_ROOT_H
#define VIRTCAP_ROOT_H

#include <stddef.h>
#include <sys/stat.h>

struct probe_ctx;

#define ROOT_READ_MAX (4u << 20)	/* /proc/cpuinfo of a 512-CPU host is about 1 MiB */
#define ROOT_MAX_LINKS 40		/* as the kernel's own limit on nested links */

/*
 * Read a whole regular file. On success *buf holds len bytes plus a terminating NUL (caller
 * frees). Returns 0 or -ENOENT, -EACCES, -ELOOP, -EFBIG, -EINVAL (not a regular file), -EIO.
 */
int root_read(struct probe_ctx *ctx, const char *path, char **buf, size_t *len);

/*
 * The same, without a copy: *data stays valid until probe_ctx_release(). Every file is read
 * once per run, whichever of the two asks first (probe/root.c says why).
 */
int root_read_kept(struct probe_ctx *ctx, const char *path, const char **data, size_t *len);

/* What root_read_kept() kept (probe_ctx_release() calls it). */
void root_kept_free(struct probe_ctx *ctx);

/* Read the first line of a file, without the newline and surrounding white space. */
int root_read_line(struct probe_ctx *ctx, const char *path, char *out, size_t outlen);

/* The chosen word of a sysfs choice file ("always [madvise] never" -> "madvise") into out;
 * false when unreadable or without brackets */
bool root_read_choice(struct probe_ctx *ctx, const char *path, char *out, size_t outlen);

/* stat() the path, links followed within the root. Returns 0 or a negative errno. */
int root_stat(struct probe_ctx *ctx, const char *path, struct stat *st);
/* Whether root_stat() finds the path */
bool root_exists(struct probe_ctx *ctx, const char *path);

/* The target of the link at path (not followed). Returns its length or a negative errno. */
int root_readlink(struct probe_ctx *ctx, const char *path, char *out, size_t outlen);

/*
 * The entries of a directory, sorted, without "." and "..". *names is a NULL-terminated array
 * (free with root_list_free()). Returns the count or a negative errno.
 */
int root_list(struct probe_ctx *ctx, const char *dir, char ***names);
void root_list_free(char **names);

/* Open the root directory for ctx (probe_ctx_init() calls this). */
int root_open_dir(const char *root);

#endif

// SPDX-License-Identifier: MIT
/*
 * `virtcap snapshot OUT.tar.gz`: everything one probe run read, as a gzip-compressed POSIX tar
 * (ustar; a pax header for paths longer than ustar holds) that `tar xzf` unpacks into a root for
 * `virtcap --root DIR`. It holds exactly what the probe saw: the files with the content read at
 * the time, the links followed on the way, the directories listed, .virtcap/facts with the
 * results of the live actions (MSRs, ioctls, unshare, CPUID hypervisor leaves) and
 * .virtcap/cpuid.raw in libcpuid's raw format.
 *
 * The archive is written to a temporary file in the target's directory and renamed into place
 * only when complete, so a failure never leaves a partial archive under the name asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "cli/atomic_file.h"
#include "cli/cli.h"
#include "probe/capture.h"
#include "probe/probe.h"

#define TAR_BLOCK 512
#define TAR_NAME_MAX 100	/* ustar name field */
#define TAR_PREFIX_MAX 155	/* ustar prefix field */

struct ustar_header {
	char name[100];
	char mode[8];
	char uid[8];
	char gid[8];
	char size[12];
	char mtime[12];
	char chksum[8];
	char typeflag;
	char linkname[100];
	char magic[6];
	char version[2];
	char uname[32];
	char gname[32];
	char devmajor[8];
	char devminor[8];
	char prefix[155];
	char pad[12];
};

_Static_assert(sizeof(struct ustar_header) == TAR_BLOCK, "ustar header is one block");

struct tar {
	gzFile gz;
	time_t mtime;
	int err;
};

/* zlib reports a failed write of the file as Z_ERRNO with errno set: say the system's reason */
static int gz_errno(gzFile gz)
{
	int zerr;

	gzerror(gz, &zerr);
	return zerr == Z_ERRNO && errno ? -errno : -EIO;
}

static void tar_write(struct tar *t, const void *data, size_t len)
{
	if (t->err || len == 0)
		return;
	if (gzwrite(t->gz, data, (unsigned)len) != (int)len)
		t->err = gz_errno(t->gz);
}

static void tar_pad(struct tar *t, size_t len)
{
	static const char zeros[TAR_BLOCK];
	size_t rest = len % TAR_BLOCK;

	if (rest)
		tar_write(t, zeros, TAR_BLOCK - rest);
}

static void octal(char *field, size_t width, unsigned long long value)
{
	snprintf(field, width, "%0*llo", (int)width - 1, value);
}

static void tar_header(struct tar *t, struct ustar_header *h)
{
	unsigned sum = 0;

	memcpy(h->magic, "ustar", 6);
	memcpy(h->version, "00", 2);
	memcpy(h->uname, "root", 5);
	memcpy(h->gname, "root", 5);
	octal(h->uid, sizeof(h->uid), 0);
	octal(h->gid, sizeof(h->gid), 0);
	octal(h->mtime, sizeof(h->mtime), (unsigned long long)t->mtime);
	memset(h->chksum, ' ', sizeof(h->chksum));
	for (size_t i = 0; i < sizeof(*h); i++)
		sum += ((unsigned char *)h)[i];
	snprintf(h->chksum, sizeof(h->chksum), "%06o", sum);
	tar_write(t, h, sizeof(*h));
}

/* Put name into the ustar name/prefix fields; false when it does not fit. */
static bool ustar_name(struct ustar_header *h, const char *name)
{
	size_t len = strlen(name);

	if (len <= TAR_NAME_MAX) {
		memcpy(h->name, name, len);
		return true;
	}
	for (const char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		size_t plen = (size_t)(slash - name);

		if (plen <= TAR_PREFIX_MAX && len - plen - 1 <= TAR_NAME_MAX && len - plen - 1) {
			memcpy(h->prefix, name, plen);
			memcpy(h->name, slash + 1, len - plen - 1);
			return true;
		}
	}
	return false;
}

/* A pax extended header carrying a path (or link target) ustar cannot hold. */
static void tar_pax(struct tar *t, const char *key, const char *value)
{
	struct ustar_header h = { 0 };
	char record[PATH_MAX + 64];
	size_t body = strlen(key) + strlen(value) + 3;	/* " key=value\n" less the length */
	size_t digits = 1, total;

	/* the record's length counts its own decimal digits */
	for (;;) {
		total = body + digits;
		size_t need = (size_t)snprintf(NULL, 0, "%zu", total);

		if (need == digits)
			break;
		digits = need;
	}
	snprintf(record, sizeof(record), "%zu %s=%s\n", total, key, value);
	snprintf(h.name, sizeof(h.name), "PaxHeaders/virtcap");
	octal(h.mode, sizeof(h.mode), 0644);
	octal(h.size, sizeof(h.size), total);
	h.typeflag = 'x';
	tar_header(t, &h);
	tar_write(t, record, total);
	tar_pad(t, total);
}

static void tar_entry(struct tar *t, char type, const char *name, const char *data, size_t len)
{
	struct ustar_header h = { 0 };

	if (strlen(name) >= PATH_MAX || (type == '2' && len >= PATH_MAX)) {
		t->err = -ENAMETOOLONG;
		return;
	}
	if (!ustar_name(&h, name)) {
		tar_pax(t, "path", name);
		snprintf(h.name, sizeof(h.name), "%.99s", name);
	}
	h.typeflag = type;
	switch (type) {
	case '5':
		octal(h.mode, sizeof(h.mode), 0755);
		octal(h.size, sizeof(h.size), 0);
		break;
	case '2':
		octal(h.mode, sizeof(h.mode), 0777);
		octal(h.size, sizeof(h.size), 0);
		if (len > sizeof(h.linkname)) {
			tar_pax(t, "linkpath", data);
			len = sizeof(h.linkname);
		}
		memcpy(h.linkname, data, len < sizeof(h.linkname) ? len : sizeof(h.linkname));
		break;
	default:
		octal(h.mode, sizeof(h.mode), 0644);
		octal(h.size, sizeof(h.size), len);
		break;
	}
	tar_header(t, &h);
	if (type == '0') {
		tar_write(t, data, len);
		tar_pad(t, len);
	}
}

/* Archive names are relative: "/proc/cpuinfo" -> "proc/cpuinfo". */
static const char *archive_name(const char *path)
{
	while (*path == '/')
		path++;
	return path;
}

/* Parent directories of every entry, each once, before the entry (tar needs no more). */
static void tar_parents(struct tar *t, const char *path, struct capture *seen)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", archive_name(path));
	for (char *slash = strchr(dir, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (!capture_has(seen, dir)) {
			if (capture_add(seen, CAPTURE_DIR, dir, "", 0, 0))
				t->err = -ENOMEM;
			tar_entry(t, '5', dir, "", 0);
		}
		*slash = '/';
	}
}

static void tar_capture(struct tar *t, const struct capture *c)
{
	struct capture dirs = { 0 };

	for (size_t i = 0; i < c->n && !t->err; i++) {
		const struct capture_entry *e = &c->v[i];
		const char *name = archive_name(e->path);

		if (!*name)
			continue;	/* the root itself */
		/* a captured root's own .virtcap/ was read as input: the snapshot writes its own */
		if (!strncmp(name, ".virtcap/", 9) || !strcmp(name, ".virtcap"))
			continue;
		tar_parents(t, e->path, &dirs);
		switch (e->type) {
		case CAPTURE_DIR: {
			if (!capture_has(&dirs, name)) {
				if (capture_add(&dirs, CAPTURE_DIR, name, "", 0, 0))
					t->err = -ENOMEM;
				tar_entry(t, '5', name, "", 0);
			}
			break;
		}
		case CAPTURE_LINK:
			tar_entry(t, '2', name, e->data, e->len);
			break;
		case CAPTURE_FILE:
			tar_entry(t, '0', name, e->data, e->len);
			break;
		}
	}
	capture_free(&dirs);
}

/* The files that describe the live actions and the CPU. */
static void tar_virtcap_dir(struct tar *t, struct probe_ctx *ctx)
{
	char *text = NULL;
	size_t len = 0;

	tar_entry(t, '5', ".virtcap", "", 0);
	if (facts_format(&ctx->facts, &text, &len) == 0)
		tar_entry(t, '0', ".virtcap/facts", text, len);
	else
		t->err = -ENOMEM;
	free(text);
	if (ctx->cpuid_ok) {
		text = NULL;
		if (cpuid_raw_format(&ctx->cpuid, &text, &len) == 0)
			tar_entry(t, '0', ".virtcap/cpuid.raw", text, len);
		free(text);
	}
}

int snapshot_write(const char *path, struct probe_ctx *ctx, const struct capture *capture,
		   char *err, size_t errlen)
{
	struct atomic_file a;
	struct tar t = { .mtime = time(NULL) };
	int rc = atomic_file_open(&a, path, err, errlen);
	int gz_fd = rc ? -1 : dup(a.fd);	/* gzclose closes its own; commit syncs ours */

	if (rc)
		return rc;
	t.gz = gz_fd >= 0 ? gzdopen(gz_fd, "wb9") : NULL;
	if (!t.gz) {
		if (gz_fd >= 0)
			close(gz_fd);
		atomic_file_abort(&a);
		snprintf(err, errlen, "%s: cannot start compression", path);
		return -ENOMEM;
	}
	tar_virtcap_dir(&t, ctx);
	tar_capture(&t, capture);

	static const char end[2 * TAR_BLOCK];	/* two zero blocks end a tar archive */

	tar_write(&t, end, sizeof(end));
	errno = 0;
	int zrc = gzclose(t.gz);

	if (zrc != Z_OK && !t.err)	/* the file's own error (ENOSPC, EFBIG) is the one to show */
		t.err = zrc == Z_ERRNO && errno ? -errno : -EIO;
	if (t.err) {
		atomic_file_abort(&a);
		snprintf(err, errlen, "%s: cannot write the snapshot: %s", path, strerror(-t.err));
		return t.err;
	}
	return atomic_file_commit(&a, err, errlen);
}

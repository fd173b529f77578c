// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/atomic_file.h"
#include "util/signal_cleanup.h"

static const char *kind_of(mode_t m)
{
	return S_ISLNK(m) ? "a symbolic link" : S_ISDIR(m) ? "a directory"
	       : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
	       : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

int atomic_file_open(struct atomic_file *a, const char *path, char *err, size_t errlen)
{
	struct stat st;
	bool replaces = lstat(path, &st) == 0;

	a->path = path;
	a->fd = -1;
	a->tmp[0] = '\0';
	if (replaces && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s, not a regular file: virtcap replaces only regular files",
			 path, kind_of(st.st_mode));
		return -EINVAL;
	}
	/* .NAME.tmp.XXXXXX beside it: hidden, so that no reader of the directory (NFD reads every
	 * file in features.d that does not start with a dot) takes it while it is written */
	const char *slash = strrchr(path, '/');
	int dir_len = slash ? (int)(slash - path + 1) : 0;

	if (snprintf(a->tmp, sizeof(a->tmp), "%.*s.%s.tmp.XXXXXX", dir_len, path,
		     path + dir_len) >= (int)sizeof(a->tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		a->tmp[0] = '\0';
		return -ENAMETOOLONG;
	}
	sigset_t saved;

	signal_cleanup_hold(&saved);	/* a signal between the two would leave the temporary */
	a->fd = mkstemp(a->tmp);
	if (a->fd < 0) {
		int e = errno;

		signal_cleanup_release(&saved);
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(e));
		a->tmp[0] = '\0';
		return -e;
	}
	signal_cleanup_add(a->tmp);
	signal_cleanup_release(&saved);
	if (replaces) {
		/* as the file it replaces: its mode, and its owner where we may give it */
		fchmod(a->fd, st.st_mode & 07777);
		if (geteuid() == 0 && fchown(a->fd, st.st_uid, st.st_gid) < 0)
			fchmod(a->fd, st.st_mode & 0777 & ~(mode_t)(S_ISUID | S_ISGID));
	} else {
		mode_t mask = umask(0);

		umask(mask);
		fchmod(a->fd, 0666 & ~mask);	/* as any new file of this user, not mkstemp's 0600 */
	}
	return 0;
}

int atomic_file_commit(struct atomic_file *a, char *err, size_t errlen)
{
	int rc = 0;

	if (a->fd >= 0) {
		if (fsync(a->fd) < 0)
			rc = -errno;
		if (close(a->fd) < 0 && !rc)
			rc = -errno;
		a->fd = -1;
	} else {
		/* the caller wrote and closed it through a stream of its own */
		int fd = open(a->tmp, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fsync(fd) < 0)
			rc = -errno;
		if (fd >= 0)
			close(fd);
	}
	if (!rc && rename(a->tmp, a->path) < 0)
		rc = -errno;
	if (rc) {
		snprintf(err, errlen, "%s: cannot write: %s", a->path, strerror(-rc));
		unlink(a->tmp);
	}
	signal_cleanup_forget(a->tmp);
	a->tmp[0] = '\0';
	return rc;
}

void atomic_file_abort(struct atomic_file *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	if (a->tmp[0]) {
		unlink(a->tmp);
		signal_cleanup_forget(a->tmp);
		a->tmp[0] = '\0';
	}
}

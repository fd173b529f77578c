// SPDX-License-Identifier: MIT
/* Running a helper program (util/run.h) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/run.h"
#include "util/signal_cleanup.h"
#include "util/clock.h"

int run_which(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX + 64];

	for (const char *s = path ? path : "/usr/bin:/bin"; *s; ) {
		size_t n = strcspn(s, ":");

		snprintf(file, sizeof(file), "%.*s/%s", (int)(n < PATH_MAX ? n : PATH_MAX), s, name);
		if (n && access(file, X_OK) == 0)
			return snprintf(out, len, "%s", file) < (int)len;
		s += n + (s[n] == ':');
	}
	return 0;
}

int run_in_path(const char *name)
{
	char file[PATH_MAX + 64];

	return run_which(name, file, sizeof(file));
}

struct sink {
	int fd;
	char *buf;
	size_t len, used;
};

/* Read what is there into the sink; false at end of file */
static int drain(struct sink *k)
{
	char chunk[4096];
	ssize_t n = read(k->fd, chunk, sizeof(chunk));

	if (n <= 0)
		return 0;
	for (ssize_t i = 0; k->buf && i < n && k->used + 1 < k->len; i++)
		k->buf[k->used++] = chunk[i] ? chunk[i] : ' ';
	return 1;
}

int run_program(const char *const *argv, const struct run_options *o)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, report[2], rc, status = 0;
	struct sink sinks[2] = { { -1, o->out, o->out_len, 0 }, { -1, o->err, o->err_len, 0 } };
	long long deadline = clock_ms() + o->timeout_ms;
	int late = 0;
	pid_t pid;

	if (pipe2(outp, O_CLOEXEC) < 0 || (o->err && pipe2(errp, O_CLOEXEC) < 0) ||
	    pipe2(report, O_CLOEXEC) < 0) {
		rc = -errno;
		for (int i = 0; i < 2; i++) {
			if (outp[i] >= 0)
				close(outp[i]);
			if (errp[i] >= 0)
				close(errp[i]);
		}
		return rc;
	}
	pid = fork();
	if (pid == 0) {
		int none = open("/dev/null", O_RDONLY | O_CLOEXEC);

		setpgid(0, 0);
		if (none >= 0 && dup2(none, STDIN_FILENO) >= 0 &&
		    dup2(o->stdout_fd >= 0 ? o->stdout_fd : outp[1], STDOUT_FILENO) >= 0 &&
		    dup2(o->err ? errp[1] : outp[1], STDERR_FILENO) >= 0 &&
		    (!o->cwd || chdir(o->cwd) == 0)) {
			signal(SIGPIPE, SIG_DFL);
			/* a path is run as it is: execvp would hand a file the kernel cannot
			 * run (ENOEXEC) to /bin/sh, and an ELF of another CPU is such a file */
			if (strchr(argv[0], '/'))
				execv(argv[0], (char *const *)argv);
			else
				execvp(argv[0], (char *const *)argv);
		}
		rc = errno;
		if (write(report[1], &rc, sizeof(rc)) < 0)
			_exit(126);
		_exit(127);
	}
	close(outp[1]);
	if (o->err)
		close(errp[1]);
	close(report[1]);
	if (pid < 0) {
		rc = -errno;
		close(outp[0]);
		if (o->err)
			close(errp[0]);
		close(report[0]);
		return rc;
	}
	setpgid(pid, pid);
	signal_cleanup_add_group(pid);
	if (read(report[0], &rc, sizeof(rc)) == (ssize_t)sizeof(rc)) {
		close(report[0]);
		close(outp[0]);
		if (o->err)
			close(errp[0]);
		waitpid(pid, NULL, 0);
		signal_cleanup_forget_group();
		return rc == ENOENT || rc == EACCES ? -ENOENT : -rc;
	}
	close(report[0]);
	sinks[0].fd = outp[0];
	sinks[1].fd = o->err ? errp[0] : -1;
	for (int open_fds = 1 + (o->err != NULL); open_fds > 0;) {
		struct pollfd p[2] = { { .fd = sinks[0].fd, .events = POLLIN },
				       { .fd = sinks[1].fd, .events = POLLIN } };
		long long left = deadline - clock_ms();

		if (left <= 0) {
			late = 1;
			break;
		}
		if (poll(p, 2, (int)left) <= 0)
			continue;
		for (int i = 0; i < 2; i++)
			if (p[i].fd >= 0 && p[i].revents && !drain(&sinks[i])) {
				close(sinks[i].fd);
				sinks[i].fd = -1;
				open_fds--;
			}
	}
	for (int i = 0; i < 2; i++) {
		if (sinks[i].fd >= 0)
			close(sinks[i].fd);
		if (sinks[i].buf && sinks[i].len)
			sinks[i].buf[sinks[i].used] = '\0';
	}
	/* its output closed: it is ending (or it closed them and runs on: the deadline holds) */
	while (!late && waitpid(pid, &status, WNOHANG) == 0) {
		if (clock_ms() >= deadline)
			late = 1;
		else
			usleep(10000);
	}
	if (late) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	signal_cleanup_forget_group();
	if (late)
		return -ETIMEDOUT;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

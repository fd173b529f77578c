// SPDX-License-Identifier: MIT
/*
 * Removing registered temporaries when a signal ends the run (util/signal_cleanup.h). The
 * handler only calls unlink(), signal() and raise(), which are async-signal-safe; the paths
 * live in fixed static storage so that nothing is allocated or freed in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/signal_cleanup.h"

#define CLEANUP_SLOTS 4

static char paths[CLEANUP_SLOTS][PATH_MAX];
static volatile sig_atomic_t in_use[CLEANUP_SLOTS];	/* 1 a file, 2 a directory tree */
static bool installed;
static volatile sig_atomic_t child_group;	/* a process group to stop too, or 0 */
/* a command that undoes what no file removal can (a libvirt domain): argv in fixed storage */
#define COMMAND_ARGS 8
#define COMMAND_WAIT_MS 20000
static char command_text[COMMAND_ARGS][PATH_MAX];
static char *command_argv[COMMAND_ARGS + 1];
static volatile sig_atomic_t command_set;
extern char **environ;

struct dirent64_raw {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/*
 * Remove everything in the directory fd, then fd is closed. Only system calls, no malloc: it
 * runs in the signal handler too. Depth is bounded by what root_archive_unpack() creates.
 */
static void remove_contents(int fd, int depth)
{
	char buf[4096];
	bool removed = true;

	/* sweep until one removes nothing: removing while reading may hide entries from getdents */
	for (int sweep = 0; removed && depth < 80 && sweep < 100; sweep++) {
		long n;

		removed = false;
		lseek(fd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);

				off += d->d_reclen;
				if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
					continue;
				if (unlinkat(fd, d->d_name, 0) == 0) {
					removed = true;
					continue;
				}

				int sub = openat(fd, d->d_name,
						 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

				if (sub >= 0) {
					remove_contents(sub, depth + 1);
					if (unlinkat(fd, d->d_name, AT_REMOVEDIR) == 0)
						removed = true;
				}
			}
		}
	}
	close(fd);
}

void signal_cleanup_remove_tree(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0)
		remove_contents(fd, 0);
	rmdir(dir);
}

/* fork, execve and waitpid are async-signal-safe; the wait is bounded */
static void run_command(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int none = open("/dev/null", O_RDWR);	/* its words are not the run's output */

		if (none >= 0) {
			dup2(none, STDOUT_FILENO);
			dup2(none, STDERR_FILENO);
		}
		execve(command_argv[0], command_argv, environ);
		_exit(127);
	}
	for (int waited = 0; pid > 0 && waitpid(pid, NULL, WNOHANG) == 0; waited += 50) {
		struct timespec tick = { 0, 50 * 1000000 };

		if (waited >= COMMAND_WAIT_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		nanosleep(&tick, NULL);
	}
}

static void on_signal(int sig)
{
	if (child_group > 0)
		kill(-(pid_t)child_group, SIGTERM);	/* it cleans up after itself on SIGTERM */
	if (command_set)
		run_command();
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		if (in_use[i] == 1)
			unlink(paths[i]);
		else if (in_use[i] == 2)
			signal_cleanup_remove_tree(paths[i]);
	}
	/* die of the signal, as without us: the parent sees the same status */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install(void)
{
	/* SIGPIPE: the reader went away (`virtcap --root X.tar.gz | head`) */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa = { .sa_handler = on_signal };

	sigfillset(&sa.sa_mask);	/* one handler at a time */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* a signal the caller ignores (nohup) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
	installed = true;
}

static int add(const char *path, int kind)
{
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (!installed)
		install();
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		if (in_use[i])
			continue;
		memcpy(paths[i], path, strlen(path) + 1);
		in_use[i] = kind;	/* set last: the handler never sees a half-copied path */
		return 0;
	}
	return -ENOSPC;
}

void signal_cleanup_hold(sigset_t *saved)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, saved);
}

void signal_cleanup_release(const sigset_t *saved)
{
	sigprocmask(SIG_SETMASK, saved, NULL);
}

void signal_cleanup_add_group(pid_t group)
{
	if (!installed)
		install();
	child_group = group;
}

void signal_cleanup_forget_group(void)
{
	child_group = 0;
}

int signal_cleanup_add_command(const char *const *argv)
{
	size_t n = 0;

	if (!installed)
		install();
	command_set = 0;
	for (; argv[n]; n++) {
		if (n == COMMAND_ARGS || strlen(argv[n]) >= PATH_MAX)
			return -E2BIG;
		memcpy(command_text[n], argv[n], strlen(argv[n]) + 1);
		command_argv[n] = command_text[n];
	}
	command_argv[n] = NULL;
	command_set = argv[0] && argv[0][0] == '/';	/* execve: no PATH lookup in a handler */
	return command_set ? 0 : -EINVAL;
}

void signal_cleanup_forget_command(void)
{
	command_set = 0;
}

int signal_cleanup_add(const char *path)
{
	return add(path, 1);
}

int signal_cleanup_add_tree(const char *dir)
{
	return add(dir, 2);
}

void signal_cleanup_forget(const char *path)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (in_use[i] && !strcmp(paths[i], path))
			in_use[i] = 0;
}

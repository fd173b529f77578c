// SPDX-License-Identifier: MIT
/*
 * Running one QEMU (qemu/vm.h). QEMU's own sockets and files have fixed names in the work
 * directory, QEMU's current directory; virtcap reaches them through the directory's
 * descriptor (/proc/self/fd/N/NAME), so a Unix socket's 108-byte path limit never meets a long
 * TMPDIR, and no path of the caller's is ever part of an option list.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qemu/gdb.h"
#include "qemu/vm.h"
#include "reports/text.h"
#include "util/signal_cleanup.h"

#define ARGS_MAX 160
#define GDB_WAIT_MS 3000	/* the gdbstub answers within this, or the registers are not read */
#define QUIT_WAIT_MS 3000	/* QEMU ends within this of quit, or is killed */

int qemu_vm_workdir(const char *prefix, char *dir, size_t dir_len)
{
	const char *tmp = getenv("TMPDIR");

	if (snprintf(dir, dir_len, "%s/%s.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp", prefix) >=
	    (int)dir_len)
		return -ENAMETOOLONG;
	if (!mkdtemp(dir))
		return -errno;
	if (signal_cleanup_add_tree(dir)) {
		rmdir(dir);
		return -ENOSPC;
	}
	return 0;
}

void qemu_vm_workdir_remove(const char *dir)
{
	signal_cleanup_remove_tree(dir);
	signal_cleanup_forget(dir);
}

static void at(const struct qemu_vm *vm, const char *name, char *out, size_t len)
{
	snprintf(out, len, "/proc/self/fd/%d/%s", vm->dir_fd, name);
}

long qemu_vm_ms(const struct qemu_vm *vm)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - vm->started.tv_sec) * 1000 +
	       (t.tv_nsec - vm->started.tv_nsec) / 1000000;
}

int qemu_vm_start(struct qemu_vm *vm, const char *dir, const struct qemu_vm_options *o)
{
	const char *argv[ARGS_MAX];
	static const char *const own[] = {
		"qemu-system-x86_64", "-display", "none",
		"-chardev", ("file,id=vc-console,path=" QEMU_VM_CONSOLE), "-serial", "chardev:vc-console",
		"-chardev", "socket,id=vc-qmp,path=qmp,server=on,wait=off",
		"-mon", "chardev=vc-qmp,mode=control",
		"-chardev", "socket,id=vc-gdb,path=gdb,server=on,wait=off", "-gdb", "chardev:vc-gdb",
	};
	size_t n = 0;
	int report[2], rc;
	char qmp_path[64];

	memset(vm, 0, sizeof(*vm));
	vm->qmp.fd = -1;
	vm->dir_fd = -1;
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		argv[n++] = own[i];
	if (o->program)
		argv[0] = o->program;
	for (size_t i = 0; o->args[i]; i++) {
		if (n + 1 >= ARGS_MAX)
			return -E2BIG;
		argv[n++] = o->args[i];
	}
	argv[n] = NULL;
	vm->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (vm->dir_fd < 0)
		return -errno;
	if (pipe2(report, O_CLOEXEC) < 0) {
		rc = -errno;
		close(vm->dir_fd);
		return rc;
	}
	clock_gettime(CLOCK_MONOTONIC, &vm->started);
	vm->own_group = !o->caller_group;
	vm->pid = fork();
	if (vm->pid == 0) {
		int none = open("/dev/null", O_RDWR | O_CLOEXEC), err;

		if (vm->own_group)
			setpgid(0, 0);
		/* snapshot=on keeps a guest's disk writes in a file under TMPDIR: the work
		 * directory, removed with the rest */
		err = openat(vm->dir_fd, QEMU_VM_ERR,
			     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (none >= 0 && err >= 0 && fchdir(vm->dir_fd) == 0 &&
		    dup2(none, STDIN_FILENO) >= 0 && dup2(err, STDOUT_FILENO) >= 0 &&
		    dup2(err, STDERR_FILENO) >= 0 && (o->pass_fd < 0 || dup2(o->pass_fd, 3) >= 0) &&
		    setenv("TMPDIR", dir, 1) == 0)
			execvp(argv[0], (char *const *)argv);
		rc = errno;
		if (write(report[1], &rc, sizeof(rc)) < 0)
			_exit(126);
		_exit(127);
	}
	close(report[1]);
	if (vm->pid < 0) {
		rc = -errno;
		close(report[0]);
		close(vm->dir_fd);
		return rc;
	}
	if (vm->own_group) {
		setpgid(vm->pid, vm->pid);
		signal_cleanup_add_group(vm->pid);
	}
	/* the child says why exec failed, or its end of the pipe closes at exec */
	if (read(report[0], &rc, sizeof(rc)) == (ssize_t)sizeof(rc)) {
		close(report[0]);
		qemu_vm_stop(vm, NULL);
		return rc == ENOENT ? -ENOENT : -rc;
	}
	close(report[0]);
	at(vm, "qmp", qmp_path, sizeof(qmp_path));
	rc = qmp_connect(&vm->qmp, qmp_path, o->connect_ms);
	if (rc)
		qemu_vm_stop(vm, NULL);	/* a QEMU we cannot steer does not run on */
	return rc;
}

bool qemu_vm_ended(struct qemu_vm *vm, int *status)
{
	int st;

	if (!vm->pid)
		return true;
	if (waitpid(vm->pid, &st, WNOHANG) != vm->pid)
		return false;
	if (status)
		*status = st;
	if (vm->own_group)	/* what QEMU started may linger in its group */
		kill(-vm->pid, SIGKILL);
	vm->pid = 0;
	return true;
}

char *qemu_vm_read(const struct qemu_vm *vm, const char *name)
{
	int fd = openat(vm->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char *buf;
	size_t n = 0;

	if (fd < 0)
		return NULL;
	buf = malloc(QEMU_VM_CONSOLE_MAX + 1);
	while (buf && n < QEMU_VM_CONSOLE_MAX) {
		ssize_t got = read(fd, buf + n, QEMU_VM_CONSOLE_MAX - n);

		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (!buf)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = '\0';
	return buf;
}

void qemu_vm_said(const struct qemu_vm *vm, char *out, size_t len)
{
	if (vm->dir_fd < 0) {	/* stopped: what it said then */
		snprintf(out, len, "%s", vm->said);
		return;
	}

	char *err = qemu_vm_read(vm, QEMU_VM_ERR);

	text_first_lines(err, out, len);
	free(err);
}

bool qemu_vm_registers(struct qemu_vm *vm, char *out, size_t len)
{
	struct x86_regs r;
	char path[64];

	at(vm, "gdb", path, sizeof(path));
	if (!vm->pid || !gdb_read_x86_regs(path, GDB_WAIT_MS, &r))
		return false;
	gdb_format_x86_regs(&r, out, len);
	return true;
}

void qemu_vm_stop(struct qemu_vm *vm, int *status)
{
	int st = 0;

	if (vm->pid && vm->qmp.fd >= 0)	/* a QEMU whose QMP is gone is ending anyway */
		qmp_execute(&vm->qmp, "quit", NULL, 1000, NULL);
	for (int i = 0; vm->pid && i < QUIT_WAIT_MS / 100 && !qemu_vm_ended(vm, &st); i++)
		usleep(100000);
	if (vm->pid) {
		kill(vm->own_group ? -vm->pid : vm->pid, SIGKILL);
		waitpid(vm->pid, &st, 0);
		vm->pid = 0;
	}
	if (vm->own_group)
		signal_cleanup_forget_group();
	if (status)
		*status = st;
	qmp_close(&vm->qmp);
	if (vm->dir_fd >= 0) {
		qemu_vm_said(vm, vm->said, sizeof(vm->said));
		close(vm->dir_fd);
	}
	vm->dir_fd = -1;
}

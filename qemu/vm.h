/* SPDX-License-Identifier: MIT */
/*
 * The one way virtcap runs a QEMU (qemu/vm.c): started from an argument vector (no shell, so no
 * word splitting), in a private work directory the caller made, its serial console captured to
 * a file there, QMP (qemu/qmp.h) for what the guest shows and for stopping it, its gdbstub for
 * the registers of a guest that never got on (qemu/gdb.h), its own process group so that it and
 * what it started end together, and a signal ending virtcap stops that group (util/
 * signal_cleanup.h). The work directory holds QEMU's sockets and files under fixed short names
 * (QEMU runs in it), so a TMPDIR of any length, with spaces or commas, never reaches an option.
 */
#ifndef VIRTCAP_QEMU_VM_H
#define VIRTCAP_QEMU_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "qemu/qmp.h"

#define QEMU_VM_CONSOLE "console"	/* the serial console's file, in the work directory */
#define QEMU_VM_ERR "qemu.err"		/* QEMU's standard output and error */
#define QEMU_VM_CONSOLE_MAX (256 * 1024)	/* read of the console, at most */

struct qemu_vm {
	int dir_fd;			/* the work directory, QEMU's current directory */
	pid_t pid;			/* QEMU, or 0 */
	bool own_group;			/* QEMU leads a process group of its own */
	struct qmp qmp;
	struct timespec started;
	char said[512];			/* QEMU's words, kept when it is stopped */
};

struct qemu_vm_options {
	const char *program;		/* qemu-system-ARCH; NULL: qemu-system-x86_64 */
	const char *const *args;	/* after the driver's own (console, QMP, gdbstub, no
					 * display), NULL-terminated */
	int pass_fd;			/* given to QEMU as its fd 3 (for -add-fd), or -1 */
	bool caller_group;		/* stay in the caller's process group (a child of
					 * virtcap that leads one for QEMU and its helpers) */
	int connect_ms;			/* QEMU listens on QMP within this */
};

/* A private work directory under TMPDIR (else /tmp), dir_len bytes, named PREFIX.XXXXXX;
 * registered for removal if a signal ends the run. 0 or a negative errno. */
int qemu_vm_workdir(const char *prefix, char *dir, size_t dir_len);
/* Remove it and everything in it, and forget it */
void qemu_vm_workdir_remove(const char *dir);

/*
 * Start QEMU (o->program, by default qemu-system-x86_64) in dir and connect to its QMP. 0, or a negative errno: -ENOENT when
 * QEMU could not be executed, else QEMU's own words are in dir/qemu.err (qemu_vm_said()). On an
 * error no QEMU is left running.
 */
int qemu_vm_start(struct qemu_vm *vm, const char *dir, const struct qemu_vm_options *o);

/* Milliseconds since QEMU was started */
long qemu_vm_ms(const struct qemu_vm *vm);
/* Whether QEMU has ended (reaped; *status its wait status) */
bool qemu_vm_ended(struct qemu_vm *vm, int *status);
/* The file name in the work directory, at most QEMU_VM_CONSOLE_MAX bytes, NULs made spaces,
 * NUL-terminated; NULL if there is none. To free. */
char *qemu_vm_read(const struct qemu_vm *vm, const char *name);
/* The first lines of QEMU's own messages, joined and cleaned for a terminal, into out; after
 * qemu_vm_stop (and a failed start) too */
void qemu_vm_said(const struct qemu_vm *vm, char *out, size_t len);
/* vCPU 0's registers as "RIP=0x.. CR0=0x.. CR3=0x.. CR4=0x.. EFER=0x.. CS=...", from the
 * gdbstub (it stops the guest); false if they could not be read */
bool qemu_vm_registers(struct qemu_vm *vm, char *out, size_t len);
/* quit over QMP, then no mercy: QEMU and its process group end; *status its wait status (may
 * be NULL). The work directory's files stay, read by the caller through its path after this. */
void qemu_vm_stop(struct qemu_vm *vm, int *status);

#endif

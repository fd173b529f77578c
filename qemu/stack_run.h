/* SPDX-License-Identifier: MIT */
/* What the parts of the stack proof share (qemu/stack*.c); not for the rest of virtcap */
#ifndef VIRTCAP_QEMU_STACK_RUN_H
#define VIRTCAP_QEMU_STACK_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

#include "qemu/stack.h"

#define STACK_SAY_MAX 900	/* a reason or detail, at most */
#define INIT_MARKER "VIRTCAP-STACK-INIT "

struct stack_run {
	struct report_stack *s;
	const struct stack_setup *setup;
	char work[PATH_MAX];		/* private, removed at the end */
	char kernel[PATH_MAX];		/* booted under KVM and TCG */
	char pinned[PATH_MAX];		/* the lab's kernel, whose device modules the guest loads */
	bool booted[STACK_ACCEL_COUNT];
	long long deadline_ms;		/* CLOCK_MONOTONIC: the whole run ends by it */
	int rc;				/* the first -ENOMEM */
};

/* Set a string of the report from a format (cleaned and bounded by report_str_set) */
void stack_say(struct stack_run *r, char **field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void stack_device(struct stack_run *r, enum stack_device d, enum proof_status status,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void stack_device_v(struct stack_run *r, enum stack_device d, enum proof_status status,
		    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
/* Seconds left before the run's deadline (at least 1), at most want */
int stack_within(const struct stack_run *r, int want);
/* Progress on a terminal: what it waits for */
void stack_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The file at path, at most len - 1 bytes, NULs made spaces, NUL-terminated; its length (0 if
 * it could not be read) */
size_t stack_read(const char *path, char *buf, size_t len);
/* Its first three lines that are not blank, joined and cleaned, into out ("" if none) */
void stack_one_line(const char *path, char *out, size_t len);
/* The guest's uptime its init printed ("1.23"), into out; false if the console has no marker */
bool stack_init_uptime(const char *console, char *out, size_t len);
/* The console's last line that is not blank and does not start with skip (may be NULL), without
 * escape sequences, cleaned, into out ("none" if there is none) */
void stack_last_line(const char *console, const char *skip, char *out, size_t len);

/* The devices, proven from inside the guest in one more boot (qemu/stack_devices.c) */
void stack_devices(struct stack_run *r);
/* The same guest as transient libvirt domains (qemu/stack_libvirt.c) */
void stack_libvirt(struct stack_run *r);

#endif

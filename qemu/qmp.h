/* SPDX-License-Identifier: MIT */
/*
 * QEMU's machine protocol (QMP), the only way virtcap speaks to a running QEMU (qemu/qmp.c):
 * commands and their arguments are JSON, so a path with a space, a comma or a newline is one
 * string, never split into further commands as the human monitor's text would be. qemu/vm.c
 * starts each QEMU with its QMP socket in the VM's own work directory.
 */
#ifndef VIRTCAP_QMP_H
#define VIRTCAP_QMP_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

struct qmp {
	int fd;
	char buf[65536];	/* what QEMU sent that is not read yet */
	size_t len;
	bool stopped;		/* a STOP event came: the guest was paused (an I/O error, ...) */
};

/* Connect to the socket at path (QEMU may still be starting: tried until timeout_ms), read its
 * greeting, and leave negotiation mode. 0, or a negative errno (-ETIMEDOUT, -EPROTO). */
int qmp_connect(struct qmp *q, const char *path, int timeout_ms);

/*
 * Send {"execute": name, "arguments": args} (args may be NULL; it is put, not kept) and wait at
 * most timeout_ms for its answer, taking the events that come first. 0 with *ret (may be NULL)
 * its "return" value, to json_object_put; -EIO with *ret NULL when QEMU answered an error; or a
 * negative errno.
 */
int qmp_execute(struct qmp *q, const char *name, struct json_object *args, int timeout_ms,
		struct json_object **ret);

void qmp_close(struct qmp *q);

#endif

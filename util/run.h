/* SPDX-License-Identifier: MIT */
/*
 * Running a helper program (qemu-img, xorriso, lab.sh, virsh, ...) from an argument vector, with
 * a deadline, its output captured (util/run.c). It leads a process group of its own, stopped
 * with it at the deadline, and by a signal that ends virtcap (util/signal_cleanup.h).
 */
#ifndef VIRTCAP_UTIL_RUN_H
#define VIRTCAP_UTIL_RUN_H

#include <stddef.h>

struct run_options {
	const char *cwd;	/* its current directory, or NULL for ours */
	int timeout_ms;
	char *out;		/* its standard output, at most out_len - 1 bytes, NUL-terminated
				 * (NUL bytes made spaces); or NULL to discard it */
	size_t out_len;
	char *err;		/* the same for its standard error; NULL: with the output */
	size_t err_len;
	int stdout_fd;		/* >= 0: its standard output goes there instead of out */
};

/*
 * Run argv[0] (a path as it is, a name looked up in PATH) with argv. Its exit status (0-255,
 * 128+N for signal N), or a negative errno: -ENOENT when it could not be found or opened,
 * another (-ENOEXEC: not a program this kernel runs) when it could not be executed,
 * -ETIMEDOUT when the deadline came and it was killed.
 */
int run_program(const char *const *argv, const struct run_options *o);

/* Whether name is an executable file in PATH */
int run_in_path(const char *name);
/* The same, its path into out; 0 if not found (or it does not fit) */
int run_which(const char *name, char *out, size_t len);

#endif

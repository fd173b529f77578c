/* SPDX-License-Identifier: MIT */
/*
 * The lab's pinned Debian kernels (scripts/lab-kernels.tsv), fetched and cached by lab.sh on a
 * first run: the stack proof's guest kernel (amd64) and prove --foreign's (arm64, armhf).
 */
#ifndef VIRTCAP_QEMU_LAB_FETCH_H
#define VIRTCAP_QEMU_LAB_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#define LAB_FETCH_MS (600 * 1000)	/* a first run downloads the kernel and busybox */

/*
 * The cached root of arch's kernel (its boot/vmlinuz-*, busybox, modules) into root: 0, or
 * -ENOENT with why lab.sh could not fetch it in why. arch NULL: the lab's default (amd64).
 */
int lab_fetch(const char *lab_sh, const char *arch, char *root, size_t len, char *why,
	      size_t why_len);

/* The first path glob() matches into out (a cached root's boot/vmlinuz-*); false if none */
bool lab_first_match(const char *pattern, char *out, size_t len);

#endif

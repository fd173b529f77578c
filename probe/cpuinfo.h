/* SPDX-License-Identifier: MIT */
/*
 * /proc/cpuinfo as the kernel shows it: read once per run (on a large host the kernel spends
 * milliseconds generating it) and asked about the words of its "flags" and "vmx flags" lines.
 */
#ifndef VIRTCAP_CPUINFO_H
#define VIRTCAP_CPUINFO_H

#include <stdbool.h>
#include <stddef.h>

struct probe_ctx;

/*
 * Whether the first CPU's line `field` ("flags", "vmx flags") lists word: 1 yes, 0 no, -1 when
 * /proc/cpuinfo is unreadable or has no such line.
 */
int cpuinfo_has(struct probe_ctx *ctx, const char *field, const char *word);

/* The first CPU's FIELD of /proc/cpuinfo, blanks trimmed, into out: 0, or -1 when absent */
int cpuinfo_get(struct probe_ctx *ctx, const char *field, char *out, size_t outlen);

/* Whether the space-separated list holds word exactly. */
bool word_in_list(const char *list, const char *word);

#endif

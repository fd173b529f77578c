/* SPDX-License-Identifier: MIT */
/*
 * Facts: the results of live actions (CPUID hypervisor leaves, MSR reads, ioctls on /dev/kvm,
 * unshare trials, uname) as key=value pairs.
 *
 * On the live host a probe area performs the action and records what it saw with facts_set();
 * a snapshot stores the facts as ROOT/.virtcap/facts, and probing that root later reads them
 * back instead of acting. Keys are dotted ("kvm.api_version", "msr.0.0x3a"); values are text.
 * A missing key means "not recorded": the area reports the capability unknown.
 */
#ifndef VIRTCAP_FACTS_H
#define VIRTCAP_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strindex.h"

#define FACTS_PATH "/.virtcap/facts"

struct fact {
	char *key;
	char *value;
};

struct facts {
	struct fact *v;
	size_t n, alloc;
	struct strindex by_key;
};

/* Set key to a formatted value, replacing an earlier one. Returns 0 or -ENOMEM. */
int facts_set(struct facts *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The value of key, or NULL when not recorded. */
const char *facts_get(const struct facts *f, const char *key);
/* Parse the value as a long long (any base strtoll accepts); false when absent or malformed. */
bool facts_get_ll(const struct facts *f, const char *key, long long *out);
/* Parse the value as an unsigned 64-bit number; false when absent or malformed. */
bool facts_get_u64(const struct facts *f, const char *key, unsigned long long *out);

/*
 * Failures are recorded by errno name ("EACCES"), which reads the same on every host.
 * facts_errno_name() knows the errnos the probe meets (unknown ones read "EIO");
 * facts_errno_value() maps a name back (EIO when unknown).
 */
const char *facts_errno_name(int err);
int facts_errno_value(const char *name);

/*
 * Read "key=value" lines from text[0..len). Blank lines and lines starting with '#' are
 * skipped. Returns 0, or -EINVAL with the line number and problem in err.
 */
int facts_parse(struct facts *f, const char *text, size_t len, char *err, size_t errlen);
/* Render all facts as "key=value\n" lines, sorted by key, into a new buffer (caller frees). */
int facts_format(const struct facts *f, char **out, size_t *len);
void facts_free(struct facts *f);

#endif

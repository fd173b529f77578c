/* SPDX-License-Identifier: MIT */
/* `virtcap check`: CI hardware qualification (cli/check.c). */
#ifndef VIRTCAP_CHECK_H
#define VIRTCAP_CHECK_H

#include <stdbool.h>
#include <stdio.h>

struct report;

struct check_opts {
	bool tap;		/* TAP for prove and CI TAP consumers */
	bool json;		/* {schema: virtcap/check/v1, passed, requirements} */
	const char *junit;	/* also write JUnit XML here (atomically), or NULL */
	const char *profile;	/* named in the output, or NULL */
	bool github;		/* GitHub Actions: annotations, and the step summary when set */
};

/*
 * Judge each requirement in requires (comma-separated ids, known ones) on r and print the
 * result. Returns 0 when all are "yes", 1 when one is not, 2 when --junit cannot be written.
 */
int cli_check(const struct report *r, const char *requires, const struct check_opts *o,
	      FILE *out);

#endif

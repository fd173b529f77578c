/* SPDX-License-Identifier: MIT */
/* `virtcap check`: CI hardware qualification (cli/check.c). */
#ifndef VIRTCAP_CHECK_H
#define VIRTCAP_CHECK_H

#include <stdbool.h>
#include <stdio.h>

struct report;

struct check_profile {
	const char *name;
	const char *requires;	/* requirement ids, comma-separated */
	const char *why;	/* what the stack needs, for people */
};

struct check_opts {
	bool tap;		/* TAP for prove and CI TAP consumers */
	bool json;		/* {schema: virtcap/check/v1, passed, requirements} */
	const char *junit;	/* also write JUnit XML here (atomically), or NULL */
	const char *profile;	/* named in the output, or NULL */
};

const struct check_profile *check_profile_find(const char *name);
void check_profiles_print(FILE *out);
bool check_id_known(const char *id);
void check_ids_print(FILE *out);

/*
 * Judge each requirement in requires (comma-separated ids, known ones) on r and print the
 * result. Returns 0 when all are "yes", 1 when one is not, 2 when --junit cannot be written.
 */
int cli_check(const struct report *r, const char *requires, const struct check_opts *o,
	      FILE *out);

#endif

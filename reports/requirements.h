/* SPDX-License-Identifier: MIT */
/*
 * Requirement policy, beside the matrix it is judged from (whether KVM is usable here is
 * report_kvm_usable(), reports/report.h, one decision for all): the requirements a CI
 * gate can ask for (the matrix rows, plus kvm, sev-snp and tdx) and the profiles that name the
 * sets the usual stacks need.
 */
#ifndef VIRTCAP_REQUIREMENTS_H
#define VIRTCAP_REQUIREMENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/report.h"

struct requirement_profile {
	const char *name;
	const char *requires;	/* requirement ids, comma-separated */
	const char *why;	/* what the stack needs, for people */
};

/* A requirement judged on a report; reason and fix point into the report or into buf */
struct requirement {
	const char *id;
	enum verdict verdict;
	const char *reason;
	const char *fix;
	char buf[512];
};

const struct requirement_profile *requirement_profile_find(const char *name);
void requirement_profiles_print(FILE *out);
bool requirement_known(const char *id);
void requirement_ids_print(FILE *out);

/* Judge the requirement id (a known one) on r into *q */
void requirement_judge(const struct report *r, const char *id, struct requirement *q);

#endif

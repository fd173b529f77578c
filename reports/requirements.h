/* SPDX-License-Identifier: MIT */
/*
 * Requirement policy, beside the matrix it is judged from: whether KVM is usable here (one
 * decision, for the matrix, the layers, Prometheus, check and advise), the requirements a CI
 * gate can ask for (the matrix rows, plus kvm, sev-snp and tdx) and the profiles that name the
 * sets the usual stacks need.
 */
#ifndef VIRTCAP_REQUIREMENTS_H
#define VIRTCAP_REQUIREMENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/report.h"

/*
 * Whether this user can use KVM here: /dev/kvm opens for this user and KVM creates a VM. Yes
 * when both are known to hold, no when one is known to fail, unknown otherwise.
 */
enum verdict report_kvm_usable(const struct report *r);

/* Whether this kernel's KVM is paravirtual (PVM: kvm_pvm), which runs guests without VT-x or
 * AMD-V and so without the CPU and firmware switches the others need */
bool report_kvm_pvm(const struct report *r);

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

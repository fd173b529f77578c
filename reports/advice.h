/* SPDX-License-Identifier: MIT */
/*
 * What a guest someone wants to run needs (`virtcap advise GUEST`): its chain of requirements
 * (reports/guests.h) judged from the report, the layers for the first links and the matrix rows
 * for the rest, so that advice never disagrees with the matrix; the operating systems' rows of
 * the matrix are these judgements.
 */
#ifndef VIRTCAP_ADVICE_H
#define VIRTCAP_ADVICE_H

#include <stddef.h>

#include "reports/guests.h"
#include "reports/report.h"

/* The proofs behind the advice, comma-separated into buf: the rows of its steps (no hostile
 * guests, and not the rows that have no proof); NULL when there are none */
const char *advice_proofs(const struct guest_advice *a, char *buf, size_t len);

/* The proofs that judge the requirements requires (ids comma-separated: rows, kvm, ...), into
 * buf the same way: a row's own, and for an operating system's row those of its chain, so that
 * `check` decides each row from the same proofs as the matrix and `advise`. NULL when none. */
const char *advice_required_proofs(const char *requires, char *buf, size_t len);

struct advice_judgement {
	enum verdict verdict;
	int nsteps;
	int decisive;		/* the first step that fails, else the first unknown; -1: all hold */
	enum layer_state shown[ADVICE_STEPS_MAX];	/* each step as shown */
	const char *says[ADVICE_STEPS_MAX];	/* each step's words on this host */
	const char *reason, *fix;	/* why the decisive step does not hold, and the fix */
};

/*
 * Judge a's chain on r. A link that fails makes the answer no, whatever is unknown before it
 * (a container without /dev/kvm cannot run a VM, firmware known or not); else an unknown link
 * makes it unknown (never yes). The first failing link, else the first unknown, is the one to
 * fix, and a later row that fails for the same blocking capability waits for it rather than
 * being judged on its own.
 */
void advice_judge(const struct report *r, const struct guest_advice *a,
		  struct advice_judgement *j);

/*
 * The operating-system rows of the matrix (dos, os32, os64, hypervisor), each its advice's
 * judgement: the same chain, so the matrix and `advise` never disagree. Called whenever the
 * rows they rest on change (the probe's matrix, each proof). 0, or -ENOMEM.
 */
int advice_rows_derive(struct report *r);

/* An alternative as told: the emulation one with what make bench measured on this machine
 * (tools.tcg_slowdown); PVM's with whether this host can offer it (a PVM guest cannot) */
void advice_alternative_text(const struct report *r, const char *alt, char *out, size_t len);

#endif

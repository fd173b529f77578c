/* SPDX-License-Identifier: MIT */
/*
 * The guests `virtcap advise` knows (reports/guests.c): for each, the chain of requirements in
 * the order they must hold (CPU, firmware, kernel, access, then what the guest itself needs),
 * and what else can run it when hardware virtualization cannot. Data only: reports/advice.c
 * judges a chain, reports/layers.c reads an operating system's chain for its row's layers.
 */
#ifndef VIRTCAP_GUESTS_H
#define VIRTCAP_GUESTS_H

#include <stddef.h>

#include "reports/report.h"

#define ADVICE_STEPS_MAX 14
#define ADVICE_ALTERNATIVES_MAX 4

/* a layer of the main row's chain, a matrix row, or a capability (a true flag, or a string
 * other than "none": a tool found) */
enum advice_step_kind { ADVICE_LAYER, ADVICE_ROW, ADVICE_CAP };

struct advice_step {
	enum advice_step_kind kind;
	int which;		/* enum layer, or enum guest_kind */
	const char *says;	/* the requirement, for people */
	const char *cap;	/* ADVICE_CAP: the capability id */
};

struct guest_advice {
	const char *id;
	const char *title;
	/* the matrix row the layer steps are judged for: the chain up to a usable KVM */
	enum guest_kind main;
	struct advice_step steps[ADVICE_STEPS_MAX];
	const char *alternatives[ADVICE_ALTERNATIVES_MAX];
	/* a guest of another CPU architecture, which only emulation runs on this host: the
	 * capability that proves it (its kernel booted under the emulator), the row's proof
	 * column; a chain that holds makes it "emulation", never "yes". NULL for the others */
	const char *emulation_proof;
};

/* The emulation alternative, to which a measured slowdown can be added */
extern const char advice_emulation[];
extern const char advice_pvm[];	/* told with whether this host can be a PVM host */
extern const char advice_virgl[];	/* told with whether this host has a GPU to draw with */
/* told with this host's binfmt_misc registration for each, and its proof */
extern const char advice_binfmt_aarch64[], advice_binfmt_arm[], advice_binfmt_riscv64[],
	advice_binfmt_ppc64le[], advice_binfmt_s390x[];

extern const struct guest_advice advice_table[];
extern const size_t advice_count;

/* The advice for guest id, or for a name people type for it ("linux", "win11": ignoring case),
 * or NULL */
const struct guest_advice *advice_find(const char *id);
/* Every id and name advice_find() takes, into names[0..max); how many */
size_t advice_names(const char **names, size_t max);
/* The advice that judges operating-system row k (the same id), or NULL for any other row */
const struct guest_advice *advice_for_row(enum guest_kind k);

#endif

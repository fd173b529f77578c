// SPDX-License-Identifier: MIT
/*
 * Running the proofs for the command line: the default set (proofs/manifest.h: the capability
 * proofs and their parts) or the ones --only names (the hostile guests only by name), each
 * recorded in the report (report_proof_record), which decides the matrix rows from them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "proofs/proofs.h"
#include "reports/report.h"

/* Whether p runs: in the comma-separated list only (where "liars" names every liar), or by
 * default (only NULL): the hostile guests and the liars only when named */
static bool selected(const char *only, const struct proof_def *p)
{
	if (!only)
		return proof_runs_by_default(p);

	size_t n = strlen(p->id);

	for (const char *s = only; *s;) {
		size_t len = strcspn(s, ",");

		if ((len == n && !strncmp(s, p->id, n)) ||
		    (p->group == PROOF_LIAR && len == 5 && !strncmp(s, "liars", 5)))
			return true;
		s += len;
		if (*s == ',')
			s++;
	}
	return false;
}

void cli_print_only_help(FILE *out)
{
	char text[1024], *end = text + sizeof(text), *at = text;

	at += snprintf(at, (size_t)(end - at), "prove: only these proofs; by default:");
	for (size_t i = 0; i < proof_count && at < end; i++)
		if (proof_runs_by_default(&proof_defs[i]))
			at += snprintf(at, (size_t)(end - at), " %s", proof_defs[i].id);
	if (at < end)
		at += snprintf(at, (size_t)(end - at), "; the hostile guests only by name:");
	for (size_t i = 0; i < proof_count && at < end; i++)
		if (proof_defs[i].group == PROOF_HOSTILE)
			at += snprintf(at, (size_t)(end - at), " %s", proof_defs[i].id);
	if (at < end)
		at += snprintf(at, (size_t)(end - at), "; the liars (each a proof's own guest with one "
			       "lie, which its check must fail) by name or all as: liars");
	cli_print_wrapped(out, "  --only ID,...      ", text, 21);
}

int cli_check_only(const char *only, char *err, size_t errlen)
{
	for (const char *s = only; *s;) {
		size_t len = strcspn(s, ",");
		const struct proof_def *found = NULL;

		for (size_t i = 0; i < proof_count && !found; i++)
			if ((strlen(proof_defs[i].id) == len && !strncmp(s, proof_defs[i].id, len)) ||
			    (proof_defs[i].group == PROOF_LIAR && len == 5 && !strncmp(s, "liars", 5)))
				found = &proof_defs[i];
		if (len && !found) {
			char known[512];

			snprintf(err, errlen, "--only: no proof named '%.*s' (known: %s)",
				 (int)(len > 64 ? 64 : len), s, proof_ids(known, sizeof(known), " "));
			return -EINVAL;
		}
		s += len;
		if (*s == ',')
			s++;
	}
	return 0;
}

/* The report's form of a proof's result */
static struct report_proof to_report(const struct proof_def *p, const struct hv_proof_result *res)
{
	static const enum proof_status status[] = {
		[HV_PROOF_NOT_RUN] = PROOF_NOT_RUN,
		[HV_PROOF_PROVEN] = PROOF_PROVEN,
		[HV_PROOF_FAILED] = PROOF_FAILED,
	};
	struct report_proof rp = {
		.id = (char *)p->id,
		.status = status[res->status],
		.detail = (char *)res->detail,
		.duration_us = res->duration_us,
		.row = guest_kind_from_id(p->row),
		.part = p->group == PROOF_PART,
	};

	for (unsigned i = 0; i < res->nmetrics && i < PROOF_METRICS_MAX; i++) {
		snprintf(rp.metrics[i].name, sizeof(rp.metrics[i].name), "%s",
			 res->metrics[i].name);
		rp.metrics[i].value = res->metrics[i].value;
		rp.nmetrics++;
	}
	return rp;
}

/* On a terminal (stderr), which proof runs and what it waits for: a run of every proof takes
 * seconds, and under an emulator minutes */
static void progress(const struct proof_def *p, size_t done, size_t total, unsigned timeout_ms)
{
	if (!isatty(STDERR_FILENO))
		return;
	if (p)
		fprintf(stderr, "\rvirtcap: proof %zu of %zu, %s: waiting for its guest (at most "
			"%u ms)\033[K", done + 1, total, p->id, timeout_ms);
	else
		fputs("\r\033[K", stderr);
}

/*
 * Without --timeout, a guest that spins is not waited for to the deadline: once the manifest's
 * first proof (the simplest: real16 on x86, arm64 on arm64) is proven, a single-vCPU guest that
 * has used SPIN_CALIBRATION times its whole time (VM made, guest run, checked) of CPU time, and
 * at least SPIN_CPU_MIN_MS, is stopped as spinning. CPU time, not wall time: a busy host's
 * descheduled guest uses none; and scaled from that proof's own time: an emulated host's slower
 * guests get more. A working guest needs well under a millisecond of it.
 */
#define SPIN_CALIBRATION 40
#define SPIN_CPU_MIN_MS 150

int cli_run_proofs(struct report *r, const char *only, unsigned timeout_ms, bool spin_limit,
		   bool live)
{
	struct hv_proof_opts opts = { .timeout_ms = timeout_ms };
	size_t total = 0, done = 0;

	for (size_t i = 0; i < proof_count; i++)
		total += selected(only, &proof_defs[i]);
	for (size_t i = 0; i < proof_count; i++) {
		const struct proof_def *p = &proof_defs[i];
		struct hv_proof_result res = { 0 };

		if (!selected(only, p))
			continue;
		if (live) {
			progress(p, done++, total, timeout_ms ? timeout_ms : HV_PROOF_TIMEOUT_MS);
			proof_run_bounded(p, &opts, &res);
			progress(NULL, done, total, 0);
		} else {
			hv_result_set(&res, HV_PROOF_NOT_RUN, "a captured root: proofs run only on the "
				      "live host");
		}

		if (spin_limit && p == &proof_defs[0] && res.status == HV_PROOF_PROVEN) {
			uint64_t ms = SPIN_CALIBRATION * res.duration_us / 1000;

			opts.spin_cpu_ms = ms > SPIN_CPU_MIN_MS ? ms : SPIN_CPU_MIN_MS;
		}

		struct report_proof rp = to_report(p, &res);

		if (report_proof_record(r, &rp))
			return -ENOMEM;
	}
	return 0;
}

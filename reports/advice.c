// SPDX-License-Identifier: MIT
/*
 * The guests `virtcap advise` knows, their chains of requirements and their alternatives, and
 * how a chain is judged on a report (reports/advice.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "reports/advice.h"
#include "reports/caps.h"
#include "reports/requirements.h"

/* Add row k's proof to the comma-separated list in buf, once; the rows without a test guest
 * (passthrough, container) have none */
static void add_proof(enum guest_kind k, char *buf, size_t len)
{
	const char *id = guest_kind_id(k);
	size_t n = strlen(id), used = strlen(buf);

	if (k == GUEST_PASSTHROUGH || k == GUEST_GRAPHICS || k == GUEST_CONTAINER)
		return;
	for (const char *q = buf; *q; q += strcspn(q, ","), q += *q == ',')
		if (strcspn(q, ",") == n && !strncmp(q, id, n))
			return;
	snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? "," : "", id);
}

const char *advice_proofs(const struct guest_advice *a, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < ADVICE_STEPS_MAX && a->steps[i].says; i++)
		if (a->steps[i].kind != ADVICE_CAP)
			add_proof(a->steps[i].kind == ADVICE_ROW ? (enum guest_kind)a->steps[i].which
							       : a->main, buf, len);
	return buf[0] ? buf : NULL;
}

const char *advice_required_proofs(const char *requires, char *buf, size_t len)
{
	char chain[256];

	buf[0] = '\0';
	for (const char *q = requires; *q; q += strcspn(q, ","), q += *q == ',') {
		char id[32];
		int k;

		snprintf(id, sizeof(id), "%.*s", (int)strcspn(q, ","), q);
		if ((k = guest_kind_from_id(id)) < 0)
			continue;	/* kvm, sev-snp, tdx: judged on the probe alone */
		if (!advice_for_row((enum guest_kind)k)) {
			add_proof((enum guest_kind)k, buf, len);
			continue;
		}
		/* an operating system's row is its chain: the proofs of every row it needs */
		advice_proofs(advice_for_row((enum guest_kind)k), chain, sizeof(chain));
		for (const char *c = chain; *c; c += strcspn(c, ","), c += *c == ',') {
			snprintf(id, sizeof(id), "%.*s", (int)strcspn(c, ","), c);
			add_proof((enum guest_kind)guest_kind_from_id(id), buf, len);
		}
	}
	return buf[0] ? buf : NULL;
}


/* probe: the rows as the probe alone judged them, before any proof */
static enum layer_state step_state(const struct report *r, const struct guest_advice *a,
				   const struct advice_step *s, bool probe)
{
	if (s->kind == ADVICE_LAYER)
		return report_layer_state(r, a->main, (enum layer)s->which);
	if (s->kind == ADVICE_CAP) {
		const struct cap *c = report_cap(r, s->cap);

		return !c || c->kind == CAP_UNKNOWN ? LAYER_UNKNOWN
		       : c->kind == CAP_BOOL ? (c->b ? LAYER_OK : LAYER_FAIL)
		       : c->kind == CAP_STRING && !strcmp(c->s, "none") ? LAYER_FAIL : LAYER_OK;
	}

	enum verdict v = probe ? r->matrix[s->which].probe_verdict : r->matrix[s->which].verdict;

	return v == VERDICT_YES ? LAYER_OK : v == VERDICT_NO ? LAYER_FAIL : LAYER_UNKNOWN;
}

/* The row that explains step i: its own, or for a layer the main row's, since the matrix names
 * the first failing layer of the same chain */
static const struct matrix_row *step_row(const struct report *r, const struct guest_advice *a,
					 int i)
{
	return &r->matrix[a->steps[i].kind == ADVICE_ROW ? a->steps[i].which : (int)a->main];
}

/*
 * Step i's words on r. Under PVM the CPU step holds on the CPU's long mode or PAE alone (the
 * layer judges no VT-x/AMD-V there: reports/layers.c), so it must not claim VT-x/AMD-V.
 */
static const char *step_says(const struct report *r, const struct guest_advice *a, int i)
{
	const struct advice_step *s = &a->steps[i];

	if (s->kind != ADVICE_LAYER || s->which != LAYER_CPU || a->main == GUEST_NESTED ||
	    !report_kvm_pvm(r))
		return s->says;
	if (a->main == GUEST_LONG64)
		return "the CPU has long mode (this KVM is PVM, which needs no VT-x/AMD-V)";
	if (a->main == GUEST_PAE32)
		return "the CPU has PAE (this KVM is PVM, which needs no VT-x/AMD-V)";
	return "no VT-x/AMD-V needed: this KVM is PVM";
}

/* An ARM OS on an ARM host: its own row (report_matrix_derive's gate, then its arm64 proof)
 * decides, not the chain of another architecture's emulator. That row, or -1. */
static int arm_native_row(const struct report *r, const struct guest_advice *a)
{
	for (int k = GUEST_DOS; k < GUEST_KIND_COUNT; k++)
		if (report_arm_native_row(r, (enum guest_kind)k) && advice_for_row(k) == a)
			return k;
	return -1;
}

/*
 * Why a guest is not judged on an ARM host, or NULL: a chain through the x86 layers or hv-mini's
 * x86 rows means nothing there (an x86 guest runs on it by emulation only), and is not judged
 * yet (issue 28). Chains of findings alone (Xen's, another architecture's emulator) still hold.
 */
static const char *arm_host_unjudged(const struct report *r, const struct guest_advice *a)
{
	if (!report_host_is_arm(r))
		return NULL;
	for (int i = 0; i < ADVICE_STEPS_MAX && a->steps[i].says; i++)
		if (a->steps[i].kind == ADVICE_LAYER ||
		    (a->steps[i].kind == ADVICE_ROW && a->steps[i].which != GUEST_CONTAINER &&
		     a->steps[i].which != GUEST_GRAPHICS))
			return "an x86 guest, and this is an ARM host, whose KVM runs ARM guests (x86 "
			       "ones only by emulation); " REPORT_ARM_HOST_UNJUDGED;
	return NULL;
}

/* The one step of an ARM OS on an ARM host: its row, as the matrix has it */
static void judge_arm_native(const struct report *r, enum guest_kind k,
			     struct advice_judgement *j, bool probe)
{
	const struct matrix_row *row = &r->matrix[k];
	enum verdict v = probe ? row->probe_verdict : row->verdict;

	j->verdict = v;
	j->nsteps = 1;
	j->says[0] = k == GUEST_ARM32 ? "this host's KVM runs it at EL1 in AArch32 "
		     "(hv-mini's 32-bit ARM guest shows it)" : "this host's KVM runs it at EL1 "
		     "(hv-mini's 64-bit ARM guest shows it)";
	j->shown[0] = v == VERDICT_YES ? LAYER_OK : v == VERDICT_NO ? LAYER_FAIL : LAYER_UNKNOWN;
	j->decisive = v == VERDICT_YES ? -1 : 0;
	j->reason = row->reason;
	j->fix = row->fix;
}

static void judge(const struct report *r, const struct guest_advice *a,
		  struct advice_judgement *j, bool probe)
{
	int first_bad = -1, first_unknown = -1;

	memset(j, 0, sizeof(*j));
	if (arm_native_row(r, a) >= 0) {
		judge_arm_native(r, (enum guest_kind)arm_native_row(r, a), j, probe);
		return;
	}
	for (int i = 0; i < ADVICE_STEPS_MAX && a->steps[i].says; i++) {
		j->shown[i] = step_state(r, a, &a->steps[i], probe);
		j->says[i] = step_says(r, a, i);
		j->nsteps++;
		if (first_bad < 0 && j->shown[i] == LAYER_FAIL)
			first_bad = i;
		else if (first_unknown < 0 && j->shown[i] == LAYER_UNKNOWN)
			first_unknown = i;
	}
	j->verdict = first_bad >= 0 ? VERDICT_NO : first_unknown >= 0 ? VERDICT_UNKNOWN
		     : a->emulation_proof ? VERDICT_EMULATION : VERDICT_YES;
	if ((j->reason = arm_host_unjudged(r, a))) {	/* unknown, never an x86 host's no */
		j->verdict = VERDICT_UNKNOWN;
		j->decisive = -1;
		j->fix = NULL;
		return;
	}
	j->decisive = first_bad >= 0 ? first_bad : first_unknown;
	if (j->decisive < 0)
		return;

	if (a->steps[j->decisive].kind == ADVICE_CAP) {	/* the capability says why and how */
		const struct cap *c = report_cap(r, a->steps[j->decisive].cap);

		j->reason = c && c->detail ? c->detail : "not known";
		j->fix = c ? c->fix : NULL;
		return;
	}

	const struct matrix_row *d = step_row(r, a, j->decisive);

	j->reason = d->reason;
	j->fix = d->fix;
	for (int i = j->decisive + 1; i < j->nsteps; i++) {
		const char *mine = r->matrix[a->steps[i].which].blocked_by;

		/* a capability; "proof" is each row's own test guest, shared by none */
		if (j->shown[i] != LAYER_OK && a->steps[i].kind == ADVICE_ROW && mine &&
		    d->blocked_by && !strcmp(mine, d->blocked_by) && strcmp(mine, "proof"))
			j->shown[i] = LAYER_NOT_RUN;
	}
}

void advice_judge(const struct report *r, const struct guest_advice *a,
		  struct advice_judgement *j)
{
	judge(r, a, j, false);
}

/* 'it fails at "X": why' for a no, alike for an unknown, or what holds for a yes */
static void row_reason(const struct report *r, const struct guest_advice *a,
		       const struct advice_judgement *j, char *buf, size_t len)
{
	size_t used;

	/* judged on no step (an ARM host's own), or a guest of another architecture whose
	 * tool or boot decides: the finding says it whole, and how to run the boot (advise has
	 * the steps' words) */
	if ((j->decisive < 0 && j->verdict == VERDICT_UNKNOWN) ||
	    (j->decisive >= 0 && a->emulation_proof)) {
		snprintf(buf, len, "%s", j->reason ? j->reason : "not known");
		return;
	}
	if (j->decisive >= 0) {
		snprintf(buf, len, "%s at \"%s\": %s", j->verdict == VERDICT_NO ? "it fails"
			 : "it is unknown", j->says[j->decisive],
			 j->reason ? j->reason : "no reason recorded");
		return;
	}
	if (a->emulation_proof) {	/* what the boot under the emulator showed, timed */
		const struct cap *c = report_cap(r, a->emulation_proof);

		snprintf(buf, len, "by emulation only: %s", c && c->detail ? c->detail : "");
		return;
	}
	used = (size_t)snprintf(buf, len, "everything it needs holds:");
	for (int i = 0; i < j->nsteps; i++)
		if (a->steps[i].kind == ADVICE_ROW && used < len)
			used += (size_t)snprintf(buf + used, len - used, " %s",
						 guest_kind_id((enum guest_kind)a->steps[i].which));
}

int advice_rows_derive(struct report *r)
{
	for (int k = GUEST_DOS; k < GUEST_KIND_COUNT; k++) {
		const struct guest_advice *a = advice_for_row((enum guest_kind)k);
		struct advice_judgement j, probe;
		char reason[1024];
		const char *blocked_by = NULL;

		if (!a || arm_native_row(r, a) >= 0)	/* decided as a row of its own */
			continue;
		judge(r, a, &j, false);
		judge(r, a, &probe, true);
		if (j.decisive >= 0) {
			/* the capability that decides, or where a proof decided, the row it proved */
			const struct advice_step *st = &a->steps[j.decisive];
			enum guest_kind row = st->kind == ADVICE_ROW ? (enum guest_kind)st->which
								     : a->main;
			const char *by = r->matrix[row].blocked_by;

			blocked_by = st->kind == ADVICE_CAP ? st->cap
				     : by && strcmp(by, "proof") ? by : guest_kind_id(row);
		}
		if (j.decisive < 0 && j.verdict == VERDICT_UNKNOWN)	/* an ARM host's own */
			blocked_by = CAP_KERNEL_ARCH;
		row_reason(r, a, &j, reason, sizeof(reason));
		if (report_matrix_set(r, (enum guest_kind)k, j.verdict, blocked_by, reason, j.fix))
			return -ENOMEM;
		r->matrix[k].probe_verdict = probe.verdict;
		/* a proof behind one of its rows contradicted the probe, and so the answer */
		r->matrix[k].disagreement = probe.verdict != VERDICT_UNKNOWN &&
					    j.verdict != VERDICT_UNKNOWN && probe.verdict != j.verdict;
	}
	return 0;
}

/* ": the how" of a finding's detail "why: the how", or the whole detail */
static const char *after_colon(const char *detail)
{
	const char *c = detail ? strstr(detail, ": ") : NULL;

	return c ? c + 2 : detail ? detail : "";
}

/* An architecture's containers: its binfmt_misc registration here, and prove --foreign's word */
static void binfmt_said(const struct report *r, const char *alt, char *out, size_t len)
{
	static const struct {
		const char *alt, *registered, *runs;
	} arches[] = {
		{ advice_binfmt_aarch64, CAP_BINFMT_AARCH64, CAP_BINFMT_AARCH64_RUNS },
		{ advice_binfmt_arm, CAP_BINFMT_ARM, CAP_BINFMT_ARM_RUNS },
		{ advice_binfmt_riscv64, CAP_BINFMT_RISCV64, CAP_BINFMT_RISCV64_RUNS },
		{ advice_binfmt_ppc64le, CAP_BINFMT_PPC64LE, CAP_BINFMT_PPC64LE_RUNS },
		{ advice_binfmt_s390x, CAP_BINFMT_S390X, CAP_BINFMT_S390X_RUNS },
	};

	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		if (alt != arches[i].alt)
			continue;

		const struct cap *reg = report_cap(r, arches[i].registered);
		const struct cap *runs = report_cap(r, arches[i].runs);

		if (!reg || reg->kind != CAP_STRING)
			return;
		if (!strcmp(reg->s, "none"))
			snprintf(out, len, "; not set up here: %s", after_colon(reg->detail));
		else if (runs && runs->kind == CAP_BOOL)
			snprintf(out, len, "; here: %s, and %s", reg->s, runs->b ? "prove --foreign "
				 "ran a program through it" : after_colon(runs->detail));
		else
			snprintf(out, len, "; here: %s (virtcap prove --foreign shows a program "
				 "runs)", reg->s);
	}
}

void advice_alternative_text(const struct report *r, const char *alt, char *out, size_t len)
{
	char measured[384] = "";
	const char *hv = report_cap_string(r, CAP_ENV_HYPERVISOR);
	const struct cap *tcg = report_cap(r, CAP_TOOLS_TCG_SLOWDOWN);
	const struct cap *graphics_cap = report_cap(r, CAP_GPU_GRAPHICS);
	const char *graphics = graphics_cap && graphics_cap->kind == CAP_STRING &&
			       graphics_cap->detail ? graphics_cap->s : NULL;
	/* the graphics row, as the matrix says it (a real guest's display proven, or not) */
	const char *rows_graphics = r->matrix[GUEST_GRAPHICS].reason;
	double ratio;
	char date[32];

	if (alt == advice_emulation && tcg && tcg->kind == CAP_STRING &&
	    sscanf(tcg->s, "%lf %31s", &ratio, date) == 2)
		snprintf(measured, sizeof(measured), "; measured here (make bench, %s): a "
			 "register-only loop ran %.1fx slower than on this CPU, and OS code with "
			 "memory accesses and device exits runs slower still", date, ratio);
	else if (alt == advice_emulation && tcg && tcg->kind == CAP_STRING)	/* "none" */
		snprintf(measured, sizeof(measured), "; how much slower here is measured by make "
			 "bench (tools/tcg-slowdown), not run on this host yet");
	else if (alt == advice_emulation)	/* a captured root that does not say */
		snprintf(measured, sizeof(measured), "; how much slower is measured by make bench "
			 "(tools/tcg-slowdown) on the host itself");
	else if (alt == advice_pvm && hv && !strcmp(hv, "PVM"))
		snprintf(measured, sizeof(measured), "; not on this machine: it is itself a PVM "
			 "guest, and PVM does not run inside PVM");
	else if (alt == advice_virgl && graphics && !strcmp(graphics, "3d") && rows_graphics)
		snprintf(measured, sizeof(measured), "; here: %s", rows_graphics);
	else if (alt == advice_virgl && graphics && rows_graphics)	/* the row says why not */
		snprintf(measured, sizeof(measured), "; not on this host: %s", rows_graphics);
	else
		binfmt_said(r, alt, measured, sizeof(measured));
	snprintf(out, len, "%s%s", alt, measured);
}

// SPDX-License-Identifier: MIT
/*
 * `virtcap advise GUEST`, told: the chain of requirements with the state of each, the first
 * that does not hold with its fix, and the other ways to run the guest (the chains and how
 * they are judged: reports/advice.c). The proofs of the rows involved are run first on a live
 * host (cli/main.c), so "holds" means a test guest did it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "reports/advice.h"
#include "reports/caps.h"
#include "reports/report.h"
#include "reports/text.h"

bool cli_advise_known(const char *id)
{
	return advice_find(id) != NULL;
}

void cli_advise_list(FILE *out)
{
	for (size_t i = 0; i < advice_count; i++)
		fprintf(out, "  %-11s %s\n", advice_table[i].id, advice_table[i].title);
	fprintf(out, "  %-11s %s\n", "partition", "DEVICE: the OS on a partition or disk of this "
		"machine, as a VM (read-only: what it holds, how to try it safely)");
}

const char *cli_advise_proofs(const char *id, char *buf, size_t len)
{
	const struct guest_advice *a = advice_find(id);

	return a ? advice_proofs(a, buf, len) : NULL;
}

static const char *state_word(enum layer_state s)
{
	return s == LAYER_OK ? "holds" : s == LAYER_FAIL ? "fails" : s == LAYER_NA ? "n/a"
	       : s == LAYER_NOT_RUN ? "waits" : "unknown";
}

static const char *state_mark(enum layer_state s, bool utf8)
{
	if (utf8)
		return s == LAYER_OK ? "\u2713" : s == LAYER_FAIL ? "\u2717" : s == LAYER_NA ? "-"
		       : s == LAYER_NOT_RUN ? "\u00b7" : "?";
	return s == LAYER_OK ? "y" : s == LAYER_FAIL ? "x" : s == LAYER_NA ? "-"
	       : s == LAYER_NOT_RUN ? "." : "?";
}

static struct json_object *advice_json(const struct report *r, const struct guest_advice *a,
				       const struct advice_judgement *j)
{
	struct json_object *o = json_object_new_object(), *steps = json_object_new_array();
	struct json_object *alts = json_object_new_array();
	char alt[1024];

	json_object_object_add(o, "schema", json_object_new_string("virtcap/advice/v1"));
	json_object_object_add(o, "guest", json_object_new_string(a->id));
	json_object_object_add(o, "title", json_object_new_string(a->title));
	json_object_object_add(o, "verdict", json_object_new_string(verdict_name(j->verdict)));
	for (int i = 0; i < j->nsteps; i++) {
		const struct advice_step *step = &a->steps[i];
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "requirement", json_object_new_string(j->says[i]));
		json_object_object_add(s, "state", json_object_new_string(state_word(j->shown[i])));
		json_object_object_add(s, "layer", step->kind == ADVICE_LAYER ?
				       json_object_new_string(layer_name(step->which)) : NULL);
		json_object_object_add(s, "row", step->kind == ADVICE_ROW ?
				       json_object_new_string(guest_kind_id(step->which)) : NULL);
		if (i == j->decisive) {
			json_object_object_add(s, "reason", j->reason ?
					       json_object_new_string(j->reason) : NULL);
			json_object_object_add(s, "fix", j->fix ? json_object_new_string(j->fix)
							: NULL);
		}
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	json_object_object_add(o, "first_failing_step", j->decisive >= 0 ?
			       json_object_new_int(j->decisive) : NULL);
	for (int i = 0; i < ADVICE_ALTERNATIVES_MAX && a->alternatives[i]; i++) {
		advice_alternative_text(r, a->alternatives[i], alt, sizeof(alt));
		json_object_array_add(alts, json_object_new_string(alt));
	}
	json_object_object_add(o, "alternatives", alts);
	return o;
}

void cli_print_wrapped(FILE *out, const char *lead, const char *text, int indent)
{
	fputs(lead, out);
	text_wrap(out, text, (int)strlen(lead), indent, 78, false);
}

static void advice_text(const struct report *r, const struct guest_advice *a,
			const struct advice_judgement *j,
			bool utf8, FILE *out)
{
	char lead[32], head[256], alt[1024];

	fprintf(out, "%s: %s\n\n", a->id, a->title);
	fprintf(out, "What it needs, in order\n");
	for (int i = 0; i < j->nsteps; i++) {
		snprintf(lead, sizeof(lead), "  %s %-8s", state_mark(j->shown[i], utf8),
			 state_word(j->shown[i]));
		cli_print_wrapped(out, lead, j->says[i], 14);
	}
	if (j->decisive < 0 && j->verdict == VERDICT_EMULATION) {
		/* it runs, slowly: what the boot measured, and the faster ways, below */
		const struct cap *boot = report_cap(r, a->emulation_proof);

		snprintf(head, sizeof(head), "It runs here by emulation only: %s.", boot &&
			 boot->detail ? boot->detail : "every requirement holds");
		fputc('\n', out);
		cli_print_wrapped(out, "", head, 2);
	} else if (j->decisive < 0 && j->verdict == VERDICT_UNKNOWN) {
		snprintf(head, sizeof(head), "Whether it can run here is unknown: %s.",
			 j->reason ? j->reason : "not known");
		fputc('\n', out);
		cli_print_wrapped(out, "", head, 2);
		return;
	} else if (j->decisive < 0) {
		fprintf(out, "\nIt can run here: every requirement holds%s.\n",
			a->main == GUEST_CONTAINER ? "" : ", the test guests included where they "
			"could run");
		return;
	}
	if (j->decisive >= 0) {
		snprintf(head, sizeof(head), "%s: %s", j->verdict == VERDICT_NO ? "It cannot run "
			 "here; the first requirement that fails" : "Whether it can run here is "
			 "unknown; the first requirement not known", j->says[j->decisive]);
		fputc('\n', out);
		cli_print_wrapped(out, "", head, 2);
		if (j->reason)
			cli_print_wrapped(out, "  ", j->reason, 2);
		if (j->fix) {
			fputs("  fix: ", out);
			text_wrap_fix(out, j->fix, 7, 7, 78, false);
		}
	}
	fprintf(out, "\nOther ways to run it\n");
	for (int i = 0; i < ADVICE_ALTERNATIVES_MAX && a->alternatives[i]; i++) {
		advice_alternative_text(r, a->alternatives[i], alt, sizeof(alt));
		cli_print_wrapped(out, "  - ", alt, 4);
	}
}

int cli_advise(const struct report *r, const char *id, bool json, bool utf8, FILE *out)
{
	const struct guest_advice *a = advice_find(id);
	struct advice_judgement j;

	if (!a)
		return -EINVAL;
	advice_judge(r, a, &j);
	if (json) {
		struct json_object *o = advice_json(r, a, &j);

		fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		advice_text(r, a, &j, utf8, out);
	}
	return 0;
}

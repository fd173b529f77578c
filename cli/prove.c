// SPDX-License-Identifier: MIT
/*
 * Running the proofs for the command line: all the matrix rows' proofs, or the ones --only
 * names (the hostile guests only by name), each recorded in the report's "proofs" section and,
 * for matrix rows, in the row itself (reports/proofs.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "hv-mini/hv.h"
#include "hv-mini/proofs.h"
#include "reports/report.h"

/* Whether id is in the comma-separated list (NULL: every matrix proof). */
static bool selected(const char *only, const struct proof_def *p)
{
	if (!only)
		return p->row >= 0;

	size_t n = strlen(p->id);

	for (const char *s = only; *s;) {
		size_t len = strcspn(s, ",");

		if (len == n && !strncmp(s, p->id, n))
			return true;
		s += len;
		if (*s == ',')
			s++;
	}
	return false;
}

int cli_check_only(const char *only, char *err, size_t errlen)
{
	char copy[512];

	snprintf(copy, sizeof(copy), "%s", only);
	for (char *id = strtok(copy, ","); id; id = strtok(NULL, ","))
		if (!proof_find(id)) {
			snprintf(err, errlen, "--only: no proof named '%s' (known: real16 prot32 pae32 "
				 "long64 smp irq hypercall pio mmio disk nested nested_tdp hostile-spin "
				 "hostile-triple-fault hostile-unmapped hostile-exit-flood "
				 "hostile-disk-range)", id);
			return -EINVAL;
		}
	return 0;
}

int cli_run_proofs(struct report *r, const char *only, unsigned timeout_ms, bool live)
{
	struct json_object *section = json_object_new_object();
	struct proof_opts opts = { .timeout_ms = timeout_ms };

	if (!section)
		return -ENOMEM;
	for (size_t i = 0; i < proof_count; i++) {
		const struct proof_def *p = &proof_defs[i];
		struct proof_result res = { 0 };
		uint64_t start = hv_now_ns();

		if (!selected(only, p) && !(p->row < 0 && !only && !strncmp(p->id, "nested", 6)))
			continue;	/* nested_tdp runs with the matrix proofs, under nested's row */
		if (live) {
			p->run(&opts, &res);
		} else {
			res.status = PROOF_NOT_RUN;
			snprintf(res.detail, sizeof(res.detail), "a captured root: proofs run only on "
				 "the live host");
		}
		res.duration_us = (hv_now_ns() - start) / 1000;

		struct json_object *obj = json_object_new_object();

		if (!obj)
			break;
		json_object_object_add(obj, "status",
				       json_object_new_string(proof_status_name(res.status)));
		json_object_object_add(obj, "detail", json_object_new_string(res.detail));
		json_object_object_add(obj, "duration_us",
				       json_object_new_int64((int64_t)res.duration_us));
		if (res.nmetrics) {
			struct json_object *m = json_object_new_object();

			for (unsigned j = 0; m && j < res.nmetrics; j++)
				json_object_object_add(m, res.metrics[j].name,
						       json_object_new_double(res.metrics[j].value));
			json_object_object_add(obj, "metrics", m);
		}
		json_object_object_add(section, p->id, obj);
		if (p->row >= 0 && report_matrix_prove(r, (enum guest_kind)p->row,
						       proof_status_name(res.status), res.detail,
						       res.duration_us))
			return -ENOMEM;
		struct json_object *metrics;

		if (p->row >= 0 && json_object_object_get_ex(obj, "metrics", &metrics))
			json_object_object_add(r->matrix[p->row].proof, "metrics",
					       json_object_get(metrics));
	}
	/* the nested row's proof carries its second part: the L2 under the L1's nested paging */
	struct json_object *tdp;

	if (json_object_object_get_ex(section, "nested_tdp", &tdp) && r->matrix[GUEST_NESTED].proof)
		json_object_object_add(r->matrix[GUEST_NESTED].proof, "nested_tdp",
				       json_object_get(tdp));
	return report_section_set(r, "proofs", section);
}

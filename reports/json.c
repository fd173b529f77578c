// SPDX-License-Identifier: MIT
/*
 * The report as JSON (schema: reports/schema/report-v1.json). Every key is always present and
 * unknown values are null, so fleet tools can rely on the shape; keys are never dropped for
 * being zero or false.
 */
#include <time.h>

#include <json-c/json.h>

#include "reports/report.h"
#include "version.h"

/* Add key to obj; on failure the value is released and -1 returned. */
static int put(struct json_object *obj, const char *key, struct json_object *value)
{
	if (json_object_object_add(obj, key, value)) {
		json_object_put(value);
		return -1;
	}
	return 0;
}

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *cap_to_json(const struct cap *c)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *value = NULL;

	if (!obj)
		return NULL;
	switch (c->kind) {
	case CAP_BOOL:
		value = json_object_new_boolean(c->b);
		break;
	case CAP_INT:
		value = json_object_new_int64(c->i);
		break;
	case CAP_STRING:
		value = json_object_new_string(c->s);
		break;
	case CAP_UNKNOWN:
		break;
	}
	if (put(obj, "value", value) || put(obj, "source", str_or_null(c->source)) ||
	    put(obj, "detail", str_or_null(c->detail)) || put(obj, "fix", str_or_null(c->fix))) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* A proof: status, detail, duration and, when it measured any, its metrics */
static struct json_object *proof_to_json(const struct report_proof *p)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	if (put(obj, "status", json_object_new_string(proof_status_name(p->status))) ||
	    put(obj, "detail", str_or_null(p->detail)) ||
	    put(obj, "duration_us", json_object_new_int64((int64_t)p->duration_us)))
		goto fail;
	if (p->nmetrics) {
		struct json_object *m = json_object_new_object();

		if (put(obj, "metrics", m) || !m)
			goto fail;
		for (unsigned i = 0; i < p->nmetrics; i++)
			if (put(m, p->metrics[i].name, json_object_new_double(p->metrics[i].value)))
				goto fail;
	}
	return obj;
fail:
	json_object_put(obj);
	return NULL;
}

/* The proof that decided row k, with its parts under their ids; NULL when none ran */
static struct json_object *row_proof_to_json(const struct report *r, enum guest_kind k)
{
	const struct report_proof *p = report_row_proof(r, k);
	struct json_object *obj = p ? proof_to_json(p) : NULL;

	for (size_t i = 0; obj && i < r->nproofs; i++) {
		const struct report_proof *part = &r->proofs[i];

		if (part->part && part->row == (int)k && put(obj, part->id, proof_to_json(part))) {
			json_object_put(obj);
			return NULL;
		}
	}
	return obj;
}

/* details: the probe's sections, then every proof that ran by its id */
static struct json_object *details_to_json(const struct report *r)
{
	struct json_object *obj = json_object_new_object(), *proofs;

	if (!obj)
		return NULL;
	json_object_object_foreach(r->sections, key, value)
		if (put(obj, key, json_object_get(value)))
			goto fail;
	if (!r->nproofs)
		return obj;
	proofs = json_object_new_object();
	if (!proofs || put(obj, "proofs", proofs))
		goto fail;
	for (size_t i = 0; i < r->nproofs; i++)
		if (put(proofs, r->proofs[i].id, proof_to_json(&r->proofs[i])))
			goto fail;
	return obj;
fail:
	json_object_put(obj);
	return NULL;
}

static struct json_object *row_to_json(const struct report *r, enum guest_kind k)
{
	const struct matrix_row *row = &r->matrix[k];
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	if (put(obj, "verdict", json_object_new_string(verdict_name(row->verdict))) ||
	    put(obj, "blocked_by", str_or_null(row->blocked_by)) ||
	    put(obj, "reason", str_or_null(row->reason)) || put(obj, "fix", str_or_null(row->fix)) ||
	    put(obj, "probe_verdict", json_object_new_string(verdict_name(row->probe_verdict))) ||
	    put(obj, "disagreement", json_object_new_boolean(row->disagreement)) ||
	    put(obj, "proof", row_proof_to_json(r, k))) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static struct json_object *host_to_json(const struct report *r)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	if (put(obj, "hostname", str_or_null(r->hostname)) ||
	    put(obj, "kernel_release", str_or_null(r->kernel_release)) ||
	    put(obj, "kernel_arch", str_or_null(r->kernel_arch)) ||
	    put(obj, "process_bits", r->process_bits ? json_object_new_int(r->process_bits) : NULL) ||
	    put(obj, "root", str_or_null(r->root))) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static struct json_object *generated_by_to_json(void)
{
	struct json_object *obj = json_object_new_object();
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (!obj)
		return NULL;
	if (!gmtime_r(&now, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		when[0] = '\0';
	if (put(obj, "name", json_object_new_string("virtcap")) ||
	    put(obj, "version", json_object_new_string(VIRTCAP_VERSION)) ||
	    put(obj, "time", str_or_null(when[0] ? when : NULL))) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

struct json_object *report_to_json(const struct report *r)
{
	struct json_object *root = json_object_new_object();
	struct json_object *caps = json_object_new_object();
	struct json_object *matrix = json_object_new_object();
	struct json_object *errors = json_object_new_array();

	if (!root || !caps || !matrix || !errors)
		goto fail;

	for (size_t i = 0; i < r->ncaps; i++) {
		struct json_object *c = cap_to_json(&r->caps[i]);

		if (!c || put(caps, r->caps[i].id, c))
			goto fail;
	}
	for (int k = 0; k < GUEST_KIND_COUNT; k++) {
		struct json_object *row = row_to_json(r, (enum guest_kind)k);

		if (!row || put(matrix, guest_kind_id((enum guest_kind)k), row))
			goto fail;
	}
	for (size_t i = 0; i < r->nerrors; i++) {
		struct json_object *e = json_object_new_object();

		if (!e || put(e, "input", json_object_new_string(r->errors[i].input)) ||
		    put(e, "problem", json_object_new_string(r->errors[i].problem)) ||
		    json_object_array_add(errors, e)) {
			json_object_put(e);
			goto fail;
		}
	}

	/* key order is the order a reader wants: what it is, where, then the answers */
	if (put(root, "schema", json_object_new_string(REPORT_SCHEMA)) ||
	    put(root, "generated_by", generated_by_to_json()) ||
	    put(root, "host", host_to_json(r)))
		goto fail;
	if (put(root, "matrix", matrix)) {
		matrix = NULL;
		goto fail;
	}
	matrix = NULL;
	if (put(root, "capabilities", caps)) {
		caps = NULL;
		goto fail;
	}
	caps = NULL;
	if (put(root, "details", details_to_json(r)))
		goto fail;
	if (put(root, "errors", errors)) {
		errors = NULL;
		goto fail;
	}
	return root;

fail:
	json_object_put(root);
	json_object_put(caps);
	json_object_put(matrix);
	json_object_put(errors);
	return NULL;
}

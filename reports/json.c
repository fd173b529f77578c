// SPDX-License-Identifier: MIT
/*
 * The report as JSON (schema: reports/schema/report-v1.json). Every key is always present and
 * unknown values are null, so fleet tools can rely on the shape; keys are never dropped for
 * being zero or false.
 */
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "reports/advice.h"
#include "reports/caps.h"
#include "reports/json.h"
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

static struct json_object *evidence_to_json(const struct evidence_list *l)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; list && i < l->n; i++) {
		struct json_object *e = json_object_new_object();

		if (!e || put(e, "source", json_object_new_string(l->v[i].source)) ||
		    put(e, "says", json_object_new_string(l->v[i].says)) ||
		    put(e, "confidence",
			json_object_new_string(confidence_name(l->v[i].confidence))) ||
		    json_object_array_add(list, e)) {
			json_object_put(e);
			json_object_put(list);
			return NULL;
		}
	}
	return list;
}

static struct json_object *hex_string(unsigned v, int digits)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", digits, v);
	return json_object_new_string(buf);
}

static struct json_object *pci_device_to_json(const struct pci_device *d)
{
	struct json_object *obj = json_object_new_object(), *shared = json_object_new_array();
	bool grouped = d->iommu_group >= 0;

	for (size_t i = 0; shared && i < d->nshared; i++)
		if (json_object_array_add(shared, json_object_new_string(d->shared_with[i])))
			goto fail;
	if (!obj || !shared ||
	    put(obj, "slot", json_object_new_string(d->slot)) ||
	    put(obj, "vendor_id", hex_string(d->vendor_id, 4)) ||
	    put(obj, "device_id", hex_string(d->device_id, 4)) ||
	    put(obj, "class", hex_string(d->class_code, 6)) ||
	    put(obj, "vendor_name", str_or_null(d->vendor_name)) ||
	    put(obj, "device_name", str_or_null(d->device_name)) ||
	    put(obj, "class_name", str_or_null(d->class_name)) ||
	    put(obj, "driver", str_or_null(d->driver)) ||
	    put(obj, "iommu_group", grouped ? json_object_new_int(d->iommu_group) : NULL) ||
	    put(obj, "group_devices", json_object_new_int(d->group_devices)) ||
	    put(obj, "alone_in_group", grouped ? json_object_new_boolean(d->nshared == 0) : NULL))
		goto fail;
	if (put(obj, "group_shared_with", shared)) {
		shared = NULL;
		goto fail;
	}
	shared = NULL;
	if (put(obj, "is_gpu", json_object_new_boolean(d->is_gpu)) ||
	    put(obj, "sriov_totalvfs", d->sriov_totalvfs >= 0 ?
		json_object_new_int64(d->sriov_totalvfs) : NULL) ||
	    put(obj, "sriov_numvfs", d->sriov_numvfs >= 0 ?
		json_object_new_int64(d->sriov_numvfs) : NULL))
		goto fail;
	return obj;
fail:
	json_object_put(obj);
	json_object_put(shared);
	return NULL;
}

static struct json_object *environment_to_json(const struct report *r)
{
	struct json_object *env = json_object_new_object(), *layers = json_object_new_array();
	struct json_object *dis = json_object_new_array();

	if (!env || put(env, "layers", layers) || put(env, "disagreements", dis)) {
		json_object_put(env);
		return NULL;
	}
	for (size_t i = 0; i < r->nenv_layers; i++) {
		const struct env_layer *l = &r->env_layers[i];
		struct json_object *o = json_object_new_object();

		if (!o || put(o, "level", json_object_new_int((int)i)) ||
		    put(o, "kind", json_object_new_string(l->kind)) ||
		    put(o, "name", json_object_new_string(l->name)) ||
		    put(o, "evidence", evidence_to_json(&l->evidence)) ||
		    json_object_array_add(layers, o)) {
			json_object_put(o);
			json_object_put(env);
			return NULL;
		}
	}
	for (size_t i = 0; i < r->nenv_disagreements; i++)
		if (json_object_array_add(dis, json_object_new_string(r->env_disagreements[i]))) {
			json_object_put(env);
			return NULL;
		}
	return env;
}

/* details: the probe's sections in the order the probe fills them, then every proof that ran
 * by its id */
static struct json_object *details_to_json(const struct report *r)
{
	struct json_object *obj = json_object_new_object(), *proofs, *pci;

	if (!obj)
		return NULL;
	if (r->pci_known) {
		pci = json_object_new_array();
		if (put(obj, "pci_devices", pci) || !pci)
			goto fail;
		for (size_t i = 0; i < r->npci; i++)
			if (json_object_array_add(pci, pci_device_to_json(&r->pci[i])))
				goto fail;
	}
	if (r->container_known &&
	    put(obj, "container_evidence", evidence_to_json(&r->container_evidence)))
		goto fail;
	if (r->env_known && put(obj, "environment", environment_to_json(r)))
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

/* An operating system's row: the rows its chain needs, in order (reports/advice.c) */
static struct json_object *row_needs_to_json(enum guest_kind k)
{
	const struct guest_advice *a = advice_for_row(k);
	struct json_object *list = json_object_new_array();

	for (int i = 0; list && i < ADVICE_STEPS_MAX && a->steps[i].says; i++)
		if (a->steps[i].kind == ADVICE_ROW &&
		    json_object_array_add(list, json_object_new_string(
				guest_kind_id((enum guest_kind)a->steps[i].which)))) {
			json_object_put(list);
			return NULL;
		}
	return list;
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
	    put(obj, "proof", row_proof_to_json(r, k)) ||
	    (guest_kind_is_os(k) && put(obj, "needs", row_needs_to_json(k))) ||
	    (k == GUEST_GRAPHICS && put(obj, "level",
					str_or_null(report_cap_string(r, CAP_GPU_GRAPHICS))))) {
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

/* prove --stack: each stack by name (schema: stacks) */
static struct json_object *stack_to_json(const struct report_stack *s)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *accel = json_object_new_object();
	struct json_object *devices = json_object_new_object();
	double ratio = report_stack_ratio(s);

	if (!obj || !accel || !devices)
		goto fail;
	for (int a = 0; a < STACK_ACCEL_COUNT; a++) {
		struct json_object *one = json_object_new_object();

		if (!one || put(accel, stack_accel_name((enum stack_accel)a), one) ||
		    put(one, "verdict", json_object_new_string(verdict_name(s->accel[a].verdict))) ||
		    put(one, "boot_ms", s->accel[a].boot_ms >= 0
			? json_object_new_int64(s->accel[a].boot_ms) : NULL) ||
		    put(one, "reason", str_or_null(s->accel[a].reason)) ||
		    put(one, "fix", str_or_null(s->accel[a].fix)))
			goto fail;
	}
	for (int d = 0; d < STACK_DEVICE_COUNT; d++) {
		struct json_object *one = json_object_new_object();

		if (!one || put(devices, stack_device_name((enum stack_device)d), one) ||
		    put(one, "status", json_object_new_string(proof_status_name(s->device[d].status))) ||
		    put(one, "detail", str_or_null(s->device[d].detail)))
			goto fail;
	}
	if (put(obj, "installed", s->installed < 0 ? NULL : json_object_new_boolean(s->installed)) ||
	    put(obj, "package", str_or_null(s->package)) ||
	    put(obj, "version", str_or_null(s->version)) ||
	    put(obj, "kernel", str_or_null(s->kernel)) ||
	    put(obj, "kernel_source", str_or_null(s->kernel_source)) ||
	    put(obj, "uri", str_or_null(s->uri)) ||
	    put(obj, "system_connection", str_or_null(s->system_connection)) ||
	    put(obj, "devices_accel", s->devices_ran
		? json_object_new_string(stack_accel_name(s->devices_accel)) : NULL))
		goto fail;
	if (put(obj, "accel", accel)) {
		accel = NULL;
		goto fail;
	}
	accel = NULL;
	if (put(obj, "kvm_vs_tcg", ratio > 0 ? json_object_new_double(ratio) : NULL))
		goto fail;
	if (put(obj, "devices", devices)) {
		devices = NULL;
		goto fail;
	}
	devices = NULL;
	if (put(obj, "unfinished", str_or_null(s->unfinished)))
		goto fail;
	return obj;
fail:
	json_object_put(accel);
	json_object_put(devices);
	json_object_put(obj);
	return NULL;
}

static struct json_object *stacks_to_json(const struct report *r)
{
	struct json_object *obj = json_object_new_object();

	for (size_t i = 0; obj && i < r->nstacks; i++)
		if (put(obj, r->stacks[i].name, stack_to_json(&r->stacks[i]))) {
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
	if (r->nstacks && put(root, "stacks", stacks_to_json(r)))
		goto fail;
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

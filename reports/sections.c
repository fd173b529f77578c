// SPDX-License-Identifier: MIT
/*
 * The report's sections: what does not fit one capability. The probe fills them through these
 * functions; reports/json.c renders them, human.c reads the disagreements.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "reports/text.h"

/* Grow *v (of *alloc elements of size) to hold one more; 0 or -ENOMEM */
static int grow(void **v, size_t n, size_t *alloc, size_t size)
{
	if (n < *alloc)
		return 0;

	size_t want = *alloc ? 2 * *alloc : 8;
	void *p = realloc(*v, want * size);

	if (!p)
		return -ENOMEM;
	*v = p;
	*alloc = want;
	return 0;
}

const char *confidence_name(enum confidence c)
{
	return c == CONFIDENCE_HIGH ? "high" : c == CONFIDENCE_MEDIUM ? "medium" : "low";
}

int evidence_add(struct evidence_list *l, const char *source, const char *says,
		 enum confidence c)
{
	if (grow((void **)&l->v, l->n, &l->alloc, sizeof(*l->v)))
		return -ENOMEM;

	struct evidence *e = &l->v[l->n];

	e->source = text_dup_clean(source);
	e->says = text_dup_clean(says);
	e->confidence = c;
	if (!e->source || !e->says) {
		free(e->source);
		free(e->says);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

static void evidence_free(struct evidence_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].source);
		free(l->v[i].says);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct env_layer *report_env_layer_add(struct report *r, const char *kind, const char *name)
{
	if (grow((void **)&r->env_layers, r->nenv_layers, &r->env_layers_alloc,
		 sizeof(*r->env_layers)))
		return NULL;

	struct env_layer *l = &r->env_layers[r->nenv_layers];

	memset(l, 0, sizeof(*l));
	l->kind = text_dup_clean(kind);
	l->name = text_dup_clean(name);
	if (!l->kind || !l->name) {
		free(l->kind);
		free(l->name);
		return NULL;
	}
	r->nenv_layers++;
	return l;
}

int report_env_disagreement(struct report *r, const char *says)
{
	char **v = realloc(r->env_disagreements, (r->nenv_disagreements + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	r->env_disagreements = v;
	v[r->nenv_disagreements] = text_dup_clean(says);
	if (!v[r->nenv_disagreements])
		return -ENOMEM;
	r->nenv_disagreements++;
	return 0;
}

struct pci_device *report_pci_add(struct report *r, const char *slot)
{
	if (grow((void **)&r->pci, r->npci, &r->pci_alloc, sizeof(*r->pci)))
		return NULL;

	struct pci_device *d = &r->pci[r->npci];

	memset(d, 0, sizeof(*d));
	d->iommu_group = -1;
	d->sriov_totalvfs = d->sriov_numvfs = -1;
	d->slot = text_dup_clean(slot);
	if (!d->slot)
		return NULL;
	r->npci++;
	return d;
}

int report_str_set(char **field, const char *s)
{
	char *copy = text_dup_clean(s);

	if (s && !copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

struct report_stack *report_stack_add(struct report *r, const char *name)
{
	struct report_stack *grown = realloc(r->stacks, (r->nstacks + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	r->stacks = grown;

	struct report_stack *s = &r->stacks[r->nstacks];

	memset(s, 0, sizeof(*s));
	s->installed = -1;
	for (int a = 0; a < STACK_ACCEL_COUNT; a++)
		s->accel[a].boot_ms = -1;
	if (report_str_set(&s->name, name))
		return NULL;
	r->nstacks++;
	return s;
}

const char *stack_accel_name(enum stack_accel a)
{
	return a == STACK_KVM ? "kvm" : a == STACK_TCG ? "tcg" : "?";
}

const char *stack_device_name(enum stack_device d)
{
	static const char *const names[STACK_DEVICE_COUNT] = {
		[STACK_DISK] = "disk", [STACK_QCOW2] = "qcow2", [STACK_CDROM] = "cdrom",
		[STACK_FLOPPY] = "floppy", [STACK_NET] = "net", [STACK_NET_TAP] = "net_tap",
		[STACK_SHARE] = "share", [STACK_VIRTIOFS] = "virtiofs", [STACK_DISPLAY] = "display",
	};

	return d < STACK_DEVICE_COUNT ? names[d] : "?";
}

double report_stack_ratio(const struct report_stack *s)
{
	long long kvm = s->accel[STACK_KVM].boot_ms, tcg = s->accel[STACK_TCG].boot_ms;

	if (s->accel[STACK_KVM].verdict != VERDICT_YES || s->accel[STACK_TCG].verdict != VERDICT_YES ||
	    kvm <= 0 || tcg <= 0)
		return -1;
	return (double)tcg / (double)kvm;
}

void report_sections_free(struct report *r)
{
	for (size_t i = 0; i < r->npci; i++) {
		struct pci_device *d = &r->pci[i];

		free(d->slot);
		free(d->vendor_name);
		free(d->device_name);
		free(d->class_name);
		free(d->driver);
		for (size_t j = 0; j < d->nshared; j++)
			free(d->shared_with[j]);
		free(d->shared_with);
	}
	free(r->pci);
	evidence_free(&r->container_evidence);
	for (size_t i = 0; i < r->nenv_layers; i++) {
		free(r->env_layers[i].kind);
		free(r->env_layers[i].name);
		evidence_free(&r->env_layers[i].evidence);
	}
	free(r->env_layers);
	for (size_t i = 0; i < r->nenv_disagreements; i++)
		free(r->env_disagreements[i]);
	free(r->env_disagreements);
	for (size_t i = 0; i < r->nstacks; i++) {
		struct report_stack *st = &r->stacks[i];

		free(st->name);
		free(st->package);
		free(st->version);
		free(st->kernel);
		free(st->kernel_source);
		free(st->uri);
		free(st->system_connection);
		free(st->unfinished);
		for (int a = 0; a < STACK_ACCEL_COUNT; a++) {
			free(st->accel[a].reason);
			free(st->accel[a].fix);
		}
		for (int d = 0; d < STACK_DEVICE_COUNT; d++)
			free(st->device[d].detail);
	}
	free(r->stacks);
}

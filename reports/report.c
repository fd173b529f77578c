// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/caps.h"
#include "reports/report.h"
#include "reports/text.h"

static const struct {
	const char *id;
	const char *title;
} guest_kinds[GUEST_KIND_COUNT] = {
	[GUEST_DOS] = { "dos", "DOS and other 16-bit real-mode systems" },
	[GUEST_OS32] = { "os32", "a 32-bit operating system" },
	[GUEST_OS64] = { "os64", "a 64-bit operating system (Linux, Windows, BSD)" },
	[GUEST_HYPERVISOR] = { "hypervisor", "a hypervisor in a guest (nested virtualization)" },
	[GUEST_ARM64] = { "arm64", "a 64-bit ARM operating system (AArch64: Raspberry Pi, cloud "
			   "arm64 images)" },
	[GUEST_ARM32] = { "arm32", "a 32-bit ARM operating system (armhf)" },
	[GUEST_PPC64LE] = { "ppc64le", "a 64-bit little-endian POWER operating system (ppc64el)" },
	[GUEST_S390X] = { "s390x", "an IBM Z operating system (s390x)" },
	[GUEST_REAL16] = { "real16", "16-bit real mode (DOS, boot loaders)" },
	[GUEST_PROT32] = { "prot32", "32-bit protected mode" },
	[GUEST_PAE32] = { "pae32", "32-bit PAE paging" },
	[GUEST_LONG64] = { "long64", "64-bit long mode" },
	[GUEST_BOOT] = { "boot", "the guest's own way from real mode to long mode, with its IDT" },
	[GUEST_SMP] = { "smp", "several vCPUs" },
	[GUEST_IRQ] = { "irq", "interrupts injected by the host" },
	[GUEST_HYPERCALL] = { "hypercall", "paravirtual hypercalls" },
	[GUEST_PIO] = { "pio", "port I/O devices" },
	[GUEST_MMIO] = { "mmio", "memory-mapped devices" },
	[GUEST_DISK] = { "disk", "a host file as the guest's disk" },
	[GUEST_NESTED] = { "nested", "a guest that runs its own guests" },
	[GUEST_PASSTHROUGH] = { "passthrough", "PCI device passthrough (VFIO)" },
	[GUEST_GRAPHICS] = { "graphics", "graphics for guests: a display, 3D forwarded, a GPU's "
			     "slice or virtual function" },
	[GUEST_CONTAINER] = { "container", "OS-level virtualization (containers)" },
};

const char *guest_kind_id(enum guest_kind k)
{
	return k < GUEST_KIND_COUNT ? guest_kinds[k].id : "?";
}

int guest_kind_from_id(const char *id)
{
	for (int k = 0; id && k < GUEST_KIND_COUNT; k++)
		if (!strcmp(guest_kinds[k].id, id))
			return k;
	return -1;
}

const char *guest_kind_short_title(enum guest_kind k)
{
	static const char *const titles[GUEST_KIND_COUNT] = {
		[GUEST_DOS] = "DOS, 16-bit systems",
		[GUEST_OS32] = "a 32-bit OS",
		[GUEST_OS64] = "a 64-bit OS",
		[GUEST_HYPERVISOR] = "a hypervisor in a VM",
		[GUEST_ARM64] = "a 64-bit ARM OS",
		[GUEST_ARM32] = "a 32-bit ARM OS",
		[GUEST_PPC64LE] = "a POWER OS (ppc64le)",
		[GUEST_S390X] = "an IBM Z OS (s390x)",
		[GUEST_REAL16] = "real mode (DOS)",
		[GUEST_PROT32] = "32-bit protected mode",
		[GUEST_PAE32] = "32-bit with PAE",
		[GUEST_LONG64] = "64-bit long mode",
		[GUEST_BOOT] = "an OS loader's path",
		[GUEST_SMP] = "several vCPUs",
		[GUEST_IRQ] = "injected interrupts",
		[GUEST_HYPERCALL] = "hypercalls",
		[GUEST_PIO] = "port I/O devices",
		[GUEST_MMIO] = "memory-mapped devices",
		[GUEST_DISK] = "a host file as disk",
		[GUEST_NESTED] = "a guest's own guests",
		[GUEST_PASSTHROUGH] = "PCI passthrough",
		[GUEST_GRAPHICS] = "a guest's display",
		[GUEST_CONTAINER] = "containers",
	};

	return k < GUEST_KIND_COUNT ? titles[k] : "?";
}

const char *guest_kind_title(enum guest_kind k)
{
	return k < GUEST_KIND_COUNT ? guest_kinds[k].title : "?";
}

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_YES:
		return "yes";
	case VERDICT_NO:
		return "no";
	case VERDICT_EMULATION:
		return "emulation";
	case VERDICT_NA:
		return "not-applicable";
	default:
		return "unknown";
	}
}

struct report *report_new(void)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	return r;
}

static void cap_clear(struct cap *c)
{
	free(c->id);
	free(c->s);
	free(c->source);
	free(c->detail);
	free(c->fix);
}

static void row_clear(struct matrix_row *row)
{
	free(row->blocked_by);
	free(row->reason);
	free(row->fix);
	memset(row, 0, sizeof(*row));
}

void report_free(struct report *r)
{
	if (!r)
		return;
	free(r->hostname);
	free(r->kernel_release);
	free(r->kernel_arch);
	free(r->root);
	for (size_t i = 0; i < r->ncaps; i++)
		cap_clear(&r->caps[i]);
	free(r->caps);
	report_sections_free(r);
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		row_clear(&r->matrix[k]);
	for (size_t i = 0; i < r->nproofs; i++) {
		free(r->proofs[i].id);
		free(r->proofs[i].detail);
	}
	free(r->proofs);
	for (size_t i = 0; i < r->nerrors; i++) {
		free(r->errors[i].input);
		free(r->errors[i].problem);
	}
	free(r->errors);
	free(r);
}

static struct cap *cap_find(const struct report *r, const char *id)
{
	for (size_t i = 0; i < r->ncaps; i++)
		if (strcmp(r->caps[i].id, id) == 0)
			return &r->caps[i];
	return NULL;
}

/* Find or append the capability id; NULL when out of memory. */
static struct cap *cap_slot(struct report *r, const char *id)
{
	struct cap *c = cap_find(r, id);

	if (c)
		return c;
	if (r->ncaps == r->caps_alloc) {
		size_t alloc = r->caps_alloc ? r->caps_alloc * 2 : 64;
		struct cap *v = realloc(r->caps, alloc * sizeof(*v));

		if (!v)
			return NULL;
		r->caps = v;
		r->caps_alloc = alloc;
	}
	c = &r->caps[r->ncaps];
	memset(c, 0, sizeof(*c));
	c->id = strdup(id);
	if (!c->id)
		return NULL;
	r->ncaps++;
	return c;
}

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
	char *s;

	if (!fmt)
		return NULL;
	return vasprintf(&s, fmt, ap) < 0 ? NULL : text_clean(s);
}

/* Common tail of the report_cap_*() setters. */
static int cap_set(struct report *r, const char *id, enum cap_kind kind, bool b, long long i,
		   const char *s, const char *source, const char *detail_fmt, va_list ap)
	__attribute__((format(printf, 8, 0)));
static int cap_set(struct report *r, const char *id, enum cap_kind kind, bool b, long long i,
		   const char *s, const char *source, const char *detail_fmt, va_list ap)
{
	struct cap *c = cap_slot(r, id);

	if (!c)
		return -ENOMEM;

	char *src = text_dup_clean(source);
	char *str = text_dup_clean(s);
	char *detail = vformat(detail_fmt, ap);

	if ((source && !src) || (s && !str) || (detail_fmt && !detail)) {
		free(src);
		free(str);
		free(detail);
		return -ENOMEM;
	}
	c->kind = kind;
	c->b = b;
	c->i = i;
	free(c->s);
	c->s = str;
	free(c->source);
	c->source = src;
	if (detail) {
		free(c->detail);
		c->detail = detail;
	}
	return 0;
}

int report_cap_bool(struct report *r, const char *id, bool value, const char *source,
		    const char *detail_fmt, ...)
{
	va_list ap;

	va_start(ap, detail_fmt);
	int err = cap_set(r, id, CAP_BOOL, value, 0, NULL, source, detail_fmt, ap);

	va_end(ap);
	return err;
}

int report_cap_int(struct report *r, const char *id, long long value, const char *source,
		   const char *detail_fmt, ...)
{
	va_list ap;

	va_start(ap, detail_fmt);
	int err = cap_set(r, id, CAP_INT, false, value, NULL, source, detail_fmt, ap);

	va_end(ap);
	return err;
}

int report_cap_str(struct report *r, const char *id, const char *value, const char *source,
		   const char *detail_fmt, ...)
{
	va_list ap;

	va_start(ap, detail_fmt);
	int err = cap_set(r, id, value ? CAP_STRING : CAP_UNKNOWN, false, 0, value, source,
			  detail_fmt, ap);

	va_end(ap);
	return err;
}

int report_cap_unknown(struct report *r, const char *id, const char *source,
		       const char *detail_fmt, ...)
{
	va_list ap;

	va_start(ap, detail_fmt);
	int err = cap_set(r, id, CAP_UNKNOWN, false, 0, NULL, source, detail_fmt, ap);

	va_end(ap);
	return err;
}

int report_cap_fix(struct report *r, const char *id, const char *fix_fmt, ...)
{
	struct cap *c = cap_find(r, id);
	va_list ap;

	if (!c)
		return -ENOENT;
	va_start(ap, fix_fmt);
	char *fix = vformat(fix_fmt, ap);

	va_end(ap);
	if (!fix)
		return -ENOMEM;
	free(c->fix);
	c->fix = fix;
	return 0;
}

int report_cap_hex(struct report *r, const char *id)
{
	struct cap *c = cap_find(r, id);

	if (!c)
		return -ENOENT;
	c->hex = true;
	return 0;
}

const struct cap *report_cap(const struct report *r, const char *id)
{
	return cap_find(r, id);
}

int report_cap_flag(const struct report *r, const char *id)
{
	const struct cap *c = cap_find(r, id);

	if (!c || c->kind != CAP_BOOL)
		return -1;
	return c->b ? 1 : 0;
}

const char *report_cap_string(const struct report *r, const char *id)
{
	const struct cap *c = cap_find(r, id);

	return c && c->kind == CAP_STRING ? c->s : NULL;
}

int report_input_error(struct report *r, const char *input, const char *problem_fmt, ...)
{
	va_list ap;

	if (r->nerrors == r->errors_alloc) {
		size_t alloc = r->errors_alloc ? r->errors_alloc * 2 : 4;
		struct input_error *v = realloc(r->errors, alloc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->errors = v;
		r->errors_alloc = alloc;
	}
	va_start(ap, problem_fmt);
	char *problem = vformat(problem_fmt, ap);

	va_end(ap);

	char *in = text_dup_clean(input);

	if (!problem || !in) {
		free(problem);
		free(in);
		return -ENOMEM;
	}
	r->errors[r->nerrors].input = in;
	r->errors[r->nerrors].problem = problem;
	r->nerrors++;
	return 0;
}

static int replace_str(char **dst, const char *src)
{
	char *copy = text_dup_clean(src);

	if (src && !copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

int report_set_host(struct report *r, const char *hostname, const char *kernel_release,
		    const char *kernel_arch, int process_bits)
{
	if (replace_str(&r->hostname, hostname) || replace_str(&r->kernel_release, kernel_release) ||
	    replace_str(&r->kernel_arch, kernel_arch))
		return -ENOMEM;
	r->process_bits = process_bits;
	return 0;
}

int report_matrix_set(struct report *r, enum guest_kind k, enum verdict v, const char *blocked_by,
		      const char *reason, const char *fix)
{
	struct matrix_row *row = &r->matrix[k];

	if (replace_str(&row->blocked_by, blocked_by) || replace_str(&row->reason, reason) ||
	    replace_str(&row->fix, fix))
		return -ENOMEM;
	row->verdict = v;
	return 0;
}

enum verdict report_kvm_usable(const struct report *r)
{
	const char *dev = report_cap_string(r, CAP_KERNEL_DEV_KVM);

	if (!dev)
		return VERDICT_UNKNOWN;
	if (strcmp(dev, "ok") || report_cap_flag(r, CAP_KERNEL_KVM_CREATE_VM) == 0)
		return VERDICT_NO;
	return VERDICT_YES;
}

bool report_kvm_pvm(const struct report *r)
{
	const char *mod = report_cap_string(r, CAP_KERNEL_KVM_MODULE);

	return mod && !strcmp(mod, "kvm_pvm");
}

bool report_host_is_arm(const struct report *r)
{
	return r->kernel_arch && (!strcmp(r->kernel_arch, "aarch64") ||
				  !strncmp(r->kernel_arch, "arm", 3));
}

bool report_arm_native_row(const struct report *r, enum guest_kind k)
{
	return report_host_is_arm(r) && (k == GUEST_ARM64 || k == GUEST_ARM32);
}

const struct report_proof *report_row_proof(const struct report *r, enum guest_kind k)
{
	const struct report_proof *found = NULL;

	for (size_t i = 0; i < r->nproofs; i++)
		if (r->proofs[i].row == (int)k && !r->proofs[i].part)
			found = &r->proofs[i];
	return found;
}

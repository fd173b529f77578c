// SPDX-License-Identifier: MIT
/*
 * The report as Node Feature Discovery labels (reports/report.h): a local feature file that NFD
 * reads from /etc/kubernetes/node-feature-discovery/features.d/, so that Kubernetes can place
 * a VM on a node where virtcap proved what it needs. Only what the report already decided is
 * said: each matrix row's verdict and its proof's status, whether this user can use KVM, the
 * KVM module, the layer the node runs in.
 *
 * NFD's rules (its source/local/local.go and pkg/apis/nfd/validate/validate.go): one
 * "name=value" per line; "# +expiry-time=RFC3339" drops the lines after it once that time has
 * passed; a file over 64 KiB, or whose name starts with '.', is not read; a name is a
 * qualified name with a prefix, a DNS subdomain outside kubernetes.io except
 * feature.node.kubernetes.io and its subdomains, its name part at most 63 characters of
 * [A-Za-z0-9._-] with an alphanumeric at each end; a value the same, or empty.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reports/caps.h"
#include "reports/report.h"
#include "reports/requirements.h"
#include "version.h"

#define NFD_PREFIX "virtcap.feature.node.kubernetes.io/"
#define NFD_VALUE_MAX 63
#define NFD_FILE_MAX 65536

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* text as a label value: [A-Za-z0-9._-] kept, every run of anything else one '-', from its
 * first alphanumeric, at most 63 characters, ending in an alphanumeric; "" for none */
static void label_value(const char *text, char *out)
{
	size_t n = 0;

	for (const char *c = text ? text : ""; *c && n < NFD_VALUE_MAX; c++) {
		bool kept = alnum(*c) || *c == '.' || *c == '_' || *c == '-';

		if (!n && !alnum(*c))
			continue;
		if (kept)
			out[n++] = *c;
		else if (out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n && !alnum(out[n - 1]))
		n--;
	out[n] = '\0';
}

static void label(FILE *out, const char *name, const char *value)
{
	char v[NFD_VALUE_MAX + 1];

	label_value(value, v);
	fprintf(out, NFD_PREFIX "%s=%s\n", name, v);
}

/* Where the node runs: its VMM, else the hypervisor CPUID names, else bare metal */
static const char *environment(const struct report *r)
{
	const char *vmm = report_cap_string(r, CAP_ENV_VMM);
	const char *hv = report_cap_string(r, CAP_ENV_HYPERVISOR);
	int guest = report_cap_flag(r, CAP_ENV_IS_GUEST);

	if (vmm)
		return vmm;
	if (hv)
		return hv;
	return guest == 0 ? "bare-metal" : guest == 1 ? "vm" : "unknown";
}

int report_print_nfd(const struct report *r, time_t now, unsigned expiry_s, void *file)
{
	FILE *out = file;
	char when[40], expires[40], name[64];
	time_t until = now + (time_t)expiry_s;
	struct tm tm;
	long start = ftell(out);

	if (!gmtime_r(&now, &tm) || !strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm) ||
	    !gmtime_r(&until, &tm) || !strftime(expires, sizeof(expires), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -1;
	fprintf(out, "# virtcap %s: what this node's guests can do, proven where a proof ran "
		"(virtcap(1), --nfd)\n# +expiry-time=%s\n", VIRTCAP_VERSION, expires);
	for (int k = 0; k < GUEST_KIND_COUNT; k++) {
		/* the matrix's proof column: an operating system's row by the proofs of its chain */
		enum layer_state proof = report_layer_state(r, (enum guest_kind)k, LAYER_PROOF);

		label(out, guest_kind_id((enum guest_kind)k), verdict_name(r->matrix[k].verdict));
		if (proof == LAYER_NA)
			continue;	/* no test guest: nothing to prove */
		snprintf(name, sizeof(name), "%s.proof", guest_kind_id((enum guest_kind)k));
		label(out, name, proof == LAYER_OK ? "proven" : proof == LAYER_FAIL ? "failed" :
			  "not-run");
	}
	label(out, "kvm", verdict_name(report_kvm_usable(r)));
	label(out, "kvm-module", report_cap_string(r, CAP_KERNEL_KVM_MODULE));
	label(out, "environment", environment(r));
	label(out, "schema", strchr(REPORT_SCHEMA, '/') ? strrchr(REPORT_SCHEMA, '/') + 1 : "");
	label(out, "time", when);
	if (ferror(out))
		return -1;
	/* NFD does not read a file over 64 KiB: never write one it would drop whole */
	return start >= 0 && ftell(out) - start > NFD_FILE_MAX ? -1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * `virtcap check --require ID,... | --profile NAME`: CI hardware qualification. Exit 0 when
 * every requirement is "yes", 1 when one is not (each said with its reason and fix), 2 on a
 * usage or internal error. Requirements are the matrix rows, plus what CI runners are refused
 * for that is not a row:
 *   kvm      this user opens /dev/kvm and KVM creates a VM: the classic trap is a CPU with
 *            VT-x/AMD-V and a runner user outside the kvm group, where QEMU silently falls
 *            back to emulation and the job is slow instead of failing;
 *   sev-snp, tdx   confidential guests: the CPU has it and the kernel enabled it.
 * Profiles name the sets the usual stacks need.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/check.h"
#include "cli/cli.h"
#include "cli/signal_cleanup.h"
#include "reports/caps.h"
#include "reports/report.h"

static const struct check_profile profiles[] = {
	{ "qemu-kvm", "kvm,long64,smp,irq,disk",
	  "QEMU with KVM: a usable /dev/kvm for this user, 64-bit guests with several vCPUs, "
	  "interrupts and a disk image" },
	{ "libvirt", "kvm,long64,smp,irq,pio,mmio,disk",
	  "libvirt/virt-manager guests: as qemu-kvm, with the emulated PIO and MMIO devices" },
	{ "firecracker", "kvm,long64,smp,irq,mmio",
	  "Firecracker microVMs: 64-bit Linux guests on KVM with virtio-mmio devices" },
	{ "kata", "kvm,long64,smp,irq,mmio,container",
	  "Kata Containers: each pod in a lightweight VM, so KVM and the container runtime's "
	  "namespaces and cgroups" },
	{ "kubevirt", "kvm,long64,smp,irq,disk,container",
	  "KubeVirt: VMs in Kubernetes pods, so KVM reachable from a container and 64-bit guests" },
	{ "nested-ci", "kvm,long64,nested",
	  "CI jobs that run their own VMs (VM tests, emulator builds): KVM and a guest that can use "
	  "VT-x/AMD-V itself" },
	{ "gpu-passthrough", "kvm,long64,passthrough",
	  "a GPU or other PCI device given to a guest with VFIO: an IOMMU on, VFIO loaded" },
	{ "sev-snp", "kvm,long64,sev-snp",
	  "AMD SEV-SNP confidential guests: the CPU's SNP enabled by the firmware and the kernel" },
};

static const char *const extra_ids[] = { "kvm", "sev-snp", "tdx" };

const struct check_profile *check_profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

void check_profiles_print(FILE *out)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		fprintf(out, "%-16s %s\n%-16s   %s\n", profiles[i].name, profiles[i].requires, "",
			profiles[i].why);
}

bool check_id_known(const char *id)
{
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		if (!strcmp(guest_kind_id((enum guest_kind)k), id))
			return true;
	for (size_t i = 0; i < sizeof(extra_ids) / sizeof(extra_ids[0]); i++)
		if (!strcmp(extra_ids[i], id))
			return true;
	return false;
}

void check_ids_print(FILE *out)
{
	for (int k = 0; k < GUEST_KIND_COUNT; k++)
		fprintf(out, "%s ", guest_kind_id((enum guest_kind)k));
	for (size_t i = 0; i < sizeof(extra_ids) / sizeof(extra_ids[0]); i++)
		fprintf(out, "%s%s", extra_ids[i], i + 1 < sizeof(extra_ids) / sizeof(extra_ids[0])
						   ? " " : "\n");
}

struct judged {
	const char *id;
	enum verdict verdict;
	const char *reason;
	const char *fix;
	char buf[512];
};

/* A confidential-computing requirement: the CPU's capability, then the kernel's. */
static void judge_cc(const struct report *r, struct judged *j, const char *cpu,
		     const char *kernel, const char *name)
{
	const char *ids[] = { cpu, kernel };

	for (int i = 0; i < 2; i++) {
		const struct cap *c = report_cap(r, ids[i]);
		int v = report_cap_flag(r, ids[i]);

		if (v == 1)
			continue;
		j->verdict = v == 0 ? VERDICT_NO : VERDICT_UNKNOWN;
		snprintf(j->buf, sizeof(j->buf), "%s: %s", name,
			 c && c->detail ? c->detail
			 : v == 0 ? (i ? "the kernel does not enable it" : "the CPU does not have it")
			 : "not known");
		j->reason = j->buf;
		j->fix = c ? c->fix : NULL;
		return;
	}
	j->verdict = VERDICT_YES;
	snprintf(j->buf, sizeof(j->buf), "%s: the CPU has it and the kernel enables it", name);
	j->reason = j->buf;
}

static void judge(const struct report *r, const char *id, struct judged *j)
{
	memset(j, 0, sizeof(*j));
	j->id = id;
	if (!strcmp(id, "kvm")) {
		/* the access layer decides; when it fails, the matrix's chain says why and how */
		const struct matrix_row *chain = &r->matrix[GUEST_REAL16];
		enum layer_state access = report_layer_state(r, GUEST_REAL16, LAYER_KVM_ACCESS);
		enum layer_state kernel = report_layer_state(r, GUEST_REAL16, LAYER_KERNEL);

		if (access == LAYER_OK && kernel == LAYER_OK) {
			j->verdict = VERDICT_YES;
			j->reason = "this user opens /dev/kvm and KVM creates a VM";
		} else {
			j->verdict = access == LAYER_UNKNOWN || chain->verdict == VERDICT_UNKNOWN
				     ? VERDICT_UNKNOWN : VERDICT_NO;
			j->reason = chain->verdict != VERDICT_YES && chain->reason ? chain->reason
				    : "/dev/kvm is not usable by this user";
			j->fix = chain->fix;
		}
		return;
	}
	if (!strcmp(id, "sev-snp")) {
		judge_cc(r, j, CAP_CC_SEV_SNP, CAP_CC_SEV_SNP_KERNEL, "SEV-SNP");
		return;
	}
	if (!strcmp(id, "tdx")) {
		judge_cc(r, j, CAP_CC_TDX, CAP_CC_TDX_KERNEL, "TDX");
		return;
	}
	for (int k = 0; k < GUEST_KIND_COUNT; k++) {
		if (strcmp(guest_kind_id((enum guest_kind)k), id))
			continue;
		j->verdict = r->matrix[k].verdict;
		j->reason = r->matrix[k].reason ? r->matrix[k].reason : "";
		j->fix = r->matrix[k].fix;
		return;
	}
}

static void xml_escaped(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			/* XML 1.0 has no place for other control characters */
			fputc((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' ? '?' : *s, f);
		}
	}
}

/* JUnit XML, written beside path and renamed: a failed run leaves no partial file. */
static int write_junit(const char *path, const struct judged *j, size_t n, size_t failed,
		       char *err, size_t errlen)
{
	char tmp[4096];

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}

	int fd = mkstemp(tmp);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(e));
		return -e;
	}
	signal_cleanup_add(tmp);

	FILE *f = fdopen(fd, "w");

	if (!f) {
		close(fd);
		unlink(tmp);
		signal_cleanup_forget(tmp);
		snprintf(err, errlen, "%s: cannot write", path);
		return -ENOMEM;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuite name=\"virtcap\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", n,
		failed);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  <testcase classname=\"virtcap.check\" name=\"");
		xml_escaped(f, j[i].id);
		fprintf(f, "\"");
		if (j[i].verdict == VERDICT_YES) {
			fprintf(f, "/>\n");
			continue;
		}
		fprintf(f, ">\n    <failure message=\"");
		xml_escaped(f, j[i].reason);
		fprintf(f, "\" type=\"%s\">", verdict_name(j[i].verdict));
		xml_escaped(f, j[i].reason);
		if (j[i].fix) {
			fprintf(f, "\nfix: ");
			xml_escaped(f, j[i].fix);
		}
		fprintf(f, "</failure>\n  </testcase>\n");
	}
	fprintf(f, "</testsuite>\n");

	int rc = fflush(f) || fsync(fileno(f)) ? -errno : 0;

	if (fclose(f) && !rc)
		rc = -EIO;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(-rc));
	}
	signal_cleanup_forget(tmp);
	return rc;
}

int cli_check(const struct report *r, const char *requires, const struct check_opts *o,
	      FILE *out)
{
	struct judged j[64];
	size_t n = 0, failed = 0;
	char list[1024];

	snprintf(list, sizeof(list), "%s", requires);
	for (char *save, *id = strtok_r(list, ",", &save); id && n < 64;
	     id = strtok_r(NULL, ",", &save)) {
		bool seen = false;

		for (size_t i = 0; i < n && !seen; i++)
			seen = !strcmp(j[i].id, id);
		if (seen)
			continue;
		judge(r, id, &j[n]);
		if (j[n].verdict != VERDICT_YES)
			failed++;
		n++;
	}

	if (o->junit) {
		char err[512];

		if (write_junit(o->junit, j, n, failed, err, sizeof(err))) {
			fprintf(stderr, "virtcap: %s\n", err);
			return 2;
		}
	}
	if (o->tap) {
		fprintf(out, "1..%zu\n", n);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%s %zu - %s: %s\n", j[i].verdict == VERDICT_YES ? "ok" : "not ok",
				i + 1, j[i].id, verdict_name(j[i].verdict));
			fprintf(out, "# %s\n", j[i].reason);
			if (j[i].verdict != VERDICT_YES && j[i].fix)
				fprintf(out, "# fix: %s\n", j[i].fix);
		}
	} else if (o->json) {
		struct json_object *obj = json_object_new_object(), *reqs = json_object_new_array();

		json_object_object_add(obj, "schema", json_object_new_string("virtcap/check/v1"));
		json_object_object_add(obj, "passed", json_object_new_boolean(failed == 0));
		json_object_object_add(obj, "profile", o->profile ? json_object_new_string(o->profile)
								 : NULL);
		for (size_t i = 0; i < n; i++) {
			struct json_object *q = json_object_new_object();

			json_object_object_add(q, "id", json_object_new_string(j[i].id));
			json_object_object_add(q, "verdict",
					       json_object_new_string(verdict_name(j[i].verdict)));
			json_object_object_add(q, "passed",
					       json_object_new_boolean(j[i].verdict == VERDICT_YES));
			json_object_object_add(q, "reason", json_object_new_string(j[i].reason));
			json_object_object_add(q, "fix", j[i].fix ? json_object_new_string(j[i].fix)
								   : NULL);
			json_object_array_add(reqs, q);
		}
		json_object_object_add(obj, "requirements", reqs);
		fprintf(out, "%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(obj);
	} else {
		for (size_t i = 0; i < n; i++) {
			char lead[64];

			snprintf(lead, sizeof(lead), "%s  %-12s ",
				 j[i].verdict == VERDICT_YES ? "PASS" : "FAIL", j[i].id);
			cli_print_wrapped(out, lead, j[i].reason, 19);
			if (j[i].verdict != VERDICT_YES && j[i].fix)
				cli_print_wrapped(out, "                   fix: ", j[i].fix, 24);
		}
		fprintf(out, "%s: %zu of %zu requirements hold%s%s\n", failed ? "FAILED" : "PASSED",
			n - failed, n, o->profile ? " for profile " : "", o->profile ? o->profile : "");
	}
	return failed ? 1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * `virtcap advise GUEST`: for a guest someone wants to run, the chain of requirements in the
 * order they must hold (CPU, firmware, kernel, access, then what the guest itself needs), which
 * hold here, the first that fails with its fix, and what else can run the guest when hardware
 * virtualization cannot: emulation, paravirtualization, OS-level virtualization.
 *
 * Every step is judged from the report (reports/layers.c for the layers, the matrix rows for
 * the rest), so advice never disagrees with the matrix; the proofs of the rows involved are run
 * first on a live host, so "holds" means a test guest did it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "reports/report.h"

enum step_kind { STEP_LAYER, STEP_ROW };

struct step {
	enum step_kind kind;
	int which;		/* enum layer, or enum guest_kind */
	const char *says;	/* the requirement, for people */
};

struct guest_advice {
	const char *id;
	const char *title;
	/* the matrix row the layer steps are judged for: the chain up to a usable KVM */
	enum guest_kind main;
	struct step steps[8];
	const char *alternatives[4];
};

#define LAYER_STEP(l, s) { STEP_LAYER, l, s }
#define ROW_STEP(k, s) { STEP_ROW, k, s }
#define HW_CHAIN(extra_cpu, extra_kernel)						\
	LAYER_STEP(LAYER_CPU, "the CPU has VT-x or AMD-V" extra_cpu),			\
	LAYER_STEP(LAYER_FIRMWARE, "the firmware (BIOS/UEFI) leaves it enabled"),	\
	LAYER_STEP(LAYER_KERNEL, "the kernel has a KVM module loaded" extra_kernel),	\
	LAYER_STEP(LAYER_KVM_ACCESS, "this user can open /dev/kvm and create a VM")

static const char tcg[] = "emulation: QEMU without KVM (qemu-system-x86_64 -accel tcg) runs "
	"any x86 guest on any host, slower: each guest instruction is translated";

/*
 * The emulation slowdown measured on this host by make bench (tools/tcg-slowdown), if it ran:
 * appended to the emulation alternative, else where to get it.
 */
static void tcg_measured(char *out, size_t len)
{
	const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char path[4096], date[32];
	double ratio;
	FILE *f;

	if (cache && *cache)
		snprintf(path, sizeof(path), "%s/virtcap/tcg-slowdown", cache);
	else
		snprintf(path, sizeof(path), "%s/.cache/virtcap/tcg-slowdown", home ? home : "");
	f = fopen(path, "r");
	if (f && fscanf(f, "%lf %31s", &ratio, date) == 2 && ratio > 0 && ratio < 1e6)
		snprintf(out, len, "; measured here (make bench, %s): a register-only loop ran "
			 "%.1fx slower than on this CPU, and OS code with memory accesses and "
			 "device exits runs slower still", date, ratio);
	else
		snprintf(out, len, "; how much slower here is measured by make bench "
			 "(tools/tcg-slowdown), not run on this host yet");
	if (f)
		fclose(f);
}

static const struct guest_advice advice[] = {
	{ "dos", "a 16-bit real-mode guest (DOS, old boot loaders)", GUEST_REAL16,
	  { HW_CHAIN("", ""), ROW_STEP(GUEST_REAL16, "a real-mode test guest runs"),
	    ROW_STEP(GUEST_PIO, "port I/O reaches an emulated device") },
	  { tcg, "emulation made for it: DOSBox (apt install dosbox) runs DOS programs without "
		 "any hardware virtualization, fast enough for DOS-era software" } },
	{ "os32", "a 32-bit operating system", GUEST_PAE32,
	  { HW_CHAIN("", ""), ROW_STEP(GUEST_PROT32, "a 32-bit protected-mode test guest runs"),
	    ROW_STEP(GUEST_PAE32, "PAE paging works (every current 32-bit OS uses it)"),
	    ROW_STEP(GUEST_IRQ, "interrupts reach the guest"),
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once") },
	  { tcg, "OS-level virtualization, when the workload is 32-bit Linux programs: a "
		 "container of an i386 distribution on a 64-bit kernel (see 'advise container')" } },
	{ "os64", "a 64-bit operating system (Linux, Windows, BSD)", GUEST_LONG64,
	  { HW_CHAIN(" and long mode", ", in a 64-bit kernel"),
	    ROW_STEP(GUEST_LONG64, "a 64-bit test guest runs in long mode"),
	    ROW_STEP(GUEST_IRQ, "interrupts reach the guest"),
	    ROW_STEP(GUEST_SMP, "several vCPUs run at once"),
	    ROW_STEP(GUEST_DISK, "a host file works as the guest's disk") },
	  { tcg, "paravirtualization: where the host kernel offers PVM (kvm_pvm), a 64-bit Linux "
		 "guest kernel built for PVM runs without VT-x/AMD-V at near-native speed",
	    "OS-level virtualization, when the workload is Linux programs: a container (see "
	    "'advise container')" } },
	{ "hypervisor", "a guest that runs its own guests (a hypervisor, WSL2-style, nested KVM)",
	  GUEST_NESTED,
	  { HW_CHAIN(" (the guest's hypervisor needs it too)", ", with nested=1"),
	    ROW_STEP(GUEST_LONG64, "a 64-bit guest runs"),
	    ROW_STEP(GUEST_NESTED, "a guest turns VT-x/AMD-V on and runs its own guest") },
	  { "emulation: QEMU without KVM emulates AMD-V (-cpu EPYC,+svm,+npt) and Bochs emulates "
	    "VT-x with EPT, so a hypervisor can run inside either on any host, very slowly "
	    "(virtcap lab uses both to run real KVM)",
	    "move the workload to a host whose hypervisor exposes VT-x/AMD-V to its guests, or to "
	    "bare metal" } },
	{ "gpu", "a guest that owns a PCI device such as a GPU (VFIO passthrough)",
	  GUEST_LONG64,
	  { HW_CHAIN(" and long mode", ""), ROW_STEP(GUEST_LONG64, "a 64-bit guest runs"),
	    ROW_STEP(GUEST_PASSTHROUGH, "an IOMMU is on and VFIO can take the device") },
	  { "paravirtualization: virtio-gpu with virgl or venus (QEMU -device virtio-gpu-gl) gives "
	    "a guest accelerated 3D through the host's driver, without an IOMMU",
	    "OS-level virtualization: a container given the device (docker run --device "
	    "/dev/dri, or the NVIDIA container toolkit) uses the GPU at native speed",
	    "there is no emulation of a physical GPU" } },
	{ "container", "a container (namespaces and cgroups, no VM)", GUEST_CONTAINER,
	  { ROW_STEP(GUEST_CONTAINER, "this process can create namespaces and cgroups are "
				      "mounted") },
	  { "a virtual machine, when the probe shows one can run (see 'advise os64'), holding the "
	    "containers" } },
};

static const struct guest_advice *advice_find(const char *id)
{
	for (size_t i = 0; i < sizeof(advice) / sizeof(advice[0]); i++)
		if (!strcmp(advice[i].id, id))
			return &advice[i];
	return NULL;
}

bool cli_advise_known(const char *id)
{
	return advice_find(id) != NULL;
}

void cli_advise_list(FILE *out)
{
	for (size_t i = 0; i < sizeof(advice) / sizeof(advice[0]); i++)
		fprintf(out, "  %-11s %s\n", advice[i].id, advice[i].title);
}

/* The proofs behind the advice: the rows of its steps (hostile guests never). */
const char *cli_advise_proofs(const char *id, char *buf, size_t len)
{
	const struct guest_advice *a = advice_find(id);
	size_t used = 0;

	buf[0] = '\0';
	if (!a)
		return NULL;
	for (size_t i = 0; i < 8 && a->steps[i].says; i++) {
		enum guest_kind k = a->steps[i].kind == STEP_ROW ? (enum guest_kind)a->steps[i].which
								  : a->main;

		if (k == GUEST_PASSTHROUGH || k == GUEST_CONTAINER ||
		    strstr(buf, guest_kind_id(k)))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? "," : "", guest_kind_id(k));
	}
	return buf[0] ? buf : NULL;
}

static enum layer_state step_state(const struct report *r, const struct guest_advice *a,
				   const struct step *s)
{
	if (s->kind == STEP_LAYER)
		return report_layer_state(r, a->main, (enum layer)s->which);

	enum verdict v = r->matrix[s->which].verdict;

	return v == VERDICT_YES ? LAYER_OK : v == VERDICT_NO ? LAYER_FAIL : LAYER_UNKNOWN;
}

/*
 * Why a step fails and the fix: a row's own reason and fix; for a layer, the main row's, since
 * the matrix names the first failing layer of the same chain.
 */
static void step_reason(const struct report *r, const struct guest_advice *a,
			const struct step *s, const char **reason, const char **fix)
{
	const struct matrix_row *row = &r->matrix[s->kind == STEP_ROW ? s->which : (int)a->main];

	*reason = row->reason;
	*fix = row->fix;
}

static const char *state_word(enum layer_state s)
{
	return s == LAYER_OK ? "holds" : s == LAYER_FAIL ? "fails" : s == LAYER_NA ? "n/a"
	       : s == LAYER_NOT_RUN ? "waits" : "unknown";
}

/*
 * A step as shown: a row after the decisive step that fails for the same reason (the same
 * blocking capability) was not judged on its own: it waits for the decisive one.
 */
static enum layer_state shown_state(const struct report *r, const struct guest_advice *a,
				    int i, int decisive)
{
	enum layer_state st = step_state(r, a, &a->steps[i]);

	if (decisive >= 0 && i > decisive && st != LAYER_OK && a->steps[i].kind == STEP_ROW) {
		const char *mine = r->matrix[a->steps[i].which].blocked_by;
		const struct matrix_row *d = &r->matrix[a->steps[decisive].kind == STEP_ROW ?
						       a->steps[decisive].which : (int)a->main];

		if (mine && d->blocked_by && !strcmp(mine, d->blocked_by))
			return LAYER_NOT_RUN;
	}
	return st;
}

static struct json_object *advice_json(const struct report *r, const struct guest_advice *a,
				       int first_bad, const char *verdict)
{
	struct json_object *o = json_object_new_object(), *steps = json_object_new_array();
	struct json_object *alts = json_object_new_array();

	json_object_object_add(o, "schema", json_object_new_string("virtcap/advice/v1"));
	json_object_object_add(o, "guest", json_object_new_string(a->id));
	json_object_object_add(o, "title", json_object_new_string(a->title));
	json_object_object_add(o, "verdict", json_object_new_string(verdict));
	for (int i = 0; i < 8 && a->steps[i].says; i++) {
		struct json_object *s = json_object_new_object();
		enum layer_state st = shown_state(r, a, i, first_bad);

		json_object_object_add(s, "requirement", json_object_new_string(a->steps[i].says));
		json_object_object_add(s, "state", json_object_new_string(state_word(st)));
		json_object_object_add(s, "layer", a->steps[i].kind == STEP_LAYER ?
				       json_object_new_string(layer_name(a->steps[i].which)) : NULL);
		json_object_object_add(s, "row", a->steps[i].kind == STEP_ROW ?
				       json_object_new_string(guest_kind_id(a->steps[i].which)) : NULL);
		if (i == first_bad) {
			const char *reason, *fix;

			step_reason(r, a, &a->steps[i], &reason, &fix);
			json_object_object_add(s, "reason", reason ? json_object_new_string(reason)
							    : NULL);
			json_object_object_add(s, "fix", fix ? json_object_new_string(fix) : NULL);
		}
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	json_object_object_add(o, "first_failing_step", first_bad >= 0 ?
			       json_object_new_int(first_bad) : NULL);
	char measured[384], alt[1024];

	tcg_measured(measured, sizeof(measured));
	for (int i = 0; i < 4 && a->alternatives[i]; i++) {
		snprintf(alt, sizeof(alt), "%s%s", a->alternatives[i],
			 a->alternatives[i] == tcg ? measured : "");
		json_object_array_add(alts, json_object_new_string(alt));
	}
	json_object_object_add(o, "alternatives", alts);
	return o;
}

/* Wrap text at 78 columns: lead on the first line, then lines indented by indent. */
void cli_print_wrapped(FILE *out, const char *lead, const char *text, int indent)
{
	int col = (int)strlen(lead);
	bool line_start = true;		/* no word on this line yet: no space before the next */

	fputs(lead, out);
	for (const char *p = text; *p;) {
		size_t w = strcspn(p, " ");

		if (!line_start && col + 1 + (int)w > 78) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (!line_start) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, w, out);
		line_start = false;
		col += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

int cli_advise(const struct report *r, const char *id, bool json, bool utf8, FILE *out)
{
	const struct guest_advice *a = advice_find(id);
	int first_bad = -1, first_unknown = -1;

	if (!a)
		return -EINVAL;
	/*
	 * As in the matrix, the first link that does not hold decides: a failing one makes the
	 * answer no, an unknown one unknown (never yes), and the links after it wait for it.
	 */
	for (int i = 0; i < 8 && a->steps[i].says && first_bad < 0 && first_unknown < 0; i++) {
		enum layer_state st = step_state(r, a, &a->steps[i]);

		if (st == LAYER_FAIL)
			first_bad = i;
		else if (st == LAYER_UNKNOWN)
			first_unknown = i;
	}
	const char *verdict = first_bad >= 0 ? "no" : first_unknown >= 0 ? "unknown" : "yes";

	if (json) {
		struct json_object *o = advice_json(r, a, first_bad >= 0 ? first_bad : first_unknown,
						    verdict);

		fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return 0;
	}

	fprintf(out, "%s: %s\n\n", a->id, a->title);
	fprintf(out, "What it needs, in order\n");
	int decisive = first_bad >= 0 ? first_bad : first_unknown;

	for (int i = 0; i < 8 && a->steps[i].says; i++) {
		enum layer_state st = shown_state(r, a, i, decisive);
		const char *mark = utf8 ? (st == LAYER_OK ? "\u2713" : st == LAYER_FAIL ? "\u2717"
					   : st == LAYER_NA ? "-" : st == LAYER_NOT_RUN ? "\u00b7"
					   : "?")
				   : (st == LAYER_OK ? "y" : st == LAYER_FAIL ? "x"
				      : st == LAYER_NA ? "-" : st == LAYER_NOT_RUN ? "." : "?");
		char lead[32];

		snprintf(lead, sizeof(lead), "  %s %-8s", mark, state_word(st));
		cli_print_wrapped(out, lead, a->steps[i].says, 14);
	}

	if (decisive < 0) {
		fprintf(out, "\nIt can run here: every requirement holds%s.\n",
			a->main == GUEST_CONTAINER ? "" : ", the test guests included where they "
			"could run");
		return 0;
	}

	const char *reason, *fix;

	step_reason(r, a, &a->steps[decisive], &reason, &fix);
	char head[256];

	snprintf(head, sizeof(head), "%s: %s", first_bad >= 0 ? "It cannot run here; the first "
		 "requirement that fails" : "Whether it can run here is unknown; the first "
		 "requirement not known", a->steps[decisive].says);
	fputc('\n', out);
	cli_print_wrapped(out, "", head, 2);
	if (reason)
		cli_print_wrapped(out, "  ", reason, 2);
	if (fix)
		cli_print_wrapped(out, "  fix: ", fix, 7);
	char measured[384], alt[1024];

	tcg_measured(measured, sizeof(measured));
	fprintf(out, "\nOther ways to run it\n");
	for (int i = 0; i < 4 && a->alternatives[i]; i++) {
		snprintf(alt, sizeof(alt), "%s%s", a->alternatives[i],
			 a->alternatives[i] == tcg ? measured : "");
		cli_print_wrapped(out, "  - ", alt, 4);
	}
	return 0;
}

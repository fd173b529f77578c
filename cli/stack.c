// SPDX-License-Identifier: MIT
/*
 * `virtcap prove --stack qemu|libvirt`: the stack proof itself is qemu/stack.c; this finds its
 * scripts (the guest's init, and lab.sh, which caches the guest kernel), takes the waits the
 * tests (shorter) and the lab (longer) set, and lets the os64 row hear what the real guest did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "qemu/stack.h"
#include "reports/report.h"
#include "util/self.h"

#define KVM_WAIT_S 30
#define TCG_WAIT_S 180

static const char not_reached[] = "not tried: the stack proof did not get to the devices";

/* A wait from the environment, 1-999 seconds; false with why when it is not one */
static bool wait_from(const char *var, int *seconds, char *why, size_t len)
{
	const char *v = getenv(var);
	char *end;
	long s;

	if (!v)
		return true;
	s = strtol(v, &end, 10);
	if (*v < '1' || *v > '9' || *end || s < 1 || s > 999) {
		snprintf(why, len, "not run: %s '%.40s': seconds, from 1 to 999", var, v);
		return false;
	}
	*seconds = (int)s;
	return true;
}

int cli_run_stack(struct report *r, const char *name, bool live)
{
	struct report_stack *s = report_stack_add(r, name);
	char lab_sh[4200], guest_init[4200], why[200];
	struct stack_setup setup = { .name = name, .lab_sh = lab_sh, .guest_init = guest_init,
				     .kvm_s = KVM_WAIT_S, .tcg_s = TCG_WAIT_S,
				     .break_media = getenv("VIRTCAP_STACK_BREAK") };
	int rc;

	if (!s)
		return -ENOMEM;
	for (int d = 0; d < STACK_DEVICE_COUNT; d++)
		if (report_str_set(&s->device[d].detail, not_reached))
			return -ENOMEM;
	if (!live)
		return report_str_set(&s->unfinished, "not run: the report describes another host "
				      "(a captured root or --cpuid-dump)");
	if (self_script_path("lab.sh", lab_sh, sizeof(lab_sh)) ||
	    self_script_path("stack-guest.sh", guest_init, sizeof(guest_init)))
		return report_str_set(&s->unfinished, "not run: lab.sh and stack-guest.sh are not "
				      "beside the program nor installed");
	/* the tests' liars: another init for the guest (tests/t072) */
	if (getenv("VIRTCAP_STACK_GUEST_INIT"))
		snprintf(guest_init, sizeof(guest_init), "%s", getenv("VIRTCAP_STACK_GUEST_INIT"));
	if (!wait_from("VIRTCAP_STACK_KVM_TIMEOUT", &setup.kvm_s, why, sizeof(why)) ||
	    !wait_from("VIRTCAP_STACK_TCG_TIMEOUT", &setup.tcg_s, why, sizeof(why)))
		return report_str_set(&s->unfinished, why);
	if ((rc = qemu_stack_prove(s, &setup)))
		return rc;
	if (getenv("VIRTCAP_STACK_GUEST_INIT") && s->kernel_source) {
		char said[600];

		snprintf(said, sizeof(said), "%s; its init is VIRTCAP_STACK_GUEST_INIT's, not "
			 "virtcap's: this is a test of the checks, not a proof", s->kernel_source);
		if ((rc = report_str_set(&s->kernel_source, said)))
			return rc;
	}
	return report_stack_decide_os(r, s) ?: report_stack_decide_graphics(r, s);
}

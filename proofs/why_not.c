// SPDX-License-Identifier: MIT
/*
 * How a check says no (proofs/proofs.h): every condition of the proof that does not hold, in
 * one detail, and KVM's own count of what the proof claims happened, which a guest cannot write.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proofs/proofs.h"

void why_not(struct why_not *w, const char *fmt, ...)
{
	va_list ap;

	if (w->used + 3 >= sizeof(w->text))
		return;
	if (w->used)
		w->used += (size_t)snprintf(w->text + w->used, sizeof(w->text) - w->used, "; ");
	va_start(ap, fmt);
	w->used += (size_t)vsnprintf(w->text + w->used, sizeof(w->text) - w->used, fmt, ap);
	va_end(ap);
	if (w->used >= sizeof(w->text))
		w->used = sizeof(w->text) - 1;
}

void why_not_answer(struct why_not *w, uint64_t got, uint64_t want)
{
	why_not(w, "the guest's answer is 0x%llx, not 0x%llx", (unsigned long long)got,
		(unsigned long long)want);
}

bool failed_for(struct hv_proof_result *res, const struct why_not *w)
{
	if (!w->used)
		return false;
	hv_result_set(res, HV_PROOF_FAILED, "%s", w->text);
	return true;
}

void proof_kvm_counted(struct proof_run *run, const char *name, uint64_t least, const char *what,
		       struct why_not *w, char *note, size_t len)
{
	uint64_t n;
	int err = hv_vcpu_stat(&run->vm.vcpus[0], name, &n);

	if (err)
		snprintf(note, len, "; KVM's count of %s could not be read (%s), so the guest's word "
			 "alone", what, strerror(-err));
	else if (n < least)
		why_not(w, "KVM counted %llu %s for this vCPU, not %llu or more",
			(unsigned long long)n, what, (unsigned long long)least);
	else
		snprintf(note, len, "; KVM counted %llu %s", (unsigned long long)n, what);
}

// SPDX-License-Identifier: MIT
/*
 * hv-mini on a CPU it has no vCPU set-up for (the arm64 static build): its test guests are x86
 * code (hv-mini/guests, nested/l1), so no VM is made and every proof says "not run" with why,
 * through the same entry points the x86 build has (hv-mini/hv.h). The probe, the reports and
 * everything else work as on x86. arm64 guests of its own are issue 28's next step.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "hv-mini/hv.h"

int hv_vm_create(struct hv_vm *vm, const char *kvm_path)
{
	struct utsname u;

	(void)kvm_path;
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->fd = -1;
	snprintf(vm->err, sizeof(vm->err), "not run on this %s host: hv-mini's test guests are x86 "
		 "code, and this build of virtcap has no guests for this CPU yet",
		 uname(&u) == 0 ? u.machine : "non-x86");
	return -ENODEV;		/* the proofs' "cannot run here" (hv-mini/kit.c) */
}

void hv_vm_destroy(struct hv_vm *vm)
{
	(void)vm;		/* hv_vm_create() opened nothing */
}

/* never reached, since no VM is ever made: each fails as an empty VM would */
int hv_vm_add_memory(struct hv_vm *vm, uint64_t gpa, uint64_t size)
{
	return -ENODEV;
}

void *hv_gpa_to_hva(struct hv_vm *vm, uint64_t gpa)
{
	return NULL;
}

int hv_vm_load(struct hv_vm *vm, uint64_t gpa, const void *image, size_t len)
{
	return -ENODEV;
}

int hv_vcpu_create(struct hv_vm *vm, int id, enum hv_mode mode, uint64_t entry)
{
	return -ENODEV;
}

int hv_vcpu_run(struct hv_vcpu *vcpu, uint64_t deadline_ns, struct hv_exit *exit)
{
	return -ENODEV;
}

void hv_vcpu_release_timer(struct hv_vcpu *vcpu)
{
}

void hv_vcpu_describe(struct hv_vcpu *vcpu, char *out, size_t len)
{
	snprintf(out, len, "no vCPU on this architecture");
}

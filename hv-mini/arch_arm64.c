// SPDX-License-Identifier: MIT
/*
 * What hv-mini's common parts (vm.c, run.c) ask of arm64: the VM's own set-up (none) and a
 * ucall, read at its exit; and a vCPU's registers by their KVM ids, which the checks read too.
 * The vCPUs are hv-mini/vcpu_arm64.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv-mini/arm64.h"

#define CORE_REG HV_ARM64_CORE_REG

int hv_arch_vm_init(struct hv_vm *vm)
{
	(void)vm;	/* the VM has no state of its own before its vCPUs: no CPUID, no TSS */
	return 0;
}

int hv_vcpu_get_reg(struct hv_vcpu *vcpu, uint64_t id, uint64_t *value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)value };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) < 0 ? -errno : 0;
}

/* A ucall: a 32-bit store to HV_UCALL_MMIO; value, aux and file are in x1-x3 (r1-r3) */
int hv_arch_read_ucall(struct hv_vcpu *vcpu, struct hv_exit *exit)
{
	const struct kvm_run *run = vcpu->run;
	uint64_t x[3];
	uint32_t cmd;
	int err = 0;

	if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write ||
	    run->mmio.phys_addr != HV_UCALL_MMIO || run->mmio.len != 4)
		return 0;
	memcpy(&cmd, run->mmio.data, sizeof(cmd));
	for (int i = 0; i < 3 && !err; i++)
		err = hv_vcpu_get_reg(vcpu, CORE_REG(regs.regs[i + 1]), &x[i]);
	if (err) {
		snprintf(vcpu->vm->err, sizeof(vcpu->vm->err), "KVM_GET_ONE_REG x1-x3: %s",
			 strerror(-err));
		return err;
	}
	exit->is_ucall = true;
	exit->ucall = cmd;
	exit->value = x[0];
	exit->aux = x[1];
	exit->file = (uint32_t)x[2];
	return 1;
}

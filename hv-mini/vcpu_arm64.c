// SPDX-License-Identifier: MIT
/*
 * arm64 vCPUs (Documentation/virt/kvm/api.rst 4.82 KVM_ARM_VCPU_INIT, 4.68 KVM_SET_ONE_REG).
 * KVM resets a vCPU as an arm64 CPU comes out of reset into an OS loader: AArch64 at EL1h (or
 * AArch32 in SVC mode with KVM_ARM_VCPU_EL1_32BIT), MMU and caches off, interrupts masked. The
 * host sets only the PC and, in x0 (r0), the vCPU's id; a guest builds its own translation
 * tables and vectors, as a loader does. The guest's PSCI calls (CPU_ON, SYSTEM_OFF) are KVM's
 * to answer (KVM_ARM_VCPU_PSCI_0_2), so vCPUs other than 0 start powered off and run only
 * when vCPU 0 turns them on, as an arm64 machine's secondaries wait for PSCI CPU_ON.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv-mini/arm64.h"

#define CORE_REG HV_ARM64_CORE_REG

static int set_reg(struct hv_vcpu *vcpu, uint64_t id, uint64_t value, const char *name)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&value };

	if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) < 0) {
		snprintf(vcpu->vm->err, sizeof(vcpu->vm->err), "KVM_SET_ONE_REG %s (vCPU %d): %s",
			 name, vcpu->id, strerror(errno));
		return -errno;
	}
	return 0;
}

/* KVM_ARM_VCPU_INIT with the target KVM prefers for this host's CPU */
static int init_vcpu(struct hv_vcpu *vcpu, enum hv_mode mode)
{
	struct hv_vm *vm = vcpu->vm;
	struct kvm_vcpu_init init;

	if (mode != HV_MODE_AARCH64_EL1 && mode != HV_MODE_AARCH32_EL1) {
		snprintf(vm->err, sizeof(vm->err), "an arm64 vCPU cannot start in an x86 mode");
		return -EINVAL;
	}
	memset(&init, 0, sizeof(init));
	if (ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init) < 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		return -errno;
	}
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (vcpu->id)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (mode == HV_MODE_AARCH32_EL1) {
		/* KVM refuses the feature where the CPU has no AArch32 at EL1: say so, by its
		 * capability, rather than by the bare EINVAL it gives */
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL1_32BIT) <= 0) {
			snprintf(vm->err, sizeof(vm->err), "KVM offers no AArch32 at EL1 "
				 "(KVM_CAP_ARM_EL1_32BIT is 0): this CPU runs no 32-bit ARM guest "
				 "under KVM");
			return -EOPNOTSUPP;
		}
		init.features[0] |= 1u << KVM_ARM_VCPU_EL1_32BIT;
	}
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init) < 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_ARM_VCPU_INIT (vCPU %d, target %u, features "
			 "0x%x): %s", vcpu->id, init.target, init.features[0], strerror(errno));
		return -errno;
	}
	return 0;
}

int hv_vcpu_create(struct hv_vm *vm, int id, enum hv_mode mode, uint64_t entry)
{
	struct hv_vcpu *vcpu;
	int err = hv_vcpu_open(vm, id, &vcpu);

	if (!err)
		err = init_vcpu(vcpu, mode);
	/* a powered-off vCPU gets its PC and x0 from the CPU_ON that starts it */
	if (!err && !id)
		err = set_reg(vcpu, CORE_REG(regs.pc), entry, "PC");
	if (!err && !id)
		err = set_reg(vcpu, CORE_REG(regs.regs[0]), (uint64_t)id, "x0");
	return err;
}

void hv_vcpu_describe(struct hv_vcpu *vcpu, char *out, size_t len)
{
	uint64_t pc = 0, pstate = 0, sctlr = 0, esr = 0, x[4] = { 0 };
	int err = hv_vcpu_get_reg(vcpu, CORE_REG(regs.pc), &pc);

	if (!err)
		err = hv_vcpu_get_reg(vcpu, CORE_REG(regs.pstate), &pstate);
	for (int i = 0; i < 4 && !err; i++)
		err = hv_vcpu_get_reg(vcpu, CORE_REG(regs.regs[i]), &x[i]);
	if (err) {
		snprintf(out, len, "registers unreadable: %s", strerror(-err));
		return;
	}
	/* the system registers an AArch32 vCPU may not show: read as 0 then */
	hv_vcpu_get_reg(vcpu, HV_ARM64_SCTLR_EL1, &sctlr);
	hv_vcpu_get_reg(vcpu, HV_ARM64_ESR_EL1, &esr);
	snprintf(out, len, "PC=0x%llx PSTATE=0x%llx (%s) SCTLR_EL1=0x%llx ESR_EL1=0x%llx x0=0x%llx "
		 "x1=0x%llx x2=0x%llx x3=0x%llx", (unsigned long long)pc,
		 (unsigned long long)pstate, pstate & PSTATE_NRW ? "AArch32" : "AArch64",
		 (unsigned long long)sctlr, (unsigned long long)esr, (unsigned long long)x[0],
		 (unsigned long long)x[1], (unsigned long long)x[2], (unsigned long long)x[3]);
}

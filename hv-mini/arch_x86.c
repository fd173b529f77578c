// SPDX-License-Identifier: MIT
/*
 * What hv-mini's common parts (vm.c, run.c, kit.c) ask of x86: the VM's own set-up (the CPUID
 * KVM supports, and so the vendor; the pages VMX's real mode needs), a ucall, read at its exit,
 * and the test interrupt a SYNC asks for (KVM_INTERRUPT).
 * The vCPUs and their modes are hv-mini/vcpu_x86.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv-mini/hv.h"

/* VMX without unrestricted guest runs real mode in vm86 and needs these three pages (api.rst
 * 4.48 KVM_SET_TSS_ADDR); they sit at the top of the 32-bit space, far from our memory. */
#define CPUID_ENTRIES_MAX 256
#define CPUID_EBX_AUTHENTIC_AMD 0x68747541	/* "Auth" of leaf 0's "AuthenticAMD" */
#define HV_GPA_TSS 0xfffbd000
#define HV_GPA_IDENTITY_MAP 0xfffbc000

/* The CPUID KVM supports, read once for every vCPU of the VM; its vendor decides SVM or VMX. */
static int supported_cpuid(struct hv_vm *vm)
{
	vm->cpuid = calloc(1, sizeof(*vm->cpuid) + CPUID_ENTRIES_MAX * sizeof(vm->cpuid->entries[0]));
	if (!vm->cpuid) {
		snprintf(vm->err, sizeof(vm->err), "out of memory");
		return -ENOMEM;
	}
	vm->cpuid->nent = CPUID_ENTRIES_MAX;
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, vm->cpuid) < 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		return -errno;
	}
	for (uint32_t i = 0; i < vm->cpuid->nent; i++)
		if (vm->cpuid->entries[i].function == 0)
			vm->svm = vm->cpuid->entries[i].ebx == CPUID_EBX_AUTHENTIC_AMD;
	return 0;
}

int hv_arch_vm_init(struct hv_vm *vm)
{
	uint64_t identity = HV_GPA_IDENTITY_MAP;

	/* optional on SVM and with unrestricted guest; failures change nothing for us there */
	ioctl(vm->fd, KVM_SET_TSS_ADDR, HV_GPA_TSS);
	ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &identity);
	return supported_cpuid(vm);
}

/* The test interrupt, vm->irq_vector: now if the guest can take it, else when it opens a window */
int hv_arch_inject_irq(struct hv_vcpu *v)
{
	struct kvm_interrupt irq = { .irq = v->vm->irq_vector };

	if (v->run->ready_for_interrupt_injection && v->run->if_flag) {
		v->run->request_interrupt_window = 0;
		if (ioctl(v->fd, KVM_INTERRUPT, &irq) < 0) {
			snprintf(v->vm->err, sizeof(v->vm->err), "KVM_INTERRUPT: %s", strerror(errno));
			return -errno;
		}
		return 1;
	}
	v->run->request_interrupt_window = 1;
	return 0;
}

/* A ucall: OUT of 4 bytes to HV_UCALL_PORT; the command and values are in the GPRs. */
int hv_arch_read_ucall(struct hv_vcpu *vcpu, struct hv_exit *exit)
{
	const struct kvm_run *run = vcpu->run;
	struct kvm_regs regs;

	if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT ||
	    run->io.port != HV_UCALL_PORT)
		return 0;
	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0) {
		snprintf(vcpu->vm->err, sizeof(vcpu->vm->err), "KVM_GET_REGS: %s", strerror(errno));
		return -errno;
	}
	exit->is_ucall = true;
	exit->ucall = (uint32_t)regs.rax;
	exit->value = regs.rbx;
	exit->aux = regs.rcx;
	exit->file = (uint32_t)regs.rsi;
	return 1;
}

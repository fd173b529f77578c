// SPDX-License-Identifier: MIT
/*
 * What hv-mini's common parts (vm.c, run.c, kit.c) ask of arm64: the VM's own set-up (none), a
 * ucall, read at its exit, and the test interrupt a SYNC asks for (an SPI of the vGIC); and
 * what arm64's proofs use besides: a vCPU's registers by their KVM ids, the vGIC, made and read.
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

/* An edge on the SPI: raised and lowered at once (the guests make their SPIs edge-triggered),
 * and held pending by the vGIC until the guest can take it */
int hv_arch_inject_irq(struct hv_vcpu *vcpu)
{
	struct hv_vm *vm = vcpu->vm;
	struct kvm_irq_level line = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | vm->irq_spi,
		.level = 1,
	};

	if (vm->device_fd < 0) {
		snprintf(vm->err, sizeof(vm->err), "the guest asked for an interrupt, and this VM "
			 "has no vGIC");
		return -ENODEV;
	}
	if (ioctl(vm->fd, KVM_IRQ_LINE, &line) < 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_IRQ_LINE SPI %u: %s", vm->irq_spi,
			 strerror(errno));
		return -errno;
	}
	line.level = 0;
	ioctl(vm->fd, KVM_IRQ_LINE, &line);
	vm->irqs_raised++;
	return 1;
}

static int vgic_attr(struct hv_vm *vm, int fd, uint32_t group, uint64_t attr, uint64_t *value,
		     const char *what)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)value };

	if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0) {
		snprintf(vm->err, sizeof(vm->err), "the vGIC's %s (KVM_SET_DEVICE_ATTR): %s", what,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

int hv_arm64_vgic_create(struct hv_vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = HV_ARM_GICD, redist = HV_ARM_GICR;
	int err;

	if (ioctl(vm->fd, KVM_CREATE_DEVICE, &dev) < 0) {
		err = -errno;
		snprintf(vm->err, sizeof(vm->err), "KVM_CREATE_DEVICE (a GICv3): %s%s",
			 strerror(errno), errno == ENODEV ? ": this host's GIC offers guests no "
			 "GICv3 (a GICv2, as a Raspberry Pi 4's, which hv-mini's guest does not "
			 "drive)" : "");
		return err;
	}
	vm->device_fd = (int)dev.fd;
	if ((err = vgic_attr(vm, vm->device_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			     KVM_VGIC_V3_ADDR_TYPE_DIST, &dist, "distributor address")) ||
	    (err = vgic_attr(vm, vm->device_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			     KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist, "redistributors' address")))
		return err;
	return vgic_attr(vm, vm->device_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT,
			 NULL, "initialisation");
}

int hv_arm64_vgic_dist_read(struct hv_vm *vm, uint32_t offset, uint32_t *value)
{
	struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_DIST_REGS, .attr = offset,
				     .addr = (uintptr_t)value };

	return ioctl(vm->device_fd, KVM_GET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

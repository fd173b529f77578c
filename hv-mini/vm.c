// SPDX-License-Identifier: MIT
/*
 * A KVM virtual machine and its memory (Documentation/virt/kvm/api.rst 4.2 KVM_CREATE_VM,
 * 4.35 KVM_SET_USER_MEMORY_REGION). Guest memory is anonymous shared memory; slot 0 is the low
 * HV_MEM_SIZE bytes every guest uses, further slots serve proofs that need memory elsewhere
 * (above 4 GiB for PAE). The same on every architecture; what differs is hv_arch_vm_init's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv-mini/hv.h"

int hv_vm_create(struct hv_vm *vm, const char *kvm_path)
{
	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->device_fd = -1;
	vm->irq_vector = HV_IRQ_VECTOR;
	vm->kvm_fd = open(kvm_path ? kvm_path : "/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int err = errno;

		snprintf(vm->err, sizeof(vm->err), "open %s: %s", kvm_path ? kvm_path : "/dev/kvm",
			 strerror(err));
		return -err;
	}
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		int err = errno;

		snprintf(vm->err, sizeof(vm->err), "KVM_CREATE_VM: %s", strerror(err));
		hv_vm_destroy(vm);
		return -err;
	}
	int err = hv_arch_vm_init(vm);

	return err ? err : hv_vm_add_memory(vm, 0, HV_MEM_SIZE);
}

void hv_vm_destroy(struct hv_vm *vm)
{
	for (int i = 0; i < vm->nvcpus; i++) {
		hv_vcpu_release_timer(&vm->vcpus[i]);	/* before the kvm_run it writes goes */
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->vcpus[i].run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	vm->nvcpus = 0;
	if (vm->device_fd >= 0)
		close(vm->device_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->fd = vm->kvm_fd = vm->device_fd = -1;
	for (int i = 0; i < vm->nslots; i++)
		munmap(vm->slots[i].hva, vm->slots[i].size);
	vm->nslots = 0;
	free(vm->cpuid);
	vm->cpuid = NULL;
}

int hv_vm_add_memory(struct hv_vm *vm, uint64_t gpa, uint64_t size)
{
	if (vm->nslots == (int)(sizeof(vm->slots) / sizeof(vm->slots[0]))) {
		snprintf(vm->err, sizeof(vm->err), "no free memory slot");
		return -ENOSPC;
	}

	void *hva = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS |
			 MAP_NORESERVE, -1, 0);

	if (hva == MAP_FAILED) {
		int err = errno;

		snprintf(vm->err, sizeof(vm->err), "mmap of %llu bytes of guest memory: %s",
			 (unsigned long long)size, strerror(err));
		return -err;
	}

	struct kvm_userspace_memory_region region = {
		.slot = (uint32_t)vm->nslots,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		int err = errno;

		snprintf(vm->err, sizeof(vm->err), "KVM_SET_USER_MEMORY_REGION gpa 0x%llx: %s",
			 (unsigned long long)gpa, strerror(err));
		munmap(hva, size);
		return -err;
	}
	vm->slots[vm->nslots++] = (struct hv_slot){ .gpa = gpa, .size = size, .hva = hva };
	return 0;
}

int hv_vcpu_open(struct hv_vm *vm, int id, struct hv_vcpu **out)
{
	if (vm->nvcpus >= HV_MAX_VCPUS || id != vm->nvcpus) {
		snprintf(vm->err, sizeof(vm->err), "vCPU %d: ids go up from 0, at most %d", id,
			 HV_MAX_VCPUS);
		return -EINVAL;
	}

	struct hv_vcpu *vcpu = &vm->vcpus[vm->nvcpus];

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_CREATE_VCPU %d: %s", id, strerror(errno));
		return -errno;
	}
	vm->nvcpus++;

	int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (size <= 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -EINVAL;
	}
	vcpu->run_size = (size_t)size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		snprintf(vm->err, sizeof(vm->err), "mmap of kvm_run: %s", strerror(errno));
		return -errno;
	}
	*out = vcpu;
	return 0;
}

void *hv_gpa_to_hva(struct hv_vm *vm, uint64_t gpa)
{
	for (int i = 0; i < vm->nslots; i++)
		if (gpa >= vm->slots[i].gpa && gpa - vm->slots[i].gpa < vm->slots[i].size)
			return (char *)vm->slots[i].hva + (gpa - vm->slots[i].gpa);
	return NULL;
}

int hv_vm_load(struct hv_vm *vm, uint64_t gpa, const void *image, size_t len)
{
	void *hva = hv_gpa_to_hva(vm, gpa);

	if (!hva || !hv_gpa_to_hva(vm, gpa + len - 1)) {
		snprintf(vm->err, sizeof(vm->err), "image of %zu bytes does not fit at gpa 0x%llx",
			 len, (unsigned long long)gpa);
		return -EINVAL;
	}
	memcpy(hva, image, len);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * x86 vCPUs and the CPU modes our guests start in. The host writes the GDT and page tables into
 * guest memory and loads the segment caches, control registers and EFER through KVM_SET_SREGS,
 * as firmware or a boot loader would have left them (Intel SDM vol. 3A 9.8-9.9, "switching to
 * protected mode" and "initializing IA-32e mode"; AMD APM vol. 2 14.4-14.6). Each mode's page
 * tables also map something only that mode can reach, which the guests read to prove the mode:
 *   32-bit paging: VA 0x40000000 -> PA 0 (a 4 MiB page, CR4.PSE);
 *   PAE:           VA 0xC0000000 -> PA 0x100000000, above 4 GiB (a 2 MiB page);
 *   long mode:     VA 0xFFFFFF8000000000 -> PA 0 (PML4 entry 511).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch/x86.h"
#include "hv-mini/hv.h"


#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)	/* a large page: 4 MiB, 2 MiB */
#define MIB (1ull << 20)


/* Indexed by selector / 8 (hv-mini/abi.h) */
static const uint64_t gdt[HV_GDT_ENTRIES] = {
	0, HV_DESC_CODE32, HV_DESC_DATA32, HV_DESC_CODE64,
};

static struct kvm_segment flat_segment(uint16_t selector, bool code, bool long_mode)
{
	return (struct kvm_segment){
		.base = 0,
		.limit = 0xFFFFFFFF,
		.selector = selector,
		.type = code ? 0xB : 0x3,	/* execute/read accessed, read/write accessed */
		.present = 1,
		.dpl = 0,
		.db = long_mode && code ? 0 : 1,
		.s = 1,
		.l = long_mode && code,
		.g = 1,
	};
}

static void write_u64(struct hv_vm *vm, uint64_t gpa, uint64_t value)
{
	memcpy(hv_gpa_to_hva(vm, gpa), &value, sizeof(value));
}

static void write_u32(struct hv_vm *vm, uint64_t gpa, uint32_t value)
{
	memcpy(hv_gpa_to_hva(vm, gpa), &value, sizeof(value));
}

/* Page tables for mode at HV_GPA_PT; returns the CR3 value. */
static uint64_t page_tables(struct hv_vm *vm, enum hv_mode mode)
{
	const uint64_t pt = HV_GPA_PT;

	memset(hv_gpa_to_hva(vm, pt), 0, HV_PT_SIZE);
	switch (mode) {
	case HV_MODE_PROT32_PAGED:
		/* page directory of 4 MiB pages: identity for the low 4 MiB, and the alias */
		write_u32(vm, pt + 0 * 4, (uint32_t)(0 | PTE_P | PTE_RW | PTE_PS));
		write_u32(vm, pt + (HV_PROT32_HIGH_VA >> 22) * 4, (uint32_t)(0 | PTE_P | PTE_RW | PTE_PS));
		return pt;
	case HV_MODE_PAE32:
		/* PDPT (4 entries, no RW bit in PAE PDPTEs) -> page directories of 2 MiB pages */
		write_u64(vm, pt + 0 * 8, (pt + 0x1000) | PTE_P);
		write_u64(vm, pt + (HV_PAE_VA >> 30) * 8, (pt + 0x2000) | PTE_P);
		write_u64(vm, pt + 0x1000 + 0 * 8, 0 * MIB | PTE_P | PTE_RW | PTE_PS);
		write_u64(vm, pt + 0x1000 + 1 * 8, 2 * MIB | PTE_P | PTE_RW | PTE_PS);
		write_u64(vm, pt + 0x2000 + 0 * 8, HV_PAE_HIGH_GPA | PTE_P | PTE_RW | PTE_PS);
		return pt;
	case HV_MODE_LONG64:
		/* PML4 -> PDPT -> PD of 2 MiB pages; entry 511 maps the top of the address space */
		write_u64(vm, pt + 0 * 8, (pt + 0x1000) | PTE_P | PTE_RW);
		write_u64(vm, pt + (HV_LONG_HIGH_VA >> 39 & 511) * 8, (pt + 0x3000) | PTE_P | PTE_RW);
		write_u64(vm, pt + 0x1000, (pt + 0x2000) | PTE_P | PTE_RW);
		write_u64(vm, pt + 0x2000 + 0 * 8, 0 * MIB | PTE_P | PTE_RW | PTE_PS);
		write_u64(vm, pt + 0x2000 + 1 * 8, 2 * MIB | PTE_P | PTE_RW | PTE_PS);
		write_u64(vm, pt + 0x3000, (pt + 0x4000) | PTE_P | PTE_RW);
		write_u64(vm, pt + 0x4000, 0 * MIB | PTE_P | PTE_RW | PTE_PS);
		return pt;
	default:
		return 0;
	}
}

static int set_mode(struct hv_vcpu *vcpu, enum hv_mode mode, uint64_t entry)
{
	struct hv_vm *vm = vcpu->vm;
	struct kvm_sregs s;
	struct kvm_regs regs = { .rflags = 2 };

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0)
		goto fail_get;
	memcpy(hv_gpa_to_hva(vm, HV_GPA_GDT), gdt, sizeof(gdt));
	if (mode == HV_MODE_REAL16) {
		/* CS:IP = entry/16:0; every other segment at 0 */
		s.cs.selector = (uint16_t)(entry >> 4);
		s.cs.base = entry & ~0xFull;
		s.ds.selector = s.es.selector = s.ss.selector = 0;
		s.ds.base = s.es.base = s.ss.base = 0;
		s.cr0 &= ~(uint64_t)(X86_CR0_PE | X86_CR0_PG);
		regs.rip = entry & 0xF;
		regs.rsp = 0xFFF0;
	} else {
		bool lm = mode == HV_MODE_LONG64;

		s.gdt.base = HV_GPA_GDT;
		s.gdt.limit = sizeof(gdt) - 1;
		s.cs = flat_segment(lm ? HV_SEL_CODE64 : HV_SEL_CODE32, true, lm);
		s.ds = s.es = s.fs = s.gs = s.ss = flat_segment(HV_SEL_DATA32, false, lm);
		s.cr0 = X86_CR0_PE | X86_CR0_ET;
		s.cr4 = 0;
		s.efer = 0;
		if (mode == HV_MODE_PROT32) {
			page_tables(vm, HV_MODE_PROT32_PAGED);	/* for a guest that pages itself */
		} else {
			s.cr3 = page_tables(vm, mode);
			s.cr0 |= X86_CR0_PG;
			s.cr4 = mode == HV_MODE_PROT32_PAGED ? X86_CR4_PSE : X86_CR4_PAE;
			if (lm)
				s.efer = X86_EFER_LME | X86_EFER_LMA;
		}
		regs.rip = entry;
		regs.rsp = HV_GPA_STACK - 0x1000 * (uint64_t)vcpu->id;
		regs.rsi = (uint64_t)vcpu->id;	/* which vCPU am I: for SMP guests */
	}
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &s) < 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_SET_SREGS (vCPU %d): %s", vcpu->id,
			 strerror(errno));
		return -errno;
	}
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_SET_REGS (vCPU %d): %s", vcpu->id,
			 strerror(errno));
		return -errno;
	}
	return 0;
fail_get:
	snprintf(vm->err, sizeof(vm->err), "KVM_GET_SREGS (vCPU %d): %s", vcpu->id, strerror(errno));
	return -errno;
}

/* Give the vCPU the CPUID KVM supports (hv_vm_create read it), so guests see what this host can
 * offer them. */
static int set_cpuid(struct hv_vcpu *vcpu)
{
	struct hv_vm *vm = vcpu->vm;

	if (ioctl(vcpu->fd, KVM_SET_CPUID2, vm->cpuid) < 0) {
		snprintf(vm->err, sizeof(vm->err), "KVM_SET_CPUID2: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int hv_vcpu_create(struct hv_vm *vm, int id, enum hv_mode mode, uint64_t entry)
{
	struct hv_vcpu *vcpu;
	int err = hv_vcpu_open(vm, id, &vcpu);

	if (!err)
		err = set_cpuid(vcpu);
	return err ? err : set_mode(vcpu, mode, entry);
}

void hv_vcpu_describe(struct hv_vcpu *vcpu, char *out, size_t len)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 || ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(out, len, "registers unreadable: %s", strerror(errno));
		return;
	}
	snprintf(out, len, "RIP=0x%llx CS=%04x(base 0x%llx L=%d D=%d) CR0=0x%llx CR3=0x%llx "
		 "CR4=0x%llx EFER=0x%llx RAX=0x%llx RBX=0x%llx RCX=0x%llx RDX=0x%llx RSP=0x%llx",
		 (unsigned long long)r.rip, s.cs.selector, (unsigned long long)s.cs.base, s.cs.l,
		 s.cs.db, (unsigned long long)s.cr0, (unsigned long long)s.cr3,
		 (unsigned long long)s.cr4, (unsigned long long)s.efer, (unsigned long long)r.rax,
		 (unsigned long long)r.rbx, (unsigned long long)r.rcx, (unsigned long long)r.rdx,
		 (unsigned long long)r.rsp);
}

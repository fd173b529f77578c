/* SPDX-License-Identifier: MIT */
/*
 * The signatures hypervisors return in CPUID 0x40000000 EBX, ECX, EDX (12 bytes, trailing NULs
 * stripped), as data for probe/cpu.c. The range 0x40000000-0x400000FF is reserved for hypervisor
 * use (SDM vol. 2A, CPUID: "hypervisor leaves"; Linux arch/x86/include/asm/processor.h
 * hypervisor_cpuid_base()); each hypervisor defines what it returns there.
 *
 * A signature names the layer directly below this kernel only, and not always the product: a
 * VMM built on KVM (QEMU, Firecracker, Cloud Hypervisor, crosvm) shows KVM's, and a hypervisor
 * that offers Hyper-V's interface first shows Hyper-V's here and its own at 0x40000100.
 *
 * nested_fix: how to give a guest of that hypervisor VT-x/AMD-V (nested virtualization), done
 * on the outer host. Fixes end up in the matrix, which keeps 511 characters: keep them short.
 *
 * Included by probe/cpu.c only.
 */
#ifndef VIRTCAP_CPU_HYPERVISORS_H
#define VIRTCAP_CPU_HYPERVISORS_H

#include "probe/xen.h"

#define NESTED_KVM \
	"on the KVM host: load kvm_intel (or kvm_amd) with nested=1 (echo 'options kvm_intel " \
	"nested=1' > /etc/modprobe.d/kvm-nested.conf, reload the module) and give this VM the " \
	"CPU flag (QEMU: -cpu host, or -cpu MODEL,+vmx / +svm; libvirt: <cpu " \
	"mode='host-passthrough'/>), then restart this VM"
#define NESTED_HYPERV \
	"on the Hyper-V host, with this VM off: Set-VMProcessor -VMName NAME " \
	"-ExposeVirtualizationExtensions $true, then start it again"
#define NESTED_VMWARE \
	"in this VM's CPU settings on the VMware host, with the VM off: enable \"Expose hardware " \
	"assisted virtualization to the guest OS\" (vhv.enable = \"TRUE\" in its .vmx)"
/* an HVM domain's; PV and PVH domains and dom0 get theirs from probe/xen.c */
#define NESTED_XEN XEN_NESTED_HVM
#define NESTED_TCG \
	"this VM is emulated by QEMU TCG: run it under KVM instead (-accel kvm -cpu host), or add " \
	"+svm to its -cpu (TCG emulates AMD SVM, not VMX)"
#define NESTED_PARALLELS \
	"on the Parallels host, with this VM off: prlctl set NAME --nested-virt on"
#define NESTED_VBOX \
	"on the VirtualBox host, with this VM off: VBoxManage modifyvm NAME --nested-hw-virt on"

static const struct cpu_hypervisor {
	const char *signature;
	const char *name;
	const char *note;	/* what the signature does not tell; NULL when nothing */
	const char *nested_fix;	/* NULL: the generic advice of probe/cpu.c */
} cpu_hypervisors[] = {
	{ "KVMKVMKVM", "KVM",
	  "the VMM on top of KVM (QEMU, Firecracker, Cloud Hypervisor, crosvm...) shows the same "
	  "signature: see the environment layers", NESTED_KVM },
	{ "Linux KVM Hv", "KVM", "KVM offering its Hyper-V emulation first", NESTED_KVM },
	{ "Microsoft Hv", "Microsoft Hyper-V",
	  "or a hypervisor offering Hyper-V's interface first (KVM with hv-* enlightenments, Xen "
	  "with Viridian); their own signature is then at 0x40000100", NESTED_HYPERV },
	{ "VMwareVMware", "VMware", NULL, NESTED_VMWARE },
	{ "XenVMMXenVMM", "Xen", NULL, NESTED_XEN },
	{ "bhyve bhyve ", "bhyve", NULL, NULL },
	{ "BHyVE BHyVE ", "bhyve", NULL, NULL },
	{ "TCGTCGTCGTCG", "QEMU TCG", "emulation without hardware virtualization: slow", NESTED_TCG },
	{ " lrpepyh  vr", "Parallels", NULL, NESTED_PARALLELS },
	{ " prl hyperv ", "Parallels", NULL, NESTED_PARALLELS },
	{ "VBoxVBoxVBox", "Oracle VirtualBox", NULL, NESTED_VBOX },
	{ "ACRNACRNACRN", "ACRN", NULL, NULL },
	{ "QNXQVMBSQG", "QNX Hypervisor", NULL, NULL },
	{ "Jailhouse", "Jailhouse", NULL, NULL },
	{ "Apple VZ", "Apple Virtualization", NULL, NULL },
	{ "OpenBSDVMM58", "OpenBSD vmm", NULL, NULL },
	{ "___ NVMM ___", "NetBSD NVMM", NULL, NULL },
	{ "HAXMHAXMHAXM", "Intel HAXM", NULL, NULL },
	{ "EVMMEVMMEVMM", "Intel KGT", NULL, NULL },
	{ "UnisysSpar64", "Unisys s-Par", NULL, NULL },
	{ "SRESRESRESRE", "Lockheed Martin LMHS", NULL, NULL },
	{ "MicrosoftXTA", "Microsoft x86-to-ARM emulation", NULL, NULL },
};

#endif

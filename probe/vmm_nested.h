/* SPDX-License-Identifier: MIT */
/*
 * Where this host is, as data for probe/environment.c. How a guest of each VMM or cloud gets VT-x/AMD-V (nested virtualization), or that it cannot:
 * the fix for a guest without VMX/SVM once the environment layers have named the VMM from ACPI
 * and DMI (probe/environment.c). The CPUID signature alone names KVM for all of these, and
 * "load kvm_intel with nested=1 on the host" is no answer for a cloud instance or a VMM that
 * has no such option. Facts as their makers document them (2026): Firecracker keeps nested
 * virtualization out of its scope; Cloud Hypervisor has --cpus nested=on|off; EC2 passes VT-x
 * to C8i, M8i and R8i instances with the nested-virtualization CPU option, and to bare metal;
 * Compute Engine has --enable-nested-virtualization on Intel machine series (not E2); Hyper-V
 * exposes it per VM (Set-VMProcessor -ExposeVirtualizationExtensions), Azure on the sizes that
 * offer it; VMware with "Virtualize Intel VT-x/EPT or AMD-V/RVI" (vhv.enable); VirtualBox with
 * --nested-hw-virt; QEMU/libvirt/Proxmox with nested=1 on the host and the host's CPU model.
 * Fixes end up in the matrix, which keeps 511 characters: keep them short.
 *
 * Also what a VM does to get an IOMMU (VM_IOMMU_*). Included by probe/environment.c only.
 */
#ifndef VIRTCAP_VMM_NESTED_H
#define VIRTCAP_VMM_NESTED_H

static const struct vmm_nested {
	const char *vmm;	/* as environment.c names it */
	const char *fix;
} vmm_nested[] = {
	{ "Firecracker",
	  "Firecracker gives its guests no VT-x/AMD-V (nested virtualization is outside its scope) "
	  "and no setting of this VM changes that: run what needs it on bare metal, or under a VMM "
	  "that passes VT-x/AMD-V through (QEMU or libvirt with -cpu host, Cloud Hypervisor with "
	  "--cpus nested=on) on a host whose KVM has nested=1" },
	{ "Cloud Hypervisor",
	  "on the host: start this VM with cloud-hypervisor --cpus ...,nested=on, on a host whose "
	  "kvm_intel/kvm_amd runs with nested=1 (cat /sys/module/kvm_*/parameters/nested)" },
	{ "Amazon EC2 (Nitro)",
	  "EC2 gives VT-x only to C8i, M8i and R8i instances launched (or stopped and modified) with "
	  "nested virtualization in their CPU options, and to bare-metal (*.metal) instances: move "
	  "the workload to one of those" },
	{ "Google Compute Engine",
	  "stop the instance and enable nested virtualization (gcloud compute instances create ... "
	  "--enable-nested-virtualization, or advancedMachineFeatures.enableNestedVirtualization "
	  "with update-from-file); only Intel machine series offer it, not E2" },
	{ "Hyper-V",
	  "on the Hyper-V host, with this VM off: Set-VMProcessor -VMName NAME "
	  "-ExposeVirtualizationExtensions $true (PowerShell, as administrator); on Azure (also "
	  "Hyper-V): a size that offers nested virtualization (D/E-series v3 and later, not B)" },
	{ "VMware",
	  "with this VM powered off: Settings > Processors > \"Virtualize Intel VT-x/EPT or "
	  "AMD-V/RVI\" (ESXi: \"Expose hardware assisted virtualization to the guest OS\"), or "
	  "vhv.enable = \"TRUE\" in its .vmx file" },
	{ "VirtualBox",
	  "with this VM off, on its host: VBoxManage modifyvm NAME --nested-hw-virt on (or "
	  "Settings > System > Processor > \"Enable Nested VT-x/AMD-V\")" },
	{ "QEMU",
	  "on the host: kvm_intel (or kvm_amd) with nested=1, and this VM's CPU passed through: QEMU "
	  "-cpu host, libvirt <cpu mode='host-passthrough'/>, Proxmox CPU type \"host\"" },
};

/* A VM has an IOMMU only if its VMM gives it one; the firmware setup of the machine it runs on
 * is not this host's to change */
#define VM_IOMMU_FIRECRACKER \
	"Firecracker VMs have no IOMMU and no PCI passthrough: give the device to a VM of a VMM " \
	"that has them, or use it on the host"
#define VM_IOMMU_GENERIC \
	"this host is a virtual machine: it has an IOMMU only if its VMM gives it a virtual one " \
	"(QEMU: -machine q35,kernel-irqchip=split -device intel-iommu,intremap=on; libvirt: " \
	"<iommu model='intel'/>), and the device must first be passed through to this VM"
#define VM_IOMMU_ARM64 \
	"this host is an arm64 virtual machine: it has an IOMMU only if its VMM gives it a virtual " \
	"SMMU (QEMU: -machine virt,iommu=smmuv3; libvirt: <iommu model='smmuv3'/>), and the " \
	"device must first be passed through to this VM"

/*
 * The CI systems virtcap knows, by the variable each sets in its jobs' environment (their
 * documented "default environment variables"); a job cannot log out and in again, so a group
 * membership added during it never applies to it: each gets the fix that works from a job.
 */
static const struct ci_system {
	const char *var, *value;	/* value NULL: set to anything */
	const char *name;
} ci_systems[] = {
	{ "GITHUB_ACTIONS", "true", "GitHub Actions" },
	{ "GITLAB_CI", "true", "GitLab CI" },
	{ "BUILDKITE", "true", "Buildkite" },
	{ "CIRCLECI", "true", "CircleCI" },
	{ "JENKINS_URL", NULL, "Jenkins" },
	{ "TF_BUILD", "True", "Azure Pipelines" },
	{ "CI", "true", "a CI system" },	/* last: what many set besides their own */
};

#endif

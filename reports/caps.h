/* SPDX-License-Identifier: MIT */
/*
 * Every capability id virtcap records, named once: a misspelt name does not compile, where a
 * misspelt string would silently read as unknown. The ids are the JSON report's stable keys
 * (reports/schema/report-v1.json); families whose members come from a table (KVM_CAP_*,
 * namespaces) have a prefix here and their members in the table that makes them.
 */
#ifndef VIRTCAP_CAPS_H
#define VIRTCAP_CAPS_H

/* CPU (CPUID, the VMX capability MSRs) */
#define CAP_CPU_APIC_REGISTER_VIRT "cpu.apic_register_virt"
/* CPU, arm64 (MIDR_EL1; the kernel's boot lines: probe/arm64.c) */
#define CAP_CPU_ARM64_EL1_AARCH32 "cpu.arm64_el1_aarch32"
#define CAP_CPU_ARM64_MIDR "cpu.arm64_midr"
#define CAP_CPU_AVIC "cpu.avic"
#define CAP_CPU_BRAND "cpu.brand"
#define CAP_CPU_CODENAME "cpu.codename"
#define CAP_CPU_CPUID_SOURCE "cpu.cpuid_source"
#define CAP_CPU_DECODE_ASSISTS "cpu.decode_assists"
#define CAP_CPU_EPT "cpu.ept"
#define CAP_CPU_EPT_1GB "cpu.ept_1gb"
#define CAP_CPU_EPT_AD "cpu.ept_ad"
#define CAP_CPU_FAMILY "cpu.family"
#define CAP_CPU_FLUSH_BY_ASID "cpu.flush_by_asid"
#define CAP_CPU_GMET "cpu.gmet"
#define CAP_CPU_HYPERVISOR "cpu.hypervisor"
#define CAP_CPU_HYPERVISOR_NAME "cpu.hypervisor_name"
#define CAP_CPU_HYPERVISOR_SIGNATURE "cpu.hypervisor_signature"
#define CAP_CPU_LBRV "cpu.lbrv"
#define CAP_CPU_X86_64_V2 "cpu.x86_64_v2"
#define CAP_CPU_LM "cpu.lm"
#define CAP_CPU_MAX_BASIC_LEAF "cpu.max_basic_leaf"
#define CAP_CPU_MAX_EXT_LEAF "cpu.max_ext_leaf"
#define CAP_CPU_MODEL "cpu.model"
#define CAP_CPU_NPT "cpu.npt"
#define CAP_CPU_NRIP_SAVE "cpu.nrip_save"
#define CAP_CPU_NX "cpu.nx"
#define CAP_CPU_PAE "cpu.pae"
#define CAP_CPU_PAUSE_FILTER "cpu.pause_filter"
#define CAP_CPU_PAUSE_FILTER_THRESHOLD "cpu.pause_filter_threshold"
#define CAP_CPU_POSTED_INTERRUPTS "cpu.posted_interrupts"
#define CAP_CPU_PREEMPTION_TIMER "cpu.preemption_timer"
#define CAP_CPU_PSE "cpu.pse"
#define CAP_CPU_PSE36 "cpu.pse36"
#define CAP_CPU_SMX "cpu.smx"
#define CAP_CPU_STEPPING "cpu.stepping"
#define CAP_CPU_SVM "cpu.svm"
#define CAP_CPU_SVM_ASIDS "cpu.svm_asids"
#define CAP_CPU_SVM_LOCK "cpu.svm_lock"
#define CAP_CPU_SVM_REVISION "cpu.svm_revision"
#define CAP_CPU_TSC_RATE_MSR "cpu.tsc_rate_msr"
#define CAP_CPU_UNRESTRICTED_GUEST "cpu.unrestricted_guest"
#define CAP_CPU_VENDOR "cpu.vendor"
#define CAP_CPU_VGIF "cpu.vgif"
#define CAP_CPU_VIRTUAL_INTERRUPT_DELIVERY "cpu.virtual_interrupt_delivery"
#define CAP_CPU_VMCB_CLEAN "cpu.vmcb_clean"
#define CAP_CPU_VMCS_REVISION "cpu.vmcs_revision"
#define CAP_CPU_VMCS_SHADOWING "cpu.vmcs_shadowing"
#define CAP_CPU_VMSAVE_VIRT "cpu.vmsave_virt"
#define CAP_CPU_VMX "cpu.vmx"
#define CAP_CPU_VPID "cpu.vpid"
#define CAP_CPU_X2AVIC "cpu.x2avic"

/* firmware (MSRs, ACPI, DMI) */
#define CAP_FW_BIOS_DATE "fw.bios_date"
#define CAP_FW_BIOS_VENDOR "fw.bios_vendor"
#define CAP_FW_BIOS_VERSION "fw.bios_version"
#define CAP_FW_DMI_PRODUCT_NAME "fw.dmi_product_name"
#define CAP_FW_DMI_SYS_VENDOR "fw.dmi_sys_vendor"
#define CAP_FW_FEATURE_CONTROL "fw.feature_control"
#define CAP_FW_IOMMU "fw.iommu"
#define CAP_FW_IOMMU_TABLE "fw.iommu_table"
#define CAP_FW_SECURE_BOOT "fw.secure_boot"
#define CAP_FW_UEFI "fw.uefi"
#define CAP_FW_VIRT_ENABLED "fw.virt_enabled"
#define CAP_FW_VM_CR "fw.vm_cr"

/* kernel and KVM */
#define CAP_KERNEL_APICV "kernel.apicv"
#define CAP_KERNEL_ARCH "kernel.arch"
#define CAP_KERNEL_ARM64_BOOT_EL "kernel.arm64_boot_el"
#define CAP_KERNEL_ARM64_IPA_BITS "kernel.arm64_ipa_bits"
#define CAP_KERNEL_ARM64_KVM_MODE "kernel.arm64_kvm_mode"
#define CAP_KERNEL_CMDLINE "kernel.cmdline"
#define CAP_KERNEL_CPUS_ONLINE "kernel.cpus_online"
#define CAP_KERNEL_DEV_KVM "kernel.dev_kvm"
#define CAP_KERNEL_DEV_KVM_GROUP "kernel.dev_kvm_group"
#define CAP_KERNEL_CPU_FREQUENCY_OK "kernel.cpu_frequency_ok"
#define CAP_KERNEL_DEV_KVM_ACCESS "kernel.dev_kvm_access"	/* root, owner, group, acl-user... */
#define CAP_KERNEL_GUEST_SPLIT_LOCKS "kernel.guest_split_locks"
#define CAP_KERNEL_HUGEPAGE_SIZE_KB "kernel.hugepage_size_kb"
#define CAP_KERNEL_HUGEPAGES_FREE "kernel.hugepages_free"
#define CAP_KERNEL_HUGEPAGES_TOTAL "kernel.hugepages_total"
#define CAP_KERNEL_IOMMU_ENABLED "kernel.iommu_enabled"
#define CAP_KERNEL_IOMMU_GROUPS "kernel.iommu_groups"
#define CAP_KERNEL_KVM_API_VERSION "kernel.kvm_api_version"
#define CAP_KERNEL_KVM_BUILTIN "kernel.kvm_builtin"
#define CAP_KERNEL_KVM_CREATE_VM "kernel.kvm_create_vm"
#define CAP_KERNEL_KVM_LOADED "kernel.kvm_loaded"
#define CAP_KERNEL_KVM_MODULE "kernel.kvm_module"
#define CAP_KERNEL_LOCKDOWN "kernel.lockdown"
#define CAP_KERNEL_LSM "kernel.lsm"
#define CAP_KERNEL_LSM_DENIALS "kernel.lsm_denials"
#define CAP_KERNEL_NESTED "kernel.nested"
#define CAP_KERNEL_NX_HUGE_PAGES "kernel.nx_huge_pages"
#define CAP_KERNEL_OTHER_HYPERVISORS "kernel.other_hypervisors"
#define CAP_KERNEL_OTHER_HYPERVISORS_OK "kernel.other_hypervisors_ok"
#define CAP_KERNEL_KVM_VIRT_AT_LOAD "kernel.kvm_virt_at_load"
#define CAP_KERNEL_RELEASE "kernel.release"
#define CAP_KERNEL_TDP "kernel.tdp"
#define CAP_KERNEL_THP_FOR_GUESTS "kernel.thp_for_guests"
#define CAP_KERNEL_TUN "kernel.tun"
#define CAP_KERNEL_UNSIGNED_MODULES "kernel.unsigned_modules"
#define CAP_KERNEL_UNRESTRICTED_GUEST "kernel.unrestricted_guest"
#define CAP_KERNEL_VFIO "kernel.vfio"
#define CAP_KERNEL_VFIO_PCI "kernel.vfio_pci"
#define CAP_KERNEL_VHOST_NET "kernel.vhost_net"
#define CAP_KERNEL_VHOST_VSOCK "kernel.vhost_vsock"
#define CAP_KERNEL_VPID "kernel.vpid"
#define CAP_KERNEL_KVM_CAP_PREFIX "kernel.kvm_cap."	/* + the KVM_CAP_ name, lower case */

/* OS-level virtualization */
#define CAP_OS_CGROUP_CONTROLLERS "os.cgroup_controllers"
#define CAP_OS_CGROUP_VERSION "os.cgroup_version"
#define CAP_OS_CONTAINER "os.container"
#define CAP_OS_CONTAINER_KIND "os.container_kind"
#define CAP_OS_USERNS_ALLOWED "os.userns_allowed"
#define CAP_OS_NS_PREFIX "os.ns."	/* + the namespace: mount, pid, net, uts, ipc, user... */

/* confidential computing */
#define CAP_CC_GUEST "cc.guest"
#define CAP_CC_SEV "cc.sev"
#define CAP_CC_SEV_ASIDS "cc.sev_asids"
#define CAP_CC_SEV_DEV "cc.sev_dev"
#define CAP_CC_SEV_ES "cc.sev_es"
#define CAP_CC_SEV_ES_KERNEL "cc.sev_es_kernel"
#define CAP_CC_SEV_FW "cc.sev_fw"
#define CAP_CC_SEV_KERNEL "cc.sev_kernel"
#define CAP_CC_SEV_MIN_ASID "cc.sev_min_asid"
#define CAP_CC_SEV_SNP "cc.sev_snp"
#define CAP_CC_SEV_SNP_KERNEL "cc.sev_snp_kernel"
#define CAP_CC_SGX "cc.sgx"
#define CAP_CC_SGX1 "cc.sgx1"
#define CAP_CC_SGX2 "cc.sgx2"
#define CAP_CC_SGX_EPC_MB "cc.sgx_epc_mb"
#define CAP_CC_SGX_FW "cc.sgx_fw"
#define CAP_CC_SGX_KERNEL "cc.sgx_kernel"
#define CAP_CC_SGX_KVM "cc.sgx_kvm"
#define CAP_CC_SGX_LC "cc.sgx_lc"
#define CAP_CC_SME "cc.sme"
#define CAP_CC_TDX "cc.tdx"
#define CAP_CC_TDX_KERNEL "cc.tdx_kernel"
#define CAP_CC_VMPL "cc.vmpl"

/* the layers of hypervisors this host runs in, and the CI system running virtcap */
#define CAP_ENV_CI "env.ci"
#define CAP_ENV_HYPERVISOR "env.hypervisor"
#define CAP_ENV_IS_GUEST "env.is_guest"
#define CAP_ENV_LAYERS "env.layers"
#define CAP_ENV_VMM "env.vmm"
/* Xen, from inside one of its domains (probe/xen.c) */
#define CAP_ENV_XEN_DOM0 "env.xen_dom0"
#define CAP_ENV_XEN_GUEST_TYPE "env.xen_guest_type"
#define CAP_ENV_XEN_HVM "env.xen_hvm"

/* the QEMU/KVM VMs running on this host (probe/running_vms.c) */
#define CAP_VMS_APICV_KEPT "vms.apicv_kept"

/* Hypervisor tools installed (probe/tools.c): the path found, or "none" */
#define CAP_TOOLS_CLOUD_HYPERVISOR "tools.cloud_hypervisor"
#define CAP_TOOLS_CROSVM "tools.crosvm"
#define CAP_TOOLS_FIRECRACKER "tools.firecracker"
#define CAP_TOOLS_LIBVIRT "tools.libvirt"
#define CAP_TOOLS_OVMF_SECBOOT "tools.ovmf_secboot"
#define CAP_TOOLS_QEMU_AARCH64 "tools.qemu_aarch64"
#define CAP_TOOLS_QEMU_ARM "tools.qemu_arm"
#define CAP_TOOLS_QEMU_RISCV64 "tools.qemu_riscv64"
#define CAP_TOOLS_AAVMF "tools.aavmf"
#define CAP_TOOLS_QEMU "tools.qemu"
#define CAP_TOOLS_SWTPM "tools.swtpm"
/* what make bench measured on the machine virtcap runs on (tools/tcg-slowdown): "RATIO DATE",
 * how many times slower a register-only loop runs under QEMU's TCG than on this CPU, or "none"
 * (kept in the facts, so a snapshot carries it; unknown on a captured root without them) */
#define CAP_TOOLS_TCG_SLOWDOWN "tools.tcg_slowdown"
#define CAP_TOOLS_VIRTUALBOX "tools.virtualbox"
#define CAP_TOOLS_VMWARE "tools.vmware"

/* PCI devices and passthrough */
#define CAP_PCI_DEVICES "pci.devices"
#define CAP_PCI_GPUS "pci.gpus"

/* Programs of other CPU architectures through binfmt_misc (probe/binfmt.c): each one's
 * registration, and whether a program of it ran (prove --foreign: foreign/run.c) */
#define CAP_BINFMT_AARCH64 "binfmt.aarch64"
#define CAP_BINFMT_AARCH64_RUNS "binfmt.aarch64_runs"
#define CAP_BINFMT_ARM "binfmt.arm"
#define CAP_BINFMT_ARM_RUNS "binfmt.arm_runs"
#define CAP_BINFMT_PPC64LE "binfmt.ppc64le"
#define CAP_BINFMT_RISCV64 "binfmt.riscv64"
#define CAP_BINFMT_RISCV64_RUNS "binfmt.riscv64_runs"
#define CAP_BINFMT_S390X "binfmt.s390x"
/* A real kernel of another architecture booted to its init under QEMU's emulation, and this
 * host's own under TCG and KVM beside it (prove --foreign: foreign/boot.c) */
#define CAP_FOREIGN_ARM32_BOOT "foreign.arm32_boot"
#define CAP_FOREIGN_ARM32_BOOT_MS "foreign.arm32_boot_ms"
#define CAP_FOREIGN_ARM64_BOOT "foreign.arm64_boot"
#define CAP_FOREIGN_ARM64_BOOT_MS "foreign.arm64_boot_ms"
#define CAP_FOREIGN_X86_KVM_BOOT_MS "foreign.x86_kvm_boot_ms"
#define CAP_FOREIGN_X86_TCG_BOOT_MS "foreign.x86_tcg_boot_ms"

/* Graphics for guests (probe/graphics.c): the level and its evidence */
#define CAP_GPU_GRAPHICS "gpu.graphics"
#define CAP_GPU_MDEV_TYPES "gpu.mdev_types"
#define CAP_GPU_QEMU_GL "gpu.qemu_gl"
#define CAP_GPU_RENDER_NODE "gpu.render_node"
#define CAP_GPU_RENDER_OPEN "gpu.render_open"
#define CAP_GPU_SRIOV_VFS "gpu.sriov_vfs"
#define CAP_PCI_GPUS_PASSTHROUGH_READY "pci.gpus_passthrough_ready"
#define CAP_PCI_GROUPS_ISOLATED "pci.groups_isolated"
#define CAP_PCI_INTERRUPT_REMAPPING "pci.interrupt_remapping"
#define CAP_PCI_SRIOV_CAPABLE "pci.sriov_capable"
#define CAP_PCI_UNSAFE_INTERRUPTS_ALLOWED "pci.unsafe_interrupts_allowed"
#define CAP_PCI_VFIO_BOUND "pci.vfio_bound"

/* this process */
#define CAP_PROCESS_BITS "process.bits"
#define CAP_PROCESS_MEMLOCK "process.memlock"	/* bytes, or "unlimited" */

#endif

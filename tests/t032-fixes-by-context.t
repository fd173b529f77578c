#!/bin/sh
# A fix must fit where the host is. The same missing capability gets a different fix on bare
# metal, in a VM of each VMM or cloud, with a built-in module: nested virtualization (Firecracker
# has none, Cloud Hypervisor has --cpus nested, EC2 and Compute Engine have their own switches,
# QEMU/KVM has nested=1 and -cpu host), the IOMMU (Intel's parameter, AMD's firmware switch, a
# command line that turns it off, a VM's virtual IOMMU; never iommu=pt or amd_iommu=on) and
# nested=0 (modprobe for a module, the kernel command line for a built-in one, .wslconfig in
# WSL2), /dev/kvm closed to this user (a udev rule in GitHub Actions, sg in other CI, the
# device and its gid for a container, config.toml for GitLab's Docker executor). Captured
# roots built from the files each kind of host has.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
fix() { jget "$1.json" "d['capabilities']['$2']['fix']"; }

# has ROOT CAP TEXT WHAT / lacks ROOT CAP TEXT WHAT: the capability's fix says (or not) TEXT
has() {
	case $(fix "$1" "$2") in *"$3"*) ok 0 "$4" ;; *) ok 1 "$4"; diag "fix: $(fix "$1" "$2")" ;; esac
}
lacks() {
	case $(fix "$1" "$2") in *"$3"*) ok 1 "$4"; diag "fix: $(fix "$1" "$2")" ;; *) ok 0 "$4" ;; esac
}

# a KVM guest without VT-x, as each VMM or cloud makes it: ACPI OEM ids and DMI as they write them
vm() {	# NAME: an Intel guest of KVM without VMX, no KVM module of its own
	r=$tmp/$1
	root_kernel "$r" 6.1.0-27-amd64 x86_64; cpu_intel_novmx_guest "$r"; kvm_guest_leaf "$r"
	no_kvm_module "$r"
}
vm firecracker; acpi_table "$r" FACP FIRECK FCVMFADT
probe_root "$r"
has "$r" cpu.vmx "Firecracker gives its guests no VT-x/AMD-V" \
	"Firecracker: the fix says it offers no nested virtualization"
lacks "$r" cpu.vmx "nested=1 (echo" "Firecracker: no 'reload kvm_intel with nested=1' on a host it cannot reach"
vm firecracker-pvm; acpi_table "$r" FACP FIRECK FCVMFADT
root_file "$r" sys/module/kvm_pvm/initstate live
probe_root "$r"
has "$r" cpu.vmx "this kernel offers PVM (kvm_pvm)" \
	"Firecracker with kvm_pvm loaded: the fix names PVM as what runs here"
is "$(jget "$r.json" "d['matrix']['hypervisor']['fix']")" "$(fix "$r" cpu.vmx)" \
	"and the hypervisor row carries that fix"

vm qemu; acpi_table "$r" FACP BOCHS BXPCFACP
root_file "$r" sys/class/dmi/id/sys_vendor QEMU
probe_root "$r"
has "$r" cpu.vmx "kvm_intel (or kvm_amd) with nested=1" "QEMU/KVM: nested=1 on the KVM host"
has "$r" cpu.vmx "-cpu host" "and -cpu host for this VM"
has "$r" cpu.vmx "host-passthrough" "libvirt's host-passthrough, the same for a managed VM"

# the desktop and enterprise hypervisors, named by their DMI vendor, each with its own switch
vm hyperv; root_file "$r" sys/class/dmi/id/sys_vendor "Microsoft Corporation"
root_file "$r" sys/class/dmi/id/product_name "Virtual Machine"
probe_root "$r"
has "$r" cpu.vmx "Set-VMProcessor -VMName NAME -ExposeVirtualizationExtensions" "Hyper-V: Set-VMProcessor"
has "$r" cpu.vmx "Azure" "and the Azure sizes"
vm vmware; root_file "$r" sys/class/dmi/id/sys_vendor "VMware, Inc."
probe_root "$r"
has "$r" cpu.vmx 'vhv.enable = "TRUE"' "VMware: vhv.enable, or its setting"
vm vbox; root_file "$r" sys/class/dmi/id/sys_vendor "innotek GmbH"
root_file "$r" sys/class/dmi/id/product_name VirtualBox
probe_root "$r"
has "$r" cpu.vmx "--nested-hw-virt on" "VirtualBox: --nested-hw-virt"
lacks "$r" cpu.vmx "nested=1" "and no KVM module option for a VirtualBox VM"

vm cloudh; acpi_table "$r" FACP CLOUDH CHFACP
probe_root "$r"
has "$r" cpu.vmx "--cpus ...,nested=on" "Cloud Hypervisor: its --cpus nested option"

vm ec2; root_file "$r" sys/class/dmi/id/sys_vendor "Amazon EC2"
root_file "$r" sys/class/dmi/id/product_name m6i.large
probe_root "$r"
has "$r" cpu.vmx "C8i, M8i and R8i" "EC2: the instance types that offer nested virtualization"
has "$r" cpu.vmx "*.metal" "and bare metal"

vm gce; root_file "$r" sys/class/dmi/id/sys_vendor Google
root_file "$r" sys/class/dmi/id/product_name "Google Compute Engine"
probe_root "$r"
has "$r" cpu.vmx "--enable-nested-virtualization" "Compute Engine: its switch"
has "$r" cpu.vmx "not E2" "and where it is not offered"

# the IOMMU is off: per vendor, per command line, per VM; never iommu=pt or amd_iommu=on
metal() {	# NAME CPU: bare metal with a KVM module and no IOMMU groups
	r=$tmp/$1
	root_kernel "$r" 6.1.0-27-amd64 x86_64; "$2" "$r"
	case $2 in cpu_amd*) kvm_module "$r" kvm_amd 1 ;; *) kvm_module "$r" kvm_intel Y ;; esac
	mkdir -p "$r/sys/kernel/iommu_groups"
	root_file "$r" proc/cmdline "BOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro quiet"
}
metal intel-metal cpu_intel_vmx
probe_root "$r"
has "$r" kernel.iommu_enabled "add intel_iommu=on" "Intel: intel_iommu=on"
metal amd-metal cpu_amd_svm
probe_root "$r"
has "$r" kernel.iommu_enabled "no kernel parameter is needed" \
	"AMD: the kernel turns it on itself; the firmware switch is the fix"
for h in intel-metal amd-metal; do
	lacks "$tmp/$h" kernel.iommu_enabled "iommu=pt" "$h: no iommu=pt (a performance choice)"
	lacks "$tmp/$h" kernel.iommu_enabled "amd_iommu=on" "$h: no amd_iommu=on (not a value)"
done
metal amd-off cpu_amd_svm
root_file "$r" proc/cmdline "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro amd_iommu=off quiet"
probe_root "$r"
has "$r" kernel.iommu_enabled "remove amd_iommu=off" "a command line with amd_iommu=off: remove it"
metal intel-off cpu_intel_vmx
root_file "$r" proc/cmdline "root=/dev/sda1 ro iommu=off"
probe_root "$r"
has "$r" kernel.iommu_enabled "remove iommu=off" "iommu=off: remove it"
has "$r" kernel.iommu_enabled "add intel_iommu=on" "and on Intel add intel_iommu=on"
metal intel-word cpu_intel_vmx
root_file "$r" proc/cmdline "root=/dev/sda1 ro noamd_iommu=offline"
probe_root "$r"
lacks "$r" kernel.iommu_enabled "remove" "a word that only contains amd_iommu=off is not it"
has "$tmp/qemu" kernel.iommu_enabled "-device intel-iommu" "a QEMU VM: the VMM's virtual IOMMU"
has "$tmp/firecracker" fw.iommu "Firecracker VMs have no IOMMU" \
	"a Firecracker VM: no IOMMU to enable anywhere"
lacks "$tmp/qemu" fw.iommu "BIOS/UEFI setup" "a VM: not the firmware setup of a machine it cannot reach"

# nested=0: a loadable module is reloaded; a built-in one takes a kernel parameter
nested0() {	# NAME RELEASE: kvm_intel nested=0, built in (no initstate)
	r=$tmp/$1
	root_kernel "$r" "$2" x86_64; cpu_intel_vmx "$r"; intel_msrs "$r" 0x5
	mkdir -p "$r/sys/module/kvm/parameters"
	root_file "$r" sys/module/kvm_intel/parameters/nested N
}
nested0 builtin 6.6.8-cloud-amd64
probe_root "$r"
has "$r" kernel.nested "add kvm_intel.nested=1 to the kernel command line" \
	"built-in kvm_intel: the kernel command line"
lacks "$r" kernel.nested "modprobe -r" "and no modprobe -r, which cannot work"
nested0 wsl 6.6.87.2-microsoft-standard-WSL2
probe_root "$r"
has "$r" kernel.nested "nestedVirtualization=true" "WSL2: .wslconfig"
nested0 loadable 6.1.0-27-amd64
root_file "$r" sys/module/kvm_intel/initstate live; root_file "$r" sys/module/kvm/initstate live
probe_root "$r"
has "$r" kernel.nested "sudo modprobe -r kvm_intel && sudo modprobe kvm_intel nested=1" \
	"a loadable kvm_intel: reload it with nested=1"
# /dev/kvm closed to this user (group kvm, gid 993): "join the group and log in again" only
# where a login happens; a CI job and a container get what works there
noaccess() {	# NAME: VT-x, kvm_intel, /dev/kvm crw-rw---- root:kvm that this user cannot open
	r=$tmp/$1
	intel_kvm_host "$r" 6.1.0-27-amd64
	root_fact "$r" kvm.open EACCES; root_fact "$r" kvm.create_vm ""
}
noaccess desktop; root_fact "$r" ci.name none
probe_root "$r"
has "$r" kernel.dev_kvm 'sudo usermod -aG kvm "$USER", then log out and in again' \
	"a desktop: join the group, log in again"
noaccess gha; root_fact "$r" ci.name "GitHub Actions"
probe_root "$r"
is "$(jget "$r.json" "d['capabilities']['env.ci']['value']")" "GitHub Actions" \
	"GitHub Actions is recognized from its fact"
has "$r" kernel.dev_kvm "/etc/udev/rules.d/99-kvm4all.rules" "GitHub Actions: a udev rule"
lacks "$r" kernel.dev_kvm "log out" "GitHub Actions: no 'log out and in'"
noaccess ci; root_fact "$r" ci.name "a CI system"
probe_root "$r"
has "$r" kernel.dev_kvm "sg kvm -c" "another CI: run the step in the group with sg"
lacks "$r" kernel.dev_kvm "log out" "another CI: no 'log out and in'"
noaccess docker; docker "$r"
probe_root "$r"
has "$r" kernel.dev_kvm "--device /dev/kvm --group-add 993" "a container: the device and its gid"
noaccess gitlab; docker "$r"; root_fact "$r" ci.name "GitLab CI"
probe_root "$r"
has "$r" kernel.dev_kvm 'group_add = ["993"]' "GitLab's Docker executor: config.toml group_add"
is "$(jget "$r.json" "d['matrix']['os64']['fix']")" "$(fix "$r" kernel.dev_kvm)" \
	"and the os64 row carries that fix"
# Kubernetes (a pod of containerd, as its cgroup and overlay mounts show): no log-in, no docker
# run; the pod's spec is where the device and the group are asked for
k8s() {	# ROOT
	root_file "$1" proc/1/cgroup "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5c9a1e2b_8f4d_4b7e_9c1a_2d3e4f5a6b7c.slice/cri-containerd-3f2a9c1b7e.scope"
	root_file "$1" proc/self/mountinfo "1419 1330 0:374 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/512/fs"
}
noaccess pod; k8s "$r"
probe_root "$r"
is "$(jget "$r.json" "d['capabilities']['os.container_kind']['value']")" kubernetes "a Kubernetes pod"
has "$r" kernel.dev_kvm "securityContext: supplementalGroups: [993]" "a pod: supplementalGroups with the gid"
lacks "$r" kernel.dev_kvm "docker" "a pod: no docker run"
noaccess pod-nodev; k8s "$r"; root_fact "$r" kvm.open ENOENT
probe_root "$r"
has "$r" kernel.dev_kvm "devices.kubevirt.io/kvm" "a pod without /dev/kvm: KubeVirt's device plugin resource"
is "$(jget "$r.json" "d['matrix']['os64']['fix']")" "$(fix "$r" kernel.dev_kvm)" \
	"and the os64 row carries that fix"
# rootless Podman (its cgroup under the user's systemd, its marker file)
noaccess podman-nodev; root_fact "$r" kvm.open ENOENT
root_file "$r" proc/1/cgroup "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-3f2a9c1b7e.scope/container"
root_file "$r" run/.containerenv 'engine="podman-4.3.1"
rootless=1'
probe_root "$r"
has "$r" kernel.dev_kvm "podman run --device /dev/kvm --group-add GID" "Podman: podman run with the device"
has "$r" kernel.dev_kvm "--group-add keep-groups" "rootless Podman: keep-groups"

# what a captured root says is anyone's text: a group name that is a command, a forged CI name
noaccess evil; root_fact "$r" ci.name "<b>GitHub Actions</b>"
root_file "$r" etc/group 'kvm;touch${IFS}/tmp/x:x:993:'
probe_root "$r"
has "$r" kernel.dev_kvm "sudo usermod -aG 993" "a group name with shell characters is shown as its gid"
lacks "$r" kernel.dev_kvm "touch" "and never reaches the fix"
is "$(jget "$r.json" "d['capabilities']['env.ci']['value']")" null \
	"a CI name virtcap does not know is unknown, not repeated"
done_testing

#!/bin/sh
# Passthrough beyond "there is an IOMMU": interrupt remapping (VFIO refuses a device without
# it, unless vfio_iommu_type1.allow_unsafe_interrupts), the ACS override that makes IOMMU groups
# a fiction, and the memory-lock limit that caps the guest a device can be given to. Captured
# roots of an Intel host with VT-d and a GPU bound to vfio-pci, with the interrupt chips
# (/sys/kernel/irq/N/chip_name), /proc/self/limits and /proc/self/status as Linux writes them;
# each fix for bare metal, a QEMU VM, Firecracker, a container and a CI job.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1.json" "d['capabilities']['$2']$3"; }
row() { jget "$1.json" "d['matrix']['passthrough']['$2']"; }

irq() {	# ROOT IRQ CHIP
	root_file "$1" "sys/kernel/irq/$2/chip_name" "$3"
}
limits() {	# ROOT SOFT HARD: /proc/self/limits, as Linux 6.x prints it (fields padded)
	printf '%-26s%-21s%-21s%-10s\n' "Limit" "Soft Limit" "Hard Limit" "Units" \
		"Max cpu time" unlimited unlimited seconds \
		"Max stack size" 8388608 unlimited bytes \
		"Max locked memory" "$2" "$3" bytes \
		"Max address space" unlimited unlimited bytes >"$1/proc/self/limits"
}
status() {	# ROOT CAPEFF
	printf 'Name:\tvirtcap\nUmask:\t0022\nState:\tR (running)\nUid:\t1000\t1000\t1000\t1000\nCapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\n' \
		"$2" "$2" >"$1/proc/self/status"
}
host() {	# NAME CMDLINE-EXTRA: an Intel host with VT-d, a GPU on vfio-pci, as a user
	r=$tmp/$1
	intel_kvm_host "$r" 6.8.0-45-generic
	acpi_table "$r" DMAR "INTEL " "EDK2    "
	pci_dev "$r" 0000:01:00.0 10de 2204 030000 12 vfio-pci
	pci_dev "$r" 0000:01:00.1 10de 1aef 040300 12 vfio-pci
	root_file "$r" sys/module/vfio/parameters/enable_unsafe_noiommu_mode N
	root_file "$r" sys/module/vfio_pci/parameters/disable_vga N
	root_file "$r" sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts N
	root_file "$r" proc/cmdline "BOOT_IMAGE=/boot/vmlinuz-6.8.0-45-generic root=UUID=0b7f1b9e-4c1e-4f7a-9a57-2f7c3c1d2e10 ro quiet splash intel_iommu=on$2"
	mkdir -p "$r/proc/self"; limits "$r" 8388608 8388608; status "$r" 0000000000000000
	irq "$r" 0 IR-IO-APIC; irq "$r" 9 IR-IO-APIC
	irq "$r" 120 DMAR-MSI; irq "$r" 122 IR-PCI-MSI-0000:00:14.0
}
not_remapped() {	# ROOT: the chips of the same host when nothing is remapped
	rm -rf "$1/sys/kernel/irq"
	irq "$1" 0 IO-APIC; irq "$1" 9 IO-APIC; irq "$1" 120 DMAR-MSI; irq "$1" 122 PCI-MSI-0000:00:14.0
}

host remapped ""
probe_root "$r"
is "$(cap "$r" pci.interrupt_remapping "['value']")" true "IR-IO-APIC and IR-PCI-MSI: interrupts are remapped"
cap "$r" pci.interrupt_remapping "['detail']" | grep -q '(IR-'
ok $? "the detail names a remapped chip"
is "$(row "$r" verdict)" yes "passthrough: yes"
is "$(cap "$r" pci.groups_isolated "['value']")" true "no ACS override: the groups are the hardware's"
is "$(cap "$r" process.memlock "['value']")" 8388608 "the memory-lock limit: 8 MiB"
cap "$r" process.memlock "['detail']" | grep -q '^8 MiB: VFIO pins all of a passthrough guest'
ok $? "a passthrough guest is capped by it, said in MiB"
cap "$r" process.memlock "['fix']" | grep -q "prlimit --pid \$\$ --memlock=unlimited:unlimited; for every login of group kvm: echo '@kvm - memlock unlimited'"
ok $? "the fix: prlimit for this shell, limits.d for later logins"

host intremap-off " intremap=off"
not_remapped "$r"
probe_root "$r"
is "$(cap "$r" pci.interrupt_remapping "['value']")" false "no IR- chip: interrupts are not remapped"
cap "$r" pci.interrupt_remapping "['detail']" | grep -q 'VFIO refuses to attach it ("No interrupt remapping support")'
ok $? "the detail gives VFIO's refusal"
is "$(row "$r" verdict)/$(row "$r" blocked_by)" no/pci.interrupt_remapping \
	"passthrough: no, blocked by interrupt remapping"
case $(row "$r" fix) in "the kernel command line turns interrupt remapping off: remove intremap=off from it (GRUB_CMDLINE_LINUX"*allow_unsafe_interrupts=1*)
	ok 0 "the fix removes intremap=off, and names the unsafe way last" ;;
*) ok 1 "the fix removes intremap=off"; diag "$(row "$r" fix)" ;; esac

host bios ""
not_remapped "$r"
probe_root "$r"
case $(cap "$r" pci.interrupt_remapping "['fix']") in "enable interrupt remapping in the BIOS/UEFI setup"*) ok 0 "bare metal: the firmware setup" ;;
*) ok 1 "bare metal: the firmware setup"; diag "$(cap "$r" pci.interrupt_remapping "['fix']")" ;; esac

host qemu-vm ""
not_remapped "$r"
kvm_guest_leaf "$r"; acpi_table "$r" FACP "BOCHS " "BXPCFACP"
probe_root "$r"
is "$(jget "$r.json" "d['capabilities']['env.vmm']['value']")" QEMU "a QEMU VM"
cap "$r" pci.interrupt_remapping "['fix']" | grep -q "kernel-irqchip=split -device intel-iommu,intremap=on"
ok $? "in a VM: the VMM's virtual IOMMU must remap (QEMU's intremap=on)"

host firecracker ""
not_remapped "$r"
kvm_guest_leaf "$r"; acpi_table "$r" FACP "FIRECK" "FCVMFADT"
probe_root "$r"
case $(cap "$r" pci.interrupt_remapping "['fix']") in "Firecracker gives its VMs no IOMMU at all"*) ok 0 "in Firecracker: no IOMMU to have" ;;
*) ok 1 "in Firecracker: no IOMMU to have"; diag "$(cap "$r" pci.interrupt_remapping "['fix']")" ;; esac

host unsafe ""
not_remapped "$r"
root_file "$r" sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts Y
probe_root "$r"
is "$(cap "$r" pci.unsafe_interrupts_allowed "['value']")/$(row "$r" verdict)" true/yes \
	"allow_unsafe_interrupts=Y: VFIO attaches anyway, passthrough yes"
cap "$r" pci.interrupt_remapping "['detail']" | grep -q 'attaches it anyway, with that risk'
ok $? "and the risk is said"

host acs " pcie_acs_override=downstream,multifunction"
probe_root "$r"
is "$(cap "$r" pci.groups_isolated "['value']")" false "pcie_acs_override: the groups are not the hardware's"
cap "$r" pci.groups_isolated "['detail']" | grep -q '^pcie_acs_override=downstream,multifunction: a kernel carrying the ACS override patch'
ok $? "the detail quotes the word and says what it does"
cap "$r" pci.groups_isolated "['fix']" | grep -q '^for isolation that holds: remove pcie_acs_override'
ok $? "the fix"
timeout 60 "$VIRTCAP" --root "$r" -v --no-color >"$r.txt" 2>/dev/null
sed -n '/^PCI and passthrough$/,/^[A-Z]/p' "$r.txt" | grep -q '^  groups_isolated .*no'
ok $? "the human report shows it under PCI and passthrough"

host ipclock ""
status "$r" 000001ffffffffff
probe_root "$r"
cap "$r" process.memlock "['detail']" | grep -q 'CAP_IPC_LOCK: the limit does not bind it'
ok $? "CAP_IPC_LOCK (root's usual set): the limit does not bind"
is "$(cap "$r" process.memlock "['fix']")" null "and needs no fix"

host unlimited ""
limits "$r" unlimited unlimited
probe_root "$r"
is "$(cap "$r" process.memlock "['value']")" unlimited "no limit: unlimited"

host container ""
docker "$r"; status "$r" 00000000a80425fb	# Docker's default set: no CAP_IPC_LOCK
probe_root "$r"
cap "$r" process.memlock "['fix']" | grep -q '^start the container with no memory-lock limit: docker/podman run --ulimit memlock=-1:-1'
ok $? "in a container: --ulimit memlock=-1:-1"

host ci ""
root_fact "$r" ci.name "GitHub Actions"
probe_root "$r"
cap "$r" process.memlock "['fix']" | grep -q '^in the job, before QEMU starts: sudo prlimit --pid \$\$'
ok $? "in a CI job: prlimit in the job, no new login"

# a hostile root: a chip name of control bytes and a huge limit line stay data
host hostile ""
not_remapped "$r"
mkdir -p "$r/sys/kernel/irq/5"; printf 'IR-\033[31mred\n' >"$r/sys/kernel/irq/5/chip_name"
limits "$r" 99999999999999999999999 1
probe_root "$r"
! grep -q "$(printf '\033')" "$r.json"
ok $? "a chip name's escape never reaches the report"
done_testing

#!/bin/sh
# PCI passthrough readiness from captured sysfs trees built here, with links laid out as the
# kernel lays them: a GPU alone in its IOMMU group (with its own HDMI audio function), a GPU
# sharing its group with another card, an SR-IOV NIC, and a host without IOMMU groups.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1" "d['capabilities']['$2']['value']"; }

r=$tmp/iommu
root_kernel "$r" 6.1.0 x86_64
pci_dev "$r" 0000:01:00.0 10de 2204 030000 12 vfio-pci	# GPU
pci_dev "$r" 0000:01:00.1 10de 1aef 040300 12 vfio-pci	# its HDMI audio
pci_dev "$r" 0000:02:00.0 1002 73bf 030000 13 amdgpu	# GPU sharing group 13
pci_dev "$r" 0000:03:00.0 8086 1533 020000 13 igb	# with a NIC
pci_dev "$r" 0000:04:00.0 8086 1521 020000 14 igb 7	# SR-IOV NIC
probe_root "$r"
is "$(cap "$r.json" pci.devices)" 5 "five devices"
is "$(cap "$r.json" pci.gpus)" 2 "two GPUs (class 0x03)"
is "$(cap "$r.json" pci.gpus_passthrough_ready)" 1 "one GPU is alone in its group, its audio aside"
is "$(jget "$r.json" "[x for x in d['details']['pci_devices'] if x['slot']=='0000:02:00.0'][0]['group_shared_with']")" \
	'["0000:03:00.0"]' "the other shares group 13 with the NIC, and says so"
is "$(cap "$r.json" pci.sriov_capable)" 1 "one SR-IOV device"
is "$(cap "$r.json" pci.vfio_bound)" 2 "two devices bound to vfio-pci"
is "$(cap "$r.json" kernel.iommu_groups)" 3 "three IOMMU groups"

r=$tmp/noiommu
root_kernel "$r" 6.1.0 x86_64
pci_dev "$r" 0000:01:00.0 10de 2204 030000
probe_root "$r"
is "$(cap "$r.json" kernel.iommu_enabled)" false "no IOMMU groups: the IOMMU is off"
fix=$(jget "$r.json" "d['capabilities']['kernel.iommu_enabled']['fix']")
case $fix in *iommu=on*) ok 0 "the fix gives the kernel parameter" ;;
*) ok 1 "the fix gives the kernel parameter"; diag "$fix" ;; esac
done_testing

#!/bin/sh
# The device nodes a VMM opens besides /dev/kvm (/dev/net/tun, /dev/vhost-net,
# /dev/vhost-vsock), opened for real, each failure with the fix for where the host is: a
# missing node is a modprobe on a host that loads modules, a kernel with the driver built in
# where it cannot (nomodule, modules_disabled); a node closed to this user is a group or a udev
# rule; in a container the host's node has to be handed in. A capture without the open()
# results says what its files show. The KVM module's own modprobe fix follows the same rule.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1.json" "d['capabilities']['$2']$3"; }

host() {	# NAME TUN VHOST_NET VHOST_VSOCK: open() results recorded as facts
	r=$tmp/$1
	intel_kvm_host "$r" 6.1.0-27-amd64
	root_file "$r" proc/cmdline "BOOT_IMAGE=/boot/vmlinuz-6.1.0-27-amd64 root=/dev/sda1 ro quiet"
	root_fact "$r" dev.tun.open "$2"; root_fact "$r" dev.vhost_net.open "$3"
	root_fact "$r" dev.vhost_vsock.open "$4"
}

host desktop ok EACCES ENOENT
probe_root "$r"
is "$(cap "$r" kernel.tun "['value']")/$(cap "$r" kernel.vhost_net "['value']")/$(cap "$r" kernel.vhost_vsock "['value']")" \
	"true/false/false" "each node as its open() went"
cap "$r" kernel.vhost_net "['detail']" | grep -q 'open(/dev/vhost-net) fails with EACCES'
ok $? "the failure is the open()'s, named"
cap "$r" kernel.vhost_net "['fix']" | grep -q 'KERNEL=="vhost-net", GROUP="kvm", MODE="0660"'
ok $? "closed to this user: its group, or a udev rule"
cap "$r" kernel.vhost_vsock "['fix']" | grep -q '^sudo modprobe vhost_vsock; at every boot'
ok $? "missing on a host that loads modules: modprobe it"
is "$(cap "$r" kernel.vfio "['fix']")" \
	"once the IOMMU is on (kernel.iommu_enabled: VFIO takes devices only from its groups), sudo modprobe vfio-pci; at every boot: echo vfio-pci | sudo tee /etc/modules-load.d/vfio.conf" \
	"a host that loads modules, without an IOMMU: modprobe vfio-pci, after the IOMMU"

host microvm ok ENOENT ENOENT
root_file "$r" proc/cmdline "console=ttyS0 reboot=k panic=1 nomodule"
probe_root "$r"
cap "$r" kernel.vhost_net "['fix']" | grep -q '^this kernel loads no modules (nomodule on its command line): boot a kernel with vhost_net built in'
ok $? "nomodule: no modprobe, a kernel with it built in"
is "$(cap "$r" kernel.iommu_enabled "['value']")/$(cap "$r" kernel.vfio "['fix']")" \
	"false/once the IOMMU is on (kernel.iommu_enabled: VFIO takes devices only from its groups), this kernel loads no modules (nomodule on its command line): boot a kernel with vfio-pci built in (CONFIG_VFIO_PCI=y); in a VM, that is the VM owner's choice of guest kernel" \
	"nomodule and no IOMMU: VFIO's fix is no modprobe, and names the IOMMU first (issue 24)"

host locked ok ENOENT ok
root_file "$r" proc/sys/kernel/modules_disabled 1
rm -rf "$r/sys/module/kvm_intel"
probe_root "$r"
cap "$r" kernel.vhost_net "['fix']" | grep -q 'kernel.modules_disabled=1, until reboot'
ok $? "modules_disabled=1: said, no modprobe"
cap "$r" kernel.kvm_module "['fix']" | grep -q 'modules_disabled=1.*built in (CONFIG_KVM_INTEL=y)'
ok $? "and the KVM module's fix follows the same rule"

# a Linux host with VMware Workstation: its VMCI transport holds the host side of vsock
host vmware ok ok ENOENT
root_file "$r" sys/module/vmw_vsock_vmci_transport/initstate live
root_file "$r" sys/module/vmw_vsock_vmci_transport/refcnt 0
probe_root "$r"
cap "$r" kernel.vhost_vsock "['fix']" | grep -q "^VMware's vsock transport (vmw_vsock_vmci_transport) holds the host side of vsock.*sudo modprobe -r vmw_vsock_vmci_transport && sudo modprobe vhost_vsock"
ok $? "VMware's vsock transport beside: named, and the way round it"

host container ENOENT ENOENT ENOENT; docker "$r"
probe_root "$r"
cap "$r" kernel.tun "['fix']" | grep -q 'run --device /dev/net/tun --cap-add NET_ADMIN'
ok $? "in a container: hand the host's node in"

# /dev/kvm: no node, though the kernel registered KVM (/proc/misc): a chroot or a hand-made
# /dev. The fix makes the node with the minor the kernel gave; where KVM registered nothing
# (its module did not start), no mknod is offered; in a container, the node is handed in.
kvm_node() {	# NAME MISC [container]
	r=$tmp/$1
	intel_kvm_host "$r" 6.1.0-27-amd64
	root_fact "$r" kvm.open ENOENT
	printf '%b' "$2" >"$r/proc/misc"
	[ "${3:-}" = container ] && docker "$r"
	probe_root "$r"
}
kvm_node chroot ' 60 device-mapper\n232 kvm\n237 loop-control\n'
cap "$r" kernel.dev_kvm "['fix']" | grep -q 'sudo mknod -m 0660 /dev/kvm c 10 232 && sudo chgrp kvm /dev/kvm'
ok $? "no node, KVM registered: mknod with the kernel's minor"
cap "$r" kernel.dev_kvm "['detail']" | grep -q 'only the node is missing'
ok $? "and the detail says only the node is missing"
kvm_node odd-minor '236 kvm\n'
cap "$r" kernel.dev_kvm "['fix']" | grep -q 'c 10 236 '
ok $? "the minor is the one /proc/misc gives"
kvm_node not-started ' 60 device-mapper\n237 loop-control\n'
! cap "$r" kernel.dev_kvm "['fix']" | grep -q mknod &&
	[ "$(cap "$r" kernel.kvm_module "['value']")" = none ]
ok $? "KVM registered nothing: kvm_intel did not start, no mknod offered"
kvm_node in-docker '232 kvm\n' container
cap "$r" kernel.dev_kvm "['fix']" | grep -q 'run --device /dev/kvm'
ok $? "in a container: the host's node is handed in, not made"

# a capture from before the open() results were recorded: what its files show
r=$tmp/old
root_kernel "$r" 6.1.0-27-amd64 x86_64; cpu_intel_vmx "$r"; kvm_module "$r" kvm_intel Y
mkdir -p "$r/dev/net" && : >"$r/dev/net/tun"
probe_root "$r"
is "$(cap "$r" kernel.tun "['value']")/$(cap "$r" kernel.vhost_net "['value']")" "true/false" \
	"an older capture: the nodes it has"
cap "$r" kernel.tun "['detail']" | grep -q 'whether it opens was not recorded'
ok $? "and it says the open was not recorded"

# this machine, for real: the report's result is open()'s own
"$VIRTCAP" probe --json >"$tmp/live.json" 2>/dev/null
if sh -c 'exec 3<>/dev/net/tun' 2>/dev/null; then want=true; else want=false; fi
is "$(jget "$tmp/live.json" "d['capabilities']['kernel.tun']['value']")" "$want" \
	"live: kernel.tun is what opening /dev/net/tun does here ($want)"
done_testing

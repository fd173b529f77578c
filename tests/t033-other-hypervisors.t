#!/bin/sh
# Another hypervisor beside KVM. VirtualBox (vboxdrv) and VMware (vmmon) take VT-x/AMD-V in
# turns with KVM; since Linux 6.12 KVM holds it from load (kvm.enable_virt_at_load=1), which
# stops VirtualBox before 7.2.10 (VERR_VMX_IN_VMX_ROOT_MODE / VERR_SVM_IN_USE, the reports of
# Ubuntu 24.04 with kernel 6.14 and VirtualBox 7.1.12), while 7.2.10 and later need it
# (VERR_SVM_HOST_SVME_NOT_ENABLED where a modprobe.d file still sets it to 0). The fix depends
# on the versions, on a module or a built-in kvm, and on where the setting was made; a running
# VM of theirs makes KVM_CREATE_VM fail with EBUSY, and the matrix must name the holder.
# /sys/module/vboxdrv/version is vboxdrv's MODULE_VERSION: "VERSION rREV (0xIOC-VERSION)".
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1.json" "d['capabilities']['$2']$3"; }

host() {	# NAME RELEASE VIRT_AT_LOAD(Y|N|-): Intel desktop, kvm_intel loaded, /dev/kvm usable
	r=$tmp/$1
	intel_kvm_host "$r" "$2"
	root_file "$r" proc/cmdline "BOOT_IMAGE=/boot/vmlinuz-$2 root=/dev/nvme0n1p2 ro quiet splash"
	[ "$3" = - ] || root_file "$r" sys/module/kvm/parameters/enable_virt_at_load "$3"
}
vbox() { root_file "$1" sys/module/vboxdrv/version "$2"; root_file "$1" sys/module/vboxdrv/initstate live; }

host plain 6.14.0-24-generic Y
probe_root "$r"
is "$(cap "$r" kernel.other_hypervisors "['value']")" none "no other hypervisor: said"
is "$(cap "$r" kernel.kvm_virt_at_load "['value']")" true "6.14: KVM holds VT-x from load (the parameter)"
is "$(cap "$r" kernel.other_hypervisors_ok "['value']")" "<missing 'kernel.other_hypervisors_ok'>" \
	"and nothing to judge beside it"

host vbox71 6.14.0-24-generic Y; vbox "$r" "7.1.12_Ubuntu r169651 (0x00340001)"
probe_root "$r"
is "$(cap "$r" kernel.other_hypervisors "['value']")" "VirtualBox 7.1.12 (vboxdrv)" \
	"VirtualBox's driver is found, with its version"
is "$(cap "$r" kernel.other_hypervisors_ok "['value']")" false \
	"VirtualBox 7.1 beside a KVM that holds VT-x from load: they clash"
cap "$r" kernel.other_hypervisors_ok "['fix']" | grep -q "VERR_VMX_IN_VMX_ROOT_MODE.*update VirtualBox to 7.2.10.*echo 'options kvm enable_virt_at_load=0' | sudo tee /etc/modprobe.d/kvm-virtualbox.conf"
ok $? "the fix: VirtualBox 7.2.10, or enable_virt_at_load=0 in modprobe.d (kvm is a module)"
timeout 60 "$VIRTCAP" --root "$r" -v --no-color >"$r.txt" 2>/dev/null
grep -A2 '^  other_hypervisors_ok ' "$r.txt" | grep -q 'fix:'
ok $? "the human report shows the clash with its fix"

host vbox71-builtin 6.14.0-24-generic Y; vbox "$r" "7.1.12_Ubuntu r169651 (0x00340001)"
rm "$r/sys/module/kvm/initstate"
probe_root "$r"
cap "$r" kernel.other_hypervisors_ok "['fix']" | grep -q 'add kvm.enable_virt_at_load=0 to the kernel command line'
ok $? "kvm built into the kernel: the command line, not modprobe.d"

host vbox72-off 6.17.0-35-generic N; vbox "$r" "7.2.10 r172000 (0x00340001)"
root_file "$r" etc/modprobe.d/virtualbox.conf "options kvm enable_virt_at_load=0"
root_file "$r" etc/modprobe.d/blacklist.conf "blacklist pcspkr"
probe_root "$r"
is "$(cap "$r" kernel.other_hypervisors_ok "['value']")" false \
	"VirtualBox 7.2.10 with KVM's VT-x off at load: VirtualBox fails"
cap "$r" kernel.other_hypervisors_ok "['fix']" | grep -q 'VERR_SVM_HOST_SVME_NOT_ENABLED.*remove enable_virt_at_load=0 from /etc/modprobe.d/virtualbox.conf'
ok $? "the fix names the file that sets it"

host vbox72-off-cmdline 6.17.0-35-generic N; vbox "$r" "7.2.10 r172000 (0x00340001)"
root_file "$r" proc/cmdline "BOOT_IMAGE=/boot/vmlinuz-6.17.0-35-generic root=/dev/sda2 ro kvm.enable_virt_at_load=0"
probe_root "$r"
cap "$r" kernel.other_hypervisors_ok "['fix']" | grep -q 'remove enable_virt_at_load=0 from the kernel command line'
ok $? "or the kernel command line, when that is where it is"

host vbox72 6.17.0-35-generic Y; vbox "$r" "7.2.10 r172000 (0x00340001)"
probe_root "$r"
is "$(cap "$r" kernel.other_hypervisors_ok "['value']")" true "VirtualBox 7.2.10 beside KVM at load: they take turns"

host old 6.8.0-45-generic -; vbox "$r" "7.0.20_Debian r163906 (0x00330004)"
probe_root "$r"
is "$(cap "$r" kernel.kvm_virt_at_load "['value']")/$(cap "$r" kernel.other_hypervisors_ok "['value']")" \
	"<missing 'kernel.kvm_virt_at_load'>/true" "before 6.12 (no parameter): KVM takes VT-x only while a VM exists; they take turns"

host vmware 6.14.0-24-generic Y; root_file "$r" sys/module/vmmon/initstate live
probe_root "$r"
is "$(cap "$r" kernel.other_hypervisors "['value']")/$(cap "$r" kernel.other_hypervisors_ok "['value']")" \
	"VMware (vmmon)/false" "VMware's vmmon beside KVM at load: VMware's VMs cannot start"
cap "$r" kernel.other_hypervisors_ok "['fix']" | grep -q 'VMware cannot start a VM.*/etc/modprobe.d/kvm-vmware.conf'
ok $? "with the fix"

# a VirtualBox VM runs: KVM_CREATE_VM fails with EBUSY, and the matrix names who holds VT-x
host busy 6.8.0-45-generic -; vbox "$r" "7.0.20_Debian r163906 (0x00330004)"
root_fact "$r" kvm.create_vm EBUSY
probe_root "$r"
is "$(cap "$r" kernel.kvm_create_vm "['value']")" false "KVM refused the VM"
is "$(jget "$r.json" "d['matrix']['os64']['verdict']")/$(jget "$r.json" "d['matrix']['os64']['blocked_by']")" \
	"no/kernel.kvm_create_vm" "os64: no, blocked at KVM_CREATE_VM"
jget "$r.json" "d['matrix']['os64']['fix']" | grep -q 'VirtualBox 7.0.20 (vboxdrv) holds VT-x/AMD-V for a VM of its own: power its VMs off'
ok $? "and its fix names VirtualBox as the holder"
done_testing

#!/bin/sh
# AppArmor or SELinux keeping a VM's QEMU from its disk: QEMU says only "Permission denied";
# the cause is the kernel log's audit record, and the fix is the policy's, by path. The records
# are as the kernel logs them (the AppArmor one is from a cockpit-machines report: a disk under
# /bak/disks that libvirt's per-VM profile did not cover), kept by the probe as facts.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1.json" "d['capabilities']['$2']$3"; }

host() {	# NAME: an Intel host with kvm_intel whose kernel log was read
	r=$tmp/$1
	intel_kvm_host "$r" 6.8.0-45-generic; root_fact "$r" klog.status ok
}
apparmor() {
	root_file "$1" sys/kernel/security/lsm "lockdown,capability,landlock,yama,apparmor"
	root_file "$1" sys/module/apparmor/parameters/enabled Y
}

host clean; apparmor "$r"
probe_root "$r"
is "$(cap "$r" kernel.lsm "['value']")/$(cap "$r" kernel.lsm_denials "['value']")" "apparmor/true" \
	"AppArmor on, and the kernel log has no denial of QEMU"

host disk; apparmor "$r"
root_fact "$r" klog.apparmor_denied 'apparmor="DENIED" operation="open" profile="libvirt-dba8a0f2-29f4-4043-8357-b58458282000" name="/bak/disks/home-bak" pid=11689 comm="qemu-system-x86" requested_mask="r" denied_mask="r" fsuid=0 ouid=0'
probe_root "$r"
is "$(cap "$r" kernel.lsm_denials "['value']")" false "a denial of the VM's QEMU is found"
cap "$r" kernel.lsm_denials "['detail']" | grep -q 'AppArmor denied qemu-system-x86 open of /bak/disks/home-bak (profile libvirt-dba8a0f2-'
ok $? "the detail: who, what, which file, which profile"
cap "$r" kernel.lsm_denials "['fix']" | grep -q "echo '  \"/bak/disks/\*\*\" rwk,' | sudo tee -a /etc/apparmor.d/local/abstractions/libvirt-qemu"
ok $? "the fix allows that directory in libvirt's abstraction (not chmod)"

host exec; apparmor "$r"
root_fact "$r" klog.apparmor_denied 'apparmor="DENIED" operation="exec" profile="libvirtd" name="/usr/local/bin/qemu-system-x86_64" pid=4525 comm="libvirtd" requested_mask="x" denied_mask="x" fsuid=1000 ouid=0'
probe_root "$r"
cap "$r" kernel.lsm_denials "['fix']" | grep -q "echo '/usr/local/bin/qemu-system-x86_64 PUx,' | sudo tee -a /etc/apparmor.d/local/usr.sbin.libvirtd"
ok $? "libvirtd kept from a QEMU of its own build: the libvirtd profile's local file"

host hostile; apparmor "$r"
root_fact "$r" klog.apparmor_denied 'apparmor="DENIED" operation="open" profile="libvirt-1" name="/tmp/x'"'"'; rm -rf ~; echo '"'"'/d" comm="qemu-system-x86"'
probe_root "$r"
! cap "$r" kernel.lsm_denials "['fix']" | grep -q "rm -rf"
ok $? "a path with shell specials is never pasted into a command"

host fedora
root_file "$r" sys/kernel/security/lsm "lockdown,capability,yama,selinux,bpf,landlock"
root_file "$r" sys/fs/selinux/enforce 1
root_fact "$r" klog.selinux_denied 'avc:  denied  { open } for  pid=3471 comm="qemu-kvm" path="/home/ana/vms/f40.qcow2" dev="dm-2" ino=1311 scontext=system_u:system_r:svirt_t:s0:c129,c807 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0'
probe_root "$r"
is "$(cap "$r" kernel.lsm "['value']")/$(cap "$r" kernel.lsm_denials "['value']")" "selinux/false" \
	"SELinux enforcing, and a denial of qemu-kvm"
cap "$r" kernel.lsm_denials "['detail']" | grep -q 'SELinux denied qemu-kvm access to /home/ana/vms/f40.qcow2 (labelled unconfined_u:object_r:user_home_t:s0)'
ok $? "the detail names the file and its label"
cap "$r" kernel.lsm_denials "['fix']" | grep -q "semanage fcontext -a -t virt_image_t '/home/ana/vms(/.\*)?' && sudo restorecon -Rv /home/ana/vms"
ok $? "the fix labels the directory for VM images"

host unread; apparmor "$r"; root_fact "$r" klog.status EPERM
probe_root "$r"
cap "$r" kernel.lsm_denials "['detail']" | grep -q 'kernel log was not readable'
ok $? "an unreadable kernel log: unknown, and said what would let virtcap look"
done_testing

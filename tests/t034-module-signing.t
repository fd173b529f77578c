#!/bin/sh
# An out-of-tree hypervisor driver (VirtualBox's vboxdrv, VMware's vmmon) that Secure Boot's
# lockdown or module.sig_enforce keeps out: the report says why it cannot load and how to sign
# it (the key DKMS signs with when there is one, else a key of one's own and sign-file), not
# "reinstall". Captured roots with the files such hosts have: the SecureBoot EFI variable as
# efivarfs shows it (4 bytes of attributes, then the value), /sys/kernel/security/lockdown's
# "none [integrity] confidentiality", sig_enforce, the DKMS-built module under
# /lib/modules/RELEASE/updates/dkms (a signed one ends with "~Module signature appended~\n").
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1.json" "d['capabilities']['$2']$3"; }
rel=6.8.0-45-generic

ubuntu() {	# NAME SECUREBOOT(0|1): Ubuntu on UEFI, kvm_intel, VirtualBox built by DKMS, not loaded
	r=$tmp/$1
	intel_kvm_host "$r" $rel
	mkdir -p "$r/sys/firmware/efi/efivars"
	printf "\006\000\000\000\\00$2" \
		>"$r/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
	if [ "$2" = 1 ]; then
		root_file "$r" sys/kernel/security/lockdown "none [integrity] confidentiality"
	else
		root_file "$r" sys/kernel/security/lockdown "[none] integrity confidentiality"
	fi
	root_file "$r" sys/module/module/parameters/sig_enforce N
	mkdir -p "$r/lib/modules/$rel/updates/dkms"
	printf '\177ELF\002\001\001\000vboxdrv' >"$r/lib/modules/$rel/updates/dkms/vboxdrv.ko"
}

ubuntu sb-off 0
probe_root "$r"
is "$(cap "$r" fw.secure_boot "['value']")/$(cap "$r" kernel.lockdown "['value']")" "false/none" \
	"Secure Boot off: the variable's byte, and no lockdown"
is "$(cap "$r" kernel.unsigned_modules "['value']")" true "unsigned out-of-tree modules may load"

ubuntu sb-dkms-key 1
mkdir -p "$r/var/lib/shim-signed/mok" && printf '0\202' >"$r/var/lib/shim-signed/mok/MOK.der"
root_fact "$r" klog.module_rejected "unsigned module is rejected"
probe_root "$r"
is "$(cap "$r" fw.secure_boot "['value']")/$(cap "$r" kernel.lockdown "['value']")" "true/integrity" \
	"Secure Boot on: the kernel is locked down (integrity)"
is "$(cap "$r" kernel.unsigned_modules "['value']")" false "unsigned modules cannot load"
cap "$r" kernel.unsigned_modules "['detail']" | grep -q "locked down (integrity) because of Secure Boot, and vboxdrv (/lib/modules/$rel/updates/dkms/vboxdrv.ko) is not signed and not loaded.*Key was rejected by service.*the kernel log says: Loading of unsigned module is rejected"
ok $? "the detail: why, which driver, where, and the kernel log's line"
cap "$r" kernel.unsigned_modules "['fix']" | grep -q 'sudo mokutil --import /var/lib/shim-signed/mok/MOK.der.*sudo dpkg-reconfigure virtualbox-dkms'
ok $? "the fix enrolls the key DKMS signs with, then rebuilds"
timeout 60 "$VIRTCAP" --root "$r" -v --no-color >"$r.txt" 2>/dev/null
sed -n '/^  unsigned_modules /,/^  [a-z]/p' "$r.txt" | grep -q 'fix: enroll the key DKMS signs'
ok $? "the human report shows it with its fix"

ubuntu sb-no-key 1
probe_root "$r"
cap "$r" kernel.unsigned_modules "['fix']" | grep -q "sudo mokutil --import MOK.der.*/usr/src/linux-headers-$rel/scripts/sign-file sha256 MOK.priv MOK.der /lib/modules/$rel/updates/dkms/vboxdrv.ko"
ok $? "no DKMS key: make one, enroll it, sign-file the module"

ubuntu sb-signed 1
printf '~Module signature appended~\n' >>"$r/lib/modules/$rel/updates/dkms/vboxdrv.ko"
probe_root "$r"
is "$(cap "$r" kernel.unsigned_modules "['value']")/$(cap "$r" kernel.unsigned_modules "['fix']")" \
	"false/null" "a signed module: the policy is said, but there is nothing to fix"

ubuntu sb-loaded 1
root_file "$r" sys/module/vboxdrv/version "7.0.16_Ubuntu r162802 (0x00330004)"
probe_root "$r"
is "$(cap "$r" kernel.unsigned_modules "['fix']")" null "vboxdrv already loaded: nothing to fix"

ubuntu sig-enforce 0
root_file "$r" sys/module/module/parameters/sig_enforce Y
rm "$r/lib/modules/$rel/updates/dkms/vboxdrv.ko"
mkdir -p "$r/lib/modules/$rel/misc" && printf '\3757zXZ\000' >"$r/lib/modules/$rel/misc/vmmon.ko.xz"
probe_root "$r"
cap "$r" kernel.unsigned_modules "['detail']" | grep -q "module.sig_enforce is on, and vmmon (/lib/modules/$rel/misc/vmmon.ko.xz) is not loaded (compressed: whether a key signed it is not checked).*unless an enrolled key signed it"
ok $? "sig_enforce without Secure Boot, a compressed VMware module: said as far as it is known"

# BIOS boot: no efivars, no Secure Boot
r=$tmp/bios
root_kernel "$r" $rel x86_64; cpu_intel_vmx "$r"; kvm_module "$r" kvm_intel Y
probe_root "$r"
is "$(cap "$r" fw.secure_boot "['value']")" false "not booted by UEFI: no Secure Boot"
done_testing

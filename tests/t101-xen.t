#!/bin/sh
# Xen, from inside its domains: a dom0 (with CPUID faulting, and without: the host's VT-x then
# shows, its FEATURE_CONTROL as Xen emulates it, locked off), a PV, a PVH and an HVM guest
# (whose CPUID offers Hyper-V's signature first, as Xen's Viridian does). The files are what
# Linux writes (drivers/xen/sys-hypervisor.c, xenfs). Xen keeps VT-x/AMD-V from dom0, PV and PVH
# guests: no fix may send them to the firmware setup, modprobe or another hypervisor's console.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# "XenVMMXenVMM" and "Microsoft Hv", as EBX ECX EDX of leaf 0x40000000
xen_leaf() { root_fact "$1" cpuid.0x40000000 "40000005 566e6558 65584d4d 4d4d566e"; }
viridian_leaf() { root_fact "$1" cpuid.0x40000000 "40000006 7263694d 666f736f 76482074"; }

# xen_domain ROOT GUEST_TYPE CAPABILITIES(control_d or empty)
xen_domain() {
	root_kernel "$1" 6.1.0-27-amd64 x86_64
	root_file "$1" sys/hypervisor/type xen
	root_file "$1" sys/hypervisor/guest_type "$2"
	root_file "$1" proc/xen/capabilities "$3"
	root_file "$1" sys/hypervisor/properties/capabilities \
		"xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "
	no_kvm_module "$1"
}

xen_domain "$tmp/dom0" PV control_d; cpu_intel_novmx_guest "$tmp/dom0"; xen_leaf "$tmp/dom0"
# no CPUID faulting (older CPUs): a PV kernel's programs see the host's CPUID, VT-x and all
xen_domain "$tmp/dom0-raw" PV control_d; cpu_intel_vmx "$tmp/dom0-raw"; intel_msrs "$tmp/dom0-raw" 0x1
# neither CPUID faulting nor the msr driver: the kernel's flags (Xen's filtered CPUID) lack vmx
# while a program's CPUID has it, as in t068's real dom0
xen_domain "$tmp/dom0-flags" PV control_d; cpu_intel_vmx "$tmp/dom0-flags"
root_file "$tmp/dom0-flags" proc/cpuinfo "processor	: 0
flags		: fpu pae msr lm nx hypervisor"
xen_domain "$tmp/pv" PV ""; cpu_intel_novmx_guest "$tmp/pv"; xen_leaf "$tmp/pv"
xen_domain "$tmp/pvh" PVH ""; cpu_intel_novmx_guest "$tmp/pvh"; xen_leaf "$tmp/pvh"
xen_domain "$tmp/hvm" HVM ""; cpu_intel_novmx_guest "$tmp/hvm"; viridian_leaf "$tmp/hvm"
root_file "$tmp/hvm" sys/class/dmi/id/sys_vendor Xen
root_file "$tmp/hvm" sys/class/dmi/id/product_name "HVM domU"

for r in dom0 dom0-raw dom0-flags pv pvh hvm; do
	timeout 20 "$VIRTCAP" --root "$tmp/$r" --json >"$tmp/$r.json" 2>"$tmp/$r.err"
	is "$?/$(wc -c <"$tmp/$r.err")" "0/0" "$r: probed"
	timeout 20 "$VIRTCAP" --root "$tmp/$r" >"$tmp/$r.txt" 2>&1
done
cap() { jget "$tmp/$1.json" "d['capabilities']['$2'].get('$3')"; }
fixes() {	# every fix of the hardware chain, one per line
	jget "$tmp/$1.json" "'\n'.join(str(d['capabilities'][k].get('fix')) for k in
		('cpu.vmx', 'cpu.svm', 'fw.virt_enabled', 'kernel.kvm_module') if k in d['capabilities'])"
}
kernel_layer() { jget "$tmp/$1.json" "[l['name'] for l in d['details']['environment']['layers'] if l['kind'] == 'kernel'][0]"; }

is "$(cap dom0 env.xen_guest_type value)/$(cap dom0 env.xen_dom0 value)/$(cap dom0 env.xen_hvm value)" \
	"PV/true/true" "dom0: a PV guest, the control domain, Xen runs HVM guests"
is "$(kernel_layer dom0)" "Linux 6.1.0-27-amd64, Xen's dom0 (PV)" "dom0: the kernel's layer says so"
for r in dom0 dom0-raw; do
	f=$(fixes "$r")
	echo "$f" | grep -q "xl create" && ! echo "$f" | grep -qi "nestedhvm\|BIOS\|UEFI setup\|modprobe"
	ok $? "$r: every fix names Xen's tools, none the firmware, modprobe or nestedhvm" || diag "$f"
	grep -q "This host is Xen's dom0" "$tmp/$r.txt"
	ok $? "$r: the first screen says it is Xen's dom0"
done
is "$(cap dom0-raw cpu.vmx value)/$(cap dom0-raw fw.virt_enabled value)" "true/false" \
	"dom0 without CPUID faulting: VT-x shows, Xen's FEATURE_CONTROL says it is locked off"
is "$(cap dom0-flags fw.virt_enabled value)/$(cap dom0-flags fw.virt_enabled detail)" \
	"null/CPUID has VT-x/AMD-V but the kernel's flags do not: Xen hides it from the kernels of its PV domains, so whether the firmware enabled it cannot be seen from here" \
	"dom0, only the kernel's flags: Xen's doing, not the firmware's (unknown, never 'disabled')"
is "$(jget "$tmp/dom0-flags.json" "d['matrix']['os64']['blocked_by']")" kernel.kvm_module \
	"and the OS rows are blocked on the kernel's layer, with Xen's fix"

for r in pv pvh; do
	t=$(echo "$r" | tr a-z A-Z)
	is "$(cap $r env.xen_guest_type value)/$(cap $r env.xen_dom0 value)" "$t/false" "$r: a $t domU"
	is "$(kernel_layer $r)" "Linux 6.1.0-27-amd64, a Xen $t guest" "$r: the kernel's layer says so"
	f=$(fixes "$r")
	echo "$f" | grep -q "a Xen $t guest, and Xen gives VT-x/AMD-V only to HVM guests" &&
		! echo "$f" | grep -q "add nestedhvm=1 to this domain"
	ok $? "$r: the fix says a $t guest never gets VT-x, not to set nestedhvm on it" || diag "$f"
	tr '\n' ' ' <"$tmp/$r.txt" | tr -s ' ' | grep -q "under Xen (a $t guest); Xen gives VT-x/AMD-V to HVM guests only"
	ok $? "$r: the first screen says what a $t guest has left" || diag "$(grep -A2 'This host' "$tmp/$r.txt")"
done

is "$(cap hvm cpu.hypervisor_name value)" "Microsoft Hyper-V" "hvm: CPUID shows Viridian's signature first"
f=$(fixes hvm)
echo "$f" | grep -q "add nestedhvm=1 to this domain" && ! echo "$f" | grep -q "Set-VMProcessor"
ok $? "hvm: the fix is Xen's nestedhvm=1, not Hyper-V's Set-VMProcessor" || diag "$f"

# advise xen: a dom0 runs Xen; this machine, not under Xen, is told how to get there
timeout 20 "$VIRTCAP" --root "$tmp/dom0" advise xen >"$tmp/adv-dom0" 2>&1
is "$?" 0 "advise xen on a dom0: exit 0" || diag "$(cat "$tmp/adv-dom0")"
grep -q "✓.*Xen's dom0" "$tmp/adv-dom0" && grep -q "✓.*HVM" "$tmp/adv-dom0"
ok $? "advise xen on a dom0: both steps hold" || diag "$(cat "$tmp/adv-dom0")"
timeout 20 "$VIRTCAP" --root "$tmp/pv" advise xen --json >"$tmp/adv-pv" 2>&1
is "$?/$(jget "$tmp/adv-pv" "d['verdict']")/$(jget "$tmp/adv-pv" "d['first_failing_step']")" "0/no/0" \
	"advise xen in a PV domU: no, at its first step (a domU is not dom0)"
mkdir -p "$tmp/plain"; intel_kvm_host "$tmp/plain" 6.1.0-27-amd64
timeout 20 "$VIRTCAP" --root "$tmp/plain" advise xen >"$tmp/adv-plain" 2>&1
is "$?" 0 "advise xen on a KVM host not booted into Xen: exit 0"
grep -q "cannot run here" "$tmp/adv-plain" && grep -q "apt install" "$tmp/adv-plain"
ok $? "advise xen on a KVM host: no, and how to install and boot Xen" || diag "$(cat "$tmp/adv-plain")"
done_testing

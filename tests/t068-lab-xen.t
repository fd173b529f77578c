#!/bin/sh
# A real Xen dom0 in the lab: Debian's Xen hypervisor (pinned in scripts/lab-kernels.tsv) booted
# under QEMU with the lab's kernel as its dom0, xenfs on /proc/xen as a dom0's init mounts it.
# virtcap must say what such a machine is (Xen's dom0, a PV domain, Xen with VT-x/AMD-V for HVM
# guests), why KVM cannot run there (Xen's, not the firmware's doing) and Xen's own way, and
# advise xen must find Xen running. t101 holds the same findings on captured roots.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/lab.sh"
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 is missing: make deps"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
c() { jget "$tmp/dom0.json" "d['capabilities']['$1']['$2']"; }
v() { jget "$tmp/dom0.json" "d['matrix']['$1']['$2']"; }

run_lab "$tmp/dom0.json" "$tmp/dom0.err" --xen --json -- probe
is "$?" 0 "lab --xen: virtcap ran in the dom0"
lab_gave_no_report "$tmp/dom0.json" "$tmp/dom0.err" && done_testing && exit
is "$(jget "$tmp/dom0.json" "d['lab']['xen_package']")" \
	"$(awk -F'\t' '$1 == "xen" { print $2, $3 }' "$(dirname "$0")/../scripts/lab-kernels.tsv")" \
	"and booted the Xen that scripts/lab-kernels.tsv pins"

# what Linux itself says of the domain
is "$(c env.xen_guest_type value)/$(c env.xen_dom0 value)/$(c env.xen_hvm value)" "PV/true/true" \
	"Xen's dom0, a PV domain, and Xen has AMD-V for HVM guests"
c env.xen_hvm detail | grep -q "hvm-3.0-x86_64"
ok $? "Xen's own list of guests it runs, from /sys/hypervisor/properties/capabilities"
is "$(c kernel.dev_kvm value)" absent "no /dev/kvm in dom0"
# A program's CPUID still reaches the (emulated) CPU, which has SVM; the dom0 kernel's flags do
# not: that is Xen's doing, and the firmware is not to blame (seen wrongly said before t068)
is "$(c cpu.svm value)/$(c fw.virt_enabled value)" "true/null" \
	"CPUID has SVM, and whether the firmware enabled it is unknown here, not 'disabled'"
c fw.virt_enabled detail | grep -q "Xen hides it from the kernels of its PV domains"
ok $? "and it says Xen hides it" || diag "$(c fw.virt_enabled detail)"

# the rows: no, on the kernel's layer, with Xen's way instead of the firmware's or modprobe
for row in os64 long64; do
	is "$(v $row verdict)/$(v $row blocked_by)" "no/kernel.kvm_module" "$row: no, blocked by the kernel's KVM"
done
v os64 fix | grep -q "Xen's dom0: Xen holds VT-x/AMD-V.*xl create.*boot this machine without Xen"
ok $? "its fix is Xen's tools, or a boot without Xen" || diag "$(v os64 fix)"
jget "$tmp/dom0.json" "d['details']['environment']" | grep -q "control_d: this kernel is Xen's control domain"
ok $? "the layers name this kernel Xen's control domain, from /proc/xen/capabilities"

# advise xen, in the same dom0: Xen runs here, both steps hold
run_lab "$tmp/advise.json" "$tmp/advise.err" --xen --json -- advise xen
is "$?" 0 "lab --xen -- advise xen: exit 0"
is "$(jget "$tmp/advise.json" "d['verdict']")/$(jget "$tmp/advise.json" "len([s for s in d['steps'] if s['state'] == 'holds'])")" \
	"yes/2" "advise xen in a dom0: yes, both steps hold" || diag "$(tail -5 "$tmp/advise.err")"
done_testing

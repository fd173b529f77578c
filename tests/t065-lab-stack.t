#!/bin/sh
# The user's stack on real KVM: the lab carries this host's QEMU, its firmware and the tools
# prove --stack qemu uses, and boots a real L2 Linux guest on its nested KVM (AMD SVM emulated
# by QEMU, kvm_amd nested=1). There QEMU with KVM reaches the guest's init, every device is
# proven from inside under KVM, and the os64 row takes the real guest's yes. TCG inside the
# lab is emulation inside emulation: 212 s to the guest's init on an idle machine on 2026-12-01
# (25 s under KVM), and this machine has run 1.5x slower for hours at a time (virt-host-validate
# 10.8 -> 18 ms, the same binaries): it gets 420 s, and the KVM/TCG ratio must show
# virtualization faster. The lab's own deadline covers both boots and the device proofs.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/lab.sh"
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 is missing: make deps"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
st() { jget "$tmp/s.json" "d['stacks']['qemu']$1"; }

# No retry of an L2 guest that does not reach its init: that is virtcap's verdict, and retrying
# it could hide virtcap failing. run_lab boots again only a lab that never reached virtcap or
# whose own kernel stopped.
VIRTCAP_STACK_KVM_TIMEOUT=120 VIRTCAP_STACK_TCG_TIMEOUT=420 \
	run_lab "$tmp/s.json" "$tmp/err" --json --with-stack --timeout 820 -- \
	prove --only real16 --stack qemu --timeout 5
rc=$?
lab_gave_no_report "$tmp/s.json" "$tmp/err" && { done_testing; exit; }
is "$rc" 0 "the lab ran prove --stack qemu"
top=$(cd "$(dirname "$0")/.." && pwd)
is "$(jget "$tmp/s.json" "d['lab']['kernel_package']")" \
	"$(awk -F'\t' '$1 == "amd64" { print $2, $3 }' "$top/scripts/lab-kernels.tsv")" \
	"in the lab of the pinned kernel"
/usr/bin/python3 "$top/tests/lib/validate.py" "$top/reports/schema/report-v1.json" "$tmp/s.json"
ok $? "its report validates"
is "$(st "['installed']")/$(st "['unfinished']")" "true/null" "QEMU is in the lab, and the run finished"
# said: a verdict that is not yes says why (the guest's last console line, its registers)
said() { [ "$(st "['accel']['$1']['verdict']")" = yes ] || diag "$1: $(st "['accel']['$1']['reason']")"; }
is "$(st "['accel']['kvm']['verdict']")" yes "on the lab's real KVM, QEMU boots the real guest to its init"
said kvm
[ "$(st "['accel']['kvm']['boot_ms']")" -gt 0 ]
ok $? "in $(st "['accel']['kvm']['boot_ms']") ms of lab time"
is "$(st "['devices_accel']")" kvm "the devices were proven under KVM"
for d in disk qcow2 cdrom floppy net net_tap share virtiofs display; do
	status=$(st "['devices']['$d']['status']")
	is "$status" proven "device $d: proven from inside, under KVM"
	[ "$status" = proven ] || diag "$d: $(st "['devices']['$d']['detail']")"
done
is "$(st "['accel']['tcg']['verdict']")" yes "under TCG inside the lab the guest boots too"
said tcg
python3 -c 'import sys; sys.exit(not float(sys.argv[1]) > 1)' "$(st "['kvm_vs_tcg']")"
ok $? "virtualization is faster than emulation there: $(st "['kvm_vs_tcg']")x"
is "$(jget "$tmp/s.json" "d['matrix']['os64']['verdict']")" yes \
	"os64: yes, a real 64-bit Linux booted under QEMU with KVM"
done_testing

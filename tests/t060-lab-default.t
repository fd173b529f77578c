#!/bin/sh
# The lab's default machine (QEMU's EPYC with SVM and NPT, Debian's kernel, kvm_amd nested=1):
# real KVM, on which every proof must be proven, the hostile guests must each fail within their
# limit, every liar (tests/data/liars.tsv) must be failed by its proof's check for its reason,
# and the report must say which machine it came from.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/lab.sh"
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 is missing: make deps"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
all=real16,prot32,pae32,long64,boot,smp,irq,hypercall,pio,mmio,disk,nested
hostile=hostile-spin,hostile-triple-fault,hostile-unmapped,hostile-exit-flood,hostile-disk-range,nested_tdp

run_lab "$tmp/lab.json" "$tmp/err" --json -- prove --timeout 5 --only "$all,$hostile,liars"
is "$?" 0 "virtcap lab -- prove exits 0"
if lab_gave_no_report "$tmp/lab.json" "$tmp/err"; then done_testing; exit; fi
[ -s "$tmp/err" ] && diag "$(head -20 "$tmp/err")"
cap() { jget "$tmp/lab.json" "d['capabilities']['$1']['value']"; }
is "$(cap kernel.dev_kvm)" ok "inside: /dev/kvm is usable"
is "$(cap kernel.kvm_module)" kvm_amd "inside: kvm_amd is loaded"
is "$(cap kernel.nested)" true "inside: nested=1"
is "$(cap cpu.svm)" true "inside: the CPU has SVM"
is "$(cap cpu.npt)" true "inside: and NPT"
for k in $(echo "$all" | tr , ' '); do
	is "$(jget "$tmp/lab.json" "d['matrix']['$k']['proof']['status']")" proven "$k is proven"
	is "$(jget "$tmp/lab.json" "d['matrix']['$k']['verdict']")" yes "$k: verdict yes"
done
is "$(jget "$tmp/lab.json" "d['matrix']['nested']['proof']['nested_tdp']['status']")" proven \
	"nested_tdp: an L2 under the L1's own nested page tables, in the nested row"
# the cost of nesting, measured in the same run: an L2 exit goes through L0 and our L1 (two
# world switches and an emulated VMRUN), so it must cost more than an L1 exit to hv-mini
m() { jget "$tmp/lab.json" "d['matrix']['nested']['proof']['metrics']['$1']"; }
python3 -c 'import sys; l2, l1, r = map(float, sys.argv[1:]); sys.exit(not (l2 > 0 and l1 > 0 and
    r > 1 and abs(r - l2 / l1) < 0.05 * r))' "$(m l2_exit_us)" "$(m l1_exit_us)" \
	"$(m nesting_cost_ratio)" 2>/dev/null
ok $? "nested: the cost of nesting, L2 $(m l2_exit_us) us vs L1 $(m l1_exit_us) us per exit (ratio > 1)"
is "$(jget "$tmp/lab.json" "d['matrix']['nested']['proof']['detail']" | grep -o 'a 64-bit L2 (EFER.LMA=1, CS.L=1')" \
	"a 64-bit L2 (EFER.LMA=1, CS.L=1" "nested: the 64-bit L2 ran in long mode"
for h in $(echo "$hostile" | tr , ' ' | sed 's/nested_tdp//'); do
	is "$(jget "$tmp/lab.json" "d['details']['proofs']['$h']['status']")" failed "$h ends as failed"
done
# the liars, on the KVM where every proof is proven: each check fails its liar, for its reason
tab=$(printf '\t')
while IFS=$tab read -r liar reason; do
	case $liar in '#'*|'') continue ;; esac
	is "$(jget "$tmp/lab.json" "d['details']['proofs']['$liar']['status']")" failed \
		"$liar: failed by its proof's check on real KVM"
	detail=$(jget "$tmp/lab.json" "d['details']['proofs']['$liar']['detail']")
	case $detail in *"$reason"*) ok 0 "$liar: because $reason" ;;
	*) ok 1 "$liar: because $reason"; diag "$detail" ;; esac
done <"$top/tests/data/liars.tsv"
is "$(jget "$tmp/lab.json" "d['lab']['cpu']")" "EPYC,+svm,+npt" "the report records the lab's CPU"
is "$(jget "$tmp/lab.json" "d['lab']['kernel_package']")" \
	"$(awk -F'\t' '$1 == "amd64" { print $2, $3 }' "$top/scripts/lab-kernels.tsv")" \
	"and boots the kernel scripts/lab-kernels.tsv pins"
/usr/bin/python3 "$top/tests/lib/validate.py" "$top/reports/schema/report-v1.json" "$tmp/lab.json"
ok $? "the lab's report validates against the schema"
is "$(jget "$tmp/lab.json" "' '.join(k + '=' + d['matrix'][k]['verdict'] for k in ('dos', 'os32', 'os64', 'hypervisor'))")" \
	"dos=yes os32=yes os64=yes hypervisor=yes" "on real KVM every operating-system row is yes"


done_testing

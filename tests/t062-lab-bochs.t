#!/bin/sh
# The Intel side on real KVM: the lab's Bochs engine (Bochs emulates VMX with EPT and
# unrestricted guest; QEMU's CPU has no VMX) boots Debian's kernel with kvm_intel nested=1 on
# corei7_skylake_x. One boot runs the whole proof set, nested VMX and its EPT included: every
# row must be proven on VMX, the guests that misbehave must end as failed, and the liars whose
# checks read VMX's side (tests/data/liars.tsv: the nested L1s, VMCALL, the interrupts) must be
# failed for their reasons; the others judge the same way on both and run on SVM in t060.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/lab.sh"
command -v bochs-bin >/dev/null || bail "bochs is missing: make deps"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
all=real16,prot32,pae32,long64,boot,smp,irq,hypercall,pio,mmio,disk,nested
# no hostile-spin here: under Bochs a KVM guest that never exits was not preempted by the lab
# kernel's timer in 18 minutes with a 1 s deadline (Bochs's emulation, not KVM's; t060 proves it
# on QEMU)
hostile=hostile-triple-fault,hostile-unmapped
vmx_liars=liar-nested-no-l2,liar-nested_tdp-decoy,liar-nested_tdp-known,liar-hypercall-no-call
vmx_liars=$vmx_liars,liar-irq-no-irq,liar-irq-guess,liar-boot-real,liar-boot-no-irq

# ~80 s a boot here; the deadline leaves room for a loaded CI machine
run_lab "$tmp/lab.json" "$tmp/err" --engine bochs --timeout 480 --json -- \
	prove --timeout 20 --only "$all,nested_tdp,$hostile,$vmx_liars"
is "$?" 0 "virtcap lab --engine bochs -- prove exits 0"
if lab_gave_no_report "$tmp/lab.json" "$tmp/err"; then done_testing; exit; fi
[ -s "$tmp/err" ] && diag "$(head -20 "$tmp/err")"
cap() { jget "$tmp/lab.json" "d['capabilities']['$1']['value']"; }
is "$(cap cpu.vendor)" GenuineIntel "inside: an Intel CPU"
is "$(cap cpu.vmx)" true "inside: with VMX"
is "$(cap cpu.ept)" true "inside: and EPT"
is "$(cap cpu.unrestricted_guest)" true "inside: and unrestricted guest"
is "$(cap kernel.kvm_module)" kvm_intel "inside: kvm_intel is loaded"
is "$(cap kernel.nested)" true "inside: nested=1"
is "$(cap kernel.dev_kvm)" ok "inside: /dev/kvm is usable"
is "$(cap env.vmm)" Bochs "inside: the machine is known as Bochs's, not QEMU's"
for k in $(echo "$all" | tr , ' '); do
	is "$(jget "$tmp/lab.json" "d['matrix']['$k']['proof']['status']")" proven "$k is proven on VMX"
done
nested() { jget "$tmp/lab.json" "d['matrix']['nested']['proof']$1"; }
detail=$(nested "['detail']")
case $detail in *"turned VMX on"*VMLAUNCH*) ok 0 "nested: the L1 used VMX" ;;
*) ok 1 "nested: the L1 used VMX"; diag "$detail" ;; esac
case $detail in *"a real-mode L2"*) ok 0 "nested: a real-mode L2 (unrestricted guest)" ;;
*) ok 1 "nested: a real-mode L2 (unrestricted guest)" ;; esac
case $detail in *"a 64-bit L2 (EFER.LMA=1, CS.L=1"*) ok 0 "nested: a 64-bit L2 in long mode" ;;
*) ok 1 "nested: a 64-bit L2 in long mode" ;; esac
is "$(nested "['nested_tdp']['status']")" proven "nested_tdp: an L2 under the L1's own EPT"
python3 -c 'import sys; l2, l1, r = map(float, sys.argv[1:]); sys.exit(not (l2 > 0 and l1 > 0 and
    r > 1 and abs(r - l2 / l1) < 0.05 * r))' "$(nested "['metrics']['l2_exit_us']")" \
	"$(nested "['metrics']['l1_exit_us']")" "$(nested "['metrics']['nesting_cost_ratio']")" \
	2>/dev/null
ok $? "nested: an L2 exit costs more than an L1 exit (ratio $(nested "['metrics']['nesting_cost_ratio']"))"
for h in $(echo "$hostile" | tr , ' '); do
	is "$(jget "$tmp/lab.json" "d['details']['proofs']['$h']['status']")" failed "$h ends as failed"
done
tab=$(printf '\t')
while IFS=$tab read -r liar reason; do
	case $liar in '#'*|'') continue ;; esac
	case ,$vmx_liars, in *,$liar,*) ;; *) continue ;; esac
	detail=$(jget "$tmp/lab.json" "d['details']['proofs']['$liar']['detail']")
	case $(jget "$tmp/lab.json" "d['details']['proofs']['$liar']['status']")/$detail in
	failed/*"$reason"*) ok 0 "$liar: failed on VMX because $reason" ;;
	*) ok 1 "$liar: failed on VMX because $reason"; diag "$detail" ;; esac
done <"$top/tests/data/liars.tsv"
is "$(jget "$tmp/lab.json" "d['lab']['engine']")" bochs "the report records the engine"
is "$(jget "$tmp/lab.json" "d['lab']['cpu']")" corei7_skylake_x "and its CPU model"
/usr/bin/python3 "$top/tests/lib/validate.py" "$top/reports/schema/report-v1.json" "$tmp/lab.json"
ok $? "the Bochs lab's report validates against the schema"
done_testing

#!/bin/sh
# hv-mini on this machine's own /dev/kvm: every proof ends proven or failed within its limit
# (never not-run when KVM opens, never a hang), a proof decides its row (proven -> yes, failed ->
# no), the report validates, and the hostile guests (spin, triple fault, unmapped write, an
# exit flood, disk sectors past the end) each end as failed with the right cause inside the
# time limit. Which proofs must be proven depends on the host's KVM: tests/data/proofs-by-kvm.tsv
# says it per KVM module (PVM's known set on this project's machines, every row on hardware
# KVM); the lab tests prove the guests on a full hardware KVM as well.
. "$(dirname "$0")/lib/tap.sh"
[ -e /dev/kvm ] || skip_all "this host has no /dev/kvm: no proof can run"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# /dev/kvm there but closed to this user: no proof runs, and each says why
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	"$VIRTCAP" prove --json --timeout 1 >"$tmp/p.json" 2>"$tmp/err"
	is "$(jget "$tmp/p.json" "sorted(set(p['status'] for p in d['details']['proofs'].values()))")" \
		"['not-run']" "/dev/kvm is closed to this user: every proof is not-run"
	jget "$tmp/p.json" "[p['detail'] for p in d['details']['proofs'].values()]" | grep -q /dev/kvm
	ok $? "and says it is /dev/kvm"
	done_testing
	exit
fi

# what must be proven here: the line of the loaded KVM module, if the table has one
kvm_module= must= tab=$(printf '\t')
while IFS=$tab read -r module proofs; do
	case $module in '#'*|'') continue ;; esac
	[ -d "/sys/module/$module" ] && kvm_module=$module && must=$proofs
done <<EOF_TSV
$(cat "$top/tests/data/proofs-by-kvm.tsv")
EOF_TSV
[ -n "$kvm_module" ] || diag "no line of tests/data/proofs-by-kvm.tsv names this host's KVM" \
	"module: only that every proof ends and every failure says why is checked"

start=$(date +%s%N)
"$VIRTCAP" prove --json --timeout 1 >"$tmp/p.json" 2>"$tmp/err"
is "$?" 0 "virtcap prove exits 0"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 15000 ]
ok $? "ten proofs with a 1 s limit each finish in ${ms} ms (< 15 s: no proof outlives its limit)"
/usr/bin/python3 "$top/tests/lib/validate.py" "$top/reports/schema/report-v1.json" "$tmp/p.json"
ok $? "the report with proofs validates against the schema"
/usr/bin/python3 - "$tmp/p.json" >"$tmp/rows" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("real16", "prot32", "pae32", "long64", "smp", "irq", "hypercall", "pio", "mmio", "disk"):
    row = d["matrix"][k]
    proof = row["proof"]
    want = {"proven": "yes", "failed": "no"}.get(proof and proof["status"])
    print(k, proof and proof["status"], row["verdict"], want,
          int(bool(proof and proof["detail"])), int(bool(proof and proof["duration_us"] > 0)))
PY
while read -r kind status verdict want detail duration; do
	ok $([ "$status" = proven ] || [ "$status" = failed ]; echo $?) "$kind: proof ran ($status)"
	is "$verdict" "$want" "$kind: the proof decides the verdict"
	is "$detail$duration" 11 "$kind: the proof says what it saw and how long it took"
	if [ -n "$kvm_module" ]; then
		case " $must " in *" $kind "*) expect=proven ;; *) expect=failed ;; esac
		is "$status" "$expect" "$kind: $expect on $kvm_module, as proofs-by-kvm.tsv says"
	fi
	if [ "$status" = failed ]; then
		# explained: the exit or deadline that stopped the guest and where it stood
		jget "$tmp/p.json" "d['details']['proofs']['$kind']['detail']" |
			grep -Eq '^(unexpected exit|KVM internal error|no result before the deadline|the guest (reported|stopped)).*RIP=0x'
		ok $? "$kind: its failure names what stopped the guest and the registers"
	fi
done <"$tmp/rows"

# hostile: STATUS and a word of the cause, within the limit
hostile() {	# ID CAUSE
	start=$(date +%s%N)
	"$VIRTCAP" prove --only "$1" --timeout 0.5 --json >"$tmp/$1.json"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	st=$(jget "$tmp/$1.json" "d['details']['proofs']['$1']['status']")
	detail=$(jget "$tmp/$1.json" "d['details']['proofs']['$1']['detail']")
	is "$st" failed "$1: ends as failed"
	case $detail in *$2*) ok 0 "$1: the detail says '$2' and gives RIP" ;;
	*) ok 1 "$1: the detail says '$2'"; diag "$detail" ;; esac
	[ "$ms" -lt 3000 ]
	ok $? "$1: within its 0.5 s limit (${ms} ms in all)"
}
hostile hostile-spin "no result before the deadline"
hostile hostile-triple-fault "RIP="
hostile hostile-unmapped "unmapped guest-physical 0xe0000000"
hostile hostile-exit-flood "no result before the deadline"
hostile hostile-disk-range "every sector past the end was refused"

"$VIRTCAP" prove --only nosuch >/dev/null 2>"$tmp/e"
is "$?" 2 "an unknown proof id is a usage error"
grep -q "no proof named 'nosuch'" "$tmp/e"
ok $? "and names it"
done_testing

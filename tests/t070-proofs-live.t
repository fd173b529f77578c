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
	timeout 120 "$VIRTCAP" prove --json --timeout 1 >"$tmp/p.json" 2>"$tmp/err"
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
timeout 120 "$VIRTCAP" prove --json --timeout 1 >"$tmp/p.json" 2>"$tmp/err"
is "$?" 0 "virtcap prove exits 0"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 15000 ]
ok $? "the proofs with a 1 s limit each finish in ${ms} ms (< 15 s: no proof outlives its limit)"
/usr/bin/python3 "$top/tests/lib/validate.py" "$top/reports/schema/report-v1.json" "$tmp/p.json"
ok $? "the report with proofs validates against the schema"
/usr/bin/python3 - "$tmp/p.json" >"$tmp/rows" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("real16", "prot32", "pae32", "long64", "boot", "smp", "irq", "hypercall", "pio", "mmio", "disk"):
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
			grep -Eq '^(unexpected exit|KVM internal error|no result before the deadline|the guest (reported|stopped|got itself as far as)).*RIP=0x'
		ok $? "$kind: its failure names what stopped the guest and the registers"
	fi
done <"$tmp/rows"

# without --timeout, a guest that spins is stopped by its CPU time, not waited for to the
# deadline: every verdict as with the full deadline above, a spinning failure said as such and
# ended long before 2 s, and the whole set's failures too
timeout 120 "$VIRTCAP" prove --json >"$tmp/d.json" 2>"$tmp/d.err"
is "$?" 0 "virtcap prove without --timeout exits 0"
/usr/bin/python3 - "$tmp/p.json" "$tmp/d.json" <<'PY'
import json, sys
full, quick = (json.load(open(f))["details"]["proofs"] for f in sys.argv[1:])
for k, p in quick.items():
    assert p["status"] == full[k]["status"], (k, p["status"], full[k]["status"])
    if "the guest spun" in p["detail"]:
        assert p["status"] == "failed" and p["duration_us"] < 1000000, (k, p)
        assert "ms of CPU time without a result" in p["detail"], p["detail"]
failed = sum(p["duration_us"] for p in quick.values() if p["status"] == "failed")
assert failed < 1500000, "the failed proofs took %d ms: a spinner was waited for" % (failed // 1000)
PY
ok $? "without --timeout: the same verdicts, spinners stopped by CPU time well before 2 s"

# the operating systems follow their rows' proofs: no at the first needed row whose proof
# failed (on PVM: os32 at prot32, os64 at irq), yes where every needed row is proven
/usr/bin/python3 - "$tmp/p.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["matrix"]
for os_row in ("dos", "os32", "os64"):
    row = m[os_row]
    status = [m[k]["proof"]["status"] if m[k]["proof"] else "not-run" for k in row["needs"]]
    failed = [k for k, st in zip(row["needs"], status) if st == "failed"]
    if failed:
        assert row["verdict"] == "no" and row["blocked_by"] == failed[0], (os_row, row)
        assert m[failed[0]]["reason"] in row["reason"], (os_row, row["reason"])
    elif all(st == "proven" for st in status):
        assert row["verdict"] == "yes", (os_row, row)
PY
ok $? "dos, os32, os64: no at the first needed row whose proof failed, yes where all are proven"

# the human output of prove: each row's verdict and proof mark as the JSON had them, and each
# failed row explained under "What blocks them" with what stopped its guest
LANG=C timeout 120 "$VIRTCAP" prove --timeout 1 -v --no-color >"$tmp/human" 2>"$tmp/human.err"
is "$?" 0 "virtcap prove (human output) exits 0"
while read -r kind status verdict want detail duration; do
	mark=$([ "$status" = proven ] && echo y || echo x)
	is "$(awk -v k="$kind" '$1 == k { print $2, $7; exit }' "$tmp/human")" "$verdict $mark" \
		"human prove output: $kind is $verdict, proof mark $mark"
	if [ "$status" = failed ]; then
		# said in full, or once under the OS row that fails at it ("as for os32")
		sed -n '/^What blocks them, and the fix$/,$p' "$tmp/human" |
			grep -Eq "^  $kind  *(the test guest failed: |as for (dos|os32|os64|hypervisor)$)"
		ok $? "human prove output: $kind's failure is under 'What blocks them'"
	fi
done <"$tmp/rows"

# check and advise on this host run the real proofs: each row step agrees with its proof above
timeout 120 "$VIRTCAP" check --require long64,prot32 --json --timeout 1 >"$tmp/check.json" 2>"$tmp/check.err"
rc=$?
want=$(for k in long64 prot32; do awk -v k="$k" '$1 == k { printf "%s=%s ", k, $2 == "proven" }' \
	"$tmp/rows"; done)
got=$(jget "$tmp/check.json" "' '.join(q['id'] + '=' + str(int(q['passed'])) for q in d['requirements'])")
is "$got " "$want" "check --require long64,prot32 passes each as its proof went ($want)"
case $want in *=0*) is "$rc" 1 "and exits 1, as one failed" ;; *) is "$rc" 0 "and exits 0" ;; esac
timeout 120 "$VIRTCAP" advise os64 --json --timeout 1 >"$tmp/advise.json" 2>"$tmp/advise.err"
/usr/bin/python3 - "$tmp/advise.json" "$tmp/rows" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
status = {l.split()[0]: l.split()[1] for l in open(sys.argv[2])}
rows = [s for s in a["steps"] if s["row"]]
assert rows, "no proof steps"
for s in rows:
    want = "holds" if status[s["row"]] == "proven" else "fails"
    assert s["state"] == want, (s["row"], s["state"], want)
failing = [i for i, s in enumerate(a["steps"]) if s["state"] == "fails"]
assert a["verdict"] == ("no" if failing else "yes"), a["verdict"]
assert a["first_failing_step"] == (failing[0] if failing else None), a["first_failing_step"]
PY
ok $? "advise os64: each proof step as its proof went, the verdict and first failing step follow"

# bench-exits: a line per exit kind, each timed both ways with the ratio of the two, or failed
# exactly where the proof of that kind failed above (hlt has no proof of its own: it must work)
timeout 300 "$VIRTCAP" bench-exits >"$tmp/bench" 2>"$tmp/bench.err"
is "$?" 0 "bench-exits exits 0"
/usr/bin/python3 - "$tmp/bench" "$tmp/rows" <<'PY'
import re, sys
status = {l.split()[0]: l.split()[1] for l in open(sys.argv[2])}
lines = open(sys.argv[1]).read().splitlines()
assert lines[0].split() == ["exit", "hv-mini", "us", "bare", "us", "ratio"], lines[0]
seen = {}
for l in lines[1:]:
    m = re.match(r"^(\w+) +([\d.]+) +([\d.]+) +([\d.]+)$", l)
    if m:
        hv, bare, ratio = map(float, m.group(2, 3, 4))
        assert hv > 0 and bare > 0 and abs(ratio - hv / bare) < 0.01, l
        seen[m.group(1)] = "timed"
    elif re.match(r"^(\w+) +failed: \S", l):
        seen[l.split()[0]] = "failed"
    else:
        assert l.startswith("whole proof set: "), l
assert set(seen) == {"pio", "mmio", "hypercall", "hlt"}, seen
for kind, how in seen.items():
    want = "timed" if status.get(kind, "proven") == "proven" else "failed"
    assert how == want, (kind, how, want)
PY
ok $? "each exit kind timed both ways with their ratio, failed only where its proof failed"

# hostile: STATUS and a word of the cause, within the limit
hostile() {	# ID CAUSE
	start=$(date +%s%N)
	timeout 30 "$VIRTCAP" prove --only "$1" --timeout 0.5 --json >"$tmp/$1.json"
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

# the liars (tests/data/liars.tsv): each proof's own guest with one lie, run through the proof's
# own check, which must fail it and say why; only the liars of the proofs this KVM proves (a
# check judged on a guest that cannot run here shows nothing), the others run in the lab (t060)
timeout 120 "$VIRTCAP" prove --only liars --timeout 2 --json >"$tmp/liars.json" 2>"$tmp/liars.err"
is "$?" 0 "prove --only liars exits 0"
/usr/bin/python3 - "$tmp/liars.json" "$top/tests/data/liars.tsv" "$must" >"$tmp/liars" <<'PY'
import json, sys
proofs = json.load(open(sys.argv[1]))["details"]["proofs"]
reasons = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip() and not l.startswith("#"))
must = sys.argv[3].split()
for liar in sorted(set(proofs) | set(reasons)):
    proof = next((p for p in must if liar.startswith("liar-%s-" % p)), None)
    p = proofs.get(liar, {})
    print("\t".join([liar, proof or "-", p.get("status", "absent"), reasons.get(liar, "-"), p.get("detail", "")]))
PY
while IFS=$tab read -r liar proof status reason detail; do
	[ "$reason" != - ] && [ "$status" != absent ]
	ok $? "$liar: in the manifest and in liars.tsv with the reason its check must give"
	[ "$proof" = - ] && continue
	is "$status" failed "$liar: its check fails it ($proof is proven here)"
	case $detail in *"$reason"*) ok 0 "$liar: because $reason" ;;
	*) ok 1 "$liar: because $reason"; diag "$detail" ;; esac
done <"$tmp/liars"

timeout 30 "$VIRTCAP" prove --only nosuch >/dev/null 2>"$tmp/e"
is "$?" 2 "an unknown proof id is a usage error"
grep -q "no proof named 'nosuch'" "$tmp/e"
ok $? "and names it"
done_testing

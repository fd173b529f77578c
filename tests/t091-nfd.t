#!/bin/sh
# --nfd DIR: the report as Node Feature Discovery's local feature file, DIR/virtcap. It must
# pass NFD's own rules (tests/lib/nfd_rules.py, from its source: names, values, directives, the
# 64 KiB limit), expire a little past the next hourly run, say each matrix row as the report of
# the same run says it (on this host, live, and on every captured root), and replace the old
# file whole or not at all (issue 26).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
. "$(dirname "$0")/lib/scenarios.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
rules=$top/tests/lib/nfd_rules.py
ns=virtcap.feature.node.kubernetes.io

# agree NAME ROOT-ARGS...: --json and --nfd in one run; NFD's rules, and every row as the matrix
agree() {
	_n=$1; shift
	rm -rf "$tmp/d" && mkdir "$tmp/d"
	timeout 120 "$VIRTCAP" "$@" --json --nfd "$tmp/d" >"$tmp/$_n.json" 2>"$tmp/err"
	is "$?/$(ls -A "$tmp/d" | tr '\n' ' ')" "0/virtcap " "$_n: --json --nfd exits 0, DIR/virtcap alone"
	python3 "$rules" "$tmp/d/virtcap" >"$tmp/$_n.labels" 2>"$tmp/expiry"
	ok $? "$_n: NFD's rules take every line" || diag "$(cat "$tmp/expiry")"
	python3 - "$tmp/$_n.json" "$tmp/$_n.labels" "$ns" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
labels = dict(l.rstrip("\n").split("=", 1) for l in open(sys.argv[2]))
ns = sys.argv[3] + "/"
for row, r in d["matrix"].items():
    assert labels.pop(ns + row) == r["verdict"], (row, r["verdict"])
    proof = labels.pop(ns + row + ".proof", None)
    if r["proof"] is not None:    # a row of its own test guest
        assert proof == r["proof"]["status"], (row, proof, r["proof"])
    elif r.get("needs"):          # an operating system's: every needed row proven, or one failed
        st = [d["matrix"][k]["proof"]["status"] if d["matrix"][k]["proof"] else "not-run" for k in r["needs"]]
        want = "failed" if "failed" in st else "proven" if all(s == "proven" for s in st) else "not-run"
        assert proof == want, (row, proof, want)
for k in ("kvm", "kvm-module", "environment", "schema", "time"):
    assert labels.pop(ns + k, None) is not None, k
assert not labels, labels
PY
	ok $? "$_n: each row's label is the matrix's verdict and proof, nothing else said"
}

agree live
exp=$(sed -n 's/^expiry //p' "$tmp/expiry")
[ "$exp" -gt 3600 ] && [ "$exp" -le 4500 ]
ok $? "the labels expire a little past the next hourly run ($exp s from now)"
for s in $SCENARIOS; do
	scenario "$s" "$tmp/$s" || bail "scenario $s"
	agree "$s" --root "$tmp/$s"
done
agree this-machine --root "$top/tests/data/roots/this-machine.tar.gz"
agree pvm-guest --root "$top/tests/data/roots/pvm-guest.tar.gz"
is "$(grep "^$ns/kvm-module=" "$tmp/amd-svm.labels")/$(grep "^$ns/environment=" "$tmp/amd-svm.labels")" \
	"$ns/kvm-module=kvm_amd/$ns/environment=bare-metal" "a bare AMD host: kvm_amd, bare metal"
is "$(grep "^$ns/environment=" "$tmp/this-machine.labels")" "$ns/environment=Firecracker" \
	"this machine's capture: Firecracker"

# a captured root's words reach a label value only as NFD takes them: its kernel log names a
# hypervisor with markup, a command, spaces and 80 characters
scenario intel-vtx "$tmp/evil" || bail "scenario"
root_fact "$tmp/evil" klog.status ok
root_fact "$tmp/evil" klog.hypervisor_detected '<b>Evil</b> $(reboot); hypervisor with a name far longer than any label value may be_'
agree evil --root "$tmp/evil"
is "$(grep "^$ns/environment=" "$tmp/evil.labels")" \
	"$ns/environment=b-Evil-b-reboot-hypervisor-with-a-name-far-longer-than-any-labe" \
	"its hypervisor's name: markup and the command made dashes, cut to 63, alphanumeric at both ends"

# --nfd - prints the same lines
timeout 60 "$VIRTCAP" --root "$tmp/intel-vtx" --nfd - >"$tmp/printed" 2>/dev/null &&
	python3 "$rules" "$tmp/printed" >"$tmp/printed.labels" 2>/dev/null
is "$(grep -v '/time=' "$tmp/printed.labels")" "$(grep -v '/time=' "$tmp/intel-vtx.labels")" \
	"--nfd - prints the labels the file holds"

# replaced whole: a new inode in place of the old, no temporary left; where it cannot be
# written, the old file stays as it was and the error names the file
mkdir -p "$tmp/fd" && echo "old=1" >"$tmp/fd/virtcap"
before=$(stat -c %i "$tmp/fd/virtcap")
timeout 60 "$VIRTCAP" --root "$tmp/intel-vtx" --nfd "$tmp/fd" >/dev/null 2>&1
is "$?/$(ls -A "$tmp/fd" | tr '\n' ' ')" "0/virtcap " "an old file replaced, nothing else left"
[ "$(stat -c %i "$tmp/fd/virtcap")" != "$before" ] && ! grep -q '^old=1' "$tmp/fd/virtcap"
ok $? "by rename: a reader sees the old file or the new, never half of one"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	echo "old=1" >"$tmp/fd/virtcap" && chmod 0755 "$tmp" "$tmp/fd"
	cp "$VIRTCAP" "$tmp/virtcap" && chmod 755 "$tmp/virtcap"
	timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups "$tmp/virtcap" \
		--root "$tmp/intel-vtx" --nfd "$tmp/fd" >/dev/null 2>"$tmp/err"
	is "$?/$(cat "$tmp/fd/virtcap")/$(ls -A "$tmp/fd" | tr '\n' ' ')" "2/old=1/virtcap " \
		"a directory this user cannot write: exit 2, the old file as it was, nothing left"
	grep -q "^virtcap: --nfd: $tmp/fd/virtcap: cannot create" "$tmp/err"
	ok $? "and the error names the file" || diag "$(cat "$tmp/err")"
else
	skip 2 "another user's view needs root and setpriv"
fi
timeout 30 "$VIRTCAP" --root "$tmp/intel-vtx" --nfd "$tmp/nonexistent" >/dev/null 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" "2/virtcap: --nfd $tmp/nonexistent: not a directory (NFD reads /etc/kubernetes/node-feature-discovery/features.d)" \
	"a directory that does not exist: exit 2, said"
timeout 30 "$VIRTCAP" --json --nfd - >/dev/null 2>"$tmp/err"
is "$?" 2 "--json --nfd -: two outputs on one stdout, refused"
done_testing

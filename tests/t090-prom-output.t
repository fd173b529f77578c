#!/bin/sh
# --prom: Prometheus metrics that the real promtool accepts, on this machine and on hosts
# whose rows are yes, no and unknown, with the same verdicts as the JSON and escaped labels.
# --output: the file appears whole or not at all.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
command -v promtool >/dev/null || bail "promtool is missing: make deps (Debian's prometheus)"
top=$(cd "$(dirname "$0")/.." && pwd)
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

"$VIRTCAP" probe --prom >"$tmp/live.prom" 2>"$tmp/err"
is "$?" 0 "virtcap probe --prom exits 0"
promtool check metrics <"$tmp/live.prom" >"$tmp/lint" 2>&1
ok $? "promtool check metrics accepts this machine's metrics"
[ -s "$tmp/lint" ] && diag "$(head -5 "$tmp/lint")"

# a host with yes rows, no rows (passthrough) and an unknown one (container), and a kernel
# release with a quote and a backslash, which the format requires escaped
r=$tmp/host
mkdir -p "$r"
root_kernel "$r" '6.1.0-"odd"\name' x86_64; cpu_intel_vmx "$r"; intel_msrs "$r" 0x5
kvm_module "$r" kvm_intel Y; dev_kvm_ok "$r"
"$VIRTCAP" --root "$r" --prom >"$tmp/root.prom"
"$VIRTCAP" --root "$r" --json >"$tmp/root.json"
promtool check metrics <"$tmp/root.prom" >"$tmp/lint" 2>&1
ok $? "promtool accepts a host's metrics with escaped labels"
grep -qF 'kernel="6.1.0-\"odd\"\\name"' "$tmp/root.prom"
ok $? "the kernel label's quote and backslash are escaped"
python3 - "$tmp/root.prom" "$tmp/root.json" <<'PY'
import json, re, sys
metrics = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\w+)\{([^}]*)\} (\S+)$', line.strip())
    if m:
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        metrics[(m.group(1), tuple(sorted(labels.items())))] = float(m.group(3))
d = json.load(open(sys.argv[2]))
seen = set()
for kind, row in d["matrix"].items():
    sup = metrics[("virtcap_guest_supported", (("guest", kind),))]
    assert sup == (row["verdict"] == "yes"), (kind, sup, row["verdict"])
    hot = [v for v in ("yes", "no", "unknown")
           if metrics[("virtcap_guest_verdict", (("guest", kind), ("verdict", v)))] == 1]
    assert hot == [row["verdict"]], (kind, hot)
    seen.add(row["verdict"])
assert seen == {"yes", "no", "unknown"}, seen
PY
ok $? "every guest kind's gauges match the JSON verdicts (yes, no and unknown all present)"
grep -q '^virtcap_kvm_usable 1$' "$tmp/root.prom" && grep -q '^virtcap_kvm_nested 1$' "$tmp/root.prom"
ok $? "KVM usable and nested=1 as gauges"

# --output: written whole, replaced only by a run that succeeded, never left partial
mkdir "$tmp/out"
"$VIRTCAP" --root "$r" --json --output "$tmp/out/r.json"
is "$?" 0 "--output writes the report"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out/r.json"
ok $? "and the file is the whole JSON"
echo OLD >"$tmp/out/r.json"
printf 'not a dump\n' >"$tmp/bad.raw"
"$VIRTCAP" --root "$r" --cpuid-dump "$tmp/bad.raw" --json --output "$tmp/out/r.json" 2>"$tmp/err"
is "$?" 2 "a run with an input error exits 2"
is "$(cat "$tmp/out/r.json")" OLD "and leaves the earlier file as it was"
"$VIRTCAP" --root "$r" --prom --output "$tmp/no/such/dir/virtcap.prom" 2>"$tmp/err"
is "$?" 2 "--output into a missing directory: exit 2"
grep -q "$tmp/no/such/dir/virtcap.prom: cannot create" "$tmp/err"
ok $? "the error names the file"
is "$(ls "$tmp/out")" "r.json" "no temporary is left beside the output"
printf 'not an archive' >"$tmp/bad.tar.gz"
"$VIRTCAP" --root "$tmp/bad.tar.gz" --json --output "$tmp/out/r.json" 2>"$tmp/err"
is "$?" 2 "a --root that cannot be read: exit 2"
is "$(cat "$tmp/out/r.json")" OLD "and the earlier output stays"
is "$(ls "$tmp/out")" "r.json" "with no temporary beside it"
"$VIRTCAP" bench-exits --output "$tmp/out/bench.txt" >"$tmp/stdout" 2>&1
rc=$?
if [ -c /dev/kvm ] && [ "$rc" -eq 0 ]; then
	[ -s "$tmp/out/bench.txt" ] && [ ! -s "$tmp/stdout" ]
	ok $? "bench-exits --output writes the file, not standard output"
else
	[ ! -e "$tmp/out/bench.txt" ]
	ok $? "bench-exits without KVM leaves no --output file (exit $rc)"
fi
rm -f "$tmp/out/bench.txt"

# --output replaces only a regular file, and the new one keeps the old one's mode and owner
refused() {	# PATH WHAT: --output PATH is refused, naming WHAT, and PATH stays as it was
	before=$(stat -c '%F %i' "$1")
	"$VIRTCAP" --root "$r" --prom --output "$1" 2>"$tmp/err"
	is "$?" 2 "--output onto $2: exit 2"
	grep -q "$1: $2, not a regular file" "$tmp/err"
	ok $? "the error names the path and says it is $2"
	is "$(stat -c '%F %i' "$1")" "$before" "and $2 is left as it was"
}
mkfifo "$tmp/out/fifo" && refused "$tmp/out/fifo" "a FIFO"
ln -s r.json "$tmp/out/link" && refused "$tmp/out/link" "a symbolic link"
mkdir "$tmp/out/dir" && refused "$tmp/out/dir" "a directory"
if [ "$(id -u)" = 0 ] && mknod "$tmp/out/null" c 1 3; then
	refused "$tmp/out/null" "a character device"
fi
is "$(ls -A "$tmp/out" | grep -c tmp)" 0 "no temporary is left beside a refused output"
# --output takes every kind of output: the human matrix and check's verdicts as well
"$VIRTCAP" --root "$r" --no-color >"$tmp/human.stdout"
"$VIRTCAP" --root "$r" --no-color --output "$tmp/out/human.txt" >"$tmp/human.none"
cmp -s "$tmp/human.stdout" "$tmp/out/human.txt" && [ -s "$tmp/out/human.txt" ] && [ ! -s "$tmp/human.none" ]
ok $? "human output --output: the file holds what stdout would, stdout nothing"
"$VIRTCAP" --root "$r" check --require kvm,long64 >"$tmp/check.stdout"
want=$?
"$VIRTCAP" --root "$r" check --require kvm,long64 --output "$tmp/out/check.txt" >"$tmp/check.none"
is "$?" "$want" "check --output exits as check does ($want)"
cmp -s "$tmp/check.stdout" "$tmp/out/check.txt" && [ -s "$tmp/out/check.txt" ] && [ ! -s "$tmp/check.none" ]
ok $? "check --output: the file holds the verdicts, stdout nothing"

chmod 0640 "$tmp/out/r.json"
[ "$(id -u)" = 0 ] && chown 1234:1235 "$tmp/out/r.json"
"$VIRTCAP" --root "$r" --json --output "$tmp/out/r.json"
is "$(stat -c %a "$tmp/out/r.json")" 640 "a replaced file keeps its mode"
if [ "$(id -u)" = 0 ]; then
	is "$(stat -c %u:%g "$tmp/out/r.json")" 1234:1235 "and, as root, its owner"
fi
# the rules shipped for these metrics (docs/prometheus/virtcap.rules.yml): promtool takes them,
# and its unit test of them passes (a host that lost KVM, nested or a proof alerts, one that
# never had it does not; a stale textfile; the fleet's count)
promtool check rules "$top/docs/prometheus/virtcap.rules.yml" >"$tmp/rules" 2>&1
ok $? "promtool check rules accepts the rules file" || diag "$(cat "$tmp/rules")"
(cd "$top/tests/data/prometheus" && promtool test rules virtcap.rules.test.yml) >"$tmp/rules" 2>&1
ok $? "promtool test rules: each alert fires for the host that changed, and for no other" ||
	diag "$(tail -20 "$tmp/rules")"
# every metric the rules read is one virtcap writes (or node_exporter's own)
for m in $(grep -o 'virtcap_[a-z_]*' "$top/docs/prometheus/virtcap.rules.yml" | sort -u); do
	grep -q "^# TYPE $m gauge$" "$tmp/live.prom"
	ok $? "the rules' $m is a metric virtcap writes"
done
# the info metrics' labels take values of a bounded set: never a hostname or free text
grep '^virtcap_guest_blocked_info{' "$tmp/live.prom" | grep -vq '^virtcap_guest_blocked_info{guest="[a-z0-9]*",blocker="\(proof\|[a-z]*\.[a-z0-9_]*\)"} 1$'
ok $((! $?)) "virtcap_guest_blocked_info: a guest kind and a capability id (or proof), nothing else"
done_testing

#!/bin/sh
# The reports virtcap gives on captured roots, compared with the ones recorded in tests/golden/:
# the ten scenario roots (tests/lib/scenarios.sh) and a snapshot of the development machine
# (tests/data/roots/this-machine.tar.gz: PVM under Firecracker). A change of any output, in
# JSON, human text, Prometheus metrics, advice or a CI check, shows here as a diff. Only the
# time, the root's path, where an archive was unpacked and durations are normalized away.
#
# After a change of output that is meant, record the new outputs and commit them with it:
#   GOLDEN_FIX=1 VIRTCAP=$PWD/virtcap tests/t004-golden-reports.t
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
. "$(dirname "$0")/lib/scenarios.sh"
command -v python3 >/dev/null || bail "python3 is needed to check the capability ids: make deps"
plan_lazy
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/golden
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# normalize ROOT: what changes from run to run (the time, the root's path, where an archive was
# unpacked, proof durations) becomes a fixed word
normalize() {
	_re=$(printf '%s' "$1" | sed 's/[].[\*^$|]/\\&/g')
	sed -e "s|$_re|ROOT|g" -e 's|/tmp/virtcap-root\.[A-Za-z0-9]*|UNPACKED|g' \
		-e 's|"time": *"[0-9T:Z-]*"|"time":"TIME"|g' \
		-e 's|^\(virtcap_last_run_timestamp_seconds\) [0-9][0-9]*$|\1 TIME|' \
		-e 's|"duration_us": *[0-9]*|"duration_us":0|g'
}

# outputs NAME ROOT: each output of virtcap on ROOT, normalized, into $tmp/out/NAME.*
outputs() {
	mkdir -p "$tmp/out"
	o=$tmp/out/$1
	run() {	# SUFFIX ROOT ARGS...: stdout and stderr, then the exit status
		_suffix=$1 _root=$2; shift 2
		XDG_CACHE_HOME=$tmp/no-cache LANG=C.UTF-8 LC_ALL=C.UTF-8 "$VIRTCAP" --root "$_root" "$@" >"$o.raw" 2>"$o.err"
		_rc=$?
		{ cat "$o.raw"; echo "--- stderr"; cat "$o.err"; echo "--- exit $_rc"; } |
			normalize "$_root" >"$o.$_suffix"
	}
	run json "$2" --json
	run text "$2" --no-color
	run verbose "$2" --no-color --verbose
	run prom "$2" --prom
	for g in dos os32 os64 hypervisor gpu container; do
		run "advise-$g" "$2" advise "$g" --no-color
	done
	run advise-json "$2" advise os64 --json
	for p in qemu-kvm nested-ci gpu-passthrough; do
		run "check-$p" "$2" check --profile "$p" --tap
	done
	run check-json "$2" check --require kvm,long64,nested,passthrough,container --json
	rm -f "$o.raw" "$o.err"
}
for s in $SCENARIOS; do
	scenario "$s" "$tmp/roots/$s" || bail "scenario $s"
	outputs "$s" "$tmp/roots/$s"
done
outputs this-machine "$here/data/roots/this-machine.tar.gz"
outputs pvm-guest "$here/data/roots/pvm-guest.tar.gz"

# every capability a report holds, and every one the schema requires, is named in reports/caps.h
python3 - "$here/../reports/caps.h" "$here/../reports/schema/report-v1.json" "$tmp"/out/*.json \
	>"$tmp/caps.out" 2>&1 <<'PY'
import json, re, sys
names = set(re.findall(r'#define CAP_\w+ "([^"]+)"', open(sys.argv[1]).read()))
prefixes = {n for n in names if n.endswith(".")}
schema = json.load(open(sys.argv[2]))
required = set()
def walk(o):
    if isinstance(o, dict):
        if "capabilities" in o.get("properties", {}):
            required.update(o["properties"]["capabilities"].get("required", []))
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(schema)
seen = set()
for f in sys.argv[3:]:
    seen.update(json.loads(open(f).read().split("--- stderr")[0])["capabilities"])
bad = sorted(i for i in seen | required if i not in names and not any(i.startswith(p) for p in prefixes))
print("\n".join(bad))
sys.exit(1 if bad or not required else 0)
PY
ok $? "every capability id in the reports and the schema is named in reports/caps.h"
[ -s "$tmp/caps.out" ] && diag "$(cat "$tmp/caps.out")"

if [ -n "${GOLDEN_FIX:-}" ]; then
	rm -rf "$golden" && mkdir -p "$golden" && cp "$tmp"/out/* "$golden"/
	ok $? "recorded $(ls "$golden" | wc -l) outputs in $golden"
	done_testing
	exit
fi
for f in "$tmp"/out/*; do
	name=$(basename "$f")
	if [ ! -f "$golden/$name" ]; then
		ok 1 "$name: no recorded output (GOLDEN_FIX=1 records it)"
	elif diff -u "$golden/$name" "$f" >"$tmp/diff"; then
		ok 0 "$name: as recorded"
	else
		ok 1 "$name: as recorded"
		diag "$(head -40 "$tmp/diff")"
	fi
done
for f in "$golden"/*; do
	[ -f "$tmp/out/$(basename "$f")" ] || { ok 1 "$(basename "$f"): recorded but no longer made"; }
done
done_testing

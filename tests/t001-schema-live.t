#!/bin/sh
# The report of this very machine (and of the static binary) validates against the published
# schema, and the schema is strict enough to reject broken reports.
. "$(dirname "$0")/lib/tap.sh"
PY=/usr/bin/python3	# Debian's, where python3-jsonschema is installed
$PY -c 'import jsonschema' 2>/dev/null || bail "python3-jsonschema is missing: run make deps"
plan 8
top=$(cd "$(dirname "$0")/.." && pwd)
schema=$top/reports/schema/report-v1.json
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
validate() { $PY "$top/tests/lib/validate.py" "$schema" "$@"; }

"$VIRTCAP" probe --json >"$tmp/live.json"
ok $? "virtcap --json runs on this machine"
validate "$tmp/live.json" >"$tmp/out" 2>&1
ok $? "its report validates against report-v1.json"
[ -s "$tmp/out" ] && diag "$(head -20 "$tmp/out")"
if [ -x "$top/virtcap-static-x86_64" ]; then
	"$top/virtcap-static-x86_64" --json >"$tmp/static.json" && validate "$tmp/static.json"
	ok $? "the static x86_64 binary's report validates too"
else
	ok 1 "the static x86_64 binary's report validates too"
	diag "no virtcap-static-x86_64: make check builds it"
fi

# mutate the live report in ways the schema must refuse
mutate() {	# NAME PYTHON-STATEMENT-ON-d
	$PY - "$tmp/live.json" "$tmp/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
	! validate "$tmp/$1.json" >/dev/null 2>&1
}
mutate no-row 'del d["matrix"]["nested"]'
ok $? "a report without a matrix row is rejected"
mutate bad-verdict 'd["matrix"]["long64"]["verdict"] = "maybe"'
ok $? "a verdict other than yes/no/unknown is rejected"
mutate bad-type 'd["capabilities"]["cpu.vmx"]["value"] = "yes"'
ok $? "a flag that is not a JSON boolean is rejected"
mutate no-cap 'del d["capabilities"]["kernel.dev_kvm"]'
ok $? "a report without a required capability is rejected"
mutate newer 'd["schema"] = "virtcap/report/v2"'
ok $? "a report of another schema version is rejected"
done_testing

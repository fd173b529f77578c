#!/bin/sh
# reports/json_scan.c (the reader of virtcap fleet) against json-c: a corpus of the grammar's
# corners, then this machine's own report and an Intel host's, each mutated thousands of times.
. "$(dirname "$0")/lib/roots.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/intel"
intel_kvm_host "$tmp/intel" 6.1.0-27-amd64
"$VIRTCAP" --json >"$tmp/live.json" 2>/dev/null
"$VIRTCAP" --root "$tmp/intel" --json >"$tmp/intel.json" 2>/dev/null
"$TEST_BIN/unit-json-scan" "$tmp/live.json" "$tmp/intel.json"

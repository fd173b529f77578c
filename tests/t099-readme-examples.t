#!/bin/sh
# README's examples are what virtcap prints as it is: each output block marked
#   <!-- example: virtcap ARGS (tests/lib/scenarios.sh SCENARIO; ...) -->
# is compared, line for line, with virtcap ARGS run on that scenario's captured root, built
# here under the name ARGS gives it (--root NAME). An example the code no longer prints fails
# here, with the difference.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
. "$(dirname "$0")/lib/scenarios.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CACHE_HOME=$tmp/no-cache

# each example: its marker's line number, the command, the scenario
grep -n '^<!-- example: virtcap ' "$top/README.md" |
	sed -n 's/^\([0-9]*\):<!-- example: virtcap \(.*\) (tests\/lib\/scenarios.sh \([a-z0-9-]*\);.*-->$/\1|\2|\3/p' \
	>"$tmp/examples"
n=$(wc -l <"$tmp/examples")
[ "$n" -ge 3 ]
ok $? "README has $n checked examples (the workstation, advise, check)"
while IFS='|' read -r line args scenario; do
	# the fenced block right after the marker
	awk -v from="$line" 'NR == from + 1 && $0 != "```" { exit 1 }
		NR > from + 1 && $0 == "```" { exit }
		NR > from + 1 { print }' "$top/README.md" >"$tmp/want" ||
		{ ok 1 "line $line: an example marker with no block after it"; continue; }
	name=$(echo "$args" | sed -n 's/.*--root \([a-z0-9-]*\).*/\1/p')
	rm -rf "${tmp:?}/$name"
	(cd "$tmp" && scenario "$scenario" "$name") || bail "scenario $scenario"
	# the words of the command line, as a user types them (no quoting in these examples)
	(cd "$tmp" && timeout 60 "$VIRTCAP" $args --no-color) >"$tmp/got" 2>/dev/null
	diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"
	ok $? "README line $line: virtcap $args prints what README shows ($(wc -l <"$tmp/want") lines)"
	[ -s "$tmp/diff" ] && diag "$(head -40 "$tmp/diff")"
done <"$tmp/examples"
[ "$(wc -l <"$top/README.md")" -lt 400 ]
ok $? "README is under 400 lines ($(wc -l <"$top/README.md"))"
done_testing

#!/bin/sh
# The human output: the matrix first, every line within 80 columns, no colour unless on a
# terminal (and never with NO_COLOR), --verbose adds where each finding came from.
. "$(dirname "$0")/lib/tap.sh"
plan 8
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

LANG=C.UTF-8 LC_ALL=C.UTF-8 "$VIRTCAP" >"$tmp/out" 2>"$tmp/err"
ok $? "plain virtcap exits 0"
sed -n 3p "$tmp/out" | grep -q '^What guests can run here'
ok $? "the matrix comes first"
n=0
for k in real16 prot32 pae32 long64 smp irq hypercall pio mmio disk nested passthrough container; do
	grep -Eq "^  $k +(yes|no|unknown) " "$tmp/out" && n=$((n + 1))
done
is "$n" 13 "all 13 guest kinds have a verdict line"
# columns, not bytes: the matrix's marks are one column and three bytes each in UTF-8
long=$(python3 -c 'import sys; [print(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if len(l) > 80]' "$tmp/out" | head -3)
is "$long" "" "no line is wider than 80 columns"
grep -q "$(printf '\033')" "$tmp/out"
is "$?" 1 "no colour codes when the output is not a terminal"
if command -v script >/dev/null; then
	NO_COLOR=1 script -qec "$VIRTCAP probe" /dev/null >"$tmp/tty" 2>&1
	grep -q "$(printf '\033\\[3')" "$tmp/tty"
	is "$?" 1 "NO_COLOR turns colours off on a terminal too"
else
	ok 0 "# SKIP script(1) is not installed"
fi
"$VIRTCAP" probe --verbose >"$tmp/v" && grep -q 'from: CPUID 0x80000001 ECX\[2\]' "$tmp/v"
ok $? "--verbose names where each finding came from"
# a value and the detail after it on the same line are two words, never one ("unknownPVM")
! grep -Eq '^  [a-z0-9_.]+ +(unknown|yes|no)[A-Za-z]' "$tmp/v"
ok $? "a value and its detail are separated by a space"
done_testing

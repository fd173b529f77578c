#!/bin/sh
# The human output: the matrix first, every line within 80 columns, no colour unless on a
# terminal (and never with NO_COLOR), --verbose adds where each finding came from.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

LANG=C.UTF-8 LC_ALL=C.UTF-8 "$VIRTCAP" >"$tmp/out" 2>"$tmp/err"
ok $? "plain virtcap exits 0"
sed -n 3p "$tmp/out" | grep -q '^What guests can run here'
ok $? "the matrix comes first"
n=0
for k in dos os32 os64 hypervisor real16 prot32 pae32 long64 boot smp irq hypercall pio mmio disk nested passthrough \
	container; do
	grep -Eq "^  $k +(yes|no|unknown) " "$tmp/out" && n=$((n + 1))
done
is "$n" 18 "all 18 guest kinds (4 OS rows, 14 capability rows) have a verdict line"
# columns, not bytes: the matrix's marks are one column and three bytes each in UTF-8
long=$(python3 -c 'import sys; [print(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if len(l) > 80]' "$tmp/out" | head -3)
is "$long" "" "no line is wider than 80 columns"
grep -q "$(printf '\033')" "$tmp/out"
is "$?" 1 "no colour codes when the output is not a terminal"
# on a terminal (script(1), from Debian's essential bsdutils, gives a pty): colours, unless
# NO_COLOR is set and not empty (no-color.org) or --no-color is given
colours() {	# ENV-ARG ARGS: 0 when virtcap probe ARGS on a pty, under env ENV-ARG, has colours
	env "$1" script -qec "$VIRTCAP probe $2" /dev/null >"$tmp/tty" 2>&1
	grep -q "$(printf '\033\\[3')" "$tmp/tty"
}
colours -uNO_COLOR ""
ok $? "colours on a terminal"
colours NO_COLOR= ""
ok $? "an empty NO_COLOR leaves them on"
colours NO_COLOR=1 ""
is "$?" 1 "NO_COLOR turns colours off on a terminal too"
colours -uNO_COLOR --no-color
is "$?" 1 "--no-color turns them off on a terminal"
"$VIRTCAP" probe --verbose >"$tmp/v" && grep -q 'from: CPUID 0x80000001 ECX\[2\]' "$tmp/v"
ok $? "--verbose names where each finding came from"
# a value and the detail after it on the same line are two words, never one ("unknownPVM");
# "none" is a value of its own (a tool not installed), not "no" run into its detail
! grep -Ev '^  [a-z0-9_.]+ +(none( |$)|not run: )' "$tmp/v" | grep -Eq '^  [a-z0-9_.]+ +(unknown|yes|no)[A-Za-z]'
ok $? "a value and its detail are separated by a space"
done_testing

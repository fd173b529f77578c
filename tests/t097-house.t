#!/bin/sh
# The house (issue 25): no circle among the source files, read from the objects the build made
# (tests/lib/house.py: who uses what another defines). Policy goes one way, facts to matrix;
# a file that needs a name of one above it is handed the name (options_parse is given the
# commands) or finds the data a floor down (reports/guests.c). A circle is named, with its edges.
. "$(dirname "$0")/lib/tap.sh"
command -v nm >/dev/null || skip_all "nm is missing (binutils)"
plan 1
build=$(cd "$TEST_BIN/../.." && pwd)
out=$(python3 "$(dirname "$0")/lib/house.py" "$build" 2>"$build/.house.err")
rc=$?
ok "$rc" "no circle among the source files ($(cat "$build/.house.err"))"
[ "$rc" = 0 ] || diag "$out"
rm -f "$build/.house.err"

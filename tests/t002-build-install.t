#!/bin/sh
# make install puts the binary and the man page where PREFIX and DESTDIR say, and the man page
# renders without warnings and documents every option --help lists.
. "$(dirname "$0")/lib/tap.sh"
plan 7
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

make -s -C "$top" install DESTDIR="$tmp/dest" PREFIX=/usr >"$tmp/out" 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr"
[ -x "$tmp/dest/usr/bin/virtcap" ] && [ -f "$tmp/dest/usr/share/man/man1/virtcap.1" ] &&
	[ -f "$tmp/dest/usr/share/bash-completion/completions/virtcap" ]
ok $? "installs bin/virtcap, share/man/man1/virtcap.1 and the bash completion"
"$tmp/dest/usr/bin/virtcap" lab --kernel bogus >/dev/null 2>"$tmp/lab.err"
is "$?" 2 "the installed virtcap finds its lab (a bad option is the lab's usage error)"
grep -q -- "--kernel: amd64 or i386" "$tmp/lab.err"
ok $? "and the lab names the bad option"
# every script or table a script of virtcap's takes from beside itself ("$here/NAME") is
# installed there (the static binaries are optional: lab.sh looks for them)
lib=$tmp/dest/usr/lib/virtcap missing=""
for f in $(grep -ho '\$here/[a-z][a-z0-9.-]*\.\(sh\|tsv\)' "$top"/scripts/*.sh | sed 's|\$here/||' | sort -u); do
	[ -e "$lib/$f" ] || missing="$missing $f"
done
is "$missing" "" "the scripts' helpers are installed beside them (lib/virtcap)"
groff -man -Tutf8 -ww "$top/man/virtcap.1" >"$tmp/man.txt" 2>"$tmp/man.err" && [ ! -s "$tmp/man.err" ]
ok $? "the man page renders without warnings"
[ -s "$tmp/man.err" ] && diag "$(head -5 "$tmp/man.err")"
missing=""
for opt in $("$VIRTCAP" --help | grep -o -- '--[a-z-]*' | sort -u); do
	grep -q -- "$(echo "$opt" | sed 's/-/\\\\-/g')" "$top/man/virtcap.1" || missing="$missing $opt"
done
[ -z "$missing" ]
ok $? "the man page documents every option of --help"
[ -n "$missing" ] && diag "missing:$missing"
done_testing

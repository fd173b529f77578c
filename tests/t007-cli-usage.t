#!/bin/sh
# The command line: --help and --version exit 0; unknown commands, options and stray
# arguments exit 2 with one line naming the problem; a bad --root exits 2 naming the directory.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

"$VIRTCAP" --help >"$tmp/out" 2>&1
ok $? "--help exits 0"
grep -q '^usage: virtcap' "$tmp/out"
ok $? "--help prints the usage"
"$VIRTCAP" --version | grep -Eq '^virtcap [0-9]+\.[0-9]+\.[0-9]+$'
ok $? "--version prints the version"
"$VIRTCAP" frobnicate >/dev/null 2>"$tmp/err"
is "$?" 2 "an unknown command exits 2"
grep -q "unknown command 'frobnicate'" "$tmp/err"
ok $? "and names it"
"$VIRTCAP" --no-such-option >/dev/null 2>"$tmp/err"
is "$?" 2 "an unknown option exits 2"
is "$(cat "$tmp/err")" "virtcap: --no-such-option: an unknown option (try --help)" \
	"with one line naming it"
"$VIRTCAP" probe extra >/dev/null 2>"$tmp/err"
is "$?" 2 "a stray argument exits 2"
"$VIRTCAP" --root "$tmp/missing" >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "a missing --root exits 2"
grep -q "$tmp/missing" "$tmp/err" && [ ! -s "$tmp/out" ]
ok $? "names the directory and prints no partial report"
mkdir "$tmp/empty" "$tmp/parent"
"$VIRTCAP" --root "$tmp/empty" --json >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "an empty directory as --root exits 2"
grep -q "$tmp/empty: not a captured system" "$tmp/err" && [ ! -s "$tmp/out" ]
ok $? "saying it is not a captured system, and printing no report"
tar xzf "$(dirname "$0")/data/roots/this-machine.tar.gz" -C "$tmp/parent" --one-top-level=snap
"$VIRTCAP" --root "$tmp/parent" >/dev/null 2>"$tmp/err"
is "$?" 2 "the directory above an unpacked snapshot exits 2"
grep -q "($tmp/parent/snap holds one)" "$tmp/err"
ok $? "and names the snapshot below it"
# --only is checked whole: a bad id after 511 bytes of good ones is still named
long=$(printf 'real16,%.0s' $(seq 100))
"$VIRTCAP" prove --only "${long}no-such-proof" >/dev/null 2>"$tmp/err"
is "$?" 2 "--only with an unknown id after 700 bytes of good ones exits 2"
grep -q "no proof named 'no-such-proof'" "$tmp/err"
ok $? "and names the unknown id"

# values that would reach the lab's generated files are refused before anything boots (the
# lab script of this tree, which virtcap lab runs)
lab="sh $(dirname "$0")/../scripts/lab.sh"
nl='
'
$lab --engine bochs --cpu "corei7_skylake_x${nl}com2: enabled=1, mode=file, dev=$tmp/x" \
	>/dev/null 2>"$tmp/err"
is "$?" 2 "lab: a --cpu with a newline (a Bochs configuration line) exits 2"
grep -q "^virtcap lab: --cpu 'corei7_skylake_x?com2" "$tmp/err" && [ ! -e "$tmp/x" ]
ok $? "naming the bad value, its control characters shown as ?, and nothing written"
VIRTCAP_BENCH_EXITS='300; touch '"$tmp/y" $lab >/dev/null 2>"$tmp/err"
is "$?" 2 "lab: VIRTCAP_BENCH_EXITS that is not a number exits 2"
[ ! -e "$tmp/y" ] && grep -q 'VIRTCAP_BENCH_EXITS: a number' "$tmp/err"
ok $? "saying so, with nothing run"
usage() {	# WANT-MESSAGE LAB-ARGS...: the lab refuses them before anything boots: exit 2, one line
	_want=$1; shift
	$lab "$@" >"$tmp/out" 2>"$tmp/err"
	is "$?:$(cat "$tmp/err")$(cat "$tmp/out")" "2:virtcap lab: $_want" "lab $*: exit 2, '$_want'"
}
usage "--smp: a number of vCPUs from 1 to 16" --smp 0
usage "--smp: a number of vCPUs from 1 to 16" --smp 17
usage "--smp needs a value (see virtcap --help)" --smp
usage "--timeout: seconds, from 1 to 9999" --timeout 1e9
usage "--timeout: seconds, from 1 to 9999" --timeout 0
usage "--timeout needs a value (see virtcap --help)" --timeout
usage "--kernel: amd64 or i386 (arm64, armhf, ppc64el, s390x: for prove --foreign)" --kernel sparc
usage "--kernel arm64: only with --fetch-only (prove --foreign boots it)" --kernel arm64
"$VIRTCAP" snapshot >/dev/null 2>&1
is "$?" 2 "snapshot without an output file exits 2"
# prove --timeout: seconds, more than 0, at most an hour; anything else is named and refused
for t in 0 abc 3601 1e9 -1 nan inf 5s; do
	"$VIRTCAP" prove --timeout "$t" >"$tmp/out" 2>"$tmp/err"
	is "$?:$(cat "$tmp/err")$(cat "$tmp/out")" \
		"2:virtcap: --timeout '$t': give seconds, more than 0 and at most 3600" \
		"prove --timeout $t: exit 2, one line naming it, nothing run"
done
"$VIRTCAP" --root "$(dirname "$0")/data/roots/this-machine.tar.gz" prove --timeout 0.5 --json \
	>/dev/null 2>&1
is "$?" 0 "prove --timeout 0.5 is accepted"

# an argument quoted back in an error is cleaned: an escape sequence (here one that retitles the
# terminal) never reaches the terminal, and the message keeps to one line
esc=$(printf 'x\033]0;owned\007y')
for args in "frobnicate$esc" "--no-such$esc" "--root /nonexistent$esc" "prove --stack qemu$esc" \
	"prove --only real16$esc" "check --require kvm$esc" "advise os$esc" "--output /nonexistent/$esc/f"; do
	# shellcheck disable=SC2086
	"$VIRTCAP" $args >/dev/null 2>"$tmp/err"
	st=$?
	! grep -q "$(printf '\033')" "$tmp/err" && ! grep -q "$(printf '\007')" "$tmp/err" &&
		grep -q 'x?\]0;owned?y' "$tmp/err" && [ "$st" = 2 ]
	ok $? "virtcap ${args%%x*}...: exit 2, the argument quoted without its escape sequence"
done

# the short options do what their long forms do (on a captured root: the same output)
root=$(dirname "$0")/data/roots/this-machine.tar.gz
# The report's clock (its time, each finding's duration_us) differs between any two runs,
# more so under the sanitizers: it is blanked before comparing, nothing else is.
unclock() { sed -E 's/"time":"[^"]*"/"time":T/; s/"duration_us":[0-9]+/"duration_us":D/' "$1"; }
same() {	# SHORT LONG: virtcap with each, outputs and statuses compared
	"$VIRTCAP" --root "$root" $1 >"$tmp/short" 2>&1; s=$?
	"$VIRTCAP" --root "$root" $2 >"$tmp/long" 2>&1; l=$?
	unclock "$tmp/short" >"$tmp/short.u"; unclock "$tmp/long" >"$tmp/long.u"
	cmp -s "$tmp/short.u" "$tmp/long.u" && [ "$s" = "$l" ] && [ -s "$tmp/short" ]
	ok $? "$1 is $2 (same output, exit $s)"
}
same -j --json
same -v --verbose
same "-j -v" "--json --verbose"
same -h --help
same -V --version
# tried as a new user would (issue 25): a near miss is named, a missing value names its option,
# two outputs for one stdout are refused, and advise takes the names people type
said() { timeout 30 "$VIRTCAP" "$@" >/dev/null 2>"$tmp/said"; echo "$?:$(head -1 "$tmp/said")"; }
is "$(said prob)" "2:virtcap: unknown command 'prob'; did you mean probe? (try --help)" \
	"a mistyped command: did you mean"
is "$(said --jsn)" "2:virtcap: --jsn: an unknown option; did you mean --json? (try --help)" \
	"a mistyped option: did you mean"
is "$(said --root)" "2:virtcap: --root needs a value (try --help)" \
	"an option without its value: named as such"
is "$(said --qqqqqqq)" "2:virtcap: --qqqqqqq: an unknown option (try --help)" \
	"an option like none: no guess"
is "$(said --json --prom)" "2:virtcap: --json and --prom are two outputs for one stdout: give one (the Debian package's timer writes --prom; --json is for fleets)" \
	"--json and --prom together: refused"
is "$(said advise os6)" "2:virtcap: advise: unknown guest 'os6'; did you mean os64? One of:" \
	"a mistyped guest: did you mean"
for pair in linux:os64 Windows:windows11 win10:windows10 docker:container; do
	is "$(timeout 60 "$VIRTCAP" advise "${pair%%:*}" 2>/dev/null | head -1 | cut -d: -f1)" "${pair#*:}" \
		"advise ${pair%%:*}: the advice for ${pair#*:}"
done
done_testing

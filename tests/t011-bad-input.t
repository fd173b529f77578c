#!/bin/sh
# Bad input gets one clear line naming the file and the problem, exit status 2, and the rest of
# the report still printed: malformed and hostile CPUID dumps, broken captured roots.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
fixtures=${VIRTCAP_FIXTURES:-}/cpuid

# bad_dump NAME EXPECTED-TEXT: --cpuid-dump on $tmp/NAME exits 2, says TEXT, still reports
bad_dump() {
	"$VIRTCAP" --json --cpuid-dump "$tmp/$1" >"$tmp/$1.json" 2>"$tmp/$1.err"
	rc=$?
	is "$rc" 2 "$1: exit status 2"
	lines=$(wc -l <"$tmp/$1.err")
	grep -q "$tmp/$1: .*$2" "$tmp/$1.err" && [ "$lines" -eq 1 ]
	ok $? "$1: one line naming the file and saying '$2'"
	[ "$lines" -eq 1 ] || diag "$(cat "$tmp/$1.err")"
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["errors"] and d["matrix"]' "$tmp/$1.json" 2>/dev/null
	ok $? "$1: the report is still printed, with the error in it"
}

: >"$tmp/empty"
bad_dump empty "empty file"
printf 'version=0.6.2\nbasic_cpuid[0]=0000000d 756e65' >"$tmp/truncated"
bad_dump truncated "line 2: expected four 8-digit hex values"
head -c 4096 /dev/urandom >"$tmp/binary"
printf 'version=0.6.2\n\000\000' >>"$tmp/binary"
bad_dump binary "binary data"
printf 'version=0.6.2\nbasic_cpuid[99]=00000000 00000000 00000000 00000000\n' >"$tmp/index"
bad_dump index "line 2: index out of range"
printf 'basic_cpuid[0]=00000000 00000000 00000000 00000000\n' >"$tmp/noversion"
bad_dump noversion "no 'version=' line"
truncate -s 8G "$tmp/huge"
bad_dump huge "too large for a CPUID dump"
mkdir "$tmp/adir"
bad_dump adir "not a regular file"
mkfifo "$tmp/fifo"
timeout 10 "$VIRTCAP" --cpuid-dump "$tmp/fifo" >/dev/null 2>"$tmp/fifo.err"
is "$?" 2 "a FIFO as the dump is refused at once, without blocking"
"$VIRTCAP" --cpuid-dump "$tmp/missing" >/dev/null 2>"$tmp/missing.err"
is "$?" 2 "a missing dump: exit status 2"
grep -q "$tmp/missing: cannot open: No such file" "$tmp/missing.err"
ok $? "and the message says the file is missing"

# the libcpuid 0.6.2 stack overflow: six or more caches in leaf 4 (real dump, used in place)
smash=$(grep -l 'intel_fn4\[5\]=[0-9a-f]*[1-9a-f] ' "$fixtures"/*.raw 2>/dev/null | head -1)
if [ -n "$smash" ]; then
	"$VIRTCAP" --json --cpuid-dump "$smash" >"$tmp/smash.json" 2>"$tmp/smash.err"
	is "$?" 0 "$(basename "$smash"): six leaf-4 caches do not crash (libcpuid is not asked)"
	is "$(jget "$tmp/smash.json" "d['capabilities']['cpu.codename']['value']")" null \
		"its codename is unknown, with the reason"
	want=$(awk -F'\t' -v f="$(basename "$smash")" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
		$1 == f { print $c["pae"] $c["pse"] $c["lm"] }' "$fixtures/expected.tsv")
	got=$(/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["capabilities"]
print("".join(str(int(c[k]["value"])) for k in ("cpu.pae", "cpu.pse", "cpu.lm")))' "$tmp/smash.json")
	is "$got" "$want" "its pae, pse and lm bits still decode as expected.tsv says"
else
	ok 0 "# SKIP no reference dump with six leaf-4 caches (VIRTCAP_FIXTURES unset)"
fi

# captured roots with broken files
r=$tmp/root-badfacts
mkdir -p "$r/.virtcap" && printf 'kvm.open=ok\nthis line has no equals sign\n' >"$r/.virtcap/facts"
"$VIRTCAP" --root "$r" >"$tmp/bf.out" 2>"$tmp/bf.err"
is "$?" 2 "a malformed .virtcap/facts: exit status 2"
grep -q "$r/.virtcap/facts: line 2: expected key=value" "$tmp/bf.err"
ok $? "names the file and the line"

r=$tmp/root-badcpuid
mkdir -p "$r/.virtcap" && echo "not a dump" >"$r/.virtcap/cpuid.raw"
root_kernel "$r" 6.1.0 x86_64
"$VIRTCAP" --root "$r" --json >"$tmp/bc.json" 2>"$tmp/bc.err"
is "$?" 2 "a malformed captured cpuid.raw: exit status 2"
grep -q "$r/.virtcap/cpuid.raw: " "$tmp/bc.err"
ok $? "names the captured file"
is "$(jget "$tmp/bc.json" "d['host']['kernel_release']")" 6.1.0 "the other findings are reported"

r=$tmp/root-hostile
mkdir -p "$r/proc/sys/kernel" "$r/sys/module"
echo "TOPSECRET-$$" >"$tmp/secret"
ln -s "$tmp/secret" "$r/proc/cpuinfo"		# an absolute link to a file outside the root
ln -s ../../secret "$r/proc/cmdline"	# a relative one climbing out to it
ln -s loop "$r/proc/sys/kernel/osrelease"	# osrelease -> loop -> osrelease
ln -s osrelease "$r/proc/sys/kernel/loop"
ln -s ../../../../../../etc "$r/sys/module/kvm_intel"
truncate -s 2G "$r/proc/sys/kernel/hostname"
[ "$(cat "$r/proc/cmdline")" = "TOPSECRET-$$" ]
ok $? "the planted links do lead to the secret, for the kernel"
timeout 20 "$VIRTCAP" --root "$r" --json >"$tmp/h.json" 2>"$tmp/h.err"
rc=$?
ok $([ "$rc" -lt 3 ] && echo 0 || echo 1) "a hostile root (links out, loops, a 2 GiB file) does not crash or hang"
timeout 20 "$VIRTCAP" --root "$r" --verbose --no-color >"$tmp/h.txt" 2>&1
! grep -q "TOPSECRET-$$" "$tmp/h.json" "$tmp/h.txt"
ok $? "nothing of the file the links point at, outside the root, is in the report"
is "$(jget "$tmp/h.json" "d['capabilities']['kernel.kvm_module']['value']")" none \
	"a link climbing out of the root is not followed out of it"
is "$(jget "$tmp/h.json" "d['host']['kernel_release']")" null "a link loop reads as unknown"
is "$(jget "$tmp/h.json" "d['host']['hostname']")" null "a 2 GiB file is not read: unknown"

# a root built to make the work quadratic: 250,000 facts, each looked up among all the others
# (minutes before the index; 0.1 s now). The bound catches only quadratic work; the snapshot of
# 60,000 IOMMU groups and the fleet of 12,000 reports are measured by make bench instead
r=$tmp/root-many
mkdir -p "$r/.virtcap" "$r/proc"
awk 'BEGIN { for (i = 0; i < 250000; i++) printf "k%d=%d\n", i, i % 10 }' >"$r/.virtcap/facts"
timeout 10 "$VIRTCAP" --root "$r" --json >/dev/null 2>&1
is "$?" 0 "250,000 facts in a root are read in linear time (not stopped after 10 s)"
rm -rf "$r"

# strings from a root that would drive a terminal or break JSON: escape sequences (clear the
# screen, set the title, hide text), invalid UTF-8, a direction override
r=$tmp/root-escapes
root_kernel "$r" "6.1.0$(printf '\033[2J')" x86_64
printf 'evil\033]0;owned\007\377\376host\n' >"$r/proc/sys/kernel/hostname"
printf 'BOOT_IMAGE=/vmlinuz \033[8mhidden\033[0m quiet \342\200\256txet' >"$r/proc/cmdline"
mkdir -p "$r/sys/class/dmi/id"
printf 'Vendor\033[31mRED\n' >"$r/sys/class/dmi/id/sys_vendor"
for args in "" "--verbose" "advise os64" "check --profile qemu-kvm" "--prom"; do
	# shellcheck disable=SC2086
	LANG=C.UTF-8 "$VIRTCAP" --root "$r" --no-color $args >"$tmp/esc.out" 2>&1
	LC_ALL=C tr -d '\n' <"$tmp/esc.out" | LC_ALL=C grep -q '[[:cntrl:]]'
	ok $((! $?)) "${args:-the report}: no control character but newlines reaches the terminal"
done
"$VIRTCAP" --root "$r" --json >"$tmp/esc.json" 2>/dev/null
/usr/bin/python3 -c 'import json,sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))' "$tmp/esc.json"
ok $? "the JSON is valid UTF-8 that Python's strict decoder and parser take"
is "$(jget "$tmp/esc.json" "d['host']['hostname']")" "evil?]0;owned???host" \
	"the host name keeps its printable part, each bad byte or control a '?'"
done_testing

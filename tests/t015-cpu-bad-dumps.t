#!/bin/sh
# --cpuid-dump takes an untrusted file. Every malformed one (empty, truncated, binary, NUL bytes,
# huge, a directory, a FIFO, missing, a wrong version line, an index out of range) must give exit
# status 2 and one stderr line naming the file and the problem, never a crash or a hang, and
# --json must still print the report with the CPU capabilities unknown. A well-formed dump that
# would smash libcpuid 0.6.2's stack (six caches in leaf 4) must decode without libcpuid.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
[ -x "$VIRTCAP" ] || skip_all "VIRTCAP is not set to the virtcap binary"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# a well-formed dump of an Intel CPU with VMX to derive the bad ones from
root_cpuid "$tmp/base" GenuineIntel 000506e3 7ffafbbf bfebfbff 00000121 2c100800 || bail "dump"
good="$tmp/base/.virtcap/cpuid.raw"

# set_line FILE PREFIX NEWLINE: replace the line starting with PREFIX
set_line() {
	awk -v p="$2" -v l="$3" 'index($0, p) == 1 { print l; next } { print }' "$1" >"$1.new" &&
		mv "$1.new" "$1"
}

# bad NAME FILE PATTERN: virtcap --json --cpuid-dump FILE fails cleanly, its one stderr line
# names FILE and matches PATTERN (grep -E), and the JSON report still comes with cpu.* unknown
bad() {
	name=$1 file=$2 pattern=$3
	timeout 20 "$VIRTCAP" --json --cpuid-dump "$file" >"$tmp/out" 2>"$tmp/err"
	status=$?
	ok "$([ "$status" -lt 128 ] && [ "$status" -ne 124 ] && echo 0 || echo 1)" \
		"$name: no crash, no hang (status $status)"
	is "$status" 2 "$name: exit status 2"
	lines=$(wc -l <"$tmp/err")
	grep -F -- "$file" "$tmp/err" | grep -Eq -- "$pattern" && [ "$lines" -eq 1 ]
	ok $? "$name: one stderr line naming the file and the problem"
	[ "$lines" -eq 1 ] || diag "$(cat "$tmp/err")"
	is "$(jget "$tmp/out" "d['capabilities']['cpu.vmx']['value']")" null \
		"$name: --json still prints the report, cpu.vmx unknown"
}

: >"$tmp/empty"
bad "empty file" "$tmp/empty" "empty"

head -c 1030 "$good" >"$tmp/truncated"	# 22 hex digits into basic_cpuid[19]
bad "truncated mid-line" "$tmp/truncated" "line 21: .*hex"

head -c 65536 "$VIRTCAP" >"$tmp/binary"
bad "binary garbage" "$tmp/binary" "line 1: |NUL"

{ head -n 5 "$good" && printf 'basic_cpuid[5]=00000000 \0000000000 00000000 00000000\n' &&
	tail -n +7 "$good"; } >"$tmp/nul"
bad "NUL bytes" "$tmp/nul" "line 6: NUL"

truncate -s 8M "$tmp/huge" || bail "truncate"
bad "huge (8 MiB, sparse)" "$tmp/huge" "too large"

mkdir "$tmp/dir"
bad "directory" "$tmp/dir" "not a regular file"

mkfifo "$tmp/fifo" || bail "mkfifo"
bad "FIFO" "$tmp/fifo" "not a regular file"

bad "missing file" "$tmp/no-such-dump" "No such file"

cp "$good" "$tmp/version" && set_line "$tmp/version" "version=" "version=banana"
bad "wrong version line" "$tmp/version" "line 1: no .version=. line"

cp "$good" "$tmp/range" && set_line "$tmp/range" "basic_cpuid[31]=" \
	"basic_cpuid[32]=00000000 00000000 00000000 00000000"
bad "index out of range" "$tmp/range" "line 33: index out of range"

cp "$good" "$tmp/block" && set_line "$tmp/block" "intel_fn14h[0]=" \
	"intel_fn99[0]=00000000 00000000 00000000 00000000"
bad "unknown block" "$tmp/block" "line [0-9]+: unknown block name"

{ cat "$good" && printf 'ext_cpuid[1]=%0300d\n' 0; } >"$tmp/long"
bad "a 300-character line" "$tmp/long" "line 90: line too long"

# six valid caches in leaf 4 (type in EAX[4:0], level in EAX[7:5]): L1d L1i L2 L3 L4 L2
cp "$good" "$tmp/fn4"
i=0
for eax in 00000121 00000122 00000143 00000163 00000183 00000143; do
	set_line "$tmp/fn4" "intel_fn4[$i]=" "intel_fn4[$i]=$eax 01c0003f 0000003f 00000000"
	i=$((i + 1))
done
timeout 20 "$VIRTCAP" --json --cpuid-dump "$tmp/fn4" >"$tmp/out" 2>"$tmp/err"
status=$?
is "$status" 0 "six leaf-4 caches: a valid dump, exit 0 (libcpuid is not asked, no crash)"
[ -s "$tmp/err" ] && diag "$(cat "$tmp/err")"
is "$(jget "$tmp/out" "d['capabilities']['cpu.vmx']['value']")" true \
	"six leaf-4 caches: the bits still decode (cpu.vmx)"
is "$(jget "$tmp/out" "d['capabilities']['cpu.codename']['value']")" null \
	"six leaf-4 caches: cpu.codename unknown"
jget "$tmp/out" "d['capabilities']['cpu.codename']['detail']" | grep -q "libcpuid"
ok $? "six leaf-4 caches: the detail says why libcpuid was not asked"

# the same dump with five caches is safe for libcpuid, and decodes the same bits
set_line "$tmp/fn4" "intel_fn4[5]=" "intel_fn4[5]=00000000 00000000 00000000 00000000"
timeout 20 "$VIRTCAP" --json --cpuid-dump "$tmp/fn4" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "five leaf-4 caches: exit 0, libcpuid asked without a crash"
is "$(jget "$tmp/out" "d['capabilities']['cpu.vmx']['value']")" true \
	"five leaf-4 caches: cpu.vmx decodes"

done_testing

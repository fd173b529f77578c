#!/bin/sh
# Ctrl-C or SIGTERM in the middle of a run leaves nothing behind: no partial snapshot or report
# or temporary beside them, no unpacked --root archive, no disk file of the proofs, and in the
# lab no emulator and no work directory. Each signal must also end the process (its status
# says so).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# a root whose snapshot takes ~0.1 s to compress: a 4 MiB /proc/cpuinfo of random text
r=$tmp/root
mkdir -p "$r/proc"
root_kernel "$r" 6.1.0 x86_64
head -c 3000000 /dev/urandom | base64 >"$r/proc/cpuinfo"
mkdir "$tmp/out"
left=0 killed=0
# a background job of a script starts with SIGINT ignored: give it back its default, as a
# command typed at a terminal has it
for ms in 10 20 30 40 50 60 70 80 90 100 110 120; do
	env --default-signal=INT "$VIRTCAP" --root "$r" snapshot "$tmp/out/snap.tar.gz" 2>/dev/null &
	pid=$!
	sleep "$(printf '0.%03d' "$ms")"
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? -eq 130 ] && killed=$((killed + 1))
	ls "$tmp/out" | grep -q 'tmp\.' && left=$((left + 1))
	rm -f "$tmp/out"/*
done
is "$left" 0 "SIGINT during 12 snapshots at 10..120 ms left no temporary beside the archive"
[ "$killed" -gt 0 ]
ok $? "and SIGINT ended the runs it reached ($killed of 12 died of it, status 130)"

# an archive as --root is unpacked into TMPDIR, and --output / --junit write a temporary beside
# their file from the start: SIGINT while the archive unpacks or the report is made leaves
# neither (the archive is this root's snapshot, ~4 MiB to unpack)
"$VIRTCAP" --root "$r" snapshot "$tmp/root.tar.gz" 2>/dev/null || bail "no snapshot of the root"
mkdir "$tmp/td"
left=0 killed=0
for ms in 10 25 40 55 70 85 100 115; do
	for how in "--json --output $tmp/out/r.json" "check --require kvm --junit $tmp/out/j.xml"; do
		# shellcheck disable=SC2086
		TMPDIR=$tmp/td env --default-signal=INT "$VIRTCAP" --root "$tmp/root.tar.gz" $how \
			>/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '0.%03d' "$ms")"
		kill -INT "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		[ $? -eq 130 ] && killed=$((killed + 1))
		{ ls "$tmp/out" | grep -q 'tmp\.' || [ -n "$(ls -A "$tmp/td")" ]; } && left=$((left + 1))
		rm -rf "$tmp/out"/* "$tmp/td"/*
	done
done
is "$left" 0 "SIGINT during 16 runs on an archive root with --output or --junit left no temporary"
[ "$killed" -gt 0 ]
ok $? "and SIGINT ended the runs it reached ($killed of 16 died of it, status 130)"

# the proofs' disk file lives in TMPDIR and is unlinked as soon as it is open
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	for ms in 50 150 300; do
		TMPDIR=$tmp/td "$VIRTCAP" prove --only disk,hostile-spin --timeout 1 >/dev/null 2>&1 &
		pid=$!
		sleep "$(printf '0.%03d' "$ms")"
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	is "$(ls -A "$tmp/td")" "" "SIGTERM during the proofs left nothing in TMPDIR"
else
	ok 0 "# SKIP no usable /dev/kvm for the proofs"
fi

# the lab: SIGTERM to virtcap lab while QEMU boots; then SIGINT to its process group, as
# Ctrl-C sends it
if command -v qemu-system-x86_64 >/dev/null && [ -x "$(dirname "$VIRTCAP")/virtcap-static-x86_64" ]; then
	for sig in TERM INT; do
		mkdir -p "$tmp/lab$sig"
		TMPDIR=$tmp/lab$sig setsid env --default-signal=INT "$VIRTCAP" lab --timeout 60 \
			>/dev/null 2>&1 &
		pid=$!
		n=0
		until pgrep -f "$tmp/lab$sig/virtcap-lab" >/dev/null || [ $n -ge 100 ]; do
			sleep 0.1; n=$((n + 1))
		done
		pgrep -f "$tmp/lab$sig/virtcap-lab" >/dev/null
		ok $? "lab ($sig): the emulator started"
		sleep 1
		if [ "$sig" = TERM ]; then kill -TERM "$pid"; else kill -INT -"$pid"; fi
		wait "$pid" 2>/dev/null
		n=0
		while pgrep -f "$tmp/lab$sig/virtcap-lab" >/dev/null && [ $n -lt 50 ]; do
			sleep 0.1; n=$((n + 1))
		done
		pgrep -f "$tmp/lab$sig/virtcap-lab" >/dev/null
		is "$?" 1 "lab (SIG$sig): no emulator is left running"
		is "$(ls -A "$tmp/lab$sig")" "" "lab (SIG$sig): its work directory is gone"
	done
else
	ok 0 "# SKIP the lab needs qemu and make static"
fi
done_testing

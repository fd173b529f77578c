#!/bin/sh
# make check's sanitizer pass: virtcap and the C test programs built with AddressSanitizer and
# UndefinedBehaviorSanitizer into build/asan, then every test that runs virtcap on this
# machine, on captured roots, dumps and bad input (not the lab's: those run the static
# binaries inside an emulator). Any sanitizer report fails the pass, whatever the test it came
# from expected: reports go to files (log_path), which are counted at the end.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
make --no-print-directory BUILD=build/asan CFLAGS="$san" LDFLAGS="$san" \
	build/asan/virtcap test-progs
# the stack proof finds its guest's init and lab.sh beside the program, as in the build tree
ln -sfn ../../scripts build/asan/scripts

logs=$(mktemp -d "${TMPDIR:-/tmp}/virtcap-san.XXXXXX")
trap 'rm -rf "$logs"' EXIT
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
export VIRTCAP_SANITIZER_PASS=1	# tests skip what only repeats an outside tool (Chromium)
# not the lab's (static binaries in an emulator), nor t086 (most of its time is timing QEMU's
# TCG against this CPU, no virtcap code) and t092 (Ansible runs the same probe
# t001 runs), t017-t019 (package lists, bash completion, the Debian package: the packaged
# binary is dpkg-buildpackage's build, not this one): they add minutes and nothing a sanitizer
# could see
tests=$(ls tests/t[0-9]*.t | grep -Ev 't00[23]-|t01[7-9]-|t06[0-9]-|t086-|t092-')
status=0
VIRTCAP=$top/build/asan/virtcap TEST_BIN=$top/build/asan/tests/c prove --exec tests/lib/limited $tests ||
	status=1
# the fuzz targets' seeds and every input a fuzzer once found, replayed without libFuzzer
for src in fuzz/*.c; do
	t=$(basename "$src" .c)
	[ "$t" = replay ] && continue
	gcc -std=gnu11 -D_GNU_SOURCE -O1 -g -I. $san -o "build/asan/fuzz-$t" "$src" fuzz/replay.c \
		build/asan/libvirtcap.a $(pkg-config --libs libcpuid libpci json-c zlib hivex blkid) -lpthread -lrt
	inputs=$(ls fuzz/seeds/"$t"/* fuzz/regressions/"$t"/* 2>/dev/null || true)
	if [ -n "$inputs" ] && ! "build/asan/fuzz-$t" $inputs >"build/asan/fuzz-$t.out" 2>&1; then
		echo "sanitize: fuzz target $t failed on its seeds or regressions:" >&2
		tail -5 "build/asan/fuzz-$t.out" >&2
		status=1
	else
		echo "sanitize: fuzz target $t: $(echo "$inputs" | wc -w) seeds and regressions replayed"
	fi
done
# ThreadSanitizer on the one part that runs on several threads: fleet parsing a directory of
# reports on every core (300 reports, read twice over: the copies are duplicates)
make --no-print-directory BUILD=build/tsan CFLAGS="-fsanitize=thread -O1 -g" \
	LDFLAGS="-fsanitize=thread" build/tsan/virtcap
"$top/build/asan/virtcap" probe --json >"$logs/base.json"
/usr/bin/python3 scripts/fleet-gen.py "$logs/base.json" "$logs/fleet" 300
TSAN_OPTIONS="log_path=$logs/tsan:halt_on_error=1" build/tsan/virtcap fleet \
	--output "$logs/fleet.txt" "$logs/fleet" "$logs/fleet" 2>/dev/null || true
[ -s "$logs/fleet.txt" ] || { echo "sanitize: the ThreadSanitizer fleet run wrote nothing" >&2; status=1; }
rm -rf "$logs/base.json" "$logs/fleet" "$logs/fleet.txt"
if [ -n "$(ls "$logs")" ]; then
	echo "sanitize: the sanitizers reported:" >&2
	for f in "$logs"/*; do head -40 "$f" >&2; done
	status=1
fi
[ "$status" = 0 ] && echo "sanitize: no ASan/UBSan report in $(echo "$tests" | wc -w) test files, no TSan report from fleet"
exit "$status"

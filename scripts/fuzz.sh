#!/bin/sh
# make fuzz [FUZZ_SECONDS=N]: build each libFuzzer target (fuzz/*.c but replay.c) with clang,
# ASan and UBSan into build/fuzz, and run it N seconds (default 60) from its seed corpus
# (fuzz/seeds/TARGET) and every input once found (fuzz/regressions/TARGET); FUZZ_ONLY="fuzz/a.c
# fuzz/b.c" runs only those. New crashes are written to build/fuzz/crashes/TARGET: turn each
# into a regression input and fix it.
# Prints the executions per target; exits 1 when a target found a crash, 2 when it cannot run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
seconds=${FUZZ_SECONDS:-60}
clang=$(command -v clang || command -v clang-14) || { echo "fuzz: clang is missing: make deps" >&2; exit 2; }
# clang flags a va_list passed on (gcc does not): not a bug, and -Werror stays on for the rest
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -Wno-format-nonliteral"
make --no-print-directory BUILD=build/fuzz CC="$clang" CFLAGS="$san" build/fuzz/libvirtcap.a
libs=$(pkg-config --libs libcpuid libpci json-c zlib hivex blkid)
status=0
for src in ${FUZZ_ONLY:-fuzz/*.c}; do
	t=$(basename "$src" .c)
	[ "$t" = replay ] && continue
	"$clang" -std=gnu11 -D_GNU_SOURCE -O1 -g -I. -fsanitize=fuzzer,address,undefined \
		-o "build/fuzz/$t" "$src" build/fuzz/libvirtcap.a $libs -lpthread -lrt
	corpus=build/fuzz/corpus/$t crashes=build/fuzz/crashes/$t
	mkdir -p "$corpus" "$crashes"
	dirs="$corpus"
	for d in "fuzz/seeds/$t" "fuzz/regressions/$t"; do [ -d "$d" ] && dirs="$dirs $d"; done
	[ "$t" = json_scan ] && dirs="$dirs fuzz/seeds/fleet"	# the reader fleet uses: its reports
	# one process, no fork mode: the executions and the first crash are reported directly
	if "build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" -print_final_stats=1 $dirs \
		>"build/fuzz/$t.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$t.log")
		echo "fuzz: $t: $runs executions in $seconds s, no crash"
	else
		echo "fuzz: $t: FOUND A CRASH (inputs in $crashes):" >&2
		grep -E 'ERROR|SUMMARY|runtime error|deadly signal' "build/fuzz/$t.log" | head -5 >&2
		status=1
	fi
done
exit "$status"

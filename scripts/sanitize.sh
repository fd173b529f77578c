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

logs=$(mktemp -d "${TMPDIR:-/tmp}/virtcap-san.XXXXXX")
trap 'rm -rf "$logs"' EXIT
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
tests=$(ls tests/t0*.t | grep -Ev 't00[23]-|t06[0-9]-')
status=0
VIRTCAP=$top/build/asan/virtcap TEST_BIN=$top/build/asan/tests/c prove $tests || status=1
if [ -n "$(ls "$logs")" ]; then
	echo "sanitize: the sanitizers reported:" >&2
	for f in "$logs"/*; do head -40 "$f" >&2; done
	status=1
fi
[ "$status" = 0 ] && echo "sanitize: no ASan/UBSan report in $(echo "$tests" | wc -w) test files"
exit "$status"

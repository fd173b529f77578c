#!/bin/sh
# tcg-slowdown.sh: how much slower QEMU's emulation (TCG, what runs a guest when KVM cannot)
# is than this CPU, measured: the same register-only loop (loop.S) booted under
# qemu-system-x86_64 -accel tcg and run natively (native.c), best of 3 each, QEMU's start-up
# (the same image with one round) subtracted. A lower bound: guest OS code, with memory
# accesses and device exits, is slower still. Prints the ratio and records it, with the date,
# in ${XDG_CACHE_HOME:-~/.cache}/virtcap/tcg-slowdown, where `virtcap advise` finds it.
set -eu
loops=${TCG_LOOPS:-1600000000}
here=$(cd "$(dirname "$0")" && pwd)
command -v qemu-system-x86_64 >/dev/null || { echo "tcg-slowdown: qemu-system-x86_64 is missing" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/tcg-slowdown.XXXXXX")
trap 'rm -rf "$work"' EXIT
for n in 1 "$loops"; do
	gcc -c -DLOOPS="$n" -x assembler-with-cpp -o "$work/l$n.o" "$here/loop.S"
	ld -Ttext=0x7c00 --oformat=binary -o "$work/l$n.bin" "$work/l$n.o"
done
gcc -O2 -o "$work/native" "$here/native.c"
best() {	# CMD...: the least wall seconds of 3 runs
	for i in 1 2 3; do
		s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
		awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
	done | sort -g | head -1
}
tcg() { qemu-system-x86_64 -accel tcg -display none -no-reboot -nodefaults \
	-device isa-debug-exit,iobase=0xf4,iosize=1 -drive "file=$1,format=raw,if=floppy" -boot a; }
t0=$(best tcg "$work/l1.bin")
t1=$(best tcg "$work/l$loops.bin")
native=$(for i in 1 2 3; do "$work/native" "$loops"; done | sort -g | head -1)
ratio=$(awk -v a="$t1" -v b="$t0" -v n="$native" 'BEGIN { print (a - b) / n }')
printf 'QEMU TCG ran a register-only loop %.1fx slower than this CPU (%.2f s against %.2f s)\n' \
	"$ratio" "$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')" "$native"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/virtcap
mkdir -p "$cache"
printf '%.1f %s\n' "$ratio" "$(date -u +%Y-%m-%d)" >"$cache/tcg-slowdown.tmp"
mv "$cache/tcg-slowdown.tmp" "$cache/tcg-slowdown"

#!/bin/sh
# vmx-bare.sh IMAGE.elf IMAGE.bin [MODEL]: run a 64-bit hv-mini L1 image (a VMX one:
# nested-vmx, nested-vmx-tdp) on Bochs's bare emulated CPU MODEL (default corei7_skylake_x),
# started by boot.S, and print what it reported, one line each:
#   end done|abort      at the L1's DONE (label l1_done) or its ABORT (vmx_abort)
#   rbx VALUE           the value it reported
#   line 0xN            the L1's source line of an ABORT (fail_line), in hex
#   out W0 .. W7        NESTED_OUT (hv-mini/abi.h)
# The host's part is played by Bochs's debugger: breakpoints at those labels, the nested_tdp
# decoy and magic written into memory first. No KVM and no kernel: under a second a run. Exit
# status 2 when Bochs never reached either label within 60 s.
set -eu
elf=${1:?usage: vmx-bare.sh IMAGE.elf IMAGE.bin [MODEL]} bin=${2:?IMAGE.bin}
model=${3:-corei7_skylake_x}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# abi NAME: a value of hv-mini/abi.h, as the C preprocessor computes it, in hex
abi() { printf '#include "hv-mini/abi.h"\n%s\n' "$1" | gcc -E -P -I"$top" - | tail -n 1 |
	python3 -c 'import sys; print(hex(eval(sys.stdin.read())))'; }
[ "$(stat -c %s "$bin")" -le 8192 ] || { echo "vmx-bare: $bin is over the 16 sectors boot.S reads" >&2; exit 2; }
command -v bochs-bin >/dev/null || { echo "vmx-bare: bochs is missing: make deps" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/vmx-bare.XXXXXX")
trap 'rm -rf "$work"' EXIT
gcc -c -I"$top" -o "$work/boot.o" "$here/boot.S"
ld -Ttext=0x7C00 -o "$work/boot.elf" "$work/boot.o"
objcopy -O binary -j .text "$work/boot.elf" "$work/boot.bin"
dd if=/dev/zero of="$work/fd.img" bs=512 count=2880 2>/dev/null
dd if="$work/boot.bin" of="$work/fd.img" conv=notrunc 2>/dev/null
dd if="$bin" of="$work/fd.img" bs=512 seek=1 conv=notrunc 2>/dev/null

sym() { nm "$elf" | awk -v s="$1" '$3 == s { sub(/^0+/, "", $1); print "0x" $1 }'; }
cat >"$work/bochsrc" <<RC
megs: 32
cpu: model=$model, count=1, ips=50000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
floppya: 1_44=$work/fd.img, status=inserted
boot: floppy
display_library: term
sound: driver=dummy
speaker: enabled=0
clock: sync=none, time0=local
log: $work/bochs.log
panic: action=report
error: action=report
RC
cat >"$work/dbg.rc" <<RC
lb $(sym l1_done)
lb $(sym vmx_abort)
setpmem $(abi NESTED_TDP_L2_PAGE) 4 $(abi NESTED_TDP_DECOY)
setpmem $(abi NESTED_TDP_L1_PAGE) 4 $(abi NESTED_TDP_MAGIC)
c
r
x /8wx $(abi NESTED_OUT)
x /1wx $(sym fail_line)
quit
RC
(cd "$work" && TERM=dumb timeout 60 bochs-bin -q -f bochsrc -rc dbg.rc </dev/null >out 2>&1) || true
out=$(abi NESTED_OUT) out=${out#0x}
awk -v out="$out" '
/Breakpoint 1,/ { print "end done" }
/Breakpoint 2,/ { print "end abort" }
/^rbx:/ { v = $2; sub(/_/, "", v); print "rbx 0x" substr(v, 9) }
$1 ~ "^0x0*" out "$" { printf "out %s %s %s %s", $(NF-3), $(NF-2), $(NF-1), $NF; next }
$1 ~ "^0x0*" substr(out, 1, length(out) - 2) "10$" { printf " %s %s %s %s\n", $(NF-3), $(NF-2), $(NF-1), $NF; next }
/^0x/ { print "line " $NF }
' "$work/out"
grep -q 'Breakpoint [12],' "$work/out" || { echo "vmx-bare: the L1 reached neither DONE nor ABORT; Bochs said:" >&2; grep -E 'VMFAIL|VMENTER|PANIC|ERROR' "$work/bochs.log" | head -5 >&2; exit 2; }
grep -E 'VMFAIL|VMENTER FAIL' "$work/bochs.log" | head -3 | sed 's/^/bochs /' || true

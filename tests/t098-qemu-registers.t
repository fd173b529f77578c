#!/bin/sh
# The registers of a guest that never got on (qemu/gdb.c, through QEMU's gdbstub, as the stack
# and partition proofs read them when a boot hangs), against QEMU's own "info registers" of the
# same stopped vCPU: at reset, and in SeaBIOS after it ran. Then the payloads a gdbstub might
# send, read or refused (tests/c/gdb-regs.c).
. "$(dirname "$0")/lib/tap.sh"
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 is missing: make deps"
plan 4
tmp=$(mktemp -d) || bail "mktemp"
qemu=
trap '[ -n "$qemu" ] && kill -9 $qemu 2>/dev/null; rm -rf "$tmp"' EXIT
# QEMU itself in the background (not under timeout, whose death would leave it holding prove's
# pipe): the trap ends it
qemu-system-x86_64 -S -accel tcg -display none -nodefaults \
	-chardev "socket,id=g,path=$tmp/gdb,server=on,wait=off" -gdb chardev:g \
	-chardev "socket,id=m,path=$tmp/qmp,server=on,wait=off" -mon chardev=m,mode=control \
	>"$tmp/qemu.out" 2>&1 </dev/null &
qemu=$!
# QEMU's words, as virtcap writes them: RIP CR0 CR3 CR4 EFER (hex, no leading zeros) and CS
qemu_says() {	# [run]: run the guest for a second first
	timeout 20 /usr/bin/python3 - "$tmp/qmp" "${1:-}" <<'PY'
import json, re, socket, sys, time
s = socket.socket(socket.AF_UNIX)
for _ in range(100):
    try:
        s.connect(sys.argv[1]); break
    except OSError:
        time.sleep(0.1)
f = s.makefile("rw")
def cmd(name, **args):
    f.write(json.dumps({"execute": name, "arguments": args}) + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            return r.get("return")
f.readline()
cmd("qmp_capabilities")
if sys.argv[2]:
    cmd("cont"); time.sleep(1); cmd("stop")
out = cmd("human-monitor-command", **{"command-line": "info registers"})
regs = dict(re.findall(r"\b([RE]IP|CR0|CR3|CR4|EFER)=([0-9a-f]+)", out))
regs["RIP"] = regs.get("RIP", regs.get("EIP"))
cs = re.search(r"^CS =(\w+)", out, re.M).group(1)
print(" ".join("%s=0x%x" % (k, int(regs[k], 16)) for k in ("RIP", "CR0", "CR3", "CR4", "EFER")) + " CS=" + cs)
PY
}
want=$(qemu_says)
is "$(timeout 20 "$TEST_BIN/gdb-regs" "$tmp/gdb")" "$want" "at reset: virtcap reads what QEMU says ($want)"
want=$(qemu_says run)
is "$(timeout 20 "$TEST_BIN/gdb-regs" "$tmp/gdb")" "$want" "in SeaBIOS: the same ($want)"
case $want in *"CR0=0x60000010 "*) r=1 ;; *) r=0 ;; esac
ok "$r" "and that is not the reset state any more"
timeout 20 "$TEST_BIN/gdb-regs" >"$tmp/unit"
ok $? "the payloads a gdbstub might send: $(grep -c '^ok' "$tmp/unit") of $(head -1 "$tmp/unit" | cut -d. -f3) read or refused as they must be"
grep '^not ok' "$tmp/unit" | diag "$(cat)"

#!/bin/sh
# usage: stack-registers.sh MONITOR-SOCKET
#        stack-registers.sh --text < OUTPUT-OF-INFO-REGISTERS
# vCPU 0's registers (RIP CR0 CR3 CR4 EFER, and CS's selector) from the human monitor of a QEMU
# started with -monitor unix:MONITOR-SOCKET,server,nowait, or from the text of its "info
# registers" (libvirt's virsh qemu-monitor-command --hmp gives it): where a guest that never got
# on is. Prints nothing when the monitor does not answer within a few seconds.
prog=$(cat <<'PY'
import re, socket, sys, time
if sys.argv[1] == "--text":
    out = sys.stdin.read(65536)
else:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(3)
    s.connect(sys.argv[1])
    s.sendall(b"info registers\n")
    time.sleep(1)
    out = s.recv(65536).decode("latin-1")
regs = dict(re.findall(r"\b(RIP|CR0|CR3|CR4|EFER)=([0-9a-f]+)", out))
cs = re.search(r"^CS =(\w+) (\w+)", out, re.M)
print(" ".join(f"{k}=0x{regs[k].lstrip('0') or '0'}" for k in ("RIP", "CR0", "CR3", "CR4", "EFER") if k in regs)
      + (f" CS={cs.group(1)}" if cs else ""))
PY
)
/usr/bin/python3 -c "$prog" "$1" 2>/dev/null || true

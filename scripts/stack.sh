#!/bin/sh
# virtcap prove --stack qemu: does a real Linux guest boot with the QEMU installed here, under
# KVM and under TCG (emulation), and how long does it take to reach its init?
#
# usage: stack.sh qemu [--kvm-timeout SEC] [--tcg-timeout SEC]
#
# The guest is a real kernel (the host's own from /boot when this user can read it, else the
# Debian kernel the lab pins and caches, fetched by lab.sh) with an initramfs made here: static
# busybox and an init that prints a marker with the guest's uptime on the serial console and
# powers off. Each boot has a deadline; one that does not reach init is described: the
# console's last line, QEMU's own messages, and the registers from QEMU's monitor.
#
# Output, for cli/stack.c: one "key=value" line per fact, the value on one line (control
# characters made spaces); keys: installed, package, version, kernel, kernel_source, then for
# ACCEL in kvm, tcg: ACCEL.verdict (yes/no/unknown), ACCEL.boot_ms, ACCEL.reason, ACCEL.fix.
# Exit status 0 when it could try, 2 when it could not (with why on stderr).
set -eu

stack=${1:-}
[ "$stack" = qemu ] || { echo "virtcap stack: only qemu is known (got '$stack')" >&2; exit 2; }
shift
kvm_timeout=30 tcg_timeout=180
while [ $# -gt 0 ]; do
	case $1 in
	--kvm-timeout|--tcg-timeout)
		case ${2:-} in [1-9]|[1-9][0-9]|[1-9][0-9][0-9]) ;;
		*) echo "virtcap stack: $1: seconds, from 1 to 999" >&2; exit 2 ;; esac
		[ "$1" = --kvm-timeout ] && kvm_timeout=$2 || tcg_timeout=$2
		shift 2 ;;
	*) echo "virtcap stack: unknown option '$1'" >&2; exit 2 ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
progress() { [ -t 2 ] && printf '\rvirtcap: %s\033[K' "$*" >&2 || true; }
say() {	# KEY VALUE: one output line, the value on one line of printable characters, bounded
	printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr -c '[:print:]' ' ' | cut -c1-900)"
}

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	say installed 0
	say package qemu-system-x86
	exit 0
fi
say installed 1
say version "$(qemu-system-x86_64 --version | head -1)"

work=$(mktemp -d "${TMPDIR:-/tmp}/virtcap-stack.XXXXXX")
qemu_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill -9 "$qemu_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the kernel: the host's own where readable, else the lab's pinned Debian kernel; busybox from
# the lab's cache either way (a static one, which the host may not have)
progress "stack qemu: fetching the guest kernel and busybox (cached after the first run)"
root=$(sh "$here/lab.sh" --fetch-only) || { echo "virtcap stack: lab.sh could not fetch the guest kernel" >&2; exit 2; }
kernel=/boot/vmlinuz-$(uname -r)
if [ -r "$kernel" ]; then
	say kernel_source "the host's own kernel"
else
	kernel=$(ls "$root"/boot/vmlinuz-* | head -1)
	say kernel_source "the lab's pinned Debian kernel ($(cat "$root/.complete"))"
fi
say kernel "$kernel"

mkdir -p "$work/ir/bin" "$work/ir/proc"
cp "$root/bin/busybox" "$work/ir/bin/busybox"
cat >"$work/ir/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "VIRTCAP-STACK-INIT $(/bin/busybox cut -d' ' -f1 /proc/uptime)"
/bin/busybox poweroff -f
EOF
chmod +x "$work/ir/init"
(cd "$work/ir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz"

# the registers of vCPU 0 from QEMU's monitor (a Unix socket), for a guest that never got there
registers() {
	/usr/bin/python3 - "$work/monitor" <<'PY' 2>/dev/null || true
import re, socket, sys, time
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
}

# the guest's uptime its init printed on the serial console, or nothing yet
init_uptime() {
	tr -d '\r' <"$work/serial" 2>/dev/null | sed -n 's/.*VIRTCAP-STACK-INIT \([0-9.]*\)$/\1/p'
}

boot() {	# ACCEL TIMEOUT
	accel=$1 limit=$2
	progress "stack qemu: waiting for the guest's init under -accel $accel (at most $limit s)"
	rm -f "$work/serial" "$work/err" "$work/monitor"
	start=$(date +%s%N)
	qemu-system-x86_64 -accel "$accel" -M q35 -m 256 -display none -no-reboot \
		-serial "file:$work/serial" -monitor "unix:$work/monitor,server,nowait" \
		-kernel "$kernel" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" 2>"$work/err" &
	qemu_pid=$!
	init=
	while kill -0 "$qemu_pid" 2>/dev/null; do
		init=$(init_uptime)
		[ -n "$init" ] && break
		[ $(( ($(date +%s%N) - start) / 1000000000 )) -ge "$limit" ] && break
		sleep 0.1
	done
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	regs= exited=
	if [ -z "$init" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		regs=$(registers)
	elif [ -z "$init" ]; then	# QEMU ended: the marker may have come with its last output
		init=$(init_uptime)
		exited=1
	fi
	kill -9 "$qemu_pid" 2>/dev/null || true
	wait "$qemu_pid" 2>/dev/null || true
	qemu_pid=
	qemu_said=$(grep -v '^$' "$work/err" 2>/dev/null | head -3 | tr '\n' ' ')
	last=$(tr -d '\r' <"$work/serial" 2>/dev/null | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' |
		grep -v '^ *$' | tail -1)
	if [ -n "$init" ]; then
		say "$accel.verdict" yes
		say "$accel.boot_ms" "$ms"
		say "$accel.reason" "the guest's init ran after ${ms} ms (its kernel's uptime then: ${init} s)"
	elif grep -q 'failed to initialize kvm\|Could not access KVM kernel module' "$work/err" 2>/dev/null; then
		say "$accel.verdict" no
		say "$accel.reason" "QEMU could not use KVM: $qemu_said"
		say "$accel.fix" "see the kernel and /dev/kvm rows: QEMU needs the same /dev/kvm"
	else
		say "$accel.verdict" no
		if [ -n "$exited" ]; then
			say "$accel.reason" "QEMU ended before the guest's init ran; its console's last line: ${last:-none}${qemu_said:+; QEMU said: $qemu_said}"
		else
			say "$accel.reason" "the guest did not reach its init within $limit s; its console's last line: ${last:-none}; registers: ${regs:-not read}${qemu_said:+; QEMU said: $qemu_said}"
		fi
		[ "$accel" = kvm ] && say "$accel.fix" "QEMU with KVM cannot boot a Linux guest on this host: use -accel tcg (emulation, slower) for now; the matrix says which capability fails"
	fi
}

boot kvm "$kvm_timeout"
boot tcg "$tcg_timeout"
progress ""
[ -t 2 ] && printf '\r\033[K' >&2
exit 0

#!/bin/sh
# One boot of scripts/stack.sh's guest with QEMU's virtual devices attached, for the guest
# (scripts/stack-guest.sh) to prove from inside. stack.sh runs this in a private network
# namespace when it can make one (unshare): the tap device and the host's listener live there
# and vanish with it, and nothing of the host's own network is touched.
#
# usage: stack-devices.sh WORK ACCEL KERNEL SECONDS TAP VIRTIOFSD
#   WORK: stack.sh's work directory: WORK/initrd.gz, and WORK/dev/ holding the media stack.sh
#         made (a medium that is absent is not attached) and the nonce;
#   TAP: 1 to make the tap device (in the namespace), else 0; VIRTIOFSD: its path, or -.
# Leaves in WORK/dev: serial (the console), qemu.err, regs (vCPU 0's registers when the guest
# was still running at the deadline), heard (the requests the listener answered), tap.err,
# virtiofsd.err, port. Exit status 0; 2 on bad arguments.
set -u
[ $# -eq 6 ] || { echo "stack-devices.sh: 6 arguments expected" >&2; exit 2; }
work=$1 accel=$2 kernel=$3 limit=$4 tap=$5 virtiofsd=$6
here=$(cd "$(dirname "$0")" && pwd)
# every path below is relative to WORK: QEMU's and virtiofsd's option lists split at commas,
# which TMPDIR may hold, and a Unix socket's path has a length limit
cd "$work" || exit 2
dev=dev
case $accel in kvm|tcg) ;; *) echo "stack-devices.sh: accel kvm or tcg" >&2; exit 2 ;; esac
case $limit in [1-9]|[1-9][0-9]|[1-9][0-9][0-9]) ;; *) echo "stack-devices.sh: seconds" >&2; exit 2 ;; esac

pids=
cleanup() { for p in $pids; do kill -9 "$p" 2>/dev/null; done; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# an ip that makes tap devices: iproute2's (busybox's, first in a busybox PATH, cannot)
ip=
for c in $(command -v ip) /usr/sbin/ip /sbin/ip /usr/bin/ip; do
	[ -x "$c" ] && "$c" -V 2>&1 | grep -q iproute2 && { ip=$c; break; }
done
if [ "$tap" = 1 ] && [ -z "$ip" ]; then
	echo "no ip command here makes tap devices (ip tuntap): iproute2 is needed" >"$dev/tap.err"
	tap=0
elif [ "$tap" = 1 ]; then
	{ "$ip" link set lo up && "$ip" tuntap add dev vctap0 mode tap &&
	  "$ip" addr add 192.168.76.1/24 dev vctap0 && "$ip" link set vctap0 up; } \
		2>"$dev/tap.err" || tap=0
fi

# the host's end of both networks: answers "GET /NAME-NONCE" with "VIRTCAP-NET-REPLY NAME-NONCE"
# and notes each name it heard; in the namespace it listens on every address, else on loopback
# only (user-mode networking reaches the host there)
/usr/bin/python3 - "$dev" "$tap" "$limit" <<'PY' 2>"$dev/listener.err" &
import os, re, socket, sys
dev, tap, limit = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
s = socket.socket()
s.bind(("0.0.0.0" if tap else "127.0.0.1", 0))
s.listen(4)
with open(dev + "/port.tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(dev + "/port.tmp", dev + "/port")
s.settimeout(limit)
while True:
    c, _ = s.accept()
    c.settimeout(5)
    try:
        m = re.match(rb"GET /([A-Za-z_]{1,16}-[0-9a-f]{1,32}) ", c.recv(1024))
        if m:
            with open(dev + "/heard", "a") as f:
                f.write(m.group(1).decode() + "\n")
            body = b"VIRTCAP-NET-REPLY " + m.group(1)
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    except OSError:
        pass
    c.close()
PY
pids="$pids $!"
for i in $(seq 50); do [ -s "$dev/port" ] && break; sleep 0.1; done
port=$(cat "$dev/port" 2>/dev/null)
[ -n "$port" ] || port=0

# virtiofsd wants its source absolute; its -o list splits at commas, so such a path is refused
source=$(pwd)/$dev/virtiofs
case $source in *,*|*\\*)
	echo "the work directory's path ($source) holds a comma or backslash, which virtiofsd's -o source cannot take" >"$dev/virtiofsd.err"
	virtiofsd=- ;;
esac
# virtiofsd serves one QEMU and ends with it: each boot starts its own
start_virtiofsd() {
	rm -f "$dev/virtiofs.sock"
	[ "$virtiofsd" != - ] && [ -d "$dev/virtiofs" ] || return 0
	"$virtiofsd" --socket-path="$dev/virtiofs.sock" -o source="$source" -o cache=none \
		-o sandbox=chroot 2>"$dev/virtiofsd.err" &
	pids="$pids $!"
	for i in $(seq 50); do [ -S "$dev/virtiofs.sock" ] && break; sleep 0.1; done
}

# boot: one boot with every device not in $refused; each QEMU id is vc-NAME or vc-NAME-...,
# so an error of QEMU's names the device it is about. Writes $dev/attached.
boot() {
	set -- -accel "$accel" -M q35 -m 256 -display none -no-reboot -nodefaults \
		-serial "file:$dev/serial" -monitor "unix:$dev/monitor,server,nowait" \
		-kernel "$kernel" -initrd initrd.gz
	devices=
	want() { [ -e "$1" ] && case $refused in *" $2 "*) return 1 ;; esac; }
	case $refused in *" virtiofs "*) ;; *) start_virtiofsd ;; esac
	for d in disk qcow2; do
		want "$dev/$d.img" "$d" || continue
		fmt=raw; [ "$d" = qcow2 ] && fmt=qcow2
		set -- "$@" -drive "if=none,id=vc-$d,format=$fmt,file=$dev/$d.img" \
			-device "virtio-blk-pci,drive=vc-$d,serial=virtcap-$d"
		devices="$devices,$d"
	done
	want "$dev/cdrom.iso" cdrom && devices="$devices,cdrom" && set -- "$@" \
		-drive "if=none,id=vc-cdrom,media=cdrom,format=raw,file=$dev/cdrom.iso" \
		-device ide-cd,drive=vc-cdrom,bus=ide.0
	want "$dev/floppy.img" floppy && devices="$devices,floppy" && set -- "$@" \
		-device isa-fdc,id=vc-floppy-fdc -drive "if=none,id=vc-floppy,format=raw,file=$dev/floppy.img" \
		-device floppy,unit=0,drive=vc-floppy
	want "$dev/share" share && devices="$devices,share" && set -- "$@" \
		-virtfs "local,path=$dev/share,mount_tag=virtcap-share,security_model=none,id=vc-share"
	want "$dev/virtiofs.sock" virtiofs && devices="$devices,virtiofs" && set -- "$@" \
		-object memory-backend-memfd,id=vc-virtiofs-mem,size=256M,share=on \
		-numa node,memdev=vc-virtiofs-mem -chardev "socket,id=vc-virtiofs,path=$dev/virtiofs.sock" \
		-device vhost-user-fs-pci,chardev=vc-virtiofs,tag=virtcap-fs
	want "$dev/net" net && devices="$devices,net" && set -- "$@" \
		-netdev user,id=vc-net -device virtio-net-pci,netdev=vc-net,mac=52:54:00:00:76:01
	[ "$tap" = 1 ] && want "$dev/net_tap" net_tap && devices="$devices,net_tap" && set -- "$@" \
		-netdev tap,id=vc-net_tap,ifname=vctap0,script=no,downscript=no \
		-device virtio-net-pci,netdev=vc-net_tap,mac=52:54:00:00:76:02
	echo "${devices#,}" >"$dev/attached"
	rm -f "$dev/serial"
	qemu-system-x86_64 "$@" -append "console=ttyS0 quiet loglevel=1 panic=-1 virtcap.nonce=$(cat "$dev/nonce") virtcap.port=$port virtcap.devices=${devices#,}" \
		2>"$dev/qemu.err" &
	qemu=$!
	pids="$pids $qemu"
	start=$(date +%s)
	while kill -0 "$qemu" 2>/dev/null; do
		grep -q VIRTCAP-DEV-END "$dev/serial" 2>/dev/null && break
		[ $(( $(date +%s) - start )) -ge "$limit" ] && break
		sleep 0.2
	done
	# the guest powers off after its last line; one still running at the deadline is described
	for i in $(seq 20); do kill -0 "$qemu" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$qemu" 2>/dev/null && ! grep -q VIRTCAP-DEV-END "$dev/serial" 2>/dev/null; then
		sh "$here/stack-registers.sh" "$dev/monitor" >"$dev/regs"
	fi
}

# A device QEMU refuses at start (a medium it cannot open, a backend that fails) would take
# the others down with it: it is left out, its error kept in $dev/NAME.refused, and the rest
# boot again. QEMU that ends without naming one of ours ends the tries.
refused=" "
for try in 1 2 3 4 5 6 7 8 9; do
	boot
	grep -q VIRTCAP-STACK-INIT "$dev/serial" 2>/dev/null && break
	kill -0 "$qemu" 2>/dev/null && break
	culprit=
	for d in disk qcow2 cdrom floppy share virtiofs net net_tap; do
		grep -q "vc-$d\([^_a-z]\|\$\)" "$dev/qemu.err" 2>/dev/null && { culprit=$d; break; }
	done
	[ -n "$culprit" ] || break
	cp "$dev/qemu.err" "$dev/$culprit.refused"
	refused="$refused$culprit "
done
exit 0

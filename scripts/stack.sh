#!/bin/sh
# virtcap prove --stack qemu: does a real Linux guest boot with the QEMU installed here, under
# KVM and under TCG (emulation), and how long does it take to reach its init?
#
# usage: stack.sh qemu|libvirt [--kvm-timeout SEC] [--tcg-timeout SEC]
# (libvirt: the same guest as a transient domain of qemu:///session; scripts/stack-libvirt.sh)
#
# The guest is a real kernel (the host's own from /boot when this user can read it, else the
# Debian kernel the lab pins and caches, fetched by lab.sh) with an initramfs made here: static
# busybox and an init (stack-guest.sh) that prints a marker with the guest's uptime on the
# serial console and powers off. Each boot has a deadline; one that does not reach init is
# described: the console's last line, QEMU's own messages, and the registers from QEMU's
# monitor (stack-registers.sh). A third boot (stack-devices.sh, the pinned kernel, whose
# modules lab.sh fetched) attaches the virtual devices for the guest to prove from inside.
#
# Output, for cli/stack.c: one "key=value" line per fact, the value on one line (control
# characters made spaces); keys: installed, package, version, kernel, kernel_source, (libvirt:)
# uri, system, then for
# ACCEL in kvm, tcg: ACCEL.verdict (yes/no/unknown), ACCEL.boot_ms, ACCEL.reason, ACCEL.fix;
# devices.accel, and for each device NAME: dev.NAME.status (proven/failed/not-run), dev.NAME.detail.
# Exit status 0 when it could try, 2 when it could not (with why on stderr).
set -eu

stack=${1:-}
case $stack in qemu|libvirt) ;; *) echo "virtcap stack: qemu or libvirt (got '$stack')" >&2; exit 2 ;; esac
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
. "$here/stack-libvirt.sh"
progress() { [ -t 2 ] && printf '\rvirtcap: %s\033[K' "$*" >&2 || true; }
# milliseconds since boot, from /proc/uptime: busybox's date (the lab's) has no %N
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
say() {	# KEY VALUE: one output line, the value on one line of printable characters, bounded
	printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\000-\037\177' ' ' | cut -c1-900)"
}

# the virtual devices the guest proves (scripts/stack-guest.sh), in the report's order
all_devices="disk qcow2 cdrom floppy net net_tap share virtiofs"

not_installed() {	# PACKAGE WHAT
	say installed 0
	say package "$1"
	for d in $all_devices; do
		say "dev.$d.status" not-run
		say "dev.$d.detail" "$2 is not installed"
	done
	exit 0
}
command -v qemu-system-x86_64 >/dev/null 2>&1 || not_installed qemu-system-x86 qemu-system-x86_64
if [ "$stack" = libvirt ]; then
	command -v virsh >/dev/null 2>&1 || not_installed libvirt-clients virsh
	daemon=
	for d in virtqemud libvirtd; do
		for p in $(command -v $d 2>/dev/null) /usr/sbin/$d; do [ -x "$p" ] && daemon=$p && break 2; done
	done
	[ -n "$daemon" ] || not_installed libvirt-daemon "libvirt's daemon (virtqemud or libvirtd)"
	say installed 1
	say version "$(virsh --version 2>/dev/null | head -1 | sed 's/^/libvirt /'), $("$daemon" --version 2>/dev/null | head -1), $(qemu-system-x86_64 --version | head -1)"
else
	say installed 1
	say version "$(qemu-system-x86_64 --version | head -1)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/virtcap-stack.XXXXXX")
qemu_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill -9 "$qemu_pid" 2>/dev/null
	[ "$stack" = libvirt ] && libvirt_cleanup
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the kernel: the host's own where readable, else the lab's pinned Debian kernel; busybox from
# the lab's cache either way (a static one, which the host may not have)
progress "stack $stack: fetching the guest kernel and busybox (cached after the first run)"
root=$(sh "$here/lab.sh" --fetch-only) || { echo "virtcap stack: lab.sh could not fetch the guest kernel" >&2; exit 2; }
kernel=/boot/vmlinuz-$(uname -r)
if [ -r "$kernel" ]; then
	say kernel_source "the host's own kernel"
else
	kernel=$(ls "$root"/boot/vmlinuz-* | head -1)
	say kernel_source "the lab's pinned Debian kernel ($(cat "$root/.complete"))"
fi
say kernel "$kernel"

mkdir -p "$work/ir/bin" "$work/ir/proc" "$work/ir/lib/modules"
cp "$root/bin/busybox" "$work/ir/bin/busybox"
cp "$here/stack-guest.sh" "$work/ir/init"
chmod +x "$work/ir/init"
# the device modules of the pinned kernel (lab.sh fetched them in insmod's order); a guest of
# the host's own kernel cannot load them, so the devices are proven on the pinned one
moddir=$(ls -d "$root"/lib/modules/* | head -1)
for m in $(cat "$moddir/guest-devices.order"); do	# each at its path under lib/modules
	mkdir -p "$work/ir/lib/modules/${m%/*}" && cp "$moddir/$m" "$work/ir/lib/modules/$m" ||
		{ echo "virtcap stack: the lab's cache lacks the guest's device module $m: $moddir" >&2; exit 2; }
done
cp "$moddir/guest-devices.order" "$work/ir/lib/modules/"
pinned_kernel=$(ls "$root"/boot/vmlinuz-* | head -1)
(cd "$work/ir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz"

# console_text FILE: a serial console's text, without carriage returns and escape sequences
console_text() {
	tr -d '\r' 2>/dev/null <"$1" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g'
}

# the guest's uptime its init printed on the serial console, or nothing yet
init_uptime() {
	tr -d '\r' 2>/dev/null <"$work/serial" | sed -n 's/.*VIRTCAP-STACK-INIT \([0-9.]*\)$/\1/p'
}

boot() {	# ACCEL TIMEOUT
	accel=$1 limit=$2
	progress "stack qemu: waiting for the guest's init under -accel $accel (at most $limit s)"
	rm -f "$work/serial" "$work/err" "$work/monitor"
	start=$(now_ms)
	# paths relative to the work directory: QEMU's option lists split at commas, which
	# TMPDIR may hold, and a Unix socket's path has a length limit
	(cd "$work" && exec qemu-system-x86_64 -accel "$accel" -M q35 -m 256 -display none \
		-no-reboot -serial file:serial -monitor unix:monitor,server,nowait \
		-kernel "$kernel" -initrd initrd.gz \
		-append "console=ttyS0 quiet panic=-1" 2>err) &
	qemu_pid=$!
	init=
	while kill -0 "$qemu_pid" 2>/dev/null; do
		init=$(init_uptime)
		[ -n "$init" ] && break
		[ $(( ($(now_ms) - start) / 1000 )) -ge "$limit" ] && break
		sleep 0.1
	done
	ms=$(( $(now_ms) - start ))
	regs= exited=
	if [ -z "$init" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		regs=$(cd "$work" && sh "$here/stack-registers.sh" monitor)
	elif [ -z "$init" ]; then	# QEMU ended: the marker may have come with its last output
		init=$(init_uptime)
		exited=1
	fi
	kill -9 "$qemu_pid" 2>/dev/null || true
	wait "$qemu_pid" 2>/dev/null || true
	qemu_pid=
	qemu_said=$(grep -v '^$' "$work/err" 2>/dev/null | head -3 | tr '\n' ' ')
	last=$(console_text "$work/serial" | grep -v '^ *$' | tail -1)
	if [ -n "$init" ]; then
		eval "booted_$accel=1"
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
	return 0	# a guest that did not boot is a finding, not the end of the run (set -e)
}

# The virtual devices people use, proven from inside the guest in one more boot: under KVM
# when the guest booted there, else under TCG. stack.sh makes each medium with a nonce
# where the guest reads; the guest writes back where the host then looks, after it powered off.
# Output: devices.accel, and dev.NAME.status (proven/failed/not-run) and dev.NAME.detail.
dev=$work/dev
dev_said=" "
dev_say() {	# NAME STATUS DETAIL
	say "dev.$1.status" "$2"
	say "dev.$1.detail" "$3"
	dev_said="$dev_said$1 "
}
said() { case $dev_said in *" $1 "*) return 0 ;; esac; return 1; }
marker() { printf 'VIRTCAP-IN %s %s\n' "$nonce" "$1"; }
found() { [ "$(tr -d '\0' <"$2" 2>/dev/null)" = "VIRTCAP-OUT $nonce $1" ]; }
one_line() { grep -v '^$' "$1" 2>/dev/null | head -3 | tr '\n' ' '; }

# break_medium NAME: the tests' broken media (VIRTCAP_STACK_BREAK=cdrom,qcow2,floppy): a "CD"
# that is not ISO 9660, a qcow2 cut short, a floppy image QEMU cannot open (a directory)
break_medium() {
	case ",${VIRTCAP_STACK_BREAK:-}," in *",$1,"*) ;; *) return 0 ;; esac
	case $1 in
	cdrom) head -c 1048576 /dev/urandom >"$dev/cdrom.iso" ;;
	qcow2) truncate -s 100000 "$dev/qcow2.img" ;;
	floppy) rm -f "$dev/floppy.img" && mkdir "$dev/floppy.img" ;;
	esac
}

make_media() {
	mkdir -p "$dev"
	nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	echo "$nonce" >"$dev/nonce"
	marker disk >"$dev/disk.img" && truncate -s 8M "$dev/disk.img"
	if command -v qemu-img >/dev/null; then
		marker qcow2 >"$dev/qcow2.raw" && truncate -s 8M "$dev/qcow2.raw" &&
			qemu-img convert -f raw -O qcow2 "$dev/qcow2.raw" "$dev/qcow2.img"
		rm -f "$dev/qcow2.raw"
		break_medium qcow2
		if ! qemu-img check -q "$dev/qcow2.img" >"$dev/check.err" 2>&1; then
			dev_say qcow2 failed "qcow2.img is corrupt and was not attached; qemu-img check said: $(one_line "$dev/check.err")"
			rm -f "$dev/qcow2.img"
		fi
	else
		dev_say qcow2 not-run "qemu-img is not installed (Debian package qemu-utils)"
	fi
	if command -v xorriso >/dev/null; then
		mkdir -p "$dev/cdroot" && marker cdrom >"$dev/cdroot/in.txt"
		xorriso -as mkisofs -quiet -V VIRTCAP -o "$dev/cdrom.iso" "$dev/cdroot" 2>"$dev/xorriso.err" ||
			{ dev_say cdrom failed "xorriso could not make the ISO: $(one_line "$dev/xorriso.err")"; rm -f "$dev/cdrom.iso"; }
		break_medium cdrom
	else
		dev_say cdrom not-run "xorriso is not installed (Debian package xorriso): no ISO to attach"
	fi
	if command -v mkfs.vfat >/dev/null && command -v mcopy >/dev/null; then
		marker floppy >"$dev/in.txt"
		{ mkfs.vfat -C "$dev/floppy.img" 1440 && mcopy -i "$dev/floppy.img" "$dev/in.txt" ::in.txt; } \
			>"$dev/floppy.err" 2>&1 ||
			{ dev_say floppy failed "making the FAT floppy image failed: $(one_line "$dev/floppy.err")"; rm -f "$dev/floppy.img"; }
		break_medium floppy
	else
		dev_say floppy not-run "mkfs.vfat and mcopy are needed to make a floppy image (Debian packages dosfstools, mtools)"
	fi
	for d in share virtiofs; do mkdir -p "$dev/$d" && marker "$d" >"$dev/$d/in.txt"; done
	touch "$dev/net" "$dev/net_tap"
}

devices() {
	set +e	# every step below checks what it needs; a missing file is a finding, not an end
	if [ "$booted_kvm" = 1 ]; then accel=kvm
	elif [ "$booted_tcg" = 1 ]; then accel=tcg
	else
		for d in $all_devices; do dev_say "$d" not-run "the guest boots neither under KVM nor under TCG (see accel)"; done
		return 0
	fi
	say devices.accel "$accel"
	under="under $(echo "$accel" | tr a-z A-Z)$([ "$accel" = tcg ] && [ "$booted_kvm" != 1 ] && echo ", since it does not boot under KVM")"
	make_media
	# a private network namespace for the tap device and the listener, when this user may make one
	ns= tap=0
	if [ ! -c /dev/net/tun ]; then
		dev_say net_tap not-run "/dev/net/tun is missing: no tap device can be made here (modprobe tun)"
	elif ! command -v ip >/dev/null; then
		dev_say net_tap not-run "ip is not installed (Debian package iproute2)"
	elif [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then ns="unshare -n" tap=1
	elif unshare -rn true 2>/dev/null; then ns="unshare -rn" tap=1
	else
		dev_say net_tap not-run "this user may not make a network namespace (unshare -rn failed: unprivileged user namespaces are off, e.g. kernel.unprivileged_userns_clone=0 or AppArmor's restrict_unprivileged_userns): without one virtcap will not add a tap device to the host's own network"
	fi
	virtiofsd=-
	for v in /usr/libexec/virtiofsd /usr/lib/qemu/virtiofsd $(command -v virtiofsd 2>/dev/null); do
		[ -x "$v" ] && { virtiofsd=$v; break; }
	done
	[ "$virtiofsd" = - ] && dev_say virtiofs not-run "virtiofsd is not installed (Debian package virtiofsd)"
	# a boot, then the device work: under KVM twice the boot's wait, under TCG its own
	limit=$tcg_timeout
	[ "$accel" = kvm ] && limit=$((kvm_timeout * 2))
	progress "stack qemu: proving the virtual devices from inside the guest, $under (at most $limit s)"
	$ns sh "$here/stack-devices.sh" "$work" "$accel" "$pinned_kernel" "$limit" "$tap" "$virtiofsd" || true

	console=$(console_text "$dev/serial")
	last=$(echo "$console" | grep -v '^ *$' | grep -v VIRTCAP-DEV | tail -1)
	regs=$(cat "$dev/regs" 2>/dev/null)
	attached=",$(cat "$dev/attached" 2>/dev/null),"
	booted=0; echo "$console" | grep -q VIRTCAP-STACK-INIT && booted=1
	for d in $all_devices; do
		said "$d" && continue
		line=$(echo "$console" | sed -n "s/.*VIRTCAP-DEV $d \(ok\|fail\) \(.*\)/\1 \2/p" | tail -1)
		result=${line%% *} detail=${line#* }
		case $attached in *",$d,"*) ;; *)
			if [ -s "$dev/$d.refused" ]; then
				why="QEMU refused it, and booted the guest without it: $(one_line "$dev/$d.refused")"
			else case $d in
			net_tap) why="the tap device could not be made: $(one_line "$dev/tap.err")" ;;
			virtiofs) why="virtiofsd did not start: $(one_line "$dev/virtiofsd.err")" ;;
			*) why="it was not attached" ;;
			esac; fi
			dev_say "$d" failed "$why"; continue ;;
		esac
		if [ "$booted" = 0 ]; then
			dev_say "$d" failed "QEMU did not boot the guest with the devices attached: $(one_line "$dev/qemu.err")${last:+; the console's last line: $last}"
			continue
		fi
		if [ -z "$line" ]; then
			if echo "$console" | grep -q "VIRTCAP-DEV $d start"; then
				dev_say "$d" failed "the guest hung proving it (deadline $limit s); the console's last line: ${last:-none}; registers: ${regs:-not read}"
			elif [ -n "$regs" ]; then
				dev_say "$d" failed "the deadline ($limit s) came before the guest got to it (it was still running; registers: $regs); the console's last line: ${last:-none}"
			else
				dev_say "$d" failed "the guest never got to it; the console's last line: ${last:-none}"
			fi
			continue
		fi
		if [ "$result" = fail ]; then
			note=
			[ "$d" = cdrom ] && [ "$(dd if="$dev/cdrom.iso" bs=1 skip=32769 count=5 2>/dev/null)" != CD001 ] &&
				note="; cdrom.iso is not ISO 9660 (no CD001 at byte 32769)"
			dev_say "$d" failed "$detail$note"
			continue
		fi
		# the guest says it worked: the host looks for what it wrote
		case $d in
		disk) dd if="$dev/disk.img" of="$dev/out" bs=512 skip=8 count=1 2>/dev/null; where="sector 8 of disk.img (raw)" ;;
		qcow2) qemu-img convert -f qcow2 -O raw "$dev/qcow2.img" "$dev/qcow2.raw" >/dev/null 2>&1 &&
			dd if="$dev/qcow2.raw" of="$dev/out" bs=512 skip=8 count=1 2>/dev/null
		       where="sector 8 of qcow2.img, read back with qemu-img" ;;
		floppy) mtype -i "$dev/floppy.img" ::out.txt >"$dev/out" 2>/dev/null; where="out.txt in floppy.img's FAT" ;;
		share|virtiofs) cp "$dev/$d/out.txt" "$dev/out" 2>/dev/null; where="out.txt in the shared directory" ;;
		net|net_tap) grep -qx "$d-$nonce" "$dev/heard" 2>/dev/null && echo "VIRTCAP-OUT $nonce $d" >"$dev/out"
			where="the guest's request at the host's listener" ;;
		cdrom) echo "VIRTCAP-OUT $nonce $d" >"$dev/out"; where="" ;;	# read-only: the guest's read is the proof
		esac
		if found "$d" "$dev/out"; then
			dev_say "$d" proven "$detail${where:+; the host found $where}"
		else
			dev_say "$d" failed "the guest says: $detail; but the host did not find $where"
		fi
		rm -f "$dev/out"
	done
}

booted_kvm=0 booted_tcg=0
if [ "$stack" = libvirt ]; then
	libvirt_stack
else
	boot kvm "$kvm_timeout"
	boot tcg "$tcg_timeout"
	devices
fi
progress ""
[ -t 2 ] && printf '\r\033[K' >&2
exit 0

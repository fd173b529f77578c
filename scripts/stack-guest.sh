#!/bin/busybox sh
# The init of the stack proof's guest (qemu/stack.c): a real Linux kernel runs it from the
# initramfs virtcap writes.
#
# It prints "VIRTCAP-STACK-INIT <uptime>" on the serial console at once: that line times the
# boot. With virtcap.devices=NAME,... on the kernel command line it then proves each of QEMU's
# virtual devices from inside, one line each: "VIRTCAP-DEV NAME start" before trying (a device
# that hangs the guest is the one started last), then "VIRTCAP-DEV NAME ok|fail DETAIL". The
# host wrote "VIRTCAP-IN <nonce> NAME <secret>" where the guest reads, the secret nowhere
# else, and checks for "VIRTCAP-OUT <nonce> NAME <secret>" where the guest writes, after the
# guest has powered off: only a guest that read the device can write it. What cannot be written
# (a CD-ROM) or is the host's to say (the listener's answer, with a secret of its own) is
# quoted in DETAIL, where the host looks for the secret.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
echo "VIRTCAP-STACK-INIT $(cut -d' ' -f1 /proc/uptime)"
cmdline=" $(cat /proc/cmdline) "
case $cmdline in *" virtcap.devices="*) ;; *) poweroff -f ;; esac

arg() { echo "$cmdline" | sed -n "s/.* virtcap\.$1=\([^ ]*\) .*/\1/p"; }
nonce=$(arg nonce) port=$(arg port) devices=$(arg devices | tr , ' ')
mkdir -p /sys /dev /tmp /mnt
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

# the display's modules (DRM, a few MB) only when the display is proven, last: under nested KVM in
# an emulated CPU they take seconds, which the other devices should not wait for; Xen's (the
# lab's --xen dom0 mounts xenfs) never, this guest runs under KVM
for m in $(cat /lib/modules/guest-devices.order); do
	case $m in */gpu/*|*/virtio_dma_buf.ko|*/xen/*) continue ;; esac
	insmod "/lib/modules/$m" 2>/dev/null
done

say() { echo "VIRTCAP-DEV $1 $2 $(printf '%s' "$3" | tr '\n' ' ' | cut -c1-300)"; }
# within: tries COMMAND for up to 5 s (devices appear as their drivers probe them)
within() { i=0; until "$@" >/dev/null 2>&1; do i=$((i + 1)); [ $i -ge 50 ] && return 1; sleep 0.1; done; }
# expect_in NAME TEXT: TEXT is the host's "VIRTCAP-IN <nonce> NAME <secret>"; sets $secret
expect_in() {
	secret=$(echo "$2" | tr -d '\0' | sed -n "s/^VIRTCAP-IN $nonce $1 \([0-9a-f]\{16\}\)\$/\1/p")
	[ -n "$secret" ]
}

# the virtio disk QEMU was given with serial virtcap-NAME
disk_by_serial() {
	for b in /sys/block/vd*; do
		[ "$(cat "$b/serial" 2>/dev/null)" = "virtcap-$1" ] && { echo "/dev/${b##*/}"; return 0; }
	done
	return 1
}
# the network interface QEMU was given with MAC address $1
iface_by_mac() {
	for n in /sys/class/net/*; do
		[ "$(cat "$n/address")" = "$1" ] && { echo "${n##*/}"; return 0; }
	done
	return 1
}

disk() {	# NAME: read the first sector, write the ninth, straight to the block device
	within disk_by_serial "$1" || { say "$1" fail "no virtio disk with serial virtcap-$1 appeared (block devices: $(ls /sys/block | tr '\n' ' '))"; return; }
	dev=$(disk_by_serial "$1")
	got=$(dd if="$dev" bs=512 count=1 2>/dev/null | tr -d '\0')
	expect_in "$1" "$got" || { say "$1" fail "$dev's first sector holds '$(echo "$got" | cut -c1-60)', not what the host wrote"; return; }
	echo "VIRTCAP-OUT $nonce $1 $secret" | dd of="$dev" bs=512 seek=8 conv=sync,fsync 2>/tmp/err ||
		{ say "$1" fail "writing $dev: $(cat /tmp/err)"; return; }
	say "$1" ok "$dev (virtio-blk) read, and written"
}

mounted_fs() {	# NAME DEVICE-OR-TAG TYPE OPTIONS WRITE: mount, read in.txt, maybe write out.txt
	mkdir -p "/mnt/$1"
	mount -t "$3" -o "$4" "$2" "/mnt/$1" 2>/tmp/err || { say "$1" fail "mount -t $3 $2: $(cat /tmp/err)"; return; }
	got=$(cat "/mnt/$1/in.txt" 2>/tmp/err) || { say "$1" fail "reading in.txt from $2: $(cat /tmp/err)"; umount "/mnt/$1"; return; }
	if ! expect_in "$1" "$got"; then
		say "$1" fail "in.txt on $2 holds '$(echo "$got" | cut -c1-60)', not what the host wrote"
	elif [ "$5" = write ] && ! echo "VIRTCAP-OUT $nonce $1 $secret" >"/mnt/$1/out.txt" 2>/tmp/err; then
		say "$1" fail "writing out.txt on $2: $(cat /tmp/err)"
	else
		umount "/mnt/$1" 2>/tmp/err || { say "$1" fail "umount $2: $(cat /tmp/err)"; return; }
		say "$1" ok "$2 mounted as $3, in.txt read$([ "$5" = write ] && echo ", out.txt written" || echo " (its secret: $secret)")"
		return
	fi
	umount "/mnt/$1"
}

net() {	# NAME MAC ADDRESS HOST: an HTTP request to the host's listener, its answer read back
	within iface_by_mac "$2" || { say "$1" fail "no network interface with MAC $2 appeared"; return; }
	ifc=$(iface_by_mac "$2")
	ip link set lo up
	ip addr add "$3/24" dev "$ifc" && ip link set "$ifc" up 2>/tmp/err ||
		{ say "$1" fail "configuring $ifc: $(cat /tmp/err)"; return; }
	# (this busybox's wget crashes with -T: the deadline is timeout's); a link just set up may
	# take a moment to route, so three tries
	for try in 1 2 3; do
		got=$(timeout 10 wget -q -O - "http://$4:$port/$1-$nonce" 2>/tmp/err) && break
		sleep 1
	done
	case $got in "VIRTCAP-NET-REPLY $1-$nonce "*) ;; *)
		say "$1" fail "$ifc ($3) asked http://$4:$port/ and got '$(echo "$got" | cut -c1-60)' $(cat /tmp/err)"; return ;;
	esac
	say "$1" ok "$ifc ($3) sent its request to the host ($4:$port) and read the host's answer (its secret: ${got##* })"
}

display() {	# the virtio-gpu display: its DRM connector, and the first mode its driver read
	for m in $(cat /lib/modules/guest-devices.order); do
		case $m in */gpu/*|*/virtio_dma_buf.ko) insmod "/lib/modules/$m" 2>/dev/null ;; esac
	done
	within ls /sys/class/drm/card*-Virtual-*/modes || { say display fail "no virtio-gpu display connector appeared (DRM: $(ls /sys/class/drm 2>/dev/null | tr '\n' ' '))"; return; }
	for m in /sys/class/drm/card*-Virtual-*/modes; do
		mode=$(head -1 "$m")
		[ -n "$mode" ] && break
	done
	card=${m%/modes}; card=${card##*/}
	id="$(cat "/sys/class/drm/${card%%-*}/device/vendor" 2>/dev/null):$(cat "/sys/class/drm/${card%%-*}/device/device" 2>/dev/null)"
	[ -n "$mode" ] || { say display fail "$card reports no mode"; return; }
	say display ok "virtio-gpu ($id) drives $card, whose first mode is $mode (its secret: $mode)"
}

for d in $devices; do
	say "$d" start
	case $d in
	disk|qcow2) disk "$d" ;;
	cdrom) within test -b /dev/sr0 && mounted_fs cdrom /dev/sr0 iso9660 ro read ||
		{ [ -b /dev/sr0 ] || say cdrom fail "no CD-ROM drive (/dev/sr0) appeared"; } ;;
	floppy) within test -b /dev/fd0 && mounted_fs floppy /dev/fd0 vfat rw write ||
		{ [ -b /dev/fd0 ] || say floppy fail "no floppy drive (/dev/fd0) appeared"; } ;;
	share) mounted_fs share virtcap-share 9p trans=virtio,version=9p2000.L write ;;
	virtiofs) mounted_fs virtiofs virtcap-fs virtiofs rw write ;;
	net) net net 52:54:00:00:76:01 10.0.2.15 10.0.2.2 ;;
	net_tap) net net_tap 52:54:00:00:76:02 192.168.76.2 192.168.76.1 ;;
	display) display ;;
	esac
done
sync
echo "VIRTCAP-DEV-END"
poweroff -f

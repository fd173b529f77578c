#!/bin/sh
# virtcap advise partition DEVICE on loop devices made here (root only): what the partition
# and its disk hold, how it boots, the blockers of booting it for real (a partition of the same
# disk mounted, with a space in its mount point), the snapshot command, which QEMU itself
# must accept and run; the disk images are byte-for-byte unchanged after every run.
. "$(dirname "$0")/lib/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "loop devices need root"
for t in losetup partx blkid sgdisk sfdisk mkntfs ntfs-3g ntfsresize mkfs.ext4 mkfs.vfat mmd mcopy fsck.vfat \
	cryptsetup qemu-system-x86_64; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps)"
done
[ -r /usr/share/ovmf/OVMF.fd ] || skip_all "OVMF is missing (make deps)"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/loop.sh"
cleanup() {
	umount "$tmp/ntfs" 2>/dev/null
	umount "$tmp/mnt point" 2>/dev/null
	[ -z "${esc:-}" ] || umount "$tmp/mnt$esc" 2>/dev/null
	detach_all
	rm -rf "$tmp"
}
trap cleanup EXIT

# said FILE TEXT: FILE says TEXT, the line breaks of its wrapping undone
said() {
	tr '\n' ' ' <"$1" | tr -s ' ' | grep -qF -- "$2"
}
# put_fs LOOP NR MKFS...: the real mkfs of a kind on partition NR
put_fs() {
	_l=$1 _nr=$2; shift 2
	"$@" "${_l}p$_nr" >/dev/null 2>&1
	ok $? "partition $_nr: $1"
}

# a dual-boot disk: ESP, Windows (NTFS), Linux (ext4)
truncate -s 96M "$tmp/gpt.img"
sgdisk -o -n 1:2048:+16M -t 1:ef00 -n 2:0:+32M -t 2:0700 -n 3:0:0 -t 3:8300 "$tmp/gpt.img" \
	>/dev/null
attach "$tmp/gpt.img" || skip_all "no loop device here"
gpt=$_l
[ -b "${gpt}p3" ] || skip_all "the loop device shows no partitions here"
put_fs "$gpt" 1 mkfs.vfat
put_fs "$gpt" 2 mkntfs -F -Q -q
put_fs "$gpt" 3 mkfs.ext4 -q -F
sync
before=$(sha256sum <"$tmp/gpt.img")

"$VIRTCAP" advise partition "${gpt}p2" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "the Windows partition: exit 0"
grep -q "^${gpt}p2: partition 2 of $gpt (GPT), 32.0 MiB, ntfs$" "$tmp/out"
ok $? "it is partition 2 of its disk (GPT), NTFS"
grep -q '^boots: by UEFI' "$tmp/out"
ok $? "the disk's EFI system partition: it boots by UEFI"
grep -q "^    -drive file=$gpt,format=raw,snapshot=on,if=none,id=disk" "$tmp/out" &&
	grep -q -- '-device ahci,id=ahci -device ide-hd,drive=disk,bus=ahci.0' "$tmp/out"
ok $? "the command boots the whole disk through a snapshot, on AHCI as Windows was installed"
grep -q '^to boot it for real: nothing found here stops it' "$tmp/out"
ok $? "nothing mounted: booting it for real is not refused"
"$VIRTCAP" advise partition "${gpt}p2" --json >"$tmp/clean.json"
python3 "$top/tests/lib/validate.py" "$top/reports/schema/partition-advice-v1.json" "$tmp/clean.json"
ok $? "--json: the same advice validates against its schema"
is "$(jget "$tmp/clean.json" "d['boot_for_real']['verdict']")/$(jget "$tmp/clean.json" \
	"[p['ntfs']['hiberfil'] for p in d['partitions'] if p['number'] == 2][0]")/$(jget \
	"$tmp/clean.json" "' '.join(d['snapshot']['command'][-4:])")" \
	"no-blocker-found/none/-device ahci,id=ahci -device ide-hd,drive=disk,bus=ahci.0" \
	"--json: no blocker, no hiberfil.sys on the fresh NTFS, the command as arguments"

# the command, as printed, is one QEMU takes: it runs until stopped (5 s), and writes nothing
cmd=$(sed -n '/^  qemu-system-x86_64/,/^ *-drive\|^ *-device/p' "$tmp/out" | tr -d '\\\n')
timeout 5 sh -c "$cmd -display none -serial none -monitor none -net none" >"$tmp/qemu" 2>&1
rc=$?
is "$rc" 124 "QEMU runs the printed command (stopped after 5 s)"
[ "$rc" = 124 ] || diag "$cmd" "$(cat "$tmp/qemu")"
is "$(sha256sum <"$tmp/gpt.img")" "$before" "the disk is unchanged by virtcap and by QEMU's run"

# the Linux partition mounted (at a path with a space, as mountinfo escapes it)
mkdir "$tmp/mnt point" && mount "${gpt}p3" "$tmp/mnt point"
ok $? "partition 3 mounted at a path with a space"
"$VIRTCAP" advise partition "${gpt}p2" >"$tmp/out2" 2>&1
said "$tmp/out2" "to boot it for real: no: ${gpt}p3, which lies on this disk, is mounted at $tmp/mnt point;" &&
	said "$tmp/out2" "First: sudo umount ${gpt}p3"
ok $? "another partition of the disk mounted: booting for real is refused, the mount named"
"$VIRTCAP" advise partition "${gpt}p3" >"$tmp/out3" 2>&1
said "$tmp/out3" "no: ${gpt}p3 is mounted on this host at $tmp/mnt point" &&
	said "$tmp/out3" "First: sudo umount ${gpt}p3"
ok $? "the partition itself mounted: refused, with where"
grep -q '^safe to try: yes' "$tmp/out3"
ok $? "the snapshot way stays open"
umount "$tmp/mnt point"

# the same file system mounted through a device stacked on the partition (a loop device whose
# backing file is the partition's node; device-mapper's LUKS and LVM roots stack the same way)
attach "${gpt}p3" && mount "$_l" "$tmp/mnt point"
ok $? "partition 3 mounted through ${_l#/dev/}, stacked on it"
"$VIRTCAP" advise partition "${gpt}p2" >"$tmp/out6" 2>&1
said "$tmp/out6" "to boot it for real: no: $_l, which lies on this disk, is mounted at $tmp/mnt point;" &&
	said "$tmp/out6" "First: sudo umount $_l"
ok $? "a mount through a stacked device: found on the disk, refused"
"$VIRTCAP" advise partition "${gpt}p3" >"$tmp/out7" 2>&1
said "$tmp/out7" "no: ${gpt}p3 is mounted on this host at $tmp/mnt point (${_l#/dev/})" &&
	said "$tmp/out7" "First: sudo umount $_l"
ok $? "and the partition under it is itself mounted"
umount "$tmp/mnt point"
# a mount point holding an escape sequence (mountinfo keeps it raw): never printed raw
esc=$(printf '\033]0;owned\007')
mkdir "$tmp/mnt$esc" && mount "${gpt}p3" "$tmp/mnt$esc"
"$VIRTCAP" advise partition "${gpt}p3" >"$tmp/out8" 2>&1
! LC_ALL=C grep -q "$(printf '\033')" "$tmp/out8" && said "$tmp/out8" "First: sudo umount ${gpt}p3"
ok $? "a mount point with an escape sequence: cleaned, and the fix names the device"
umount "$tmp/mnt$esc"
before=$(sha256sum <"$tmp/gpt.img")	# mounting wrote its superblock: from here on
"$VIRTCAP" advise partition "$gpt" >"$tmp/out4" 2>&1
grep -q "^$gpt: a whole disk (GPT), 96.0 MiB$" "$tmp/out4" && [ "$(grep -c '^  *[123]  ' "$tmp/out4")" = 3 ]
ok $? "the whole disk: its table and three partitions"

# Windows hibernated on partition 2: hiberfil.sys headed "HIBR", written through ntfs-3g
mkdir "$tmp/ntfs" && ntfs-3g "${gpt}p2" "$tmp/ntfs" && mkdir "$tmp/ntfs/Windows" &&
	{ printf HIBR; head -c 8188 /dev/zero; } >"$tmp/ntfs/hiberfil.sys" && umount "$tmp/ntfs"
ok $? "Windows and a hibernated hiberfil.sys on partition 2, through ntfs-3g"
"$VIRTCAP" advise partition "${gpt}p3" >"$tmp/hib" 2>&1
said "$tmp/hib" "to boot it for real: no: Windows on partition 2 of $gpt is hibernated" &&
	said "$tmp/hib" "First: start Windows on this machine, turn off hibernation and Fast Startup (powercfg /h off" &&
	grep -q '^      Windows, hibernated$' "$tmp/hib" && said "$tmp/hib" '"Delete restoration data"'
ok $? "the Linux partition of that disk: refused, Windows on partition 2 named hibernated, with the fix"
"$VIRTCAP" advise partition "${gpt}p2" --json >"$tmp/hib.json"
python3 "$top/tests/lib/validate.py" "$top/reports/schema/partition-advice-v1.json" "$tmp/hib.json" &&
	is "$(jget "$tmp/hib.json" "' '.join(b['id'] for b in d['boot_for_real']['blockers'])")" \
		hibernated "--json: the blocker is hibernated, and the report validates"
ntfsresize -f -f -s 24M "${gpt}p2" >/dev/null 2>&1
ok $? "ntfsresize shrank partition 2's NTFS, and so marked it dirty"
"$VIRTCAP" advise partition "${gpt}p2" --json >"$tmp/dirty.json"
is "$(jget "$tmp/dirty.json" "' '.join(b['id'] for b in d['boot_for_real']['blockers'])")" \
	"hibernated dirty" "--json: hibernated, and dirty too"
before=$(sha256sum <"$tmp/gpt.img")

# an older BIOS disk with FAT32 and a LUKS partition
truncate -s 96M "$tmp/mbr.img"
printf 'label: dos\n,40M,c\n,,83\n' | sfdisk -q "$tmp/mbr.img"
attach "$tmp/mbr.img" && mbr=$_l
put_fs "$mbr" 1 mkfs.vfat -F 32
printf secret >"$tmp/key"
put_fs "$mbr" 2 cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --key-file "$tmp/key"
sync
before_mbr=$(sha256sum <"$tmp/mbr.img")
"$VIRTCAP" advise partition "${mbr}p2" >"$tmp/out5" 2>&1
grep -q '^boots: by BIOS' "$tmp/out5" && grep -q '^encrypted: LUKS' "$tmp/out5" &&
	grep -q "^    -drive file=$mbr,format=raw,snapshot=on,if=virtio$" "$tmp/out5"
ok $? "MBR and LUKS: BIOS, the passphrase said, virtio for a Linux disk"

# BitLocker on partition 2 (its header and three FVE metadata blocks, as blkid checks them)
truncate -s 24M "$tmp/bl.img" &&
	printf 'label: gpt\n,8M\n,,EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n' | sfdisk -q "$tmp/bl.img"
attach "$tmp/bl.img" && bl=$_l && python3 - "${bl}p2" <<'PY'
import struct, sys
b = bytearray(4 * 65536)
b[0:11] = b"\xeb\x58\x90-FVE-FS-"
struct.pack_into("<HB", b, 11, 512, 8)
b[510:512] = b"\x55\xaa"
for i, at in enumerate((0x10000, 0x20000, 0x30000)):
    struct.pack_into("<Q", b, 0xB0 + 8 * i, at)
    b[at:at + 8] = b"-FVE-FS-"
    struct.pack_into("<HH", b, at + 8, 64, 2)
with open(sys.argv[1], "r+b") as f:
    f.write(b)
PY
is "$(blkid -p -o value -s TYPE "${bl}p2")" BitLocker "a BitLocker header on partition 2, as blkid reads it"
"$VIRTCAP" advise partition "${bl}p2" --json >"$tmp/bl.json"
is "$(jget "$tmp/bl.json" "[b['id'] for b in d['boot_for_real']['blockers']]")/$(jget "$tmp/bl.json" "d['encrypted']")" \
	'["bitlocker"]/bitlocker' "BitLocker: a blocker, and said encrypted"
jget "$tmp/bl.json" "d['boot_for_real']['blockers'][0]['fix']" | grep -q "manage-bde -protectors -get C:"
ok $? "its fix: where the recovery key is, and how to suspend BitLocker"
python3 "$top/tests/lib/validate.py" "$top/reports/schema/partition-advice-v1.json" "$tmp/bl.json"
ok $? "the BitLocker advice validates against its schema"

# bad input: exit 2, the input named
"$VIRTCAP" advise partition "$tmp/gpt.img" >/dev/null 2>"$tmp/e1"
is "$?/$(grep -c 'gpt.img: not a block device' "$tmp/e1")" "2/1" "an image file: exit 2, named"
"$VIRTCAP" advise partition /dev/no-such-disk >/dev/null 2>"$tmp/e2"
is "$?/$(grep -c 'no-such-disk: No such file' "$tmp/e2")" "2/1" "a missing device: exit 2, named"
"$VIRTCAP" advise partition >/dev/null 2>&1
is "$?" 2 "no device: exit 2"
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VIRTCAP" advise partition "${gpt}p2" \
		>/dev/null 2>"$tmp/e3"
	is "$?/$(grep -c 'cannot read it as this user' "$tmp/e3")" "2/1" \
		"as a user who may not read the disk: exit 2, what to do said"
fi

is "$(sha256sum <"$tmp/gpt.img")/$(sha256sum <"$tmp/mbr.img")" "$before/$before_mbr" \
	"the disks are unchanged by the runs since"
# an ESP that mkfs.vfat -F 32 makes on a small partition: FAT32 by its layout, with fewer
# clusters than FAT32 needs. Linux and fsck.vfat read it; EDK2's FAT driver (OVMF) refuses such
# a volume as corrupted, so a UEFI VM would find no loader: a blocker with the cluster count
# fsck gives. (No tool here writes files into such a volume, and this kernel may have no vfat:
# mtools fills a FAT32 of 40 MiB, which tests/lib/fat32_shrink.py then cuts to 10000 clusters.)
truncate -s 96M "$tmp/short.img"
sgdisk -o -n 1:2048:+40M -t 1:ef00 -n 2:0:0 -t 2:8300 "$tmp/short.img" >/dev/null
truncate -s 40M "$tmp/esp.img" && mkfs.vfat -F 32 -s 1 "$tmp/esp.img" >/dev/null &&
	MTOOLS_SKIP_CHECK=1 mmd -i "$tmp/esp.img" ::/EFI ::/EFI/BOOT &&
	echo loader >"$tmp/loader" && MTOOLS_SKIP_CHECK=1 mcopy -i "$tmp/esp.img" "$tmp/loader" \
	::/EFI/BOOT/BOOTX64.EFI && python3 "$top/tests/lib/fat32_shrink.py" "$tmp/esp.img" 10000 &&
	dd if="$tmp/esp.img" of="$tmp/short.img" bs=512 seek=2048 conv=notrunc status=none &&
	attach "$tmp/short.img" && short=$_l && mkfs.ext4 -q -F "${short}p2"
ok $? "a GPT disk whose ESP is a short FAT32, with its fallback loader"
clusters=$(fsck.vfat -n "${short}p1" 2>/dev/null | sed -n 's|.*files, [0-9]*/\([0-9]*\) clusters$|\1|p')
timeout 30 "$VIRTCAP" advise partition "${short}p2" --json >"$tmp/short.json" 2>"$tmp/err"
is "$(jget "$tmp/short.json" "' '.join(b['id'] for b in d['boot_for_real']['blockers'])")" \
	esp-fat32-clusters "the short FAT32 ESP blocks a UEFI VM's boot"
jget "$tmp/short.json" "d['boot_for_real']['blockers'][0]['reason']" |
	grep -q "has $clusters clusters, fewer than the 65525 FAT32 needs"
ok $? "with the cluster count fsck.vfat gives ($clusters), and why: OVMF refuses it"
jget "$tmp/short.json" "[p['esp_contents']['fallback_loader'] for p in d['partitions'] if p['number'] == 1][0]" |
	grep -qx true
ok $? "its loaders are still read: the fallback loader is there"
python3 "$top/tests/lib/validate.py" "$top/reports/schema/partition-advice-v1.json" "$tmp/short.json"
ok $? "the advice with that blocker validates against its schema"
# never opened for writing: on a read-only loop device, where an open for writing fails with
# EROFS, the advice is the same, and strace sees every open of the device read-only
if command -v strace >/dev/null; then
	ro=$(losetup -r -f --show -P "$tmp/gpt.img") && loops="$loops $ro" && partx -a "$ro" 2>/dev/null
	# (LeakSanitizer cannot run under ptrace: the sanitizer pass's build runs it without)
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" timeout 30 strace -f -qq \
		-e trace=open,openat -o "$tmp/opens" \
		"$VIRTCAP" advise partition "${ro}p2" --json >"$tmp/ro.json" 2>"$tmp/err"
	rc=$?
	timeout 30 "$VIRTCAP" advise partition "${gpt}p2" --json >"$tmp/rw.json" 2>/dev/null
	verdict="d['boot_for_real']['verdict'] + ' ' + ','.join(b['id'] for b in d['boot_for_real']['blockers'])"
	is "$rc/$(jget "$tmp/ro.json" "$verdict")" "0/$(jget "$tmp/rw.json" "$verdict")" \
		"a read-only loop device: exit 0, the advice the writable one gets"
	grep -E "\"($ro|${ro}p[0-9])\"" "$tmp/opens" >"$tmp/dev-opens"
	[ -s "$tmp/dev-opens" ] && ! grep -Eq 'O_(RDWR|WRONLY)' "$tmp/dev-opens"
	ok $? "every open of the disk and its partitions is read-only ($(wc -l <"$tmp/dev-opens") opens)" ||
		diag "$(cat "$tmp/dev-opens")"
else
	skip 2 "strace is missing"
fi
done_testing

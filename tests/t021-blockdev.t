#!/bin/sh
# disk/blockdev.c (issue 15's groundwork) against util-linux: disk images partitioned by
# sgdisk and sfdisk, each partition made by the real mkfs of its kind (vfat, NTFS, ext2/3/4,
# swap, LUKS, btrfs), read by blockdev-id and by partx and blkid, which must agree on the table,
# every partition's place and type, and every file system's kind. Damaged GPTs are refused.
. "$(dirname "$0")/lib/tap.sh"
for t in sgdisk sfdisk partx blkid mkfs.vfat mkntfs mkfs.ext4 mkswap cryptsetup mkfs.btrfs; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps)"
done
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
id="$TEST_BIN/blockdev-id"

# put_fs DISK NR MKFS...: make a file system the size of partition NR in a file of its own
# with the real tool, then copy it into the partition
put_fs() {
	_disk=$1 _nr=$2; shift 2
	set -- $(partx --show -g -o START,SECTORS -n "$_nr" "$_disk") "$@"
	_start=$1 _sectors=$2; shift 2
	rm -f "$tmp/part" && truncate -s $((_sectors * 512)) "$tmp/part" &&
		"$@" "$tmp/part" >/dev/null 2>&1 &&
		dd if="$tmp/part" of="$_disk" bs=512 seek="$_start" conv=notrunc,sparse status=none
	ok $? "$(basename "$_disk") partition $_nr: $1 made it"
}

# util-linux's reading of DISK, in blockdev-id's form
yardstick() {
	pt=$(blkid -p -o value -s PTTYPE "$1"); echo "${pt:-none}"
	partx --show -g -o NR,START,SECTORS,TYPE "$1" 2>/dev/null |
	while read -r nr start sectors type; do
		fs=$(blkid -p -o value -s TYPE -O $((start * 512)) -S $((sectors * 512)) "$1")
		echo "$nr $start $sectors $type ${fs:--}"
	done
	fs=$(blkid -p -o value -s TYPE "$1"); echo "whole ${fs:--}"
}

agree() {
	"$id" "$1" | sed 's/ esp$//' >"$tmp/ours"
	yardstick "$1" >"$tmp/theirs"
	diff "$tmp/theirs" "$tmp/ours" >"$tmp/diff"
	ok $? "$2: blockdev-id reads what partx and blkid read"
	[ -s "$tmp/diff" ] && diag "$(cat "$tmp/diff")"
}

# a GPT disk as a dual-boot laptop has it: ESP, Windows (NTFS), Linux root, swap, an encrypted
# home, and a btrfs volume
gpt=$tmp/gpt.img
truncate -s 256M "$gpt"
sgdisk -o -n 1:2048:+16M -t 1:ef00 -n 2:0:+24M -t 2:0700 -n 3:0:+24M -t 3:8300 \
	-n 4:0:+8M -t 4:8200 -n 5:0:+20M -t 5:8309 -n 6:0:0 -t 6:8300 "$gpt" >/dev/null
ok $? "sgdisk made a GPT with six partitions"
put_fs "$gpt" 1 mkfs.vfat
put_fs "$gpt" 2 mkntfs -F -Q -q
put_fs "$gpt" 3 mkfs.ext4 -q -F
put_fs "$gpt" 4 mkswap
printf secret >"$tmp/key"
put_fs "$gpt" 5 cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --key-file "$tmp/key"
put_fs "$gpt" 6 mkfs.btrfs -q -f
agree "$gpt" "GPT with vfat, NTFS, ext4, swap, LUKS and btrfs"
is "$("$id" "$gpt" | awk '$NF == "esp" { print $1 }')" 1 "the EFI system partition is found by its type GUID"

# an older BIOS disk: MBR with FAT32, ext3 and ext2
mbr=$tmp/mbr.img
truncate -s 128M "$mbr"
printf 'label: dos\n,40M,c\n,24M,83\n,,83\n' | sfdisk -q "$mbr"
ok $? "sfdisk made an MBR with three partitions"
put_fs "$mbr" 1 mkfs.vfat -F 32
put_fs "$mbr" 2 mkfs.ext3 -q -F
put_fs "$mbr" 3 mkfs.ext2 -q -F
agree "$mbr" "MBR with FAT32, ext3 and ext2"

# a whole disk with a file system and no table; a disk of nothing
whole=$tmp/whole.img
truncate -s 16M "$whole" && mkfs.ext4 -q -F "$whole" >/dev/null 2>&1
agree "$whole" "a whole-disk ext4 without a partition table"
# a FAT or NTFS boot sector ends in 55 AA like an MBR: read as the file system it is
for mk in "mkfs.vfat -F 32" "mkntfs -F -Q -q"; do
	rm -f "$whole" && truncate -s 40M "$whole" && $mk "$whole" >/dev/null 2>&1
	agree "$whole" "a whole-disk ${mk%% *} (a superfloppy): not an MBR"
done
truncate -s 1M "$tmp/zero.img"
agree "$tmp/zero.img" "an image of zeros"

# damaged GPTs: a byte of the entry array, then of the header; sgdisk -v sees the same damage
cp "$gpt" "$tmp/bad-entries.img"
printf 'X' | dd of="$tmp/bad-entries.img" bs=1 seek=$((1024 + 130)) conv=notrunc status=none
out=$("$id" "$tmp/bad-entries.img"); rc=$?
is "$rc/$out" "1/broken: the GPT entry array's CRC32 does not match: damaged" \
	"a changed GPT entry: refused, the entry array's CRC named"
sgdisk -v "$tmp/bad-entries.img" 2>&1 | grep -qi 'crc'
ok $? "sgdisk -v finds the same CRC damage"
cp "$gpt" "$tmp/bad-header.img"
printf 'X' | dd of="$tmp/bad-header.img" bs=1 seek=$((512 + 40)) conv=notrunc status=none
out=$("$id" "$tmp/bad-header.img"); rc=$?
is "$rc/$out" "1/broken: the GPT header's CRC32 does not match: damaged" \
	"a changed GPT header: refused, the header's CRC named"
# 32 entries over one FAT (CRCs written anew): each would be read again as a volume of its own
cp "$gpt" "$tmp/overlap.img" && python3 "$(dirname "$0")/lib/gpt_overlap.py" "$tmp/overlap.img" 32
ok $? "a GPT whose 32 entries all name partition 1's sectors, its CRCs right"
out=$(timeout 10 "$id" "$tmp/overlap.img"); rc=$?
is "$rc/$out" "1/broken: two GPT entries share sectors: damaged" \
	"overlapping GPT entries: refused once, not read 32 times"
sgdisk -v "$tmp/overlap.img" 2>&1 | grep -qi 'overlap'
ok $? "sgdisk -v finds the same overlap"

# the MBR's boot code, from the packages that ship each: none as sfdisk and sgdisk leave it,
# GRUB's boot.img, SYSLINUX's mbr.bin and gptmbr.bin, and isolinux's hybrid-ISO code (other)
boot_code() {	# IMAGE CODE-FILE: CODE-FILE's first 440 bytes written into IMAGE's sector 0
	cp "$1" "$tmp/code.img" &&
		dd if="$2" of="$tmp/code.img" bs=440 count=1 conv=notrunc status=none &&
		"$id" --boot-code "$tmp/code.img"
}
is "$("$id" --boot-code "$mbr")/$("$id" --boot-code "$gpt")" "none/none" \
	"sfdisk's and sgdisk's MBRs: no boot code"
for c in /usr/lib/grub/i386-pc/boot.img:GRUB /usr/lib/syslinux/mbr/mbr.bin:SYSLINUX \
	 /usr/lib/syslinux/mbr/gptmbr.bin:SYSLINUX /usr/lib/ISOLINUX/isohdpfx.bin:other; do
	if [ -r "${c%%:*}" ]; then
		is "$(boot_code "$mbr" "${c%%:*}")" "${c#*:}" "boot code ${c%%:*}: ${c#*:}"
	else
		skip 1 "${c%%:*} is missing (make deps)"
	fi
done

# hostile: random bytes, and a file smaller than a sector, end in an answer, never a crash
head -c 300000 /dev/urandom >"$tmp/random.img"
"$id" "$tmp/random.img" >/dev/null; rc=$?
[ "$rc" -le 1 ]
ok $? "random bytes: an answer (exit $rc)"
printf 'EFI PART' >"$tmp/tiny.img"
is "$("$id" "$tmp/tiny.img")" "$(printf 'none\nwhole -')" "8 bytes: no table, nothing"
done_testing

#!/bin/sh
# disk/ntfs.c (issue 15) against ntfs-3g's own tools, on NTFS volumes made by mkntfs and
# filled through ntfs-3g's FUSE mount (root only): hibernated as ntfs-3g.probe refuses it
# (hiberfil.sys headed "hibr" in either case, or shorter than its header), resumed ("wake"),
# deleted; the dirty flag ntfsresize sets, as ntfsinfo reads it; Windows's boot files as ntfsls
# lists them, in a root whose index spills into many INDX blocks, with 512-byte and 4096-byte
# sectors; a torn MFT record and a wiped boot sector refused by both.
. "$(dirname "$0")/lib/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "mounting NTFS through FUSE needs root"
[ -c /dev/fuse ] || skip_all "/dev/fuse is missing: the volumes are filled through ntfs-3g's FUSE mount"
for t in mkntfs ntfs-3g ntfs-3g.probe ntfsinfo ntfsls ntfsresize; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps)"
done
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
mkdir "$tmp/mnt"
trap 'umount "$tmp/mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
facts="$TEST_BIN/ntfs-facts"

# volume NAME SIZE [MKNTFS-OPTIONS]: a fresh NTFS in $tmp/NAME, mounted on $tmp/mnt
volume() {
	_v=$tmp/$1
	rm -f "$_v" && truncate -s "$2" "$_v" && shift 2 &&
		mkntfs -F -Q -q "$@" "$_v" >/dev/null 2>&1 && ntfs-3g "$_v" "$tmp/mnt"
	ok $? "mkntfs $* made $(basename "$_v"), mounted through ntfs-3g"
}
done_with() { umount "$tmp/mnt"; }
# hiberfil HEAD BYTES: hiberfil.sys starting with HEAD, BYTES long in all
hiberfil() {
	{ printf '%s' "$1"; head -c $(($2 - ${#1})) /dev/zero; } >"$tmp/mnt/hiberfil.sys"
}
# windows_files COUNT: Windows's boot files, and COUNT more names to spill the root's index
windows_files() {
	mkdir "$tmp/mnt/Windows" "$tmp/mnt/Boot" && printf 'boot manager' >"$tmp/mnt/bootmgr" &&
		for i in $(seq 1 "$1"); do : >"$tmp/mnt/a-file-name-long-enough-to-fill-an-index-$i"; done
}

# agree IMAGE WHAT: ntfs-facts and ntfs-3g's tools read the same; "want" holds the hiberfil
# verdict expected of both
agree() {
	"$facts" "$1" >"$tmp/ours"
	ntfs-3g.probe --readwrite "$1" >/dev/null 2>"$tmp/probe"
	probe=$?
	# ntfs-3g.probe: 14 is "hibernated" (and a hiberfil.sys shorter than a header)
	case ${probe_sees:-yes}/$(sed -n 's/^hiberfil //p' "$tmp/ours") in
	yes/hibernated|yes/short) is "$probe" 14 "$2: hibernated, and ntfs-3g.probe refuses it too" ;;
	*) is "$probe" 0 "$2: not hibernated, and ntfs-3g.probe mounts it" ;;
	esac
	is "$(sed -n 's/^hiberfil //p' "$tmp/ours")" "$want" "$2: hiberfil.sys read as $want"
	flags=$(ntfsinfo -f -m "$1" 2>/dev/null | sed -n 's/.*Volume Flags: 0x\([0-9a-fA-F]*\).*/\1/p')
	is "$(sed -n 's/^dirty //p' "$tmp/ours")" "$((0x${flags:-ffff} & 1))" \
		"$2: the dirty flag as ntfsinfo reads it (0x$flags)"
	ntfsls -f "$1" 2>/dev/null >"$tmp/ls"
	for f in bootmgr:bootmgr Boot:boot Windows:windows; do
		grep -qix "${f%%:*}" "$tmp/ls" && there=1 || there=0
		is "$(sed -n "s/^${f#*:} //p" "$tmp/ours")" "$there" "$2: the root's ${f%%:*} as ntfsls lists it"
	done
	is "$(sed -n 's/^unread //p' "$tmp/ours")" - "$2: everything read"
}

volume fresh.img 64M
done_with
want=none agree "$tmp/fresh.img" "a fresh volume"

volume hibernated.img 96M
windows_files 300 && hiberfil HIBR 12288
ok $? "Windows's files, 300 more names, and a hibernated hiberfil.sys"
done_with
want=hibernated agree "$tmp/hibernated.img" "Windows hibernated (HIBR)"
[ "$(ntfsinfo -m -i 5 "$tmp/hibernated.img" 2>/dev/null | grep -c 'INDEX_ALLOCATION')" -gt 0 ]
ok $? "the root's index spilled into INDX blocks"
ntfsinfo -m -i 5 "$tmp/hibernated.img" 2>/dev/null | grep -q 'INDEX_ROOT (0x90) from mft record [1-9][0-9]'
ok $? "and its index root moved to an extension record, through a non-resident attribute list"

volume lower.img 64M
hiberfil hibr 8192
done_with
want=hibernated agree "$tmp/lower.img" "hibernated, header in lower case"

volume resumed.img 64M
windows_files 80 && hiberfil wake 8192
done_with
want=clear agree "$tmp/resumed.img" "resumed Windows (wake)"

volume short.img 64M
hiberfil HIBR 100
done_with
want=short agree "$tmp/short.img" "a hiberfil.sys shorter than a header"

# every name of the index blocks deleted: the blocks are free, and still hold old entries
volume deleted.img 64M
windows_files 300 && hiberfil HIBR 8192 && rm "$tmp/mnt/hiberfil.sys" "$tmp/mnt/a-file-name"*
done_with
want=none agree "$tmp/deleted.img" "hiberfil.sys and 300 names deleted"

# Windows's names are not case-sensitive, and Windows resumes from HiberFil.SYS as from
# hiberfil.sys; ntfs-3g.probe looks the name up case-sensitively and mounts it
volume upper.img 64M
mkdir "$tmp/mnt/WINDOWS" "$tmp/mnt/boot" && : >"$tmp/mnt/BOOTMGR" && hiberfil HIBR 8192 &&
	mv "$tmp/mnt/hiberfil.sys" "$tmp/mnt/HiberFil.SYS"
done_with
probe_sees=no want=hibernated agree "$tmp/upper.img" "WINDOWS, boot, BOOTMGR, HiberFil.SYS"

volume 4k.img 160M -s 4096 -c 65536
windows_files 300 && hiberfil HIBR 8192
done_with
want=hibernated agree "$tmp/4k.img" "4096-byte sectors and records, 64 KiB clusters"

volume dirty.img 64M
done_with
ntfsresize -f -f -s 48M "$tmp/dirty.img" >/dev/null 2>&1
ok $? "ntfsresize shrank a volume (and set its dirty flag, for chkdsk)"
want=none agree "$tmp/dirty.img" "after ntfsresize"
is "$(sed -n 's/^dirty //p' "$tmp/ours")" 1 "after ntfsresize: dirty"

# damage: the update sequence of $Volume's record (the last two bytes of its first stride)
lcn=$(ntfsinfo -m "$tmp/fresh.img" | sed -n 's/.*LCN of Data Attribute for FILE_MFT: //p')
cp "$tmp/fresh.img" "$tmp/torn.img"
printf 'XX' | dd of="$tmp/torn.img" bs=1 seek=$((lcn * 4096 + 3 * 1024 + 510)) conv=notrunc status=none
"$facts" "$tmp/torn.img" >"$tmp/ours"
is "$?/$(cat "$tmp/ours")" "1/broken: \$Volume (record 3) is broken" "a torn \$Volume record is refused"
ntfs-3g.probe --readonly "$tmp/torn.img" 2>/dev/null
isnt_zero=$?
[ "$isnt_zero" -ne 0 ]
ok $? "and ntfs-3g.probe refuses it too ($isnt_zero)"
cp "$tmp/fresh.img" "$tmp/wiped.img"
dd if=/dev/zero of="$tmp/wiped.img" bs=512 count=1 conv=notrunc status=none
"$facts" "$tmp/wiped.img" >"$tmp/ours"
is "$?/$(cat "$tmp/ours")" "1/broken: its boot sector is not NTFS's" "a wiped boot sector is refused"
done_testing

#!/bin/sh
# disk/fat.c (issue 15: what an EFI system partition holds) against mtools: FAT12, FAT16 and
# FAT32 volumes made by mkfs.vfat and filled by mmd and mcopy (long names, lower-case short
# names, a directory of 300 entries over many clusters, two directories grown in turn so that
# their chains interleave, deleted files), listed by fat-tree and by `mdir -/ -b`, which must
# agree path for path. An ESP as a dual-boot machine has it names its loaders; a directory
# whose cluster chain loops, one that holds itself, and a wiped boot sector, are refused.
. "$(dirname "$0")/lib/tap.sh"
for t in mkfs.vfat mmd mcopy mdel mdir; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps)"
done
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
tree="$TEST_BIN/fat-tree"
damage="$(dirname "$0")/lib/fat16_damage.py"
export MTOOLS_SKIP_CHECK=1

# fill IMAGE: a tree with every kind of name and directory shape
fill() {
	_i=$1
	: >"$tmp/empty" && printf 'boot code' >"$tmp/efi"
	mmd -i "$_i" ::/EFI ::/EFI/BOOT ::/EFI/Microsoft ::/EFI/Microsoft/Boot ::/EFI/debian \
		'::/A directory with a long name' ::/lower ::/many ::/left ::/right &&
	mcopy -i "$_i" "$tmp/efi" ::/EFI/BOOT/BOOTX64.EFI &&
	mcopy -i "$_i" "$tmp/efi" ::/EFI/Microsoft/Boot/bootmgfw.efi &&
	mcopy -i "$_i" "$tmp/efi" ::/EFI/debian/mmx64.efi &&
	mcopy -i "$_i" "$tmp/efi" ::/EFI/debian/shimx64.efi &&
	mcopy -i "$_i" "$tmp/efi" ::/EFI/debian/grubx64.efi &&
	mcopy -i "$_i" "$tmp/empty" '::/A directory with a long name/a file whose name is longer than thirteen characters.txt' &&
	mcopy -i "$_i" "$tmp/empty" ::/lower/readme.txt &&
	mcopy -i "$_i" "$tmp/empty" ::/lower/UPPER.TXT &&
	mcopy -i "$_i" "$tmp/many/"* ::/many/ &&
	for n in $(seq 1 60); do
		mcopy -i "$_i" "$tmp/empty" "::/left/a-name-on-the-left-$n" &&
			mcopy -i "$_i" "$tmp/empty" "::/right/a-name-on-the-right-$n" || return 1
	done
	mdel -i "$_i" ::/many/entry-number-7 ::/lower/UPPER.TXT
}

mkdir "$tmp/many" && for n in $(seq 1 300); do : >"$tmp/many/entry-number-$n"; done
# FAT12 with 2 KiB clusters (it has fewer than 4085), the others with 512-byte ones: many
# clusters to each directory
for kind in 12 16 32; do
	img=$tmp/fat$kind.img
	size=8M spc=4; [ "$kind" = 16 ] && spc=1; [ "$kind" = 32 ] && size=64M spc=1
	truncate -s "$size" "$img" && mkfs.vfat -F "$kind" -s "$spc" "$img" >/dev/null && fill "$img"
	ok $? "FAT$kind: mkfs.vfat and mtools made the tree"
	"$tree" "$img" | sort >"$tmp/ours"
	mdir -/ -b -i "$img" ::/ | sed 's|^::/||' | sort >"$tmp/theirs"
	diff "$tmp/theirs" "$tmp/ours" >"$tmp/diff"
	ok $? "FAT$kind: fat-tree lists what mdir lists ($(wc -l <"$tmp/theirs") paths)"
	[ -s "$tmp/diff" ] && diag "$(head -20 "$tmp/diff")"
	"$tree" --esp "$img" >"$tmp/esp"
	is "$(tr '\n' ';' <"$tmp/esp")" \
		"fallback 1;windows 1;loader Microsoft Boot/bootmgfw.efi;loader debian shimx64.efi;" \
		"FAT$kind: the ESP's fallback loader, Windows's boot manager, and one loader per OS (shim first)"
done

# an ESP whose only loader is GRUB's, under a distribution's name, and no fallback
truncate -s 8M "$tmp/grub.img" && mkfs.vfat "$tmp/grub.img" >/dev/null &&
	mmd -i "$tmp/grub.img" ::/EFI ::/EFI/arch && mcopy -i "$tmp/grub.img" "$tmp/efi" ::/EFI/arch/mmx64.efi &&
	mcopy -i "$tmp/grub.img" "$tmp/efi" ::/EFI/arch/grubx64.efi
"$tree" --esp "$tmp/grub.img" >"$tmp/esp"
is "$(tr '\n' ';' <"$tmp/esp")" "fallback 0;windows 0;loader arch grubx64.efi;" \
	"an ESP with GRUB under EFI/arch (after a MOK manager) and no EFI/BOOT/BOOTX64.EFI"

# a short name renamed by a tool that knows no long names (as DOS did): the long name's
# checksum no longer matches it, and the short name is the name, as mtools and Windows read it
cp "$tmp/fat16.img" "$tmp/renamed.img"
python3 "$damage" "$tmp/renamed.img" rename ADIREC
ok $? "FAT16: a long-named directory's short name rewritten"
"$tree" "$tmp/renamed.img" | sort >"$tmp/ours"
mdir -/ -b -i "$tmp/renamed.img" ::/ | sed 's|^::/||' | sort >"$tmp/theirs"
diff "$tmp/theirs" "$tmp/ours" >"$tmp/diff" && grep -q '^RENAMED/$' "$tmp/ours"
ok $? "the orphaned long name is dropped: fat-tree lists RENAMED/, as mdir does"
[ -s "$tmp/diff" ] && diag "$(head -10 "$tmp/diff")"

# a long name holding an escape sequence and a slash (another machine's bytes): shown as '?',
# never raw, and never read as a path
cp "$tmp/fat16.img" "$tmp/hostile.img"
python3 "$damage" "$tmp/hostile.img" hostile ADIREC
ok $? "FAT16: ESC and / written into a long name"
"$tree" "$tmp/hostile.img" >"$tmp/ours"
grep -qx '??directory with a long name/' "$tmp/ours" && ! LC_ALL=C grep -q "$(printf '\033')" "$tmp/ours"
ok $? "listed as ??directory with a long name/, no escape byte in the output"

# damage: the chain of FAT16's directory "many" made to loop (its first cluster's FAT entry
# points back to itself)
cp "$tmp/fat16.img" "$tmp/loop.img"
python3 "$damage" "$tmp/loop.img" loop "MANY  "
ok $? "FAT16: the directory's chain now loops"
"$tree" "$tmp/loop.img" >"$tmp/ours"
is "$?/$(tail -1 "$tmp/ours")" \
	"1/broken: a cluster is read twice as a directory (a chain loops, or a directory holds itself or a parent)" \
	"a looping chain is refused, not followed"

# a directory of one 32 KiB cluster whose 1022 entries are all itself (a 1 MiB hostile volume):
# walked without a visited set, even the ESP's 4 levels are 1022^3 directories; each cluster
# is read once instead
truncate -s 1M "$tmp/self.img" && mkfs.vfat -F 12 -s 64 "$tmp/self.img" >/dev/null &&
	mmd -i "$tmp/self.img" ::/SELF ::/SELF/D1 && python3 "$damage" "$tmp/self.img" self "SELF  "
ok $? "FAT12: directory SELF made to hold itself 1022 times"
for mode in "" --esp; do
	timeout 10 "$tree" $mode "$tmp/self.img" >"$tmp/ours"
	is "$?/$(tail -1 "$tmp/ours")" \
		"1/broken: a cluster is read twice as a directory (a chain loops, or a directory holds itself or a parent)" \
		"fat-tree ${mode:-walk}: a directory that holds itself is refused at once, not walked"
done
# a FAT32 layout with fewer clusters than FAT32 needs (mkfs.vfat -F 32 on a small partition; made
# here from a full one by tests/lib/fat32_shrink.py): read as FAT32, as Linux and fsck.vfat read
# it, path for path as fsck.vfat -l lists it, and said to have that many clusters
shrink="$(dirname "$0")/lib/fat32_shrink.py"
truncate -s 40M "$tmp/short.img" && mkfs.vfat -F 32 -s 1 "$tmp/short.img" >/dev/null &&
	mmd -i "$tmp/short.img" ::/EFI ::/EFI/BOOT ::/EFI/debian &&
	mcopy -i "$tmp/short.img" "$tmp/efi" ::/EFI/BOOT/BOOTX64.EFI &&
	mcopy -i "$tmp/short.img" "$tmp/efi" ::/EFI/debian/grubx64.efi &&
	python3 "$shrink" "$tmp/short.img" 10000
ok $? "a FAT32 of 10000 clusters, with an ESP's loaders"
if command -v fsck.vfat >/dev/null; then
	"$tree" "$tmp/short.img" | sed 's|/$||' | tr a-z A-Z | sort >"$tmp/ours"
	fsck.vfat -n -l "$tmp/short.img" 2>/dev/null | sed -n 's|^Checking file /\(.\)|\1|p' | sort >"$tmp/theirs"
	is "$(tr '\n' ' ' <"$tmp/ours")" "$(tr '\n' ' ' <"$tmp/theirs")" \
		"its tree as fsck.vfat -l lists it ($(wc -l <"$tmp/theirs") paths)"
	want=$(fsck.vfat -n "$tmp/short.img" 2>/dev/null | sed -n 's|.*files, [0-9]*/\([0-9]*\) clusters$|\1|p')
	is "$("$tree" --esp "$tmp/short.img" | tr '\n' ';')" \
		"fallback 1;windows 0;loader debian grubx64.efi;fat32-short $want;" \
		"--esp: its loaders, and FAT32 with $want clusters (fsck.vfat's count): too few for UEFI"
else
	skip 2 "fsck.vfat is missing"
fi
cp "$tmp/fat16.img" "$tmp/wiped.img"
dd if=/dev/zero of="$tmp/wiped.img" bs=512 count=1 conv=notrunc status=none
"$tree" "$tmp/wiped.img" >"$tmp/ours"
is "$?/$(cat "$tmp/ours")" "1/broken: its boot sector is not a FAT's" "a wiped boot sector is refused"
done_testing

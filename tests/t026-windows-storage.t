#!/bin/sh
# The storage drivers an installed Windows starts at boot (issue 15), read from its SYSTEM hive
# on the NTFS volume: disk/regf.c hands it to libhivex (hives written by hivexsh, every value
# read back as hivexget reads it, hives it refuses refused, saying why), then `virtcap advise partition` on a
# loop disk whose Windows\System32\config\SYSTEM is written through ntfs-3g: the controller it
# picks for each driver set (AHCI, NVMe, virtio, Select\Current naming ControlSet002), a
# StartOverride that keeps storahci from boot, a Windows with no boot driver QEMU offers (a
# blocker with its fix), a hive Windows did not finish writing, a missing one, a compressed
# one (not read, and said); the command QEMU accepts for each controller; the disk unchanged by
# every run.
. "$(dirname "$0")/lib/tap.sh"
for t in hivexsh hivexget python3; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps)"
done
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/loop.sh"
cleanup() {
	umount "$tmp/mnt" 2>/dev/null
	detach_all
	rm -rf "$tmp"
}
trap cleanup EXIT
get="$TEST_BIN/regf-get"

# hive OUT: an empty hive filled by hivexsh from the commands on stdin
hive() {
	python3 "$top/tests/lib/regf_empty.py" "$1" && { cat; echo commit; } | hivexsh -w "$1"
}
# services CS NAME=START...: hivexsh commands adding ControlSetCS\Services\NAME with Start
services() {
	printf 'cd \\ \nadd ControlSet%s\ncd ControlSet%s\nadd Services\ncd Services\n' "$1" "$1"
	shift
	for s in "$@"; do
		printf 'add %s\ncd %s\nsetval 2\nStart\ndword:%s\nType\ndword:1\ncd ..\n' \
			"${s%%=*}" "${s%%=*}" "${s#*=}"
	done
}
# select N: Select\Current = N
select_set() { printf 'add Select\ncd Select\nsetval 1\nCurrent\ndword:%s\n' "$1"; }
# override CS NAME VALUE: NAME's StartOverride subkey, its value "0" = VALUE
override() {
	printf 'cd \\ControlSet%s\\Services\\%s\nadd StartOverride\ncd StartOverride\nsetval 1\n0\ndword:%s\n' \
		"$1" "$2" "$3"
}

# ---- disk/regf.c against hivexget ----
many=""
for i in $(seq 1 400); do many="$many filler$i=3"; done
# shellcheck disable=SC2086
{ select_set 2; services 001 storahci=3 stornvme=0; services 002 storahci=0 stornvme=3 $many
	override 002 storahci 3; } | hive "$tmp/two.hiv"
ok $? "hivexsh wrote a hive: two control sets, 400 more services, a StartOverride"
for q in 'Select Current' 'ControlSet001\Services\storahci Start' \
	'ControlSet001\Services\stornvme Start' 'ControlSet002\Services\storahci Start' \
	'controlset002\SERVICES\StorNVMe Start' 'ControlSet002\Services\filler400 Start' \
	'ControlSet002\Services\filler1 Type' 'ControlSet002\Services\storahci\StartOverride 0'; do
	key=${q% *} value=${q##* }
	is "$("$get" "$tmp/two.hiv" "$key" "$value")" "$(hivexget "$tmp/two.hiv" "$key" "$value")" \
		"$key, value $value, as hivexget reads it"
done
is "$("$get" "$tmp/two.hiv" 'ControlSet002\Services\filler401' Start)" "no key" \
	"a key that is not there is not found"
is "$("$get" "$tmp/two.hiv" 'ControlSet002\Services\storahci' Nothing)" "no dword" \
	"nor a value that is not there"
! hivexget "$tmp/two.hiv" 'ControlSet002\Services\storahci' Nothing >/dev/null 2>&1
ok $? "(which hivexget does not find either)"
is "$("$get" "$tmp/two.hiv" 'ControlSet002\Services')" "values 0" "a key without values"

python3 "$top/tests/lib/regf_empty.py" "$tmp/bad.hiv" --bad-checksum
for broken in "bad.hiv:its header's checksum is wrong" "cut.hiv:its hive bins are cut short or missing" \
	"text.hiv:it is not a registry hive (no \"regf\" header)"; do
	f=${broken%%:*}
	case $f in
	cut.hiv) head -c 4200 "$tmp/two.hiv" >"$tmp/cut.hiv" ;;
	text.hiv) printf 'Windows Registry Editor Version 5.00\n' >"$tmp/text.hiv" ;;
	esac
	is "$("$get" "$tmp/$f" Select Current)" "broken: ${broken#*:}" "$f refused: ${broken#*:}"
	! hivexget "$tmp/$f" Select Current >/dev/null 2>&1
	ok $? "$f: hivexget refuses it too"
done

# a root key whose "ri" names one "lf" of 65535 entries 65535 times: followed as it stands, one
# lookup is 4.3 billion steps; bounded by the key's room in the hive, it ends at once
python3 "$top/tests/lib/regf_hostile.py" "$tmp/ri.hiv"
ok $? "a hive whose subkey lists repeat one list 65535 times"
for q in 'ControlSet001\Services' 'Nothing'; do
	is "$(timeout 10 "$get" "$tmp/ri.hiv" "$q" Start; echo "exit $?")" "no key
exit 0" "$q: not found, at once (the walk bounded by the hive's size)"
done
! hivexget "$tmp/ri.hiv" Nothing Start >/dev/null 2>&1
ok $? "(hivexget refuses that hive's lists too)"

# ---- the hive on an installed Windows's NTFS, through advise partition ----
if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ]; then
	skip 1 "loop devices and ntfs-3g's FUSE mount need root and /dev/fuse"
	done_testing
	exit
fi
for t in losetup partx sgdisk mkntfs ntfs-3g ntfsinfo setfattr getfattr qemu-system-x86_64; do
	command -v "$t" >/dev/null || bail "$t is missing (make deps)"
done
truncate -s 64M "$tmp/disk.img"
sgdisk -o -n 1:2048:0 -t 1:0700 "$tmp/disk.img" >/dev/null
attach "$tmp/disk.img" || bail "no loop device here"
disk=$_l
mkntfs -F -Q -q "${disk}p1" >/dev/null 2>&1
ok $? "an NTFS on partition 1 of $disk"
mkdir "$tmp/mnt"
config=$tmp/mnt/Windows/System32/config
# on_volume HIVE: the volume's SYSTEM hive is HIVE ("" for none), written through ntfs-3g
on_volume() {
	ntfs-3g "${disk}p1" "$tmp/mnt" || return 1
	mkdir -p "$config" && rm -f "$config/SYSTEM" && { [ -z "$1" ] || cp "$1" "$config/SYSTEM"; }
	_rc=$?
	umount "$tmp/mnt" && return $_rc
}
# System32 as full as a real one spills its index into INDX blocks; the hive that follows is
# written into the gaps of deleted files, so that its data lies in many runs
ntfs-3g "${disk}p1" "$tmp/mnt" && mkdir -p "$config" &&
	for i in $(seq 1 400); do head -c 6000 /dev/zero >"$tmp/mnt/Windows/System32/library-$i.dll"; done &&
	{ head -c 100000000 /dev/zero >"$tmp/mnt/filler" 2>/dev/null; true; } &&
	for i in $(seq 1 2 400); do rm "$tmp/mnt/Windows/System32/library-$i.dll"; done &&
	cp "$tmp/two.hiv" "$config/SYSTEM" &&
	umount "$tmp/mnt"
ok $? "a Windows\\System32 of 200 files, and a SYSTEM hive written into the gaps of 200 more"
runs=$(ntfsinfo -v -F /Windows/System32/config/SYSTEM "${disk}p1" 2>/dev/null |
	grep -c '^[[:space:]]*0x[0-9a-f]*[[:space:]]*0x[0-9a-f]*[[:space:]]*0x[0-9a-f]*$')
[ "${runs:-0}" -gt 4 ]
ok $? "the hive's data lies in $runs runs, as ntfsinfo lists them"

# advise: advise partition's JSON in $tmp/a.json; the disk unchanged by it
advise() {
	sync
	before=$(sha256sum <"$tmp/disk.img")
	"$VIRTCAP" advise partition "${disk}p1" --json >"$tmp/a.json" 2>"$tmp/a.err"
	_rc=$?
	is "$(sha256sum <"$tmp/disk.img")" "$before" "the disk is unchanged by advise partition"
	python3 "$top/tests/lib/validate.py" "$top/reports/schema/partition-advice-v1.json" \
		"$tmp/a.json" >&2
	ok $? "its JSON validates against its schema"
	return $_rc
}
storage() { jget "$tmp/a.json" "d['partitions'][0]['ntfs']['storage']$1"; }
blocker() { jget "$tmp/a.json" "[b['id'] for b in d['boot_for_real']['blockers']]"; }
# qemu_accepts: QEMU takes the advised command (with TCG, stopped before the guest runs)
qemu_accepts() {
	python3 - "$tmp/a.json" <<'PY' >"$tmp/qemu" 2>&1
import json, subprocess, sys
argv = json.load(open(sys.argv[1]))["snapshot"]["command"]
if "-enable-kvm" in argv:
    i = argv.index("-enable-kvm")
    argv[i:i + 3] = ["-accel", "tcg"]
try:
    p = subprocess.run(argv + ["-S", "-display", "none", "-serial", "none", "-monitor",
                               "none", "-net", "none"], timeout=3, capture_output=True, text=True)
    print(p.stderr)
    sys.exit(1)
except subprocess.TimeoutExpired:
    sys.exit(0)
PY
}

advise
ok $? "advise partition on Windows with ControlSet002 current"
is "$(storage "['control_set']")" 2 "Select\\Current names ControlSet002"
is "$(storage "['drivers']['storahci']")" '{"start": 0, "start_override": true}' \
	"storahci: Start 0, kept from boot by its StartOverride"
is "$(storage "['boots_from']")" '[]' "so it boots from no controller"
is "$(blocker)" '["storage-driver"]' "a blocker: no boot driver for any controller"
jget "$tmp/a.json" "d['boot_for_real']['blockers'][0]['fix']" | grep -q 'reg delete HKLM\\SYSTEM\\CurrentControlSet\\Services\\storahci\\StartOverride'
ok $? "its fix deletes storahci's StartOverride"
jget "$tmp/a.json" "d['snapshot']['storage_note']" | grep -q "INACCESSIBLE_BOOT_DEVICE"
ok $? "and the snapshot way warns that Windows will stop"
"$VIRTCAP" advise partition "${disk}p1" >"$tmp/text" 2>&1
grep -q "disk drivers at boot: none for a controller QEMU offers" "$tmp/text" &&
	tr '\n' ' ' <"$tmp/text" | tr -s ' ' | grep -q "starts no driver for a disk controller QEMU offers at boot (storahci Start=0 with a StartOverride, stornvme Start=3)"
ok $? "the text says which drivers it found, and how they start"

for case in "ahci:storahci=0 stornvme=3:ahci,id=ahci" "nvme:storahci=3 stornvme=0:nvme,drive=disk,serial=virtcap" \
	"virtio-blk:storahci=0 viostor=0:virtio-blk-pci,drive=disk" "ide:storahci=4 intelide=0 atapi=0:ide-hd,drive=disk,bus=ide.0" \
	"ahci:intelide=0 msahci=0:ahci,id=ahci"; do
	want=${case%%:*} rest=${case#*:}
	set -- ${rest%%:*}
	{ select_set 1; services 001 "$@"; } | hive "$tmp/case.hiv" && on_volume "$tmp/case.hiv"
	ok $? "a hive whose drivers start: $*"
	advise
	is "$(jget "$tmp/a.json" "d['windows_controller']")" "$want" "$*: Windows is given $want"
	is "$(blocker)" '[]' "$*: no blocker"
	jget "$tmp/a.json" "d['snapshot']['command']" | grep -qF "\"${rest#*:}\""
	ok $? "$*: the command has -device ${rest#*:}"
	qemu_accepts
	ok $? "$*: QEMU accepts the command" || diag "$(cat "$tmp/qemu")"
done
is "$(jget "$tmp/a.json" "d['not_checked']")" '[]' "nothing is left unchecked of a Windows read"

# IDE's controller driver without atapi, its channels' driver, starts no disk
{ select_set 1; services 001 storahci=3 intelide=0 atapi=3; } | hive "$tmp/ide.hiv" &&
	on_volume "$tmp/ide.hiv" && advise
is "$(storage "['boots_from']")/$(blocker)" '[]/["storage-driver"]' \
	"intelide at boot but atapi on demand: no controller, a blocker"



# a hive whose last write Windows did not finish: its sequence numbers differ
python3 - "$tmp/case.hiv" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<I", b, 4, struct.unpack_from("<I", b, 4)[0] + 1)
s = 0
for i in range(127):
    s ^= struct.unpack_from("<I", b, 4 * i)[0]
struct.pack_into("<I", b, 0x1FC, s)
open(sys.argv[1], "wb").write(b)
PY
hivexget "$tmp/case.hiv" Select Current >/dev/null
ok $? "a hive with its sequence numbers apart, which hivexget still reads"
on_volume "$tmp/case.hiv" && advise
is "$(storage "['hive_dirty']")" true "advise says its last write was unfinished"

on_volume "$tmp/bad.hiv" && advise
is "$(storage "['problem']")" "its header's checksum is wrong" "a broken hive: why it was not read"
on_volume "" && advise
is "$(storage "['problem']")" "it is not there" "no hive: said"
is "$(jget "$tmp/a.json" "d['windows_controller']")" ahci "and Windows is given AHCI, the likeliest"
jget "$tmp/a.json" "d['not_checked'][0]" | grep -q "^the storage drivers the installed Windows starts at boot"
ok $? "and the drivers are said not checked"
# a hive NTFS keeps compressed (ntfs-3g compresses what it writes into a directory marked so)
ntfs-3g -o compression "${disk}p1" "$tmp/mnt" && {
	rm -f "$config/SYSTEM" "$tmp/mnt/filler" &&
		setfattr -v 0x00000800 -n system.ntfs_attrib_be "$config" &&
		cp "$tmp/ide.hiv" "$config/SYSTEM" &&
		getfattr -e hex -n system.ntfs_attrib_be "$config/SYSTEM" 2>/dev/null | grep -q '=0x000008'
	_rc=$?
	umount "$tmp/mnt" && [ "$_rc" = 0 ]
}
ok $? "a SYSTEM hive written compressed by ntfs-3g"
advise
is "$(storage "['problem']")" "it is compressed or encrypted by NTFS (virtcap reads plain files only)" \
	"a compressed hive: said not read, and why"
done_testing

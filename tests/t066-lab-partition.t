#!/bin/sh
# advise partition --prove on real KVM: the lab (nested SVM under QEMU's emulated CPU) gets a
# BIOS disk that boots GRUB as a read-only virtio disk (lab --disk), carries this host's QEMU
# (--with-stack), and inside it virtcap boots /dev/vda through a snapshot overlay under the
# lab's KVM: the firmware hands over, GRUB draws, and the file is byte-for-byte unchanged.
# t024 does the same under TCG on this host's loop devices.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/lab.sh"
for t in qemu-system-x86_64 sfdisk grub-mkimage; do
	command -v "$t" >/dev/null || bail "$t is missing: make deps"
done
boot_img=/usr/lib/grub/i386-pc/boot.img
[ -r "$boot_img" ] || bail "$boot_img is missing: make deps (grub-pc-bin)"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
top=$(cd "$(dirname "$0")/.." && pwd)

# the disk: GRUB's boot sector and a core.img that waits a second, then writes (t024 says why)
printf 'sleep 1\necho "GRUB, booted from the disk"\nsleep --verbose 600\n' >"$tmp/early.cfg"
grub-mkimage -O i386-pc -o "$tmp/core.img" -c "$tmp/early.cfg" -p '(hd0)/' \
	biosdisk part_msdos echo sleep &&
	truncate -s 32M "$tmp/bios.img" && printf 'label: dos\n2048,,83\n' | sfdisk -q "$tmp/bios.img" &&
	dd if="$boot_img" of="$tmp/bios.img" bs=440 count=1 conv=notrunc status=none &&
	dd if="$tmp/core.img" of="$tmp/bios.img" bs=512 seek=1 conv=notrunc status=none
ok $? "an MBR disk that boots GRUB"
before=$(sha256sum <"$tmp/bios.img")

# no retry of a proof that did not boot: that is virtcap's verdict (run_lab retries only a lab
# that never reached virtcap, or whose kernel stopped)
run_lab "$tmp/p.json" "$tmp/err" --json --with-stack --disk "$tmp/bios.img" --timeout 600 -- \
	advise partition /dev/vda --prove --timeout 180
rc=$?
is "$(sha256sum <"$tmp/bios.img")" "$before" "the disk file is unchanged"
lab_gave_no_report "$tmp/p.json" "$tmp/err" && { done_testing; exit; }
is "$rc" 0 "the lab ran advise partition /dev/vda --prove"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d.pop("lab")
json.dump(d, open(sys.argv[2], "w"))' "$tmp/p.json" "$tmp/advice.json" &&
	/usr/bin/python3 "$top/tests/lib/validate.py" "$top/reports/schema/partition-advice-v1.json" \
		"$tmp/advice.json"
ok $? "the advice validates (the lab's own record aside)"
proof() { jget "$tmp/p.json" "d['proof']$1"; }
is "$(jget "$tmp/p.json" "d['kvm']")/$(proof "['accel']")" "true/kvm" \
	"the lab runs a 64-bit OS under KVM, so the proof boots under KVM"
is "$(proof "['verdict']")/$(proof "['firmware_said']")/$(jget "$tmp/p.json" "d['mbr_boot_code']")" \
	"boots/Booting from 0000:7c00/GRUB" \
	"the firmware started GRUB's boot code from the disk, and GRUB drew on the screen"
[ "$(proof "['verdict']")" = boots ] || diag "the proof: $(proof "['reason']")"
[ "$(proof "['screen_ms']")" -ge "$(proof "['handover_ms']")" ] 2>/dev/null
ok $? "it drew after the hand-over ($(proof "['handover_ms']") -> $(proof "['screen_ms']") ms of lab time)"

# the option's bad input, said before anything boots
"$VIRTCAP" lab --disk "$tmp/none.img" -- probe >/dev/null 2>"$tmp/e"
is "$?:$(cat "$tmp/e")" "2:virtcap lab: --disk '$tmp/none.img': not a readable regular file" \
	"a missing disk file: exit 2, named"
mkdir -p "$tmp/a,b" && cp "$tmp/core.img" "$tmp/a,b/d.img"
"$VIRTCAP" lab --disk "$tmp/a,b/d.img" -- probe >/dev/null 2>"$tmp/e"
grep -q "cannot name a path with a comma" "$tmp/e"
ok $? "a path with a comma, which QEMU's -drive would split: refused"
"$VIRTCAP" lab --engine bochs --disk "$tmp/bios.img" -- probe >/dev/null 2>"$tmp/e"
grep -q "^virtcap lab: --disk: the QEMU engine" "$tmp/e"
ok $? "--disk with Bochs: refused"
done_testing

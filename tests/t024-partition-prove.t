#!/bin/sh
# virtcap advise partition DEVICE --prove (root only: loop devices) boots each disk with this
# host's QEMU, read-only through a snapshot, under TCG here: real boot loaders made by GRUB's
# own tools (BIOS: grub-mkimage's core.img behind GRUB's boot.img, counting down on the
# screen; UEFI: grub-mkstandalone's BOOTX64.EFI on an EFI system partition, writing to the
# console) boot; a boot sector of zeros is started and shows nothing; a disk with no boot
# signature, and an EFI system partition without a loader, are said to hold nothing to boot.
# Every disk is byte-for-byte unchanged after its run (QEMU is given it as a read-only
# descriptor), and the JSON validates.
. "$(dirname "$0")/lib/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "loop devices need root"
for t in losetup sfdisk sgdisk grub-mkimage grub-mkstandalone mkfs.vfat mmd mcopy \
	qemu-system-x86_64; do
	command -v "$t" >/dev/null || skip_all "$t is missing (make deps)"
done
boot_img=/usr/lib/grub/i386-pc/boot.img
[ -r "$boot_img" ] || skip_all "$boot_img is missing (make deps: grub-pc-bin)"
[ -r /usr/share/ovmf/OVMF.fd ] || skip_all "OVMF is missing (make deps)"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/loop.sh"
trap 'detach_all; rm -rf "$tmp"' EXIT

# prove IMAGE WHAT: --prove on IMAGE as a loop device, its JSON in $tmp/WHAT.json; the image
# must be unchanged after it
prove_disk() {
	cur=$2
	attach "$1" || { ok 1 "$2: a loop device"; return 1; }
	_before=$(sha256sum <"$1")
	"$VIRTCAP" advise partition "$_l" --prove --timeout "${3:-60}" --json >"$tmp/$2.json" \
		2>"$tmp/$2.err"
	is "$?" 0 "$2: advise partition --prove ran"
	is "$(sha256sum <"$1")" "$_before" "$2: the disk is unchanged"
	python3 "$top/tests/lib/validate.py" "$top/reports/schema/partition-advice-v1.json" \
		"$tmp/$2.json"
	ok $? "$2: the report validates"
}
# proof EXPR: a field of the last proof's JSON
proof() { jget "$tmp/$cur.json" "d['proof']$1"; }
# real: booting for real as the advice has it after the proof: its verdict and blocker ids
real() { jget "$tmp/$cur.json" "d['boot_for_real']['verdict'] + ' ' + ','.join(b['id'] for b in d['boot_for_real']['blockers'])"; }

# BIOS: GRUB's boot sector (boot.img, the partition table kept) and its core.img in the gap
# before the first partition, with a config built in that counts down, as a boot menu does.
# It waits a second before it writes: what a boot loader draws in the instant of the hand-over
# can be in the screen taken as the hand-over's, and then nothing changes after it (a
# countdown's digits are fewer pixels than a change): the proof says "started", as it says
printf 'sleep 1\necho "GRUB, booted from the disk"\nsleep --verbose 600\n' >"$tmp/early.cfg"
grub-mkimage -O i386-pc -o "$tmp/core.img" -c "$tmp/early.cfg" -p '(hd0)/' \
	biosdisk part_msdos echo sleep
ok $? "grub-mkimage made a BIOS core.img"
truncate -s 32M "$tmp/bios.img" && printf 'label: dos\n2048,,83\n' | sfdisk -q "$tmp/bios.img" &&
	dd if="$boot_img" of="$tmp/bios.img" bs=440 count=1 conv=notrunc status=none &&
	dd if="$tmp/core.img" of="$tmp/bios.img" bs=512 seek=1 conv=notrunc status=none
ok $? "an MBR disk that boots GRUB"
prove_disk "$tmp/bios.img" bios
is "$(proof "['verdict']")/$(proof "['firmware_said']")/$(jget "$tmp/bios.json" "d['mbr_boot_code']")" \
	"boots/Booting from 0000:7c00/GRUB" \
	"BIOS GRUB: the advice reads GRUB's boot code; the firmware started it, and it drew on the screen"
[ "$(proof "['screen_ms']")" -ge "$(proof "['handover_ms']")" ] 2>/dev/null
ok $? "BIOS GRUB: it drew after the hand-over ($(proof "['handover_ms']") -> $(proof "['screen_ms']") ms)"
is "$(real)" "no-blocker-found " "BIOS GRUB, proven to boot: nothing stops booting it for real"
# KVM when the advice found that this host runs a 64-bit OS under it, else TCG
[ "$(jget "$tmp/bios.json" "d['kvm']")" = true ] && accel=kvm || accel=tcg
is "$(jget "$tmp/bios.json" "d['boots']")/$(proof "['accel']")" "bios/$accel" \
	"BIOS, under $accel here, as the advice's kvm says"

# UEFI: a GPT disk whose EFI system partition holds GRUB as the removable-media loader
printf 'echo "GRUB (EFI), booted from the disk"\nsleep 600\n' >"$tmp/grub.cfg"
grub-mkstandalone -O x86_64-efi -o "$tmp/BOOTX64.EFI" --fonts= --locales= --themes= \
	--install-modules="normal echo sleep configfile memdisk tar" \
	"boot/grub/grub.cfg=$tmp/grub.cfg"
ok $? "grub-mkstandalone made BOOTX64.EFI"
truncate -s 16M "$tmp/esp.fat" && mkfs.vfat "$tmp/esp.fat" >/dev/null &&
	mmd -i "$tmp/esp.fat" ::/EFI ::/EFI/BOOT &&
	mcopy -i "$tmp/esp.fat" "$tmp/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI &&
	truncate -s 40M "$tmp/uefi.img" &&
	sgdisk -o -n 1:2048:+16M -t 1:ef00 "$tmp/uefi.img" >/dev/null &&
	dd if="$tmp/esp.fat" of="$tmp/uefi.img" bs=512 seek=2048 conv=notrunc status=none
ok $? "a GPT disk with GRUB on its EFI system partition"
prove_disk "$tmp/uefi.img" uefi 120
is "$(proof "['verdict']")/$(proof "['console_said']")" "boots/Welcome to GRUB!" \
	"UEFI GRUB: OVMF started it, and it wrote to the console"
case $(proof "['firmware_said']") in
"BdsDxe: starting Boot"*) ok 0 "UEFI GRUB: OVMF's hand-over line is quoted" ;;
*) ok 1 "UEFI GRUB: OVMF's hand-over line is quoted"; diag "$(proof "['firmware_said']")" ;;
esac

# the same EFI system partition without its loader: OVMF falls back to its shell
mdel -i "$tmp/esp.fat" ::/EFI/BOOT/BOOTX64.EFI && cp "$tmp/uefi.img" "$tmp/noloader.img" &&
	dd if="$tmp/esp.fat" of="$tmp/noloader.img" bs=512 seek=2048 conv=notrunc status=none
prove_disk "$tmp/noloader.img" noloader 120
is "$(proof "['verdict']")" no "no loader on the EFI system partition: nothing to boot"
case $(proof "['reason']") in
*"found nothing to boot"*"EFI Internal Shell"*) ok 0 "and the reason quotes OVMF's fall-back" ;;
*) ok 1 "and the reason quotes OVMF's fall-back"; diag "$(proof "['reason']")" ;;
esac
is "$(real)" "no does-not-boot" \
	"a proof that it does not boot: booting for real is no, the proof its blocker (issue 24)"

# GRUB installed as a distribution installs it without --removable: EFI/debian/grubx64.efi
# and no fallback loader. The advice says a new VM's firmware will not find it, and what to
# type in its shell; the proof agrees: OVMF falls back to its shell
truncate -s 16M "$tmp/nofb.fat" && mkfs.vfat "$tmp/nofb.fat" >/dev/null &&
	mmd -i "$tmp/nofb.fat" ::/EFI ::/EFI/debian &&
	mcopy -i "$tmp/nofb.fat" "$tmp/BOOTX64.EFI" ::/EFI/debian/grubx64.efi &&
	cp "$tmp/uefi.img" "$tmp/nofb.img" &&
	dd if="$tmp/nofb.fat" of="$tmp/nofb.img" bs=512 seek=2048 conv=notrunc status=none
ok $? "a GPT disk with GRUB at EFI/debian/grubx64.efi only"
prove_disk "$tmp/nofb.img" nofb 120
is "$(jget "$tmp/nofb.json" "d['partitions'][0]['esp_contents']['loaders']")/$(jget "$tmp/nofb.json" \
	"d['partitions'][0]['esp_contents']['fallback_loader']")" '["EFI/debian/grubx64.efi"]/false' \
	"the ESP's contents: GRUB under EFI/debian, no fallback loader"
case $(jget "$tmp/nofb.json" "d['snapshot']['uefi_note']") in
*"type FS0:\EFI\debian\grubx64.efi"*) ok 0 "the advice: it stops in the UEFI shell, and what to type there" ;;
*) ok 1 "the advice: it stops in the UEFI shell, and what to type there"
   diag "$(jget "$tmp/nofb.json" "d['snapshot']['uefi_note']")" ;;
esac
is "$(proof "['verdict']")" no "and the proof agrees: OVMF found nothing it would start by itself"

# an MBR with its signature and no code: started, and nothing shows
truncate -s 32M "$tmp/nocode.img" && printf 'label: dos\n2048,,83\n' | sfdisk -q "$tmp/nocode.img"
prove_disk "$tmp/nocode.img" nocode 8
is "$(proof "['verdict']")/$(proof "['screen_ms']")/$(jget "$tmp/nocode.json" "d['mbr_boot_code']")" \
	"started/null/none" \
	"a boot sector of zeros: the advice reads no boot code, and the proof sees it started and nothing drawn in 8 s"
is "$(real)" "no nothing-to-boot" "no boot code and no ESP: nothing to boot, said as a blocker"
jget "$tmp/nocode.json" "d['snapshot']['boot_note']" | grep -q "^nothing on this disk boots"
ok $? "and the snapshot way says it: the VM stops in its firmware"

# no boot signature at all: SeaBIOS says so
truncate -s 32M "$tmp/blank.img"
prove_disk "$tmp/blank.img" blank
is "$(proof "['verdict']")/$(proof "['firmware_said']")" "no/No bootable device." \
	"a blank disk: the firmware found nothing to boot"
is "$(real)" "no nothing-to-boot,does-not-boot" "a blank disk: nothing to boot, and the proof's no"

# TMPDIR with a space, a comma and a newline (issue 24), longer than a Unix socket's path may
# be: QEMU runs in its work directory, its files and sockets have short names of virtcap's there,
# and virtcap reaches them through the directory's descriptor, so GRUB is seen drawing as above
# (through the human monitor, the path split at the space and the screen was never read:
# "started"; a QMP socket at the full path was ENAMETOOLONG)
odd="$tmp/a dir, with
a newline/$(printf 'long-%.0s' $(seq 24))"
mkdir -p "$odd"
TMPDIR=$odd prove_disk "$tmp/bios.img" odd-tmpdir
is "$(proof "['verdict']")/$(ls -A "$odd" | wc -l)" "boots/0" \
	"TMPDIR with a space, a comma, a newline, ${#odd} bytes: GRUB seen booting, nothing left there"

# a disk whose boot code writes to it forever (int 13h extended writes, 32 KiB a call): the
# guest's writes go to the snapshot overlay, which virtcap bounds: the proof stops at 256 MiB
# written and says so, and the disk is unchanged (prove_disk checks)
cat >"$tmp/writer.S" <<'ASM'
	.code16
	.globl _start
_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %ss
	mov $0x7c00, %sp
1:	mov $dap, %si
	mov $0x4300, %ax
	mov $0x80, %dl
	int $0x13
	addl $64, lba
	cmpl $100000, lba
	jb 1b
	movl $1, lba
	jmp 1b
	.balign 4
dap:	.byte 16, 0
	.word 64
	.word 0x8000, 0
lba:	.long 1, 0
	.org 510
	.word 0xaa55
ASM
as --32 -o "$tmp/writer.o" "$tmp/writer.S" && ld -m elf_i386 -Ttext=0x7c00 --oformat=binary \
	-o "$tmp/writer.bin" "$tmp/writer.o" && truncate -s 64M "$tmp/writer.img" &&
	dd if="$tmp/writer.bin" of="$tmp/writer.img" bs=512 count=1 conv=notrunc status=none
ok $? "a disk whose boot code writes 32 KiB after 32 KiB, forever"
prove_disk "$tmp/writer.img" writer 120
case $(proof "['reason']") in "stopped after "*" ms by virtcap's bound: the guest wrote "*" MiB to its disk, more than the 256 MiB"*)
	ok 0 "the proof stops at the snapshot's bound, and says so" ;;
*) ok 1 "the proof stops at the snapshot's bound, and says so"; diag "$(proof "['reason']")" ;; esac

# Ctrl-C while the disk boots (boot code that spins, so the proof waits its whole timeout):
# virtcap dies of it, and neither QEMU nor its work directory outlives it
printf '\353\376' >"$tmp/spin.img" && truncate -s 1M "$tmp/spin.img" &&
	printf '\125\252' | dd of="$tmp/spin.img" bs=1 seek=510 conv=notrunc status=none
attach "$tmp/spin.img" || bail "a loop device"
mkdir "$tmp/itd"
TMPDIR=$tmp/itd env --default-signal=INT "$VIRTCAP" advise partition "$_l" --prove --timeout 60 \
	>/dev/null 2>&1 &
pid=$!
for i in $(seq 100); do pgrep -f 'qemu-system-x86_64.*the-disk-read-only' >/dev/null && break; sleep 0.1; done
sleep 1
kill -INT "$pid"
wait "$pid"
is "$?" 130 "SIGINT during the proof ends virtcap (status 130)"
sleep 1
pgrep -f 'qemu-system-x86_64.*the-disk-read-only' >/dev/null
is "$?" 1 "no QEMU of it is left running"
is "$(ls -A "$tmp/itd")" "" "and its work directory is gone"

# without --prove there is no proof
"$VIRTCAP" advise partition "$_l" --json >"$tmp/plain.json" 2>/dev/null
is "$(jget "$tmp/plain.json" "d['proof']")" null "without --prove: no boot, proof null"
"$VIRTCAP" advise os64 --prove >/dev/null 2>"$tmp/e1"
is "$?/$(grep -c 'belongs to virtcap advise partition' "$tmp/e1")" "2/1" \
	"--prove elsewhere: a usage error"
done_testing

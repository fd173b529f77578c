#!/bin/sh
# make deps: the Debian packages a purpose needs, installed when missing.
#   scripts/deps.sh run     build and run virtcap (make run): the compiler and three libraries
#   scripts/deps.sh check   and every test's tools (make check): QEMU, Bochs, libvirt, ...
#   scripts/deps.sh fuzz    build and fuzz (make fuzz): clang with libFuzzer
#   scripts/deps.sh deb     build a Debian package (make deb): dpkg-dev, debhelper, lintian
#   scripts/deps.sh bench   check's, and the tools virtcap is timed against (make bench)
#   scripts/deps.sh all     all of them (make deps)
#   scripts/deps.sh --list PURPOSE   print the packages, one per line, and do nothing else
# As root, installs what is missing; otherwise prints the exact command to run and exits 1.
# One dpkg-query call when everything is present, so it costs nothing on every make.
set -eu

# build and run: compiler, pkg-config, the three libraries chosen for the field, zlib, pci.ids
RUN="gcc make pkg-config libcpuid-dev libpci-dev libjson-c-dev zlib1g-dev libhivex-dev libblkid-dev libarchive-dev pci.ids"

# check: the static binaries need the 32-bit libc for gcc -m32 (scripts/static.sh fetches the
# i386 libraries)
CHECK="gcc-multilib"
# and the arm64 one clang and lld (gcc-aarch64-linux-gnu conflicts with gcc-multilib), with
# llvm's objcopy for hv-mini's arm64 guests; the arm64 C library and libraries are fetched as
# the i386 ones are
CHECK="$CHECK clang-14 lld llvm-14"
# prove (perl), the system python3 with jsonschema to validate reports, groff for man, pgrep
# (procps) to find an emulator a test must see gone
CHECK="$CHECK perl python3 python3-jsonschema groff-base file procps"
# setfacl: t041 gives a real /dev/kvm node an ACL entry, as systemd-logind does
CHECK="$CHECK acl"
# libcpuid's own cpuid_tool: its --save files are a dump format virtcap reads (t014)
CHECK="$CHECK cpuidtool"
# the real tools the integrations are tested against: promtool (Prometheus), Ansible (the fact
# script and the playbook), headless Chromium (the fleet page), the Kubernetes client's models
# (the DaemonSet and pod manifests)
CHECK="$CHECK prometheus ansible-core chromium python3-kubernetes python3-yaml"
# lab: QEMU's emulated CPU with SVM, busybox and cpio for the initramfs
CHECK="$CHECK qemu-system-x86 cpio"
# prove --stack qemu's media: qcow2 images (qemu-img), a FAT floppy image and its files, and
# iproute2's ip for the tap device (busybox's cannot make one)
CHECK="$CHECK qemu-utils dosfstools mtools iproute2"
# disks as dual-boot machines have them (t021): partitioned by sgdisk and sfdisk, each file
# system made by its own tool, read by partx and blkid (util-linux) as the yardstick
CHECK="$CHECK gdisk fdisk e2fsprogs ntfs-3g cryptsetup-bin btrfs-progs util-linux"
# an installed Windows's SYSTEM hive (t026): written by libhivex's hivexsh, read by its hivexget;
# setfattr (attr) has ntfs-3g write one compressed
CHECK="$CHECK libhivex-bin attr"
# advise partition's printed command for a UEFI disk, run by t022: QEMU's UEFI firmware; and
# the real boot loaders its --prove boots in t024 (GRUB for BIOS and for UEFI, made by
# grub-mkimage and grub-mkstandalone, which grub-common holds)
CHECK="$CHECK ovmf grub-common grub-pc-bin grub-efi-amd64-bin"
# prove --stack libvirt: its client and the daemon a user's qemu:///session starts
CHECK="$CHECK libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu"
# VMX: Bochs emulates it (QEMU does not); bochs-term is its display that needs no X or port
CHECK="$CHECK bochs bochs-term bochsbios vgabios"
# the Bochs lab boots Linux from a CD: isolinux and the tool that makes the image
CHECK="$CHECK xorriso isolinux syslinux-common"

# prove --foreign (t103): QEMU's user-mode emulators with their binfmt_misc registrations, and
# the cross assemblers that build foreign/*.elf again to compare with the tree's
CHECK="$CHECK qemu-user-static binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf"
CHECK="$CHECK binutils-riscv64-linux-gnu binutils-powerpc64le-linux-gnu binutils-s390x-linux-gnu"
# and its kernel boots (t104): QEMU for arm64 and 32-bit ARM, POWER (qemu-system-ppc) and IBM Z
# (in qemu-system-misc), and the arm64 UEFI firmware the
# arm64 row also needs (t104 checks the row's verdict: emulation)
CHECK="$CHECK qemu-system-arm qemu-efi-aarch64 qemu-system-ppc qemu-system-misc"

# make deb: the Debian packaging tools, and lintian to check the package (t019 builds it)
DEB="dpkg-dev debhelper lintian"
CHECK="$CHECK $DEB systemd"

# fuzzing: clang with libFuzzer (the sanitizer pass of make check uses gcc)
FUZZ="clang-14 libclang-rt-14-dev"

# bench: the tools virtcap is measured against (virt-host-validate, kvm-ok), and the timer
BENCH="libvirt-clients cpu-checker hyperfine"

list=0
[ "${1:-}" = --list ] && { list=1; shift; }
case ${1:-all} in
run) PKGS=$RUN; purpose="build and run" ;;
check) PKGS="$RUN $CHECK"; purpose="build and test" ;;
fuzz) PKGS="$RUN $FUZZ"; purpose="fuzz" ;;
deb) PKGS="$RUN $DEB"; purpose="build a Debian package" ;;
bench) PKGS="$RUN $CHECK $BENCH"; purpose="benchmark" ;;
all) PKGS="$RUN $CHECK $FUZZ $BENCH"; purpose="build, test, fuzz and benchmark" ;;
*) echo "deps.sh: no purpose named '$1' (run, check, fuzz, deb, bench, all)" >&2; exit 2 ;;
esac
PKGS=$(printf '%s\n' $PKGS | awk '!seen[$0]++')
if [ "$list" = 1 ]; then
	printf '%s\n' $PKGS
	exit 0
fi

missing=""
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $PKGS 2>/dev/null |
	awk '$2 == "ii" { print $1 }')
for p in $PKGS; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "virtcap needs these Debian packages to $purpose:$missing" >&2
	echo "install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "make deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# a mirror in the middle of a sync fails one index ("File has unexpected size"): retry once,
# then go on with the lists we have rather than stop
apt-get update -qq || { sleep 5; apt-get update -qq; } ||
	echo "make deps: apt-get update failed for some lists; trying with those it has" >&2
apt-get install -y -qq --no-install-recommends $missing

#!/bin/sh
# make deps: install the Debian packages virtcap needs to build, test and benchmark.
# As root, installs what is missing; otherwise prints the exact command to run. One dpkg-query
# call when everything is present, so it costs nothing on every `make check`.
set -eu

# build: compiler, pkg-config and the three libraries chosen for the field (+ zlib, pci.ids)
PKGS="gcc make pkg-config libcpuid-dev libpci-dev libjson-c-dev zlib1g-dev pci.ids"
# static binaries: 32-bit libc for gcc -m32 (the i386 libraries are fetched by scripts/static.sh)
PKGS="$PKGS gcc-multilib"
# tests: prove (perl), the system python3 with jsonschema to validate reports, groff for man,
# pgrep (procps) to find an emulator a test must see gone
PKGS="$PKGS perl python3 python3-jsonschema groff-base file procps"
# libcpuid's own cpuid_tool: its --save files are a dump format virtcap reads (t014)
PKGS="$PKGS cpuidtool"
# the real tools the integrations are tested against: promtool (Prometheus)
PKGS="$PKGS prometheus"
# Ansible (the fact script and the collection playbook are tested with it)
PKGS="$PKGS ansible-core"
# the fleet page is rendered in headless Chromium by the tests
PKGS="$PKGS chromium"
# fuzzing: clang with libFuzzer (the sanitizer pass of make check uses gcc)
PKGS="$PKGS clang-14 libclang-rt-14-dev"
# lab: QEMU's emulated CPU with SVM, busybox and cpio for the initramfs
PKGS="$PKGS qemu-system-x86 cpio"
# prove --stack qemu's media: qcow2 images (qemu-img), a FAT floppy image and its files, and
# iproute2's ip for the tap device (busybox's cannot make one)
PKGS="$PKGS qemu-utils dosfstools mtools iproute2"
# prove --stack libvirt: its client and the daemon a user's qemu:///session starts
PKGS="$PKGS libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu"
# VMX: Bochs emulates it (QEMU does not); bochs-term is its display that needs no X or port
PKGS="$PKGS bochs bochs-term bochsbios vgabios"
# the Bochs lab boots Linux from a CD: isolinux and the tool that makes the image
PKGS="$PKGS xorriso isolinux syslinux-common"
# bench: the tools virtcap is measured against, and the timer
PKGS="$PKGS libvirt-clients cpu-checker hyperfine"

missing=""
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $PKGS 2>/dev/null |
	awk '$2 == "ii" { print $1 }')
for p in $PKGS; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "virtcap needs these Debian packages:$missing" >&2
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

#!/bin/sh
# scripts/foreign.sh: build foreign/ARCH.elf from foreign/ARCH.S with Debian's cross binutils
# (binutils-aarch64-linux-gnu, -arm-linux-gnueabihf, -riscv64-linux-gnu, -powerpc64le-linux-gnu,
# -s390x-linux-gnu; x86-64's, booted beside
# them for comparison, with this host's own binutils). The ELF files are kept
# in the tree, so that building virtcap needs no cross tool; t103 builds them again and
# compares. -n: one read-only, executable segment, no page alignment (a few hundred bytes).
set -eu
cd "$(dirname "$0")/.."
out=${1:-foreign}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pair in aarch64:aarch64-linux-gnu arm:arm-linux-gnueabihf riscv64:riscv64-linux-gnu \
	    ppc64le:powerpc64le-linux-gnu s390x:s390x-linux-gnu x86_64:x86_64-linux-gnu; do
	arch=${pair%%:*} triplet=${pair#*:}
	"$triplet-as" -o "$tmp/$arch.o" "foreign/$arch.S"
	"$triplet-ld" -static -n -s --build-id=none -o "$tmp/$arch.elf" "$tmp/$arch.o"
	cp "$tmp/$arch.elf" "$out/$arch.elf"
done

#!/bin/sh
# make static: ./virtcap-static-x86_64 and ./virtcap-static-i386, self-contained binaries an admin
# copies to any x86 Linux host. Debian ships static libcpuid, json-c, zlib, hivex, blkid and
# libarchive (only its tar and gzip readers are linked in), but no
# libpci.a: the static builds read PCI from sysfs and go without pci.ids names (HAVE_LIBPCI=0).
# The i386 libraries are downloaded as Debian packages into a cache outside the checkout and
# unpacked there; the machine's dpkg set-up is not changed.
set -eu
cd "$(dirname "$0")/.."

cache=${XDG_CACHE_HOME:-$HOME/.cache}/virtcap/i386
i386_pkgs="libcpuid-dev libjson-c-dev zlib1g-dev libhivex-dev libhivex0 libblkid-dev libblkid1 libarchive-dev libarchive13"
jobs=$(nproc 2>/dev/null || echo 2)

# apt-get with i386 as the only architecture and private lists and cache
apt_i386() {
	apt-get -qq -oAPT::Architecture=i386 -oAPT::Architectures=i386 \
		-oDir::State::Lists="$cache/lists" -oDir::Cache="$cache/cache" \
		-oDir::State::Status=/dev/null -oDebug::NoLocking=1 "$@"
}

fetch_i386() {
	# the stamp names the packages: a cache made for fewer is fetched again
	[ "$(cat "$cache/root/.complete" 2>/dev/null)" = "$i386_pkgs" ] && return 0
	rm -rf "$cache/root" "$cache/debs"
	mkdir -p "$cache/lists/partial" "$cache/cache/archives/partial" "$cache/debs" "$cache/root"
	apt_i386 update || { sleep 5; apt_i386 update; } ||
		echo "static: apt-get update (i386) failed for some lists; trying with those it has" >&2
	(cd "$cache/debs" && apt_i386 download $i386_pkgs)
	for deb in "$cache"/debs/*.deb; do
		dpkg-deb -x "$deb" "$cache/root"
	done
	echo "$i386_pkgs" >"$cache/root/.complete"
}

build() {	# ARCH CC-FLAGS SYSROOT-LIB SYSROOT-INC
	arch=$1 flags=$2 libdir=$3 incdir=$4
	make --no-print-directory -j"$jobs" "virtcap-static-$arch" \
		BUILD="build/static-$arch" \
		STATIC_FLAGS="$flags" STATIC_LIBDIR="$libdir" STATIC_INCDIR="$incdir"
}

build x86_64 "-m64" /usr/lib/x86_64-linux-gnu /usr/include
fetch_i386
build i386 "-m32" "$cache/root/usr/lib/i386-linux-gnu" "$cache/root/usr/include"
file virtcap-static-x86_64 virtcap-static-i386

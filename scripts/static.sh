#!/bin/sh
# make static: ./virtcap-static-x86_64, ./virtcap-static-i386 and ./virtcap-static-aarch64,
# self-contained binaries an admin copies to any x86 or arm64 Linux host. Debian ships static
# libcpuid (x86 only), json-c, zlib, hivex, blkid and libarchive (only its tar and gzip readers
# are linked in), but no libpci.a: the static builds read PCI from sysfs and go without pci.ids
# names (HAVE_LIBPCI=0).
# The i386 and arm64 libraries are downloaded as Debian packages into a cache outside the checkout
# and unpacked there; the machine's dpkg set-up is not changed.
set -eu
cd "$(dirname "$0")/.."

caches=${XDG_CACHE_HOME:-$HOME/.cache}/virtcap
libs="libjson-c-dev zlib1g-dev libhivex-dev libhivex0 libblkid-dev libblkid1 libarchive-dev libarchive13"
i386_pkgs="libcpuid-dev $libs"
# arm64: Debian's libcpuid is x86 only (the build has none: HAVE_LIBCPUID=0); its C library and
# libgcc too, since clang compiles it against them (Debian's gcc-aarch64-linux-gnu cannot be
# installed beside gcc-multilib, which the i386 build needs)
arm64_pkgs="$libs libc6 libc6-dev linux-libc-dev libgcc-12-dev libgcc-s1"
jobs=$(nproc 2>/dev/null || echo 2)

# apt-get with ARCH as the only architecture and private lists and cache
apt_arch() {	# ARCH apt-get-args...
	a=$1; shift
	apt-get -qq -oAPT::Architecture="$a" -oAPT::Architectures="$a" \
		-oDir::State::Lists="$caches/$a/lists" -oDir::Cache="$caches/$a/cache" \
		-oDir::State::Status=/dev/null -oDebug::NoLocking=1 "$@"
}

fetch() {	# ARCH PACKAGES: unpacked into $caches/ARCH/root
	a=$1 pkgs=$2 cache=$caches/$1
	# the stamp names the packages: a cache made for fewer is fetched again
	[ "$(cat "$cache/root/.complete" 2>/dev/null)" = "$pkgs" ] && return 0
	rm -rf "$cache/root" "$cache/debs"
	mkdir -p "$cache/lists/partial" "$cache/cache/archives/partial" "$cache/debs" "$cache/root"
	apt_arch "$a" update || { sleep 5; apt_arch "$a" update; } ||
		echo "static: apt-get update ($a) failed for some lists; trying with those it has" >&2
	(cd "$cache/debs" && apt_arch "$a" download $pkgs)
	for deb in "$cache"/debs/*.deb; do
		dpkg-deb -x "$deb" "$cache/root"
	done
	echo "$pkgs" >"$cache/root/.complete"
}

build() {	# ARCH CC-FLAGS SYSROOT-LIB SYSROOT-INC [MAKE-ARGS]
	arch=$1 flags=$2 libdir=$3 incdir=$4
	shift 4
	make --no-print-directory -j"$jobs" "virtcap-static-$arch" \
		BUILD="build/static-$arch" \
		STATIC_FLAGS="$flags" STATIC_LIBDIR="$libdir" STATIC_INCDIR="$incdir" "$@"
}

build x86_64 "-m64" /usr/lib/x86_64-linux-gnu /usr/include
fetch i386 "$i386_pkgs"
build i386 "-m32" "$caches/i386/root/usr/lib/i386-linux-gnu" "$caches/i386/root/usr/include"
# arm64 by clang, with the fetched packages as its system root and lld as its linker
fetch arm64 "$arm64_pkgs"
sysroot=$caches/arm64/root
build aarch64 "--target=aarch64-linux-gnu --sysroot=$sysroot" \
	"$sysroot/usr/lib/aarch64-linux-gnu" "$sysroot/usr/include" CC=clang-14 LDFLAGS=-fuse-ld=lld \
	STATIC_ARCH=aarch64
file virtcap-static-x86_64 virtcap-static-i386 virtcap-static-aarch64

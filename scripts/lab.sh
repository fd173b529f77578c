#!/bin/sh
# virtcap lab: real KVM on any machine. Boots a Debian kernel under an emulated CPU that has a
# virtualization extension, loads KVM inside, runs the static virtcap there and prints its
# report as if run on that machine. Two engines: QEMU (TCG emulates AMD SVM; boots in ~6 s) and
# Bochs (emulates Intel VMX with EPT; ~2 minutes), since QEMU's emulated CPU has no VMX.
#
# usage: lab.sh [--engine qemu|bochs] [--cpu MODEL] [--kernel amd64|i386] [--nested 0|1]
#               [--no-kvm-module] [--user] [--bits 32|64] [--smp N] [--timeout SEC] [--json]
#               [--with-stack] [--disk FILE] [--lockdown] [--xen] [-- VIRTCAP-ARGS...]
#        lab.sh --arch arm64 [--cpu MODEL] [--no-el2] [--smp N] [--timeout SEC] [--json]
#               [-- VIRTCAP-ARGS...]
#        lab.sh [--kernel amd64|i386|arm64|armhf|ppc64el|s390x] --show-current-kernel
#        lab.sh [--kernel amd64|i386|arm64|armhf|ppc64el|s390x] --fetch-only   (prints the
#               cached root: kernel, busybox; the other architectures' for prove --foreign)
# Kernels (the versions lab-kernels.tsv pins) and busybox come from Debian with `apt-get
# download` into a cache (never installed);
# after the first run no network is needed. --with-stack (QEMU engine, amd64) also puts this
# host's QEMU, the tools virtcap's stack proof uses and the cached guest kernel into the lab, so
# that `prove --stack qemu` boots a real L2 guest on the lab's real (nested) KVM. --disk FILE
# (QEMU engine, amd64) gives the lab FILE as a read-only virtio disk, /dev/vda inside, so that
# `advise partition /dev/vda --prove` boots a disk on that KVM; the file is never written. The
# lab then has 4 GiB, since that proof gives its guest 2 GiB (touched pages only cost memory).
# --lockdown
# boots the kernel locked down (lockdown=integrity, as Secure Boot does) with an out-of-tree
# driver built on the machine, as DKMS leaves one: /lib/modules/VERSION/updates/dkms/vboxdrv.ko,
# unsigned (a copy of a Debian module without its signature); init tries to load it, so the
# kernel refuses it and logs why, before virtcap runs. --xen (QEMU engine, amd64) boots Debian's
# Xen hypervisor (pinned in lab-kernels.tsv as the kernels are) with the lab's kernel as its dom0
# and xenfs mounted on /proc/xen, as a dom0's init does: virtcap then runs where Xen owns the
# machine and KVM cannot run. --arch arm64 boots Debian's arm64 kernel under QEMU's emulated
# arm64 CPU (-cpu max by default: cortex-a57, a64fx... as --cpu) on -M virt with EL2
# (virtualization=on; --no-el2 leaves it off, as a cloud VM has it), where its KVM/arm64 runs
# (built into Debian's kernel), and virtcap-static-aarch64 inside. Exit status: the inner virtcap's, 2 when
# the lab itself fails (with what failed), never a QEMU or temporary file left behind.
set -eu

engine=qemu
cpu=
kernel=amd64
nested=1
kvm_module=1
user=0
bits=64
smp=
timeout=
json=0
show_current=0
fetch_only=0
with_stack=0
disk=
lockdown=0
xen=0
arch=x86
el2=1
# the static binaries: beside this script when installed (PREFIX/lib/virtcap), else at the top
# of the build tree
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/virtcap-static-x86_64" ] && top=$here || top=$(cd "$here/.." && pwd)
bin_dir=${VIRTCAP_STATIC_DIR:-$top}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/virtcap/lab
pins=$here/lab-kernels.tsv	# the kernels the lab boots, by version

die() { echo "virtcap lab: $*" >&2; exit 2; }

# root_only DIR: DIR, and every directory above it, is root's and no one else can write it
# (a sticky one like /tmp aside). What the cache holds is booted and copied by root: a cache in a
# user's HOME or XDG_CACHE_HOME (kept by sudo) would let that user choose it.
root_only() {
	_d=$(realpath -m "$1")
	while [ ! -e "$_d" ]; do _d=${_d%/*}; _d=${_d:-/}; done
	while :; do
		set -- $(stat -c '%u %a' "$_d") || return 1
		_m=$((0$2))
		[ "$1" = 0 ] && { [ $((_m & 022)) = 0 ] || [ $((_m & 01000)) != 0 ]; } || return 1
		[ "$_d" = / ] && return 0
		_d=${_d%/*}; _d=${_d:-/}
	done
}
if [ "$(id -u)" = 0 ] && ! root_only "$cache"; then
	echo "virtcap lab: $cache is not root's alone: root uses /var/cache/virtcap/lab" >&2
	cache=/var/cache/virtcap/lab
fi

# order_checked FILE: the module paths of FILE (guest-devices.order, made by device_modules)
# where each is a plain path below lib/modules/VERSION; they name files to copy, so a cache
# whose list was changed must not name ../ or an absolute path
order_checked() {
	while read -r _m; do
		case $_m in
		kernel/*.ko) ;;
		*) die "the lab's cache lists a module path it never makes: $_m ($1); remove $cache" ;;
		esac
		case /$_m/ in
		*/../*|*/./*|*//*|*[!A-Za-z0-9_./-]*)
			die "the lab's cache lists a module path it never makes: $_m ($1); remove $cache" ;;
		esac
	done <"$1"
}

while [ $# -gt 0 ]; do
	case $1 in
	--engine|--cpu|--kernel|--nested|--bits|--smp|--timeout|--disk)
		[ $# -ge 2 ] || die "$1 needs a value (see virtcap --help)" ;;
	esac
	case $1 in
	--engine) engine=${2:-}; shift 2
		  [ "$engine" = qemu ] || [ "$engine" = bochs ] || die "--engine: qemu or bochs" ;;
	--cpu) cpu=${2:?--cpu needs a CPU model of the engine}; shift 2 ;;
	--kernel) kernel=${2:-}; shift 2
		  case $kernel in amd64|i386|arm64|armhf|ppc64el|s390x) ;;
		  *) die "--kernel: amd64 or i386 (arm64, armhf, ppc64el, s390x: for prove --foreign)" ;;
		  esac ;;
	--nested) nested=${2:-}; shift 2
		  [ "$nested" = 0 ] || [ "$nested" = 1 ] || die "--nested: 0 or 1" ;;
	--no-kvm-module) kvm_module=0; shift ;;
	--user) user=1; shift ;;
	--bits) bits=${2:-}; shift 2; [ "$bits" = 32 ] || [ "$bits" = 64 ] || die "--bits: 32 or 64" ;;
	--smp) smp=${2:-}; shift 2
	       case $smp in [1-9]|1[0-6]) ;; *) die "--smp: a number of vCPUs from 1 to 16" ;; esac ;;
	--timeout) timeout=${2:-}; shift 2
		   case $timeout in [1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]) ;;
		   *) die "--timeout: seconds, from 1 to 9999" ;; esac ;;
	--json) json=1; shift ;;
	--show-current-kernel) show_current=1; shift ;;
	--fetch-only) fetch_only=1; shift ;;
	--with-stack) with_stack=1; shift ;;
	--disk) disk=$2; shift 2 ;;
	--lockdown) lockdown=1; shift ;;
	--xen) xen=1; shift ;;
	--arch) case ${2:-} in
		amd64|i386) kernel=$2 ;;
		arm64) kernel=arm64 arch=arm64 ;;
		*) die "--arch: amd64, i386 or arm64" ;;
		esac
		shift 2 ;;
	--no-el2) el2=0; shift ;;
	--) shift; break ;;
	*) die "unknown option '$1' (see virtcap --help)" ;;
	esac
done
[ "$kernel" = i386 ] && bits=32
if [ "$arch" = arm64 ]; then
	[ "$engine" = qemu ] && [ "$with_stack" = 0 ] && [ -z "$disk" ] && [ "$xen" = 0 ] &&
		[ "$lockdown" = 0 ] && [ "$bits" = 64 ] ||
		die "--arch arm64: the QEMU engine, without --with-stack, --disk, --xen, --lockdown, --bits"
else
	[ "$el2" = 1 ] || die "--no-el2: with --arch arm64 (an x86 lab's CPU is --cpu's)"
fi
[ "$with_stack" = 0 ] || { [ "$engine" = qemu ] && [ "$kernel" = amd64 ]; } ||
	die "--with-stack: the QEMU engine and the amd64 kernel (it carries this host's QEMU)"
[ "$xen" = 0 ] || { [ "$engine" = qemu ] && [ "$kernel" = amd64 ] && [ "$with_stack" = 0 ] &&
	[ -z "$disk" ]; } ||
	die "--xen: the QEMU engine and the amd64 kernel, without --with-stack and --disk"
if [ -n "$disk" ]; then
	{ [ "$engine" = qemu ] && [ "$kernel" = amd64 ]; } ||
		die "--disk: the QEMU engine and the amd64 kernel (its virtio modules)"
	[ -f "$disk" ] && [ -r "$disk" ] || die "--disk '$disk': not a readable regular file"
	# QEMU's -drive takes a comma as the start of its next option: "file=a,b" is no file
	disk=$(cd "$(dirname "$disk")" && pwd)/$(basename "$disk")
	case $disk in *,*) die "--disk '$disk': QEMU's -drive cannot name a path with a comma" ;; esac
fi
# Every value that reaches a generated file (the Bochs configuration, the lab's init script) is
# checked here: a newline in --cpu would add a line of configuration (a com2: that writes a host
# file), a quote in VIRTCAP_BENCH_EXITS a command of the init script.
if [ -n "$cpu" ]; then
	case $engine in
	qemu) allowed='A-Za-z0-9_.,+=-' ;;	# MODEL,+flag,-flag,prop=value
	*) allowed='A-Za-z0-9_' ;;		# Bochs's model names
	esac
	[ "${#cpu}" -le 128 ] && [ -z "$(printf '%s' "$cpu" | tr -d "$allowed")" ] ||
		die "--cpu '$(printf '%s' "$cpu" | tr -c "$allowed" '?')': a CPU model of $engine, of the characters $allowed"
fi
for wait in "${VIRTCAP_STACK_KVM_TIMEOUT:-1}" "${VIRTCAP_STACK_TCG_TIMEOUT:-1}"; do
	case $wait in	# they cross into the lab as VIRTCAP_BENCH_EXITS does
	[1-9]|[1-9][0-9]|[1-9][0-9][0-9]) ;;
	*) die "VIRTCAP_STACK_KVM_TIMEOUT, VIRTCAP_STACK_TCG_TIMEOUT: seconds, from 1 to 999" ;;
	esac
done
case ${VIRTCAP_BENCH_EXITS:-1} in
[1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]|[1-9][0-9][0-9][0-9][0-9]) ;;
*) die "VIRTCAP_BENCH_EXITS: a number of exits, from 1 to 99999" ;;
esac
# the engine's defaults: a CPU with the extension and its second-level paging; a deadline that
# leaves room for the engine's boot (Bochs decompresses the kernel at ~65 emulated MIPS)
# (--xen: qemu64 with SVM, since on EPYC and max dom0's PV kernel crashed at its first
# instructions under Xen 4.17 and TCG, seen on 2026-12-07; on qemu64 it boots in 13 s)
if [ "$arch" = arm64 ]; then
	: "${cpu:=max}" "${timeout:=120}" "${smp:=2}"
	command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 is missing: run make deps"
elif [ "$engine" = qemu ]; then
	[ "$xen" = 0 ] || : "${cpu:=qemu64,+svm,+npt}"
	: "${cpu:=EPYC,+svm,+npt}" "${timeout:=120}" "${smp:=2}"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing: run make deps"
else
	# two CPUs: under Bochs a KVM guest that never exits is never preempted by the lab kernel's
	# timer (seen on every model tried), so the smp proof's two spinning vCPUs need a CPU each
	# unless the CPU has pause-loop exiting (skylake_x has, lynnfield not)
	: "${cpu:=corei7_skylake_x}" "${timeout:=600}" "${smp:=2}"
	command -v bochs-bin >/dev/null || die "bochs is missing: run make deps"
	command -v xorriso >/dev/null || die "xorriso is missing: run make deps"
	for f in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
		 /usr/share/bochs/BIOS-bochs-latest /usr/share/vgabios/vgabios.bin; do
		[ -f "$f" ] || die "$f is missing: run make deps"
	done
fi
command -v cpio >/dev/null || die "cpio is missing: run make deps"
inner_bin=$bin_dir/virtcap-static-$([ "$arch" = arm64 ] && echo aarch64 ||
	{ [ "$bits" = 32 ] && echo i386; } || echo x86_64)
[ -x "$inner_bin" ] || [ "$fetch_only" = 1 ] || die "$inner_bin is missing: run make static"

# apt-get for one architecture with private lists and cache: the machine's dpkg is untouched
apt_arch() {	# TOOL ARCH args...: apt-get or apt-cache
	tool=$1 a=$2; shift 2
	"$tool" -qq -oAPT::Architecture="$a" -oAPT::Architectures="$a" \
		-oDir::State::Lists="$cache/$a/lists" -oDir::Cache="$cache/$a/cache" \
		-oDir::State::Status=/dev/null -oDebug::NoLocking=1 -oAPT::Sandbox::User=root "$@"
}

# apt_update ARCH: Debian's package lists for ARCH in the cache, messages in $log. A mirror in
# the middle of a sync fails one index: retry once, then use what we have.
apt_update() {
	mkdir -p "$cache/$1/lists/partial" "$cache/$1/cache/archives/partial"
	apt_arch apt-get "$1" update >"$log" 2>&1 ||
		{ sleep 5; apt_arch apt-get "$1" update >>"$log" 2>&1; } || true
}

# pinned ARCH: "PACKAGE VERSION SHA256" of the kernel lab-kernels.tsv pins for ARCH
pinned() {
	awk -F'\t' -v a="$1" '$1 == a { print $2, $3, $4; exit }' "$pins"
}

# current_kernel ARCH: the lab-kernels.tsv line for the kernel Debian ships now (to move a pin)
current_kernel() {
	a=$1 log=$cache/$1/apt.log
	case $a in
	i386) flavour=686-pae ;; armhf) flavour=armmp ;; ppc64el) flavour=powerpc64le ;;
	*) flavour=$a ;;
	esac
	apt_update "$a"
	image=$(apt_arch apt-cache "$a" depends "linux-image-$flavour" 2>>"$log" |
		sed -n "s/.*Depends: \(linux-image-[0-9][^ ]*-$flavour\)$/\1/p" | head -1)
	[ -n "$image" ] || die "cannot resolve linux-image-$flavour for $a; apt said:
$(tail -5 "$log")"
	apt_arch apt-cache "$a" show "$image" 2>>"$log" | awk -v a="$a" -v p="$image" '
		/^Version: / && !v { v = $2 } /^SHA256: / && !s { s = $2 }
		END { if (v && s) printf "%s\t%s\t%s\t%s\n", a, p, v, s; else exit 1 }' ||
		die "apt-cache show $image ($a) gave no version and checksum"
	rm -rf "$cache/$a/lists" "$cache/$a/cache"
}

# The modules, besides KVM's, that the stack proof's guest (scripts/stack-guest.sh) loads to prove QEMU's virtual
# devices from inside: virtio disk, network and 9p/virtiofs shares, the q35 AHCI CD-ROM with
# ISO 9660, the floppy with FAT, the virtio-gpu display; and tun, which the lab itself loads for --with-stack's tap
# device. fetch unpacks them with everything their own depends= names.
guest_device_modules="virtio_pci virtio_blk virtio_net 9pnet_virtio 9p virtiofs ahci sr_mod
	isofs floppy vfat nls_cp437 nls_utf8 nls_ascii tun virtio_gpu xenfs"
# the layout of the cache's root: a cache made before the device modules (2), tun (3),
# virtio_gpu (4) or xenfs (5, for --xen's dom0) fetches again
layout=5

# modinfo_depends KO: the modules KO needs, from its .modinfo section (no tool needed)
modinfo_depends() {
	tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | tr ',' ' '
}

# device_modules DEB ROOT: unpacks $guest_device_modules and all they depend on from the kernel
# package DEB into ROOT, and writes ROOT/lib/modules/VERSION/guest-devices.order: their paths,
# each after the modules it needs (insmod's order). The package has no modules.dep (depmod makes
# it at install time): each module's own "depends=" is read, round by round.
device_modules() {
	deb=$1 into=$2
	dpkg-deb -c "$deb" | awk '{ print $NF }' | grep '/kernel/.*\.ko$' >"$cache/$a/kos"
	pending=$guest_device_modules done_names=" " order=
	while [ -n "$(echo $pending)" ]; do
		: >"$cache/$a/want"
		for n in $pending; do
			case $done_names in *" $n "*) continue ;; esac
			done_names="$done_names$n "
			p=$(awk -v n="$n" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko$/, "", b); gsub(/-/, "_", b)
				if (b == n) { print; exit } }' "$cache/$a/kos")
			[ -n "$p" ] || continue		# built into the kernel
			echo "$p" >>"$cache/$a/want"
		done
		[ -s "$cache/$a/want" ] || break
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$into" -T "$cache/$a/want" 2>>"$log" ||
			die "unpacking the guest device modules of $deb failed:
$(tail -5 "$log")"
		pending=
		while read -r p; do
			pending="$pending $(modinfo_depends "$into/$p" | tr '-' '_')"
			order="$order $p"
		done <"$cache/$a/want"
	done
	# insmod's order: each module after those it needs that are modules (not built in)
	moddir=$(ls -d "$into"/lib/modules/* | head -1)
	for p in $order; do echo "$p" $(modinfo_depends "$into/$p"); done | awk '
		function base(p) { sub(/.*\//, "", p); sub(/\.ko$/, "", p); gsub(/-/, "_", p); return p }
		{ n = base($1); path[n] = $1; sub(/^[^ ]* ?/, ""); needs[n] = $0; gsub(/-/, "_", needs[n]) }
		function emit(n,   k, d, i) {
			if (n in out || !(n in path)) return
			if (n in busy) { print "circle at " n > "/dev/stderr"; exit 1 }
			busy[n]; k = split(needs[n], d, " ")
			for (i = 1; i <= k; i++) emit(d[i])
			out[n]; p = path[n]; sub(/^\.\/lib\/modules\/[^\/]*\//, "", p); print p }
		END { for (n in path) emit(n) }' >"$moddir/guest-devices.order" ||
		die "the guest device modules of $deb could not be ordered"
	rm -f "$cache/$a/kos" "$cache/$a/want"
}

# fetch ARCH: the pinned kernel, the KVM modules, the guest device modules and busybox of ARCH,
# in $cache/ARCH/root. Only those files are unpacked and the packages are deleted after: ~20 MB
# kept instead of ~500 MB, since a machine may have little disk to spare. apt's messages go to a
# log that a failure quotes. The cache records which pin it holds: a moved pin fetches again.
fetch() {
	a=$1 log=$cache/$1/apt.log
	set -- $(pinned "$a")
	[ $# -eq 3 ] || die "$pins has no kernel for $a"
	image=$1 version=$2 sha=$3
	[ "$(cat "$cache/$a/root/.complete" 2>/dev/null)" = "$image $version" ] &&
		[ "$(cat "$cache/$a/root/.layout" 2>/dev/null)" = "$layout" ] && return 0
	mkdir -p "$cache/$a/debs"
	apt_update "$a"
	rm -f "$cache/$a"/debs/*.deb
	(cd "$cache/$a/debs" && apt_arch apt-get "$a" download "$image=$version" busybox-static \
		>>"$log" 2>&1) ||
		die "cannot download the pinned lab kernel $image $version ($a): Debian may have
dropped it. Move the pin in $pins (scripts/lab.sh --kernel $a --show-current-kernel prints
the line for the kernel Debian ships now). apt said:
$(tail -5 "$log")"
	deb=$(ls "$cache/$a"/debs/"${image}_"*.deb)
	[ "$(sha256sum <"$deb" | cut -d' ' -f1)" = "$sha" ] ||
		die "$deb is not the pinned $image $version: its SHA-256 differs from $pins"
	rm -rf "$cache/$a/root"
	mkdir -p "$cache/$a/root"
	for d in "$cache/$a"/debs/*.deb; do
		dpkg-deb --fsys-tarfile "$d" | tar -x -C "$cache/$a/root" --wildcards \
			--no-wildcards-match-slash './boot/vmlinuz-*' './boot/vmlinux-*' './bin/busybox' \
			'./lib/modules/*/kernel/arch/x86/kvm/*.ko' \
			'./lib/modules/*/kernel/virt/lib/irqbypass.ko' \
			'./lib/modules/*/kernel/drivers/crypto/ccp/ccp.ko' 2>>"$log" ||
			true	# each package lacks the other's files: checked below
	done
	device_modules "$deb" "$cache/$a/root"
	rm -rf "$cache/$a"/debs/*.deb "$cache/$a/lists" "$cache/$a/cache"
	[ -x "$cache/$a/root/bin/busybox" ] && ls "$cache/$a"/root/boot/vmlinu[xz]-* >/dev/null 2>&1 ||
		die "unpacking $image and busybox-static ($a) failed (disk full?):
$(tail -5 "$log")"
	echo "$layout" >"$cache/$a/root/.layout"
	echo "$image $version" >"$cache/$a/root/.complete"
}

# fetch_xen: Debian's Xen hypervisor, the version lab-kernels.tsv pins (its row "xen"), in
# $cache/xen/xen: uncompressed, since QEMU's multiboot loader takes an ELF file and no gzip
fetch_xen() {
	log=$cache/xen/apt.log
	set -- $(pinned xen)
	[ $# -eq 3 ] || die "$pins has no Xen hypervisor (its row xen)"
	[ "$(cat "$cache/xen/.complete" 2>/dev/null)" = "$1 $2" ] && [ -s "$cache/xen/xen" ] &&
		return 0
	rm -rf "$cache/xen"
	mkdir -p "$cache/xen/debs" || die "cannot make $cache/xen"
	apt_update amd64	# Xen's lists are amd64's: removed again below, as fetch does
	(cd "$cache/xen/debs" && apt_arch apt-get amd64 download "$1=$2" >>"$log" 2>&1) ||
		die "cannot download the pinned Xen $1 $2: Debian may have dropped it (move its pin in
$pins); apt said:
$(tail -5 "$log")"
	deb=$(ls "$cache/xen"/debs/"${1}_"*.deb)
	[ "$(sha256sum <"$deb" | cut -d' ' -f1)" = "$3" ] ||
		die "$deb is not the pinned $1 $2: its SHA-256 differs from $pins"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards './boot/xen-*-amd64.gz' 2>>"$log" |
		gzip -dc >"$cache/xen/xen.part" && [ -s "$cache/xen/xen.part" ] ||
		die "unpacking Xen from $deb failed (disk full?)"
	mv "$cache/xen/xen.part" "$cache/xen/xen"
	rm -rf "$cache/xen/debs" "$cache/amd64/lists" "$cache/amd64/cache"
	echo "$1 $2" >"$cache/xen/.complete"
}

if [ "$show_current" = 1 ]; then
	current_kernel "$kernel"
	exit 0
fi
# other architectures' kernels are fetched for prove --foreign, which boots them itself
case $kernel/$arch in arm64/x86|armhf/*|ppc64el/*|s390x/*)
	[ "$fetch_only" = 1 ] || die "--kernel $kernel: only with --fetch-only (prove --foreign boots it)" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/virtcap-lab.XXXXXX") || die "mktemp failed"
emu_pid=
cleanup() {
	[ -n "$emu_pid" ] && kill -9 "$emu_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fetch "$kernel"
[ "$xen" = 0 ] || fetch_xen
root=$cache/$kernel/root
vmlinuz=$(ls "$root"/boot/vmlinu[xz]-* 2>/dev/null | head -1)	# powerpc's is vmlinux
[ -n "$vmlinuz" ] || die "no kernel in $root/boot"
for f in "$root"/lib/modules/*/guest-devices.order; do order_checked "$f"; done
if [ "$fetch_only" = 1 ]; then	# for prove --stack: the pinned kernel and busybox, no boot
	echo "$root"
	exit 0
fi
kver=${vmlinuz##*/vmlinuz-}
mods=$root/lib/modules/$kver/kernel

# the initramfs: busybox, the KVM modules in dependency order, virtcap, an init script
ir=$work/initramfs
mkdir -p "$ir/bin" "$ir/dev" "$ir/proc" "$ir/sys" "$ir/tmp" "$ir/mods" "$ir/etc"
cp "$root/bin/busybox" "$ir/bin/busybox"
cp "$inner_bin" "$ir/bin/virtcap"
for m in virt/lib/irqbypass.ko drivers/crypto/ccp/ccp.ko arch/x86/kvm/kvm.ko \
	 arch/x86/kvm/kvm-amd.ko arch/x86/kvm/kvm-intel.ko; do
	[ -f "$mods/$m" ] && cp "$mods/$m" "$ir/mods/"
done
if [ "$lockdown" = 1 ]; then
	# Debian signs its modules: the signature is appended, then its length (big-endian, in
	# the 12-byte struct module_signature) and a magic string; cut all three
	mkdir -p "$ir/lib/modules/$kver/updates/dkms"
	/usr/bin/python3 - "$mods/virt/lib/irqbypass.ko" \
		"$ir/lib/modules/$kver/updates/dkms/vboxdrv.ko" <<'PY' || die "--lockdown: unsigning a module failed"
import struct, sys
data = open(sys.argv[1], "rb").read()
magic = b"~Module signature appended~\n"
if not data.endswith(magic):
    sys.exit("the module carries no signature")
info = data[-len(magic) - 12:-len(magic)]
signer_len, key_id_len, sig_len = info[3], info[4], struct.unpack(">I", info[8:12])[0]
open(sys.argv[2], "wb").write(data[:len(data) - len(magic) - 12 - sig_len - signer_len - key_id_len])
PY
fi
echo "root:x:0:0::/:/bin/sh" >"$ir/etc/passwd"
echo "nobody:x:65534:65534::/:/bin/sh" >>"$ir/etc/passwd"
printf 'root:x:0:\nkvm:x:990:\nnogroup:x:65534:\n' >"$ir/etc/group"

# pack FILE...: each at its own path in the initramfs, with the libraries ldd says it loads
pack() {
	for f in "$@"; do
		[ -e "$f" ] || die "--with-stack: $f is missing: run make deps"
		mkdir -p "$ir${f%/*}" && cp -L "$f" "$ir$f" || die "--with-stack: copying $f failed"
		for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
			[ -e "$ir$lib" ] && continue
			mkdir -p "$ir${lib%/*}" && cp -L "$lib" "$ir$lib" ||
				die "--with-stack: copying $lib (for $f) failed"
		done
	done
}
if [ "$with_stack" = 1 ]; then
	# QEMU with its firmware, the tools the stack proof makes media with, the guest's init and
	# lab.sh, and the cache that lab.sh --fetch-only finds: the guest kernel, busybox and the
	# device modules (virtcap itself makes the network namespace, tap device and listener)
	# (Debian's QEMU loads TCG and the virtio-gpu display as modules, and finds ROMs on its
	# firmware path: seabios, qemu, ipxe)
	pack /usr/bin/qemu-system-x86_64 /usr/bin/qemu-img /usr/bin/xorriso /usr/sbin/mkfs.fat \
		/usr/bin/mtools /usr/lib/qemu/virtiofsd \
		/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so \
		/usr/lib/x86_64-linux-gnu/qemu/hw-display-virtio-gpu.so \
		/usr/lib/x86_64-linux-gnu/qemu/hw-display-virtio-gpu-pci.so
	for t in mcopy mtype; do ln -sf mtools "$ir/usr/bin/$t"; done
	# mtools converts file names through iconv: glibc's module for its codepage 850
	gconv=/usr/lib/x86_64-linux-gnu/gconv
	mkdir -p "$ir$gconv" && cp -r "$gconv"/gconv-modules* "$gconv/IBM850.so" "$ir$gconv/" ||
		die "--with-stack: copying glibc's gconv modules for mtools failed"
	ln -sf mkfs.fat "$ir/usr/sbin/mkfs.vfat"
	mkdir -p "$ir/usr/share" "$ir/usr/lib/ipxe" &&
		cp -rL /usr/share/qemu /usr/share/seabios "$ir/usr/share/" &&
		cp -rL /usr/lib/ipxe/qemu "$ir/usr/lib/ipxe/" || die "--with-stack: copying QEMU's firmware failed"
	mkdir -p "$ir/bin/scripts" "$ir/root/.cache/virtcap/lab/amd64"
	cp "$here"/stack-guest.sh "$here"/lab.sh "$pins" "$ir/bin/scripts/"
	cp -r "$root" "$ir/root/.cache/virtcap/lab/amd64/"
	tun=$(grep '/tun\.ko$' "$root/lib/modules/$kver/guest-devices.order" || true)
	[ -n "$tun" ] && cp "$root/lib/modules/$kver/$tun" "$ir/mods/tun.ko"
fi
# --xen: xenfs and what it needs, in order, loaded as --disk's are, then mounted by init
if [ "$xen" = 1 ]; then
	mkdir -p "$ir/mods/xen"
	n=0
	for m in $(grep -E '/(xen[^/]*)\.ko$' "$root/lib/modules/$kver/guest-devices.order"); do
		n=$((n + 1))
		cp "$root/lib/modules/$kver/$m" "$ir/mods/xen/$(printf '%02d' "$n")-${m##*/}" ||
			die "--xen: copying the module $m failed"
	done
	[ "$n" -gt 0 ] || die "--xen: the kernel's cache has no xenfs module; remove $cache"
fi
# --disk: virtio-blk and what it needs, from the device modules fetch unpacked (in the order
# file, each module stands after those it needs; a module built into the kernel is absent)
if [ -n "$disk" ]; then
	mkdir -p "$ir/mods/disk"
	grep -E '/virtio[^/]*\.ko$' "$root/lib/modules/$kver/guest-devices.order" | tr ' ' '\n' |
		grep -E '/(virtio|virtio_ring|virtio_pci[a-z_]*|virtio_blk)\.ko$' >"$work/disk-mods" || true
	n=0
	while read -r m; do
		n=$((n + 1))
		cp "$root/lib/modules/$kver/$m" "$ir/mods/disk/$(printf '%02d' "$n")-${m##*/}" ||
			die "--disk: copying the module $m failed"
	done <"$work/disk-mods"
fi

args=""
for a in "$@"; do args="$args '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"; done
[ "$json" = 1 ] && args="--json$args"
# the inner virtcap writes to a serial console, which looks like a terminal: colours only when
# ours is one
colour=$([ -t 1 ] && echo 1 || echo 0)
# VIRTCAP_BENCH_EXITS crosses into the lab (make bench sets it for the slow emulated CPU)
printf '#!/bin/sh\n[ %s = 1 ] || export NO_COLOR=1\nexport HOME=/root\n%s%s%sexec /bin/virtcap %s\n' \
	"$colour" "${VIRTCAP_BENCH_EXITS:+export VIRTCAP_BENCH_EXITS=$VIRTCAP_BENCH_EXITS
}" "${VIRTCAP_STACK_KVM_TIMEOUT:+export VIRTCAP_STACK_KVM_TIMEOUT=$VIRTCAP_STACK_KVM_TIMEOUT
}" "${VIRTCAP_STACK_TCG_TIMEOUT:+export VIRTCAP_STACK_TCG_TIMEOUT=$VIRTCAP_STACK_TCG_TIMEOUT
}" "$args" >"$ir/bin/run-virtcap"
chmod 755 "$ir/bin/run-virtcap"
cat >"$ir/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
if [ $kvm_module = 1 ]; then
	for m in irqbypass ccp kvm tun; do [ -f /mods/\$m.ko ] && insmod /mods/\$m.ko; done
	# the vendor's module, as a distribution's udev would load it
	vendor=kvm-amd
	grep -q GenuineIntel /proc/cpuinfo && vendor=kvm-intel
	insmod /mods/\$vendor.ko nested=$nested 2>/dev/null
fi
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
# --disk: its modules, in order (twice: a module whose own dependency came later loads then)
for pass in 1 2; do for m in /mods/disk/*.ko; do [ -f "\$m" ] && insmod "\$m" 2>/dev/null; done; done
# --xen: a dom0's /proc/xen, as its init mounts it (Debian: proc-xen.mount)
for pass in 1 2; do for m in /mods/xen/*.ko; do [ -f "\$m" ] && insmod "\$m" 2>/dev/null; done; done
[ -d /mods/xen ] && mkdir -p /proc/xen && mount -t xenfs xenfs /proc/xen
if [ -d /mods/disk ]; then i=0; while [ ! -b /dev/vda ] && [ \$i -lt 50 ]; do sleep 0.1; i=\$((i + 1)); done; fi
if [ $lockdown = 1 ]; then	# as DKMS would after building it: the kernel refuses it
	echo "lab: insmod of the unsigned vboxdrv.ko: \$(insmod /lib/modules/$kver/updates/dkms/vboxdrv.ko 2>&1)"
fi
# a heartbeat on the second serial port (QEMU's engine writes it to a file): the host tells a
# virtcap that hangs from a kernel that stopped altogether. Where the port does not answer
# (arm64's virt board has one UART: the node is there, a write fails) the loop ends, silent: its
# shell's errors would land on the console, in the middle of the report
[ -c /dev/ttyS1 ] && (while echo . >/dev/ttyS1; do sleep 1; done) 2>/dev/null &
echo VIRTCAP-LAB-BEGIN
if [ $user = 1 ]; then
	su -s /bin/sh nobody -c /bin/run-virtcap
else
	/bin/run-virtcap
fi
echo "VIRTCAP-LAB-END \$?"
# setting the console's speed waits for its output to drain: the end is not lost at power-off
stty -F /dev/console 115200 2>/dev/null
poweroff -f
EOF
chmod +x "$ir/init"
(cd "$ir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz" ||
	die "building the initramfs failed"

# start_qemu / start_bochs: boot the kernel and initramfs in the background, the serial
# console to $work/serial, the emulator's pid in emu_pid
# One TCG thread for all vCPUs (thread=single): with QEMU 7.2's multi-threaded TCG the lab's
# kernel froze in 3 of 6 boots on 2026-12-01 (every vCPU at CPL 0 on an instruction that
# straddles a page boundary, RIP=...ffe/...fff, heartbeat gone); single-threaded, 0 of 15
# froze, in the same time (28 s against 30 s for t060's proofs). Not with --with-stack: there
# the L1's QEMU and its L2 need both vCPUs at once (single-threaded, the L2 under the lab's KVM
# did not reach its init in 120 s, against 15 s, and under TCG took 212 s against 97 s)
# --xen: QEMU's multiboot loader starts Xen with the kernel and the initramfs as its modules (a
# path with a comma cannot be one: checked), Xen's console and dom0's (hvc0) on the first port
start_qemu() {
	if [ "$arch" = arm64 ]; then	# one UART on -M virt: no heartbeat port
		qemu-system-aarch64 -accel tcg,thread=single \
			-M "virt,virtualization=$([ "$el2" = 1 ] && echo on || echo off),gic-version=3" \
			-cpu "$cpu" -smp "$smp" -m 1024 -nographic -no-reboot -kernel "$vmlinuz" \
			-initrd "$work/initrd.gz" -serial mon:stdio \
			-append "console=ttyAMA0 quiet panic=-1 loglevel=0$extra_append" \
			>"$work/serial" 2>"$work/emu.err" &
		emu_pid=$!
		return
	fi
	machine=$([ "$kernel" = i386 ] && echo pc || echo q35)
	tcg_threads=$([ "$with_stack" = 1 ] && echo multi || echo single)
	append="quiet panic=-1 loglevel=0$extra_append"
	if [ "$xen" = 1 ]; then
		case $vmlinuz$work in *,*) die "--xen: a path with a comma: $vmlinuz, $work" ;; esac
		set -- -kernel "$cache/xen/xen" -append "console=com1 dom0_mem=512M loglvl=warning" \
			-initrd "$vmlinuz console=hvc0 $append,$work/initrd.gz"
	else
		set -- -kernel "$vmlinuz" -initrd "$work/initrd.gz" -append "console=ttyS0 $append"
	fi
	qemu-system-x86_64 -accel tcg,thread="$tcg_threads" -M "$machine" -cpu "$cpu" -smp "$smp" -m "$([ -n "$disk" ] && echo 4096 ||
		{ { [ "$with_stack" = 1 ] || [ "$xen" = 1 ]; } && echo 2048; } || echo 512)" -nographic -no-reboot \
		"$@" -serial mon:stdio -serial "file:$work/heartbeat" \
		${disk:+-drive "file=$disk,format=raw,if=virtio,readonly=on"} >"$work/serial" \
		2>"$work/emu.err" &
	emu_pid=$!
}
# Bochs boots from an isolinux CD (its BIOS has no direct kernel boot). 115200 baud and quiet:
# Bochs paces every console byte in emulated time; cryptomgr.notests and pti=off save ~13 s of
# a ~2 minute boot (../shared/notes/vmx-under-bochs.md).
start_bochs() {
	iso=$work/iso
	mkdir -p "$iso/isolinux"
	cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
	cp "$vmlinuz" "$iso/vmlinuz"
	cp "$work/initrd.gz" "$iso/initrd.gz"
	cat >"$iso/isolinux/isolinux.cfg" <<CFG
SERIAL 0 115200
DEFAULT lab
LABEL lab
  KERNEL /vmlinuz
  APPEND initrd=/initrd.gz console=ttyS0,115200 quiet loglevel=0 panic=-1 cryptomgr.notests=1 pti=off$extra_append
CFG
	xorriso -as mkisofs -quiet -o "$work/boot.iso" -b isolinux/isolinux.bin \
		-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$iso" \
		2>"$work/emu.err" || die "building the boot CD failed: $(tail -3 "$work/emu.err")"
	# display "term" opens no window and no network port; the debugger's prompt is fed
	# "continue", then "quit" once the machine powers off
	cat >"$work/bochsrc" <<RC
megs: 512
cpu: model=$cpu, count=$smp, ips=100000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$work/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$work/serial
display_library: term
sound: driver=dummy
speaker: enabled=0
clock: sync=none, time0=local
log: $work/bochs.log
panic: action=fatal
RC
	printf 'c\nquit\n' >"$work/dbg.rc"
	(cd "$work" && TERM=dumb exec bochs-bin -q -f bochsrc -rc dbg.rc </dev/null \
		>"$work/emu.out" 2>"$work/emu.err") &
	emu_pid=$!
}

extra_append=$([ "$lockdown" = 1 ] && echo " lockdown=integrity" || true)
start=$(date +%s)
: >"$work/serial"
start_$engine
# a kernel that stopped beating after virtcap began (QEMU's engine): said at once, not at the
# deadline; 20 s, as a live kernel's 1 s beat is never starved that long
stale_after=20
while kill -0 "$emu_pid" 2>/dev/null; do
	beat=$([ -f "$work/heartbeat" ] && [ -s "$work/heartbeat" ] &&
		echo $(($(date +%s) - $(stat -c %Y "$work/heartbeat"))) || true)
	if [ -n "$beat" ] && [ "$beat" -gt "$stale_after" ] &&
	   tr -d '\r' <"$work/serial" | grep -q 'VIRTCAP-LAB-BEGIN$'; then
		echo "virtcap lab: virtcap started, then the VM's kernel stopped (no heartbeat" \
			"for $beat s) after $(($(date +%s) - start)) s; the console's last lines:" >&2
		tail -20 "$work/serial" | tr -d '\r' >&2
		exit 2
	fi
	if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
		# which side of VIRTCAP-LAB-BEGIN (the firmware's escape sequences may stand before
		# it on its line): a boot that never got there, or a kernel that stopped beating
		# after it, is the emulated machine's fault and may be retried; a virtcap that
		# started and did not end on a live kernel is a failure of virtcap
		beat=$([ -f "$work/heartbeat" ] && echo $(($(date +%s) - $(stat -c %Y "$work/heartbeat"))))
		if ! tr -d '\r' <"$work/serial" | grep -q 'VIRTCAP-LAB-BEGIN$'; then
			echo "virtcap lab: the VM did not reach virtcap within $timeout s (no result" \
				"within $timeout s); the console's last lines:" >&2
		elif [ -n "$beat" ] && [ "$beat" -gt 10 ]; then
			echo "virtcap lab: virtcap started, then the VM's kernel stopped (no heartbeat" \
				"for $beat s) within $timeout s; the console's last lines:" >&2
		else
			echo "virtcap lab: virtcap started inside the VM but gave no result within" \
				"$timeout s; the console's last lines:" >&2
		fi
		tail -20 "$work/serial" | tr -d '\r' >&2
		exit 2
	fi
	sleep 0.2
done
emu_pid=
seconds=$(($(date +%s) - start))

status=$(tr -d '\r' <"$work/serial" | sed -n 's/^VIRTCAP-LAB-END \([0-9]*\)$/\1/p')
if [ -z "$status" ]; then
	echo "virtcap lab: virtcap did not finish inside the VM; the console's last lines:" >&2
	tr -d '\r' <"$work/serial" | tail -20 >&2
	[ -s "$work/emu.err" ] && head -5 "$work/emu.err" >&2
	[ -f "$work/bochs.log" ] && grep -E 'PANIC|FATAL|ERROR' "$work/bochs.log" | head -5 >&2
	exit 2
fi
# the inner virtcap's progress went to the console, a terminal: it belongs on no report
esc=$(printf '\033')
tr -d '\r' <"$work/serial" | sed -n '/VIRTCAP-LAB-BEGIN$/,/^VIRTCAP-LAB-END/p' |
	sed -e '1d;$d' \
	    -e "s/virtcap: proof [0-9]* of [0-9]*, [^:]*: waiting for [^$esc]*$esc\\[K//g" \
	    -e "s/$esc\\[K//g" >"$work/report"
if [ "$json" = 1 ]; then
	# record the lab set-up in the report
	if [ "$arch" = arm64 ]; then
		emulator=$(qemu-system-aarch64 --version | head -1)
	elif [ "$engine" = qemu ]; then
		emulator=$(qemu-system-x86_64 --version | head -1)
	else
		emulator="Bochs $(dpkg-query -W -f='${Version}' bochs 2>/dev/null || echo '?')"
	fi
	/usr/bin/python3 - "$work/report" "$cpu" "$kernel" "$kver" "$nested" "$kvm_module" \
		"$user" "$bits" "$smp" "$seconds" "$engine" "$emulator" \
		"$(cat "$root/.complete")" "$([ "$xen" = 1 ] && cat "$cache/xen/.complete")" \
		"$([ "$arch" = arm64 ] && echo "$el2")" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text[text.index("{"):])
a = sys.argv
d["lab"] = {"cpu": a[2], "kernel": a[3], "kernel_version": a[4], "nested": int(a[5]),
            "kvm_module": a[6] == "1", "user": a[7] == "1", "process_bits": int(a[8]),
            "smp": int(a[9]), "boot_and_run_seconds": int(a[10]), "engine": a[11],
            "emulator": a[12], "kernel_package": a[13]}
if a[14]:
    d["lab"]["xen_package"] = a[14]
if a[15]:	# arm64: EL2 or not; an x86 KVM module and its nested= are not its
    d["lab"]["el2"] = a[15] == "1"
    del d["lab"]["nested"], d["lab"]["kvm_module"]
print(json.dumps(d, indent=2))
PY
	# shellcheck disable=SC2181
	if [ $? -ne 0 ]; then
		cat "$work/report"
		echo "virtcap lab: virtcap inside the VM printed no JSON report (above)" >&2
		exit 2
	fi
else
	cat "$work/report"
fi
exit "$status"

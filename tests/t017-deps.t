#!/bin/sh
# What each make target installs: make run only what building and running virtcap needs, make
# check also every tool the tests run for real, make fuzz clang, make bench the tools virtcap is
# timed against. The tools the tests call are looked up in dpkg's own database: each must come
# from a package of check's list, or a fresh machine's make check would miss it.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
deps=$top/scripts/deps.sh
list() { "$deps" --list "$1" | tr '\n' ' ' | sed 's/ $//'; }

is "$(list run)" "gcc make pkg-config libcpuid-dev libpci-dev libjson-c-dev zlib1g-dev libhivex-dev libblkid-dev libarchive-dev pci.ids" \
	"make run: the compiler, pkg-config, the three libraries, zlib and pci.ids, nothing else"
in_list() {	# PKG PURPOSE
	case " $(list "$2") " in *" $1 "*) return 0 ;; esac
	return 1
}
missing=""
for p in $(list run); do in_list "$p" check || missing="$missing $p"; done
is "$missing" "" "check's packages hold run's"
heavy=""
for p in qemu-system-x86 bochs chromium prometheus ansible-core clang-14 hyperfine; do
	in_list "$p" run && heavy="$heavy $p"
done
is "$heavy" "" "run pulls in no emulator, browser, Prometheus, Ansible, clang or benchmark tool"
in_list clang-14 fuzz && in_list clang-14 check && in_list lld check && ! in_list lld run
ok $? "clang is fuzz's, and check's with lld for the arm64 static binary only (gcc-aarch64-linux-gnu conflicts with gcc-multilib)"
in_list hyperfine bench && in_list cpu-checker bench && ! in_list hyperfine check
ok $? "hyperfine and kvm-ok are bench's"
all=$(list all) missing=""
for p in $(list check) $(list fuzz) $(list bench); do
	case " $all " in *" $p "*) ;; *) missing="$missing $p" ;; esac
done
is "$missing" "" "make deps (all) is every purpose's packages"

# the package that installed each tool the tests run, by dpkg's database (merged /usr: dpkg
# may know /bin/ip as it was shipped)
owner() {
	_p=$(command -v "$1") || return 1
	dpkg-query -S "$_p" 2>/dev/null || dpkg-query -S "${_p#/usr}" 2>/dev/null
}
not_in_check=""
for t in qemu-system-x86_64 qemu-img bochs-bin promtool ansible-playbook chromium xorriso \
	 cpuid_tool virsh mcopy mkfs.fat ip pgrep groff cpio prove setfacl dpkg-buildpackage lintian \
	 systemd-analyze sgdisk sfdisk mkntfs cryptsetup mkfs.btrfs mkfs.ext4 partx blkid \
	 grub-mkimage grub-mkstandalone ntfs-3g ntfsresize hivexsh hivexget setfattr; do
	o=$(owner "$t" | head -1 | cut -d: -f1)
	if [ -z "$o" ]; then
		not_in_check="$not_in_check $t($(command -v "$t" >/dev/null && echo "from no package" ||
			echo missing))"
		continue
	fi
	in_list "$o" check || not_in_check="$not_in_check $t($o)"
done
is "$not_in_check" "" "every tool the tests run comes from a package of check's list"

# the targets ask for their purpose
for t in run check fuzz bench; do
	make -n -C "$top" "$t" 2>/dev/null | grep -q "scripts/deps.sh $t\$"
	ok $? "make $t installs what $t needs (scripts/deps.sh $t)"
done
"$deps" nope >/dev/null 2>"${TMPDIR:-/tmp}/deps.$$.err"
is "$? $(cat "${TMPDIR:-/tmp}/deps.$$.err")" "2 deps.sh: no purpose named 'nope' (run, check, fuzz, deb, bench, all)" \
	"an unknown purpose is named, exit 2"
rm -f "${TMPDIR:-/tmp}/deps.$$.err"
done_testing

#!/bin/sh
# Programs of other architectures through binfmt_misc: the registrations read from their magic
# (captured roots: an oddly named entry, one without F, a disabled one, a non-ELF one), and
# prove --foreign running foreign/ARCH.elf live, in a binfmt_misc instance of its own (a user
# namespace's, Linux 6.7+) registered as qemu-user-static registers itself: each program gives its
# nonce back reversed. A liar interpreter that echoes the nonce fails, and so does a host with no
# registration. The tree's ELF files are built again from foreign/*.S and compared.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# the shipped programs are what their sources assemble to
if command -v aarch64-linux-gnu-as >/dev/null && command -v arm-linux-gnueabihf-as >/dev/null &&
   command -v riscv64-linux-gnu-as >/dev/null && command -v x86_64-linux-gnu-as >/dev/null &&
   command -v powerpc64le-linux-gnu-as >/dev/null && command -v s390x-linux-gnu-as >/dev/null; then
	mkdir "$tmp/elf" && sh "$top/scripts/foreign.sh" "$tmp/elf"
	for a in aarch64 arm riscv64 ppc64le s390x x86_64; do
		cmp -s "$tmp/elf/$a.elf" "$top/foreign/$a.elf"
		ok $? "foreign/$a.elf is what foreign/$a.S assembles to"
	done
else
	skip 6 "no cross binutils (make deps)"
fi

# captured roots: registrations as /proc/sys/fs/binfmt_misc shows them
r=$tmp/root; mkdir -p "$r"; intel_kvm_host "$r" 6.1.0-27-amd64
b=proc/sys/fs/binfmt_misc
root_file "$r" $b/status enabled
root_file "$r" $b/register ""
root_file "$r" $b/arm64-by-another-name "enabled
interpreter /usr/bin/qemu-aarch64-static
flags: F
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff"
root_file "$r" $b/qemu-arm "enabled
interpreter /usr/bin/qemu-arm-static
flags: OC
offset 0
magic 7f454c4601010100000000000000000002002800
mask ffffffffffffff00fffffffffffffffffeffffff"
root_file "$r" $b/qemu-riscv64 "disabled
interpreter /usr/bin/qemu-riscv64-static
flags: F
offset 0
magic 7f454c460201010000000000000000000200f300
mask ffffffffffffff00fffffffffffffffffeffffff"
root_file "$r" $b/qemu-s390x "enabled
interpreter /usr/bin/qemu-s390x-static
flags: F
offset 0
magic 7f454c4602020100000000000000000000020016
mask ffffffffffffff00fffffffffffffffffffeffff"
root_file "$r" $b/wine "enabled
interpreter /usr/bin/wine
flags: 
offset 0
magic 4d5a"
timeout 20 "$VIRTCAP" --root "$r" --json >"$tmp/root.json" 2>"$tmp/root.err"
is "$?/$(wc -c <"$tmp/root.err")" "0/0" "a captured root with five registrations: probed"
cap() { jget "$1" "d['capabilities']['$2'].get('$3')"; }
is "$(cap "$tmp/root.json" binfmt.aarch64 value)" "/usr/bin/qemu-aarch64-static" \
	"aarch64: found by its magic, whatever the entry is called"
is "$(cap "$tmp/root.json" binfmt.aarch64 fix)" "null" "aarch64: with F, nothing to fix"
is "$(cap "$tmp/root.json" binfmt.arm value)" "/usr/bin/qemu-arm-static" "arm: found"
cap "$tmp/root.json" binfmt.arm fix | grep -q "F flag"
ok $? "arm: registered without F, the fix says to register it with F"
is "$(cap "$tmp/root.json" binfmt.riscv64 value)/$(cap "$tmp/root.json" binfmt.riscv64 detail)" \
	"none/its entry qemu-riscv64 is disabled: echo 1 | sudo tee /proc/sys/fs/binfmt_misc/qemu-riscv64" \
	"riscv64: a disabled entry is none, and how to enable it"
is "$(cap "$tmp/root.json" binfmt.s390x value)" "/usr/bin/qemu-s390x-static" "s390x: a big-endian e_machine matched"
is "$(cap "$tmp/root.json" binfmt.ppc64le value)" "none" "ppc64le: no entry (wine's is not an ELF one)"
is "$(cap "$tmp/root.json" binfmt.aarch64_runs value)" "null" "a captured root: not run"
timeout 20 "$VIRTCAP" --root "$r" advise arm32 --json >"$tmp/arm32.json" 2>/dev/null
jget "$tmp/arm32.json" "[a for a in d['alternatives'] if 'binfmt_misc' in a][0]" |
	grep -q "; here: /usr/bin/qemu-arm-static (virtcap prove --foreign shows a program runs)"
ok $? "advise arm32: the containers' way names the registration, not yet proven"
timeout 20 "$VIRTCAP" --root "$r" advise riscv64 --json >"$tmp/rv.json" 2>/dev/null
jget "$tmp/rv.json" "[a for a in d['alternatives'] if 'binfmt_misc' in a][0]" | grep -q "; not set up here: echo 1 | sudo tee /proc/sys/fs/binfmt_misc/qemu-riscv64"
ok $? "advise riscv64: its entry is disabled, so not set up, and how to enable it"
timeout 20 "$VIRTCAP" --root "$r" prove --foreign all --json >"$tmp/root-prove.json" 2>/dev/null
is "$(cap "$tmp/root-prove.json" binfmt.aarch64_runs value)" "null" "prove --foreign on a captured root: not run there"

# a hostile root's entry name never reaches a command
h=$tmp/hostile; mkdir -p "$h"; intel_kvm_host "$h" 6.1.0-27-amd64
root_file "$h" $b/status enabled
root_file "$h" "$b/x;reboot" "disabled
interpreter /x
flags: F
offset 0
magic 7f454c460201010000000000000000000200b700"
timeout 20 "$VIRTCAP" --root "$h" --json >"$tmp/hostile.json" 2>/dev/null
is "$(cap "$tmp/hostile.json" binfmt.aarch64 detail)" \
	"its entry (a name with unusual characters) is disabled: echo 1 | sudo tee /proc/sys/fs/binfmt_misc/ENTRY" \
	"an entry named 'x;reboot' is not put into the command"

# the options
timeout 20 "$VIRTCAP" prove --foreign sparc --json >/dev/null 2>"$tmp/bad.err"
is "$?/$(cat "$tmp/bad.err")" "2/virtcap: --foreign: no architecture named 'sparc' (known: aarch64 or arm64, arm or armhf, riscv64, ppc64le or ppc64el, s390x, all)" \
	"an unknown architecture: exit 2, named"
timeout 20 "$VIRTCAP" probe --foreign all >/dev/null 2>"$tmp/bad.err"
is "$?/$(cat "$tmp/bad.err")" "2/virtcap: --foreign belongs to virtcap prove (and advise, check)" "--foreign outside prove, advise and check: exit 2"

# live, in a binfmt_misc instance of its own: registered as Debian's qemu-user-static does, by
# a liar that echoes, or not at all. Its PATH has no qemu-system-*: the kernels' boots are
# t104's, and here they would only add each architecture's boot to every call.
mkdir "$tmp/bin" && ln -s "$(command -v timeout)" "$tmp/bin/timeout"
private() {	# REGISTRATIONS-SCRIPT OUT [ARGS]: virtcap ARGS (by default prove --foreign all)
		# in a binfmt_misc of its own
	_s=$1 _o=$2; shift 2
	[ $# -gt 0 ] || set -- prove --only real16 --foreign all --json
	timeout 120 unshare -U -r -m sh -c 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc &&
		. "$1" && shift && PATH=$0 exec timeout 60 "$@"' "$tmp/bin" "$_s" "$VIRTCAP" "$@" \
		>"$_o" 2>"$_o.err"
}
if ! unshare -U -r -m sh -c 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc' 2>/dev/null; then
	skip 11 "no binfmt_misc of a user namespace's own here (Linux 6.7+, user namespaces)"
elif ! [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
	skip 11 "qemu-user-static is not installed (make deps)"
else
	cat >"$tmp/qemu.sh" <<'SH'
for a in aarch64 arm riscv64 ppc64le s390x; do
	grep '^:' /usr/lib/binfmt.d/qemu-$a.conf >/proc/sys/fs/binfmt_misc/register
done
SH
	private "$tmp/qemu.sh" "$tmp/qemu.json"
	is "$?" 0 "prove --foreign all, qemu-user-static registered: exit 0" || diag "$(cat "$tmp/qemu.json.err")"
	for a in aarch64 arm riscv64 ppc64le s390x; do
		is "$(cap "$tmp/qemu.json" binfmt.${a}_runs value)" "true" "$a: its program ran and reversed the nonce" ||
			diag "$(cap "$tmp/qemu.json" binfmt.${a}_runs detail)"
	done
	cap "$tmp/qemu.json" binfmt.aarch64 detail | grep -q "flags POF"
	ok $? "the live registration is read, with its flags"
	private "$tmp/qemu.sh" "$tmp/advise.json" advise arm64 --json
	jget "$tmp/advise.json" "[a for a in d['alternatives'] if 'binfmt_misc' in a][0]" |
		grep -q "; here: /usr/libexec/qemu-binfmt/aarch64-binfmt-P"
	ok $? "advise arm64: the containers' way is set up here, through the registered interpreter"

	# a liar: an interpreter that prints the nonce it was given, as it was given
	printf '#!/bin/sh\necho "$3"\n' >"$tmp/liar" && chmod 755 "$tmp/liar"
	printf 'printf %%s ":liar:M::\\\\x7fELF\\\\x02\\\\x01\\\\x01\\\\x00\\\\x00\\\\x00\\\\x00\\\\x00\\\\x00\\\\x00\\\\x00\\\\x00\\\\x02\\\\x00\\\\xb7\\\\x00:\\\\xff\\\\xff\\\\xff\\\\xff\\\\xff\\\\xff\\\\xff\\\\x00\\\\xff\\\\xff\\\\xff\\\\xff\\\\xff\\\\xff\\\\xff\\\\xff\\\\xfe\\\\xff\\\\xff\\\\xff:%s:P" >/proc/sys/fs/binfmt_misc/register\n' \
		"$tmp/liar" >"$tmp/liar.sh"
	private "$tmp/liar.sh" "$tmp/liar.json"
	is "$(cap "$tmp/liar.json" binfmt.aarch64 value)" "$tmp/liar" "the liar is registered for aarch64" ||
		diag "$(cat "$tmp/liar.json.err")"
	is "$(cap "$tmp/liar.json" binfmt.aarch64_runs value)" "false" "an interpreter that echoes the nonce fails the proof"
	cap "$tmp/liar.json" binfmt.aarch64_runs detail | grep -q "answer is wrong"
	ok $? "and says the answer was wrong" || diag "$(cap "$tmp/liar.json" binfmt.aarch64_runs detail)"

	: >"$tmp/none.sh"
	private "$tmp/none.sh" "$tmp/none.json"
	cap "$tmp/none.json" binfmt.arm_runs detail | grep -q "Exec format error" &&
		cap "$tmp/none.json" binfmt.arm_runs fix | grep -q "apt install qemu-user-static"
	ok $? "nothing registered: the kernel cannot run it, and the fix installs qemu-user-static" ||
		diag "$(cap "$tmp/none.json" binfmt.arm_runs detail)"
fi
done_testing

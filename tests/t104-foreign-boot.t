#!/bin/sh
# prove --foreign's kernel boots: Debian's arm64, armhf, ppc64el and s390x kernels (the lab's
# pins, fetched and cached by lab.sh) booted under QEMU's emulation of their CPUs to their init,
# foreign/ARCH.elf,
# which must print the kernel command line's nonce back reversed; this host's own kernel beside
# them under TCG (and KVM where it opens). A liar init (the same program, one lie: it copies the
# nonce forward) must fail, and an emulator that is not installed is said so, with its package.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
for q in aarch64 arm ppc64 s390x; do
	command -v qemu-system-$q >/dev/null || skip_all "qemu-system-$q is not installed (make deps)"
done

cap() { jget "$1" "d['capabilities']['$2'].get('$3')"; }
TMPDIR=$tmp timeout 900 "$VIRTCAP" prove --only real16 --foreign all --json >"$tmp/boot.json" 2>"$tmp/boot.err"
is "$?" 0 "prove --foreign all: exit 0" || diag "$(tail -3 "$tmp/boot.err")"
for row in arm64 arm32 ppc64le s390x; do
	is "$(cap "$tmp/boot.json" foreign.${row}_boot value)" "true" "$row: Debian's kernel reached its init and gave the nonce back reversed" ||
		diag "$(cap "$tmp/boot.json" foreign.${row}_boot detail)"
	ms=$(cap "$tmp/boot.json" foreign.${row}_boot_ms value)
	ok "$([ "$ms" -gt 100 ] && [ "$ms" -lt 120000 ]; echo $?)" "$row: boot_ms $ms, between 0.1 s and the 120 s deadline"
done
for pair in arm64:arm64:aarch64 ppc64le:powerpc64le:ppc64 s390x:s390x:s390x; do
	set -- $(echo "$pair" | tr : ' ')
	cap "$tmp/boot.json" foreign.$1_boot detail | grep -q "linux-image-6.1.0-[0-9]*-$2 reached its init under qemu-system-$3 "
	ok $? "$1: the detail names the pinned package and the emulator"
done
# riscv64 has no kernel in Debian 12: said, never guessed
is "$(cap "$tmp/boot.json" foreign.riscv64_boot value)/$(cap "$tmp/boot.json" foreign.riscv64_boot detail)" \
	"null/no kernel to boot: Debian 12, whose kernels the lab pins, has no riscv64 kernel (an official architecture from Debian 13)" \
	"riscv64: no kernel to boot, and why"
ms=$(cap "$tmp/boot.json" foreign.x86_tcg_boot_ms value)
ok "$([ "$ms" -gt 100 ] && [ "$ms" -lt 120000 ]; echo $?)" "x86-64 beside them under TCG: $ms ms" ||
	diag "$(cap "$tmp/boot.json" foreign.x86_tcg_boot_ms detail)"
kvm=$(cap "$tmp/boot.json" foreign.x86_kvm_boot_ms value)
if [ "$kvm" = null ]; then
	cap "$tmp/boot.json" foreign.x86_kvm_boot_ms detail | grep -q "^not under KVM here: ."
	ok $? "x86-64 under KVM: not here, and QEMU's words why"
else
	ok "$([ "$kvm" -gt 0 ]; echo $?)" "x86-64 under KVM: $kvm ms"
fi
is "$(ls -A "$tmp" | grep -c virtcap-foreign)" 0 "no work directory left behind"

# the matrix's rows of other architectures are judged on these boots: emulation, never yes,
# and the reason carries the boot's own time (the firmware step needs AAVMF: make deps)
row() { jget "$1" "d['matrix']['$2']['$3']"; }
[ -e /usr/share/AAVMF/AAVMF_CODE.fd ] || bail "no AAVMF (qemu-efi-aarch64): make deps"
for r in arm64 arm32 ppc64le s390x; do
	ms=$(cap "$tmp/boot.json" foreign.${r}_boot_ms value)
	is "$(row "$tmp/boot.json" $r verdict)/$(row "$tmp/boot.json" $r blocked_by)" "emulation/null" \
		"matrix row $r: emulation, nothing blocks it" || diag "$(row "$tmp/boot.json" $r reason)"
	row "$tmp/boot.json" $r reason | grep -q "^by emulation only: .* in $ms ms "
	ok $? "and its reason is the boot's, in its $ms ms"
done
is "$(jget "$tmp/boot.json" "d['matrix']['os64']['verdict'] != 'emulation'")" true \
	"this architecture's rows are never 'emulation'"
TMPDIR=$tmp timeout 60 "$VIRTCAP" probe --json >"$tmp/probe.json" 2>/dev/null
is "$(row "$tmp/probe.json" arm64 verdict)/$(row "$tmp/probe.json" arm64 reason)" \
	"unknown/not run: virtcap prove --foreign aarch64 boots Debian's arm64 kernel" \
	"without the boot: arm64 unknown, and the command that runs it"
LANG=C timeout 60 "$VIRTCAP" probe --no-color | grep -q '^  arm32 *unknown *- *- *- *- *\. '
ok $? "the table shows arm32 unknown, its proof not run"
# advise judges the same chain on the same kind of boot: it agrees with the matrix, and says
# how long the boot took
TMPDIR=$tmp timeout 300 "$VIRTCAP" advise arm32 --foreign arm --json >"$tmp/advise.json" 2>/dev/null
is "$(jget "$tmp/advise.json" "d['verdict']")" emulation "advise arm32 --foreign arm: emulation, as the matrix says"
LANG=C TMPDIR=$tmp timeout 300 "$VIRTCAP" advise arm32 --foreign arm --no-color 2>/dev/null |
	tr '\n' ' ' | grep -Eq 'It runs here by emulation only: .* in [1-9][0-9]* ms'
ok $? "and its text says it runs by emulation only, with the boot's time"
# check with --foreign boots it too (without, the row is "not run", as in plain virtcap's
# matrix: t080): emulation is not "yes"
TMPDIR=$tmp timeout 300 "$VIRTCAP" check --require arm32 --foreign arm --json >"$tmp/check.json" 2>/dev/null
is "$?/$(jget "$tmp/check.json" "d['requirements'][0]['verdict']")/$(jget "$tmp/check.json" "d['requirements'][0]['passed']")" \
	"1/emulation/false" "check --require arm32 --foreign arm: booted, emulation, and it does not pass (exit 1)"
jget "$tmp/check.json" "d['requirements'][0]['reason']" | grep -Eq "^by emulation only: .* in [1-9][0-9]* ms"
ok $? "and its reason is the boot's"

# a liar: foreign/aarch64.S with one lie, the nonce copied forward instead of reversed
if command -v aarch64-linux-gnu-as >/dev/null; then
	sed 's/^\tsub\tx6, x2, x5$/\tmov\tx6, x5/; /^\tsub\tx6, x6, #1$/d' "$top/foreign/aarch64.S" >"$tmp/liar.S"
	aarch64-linux-gnu-as -o "$tmp/liar.o" "$tmp/liar.S" && aarch64-linux-gnu-ld -static -n -s -o "$tmp/liar" "$tmp/liar.o"
	qemu-aarch64-static "$tmp/liar" abc 2>/dev/null | grep -qx abc
	ok $? "the liar copies its argument forward"
	VIRTCAP_FOREIGN_INIT=$tmp/liar TMPDIR=$tmp timeout 900 "$VIRTCAP" prove --only real16 --foreign arm64 --json >"$tmp/liar.json" 2>/dev/null
	is "$(cap "$tmp/liar.json" foreign.arm64_boot value)" "false" "a kernel whose init answers the nonce unreversed fails"
	is "$(row "$tmp/liar.json" arm64 verdict)/$(row "$tmp/liar.json" arm64 blocked_by)" "no/foreign.arm64_boot" \
		"and the arm64 row is no, blocked by that boot"
	cap "$tmp/liar.json" foreign.arm64_boot detail | grep -q "before its init answered.*VIRTCAP_FOREIGN_INIT's, not virtcap's"
	ok $? "and says its init was not virtcap's" || diag "$(cap "$tmp/liar.json" foreign.arm64_boot detail)"
else
	skip 4 "no aarch64 cross assembler (make deps)"
fi

# Ctrl-C while a kernel boots: virtcap ends with 130, and neither QEMU nor its directory stays
mkdir "$tmp/int"
TMPDIR=$tmp/int env --default-signal=INT "$VIRTCAP" prove --only real16 --foreign arm64 --json >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do ls "$tmp/int" 2>/dev/null | grep -q virtcap-foreign && break; sleep 0.1; done
sleep 1
qemu=$(pgrep -P "$pid" -f qemu-system-aarch64)
kill -INT "$pid"
wait "$pid"
is "$?/$(ls -A "$tmp/int" | wc -l)" "130/0" "SIGINT during a boot: exit 130, no work directory left"
gone() {	# PID: ended (or a zombie its new parent has not reaped yet), within 2 s
	for _ in $(seq 1 20); do
		[ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}
ok "$([ -n "$qemu" ] && gone "$qemu"; echo $?)" "its QEMU ($qemu) ended with it" ||
	diag "$(grep State "/proc/$qemu/status" 2>/dev/null)"

# an emulator that is not here: PATH without it
mkdir "$tmp/bin"
for t in sh timeout cat; do ln -s "$(command -v $t)" "$tmp/bin/$t"; done
PATH=$tmp/bin TMPDIR=$tmp timeout 60 "$VIRTCAP" prove --only real16 --foreign arm64 --json >"$tmp/none.json" 2>/dev/null
is "$(cap "$tmp/none.json" foreign.arm64_boot value)/$(cap "$tmp/none.json" foreign.arm64_boot fix)" \
	"null/sudo apt install qemu-system-arm; on Fedora: sudo dnf install qemu-system-aarch64" \
	"no qemu-system-aarch64: not run, and the package that has it"
done_testing

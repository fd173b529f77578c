#!/bin/sh
# Lab scenarios, one boot each: the verdicts virtcap must give, and why, on machines that lack
# one thing: no SVM, SVM without NPT, nested=0, no KVM module, an unprivileged user, a 32-bit
# virtcap on the 64-bit kernel, a kernel locked down with an unsigned DKMS driver on disk, and
# Debian's 686-pae kernel.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/lab.sh"
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 is missing: make deps"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

lab() {	# NAME LAB-OPTIONS... : the JSON of plain virtcap in that lab
	name=$1; shift
	run_lab "$tmp/$name.json" "$tmp/$name.err" --json "$@" -- --timeout 5
	rc=$?
	lab_gave_no_report "$tmp/$name.json" "$tmp/$name.err" && diag "(scenario $name)"
	is "$rc" 0 "$name: the lab ran"
}
v() { jget "$tmp/$1.json" "d['matrix']['$2']['$3']"; }
c() { jget "$tmp/$1.json" "d['capabilities']['$2']['value']"; }

lab nosvm --cpu EPYC,-svm --smp 1
is "$(jget "$tmp/nosvm.json" "d['lab']['smp']")/$(c nosvm kernel.cpus_online)" 1/1 \
	"--smp 1: the lab's machine has one CPU, and its kernel sees one"
is "$(c nosvm kernel.dev_kvm)" absent "no SVM: no /dev/kvm"
is "$(v nosvm long64 verdict)" no "no SVM: long64 no"
is "$(v nosvm long64 blocked_by)" cpu.svm "no SVM: blocked by cpu.svm"
is "$(jget "$tmp/nosvm.json" "d['matrix']['long64']['proof']['status']")" not-run \
	"no SVM: the proof could not run, and says so"

lab nonpt --cpu EPYC,+svm,-npt
is "$(c nonpt cpu.npt)" false "SVM without NPT: cpu.npt false"
is "$(v nonpt long64 verdict)" yes "SVM without NPT: long64 still proven (shadow paging)"
is "$(v nonpt pae32 verdict)" yes "SVM without NPT: pae32 proven"
# Seen here: with shadow paging (no NPT) the 32-bit L1 comes back from its L2's first #VMEXIT
# with CR3=0 and triple-faults. Whatever the nested proof finds, the row must follow it and say
# so when it contradicts the probe's "yes".
st=$(jget "$tmp/nonpt.json" "d['matrix']['nested']['proof']['status']")
dis=$(jget "$tmp/nonpt.json" "d['matrix']['nested']['disagreement']")
case $st/$dis in
proven/false|failed/true) ok 0 "SVM without NPT: nested $st, disagreement $dis" ;;
*) ok 1 "SVM without NPT: the nested row follows its proof"; diag "status $st, disagreement $dis" ;;
esac
is "$(jget "$tmp/nonpt.json" "d['details']['proofs']['nested_tdp']['status']")" not-run \
	"SVM without NPT: no nested paging to test, and the proof says why"

lab nested0 --nested 0
is "$(v nested0 nested verdict)" no "nested=0: nested no"
is "$(v nested0 nested blocked_by)" kernel.nested "nested=0: blocked by the module parameter"
is "$(jget "$tmp/nested0.json" "d['matrix']['nested']['proof']['status']")" failed \
	"nested=0: the nested proof fails too, confirming the probe"
case $(v nested0 nested fix) in *"kvm_amd nested=1"*/etc/modprobe.d/*) ok 0 "nested=0: the fix" ;;
*) ok 1 "nested=0: the fix names modprobe and /etc/modprobe.d"; diag "$(v nested0 nested fix)" ;; esac

lab nomod --no-kvm-module
is "$(v nomod real16 blocked_by)" kernel.kvm_module "no module: blocked by kernel.kvm_module"
case $(v nomod real16 fix) in *"modprobe kvm_amd"*) ok 0 "no module: the fix loads kvm_amd" ;;
*) ok 1 "no module: the fix loads kvm_amd"; diag "$(v nomod real16 fix)" ;; esac

lab user --user
is "$(c user kernel.dev_kvm)" no-access "unprivileged: /dev/kvm no-access"
is "$(v user real16 verdict)" no "unprivileged: no guest can run"
is "$(jget "$tmp/user.json" "d['matrix']['real16']['proof']['status']")" not-run \
	"unprivileged: the proof says it could not open /dev/kvm"
# devtmpfs made /dev/kvm root's (gid 0, mode 0600), as a system without udev's rule has it
is "$(jget "$tmp/user.json" "d['capabilities']['kernel.dev_kvm_group']['value']")" root \
	"unprivileged: /dev/kvm belongs to group root, as the lab's kernel made it"
jget "$tmp/user.json" "d['matrix']['real16']['fix']" | grep -q '^give the kvm group access: sudo groupadd -f kvm && sudo chgrp kvm /dev/kvm && sudo chmod 660 /dev/kvm'
ok $? "unprivileged: the fix gives /dev/kvm to group kvm, not 'join group root'"

# the human report as a person reads it from the lab (one scenario is enough, so this one is
# read as text): the header, the matrix, and nothing of the inner virtcap's progress line (it
# wrote to the VM's console, a terminal)
run_lab "$tmp/bits32" "$tmp/bits32.err" --bits 32 -- --no-color --timeout 5
is "$?" 0 "bits32: the lab ran plain virtcap (human output)"
head -1 "$tmp/bits32" | grep -Eq '^virtcap [0-9.]+: host .*, 32-bit process$'
ok $? "32-bit virtcap on the 64-bit kernel, as the header says"
is "$(awk '$1 == "long64" { print $2, $7; exit }' "$tmp/bits32")" "yes y" \
	"a 32-bit process drives a 64-bit guest: long64 yes, its proof mark y (ASCII: the VM's console has no UTF-8 locale)"
! grep -q "$(printf '\033')" "$tmp/bits32" && ! grep -q 'waiting for its guest' "$tmp/bits32"
ok $? "the human report holds no escape code and no progress line"

# locked down as Secure Boot locks it, with an unsigned vboxdrv.ko where DKMS leaves one: the
# kernel itself refuses it (init tries) and virtcap reads why from the kernel's log
lab lockdown --lockdown
is "$(c lockdown kernel.lockdown)" integrity "lockdown: the kernel says it is locked down (integrity)"
is "$(c lockdown kernel.unsigned_modules)" false "lockdown: unsigned modules cannot load"
kv=$(jget "$tmp/lockdown.json" "d['lab']['kernel_version']")
case $(jget "$tmp/lockdown.json" "d['capabilities']['kernel.unsigned_modules']['detail']") in
*"vboxdrv (/lib/modules/$kv/updates/dkms/vboxdrv.ko) is not signed and not loaded: modprobe vboxdrv fails with \"Operation not permitted\"; the kernel log says: Lockdown: insmod: unsigned module loading is restricted"*)
   ok 0 "lockdown: the driver, the error and the kernel's own refusal, from its log" ;;
*) ok 1 "lockdown: the driver, the error and the kernel's own refusal, from its log"
   diag "$(jget "$tmp/lockdown.json" "d['capabilities']['kernel.unsigned_modules']['detail']")" ;;
esac
jget "$tmp/lockdown.json" "d['capabilities']['kernel.unsigned_modules']['fix']" | grep -q 'scripts/sign-file sha256 MOK.priv MOK.der'
ok $? "lockdown: the fix signs the module"
is "$(c lockdown kernel.kvm_module)/$(v lockdown long64 verdict)" kvm_amd/yes \
	"lockdown: Debian's signed KVM modules load, and 64-bit guests run"

lab i386 --kernel i386
is "$(jget "$tmp/i386.json" "d['host']['kernel_arch']")" i686 "686-pae kernel: kernel_arch i686"
# what follows is what this kernel does: scripts/lab-kernels.tsv pins it (and says how to move it)
is "$(jget "$tmp/i386.json" "d['lab']['kernel_package']")" \
	"$(awk -F'\t' '$1 == "i386" { print $2, $3 }' "$(dirname "$0")/../scripts/lab-kernels.tsv")" \
	"686-pae kernel: the pinned one"
is "$(v i386 long64 verdict)" no "686-pae kernel: long64 no"
is "$(v i386 prot32 verdict)" yes "686-pae kernel: 32-bit guests proven"
case $(jget "$tmp/i386.json" "d['matrix']['long64']['proof']['detail']") in
*"ran in 64-bit mode"*"cut to"*) ok 0 "686-pae kernel: the 64-bit guest ran in long mode, its result cut to 32 bits" ;;
*) ok 1 "686-pae kernel: the long64 proof says what happened"
   diag "$(jget "$tmp/i386.json" "d['matrix']['long64']['proof']['detail']")" ;;
esac
case $(jget "$tmp/i386.json" "d['matrix']['boot']['proof']['detail']") in
*"as far as: PAE paging on"*"switching to long mode"*"failed"*)
   ok 0 "686-pae kernel: a guest's own switch to long mode fails, after PAE paging worked" ;;
*) ok 1 "686-pae kernel: the boot proof says where the guest's own way stopped"
   diag "$(jget "$tmp/i386.json" "d['matrix']['boot']['proof']['detail']")" ;;
esac
is "$(v i386 pae32 disagreement)" true \
	"686-pae kernel: the PAE guest's memory above 4 GiB never answers, against the probe"
done_testing

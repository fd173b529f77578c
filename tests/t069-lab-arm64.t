#!/bin/sh
# The arm64 lab: Debian's arm64 kernel (the lab's pin) booted under QEMU's emulated arm64 CPUs
# with EL2, its KVM/arm64 running, and virtcap-static-aarch64 inside (lab --arch arm64). What
# virtcap says of each machine is held to what that same kernel said in boots recorded apart,
# tests/data/arm64/*.dmesg (read here with grep, not with virtcap's parser), and to the MIDR_EL1
# their README gives: VHE on max, nVHE on cortex-a57, no AArch32 at EL1 on a64fx, no EL2 at all
# with virtualization=off. On an ARM host an x86 OS is unknown and an x86 CPU mode not
# applicable, never an x86 host's "no".
# hv-mini's arm64 guests (proofs/manifest_arm64.h) run on each machine's KVM/arm64: the 64- and
# 32-bit ARM rows follow the log's AArch32 at EL1, and on max every liar
# (tests/data/liars-arm64.tsv) is failed for its reason.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/lab.sh"
command -v qemu-system-aarch64 >/dev/null || bail "qemu-system-aarch64 is missing: make deps"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
data=$top/tests/data/arm64
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# what the recorded log of the same kernel on the same CPU says, by grep
said() {	# LOG WHAT
	case $2 in
	el) sed -n 's/.*CPU: All CPU(s) started at \(EL[12]\).*/\1/p' "$1" ;;
	mode) if grep -q "VHE mode initialized successfully" "$1"; then echo vhe
	      elif grep -q "Hyp mode initialized successfully" "$1"; then echo nvhe
	      elif grep -q "HYP mode not available" "$1"; then echo none; fi ;;
	ipa) n=$(sed -n 's/.*IPA Size Limit: \([0-9]*\) bits.*/\1/p' "$1"); echo "${n:-null}" ;;
	aarch32) grep -q "detected: 32-bit EL1 Support" "$1" && echo true || echo false ;;
	gicv3) grep -q "GICv3: CPU0: found redistributor" "$1" && echo true || echo false ;;
	gicv2) grep -q "kvm \[1\]: disabling GICv2 emulation" "$1" && echo false || echo true ;;
	midr) printf '%d\n' "$(sed -n "s/^| $(basename "$1") |.*| \(0x[0-9a-f]*\) |$/\1/p" "$data/README.md")" ;;
	esac
}
c() { jget "$tmp/$1.json" "d['capabilities']['$2']['value']"; }

# What KVM offers guests, by ioctl, beside what the CPU is: SVE (Armv8.2's scalable vectors:
# A64FX has them, Cortex-A57, an Armv8.0 core, not; QEMU's max has every feature it emulates),
# pointer authentication (Armv8.3: max only), and a virtual EL2 (nested), which Linux 6.1 has
# not. NAME:CPU:EL2:SVE/PTRAUTH/EL2
for scenario in vhe-max:max:el2:true/true/false nvhe-cortex-a57:cortex-a57:el2:false/false/false \
		vhe-a64fx:a64fx:el2:true/false/false el1-max:max:no-el2:null/null/null; do
	name=${scenario%%:*} rest=${scenario#*:}
	cpu=${rest%%:*} rest=${rest#*:}
	el2=${rest%%:*} kvm_offers=${rest#*:}
	log=$data/$name.dmesg
	only=arm64,arm32,smp,irq,hypercall,mmio,disk$([ "$name" = vhe-max ] && echo ,liars)
	run_lab "$tmp/$name.json" "$tmp/$name.err" --arch arm64 --cpu "$cpu" \
		$([ "$el2" = no-el2 ] && echo --no-el2) --smp 2 --json -- prove --only "$only"
	is "$?" 0 "$name: the arm64 lab ran virtcap-static-aarch64 ($cpu, $el2)"
	lab_gave_no_report "$tmp/$name.json" "$tmp/$name.err" && continue
	is "$(c $name kernel.arm64_boot_el)/$(c $name kernel.arm64_kvm_mode)/$(c $name kernel.arm64_ipa_bits)" \
		"$(said "$log" el)/$(said "$log" mode)/$(said "$log" ipa)" \
		"$name: the boot EL, KVM's mode and the IPA size the kernel's own log gives"
	is "$(c $name cpu.arm64_el1_aarch32)" "$(said "$log" aarch32)" \
		"$name: AArch32 at EL1 as the kernel's log has it"
	is "$(c $name cpu.arm64_midr)" "$(said "$log" midr)" "$name: MIDR_EL1 as recorded"
	is "$(c $name kernel.dev_kvm)" "$([ "$el2" = el2 ] && echo ok || echo absent)" \
		"$name: /dev/kvm $([ "$el2" = el2 ] && echo opens || echo is absent without EL2)"
	is "$(c $name kernel.kvm_arm_sve)/$(c $name kernel.kvm_arm_ptrauth)/$(c $name kernel.kvm_arm_el2)" \
		"$kvm_offers" "$name: KVM_CHECK_EXTENSION: SVE, pointer authentication, EL2 for guests"
	if [ "$el2" = el2 ]; then	# the kernel's answers that must agree
		is "$(c $name kernel.kvm_arm_ipa_bits)/$(c $name kernel.kvm_arm_el1_32bit)" \
			"$(said "$log" ipa)/$(said "$log" aarch32)" \
			"$name: KVM's IPA size and AArch32 by ioctl, as its log said them"
		is "$(c $name kernel.kvm_arm_vgic_v3)/$(c $name kernel.kvm_arm_vgic_v2)" \
			"$(said "$log" gicv3)/$(said "$log" gicv2)" \
			"$name: the vGICs KVM makes (KVM_CREATE_DEVICE_TEST), as its log said them"
	fi
	row() { jget "$tmp/$name.json" "'/'.join(str(d['matrix']['$1'][f]) for f in ('verdict', 'blocked_by')) + '/' + d['matrix']['$1']['proof']['status']"; }
	if [ "$el2" = el2 ]; then	# hv-mini's arm64 guests, on what the log says of AArch32
		is "$(row arm64)" "yes/None/proven" "$name: a 64-bit ARM guest proven at EL1"
		if [ "$(said "$log" aarch32)" = true ]; then
			is "$(row arm32)" "yes/None/proven" "$name: a 32-bit ARM guest proven (AArch32 at EL1)"
		else
			is "$(row arm32)" "no/kernel.kvm_arm_el1_32bit/failed" \
				"$name: no 32-bit ARM guest: this CPU has no AArch32 at EL1"
			jget "$tmp/$name.json" "d['matrix']['arm32']['fix']" | grep -q "by emulation"
			ok $? "$name: and the alternative, emulation"
		fi
		is "$(row smp)/$(row irq)/$(row hypercall)" "yes/None/proven/yes/None/proven/yes/None/proven" \
			"$name: two vCPUs by PSCI CPU_ON, an SPI through the vGIC, HVC proven"
		is "$(row mmio)/$(row disk)" "yes/None/proven/yes/None/proven" \
			"$name: an MMIO device and a host file as disk proven"
	else
		is "$(row arm64)/$(row arm32)" "no/kernel.arm64_kvm_mode/not-run/no/kernel.arm64_kvm_mode/not-run" \
			"$name: without EL2 no ARM guest runs under KVM: KVM did not start"
	fi
	is "$(jget "$tmp/$name.json" "str(d['lab'].get('el2')) + '/' + str('nested' in d['lab'] or 'kvm_module' in d['lab'])")" \
		"$([ "$el2" = el2 ] && echo True || echo False)/False" \
		"$name: the lab's record says EL2 $([ "$el2" = el2 ] && echo on || echo off), and no x86 KVM module"
	jget "$tmp/$name.json" "d['capabilities']['kernel.arch']['detail']" | grep -q "^64-bit ARM kernel"
	ok $? "$name: kernel.arch says a 64-bit ARM kernel, never a 32-bit one"
	is "$(jget "$tmp/$name.json" "d['matrix']['os64']['verdict'] + '/' + d['matrix']['long64']['verdict'] + '/' + d['matrix']['long64']['blocked_by']")" \
		"unknown/not-applicable/kernel.arch" "$name: an x86 OS unknown on an ARM host, an x86 CPU mode not applicable, neither 'no'"
done
# the EL1 machine's fix fits where it is: a virtual machine (QEMU's), so not the firmware's
jget "$tmp/el1-max.json" "d['capabilities']['kernel.arm64_boot_el']['fix']" | grep -qi "bare-metal\|metal"
ok $? "el1-max: EL1 in a VM: the fix is a bare-metal instance" ||
	diag "$(jget "$tmp/el1-max.json" "d['capabilities']['kernel.arm64_boot_el']")"
# the liars, each failed by its proof's own check for the reason it must give
/usr/bin/python3 - "$tmp/vhe-max.json" "$top/tests/data/liars-arm64.tsv" >"$tmp/liars" <<'PY'
import json, sys
proofs = json.load(open(sys.argv[1]))["details"].get("proofs", {})
reasons = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if not l.startswith("#"))
for liar in sorted(set(p for p in proofs if p.startswith("liar-")) | set(reasons)):
    p = proofs.get(liar, {})
    print("\t".join([liar, p.get("status", "absent"), reasons.get(liar, "-"), p.get("detail", "")]))
PY
while IFS=$(printf '\t') read -r liar status reason detail; do
	case $status/$detail in failed/*"$reason"*) ok 0 "$liar: failed, because $reason" ;;
	*) ok 1 "$liar: failed, because $reason"; diag "$status: $detail" ;; esac
done <"$tmp/liars"
done_testing

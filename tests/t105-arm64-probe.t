#!/bin/sh
# arm64 hosts, as their kernel says them (issue 28, the probe's first part): the kernel logs of
# Debian's arm64 kernel on QEMU's emulated arm64 CPUs with and without EL2 (tests/data/arm64/,
# whose README says how they were made) are read by probe/klog.c as a live log is, and roots
# captured of each give the boot level, KVM's mode, the IPA size, AArch32 at EL1 and the CPU.
# The fix where the kernel was entered at EL1 follows where the host is (bare metal or a VM).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
data=$(cd "$(dirname "$0")/data/arm64" && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# the kernel's own lines, through the code that reads a live log
facts() { timeout 10 "$TEST_BIN/klog-facts" "$data/$1.dmesg"; }
for s in vhe-max nvhe-cortex-a57 vhe-a64fx el1-max; do
	facts $s >"$tmp/$s.facts" || bail "klog-facts $s"
done
f() { sed -n "s/^$2=//p" "$tmp/$1.facts"; }
is "$(f vhe-max klog.arm64_started_at)/$(f vhe-max klog.kvm_arm_mode)/$(f vhe-max klog.kvm_arm_ipa)" \
	"EL2/VHE mode initialized successfully/48 bits" "max: EL2, VHE, 48-bit IPA"
is "$(f nvhe-cortex-a57 klog.arm64_started_at)/$(f nvhe-cortex-a57 klog.kvm_arm_mode)/$(f nvhe-cortex-a57 klog.kvm_arm_ipa)" \
	"EL2/Hyp mode initialized successfully/44 bits" "cortex-a57: EL2, nVHE, 44-bit IPA"
is "$(f vhe-a64fx klog.kvm_arm_ipa)/$(f vhe-a64fx klog.arm64_el1_32bit)" "40 bits/" \
	"a64fx: 40-bit IPA, and no 32-bit EL1 line"
is "$(f el1-max klog.arm64_started_at)/$(f el1-max klog.kvm_arm_mode)/$(f el1-max klog.kvm_arm_ipa)" \
	"EL1/HYP mode not available/" "virtualization=off: EL1, HYP mode not available"

# roots of each: the kernel, its MIDR_EL1, the log's facts
arm64_root() {	# ROOT SCENARIO MIDR
	root_kernel "$1" 6.1.0-57-arm64 aarch64
	root_file "$1" sys/devices/system/cpu/cpu0/regs/identification/midr_el1 "$3"
	root_fact "$1" klog.status ok
	cat "$tmp/$2.facts" >>"$1/.virtcap/facts"
}
arm64_root "$tmp/max" vhe-max 0x00000000000f0510
arm64_root "$tmp/a57" nvhe-cortex-a57 0x00000000411fd070
arm64_root "$tmp/a64fx" vhe-a64fx 0x00000000461f0010
arm64_root "$tmp/el1" el1-max 0x00000000000f0510
arm64_root "$tmp/el1-ec2" el1-max 0x00000000413fd0c1	# a Graviton2 (Neoverse N1) VM
root_file "$tmp/el1-ec2" sys/class/dmi/id/sys_vendor "Amazon EC2"
root_file "$tmp/el1-ec2" sys/class/dmi/id/product_name "c6g.large"
# QEMU's virt board booted with -kernel (the arm64 lab's): no ACPI, no DMI; its device tree's
# root says "linux,dummy-virt", a NUL-terminated string, as the kernel exposes it
arm64_root "$tmp/el1-virt" el1-max 0x00000000000f0510
# a snapshot of a Neoverse host keeps what KVM answered (facts kvm.arm.*): ipa_size 0 is KVM's
# default of 40 bits, and a value KVM never gives is unknown
for f in ipa_size=0 el1_32bit=0 sve=1 ptrauth=1 pmu_v3=1 mte=0 el2=77; do
	root_fact "$tmp/a64fx" "kvm.arm.${f%%=*}" "${f#*=}"
done
root_fact "$tmp/max" kvm.arm.ipa_size 7	# no IPA size KVM gives (and 2^(7-30) GiB is no number)
mkdir -p "$tmp/el1-virt/proc/device-tree" && printf 'linux,dummy-virt\0' >"$tmp/el1-virt/proc/device-tree/compatible"
# a log that no longer reaches the boot (its oldest line a day after it): none of those lines
root_kernel "$tmp/lost" 6.1.0-57-arm64 aarch64
root_fact "$tmp/lost" klog.status ok
root_fact "$tmp/lost" klog.oldest 86400.5
arm64_root "$tmp/garbage" vhe-max "not a register"
sed -i 's/^klog.arm64_started_at=.*/klog.arm64_started_at=EL3x/' "$tmp/garbage/.virtcap/facts"

# an Ampere-like server (a Neoverse N1 MIDR) whose SMMUv3 drives two IOMMU groups, with VFIO
# and the GICv3's ITS for MSIs, /dev/kvm usable: what passthrough needs on arm64
arm64_root "$tmp/smmu" vhe-max 0x00000000413fd0c1
dev_kvm_ok "$tmp/smmu"
root_file "$tmp/smmu" sys/firmware/acpi/tables/IORT ""
root_file "$tmp/smmu" sys/class/iommu/smmu3.0x0000000009050000/uevent ""
root_file "$tmp/smmu" sys/kernel/iommu_groups/0/type DMA
root_file "$tmp/smmu" sys/kernel/iommu_groups/1/type DMA
root_file "$tmp/smmu" sys/module/vfio/refcnt 0
root_file "$tmp/smmu" sys/kernel/irq/20/chip_name ITS-MSI
root_file "$tmp/smmu" proc/cmdline "BOOT_IMAGE=/vmlinuz root=/dev/sda1"
cp -r "$tmp/smmu" "$tmp/smmu-off"	# the same machine, its SMMU driver not loaded
rm -r "$tmp/smmu-off/sys/kernel/iommu_groups" "$tmp/smmu-off/sys/class/iommu" "$tmp/smmu-off/.virtcap"
arm64_root "$tmp/smmu-off" vhe-max 0x00000000413fd0c1
dev_kvm_ok "$tmp/smmu-off"
mkdir -p "$tmp/smmu-off/sys/kernel/iommu_groups"
for r in max a57 a64fx el1 el1-ec2 el1-virt lost garbage smmu smmu-off; do probe_root "$tmp/$r"; done
cap() { jget "$tmp/$1.json" "d['capabilities']['$2'].get('${3:-value}')"; }
caps() {	# ROOT: boot EL, KVM mode, IPA bits, AArch32 at EL1
	echo "$(cap $1 kernel.arm64_boot_el)/$(cap $1 kernel.arm64_kvm_mode)/$(cap $1 kernel.arm64_ipa_bits)/$(cap $1 cpu.arm64_el1_aarch32)"
}
is "$(caps max)" "EL2/vhe/48/true" "max: EL2, VHE, 48 bits, AArch32 at EL1"
is "$(caps a57)" "EL2/nvhe/44/true" "cortex-a57: EL2, nVHE, 44 bits, AArch32 at EL1"
is "$(caps a64fx)" "EL2/vhe/40/false" "a64fx: EL2, VHE, 40 bits, no AArch32 at EL1"
is "$(caps el1)" "EL1/none/null/true" "virtualization=off: EL1, no KVM, no IPA"
is "$(caps lost)" "null/null/null/null" "a log that lost its boot: each unknown, never guessed"
cap lost kernel.arm64_boot_el detail | grep -q "does not reach back to the boot"
ok $? "and it says why"

is "$(cap a57 cpu.arm64_midr)" "$((0x411fd070))" "cortex-a57: MIDR_EL1 read whole"
cap a57 cpu.arm64_midr detail | grep -q "^implementer 0x41 (Arm), part 0xd07 (Cortex-A57), variant 1, revision 0$"
ok $? "and decoded: Arm, Cortex-A57, variant 1, revision 0"
cap a64fx cpu.arm64_midr detail | grep -q "^implementer 0x46 (Fujitsu), part 0x001 (A64FX), "
ok $? "a64fx: Fujitsu's A64FX"
cap el1-ec2 cpu.arm64_midr detail | grep -q "part 0xd0c (Neoverse N1)"
ok $? "a Graviton2's MIDR: Neoverse N1"
is "$(cap garbage cpu.arm64_midr)" null "a MIDR file that is not a register value: unknown"
is "$(cap garbage kernel.arm64_boot_el)/$(cap garbage cpu.arm64_el1_aarch32)" "null/true" \
	"a boot level the kernel never writes: unknown, and nothing concluded from it"

is "$(cap a64fx kernel.kvm_arm_ipa_bits)/$(cap a64fx kernel.kvm_arm_el1_32bit)/$(cap a64fx kernel.kvm_arm_sve)/$(cap a64fx kernel.kvm_arm_mte)/$(cap a64fx kernel.kvm_arm_el2)" \
	"40/false/true/false/null" "KVM's answers from a snapshot: 0 bits is the default 40, 77 no answer KVM gives"
is "$(cap max kernel.kvm_arm_ipa_bits)/$(cap max kernel.kvm_arm_ipa_bits detail)" "null/not a value KVM gives" \
	"an IPA size of 7 bits in a snapshot: unknown"
is "$(cap a57 kernel.kvm_arm_sve)/$(cap a57 kernel.kvm_arm_sve detail)" \
	"null/not recorded in this capture (facts kvm.arm.*)" "without them: unknown, and why"

# the first screen says what this arm64 host's KVM is and gives guests, from those findings
LANG=C timeout 20 "$VIRTCAP" --root "$tmp/a64fx" --no-color 2>/dev/null | sed -n '/^This is an arm64 host/,/^$/p' |
	tr '\n' ' ' | tr -s ' ' >"$tmp/a64fx.para"
is "$(cat "$tmp/a64fx.para")" "This is an arm64 host: KVM runs with the kernel at EL2 (VHE); its guests get up to 40-bit physical addresses, SVE, pointer authentication, a PMU; not 32-bit ARM guests (AArch32 at EL1), memory tagging. x86 guests run here by emulation only. " \
	"a64fx: KVM's mode and what its guests get, and not, in one paragraph"
LANG=C timeout 20 "$VIRTCAP" --root "$tmp/el1-virt" --no-color 2>/dev/null | sed -n '/^This is an arm64 host/,/^$/p' |
	tr '\n' ' ' | tr -s ' ' | grep -q "^This is an arm64 host: no KVM: the kernel was not entered at EL2 (\"HYP mode not available\")\. x86 guests run here by emulation only\. Fix: this is a virtual machine"
ok $? "EL1 in QEMU's VM: no KVM, and the fix for where it is"

# the fix for EL1 follows where the host is
cap el1 kernel.arm64_boot_el fix | grep -q "the firmware or boot loader entered the kernel at EL1"
ok $? "EL1 on a machine: the firmware's to fix"
is "$(cap el1-ec2 env.is_guest)" true "EC2's DMI: a virtual machine"
cap el1-ec2 kernel.arm64_boot_el fix | grep -q "bare-metal arm64 instance (AWS: a Graviton .metal size)"
ok $? "EL1 in an EC2 VM: a .metal instance, not the firmware" || diag "$(cap el1-ec2 kernel.arm64_boot_el fix)"
is "$(cap el1-virt env.is_guest)/$(cap el1 env.is_guest)" true/false \
	"QEMU's virt board, known by its device tree alone: a virtual machine (the bare root is not)"
jget "$tmp/el1-virt.json" "d['details']['environment']" | grep -q '"linux,dummy-virt\\": QEMU'"'"'s virt machine'
ok $? "and the evidence names the device tree's words"
cap el1-virt kernel.arm64_boot_el fix | grep -q "bare-metal arm64 instance"
ok $? "EL1 there: a bare-metal host's, not the firmware's" || diag "$(cap el1-virt kernel.arm64_boot_el fix)"

# the rows of ARM guests were judged for an x86 host (emulation): here they run under this
# host's KVM, judged on what the kernel says (hv-mini's arm64 guests prove them live: t069). A
# captured root keeps no /dev/kvm: unknown; without EL2 no; without AArch32 at EL1 no 32-bit one
row() { jget "$tmp/$1.json" "d['matrix']['$2']['$3']"; }
is "$(row a57 arm64 verdict)/$(row a57 arm64 blocked_by)/$(row a57 arm32 verdict)" \
	"unknown/kernel.dev_kvm/unknown" "an arm64 host's root: the ARM rows wait on /dev/kvm, not on an emulator"
is "$(row el1 arm64 verdict)/$(row el1 arm64 blocked_by)/$(row el1 arm32 verdict)" \
	"no/kernel.arm64_kvm_mode/no" "EL1: no ARM guest under KVM, which did not start"
is "$(row a64fx arm32 verdict)/$(row a64fx arm32 blocked_by)/$(row a64fx arm64 verdict)" \
	"no/kernel.kvm_arm_el1_32bit/unknown" "no AArch32 at EL1: no 32-bit ARM guest, whatever /dev/kvm is"
row a64fx arm32 fix | grep -q "by emulation"
ok $? "and the alternative is emulation" || diag "$(row a64fx arm32 fix)"
timeout 20 "$VIRTCAP" --root "$tmp/el1" advise arm64 --no-color 2>/dev/null | tr '\n' ' ' | tr -s ' ' |
	grep -q "It cannot run here; the first requirement that fails: this host's KVM runs it at EL1"
ok $? "advise arm64 says what the row says"
timeout 20 "$VIRTCAP" --root "$tmp/el1" advise arm64 --json 2>/dev/null >"$tmp/advise.json"
is "$(jget "$tmp/advise.json" "d['verdict'] + '/' + str(d['first_failing_step'])")/$(row el1 arm64 verdict)" \
	"no/0/no" "advise --json and the matrix agree"
# passthrough on arm64: an SMMU, VFIO and MSIs the ITS isolates; the fixes are arm64's, never
# Intel's VT-d, where no IOMMU is on
is "$(row smmu passthrough verdict)/$(cap smmu fw.iommu_table)/$(cap smmu pci.interrupt_remapping)" \
	"yes/IORT/true" "an SMMU, VFIO and the ITS: passthrough, judged as on x86"
is "$(row smmu-off passthrough verdict)/$(row smmu-off passthrough blocked_by)" \
	"no/kernel.iommu_enabled" "no IOMMU group: no passthrough"
row smmu-off passthrough fix | grep -q "arm_smmu_v3"
ok $? "and the fix loads the SMMU's driver" || diag "$(row smmu-off passthrough fix)"
for r in smmu-off el1-virt; do
	cap $r kernel.iommu_enabled fix | grep -qi "intel\|VT-d"
	is "$?" 1 "$r: no Intel IOMMU in an arm64 host's fix"
done
cap el1-virt kernel.iommu_enabled fix | grep -q "iommu=smmuv3"
ok $? "a QEMU arm64 VM: the VMM's virtual SMMU" || diag "$(cap el1-virt kernel.iommu_enabled fix)"
# nor are the x86 rows an x86 host's "no" (no VT-x in CPUID, no kvm_intel module): an x86 OS
# is unknown (emulation is not judged there yet), an x86 CPU mode not applicable, every cell of
# it not involved; a POWER OS is still judged by its emulator
is "$(row a57 os64 verdict)/$(row a57 os64 blocked_by)/$(row a57 long64 verdict)/$(row a57 long64 blocked_by)" \
	"unknown/kernel.arch/not-applicable/kernel.arch" "an arm64 host: an x86 OS unknown, an x86 CPU mode not applicable"
jget "$tmp/a57.json" "d['capabilities']['kernel.arch']['detail']" | grep -q "^64-bit ARM kernel: its KVM runs arm64 guests"
ok $? "kernel.arch: a 64-bit ARM kernel, never '32-bit kernel'"
LANG=C timeout 20 "$VIRTCAP" --root "$tmp/a57" --no-color 2>/dev/null | grep -q '^  long64 *n/a *- *- *- *- *- '
ok $? "the table: long64 n/a, every cell not involved"
LANG=C timeout 20 "$VIRTCAP" --root "$tmp/a57" --no-color 2>/dev/null | grep -q '^  dos *unknown *- *- *- *- *- '
ok $? "and DOS, resting on x86 modes alone, proven by nothing ('-', not 'y')"
timeout 20 "$VIRTCAP" --root "$tmp/a57" --prom 2>/dev/null | grep -q '^virtcap_guest_verdict{guest="real16",verdict="not-applicable"} 1$'
ok $? "the metrics say it: real16 not-applicable"
timeout 20 "$VIRTCAP" --root "$tmp/a57" check --require real16 --tap >"$tmp/check.out" 2>&1
is "$?" 1 "check --require real16 on an arm64 host fails: no such guest there"
grep -q "^not ok 1 - real16: not-applicable" "$tmp/check.out"
ok $? "and says not-applicable" || diag "$(cat "$tmp/check.out")"
is "$(row a57 ppc64le blocked_by)" tools.qemu_ppc64 "ppc64le: judged on its emulator, as on x86"

# an x86 host has none of them
intel_kvm_host "$tmp/x86" 6.1.0-27-amd64
probe_root "$tmp/x86"
is "$(jget "$tmp/x86.json" "len([k for k in d['capabilities'] if k.startswith(('cpu.arm64_', 'kernel.arm64_'))])")" 0 \
	"an x86 host has no arm64 findings"
done_testing

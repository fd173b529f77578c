#!/bin/sh
# CPUID from captured roots: ROOT/.virtcap/cpuid.raw plus the hypervisor leaves recorded as facts
# name the hypervisor; a root without a capture leaves every cpu.* unknown with the reason; a
# broken capture or fact is an input error; a --cpuid-dump has no hypervisor leaves; a
# `cpuid_tool --save` file works as a dump; and the fixes match the situation (no VT-x/AMD-V in
# a guest: nested virtualization on the outer host; on bare metal: not a firmware setting).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
[ -x "$VIRTCAP" ] || skip_all "VIRTCAP is not set to the virtcap binary"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# sig_fact TEXT: the cpuid.0x40000000 fact of a hypervisor whose signature is TEXT
sig_fact() {
	python3 -c 'import struct, sys
s = sys.argv[1].encode().ljust(12, b"\0")
print("40000001 %08x %08x %08x" % struct.unpack("<3I", s))' "$1"
}

# run ROOT [ARGS...]: virtcap --json --root ROOT into $tmp/out.json, status in $status
run() {
	_root=$1
	shift
	"$VIRTCAP" --json --root "$_root" "$@" >"$tmp/out.json" 2>"$tmp/err"
	status=$?
}
cap() { jget "$tmp/out.json" "d['capabilities']['$1']['$2']"; }

# a KVM guest without VMX: its capture and the recorded signature
r="$tmp/kvm"
cpu_intel_novmx_guest "$r"
root_fact "$r" cpuid.0x40000000 "$(sig_fact KVMKVMKVM)"
run "$r"
is "$status" 0 "KVM guest root: exit 0"
is "$(cap cpu.hypervisor_signature value)" KVMKVMKVM "signature from the facts"
is "$(cap cpu.hypervisor_name value)" KVM "named KVM"
cap cpu.vmx fix | grep -q "on the KVM host: load kvm_intel (or kvm_amd) with nested=1"
ok $? "no VMX in a KVM guest: the fix is nested=1 on the KVM host"
is "$(cap cpu.npt detail)" "no SVM: NPT is AMD's second-level paging; Intel's is EPT (cpu.ept)" \
	"cpu.npt on Intel says where to look instead"

for pair in "Microsoft Hv:Microsoft Hyper-V" "XenVMMXenVMM:Xen" "VMwareVMware:VMware" \
	"TCGTCGTCGTCG:QEMU TCG" " lrpepyh  vr:Parallels" "bhyve bhyve :bhyve" \
	"Jailhouse:Jailhouse" "ACRNACRNACRN:ACRN" "QNXQVMBSQG:QNX Hypervisor" \
	"Apple VZ:Apple Virtualization"; do
	r="$tmp/hv$(printf %s "${pair%%:*}" | tr -cd 'A-Za-z')"
	cpu_intel_novmx_guest "$r"
	root_fact "$r" cpuid.0x40000000 "$(sig_fact "${pair%%:*}")"
	run "$r"
	is "$(cap cpu.hypervisor_name value)" "${pair#*:}" "signature '${pair%%:*}' names ${pair#*:}"
	case ${pair#*:} in
	"Microsoft Hyper-V") cap cpu.vmx fix | grep -q "Set-VMProcessor .*-ExposeVirtualization"
		ok $? "a Hyper-V guest gets Hyper-V's switch" ;;
	VMware) cap cpu.vmx fix | grep -q "vhv.enable"
		ok $? "a VMware guest gets VMware's setting" ;;
	esac
done

r="$tmp/unknownhv"
cpu_intel_novmx_guest "$r"
root_fact "$r" cpuid.0x40000000 "$(sig_fact NotAKnownHyp)"
run "$r"
is "$(cap cpu.hypervisor_signature value)/$(cap cpu.hypervisor_name value)" "NotAKnownHyp/null" \
	"an unknown signature is reported, its name unknown"
cap cpu.vmx fix | grep -q "kvm_amd nested=1" && cap cpu.vmx fix | grep -q "ExposeVirtualization"
ok $? "an unknown hypervisor's guest gets the advice for the common ones"
[ "$(cap cpu.vmx fix | wc -c)" -lt 512 ]
ok $? "short enough for the matrix (511 characters)"

# bare metal without VT-x/AMD-V
r="$tmp/novirt"
root_cpuid "$r" GenuineIntel 000506e3 7ffafb9f bfebfbff 00000121 2c100800
run "$r"
cap cpu.vmx fix | grep -q "firmware" && cap cpu.vmx fix | grep -q "CPUID bit set"
ok $? "no VMX on bare metal: the fix says no firmware setting helps"
is "$(cap cpu.hypervisor_signature value)" null "no hypervisor bit: no signature"

# a 32-bit CPU
r="$tmp/ia32"
root_cpuid "$r" GenuineIntel 000006d8 00000180 afe9fbff 00000000 00100000
run "$r"
is "$(cap cpu.lm value)" false "no long mode"
cap cpu.lm fix | grep -q "64-bit capable CPU"
ok $? "with the fix: a 64-bit capable CPU"

# no capture at all
mkdir -p "$tmp/empty/proc"
run "$tmp/empty"
is "$(cap cpu.vmx value)/$(cap cpu.vendor value)" "null/null" "a root without cpuid.raw: unknown"
cap cpu.vmx detail | grep -q "no CPUID capture in this root"
ok $? "with the reason"

# a broken capture: input error naming the file
r="$tmp/broken"
mkdir -p "$r/.virtcap" && printf 'version=0.6.2\nbasic_cpuid[0]=zz\n' >"$r/.virtcap/cpuid.raw"
run "$r"
is "$status" 2 "a broken cpuid.raw: exit 2"
grep -q "$r/.virtcap/cpuid.raw: line 2" "$tmp/err"
ok $? "one line naming the file and the line"
is "$(cap cpu.vmx value)" null "and cpu.vmx unknown"

# a broken hypervisor fact
r="$tmp/badfact"
cpu_intel_novmx_guest "$r"
root_fact "$r" cpuid.0x40000000 "KVMKVMKVM"
run "$r"
is "$status" 2 "a malformed cpuid.0x40000000 fact: exit 2"
grep -q "cpuid.0x40000000: expected four" "$tmp/err"
ok $? "naming the fact"

# --cpuid-dump: the dump's bits, no hypervisor leaves even where the root has them
run "$tmp/kvm" --cpuid-dump "$tmp/novirt/.virtcap/cpuid.raw"
is "$(cap cpu.hypervisor value)/$(cap cpu.hypervisor_signature value)" "false/null" \
	"--cpuid-dump replaces the root's CPU, hypervisor leaves unknown"
cap cpu.hypervisor_signature detail | grep -q "not part of a libcpuid dump"
ok $? "and says why"

# a file saved by libcpuid's own cpuid_tool (several CPUs) as a dump; make deps installs it
if ! command -v cpuid_tool >/dev/null 2>&1; then
	ok 1 "cpuid_tool is installed (Debian's cpuidtool: make deps)"
else
	cpuid_tool --save="$tmp/save.raw" >/dev/null 2>&1
	is "$?" 0 "cpuid_tool saves this machine's CPUID"
	"$VIRTCAP" --json --cpuid-dump "$tmp/save.raw" >"$tmp/out.json" 2>"$tmp/err"
	is "$?" 0 "a cpuid_tool --save file is accepted as a dump"
	is "$(cap cpu.vendor value)" "$(sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo |
		head -n 1)" "its CPU #0 is this CPU"
	# the brand as cpuid_tool reads it, not /proc/cpuinfo's: that is the kernel's reading at
	# boot, which a VM's kernel may get from another layer (this project's PVM guests: the
	# VMM's "AMD EPYC") or on a CPU it was moved from since
	is "$(cap cpu.brand value)" "$(cpuid_tool --brandstr 2>/dev/null | tail -n 1 |
		sed 's/[[:space:]]*$//')" "with this CPU's brand string, as cpuid_tool reads it"

fi

done_testing

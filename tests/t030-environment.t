#!/bin/sh
# Environment as layers, from captured roots: the sources each name their own layer (CPUID the
# hypervisor, ACPI/DMI the VMM, a KVM module this kernel), disagreements are reported, marker
# files alone do not make a container, and bare metal is not called a guest. Then this machine.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1" "d['capabilities']['$2']['value']"; }


r=$tmp/firecracker
root_kernel "$r" 6.1.0 x86_64; cpu_intel_novmx_guest "$r"; kvm_guest_leaf "$r"
acpi_table "$r" FACP FIRECK FCVMFADT
root_fact "$r" klog.hypervisor_detected KVM
probe_root "$r"
is "$(cap "$r.json" env.is_guest)" true "firecracker: a guest"
is "$(cap "$r.json" env.hypervisor)" KVM "firecracker: the hypervisor is KVM (CPUID)"
is "$(cap "$r.json" env.vmm)" Firecracker "firecracker: the VMM is Firecracker (ACPI FIRECK)"
jget "$r.json" "d['details']['environment']['disagreements']" | grep -q 'Firecracker'
ok $? "firecracker: the CPUID/ACPI difference is explained"

r=$tmp/qemu
root_kernel "$r" 6.1.0 x86_64; cpu_intel_vmx_guest "$r"; kvm_guest_leaf "$r"
acpi_table "$r" FACP BOCHS BXPCFACP
root_file "$r" sys/class/dmi/id/sys_vendor QEMU
root_file "$r" sys/class/dmi/id/product_name "Standard PC (Q35 + ICH9, 2009)"
probe_root "$r"
is "$(cap "$r.json" env.vmm)" QEMU "qemu: ACPI BOCHS and DMI QEMU name QEMU"
is "$(jget "$r.json" "d['details']['environment']['layers'][1]['kind']")" vmm \
	"qemu: the VMM is the second layer"

# Bochs (the VMX lab's engine) writes QEMU's ACPI ids and no DMI system vendor: only its BIOS
# vendor, seen as such in the Bochs lab, tells it apart
r=$tmp/bochs
root_kernel "$r" 6.1.0 x86_64; cpu_intel_vmx "$r"
acpi_table "$r" FACP BOCHS BXPCFACP
root_file "$r" sys/class/dmi/id/sys_vendor ""
root_file "$r" sys/class/dmi/id/bios_vendor "The Bochs Project"
probe_root "$r"
is "$(cap "$r.json" env.vmm)" Bochs "bochs: ACPI BOCHS with Bochs's BIOS names Bochs, not QEMU"
jget "$r.json" "d['details']['environment']['layers'][0]['evidence']" | grep -q 'The Bochs Project'
ok $? "bochs: the BIOS vendor is the evidence"

r=$tmp/hyperv
root_kernel "$r" 6.1.0 x86_64; cpu_intel_novmx_guest "$r"
root_fact "$r" cpuid.0x40000000 "40000006 7263694d 666f736f 76482074"
root_file "$r" sys/class/dmi/id/sys_vendor "Microsoft Corporation"
root_file "$r" sys/class/dmi/id/product_name "Virtual Machine"
probe_root "$r"
is "$(cap "$r.json" cpu.hypervisor_name)" "Microsoft Hyper-V" "hyper-v: the signature is known"
is "$(cap "$r.json" env.vmm)" Hyper-V "hyper-v: DMI names Hyper-V"
fix=$(jget "$r.json" "d['matrix']['real16']['fix']")
case $fix in *ExposeVirtualizationExtensions*) ok 0 "hyper-v: the fix names Hyper-V's switch" ;;
*) ok 1 "hyper-v: the fix names Hyper-V's switch"; diag "$fix" ;; esac

r=$tmp/metal
root_kernel "$r" 6.1.0 x86_64; cpu_intel_vmx "$r"
acpi_table "$r" FACP ALASKA "A M I"
root_file "$r" sys/class/dmi/id/sys_vendor "Supermicro"
root_file "$r" .dockerenv ""
root_file "$r" proc/self/ns/pid ""; rm "$r/proc/self/ns/pid"
ln -s "pid:[4026531836]" "$r/proc/self/ns/pid"
probe_root "$r"
is "$(cap "$r.json" env.is_guest)" false "bare metal: not a guest"
is "$(cap "$r.json" os.container)" false "bare metal: a /.dockerenv alone is not a container"

# This project's development machine, from its captured root (tests/data/roots: a Firecracker
# microVM on KVM whose own kernel is a PVM host), so that the test says the same on any host
r=$tmp/this-machine
cp "$(dirname "$0")/data/roots/this-machine.tar.gz" "$r.tar.gz"
probe_root "$r.tar.gz"
is "$(cap "$r.tar.gz.json" env.is_guest)" true "this machine: a guest"
is "$(jget "$r.tar.gz.json" "' / '.join(l['kind'] + ' ' + l['name'].split(',')[0] for l in d['details']['environment']['layers'])")" \
	"hypervisor KVM / vmm Firecracker / kernel Linux 6.18.44-fc-v669" \
	"this machine: layers KVM, then Firecracker, then its own kernel"
jget "$r.tar.gz.json" "d['details']['environment']['layers'][2]['name']" | grep -q 'KVM host (PVM)'
ok $? "this machine: its kernel is itself a KVM host (PVM)"
is "$(cap "$r.tar.gz.json" os.container)" false "this machine: not a container (initial PID namespace)"
! jget "$r.tar.gz.json" "' '.join(d['details']['environment']['disagreements'])" | grep -q 'names the CPU'
ok $? "one CPU name: CPUID's and the kernel's agree (blanks aside)"
# the same KVM guest whose kernel booted on another CPU (a live migration): said
mkdir -p "$r.moved" && tar xzf "$r.tar.gz" -C "$r.moved"
sed -i 's/^model name\t: .*/model name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz/' "$r.moved/proc/cpuinfo"
probe_root "$r.moved"
jget "$r.moved.json" "' '.join(d['details']['environment']['disagreements'])" |
	grep -q 'CPUID names the CPU "Intel(R) Xeon(R) Processor" to this program, the kernel.s /proc/cpuinfo "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz": the kernel was told another CPU at boot: this virtual machine was moved'
ok $? "a KVM guest whose kernel names another CPU: moved or restored since boot"
"$VIRTCAP" --root "$r.moved" --cpuid-dump "$r.moved/.virtcap/cpuid.raw" probe --json >"$tmp/dump.json" 2>/dev/null
! jget "$tmp/dump.json" "' '.join(d['details']['environment']['disagreements'])" | grep -q 'names the CPU'
ok $? "not with --cpuid-dump: another CPU on purpose"

# The same machine kind later, restored on another host (tests/data/roots/pvm-guest.tar.gz): its
# kernel now a PVM guest, kvm_pvm built in but declining ("this kernel is itself a kvm-pvm guest;
# not binding"), so KVM registered no /dev/kvm. No KVM here, and no modprobe can change that.
r=$tmp/pvm-guest
cp "$(dirname "$0")/data/roots/pvm-guest.tar.gz" "$r.tar.gz"
probe_root "$r.tar.gz"
is "$(jget "$r.tar.gz.json" "' / '.join(l['kind'] + ' ' + l['name'].split(' (')[0].split(',')[0] for l in d['details']['environment']['layers'])")" \
	"hypervisor bhyve / hypervisor PVM / vmm Firecracker / kernel Linux 6.18.44-fc-v1045" \
	"a PVM guest: bhyve (CPUID), then PVM (the kernel log), Firecracker, its own kernel"
jget "$r.tar.gz.json" "d['details']['environment']['layers'][3]['name']" | grep -q ', a PVM guest$'
ok $? "its kernel is a PVM guest, not a KVM host"
is "$(cap "$r.tar.gz.json" kernel.kvm_module)" none "kvm_pvm in the kernel, but no KVM in service"
jget "$r.tar.gz.json" "d['capabilities']['kernel.kvm_module']['detail']" |
	grep -q 'no kvm in /proc/misc.*itself a kvm-pvm guest; not binding'
ok $? "said from /proc/misc and the kernel log's own words"
fix=$(jget "$r.tar.gz.json" "d['capabilities']['kernel.kvm_module']['fix']")
echo "$fix" | grep -q 'PVM does not run inside PVM' && ! echo "$fix" | grep -q modprobe
ok $? "the fix: nothing on this machine, emulation here or KVM one layer down; no modprobe"
is "$(jget "$r.tar.gz.json" "d['matrix']['os64']['verdict']")" no "os64: no"
! jget "$r.tar.gz.json" "' '.join(d['details']['environment']['disagreements'])" |
	grep -q 'itself a PVM hypervisor'
ok $? "never called a PVM hypervisor"
"$VIRTCAP" --root "$r.tar.gz" probe --no-color >"$tmp/pvm.txt" 2>&1
grep -q 'so only emulation or containers can run guests' "$tmp/pvm.txt" &&
	! grep -q 'only paravirtual KVM (PVM), emulation' "$tmp/pvm.txt"
ok $? "the summary offers no PVM to a PVM guest"
"$VIRTCAP" --root "$r.tar.gz" advise os64 --json >"$tmp/pvm-advice.json" 2>&1
jget "$tmp/pvm-advice.json" "[a for a in d['alternatives'] if a.startswith('paravirtualization')][0]" |
	grep -q 'not on this machine: it is itself a PVM guest'
ok $? "advise os64: PVM is offered with 'not on this machine'"
jget "$r.tar.gz.json" "' '.join(d['details']['environment']['disagreements'])" |
	grep -q 'CPUID names the CPU "Oxide Virtual Turin-like Processor" to this program, the kernel.s /proc/cpuinfo "AMD EPYC": this PVM guest kernel'
ok $? "two CPU names, CPUID's and the kernel's: under PVM, two layers answer"
# the same root with KVM's device registered: then kvm_pvm is in service
mkdir -p "$r/x" && tar xzf "$r.tar.gz" -C "$r/x"
printf '232 kvm\n' >>"$r/x/proc/misc"
probe_root "$r/x"
is "$(cap "$r/x.json" kernel.kvm_module)" kvm_pvm "with kvm in /proc/misc: kvm_pvm in service"

# and wherever the suite runs: the live probe of the environment ends well and says something
"$VIRTCAP" probe --json >"$tmp/live.json" 2>"$tmp/live.err"
is "$?" 0 "the live probe exits 0"
case $(cap "$tmp/live.json" env.is_guest) in
true|false) ok 0 "the live probe says whether this host is a guest" ;;
*) ok 1 "the live probe says whether this host is a guest" ;;
esac
# The same machine after hours of uptime: the kernel log's boot lines overwritten (its oldest
# line 5000 s after boot), so nothing says any longer that this kernel is a PVM guest. The
# verdict stands on /proc/misc alone; the report says the log no longer reaches the boot, and
# the fix does not tell either story as if known (issue 24)
mkdir -p "$tmp/late" && tar xzf "$(dirname "$0")/data/roots/pvm-guest.tar.gz" -C "$tmp/late" &&
	sed -i -e '/^klog\.\(hypervisor_detected\|paravirt\|kvm_pvm\|acpi_\|dmi\)/d' \
	-e '$aklog.oldest=5000.123456' "$tmp/late/.virtcap/facts"
ok $? "the PVM guest's capture, its kernel log without the boot's lines"
probe_root "$tmp/late"
is "$(cap "$tmp/late.json" kernel.kvm_module)/$(jget "$tmp/late.json" "d['matrix']['os64']['verdict']")" \
	"none/no" "still no KVM, os64 no: /proc/misc says so without the log"
jget "$tmp/late.json" "d['details']['environment']['layers'][-1]['evidence']" |
	grep -q "no longer holds the boot's lines (its oldest is from 5000 s after boot"
ok $? "the kernel's layer says its log no longer reaches the boot"
fix=$(jget "$tmp/late.json" "d['capabilities']['kernel.kvm_module']['fix']")
case $fix in "why kvm_pvm did not start is no longer in the kernel log (its oldest line is from 5000 s"*)
	ok 0 "the fix says why is no longer in the log, and where the boot's lines may be" ;;
*) ok 1 "the fix says why is no longer in the log"; diag "$fix" ;; esac
done_testing

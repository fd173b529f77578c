#!/bin/sh
# APIC virtualization on, but turned off by KVM for the VMs that run: AVIC for a QEMU that
# reinjects PIT ticks (its default), APICv and AVIC for a Windows guest given Hyper-V's SynIC
# without hv-avic. Captured roots of an AMD host with kvm_amd avic=1 and an Intel host with
# enable_apicv=Y, the running VMs as the probe records them; then this machine for real: a QEMU
# started here under KVM is found by its command line, its name and PIT policy recorded.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
qpid=
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$tmp"' EXIT
cap() { jget "$1.json" "d['capabilities']['vms.apicv_kept']$2"; }

amd() {	# NAME: Zen 3 with kvm_amd avic=1
	r=$tmp/$1
	root_kernel "$r" 6.8.0-45-generic x86_64; cpu_amd_svm "$r"; kvm_module "$r" kvm_amd 1
	root_file "$r" sys/module/kvm_amd/parameters/avic Y; dev_kvm_ok "$r"
}
intel() {	# NAME: Intel with enable_apicv=Y
	r=$tmp/$1
	intel_kvm_host "$r" 6.8.0-45-generic
	root_file "$r" sys/module/kvm_intel/parameters/enable_apicv Y
}
vms() {	# ROOT FACT...: the running VMs
	_r=$1; shift
	root_fact "$_r" vms.qemu $#
	_i=0
	for _v in "$@"; do root_fact "$_r" "vms.qemu.$_i" "$_v"; _i=$((_i + 1)); done
}

amd avic-pit
vms "$r" "pid=4242 name=win11 pit_reinject=1 synic_autoeoi=1" "pid=4300 name=db pit_reinject=0 synic_autoeoi=0"
probe_root "$r"
is "$(cap "$r" "['value']")" false "AVIC on, a VM that reinjects PIT ticks: not kept"
cap "$r" "['detail']" | grep -q 'AVIC is on in kvm_amd, but KVM turns it off for 1 running VM(s).*win11 (pid 4242): PIT reinjection and Hyper-V SynIC AutoEOI$'
ok $? "the detail names the VM and both causes, and not the VM that keeps it"
cap "$r" "['fix']" | grep -q "kvm-pit.lost_tick_policy=discard (libvirt: <timer name='pit' tickpolicy='discard'/>); and the Windows ones with hv-avic"
ok $? "the fix: discard lost ticks, and hv-avic"

amd avic-clean
vms "$r" "pid=4300 name=db pit_reinject=0 synic_autoeoi=0"
probe_root "$r"
is "$(cap "$r" "['value']")" true "AVIC on, VMs that keep it: kept"

intel apicv
vms "$r" "pid=77 name=linux pit_reinject=1 synic_autoeoi=0" "pid=78 name=win pit_reinject=1 synic_autoeoi=1"
probe_root "$r"
is "$(cap "$r" "['value']")" false "APICv: a SynIC guest turns it off"
cap "$r" "['detail']" | grep -q 'for 1 running VM(s).*: win (pid 78): Hyper-V SynIC AutoEOI$'
ok $? "PIT reinjection does not matter to APICv: only the Windows VM is named"
lacks_pit=$(cap "$r" "['fix']" | grep -c lost_tick_policy)
is "$lacks_pit" 0 "and the fix asks nothing of the PIT"

intel apicv-off
root_file "$r" sys/module/kvm_intel/parameters/enable_apicv N
vms "$r" "pid=78 name=win pit_reinject=1 synic_autoeoi=1"
probe_root "$r"
is "$(cap "$r" "")" "<missing 'vms.apicv_kept'>" "APICv off in the module: no VM has it to lose, nothing said"

amd forged
vms "$r" "pid=1 name=a\$(reboot) pit_reinject=1" "nonsense"
probe_root "$r"
is "$(cap "$r" "")" "<missing 'vms.apicv_kept'>" "malformed facts of a captured root are skipped"

# this machine: a QEMU under KVM that never runs a vCPU (-S), found by its command line
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 is missing: make deps"
if ! [ -w /dev/kvm ]; then
	skip 3 "no usable /dev/kvm here: no QEMU can run under KVM to be found"
else
	qemu-system-x86_64 -accel kvm -S -nodefaults -display none -m 64 \
		-name guest=virtcap-t039,debug-threads=on -global kvm-pit.lost_tick_policy=discard \
		2>"$tmp/q.err" &
	qpid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do	# QEMU has made its VM once it waits stopped
		grep -q "^State:.*S (sleeping)" "/proc/$qpid/status" 2>/dev/null && break; sleep 0.2
	done
	kill -0 "$qpid" 2>/dev/null
	ok $? "QEMU runs under KVM here$(kill -0 "$qpid" 2>/dev/null || echo ": $(head -1 "$tmp/q.err")")"
	"$VIRTCAP" snapshot "$tmp/live.tar.gz" >/dev/null 2>"$tmp/snap.err" &&
		tar xzOf "$tmp/live.tar.gz" .virtcap/facts >"$tmp/facts"
	grep -q "^vms.qemu.[0-9]*=pid=$qpid name=virtcap-t039 pit_reinject=0 synic_autoeoi=0$" "$tmp/facts"
	ok $? "the running QEMU is recorded: its pid, its name, PIT ticks discarded"
	! grep -q 'debug-threads\|dev/kvm\|lost_tick' "$tmp/facts"
	ok $? "and nothing else of its command line"
fi
done_testing

#!/bin/sh
# APIC virtualization on, but turned off by KVM for the VMs that run: AVIC for a QEMU that
# reinjects PIT ticks (its default), APICv and AVIC for a Windows guest given Hyper-V's SynIC
# without hv-avic. Captured roots of an AMD host with kvm_amd avic=1 and an Intel host with
# enable_apicv=Y, the running VMs as the probe records them; then this machine for real: a QEMU
# started here under KVM is found, its name and PIT policy recorded; a process that only calls
# itself QEMU is not; another user's VM is recorded by its uid, never by its name, and to a third
# user who may not look into it, counted as not verified.
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
	kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=
fi

# a command line is anyone's to write: a process that calls itself qemu-system-x86_64 and has
# -enable-kvm among its arguments, but is not QEMU and holds no VM, is no VM (issue 24)
bash -c 'exec -a qemu-system-x86_64 /usr/bin/python3 -c "import time; time.sleep(60)" \
	-enable-kvm -name guest=impostor' &
fake=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	tr '\0' ' ' <"/proc/$fake/cmdline" 2>/dev/null | grep -q '^qemu-system-x86_64 .*-enable-kvm' && break
	sleep 0.1
done
timeout 60 "$VIRTCAP" snapshot "$tmp/fake.tar.gz" >/dev/null 2>&1 &&
	tar xzOf "$tmp/fake.tar.gz" .virtcap/facts >"$tmp/facts"
kill -0 "$fake" 2>/dev/null
ok $? "the impostor ran through the snapshot: $(tr '\0' ' ' <"/proc/$fake/cmdline" 2>/dev/null)"
kill "$fake" 2>/dev/null
! grep -q "impostor\|pid=$fake " "$tmp/facts" && grep -q '^vms.qemu=' "$tmp/facts"
ok $? "a process named like QEMU with -enable-kvm in its arguments, not QEMU: not recorded"

# another user's VM: a real QEMU under KVM run as nobody (in a mount namespace of its own, where
# /dev/kvm is a node nobody may open), recorded as a VM of uid 65534, never by its name; and to
# a user who may not look into it, counted as not verified, not named either
if [ "$(id -u)" != 0 ] || ! [ -w /dev/kvm ] || ! command -v setpriv >/dev/null; then
	skip 5 "another user's VM needs root, setpriv and a usable /dev/kvm"
else
	mkdir -p "$tmp/dev" && chmod 0755 "$tmp" "$tmp/dev"
	unshare -m sh -c 'mount -t tmpfs -o mode=0755 none "$1" && mknod -m 0666 "$1/kvm" c 10 232 &&
		mount --bind "$1/kvm" /dev/kvm && exec setpriv --reuid=65534 --regid=65534 \
		--clear-groups qemu-system-x86_64 -accel kvm -S -nodefaults -display none -m 64 \
		-name guest=secret-name-of-nobody' sh "$tmp/dev" 2>"$tmp/q2.err" &
	other=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		qp=$(pgrep -u 65534 -f secret-name-of-nobody | head -1)
		[ -n "$qp" ] && grep -q "^State:.*S (sleeping)" "/proc/$qp/status" 2>/dev/null && break
		sleep 0.2
	done
	ok "$([ -n "$qp" ]; echo $?)" "a QEMU VM of uid 65534 runs$([ -n "$qp" ] || echo ": $(head -1 "$tmp/q2.err")")"
	timeout 60 "$VIRTCAP" snapshot "$tmp/other.tar.gz" >/dev/null 2>&1 &&
		tar xzOf "$tmp/other.tar.gz" .virtcap/facts >"$tmp/facts"
	grep -q "^vms.qemu.[0-9]*=pid=$qp name=uid-65534 " "$tmp/facts" && ! grep -q secret-name "$tmp/facts"
	ok $? "root records it as a VM of uid 65534 with its pid, never by its name"
	# as its owner, and as a third user who may not look into it
	mkdir -p "$tmp/out" && chmod 0777 "$tmp/out" && cp "$VIRTCAP" "$tmp/virtcap" &&
		chmod 755 "$tmp/virtcap"
	for u in 65534 65533; do
		timeout 60 setpriv --reuid=$u --regid=$u --clear-groups env HOME=/ "$tmp/virtcap" \
			snapshot "$tmp/out/$u.tar.gz" >/dev/null 2>&1
		tar xzOf "$tmp/out/$u.tar.gz" .virtcap/facts 2>/dev/null | grep '^vms.qemu' |
			tr '\n' ' ' >"$tmp/vms.$u"
	done
	is "$(cat "$tmp/vms.65534")" "vms.qemu=1 vms.qemu.0=pid=$qp name=secret-name-of-nobody pit_reinject=1 synic_autoeoi=0 vms.qemu_unverified=0 " \
		"its owner sees its own VM by its name"
	is "$(cat "$tmp/vms.65533")" "vms.qemu=0 vms.qemu_unverified=1 " \
		"another user who may not look into it: counted as not verified, not named"
	pkill -u 65534 -f secret-name-of-nobody 2>/dev/null
	kill "$other" 2>/dev/null
fi
done_testing

#!/bin/sh
# virtcap prove --stack qemu: a real Linux guest (the lab's pinned Debian kernel, or the host's
# own) booted with the installed QEMU under KVM and under TCG. On this project's machines (PVM)
# QEMU with KVM never reaches the guest's init, the issue that started this: the report must say
# so with the registers where it hung, and TCG must boot, timed. On hardware KVM both boot and
# the ratio is reported. The virtual devices (disks raw and qcow2, CD-ROM, floppy, user-mode and
# tap networks, 9p and virtiofs shares) are proven from inside the guest, each write found by
# the host; broken media fail with their cause. A QEMU that is not installed is said so with
# its package.
. "$(dirname "$0")/lib/tap.sh"
command -v qemu-system-x86_64 >/dev/null || bail "qemu-system-x86_64 is missing: make deps"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
st() { jget "$tmp/s.json" "d['stacks']['qemu']$1"; }

# a KVM boot that will not come is waited for 10 s here (30 by default)
VIRTCAP_STACK_KVM_TIMEOUT=10 "$VIRTCAP" prove --only real16 --stack qemu --json >"$tmp/s.json" \
	2>"$tmp/err"
is "$?" 0 "prove --stack qemu exits 0"
/usr/bin/python3 "$top/tests/lib/validate.py" "$top/reports/schema/report-v1.json" "$tmp/s.json"
ok $? "the report with its stacks section validates"
is "$(st "['installed']")" true "QEMU is installed"
st "['version']" | grep -q '^QEMU emulator version '
ok $? "its version is QEMU's own words"
is "$(st "['accel']['tcg']['verdict']")" yes "under TCG the guest reaches its init"
[ "$(st "['accel']['tcg']['boot_ms']")" -gt 0 ]
ok $? "in $(st "['accel']['tcg']['boot_ms']") ms"
if [ ! -e /dev/kvm ]; then
	is "$(st "['accel']['kvm']['verdict']")" no "no /dev/kvm: no KVM boot"
	st "['accel']['kvm']['reason']" | grep -q 'QEMU could not use KVM: .*failed to initialize kvm'
	ok $? "the reason is QEMU's own words"
	is "$(st "['kvm_vs_tcg']")" null "no speed ratio without a KVM boot"
elif [ -d /sys/module/kvm_pvm ]; then
	is "$(st "['accel']['kvm']['verdict']")" no "PVM: under KVM the guest never reaches its init"
	st "['accel']['kvm']['reason']" | grep -Eq 'did not reach its init within 10 s.*registers: RIP=0x[0-9a-f]+ CR0=0x'
	ok $? "the reason gives the deadline and the registers from QEMU's monitor"
	is "$(st "['kvm_vs_tcg']")" null "no speed ratio without a KVM boot"
elif [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	is "$(st "['accel']['kvm']['verdict']")" yes "hardware KVM: the guest reaches its init"
	python3 -c 'import sys; sys.exit(not float(sys.argv[1]) > 1)' "$(st "['kvm_vs_tcg']")"
	ok $? "and virtualization is faster than emulation ($(st "['kvm_vs_tcg']")x)"
fi
# the OS row agrees with the real guest: os64 is what QEMU with KVM did
case $(st "['accel']['kvm']['verdict']") in
yes) want=yes ;; no) want=no ;; *) want=unknown ;;
esac
is "$(jget "$tmp/s.json" "d['matrix']['os64']['verdict']")" "$want" \
	"the os64 row says what the real guest under KVM showed ($want)"

# the virtual devices, proven from inside the guest: under KVM where it boots, else TCG
accel=$( [ "$(st "['accel']['kvm']['verdict']")" = yes ] && echo kvm || echo tcg)
is "$(st "['devices_accel']")" "$accel" "the devices were tried under $accel, and the report says so"
for d in disk qcow2 cdrom floppy net share; do
	is "$(st "['devices']['$d']['status']")" proven "device $d: proven from inside the guest"
done
st "['devices']['disk']['detail']" | grep -q 'the host found sector 8 of disk.img' &&
	st "['devices']['qcow2']['detail']" | grep -q 'read back with qemu-img' &&
	st "['devices']['floppy']['detail']" | grep -q "the host found out.txt in floppy.img's FAT" &&
	st "['devices']['share']['detail']" | grep -q 'the host found out.txt in the shared directory'
ok $? "each written medium: the host found what the guest wrote"
st "['devices']['net']['detail']" | grep -Eq "read the host's answer \(its secret: [0-9a-f]{16}\); the host found the guest's request at the host's listener, and the guest quotes its answer's secret"
ok $? "user-mode network: the request reached the host and the answer, with its secret, the guest"
st "['devices']['cdrom']['detail']" | grep -Eq "in.txt read \(its secret: [0-9a-f]{16}\); the host found the disc's secret in the guest's words"
ok $? "the CD-ROM: the guest quotes the secret only the disc holds"
is "$(st "['devices']['display']['status']")" proven "device display: proven from inside the guest"
st "['devices']['display']['detail']" | grep -Eq "^virtio-gpu \(0x1af4:0x1050\) drives card[0-9]-Virtual-1, whose first mode is ([0-9]+x[0-9]+) \(its secret: \1\); the host found the resolution it chose"
ok $? "the display: the guest's driver read the resolution the host chose at random" ||
	diag "$(st "['devices']['display']['detail']")"
# the graphics row takes the real guest's display: still yes, the proof said in its reason
is "$(jget "$tmp/s.json" "d['matrix']['graphics']['verdict']")" yes "the graphics row: yes"
jget "$tmp/s.json" "d['matrix']['graphics']['reason']" | grep -q "; a real guest's display is proven (prove --stack qemu): virtio-gpu "
ok $? "and its reason carries the real guest's display"
if [ -c /dev/net/tun ] && unshare -rn true 2>/dev/null; then
	is "$(st "['devices']['net_tap']['status']")" proven "a tap device in a private network namespace"
else
	is "$(st "['devices']['net_tap']['status']")" not-run "no tap device can be made here, and that is said"
fi
if [ -x /usr/libexec/virtiofsd ] || [ -x /usr/lib/qemu/virtiofsd ] || command -v virtiofsd >/dev/null; then
	is "$(st "['devices']['virtiofs']['status']")" proven "a virtiofs share (virtiofsd is installed)"
fi

# the human report has the section, each accelerator with its verdict; and broken media (a
# "CD" that is not ISO 9660, a qcow2 cut short, a floppy image QEMU cannot open) fail with their
# cause, the others still proven
VIRTCAP_STACK_BREAK=cdrom,qcow2,floppy,display VIRTCAP_STACK_KVM_TIMEOUT=3 "$VIRTCAP" prove --only real16 \
	--stack qemu --no-color >"$tmp/human" 2>/dev/null
grep -q '^A real guest with the stack: qemu$' "$tmp/human" &&
	grep -Eq '^  -accel tcg  yes ' "$tmp/human" && grep -Eq '^  -accel kvm  (yes|no) ' "$tmp/human"
ok $? "the human report shows the stack, -accel kvm and -accel tcg"
# the device lines, joined with their wrapped continuations
sed -n '/^  devices, each proven/,/^$/p' "$tmp/human" | tr '\n' ' ' | tr -s ' ' |
	sed 's/ \(disk\|qcow2\|cdrom\|floppy\|net\|net_tap\|share\|virtiofs\|display\) \(proven\|failed\|not-run\) /\n\1 \2 /g' \
	>"$tmp/devices"
grep -q '^cdrom failed .*cdrom.iso is not ISO 9660 (no CD001 at byte 32769)' "$tmp/devices" &&
	grep -q '^cdrom failed .*mount -t iso9660 /dev/sr0' "$tmp/devices"
ok $? "a CD image that is not ISO 9660: failed, the guest's mount error and the missing CD001 named"
grep -q '^qcow2 failed qcow2.img is corrupt and was not attached; qemu-img check said: .*ERROR' "$tmp/devices"
ok $? "a truncated qcow2: failed, with qemu-img check's words"
grep -q "^floppy failed QEMU refused it, and booted the guest without it: .*vc-floppy.*regular file" "$tmp/devices"
ok $? "a medium QEMU refuses at start: failed with QEMU's words, the guest booted without it"
# a QEMU without the display's model (Debian builds virtio-gpu as a module a bundle may lack)
# refuses it at start: named by its id, it is left out, and the rest boot (CI's lab once lost
# every device to it)
grep -q "^display failed QEMU refused it, and booted the guest without it: .*'virtio-gpu-none' is not a valid device model name" "$tmp/devices"
ok $? "a display QEMU has no model for: failed with QEMU's words, the guest booted without it"
grep -q '^disk proven ' "$tmp/devices" && grep -q '^share proven ' "$tmp/devices"
ok $? "the other devices are still proven beside the broken ones"

# A guest that lies: it reads nothing and writes only the marker, with a secret it made up
# (and quotes one for the CD-ROM, the networks and the display: a usual resolution). Every device it claims fails: the host
# finds no secret it did not give out.
sed '/^for d in \$devices; do$/i\
expect_in() { secret=0123456789abcdef; }\
net() { say "$1" ok "lying (its secret: 0123456789abcdef)"; }\
display() { say display ok "lying, first mode 1024x768 (its secret: 1024x768)"; }' "$top/scripts/stack-guest.sh" >"$tmp/liar.sh"
VIRTCAP_STACK_GUEST_INIT=$tmp/liar.sh VIRTCAP_STACK_KVM_TIMEOUT=3 timeout 600 "$VIRTCAP" \
	prove --only real16 --stack qemu --json >"$tmp/s.json" 2>/dev/null
lied=0 caught=0
for d in disk qcow2 cdrom floppy net net_tap share virtiofs display; do
	case $(st "['devices']['$d']['status']") in not-run) continue ;; esac
	lied=$((lied + 1))
	st "['devices']['$d']['detail']" | grep -q "^the guest says: .*; but the host did not find " &&
		caught=$((caught + 1))
done
[ "$lied" -ge 6 ] && [ "$caught" = "$lied" ]
ok $? "a guest that writes the marker without reading the device: $caught of $lied devices failed, each saying what the host did not find"
st "['kernel_source']" | grep -q "its init is VIRTCAP_STACK_GUEST_INIT's, not virtcap's"
ok $? "and the report says its init was not virtcap's"
is "$(jget "$tmp/s.json" "d['matrix']['graphics']['verdict']")/$(jget "$tmp/s.json" "d['matrix']['graphics']['blocked_by']")/$(jget "$tmp/s.json" "d['matrix']['graphics']['disagreement']")" \
	"no/stack/true" "the liar's display: the graphics row is no, and the probe's yes contradicted"

# No private network (a user namespace whose limits allow no further namespace): the networks
# are not proven, since another local user could answer the listener; the rest are
if unshare -U --map-root-user true 2>/dev/null; then
	VIRTCAP_STACK_KVM_TIMEOUT=3 unshare -U --map-root-user sh -c 'echo 0 >/proc/sys/user/max_net_namespaces &&
		echo 0 >/proc/sys/user/max_user_namespaces && exec "$@"' sh \
		timeout 600 "$VIRTCAP" prove --only real16 --stack qemu --json >"$tmp/s.json" 2>/dev/null
	for d in net net_tap; do
		st "['devices']['$d']['detail']" | grep -q '^not proven: no private network: .*another user could answer for the guest'
		ok $? "no private network: $d is $(st "['devices']['$d']['status']"), saying why"
	done
	is "$(st "['devices']['disk']['status']")/$(st "['devices']['share']['status']")" proven/proven \
		"and the devices that need no network are still proven"
else
	skip 3 "no user namespace here to take namespaces away in"
fi

# not installed: said, with the package, and nothing tried (a PATH without QEMU)
mkdir "$tmp/bin"
for t in sh dirname tr cut; do ln -s "$(command -v $t)" "$tmp/bin/$t"; done
PATH=$tmp/bin "$VIRTCAP" prove --only real16 --stack qemu --json >"$tmp/s.json" 2>/dev/null
is "$(st "['installed']")/$(st "['package']")/$(st "['accel']['kvm']['verdict']")" \
	"false/qemu-system-x86/unknown" "without QEMU: not installed, the package named, nothing judged"
is "$(st "['devices']['disk']['status']"):$(st "['devices']['disk']['detail']")" \
	"not-run:qemu-system-x86_64 is not installed" "and its devices are not-run, saying why"

# a captured root is another host: the stack is not run there, and the report says so
"$VIRTCAP" --root "$top/tests/data/roots/this-machine.tar.gz" prove --stack qemu --json \
	>"$tmp/s.json" 2>/dev/null
st "['unfinished']" | grep -q '^not run: the report describes another host'
ok $? "on a captured root the stack is not run, and that is said"

# Ctrl-C while QEMU boots: virtcap dies of it, and neither QEMU nor the stack's files outlive it
mkdir "$tmp/td"
TMPDIR=$tmp/td env --default-signal=INT "$VIRTCAP" prove --only real16 --stack qemu \
	>/dev/null 2>&1 &
pid=$!
for i in $(seq 100); do pgrep -f "virtcap-stack.*initrd" >/dev/null && break; sleep 0.1; done
sleep 1
kill -INT "$pid"
wait "$pid"
is "$?" 130 "SIGINT during the boot ends virtcap (status 130)"
sleep 1
pgrep -f "$tmp/td/virtcap-stack" >/dev/null
is "$?" 1 "no QEMU of it is left running"
is "$(ls -A "$tmp/td")" "" "and its work directory is gone"

# libvirt: the same guest as a transient domain. As root the connection is qemu:///system;
# without its daemon nothing is tried, and that is said. A user of its own (nobody, running the
# installed virtcap) has qemu:///session, whose daemon libvirt starts itself: the guest boots
# under TCG, and under KVM as far as that user may open /dev/kvm.
command -v virsh >/dev/null && [ -x /usr/sbin/libvirtd ] || bail "libvirt is missing: make deps"
st_of() { jget "$1" "d['stacks']['libvirt']$2"; }
if [ "$(id -u)" = 0 ] && [ ! -S /run/libvirt/libvirt-sock ] && [ ! -S /run/libvirt/virtqemud-sock ]; then
	VIRTCAP_STACK_KVM_TIMEOUT=3 "$VIRTCAP" prove --only real16 --stack libvirt --json >"$tmp/l.json" 2>/dev/null
	is "$(st_of "$tmp/l.json" "['uri']")/$(st_of "$tmp/l.json" "['accel']['kvm']['verdict']")" \
		"qemu:///system/unknown" "root without a libvirt daemon: qemu:///system, not tried"
	st_of "$tmp/l.json" "['system_connection']" | grep -q 'no libvirt daemon runs here' &&
		st_of "$tmp/l.json" "['accel']['kvm']['fix']" | grep -q 'systemctl enable --now libvirtd'
	ok $? "and the report says why, with the fix"
fi
if [ "$(id -u)" = 0 ]; then
	u=$tmp/nobody
	mkdir -p "$u/home" "$u/run" "$u/cache/virtcap/lab"
	make -s -C "$top" install DESTDIR="$u/inst" PREFIX=/usr >/dev/null 2>&1 || bail "make install"
	cp -r "${XDG_CACHE_HOME:-$HOME/.cache}/virtcap/lab/amd64" "$u/cache/virtcap/lab/" ||
		bail "the lab's cache (the qemu stack above fetched it)"
	chmod 755 "$tmp" && chown -R nobody "$u" && chmod 700 "$u/run"
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$u/home" \
		XDG_CACHE_HOME="$u/cache" XDG_RUNTIME_DIR="$u/run" TMPDIR="$u" "$@"; }
	as_nobody env VIRTCAP_STACK_KVM_TIMEOUT=10 "$u/inst/usr/bin/virtcap" prove --only real16 \
		--stack libvirt --json >"$tmp/l.json" 2>/dev/null
	/usr/bin/python3 "$top/tests/lib/validate.py" "$top/reports/schema/report-v1.json" "$tmp/l.json"
	ok $? "the report with the libvirt stack validates"
	is "$(st_of "$tmp/l.json" "['uri']")" "qemu:///session" "a user's libvirt connection is its session"
	is "$(st_of "$tmp/l.json" "['accel']['tcg']['verdict']")" yes "a domain of type qemu (TCG) boots the guest"
	[ "$(st_of "$tmp/l.json" "['accel']['tcg']['boot_ms']")" -gt 0 ]
	ok $? "in $(st_of "$tmp/l.json" "['accel']['tcg']['boot_ms']") ms, virsh create included"
	if ! as_nobody sh -c '[ -r /dev/kvm ] && [ -w /dev/kvm ]'; then
		is "$(st_of "$tmp/l.json" "['accel']['kvm']['verdict']")" no "nobody may not open /dev/kvm: no KVM domain"
		if [ -e /dev/kvm ]; then
			why="nobody may not open /dev/kvm ($(stat -c %U:%G /dev/kvm), mode $(stat -c %a /dev/kvm))"
		else
			why="there is no /dev/kvm"
		fi
		st_of "$tmp/l.json" "['accel']['kvm']['reason']" | grep -q "libvirt would not start the domain" &&
			st_of "$tmp/l.json" "['accel']['kvm']['reason']" | grep -qF "$why"
		ok $? "the reason gives libvirt's words and this user's access to /dev/kvm"
	elif [ -d /sys/module/kvm_pvm ]; then
		is "$(st_of "$tmp/l.json" "['accel']['kvm']['verdict']")" no "PVM: the KVM domain's guest never reaches its init"
	else
		is "$(st_of "$tmp/l.json" "['accel']['kvm']['verdict']")" yes "hardware KVM: the KVM domain boots"
	fi
	# Ctrl-C while a domain runs a guest that never powers off: the domain, named before
	# virsh create, is destroyed by that name before virtcap dies
	printf '#!/bin/busybox sh\n/bin/busybox sleep 1000\n' >"$u/hang.sh"
	chmod 755 "$u/hang.sh"
	# (setpriv itself, not as_nobody: $! of a function is its subshell's, not virtcap's)
	setpriv --reuid=nobody --regid=nogroup --clear-groups env --default-signal=INT \
		HOME="$u/home" XDG_CACHE_HOME="$u/cache" XDG_RUNTIME_DIR="$u/run" TMPDIR="$u" \
		VIRTCAP_STACK_GUEST_INIT="$u/hang.sh" VIRTCAP_STACK_KVM_TIMEOUT=1 \
		VIRTCAP_STACK_TCG_TIMEOUT=120 "$u/inst/usr/bin/virtcap" prove --only real16 \
		--stack libvirt --json >/dev/null 2>&1 &
	pid=$!
	domains() { as_nobody timeout 20 virsh -c qemu:///session list --name 2>/dev/null | grep -c '^virtcap-stack-'; }
	for i in $(seq 60); do [ "$(domains)" -gt 0 ] && break; sleep 1; done
	running=$(domains)
	kill -INT "$pid"
	wait "$pid"
	is "$?/$running/$(domains)" "130/1/0" \
		"SIGINT while a domain runs: virtcap dies of it (130), and the running domain is destroyed"
	is "$(ls -A "$u" | grep -c virtcap-stack)" 0 "no work directory is left"
fi

# usage
"$VIRTCAP" prove --stack vbox >/dev/null 2>"$tmp/err"
is "$?:$(cat "$tmp/err")" "2:virtcap: --stack 'vbox': the stacks are qemu and libvirt, each at most once, comma-separated" \
	"an unknown stack: exit 2, named"
"$VIRTCAP" prove --stack qemu,qemu >/dev/null 2>&1
is "$?" 2 "a stack named twice: exit 2"
"$VIRTCAP" probe --stack qemu >/dev/null 2>"$tmp/err"
is "$?:$(cat "$tmp/err")" "2:virtcap: --stack belongs to virtcap prove" "--stack outside prove: exit 2"
VIRTCAP_STACK_KVM_TIMEOUT='5; touch x' "$VIRTCAP" prove --only real16 --stack qemu --json \
	>"$tmp/s.json" 2>"$tmp/err"
st "['unfinished']" | grep -q "^not run: VIRTCAP_STACK_KVM_TIMEOUT '5; touch x': seconds, from 1 to 999" &&
	[ ! -e x ] && [ "$(st "['accel']['tcg']['verdict']")" = unknown ]
ok $? "a malformed wait is refused, said, and nothing is run"
done_testing

# Sourced by scripts/stack.sh for `stack.sh libvirt`: the same guest (kernel, initramfs and its
# init marker) booted as a transient libvirt domain, type kvm and then type qemu (TCG), through
# qemu:///session for a user (its own daemon, started on demand, runs QEMU as that user), or
# qemu:///system for root (root's session is the system daemon's). What decides
# qemu:///system (its daemon running, KVM domains in domcapabilities, its QEMU user's access to
# /dev/kvm) is reported either way.
# Uses stack.sh's say, progress, now_ms, init_uptime, console_text, $work, $kernel, $here.

# root's qemu:///session is the system daemon's; any other user's is a daemon of its own,
# started on demand
libvirt_uri=qemu:///session
[ "$(id -u)" = 0 ] && libvirt_uri=qemu:///system
libvirt_domain=

# xml TEXT: TEXT for an XML attribute or element (paths come from TMPDIR and HOME)
xml() { printf '%s' "$1" | sed "s/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/'/\&apos;/g; s/\"/\&quot;/g"; }

# whether USER may open /dev/kvm: empty when it may, else a sentence (the fix is the /dev/kvm
# row's: it knows where the host is)
kvm_access_of() {
	[ -e /dev/kvm ] || { echo "there is no /dev/kvm"; return; }
	owner=$(stat -c %U /dev/kvm) grp=$(stat -c %G /dev/kvm) mode=$(stat -c %a /dev/kvm)
	case $mode in *[67]) return ;; esac
	[ "$(id -un "$1" 2>/dev/null)" = "$owner" ] && return
	case $mode in *[67]?) id -Gn "$1" 2>/dev/null | tr ' ' '\n' | grep -qx "$grp" && return ;; esac
	echo "$1 may not open /dev/kvm ($owner:$grp, mode $mode); see the /dev/kvm row for the fix"
}

libvirt_system() {	# a sentence on qemu:///system for the report
	sock=
	for s in /run/libvirt/virtqemud-sock /run/libvirt/libvirt-sock; do [ -S "$s" ] && sock=$s && break; done
	if [ -z "$sock" ]; then
		echo "qemu:///system: no libvirt daemon runs here (no /run/libvirt/virtqemud-sock or libvirt-sock); to use it: sudo apt-get install libvirt-daemon-system, sudo systemctl enable --now libvirtd"
		return
	fi
	user=$(sed -n 's/^[[:space:]]*user[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' /etc/libvirt/qemu.conf 2>/dev/null | tail -1)
	[ -n "$user" ] || { getent passwd libvirt-qemu >/dev/null && user=libvirt-qemu || user=qemu; }
	caps=$(timeout 30 virsh -c qemu:///system domcapabilities --virttype kvm 2>&1 | tr '\n' ' ')
	access=$(kvm_access_of "$user")
	case $caps in
	*"<domainCapabilities"*) echo "qemu:///system: its daemon runs ($sock) and offers KVM domains (virsh domcapabilities --virttype kvm)${access:+; but its QEMU user $access}" ;;
	*) echo "qemu:///system: its daemon runs ($sock) but offers no KVM domain: $(echo "$caps" | cut -c1-300)${access:+; its QEMU user $access}" ;;
	esac
}

libvirt_cleanup() {	# a guest that powered off took its transient domain with it
	[ -z "$libvirt_domain" ] ||
		timeout 20 virsh -c "$libvirt_uri" destroy "$libvirt_domain" >/dev/null 2>&1 || true
	libvirt_domain=
}

libvirt_boot() {	# ACCEL TIMEOUT: a transient domain, timed to the guest's init
	accel=$1 limit=$2 type=kvm
	[ "$accel" = tcg ] && type=qemu
	name=virtcap-stack-$$-$accel
	progress "stack libvirt: waiting for the guest's init in a domain of type $type (at most $limit s)"
	rm -f "$work/serial"
	cat >"$work/domain.xml" <<EOF
<domain type='$type'>
  <name>$name</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$(xml "$kernel")</kernel>
    <initrd>$(xml "$work/initrd.gz")</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='file'><source path='$(xml "$work/serial")'/><target port='0'/></serial>
  </devices>
</domain>
EOF
	start=$(now_ms)
	if ! timeout 60 virsh -c "$libvirt_uri" create "$work/domain.xml" >"$work/virsh.out" 2>&1; then
		say "$accel.verdict" no
		access=$(kvm_access_of "$(id -un)")
		[ "$accel" = kvm ] && [ -n "$access" ] && access="; $access"
		[ "$accel" = kvm ] || access=
		say "$accel.reason" "libvirt would not start the domain (virsh -c $libvirt_uri create): $(grep -v '^$' "$work/virsh.out" | head -3 | tr '\n' ' ')$access"
		[ "$accel" = kvm ] && say "$accel.fix" "see the kernel and /dev/kvm rows, and virsh -c $libvirt_uri domcapabilities --virttype kvm"
		return 0
	fi
	libvirt_domain=$name
	init=
	while :; do
		init=$(init_uptime)
		[ -n "$init" ] && break
		[ $(( ($(now_ms) - start) / 1000 )) -ge "$limit" ] && break
		timeout 10 virsh -c "$libvirt_uri" domstate "$name" >/dev/null 2>&1 || break	# it ended
		sleep 0.2
	done
	ms=$(( $(now_ms) - start ))
	[ -n "$init" ] || init=$(init_uptime)
	regs=
	[ -z "$init" ] && regs=$(timeout 10 virsh -c "$libvirt_uri" qemu-monitor-command --hmp "$name" \
		'info registers' 2>/dev/null | sh "$here/stack-registers.sh" --text)
	libvirt_cleanup
	last=$(console_text "$work/serial" | grep -v '^ *$' | tail -1)
	if [ -n "$init" ]; then
		eval "booted_$accel=1"
		say "$accel.verdict" yes
		say "$accel.boot_ms" "$ms"
		say "$accel.reason" "the domain's guest ran its init after ${ms} ms, virsh create included (its kernel's uptime then: ${init} s)"
	else
		say "$accel.verdict" no
		say "$accel.reason" "the domain's guest did not reach its init within $limit s; its console's last line: ${last:-none}; registers: ${regs:-not read}"
		[ "$accel" = kvm ] && say "$accel.fix" "libvirt's QEMU with KVM cannot boot a Linux guest on this host: use domain type qemu (emulation) for now; the matrix says which capability fails"
	fi
	return 0
}

libvirt_stack() {
	say uri "$libvirt_uri"
	system=$(libvirt_system)
	say system "$system"
	case $libvirt_uri:$system in
	qemu:///system:*"no libvirt daemon runs"*)
		for a in kvm tcg; do
			say "$a.verdict" unknown
			say "$a.reason" "not tried: as root, libvirt's connection is qemu:///system, and no libvirt daemon runs here"
		done
		say kvm.fix "sudo apt-get install libvirt-daemon-system; sudo systemctl enable --now libvirtd; or run virtcap as a user of its own, whose qemu:///session starts its daemon itself" ;;
	*)
		libvirt_boot kvm "$kvm_timeout"
		libvirt_boot tcg "$tcg_timeout" ;;
	esac
	for d in $all_devices; do
		say "dev.$d.status" not-run
		say "dev.$d.detail" "the devices are proven with --stack qemu (libvirt runs the same QEMU)"
	done
}

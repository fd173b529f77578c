#!/bin/sh
# The fixes for a /dev/kvm this user cannot open, tried for real (issue 24): the udev rule each
# fix gives (GitHub Actions' MODE 0666; elsewhere group kvm, MODE 0660) is applied to a real
# /dev/kvm node (c 10 232) in a private mount namespace, and an unprivileged user opens it with
# the groups the fix gives it. Permission is the kernel's answer: EACCES means the fix does not
# work; anything else (ENXIO on a kernel without KVM) means it let the user through. The old
# answer for a node of mode 0600, joining its group, is tried too and must stay EACCES. A fix
# never puts a user in root's group.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
[ "$(id -u)" = 0 ] || skip_all "mknod and a private mount namespace need root"
for t in unshare setpriv python3 /usr/bin/python3; do command -v "$t" >/dev/null || skip_all "$t is missing"; done
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"
user=65534 kvm_gid=4242	# nobody, and the gid the test gives group "kvm"

# noaccess NAME MODE GID: VT-x, kvm_intel, a /dev/kvm of MODE and group GID this user cannot open
noaccess() {
	r=$tmp/$1
	intel_kvm_host "$r" 6.1.0-27-amd64
	root_file "$r" etc/group "root:x:0:
kvm:x:993:"
	root_fact "$r" kvm.stat.mode "$2"; root_fact "$r" kvm.stat.gid "$3"
	root_fact "$r" kvm.open EACCES; root_fact "$r" kvm.create_vm ""
}
fix_of() {	# ROOT: /dev/kvm's fix
	timeout 30 "$VIRTCAP" --root "$1" --json 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["capabilities"]["kernel.dev_kvm"]["fix"] or "")'
}
# opens MODE GROUP-GID USER-GROUPS: errno name of an open of /dev/kvm made with MODE and group
# GROUP-GID, by the user with USER-GROUPS (comma-separated gids, or "none"); the opener is
# Debian's python3, which any user can run (a root-only pyenv shim may stand first in PATH)
opens() {
	timeout 20 unshare -m sh -c '
		mount -t tmpfs -o mode=0755 none "$1" && mknod "$1/kvm" c 10 232 &&
		chown "0:$3" "$1/kvm" && chmod "$2" "$1/kvm" &&
		if [ "$5" = none ]; then g=--clear-groups; else g=--groups=$5; fi &&
		setpriv --reuid="$4" --regid="$4" $g /usr/bin/python3 -c "
import errno, os, sys
try:
    os.close(os.open(sys.argv[1], os.O_RDWR)); print(\"opened\")
except OSError as e:
    print(errno.errorcode[e.errno])" "$1/kvm"' sh "$tmp/dev" "$1" "$2" "$user" "$3"
}
mkdir "$tmp/dev"
# the rule in FIX: its GROUP and MODE
rule() { printf '%s' "$1" | sed -n 's/.*KERNEL=="kvm", GROUP="\([a-z]*\)", MODE="\(0[0-7]*\)".*/\1 \2/p'; }

# the yardstick first: a node of mode 0600 and group kvm denies a member of kvm
is "$(opens 0600 "$kvm_gid" "$kvm_gid")" EACCES "a 0600 node: its group's member is refused (EACCES)"
is "$(opens 0660 "$kvm_gid" none)" EACCES "a 0660 node: a user outside its group is refused"

for where in "GitHub Actions" "a CI system" none; do
	for node in "020600 0" "020600 993"; do
		set -- $node
		noaccess ci "$1" "$2"; root_fact "$r" ci.name "$where"
		fix=$(fix_of "$r")
		name="$where, /dev/kvm mode ${1#02} gid $2"
		case $fix in *"aG root"*|*"sg root"*|*"group_add = [\"0\"]"*|*"--group-add 0 "*)
			ok 1 "$name: the fix puts the user in root's group" ;;
		*) ok 0 "$name: the fix never puts the user in root's group" ;; esac
		set -- $(rule "$fix")
		is "$#" 2 "$name: the fix gives a udev rule ($fix)"
		[ $# = 2 ] || continue
		groups=none; [ "$1" = kvm ] && groups=$kvm_gid
		[ "$1" = kvm ] && printf '%s' "$fix" | grep -q 'usermod -aG kvm "$USER"' && groups=$kvm_gid
		got=$(opens "$2" "$kvm_gid" "$groups")
		ok "$([ "$got" != EACCES ] && [ -n "$got" ]; echo $?)" \
			"$name: the rule's node (group $1, mode $2) opens for the user it names ($got)"
	done
done
# containers and GitLab's Docker executor, with a root-owned 0600 node: the host's node to group
# kvm first, and never gid 0 into the container
for kind in docker gitlab; do
	noaccess "$kind" 020600 0
	docker "$r"
	[ "$kind" = gitlab ] && root_fact "$r" ci.name "GitLab CI"
	fix=$(fix_of "$r")
	case $fix in *'group_add = ["0"]'*|*"--group-add 0 "*) bad=1 ;; *) bad=0 ;; esac
	is "$bad/$(rule "$fix")" "0/kvm 0660" "$kind, /dev/kvm root's 0600: the host's node to kvm (0660), no gid 0 ($fix)"
done
done_testing

#!/bin/sh
# How this user gets to open /dev/kvm: through a POSIX ACL entry for the user alone (what
# systemd-logind's uaccess gives the user at the seat, and which the same user's ssh sessions,
# cron jobs and services do not have), through the device's group, or the mode's bits for all.
# Real: a device node of this host's /dev/kvm (same major and minor) made here, given an ACL
# with setfacl, bound over /dev/kvm in a private mount namespace, and probed as nobody: the
# kernel decides whether the open works, and virtcap must say the same and why.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
cap() { jget "$1" "d['capabilities']['$2']$3"; }

# a captured root of a desktop whose user has the seat's ACL entry
r=$tmp/desktop
intel_kvm_host "$r" 6.8.0-45-generic; root_fact "$r" kvm.access_via acl-user
probe_root "$r"
is "$(cap "$r.json" kernel.dev_kvm_access "['value']")" acl-user "a captured desktop: an ACL entry for the user"
cap "$r.json" kernel.dev_kvm_access "['detail']" | grep -q "ssh sessions, cron jobs and services cannot open /dev/kvm"
ok $? "the detail says who else of this user cannot open it"
cap "$r.json" kernel.dev_kvm_access "['fix']" | grep -q 'sudo usermod -aG "$(stat -c %G /dev/kvm)" "$USER"'
ok $? "the fix: the device's group"
root_fact "$r" kvm.access_via 'acl-user; rm -rf /'
probe_root "$r"
is "$(cap "$r.json" kernel.dev_kvm_access "")" "<missing 'kernel.dev_kvm_access'>" "a word that is not one of ours is ignored"

# this host, for real
if [ "$(id -u)" -ne 0 ] || ! [ -c /dev/kvm ]; then
	skip 11 "needs root and a /dev/kvm (mknod, a bind mount in a private namespace)"
	done_testing; exit
fi
command -v setfacl >/dev/null || bail "setfacl is missing: make deps (acl)"
chmod 755 "$tmp"; cp "$VIRTCAP" "$tmp/virtcap"; chmod 755 "$tmp/virtcap"
mknod "$tmp/kvm" c "$((0x$(stat -c %t /dev/kvm)))" "$((0x$(stat -c %T /dev/kvm)))"
as_nobody() {	# NAME: probe as nobody with $tmp/kvm as /dev/kvm, the report in $tmp/NAME.json
	unshare -m sh -c "mount --bind '$tmp/kvm' /dev/kvm &&
		su -s /bin/sh nobody -c '$tmp/virtcap probe --json'" >"$tmp/$1.json" 2>"$tmp/$1.err"
	is "$?" 0 "$1: probed as nobody"
}
node() {	# MODE GROUP: the node without any ACL
	setfacl -b "$tmp/kvm"; chown root:"$2" "$tmp/kvm"; chmod "$1" "$tmp/kvm"
}

node 0600 root; setfacl -m u:nobody:rw "$tmp/kvm"
as_nobody acl
is "$(cap "$tmp/acl.json" kernel.dev_kvm "['value']")/$(cap "$tmp/acl.json" kernel.dev_kvm_access "['value']")" \
	ok/acl-user "crw------- root:root with user:nobody:rw-: it opens, through the ACL entry"

node 0600 root; setfacl -m u:nobody:rw,m::r "$tmp/kvm"
as_nobody mask
is "$(cap "$tmp/mask.json" kernel.dev_kvm "['value']")" no-access \
	"the ACL's mask takes write away: the kernel refuses, and virtcap says no-access"

node 0660 nogroup
as_nobody group
is "$(cap "$tmp/group.json" kernel.dev_kvm "['value']")/$(cap "$tmp/group.json" kernel.dev_kvm_access "['value']")" \
	ok/group "crw-rw---- root:nogroup: nobody's group opens it"

node 0666 root
as_nobody other
is "$(cap "$tmp/other.json" kernel.dev_kvm "['value']")/$(cap "$tmp/other.json" kernel.dev_kvm_access "['value']")" \
	ok/other "crw-rw-rw-: everyone's bits"
cap "$tmp/other.json" kernel.dev_kvm_access "['detail']" | grep -q 'every user of this host can make VMs'
ok $? "and it says what that means"

node 0600 root; setfacl -m g:nogroup:rw "$tmp/kvm"
as_nobody aclgroup
is "$(cap "$tmp/aclgroup.json" kernel.dev_kvm_access "['value']")" acl-group "group:nogroup:rw-: an ACL entry for nobody's group"
done_testing

#!/bin/sh
# The lab's cache is what root boots and copies (scripts/lab.sh, issue 24): a cache whose list
# of guest device modules names a path outside it (../, an absolute path) is refused before any
# file is copied, and root never uses a cache in a directory another user can write (a sudo
# that kept the user's HOME or XDG_CACHE_HOME). A cache is made here as lab.sh lays it out, for
# the pinned kernel, so nothing is downloaded.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
lab=$top/scripts/lab.sh
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
[ "$(id -u)" = 0 ] && chmod 0755 "$tmp"

# cache DIR ORDER: a complete amd64 cache under DIR whose module list holds the line ORDER
cache() {
	_r=$1/virtcap/lab/amd64/root
	mkdir -p "$_r/boot" "$_r/bin" "$_r/lib/modules/6.1.0-lab/kernel/drivers" &&
		: >"$_r/boot/vmlinuz-6.1.0-lab" && : >"$_r/bin/busybox" && chmod +x "$_r/bin/busybox" &&
		: >"$_r/lib/modules/6.1.0-lab/kernel/drivers/virtio.ko" &&
		awk -F'\t' '$1 == "amd64" { print $2, $3 }' "$top/scripts/lab-kernels.tsv" >"$_r/.complete" &&
		sed -n 's/^layout=//p' "$lab" >"$_r/.layout" &&
		printf 'kernel/drivers/virtio.ko\n%s\n' "$2" >"$_r/lib/modules/6.1.0-lab/guest-devices.order"
}

cache "$tmp/good" kernel/drivers/virtio.ko
out=$(XDG_CACHE_HOME=$tmp/good timeout 20 sh "$lab" --kernel amd64 --fetch-only 2>&1); rc=$?
is "$rc/$out" "0/$tmp/good/virtcap/lab/amd64/root" "a cache as lab.sh makes it: its root is handed out"

for bad in ../../../../../../tmp/virtcap-evil.ko /etc/shadow kernel/../../../../etc/shadow.ko \
	'kernel/a b.ko' kernel/drivers/virtio.ko.sh; do
	rm -rf "$tmp/bad" && cache "$tmp/bad" "$bad"
	out=$(XDG_CACHE_HOME=$tmp/bad timeout 20 sh "$lab" --kernel amd64 --fetch-only 2>&1); rc=$?
	is "$rc/$out" "2/virtcap lab: the lab's cache lists a module path it never makes: $bad ($tmp/bad/virtcap/lab/amd64/root/lib/modules/6.1.0-lab/guest-devices.order); remove $tmp/bad/virtcap/lab" \
		"a module list naming '$bad': refused, nothing handed out"
done

if [ "$(id -u)" != 0 ]; then
	skip 2 "root's choice of cache: needs root"
else
	# a user's directory: root must not take what it holds
	mkdir -p "$tmp/user" && cache "$tmp/user" ../../../../etc/shadow && chown -R 65534 "$tmp/user"
	out=$(XDG_CACHE_HOME=$tmp/user timeout 20 sh "$lab" --kernel riscv 2>&1); rc=$?
	is "$rc/$(echo "$out" | head -1)" \
		"2/virtcap lab: $tmp/user/virtcap/lab is not root's alone: root uses /var/cache/virtcap/lab" \
		"root with another user's XDG_CACHE_HOME: that cache is not used, and it says which is"
	chown -R 0 "$tmp/user" && chmod 0777 "$tmp/user/virtcap"
	out=$(XDG_CACHE_HOME=$tmp/user timeout 20 sh "$lab" --kernel riscv 2>&1)
	is "$(echo "$out" | head -1)" \
		"virtcap lab: $tmp/user/virtcap/lab is not root's alone: root uses /var/cache/virtcap/lab" \
		"nor one below a directory anyone may write"
fi
done_testing

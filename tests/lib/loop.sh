# Loop devices a test makes (root only). attach IMAGE: a loop device in $_l with its partition
# nodes (partx -a: losetup -P alone may not make them on a freshly partitioned image);
# detach_all, from the test's cleanup, detaches every one.
loops=""
attach() {
	_l=$(losetup -f --show -P "$1") || return 1
	loops="$loops $_l"
	partx -a "$_l" 2>/dev/null || true	# none to add: a loop device of one file system
}
detach_all() {
	for l in $loops; do losetup -d "$l"; done
}

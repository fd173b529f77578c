# run_lab OUT ERR LAB-ARGS...: virtcap lab, retried once when the emulated machine failed
# rather than virtcap: it never reached virtcap in time, or its kernel stopped beating while
# virtcap ran (QEMU's emulated SVM has left the lab's kernel in soft lockups on a loaded host,
# and Debian's 686-pae kernel stops altogether now and then, during the mmio proof when it was
# caught). A virtcap that started and did not finish on a live kernel is never retried: that is
# a failure of virtcap. A retry is reported, and the first boot's messages kept in ERR.first.
run_lab() {
	_out=$1 _err=$2; shift 2
	"$VIRTCAP" lab --timeout 90 "$@" >"$_out" 2>"$_err"
	_rc=$?
	if [ "$_rc" -eq 2 ] && grep -Eq 'did not reach virtcap|kernel stopped' "$_err"; then
		cp "$_err" "$_err.first"
		diag "the lab's VM failed, not virtcap; booting once more:" "$(head -1 "$_err")" \
			"$(tail -2 "$_err")"
		"$VIRTCAP" lab --timeout 90 "$@" >"$_out" 2>"$_err"
		_rc=$?
	fi
	return "$_rc"
}

# lab_gave_no_report OUT ERR: true, with a failed test and why, when the lab printed no JSON
# report; a test file then stops, since every check after it would only repeat "no report"
lab_gave_no_report() {
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null && return 1
	ok 1 "the lab gave a JSON report"
	diag "the lab gave no report; what it said:" "$(tail -30 "$2")"
	return 0
}

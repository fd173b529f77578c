# run_lab OUT ERR LAB-ARGS...: virtcap lab, retried once when the emulated machine gave no
# result in time. QEMU's emulated SVM has left the lab's own kernel in soft lockups on a loaded
# host (two emulators on two cores); a second boot tells that from a fault of ours, and the
# retry is reported, never hidden.
run_lab() {
	_out=$1 _err=$2; shift 2
	"$VIRTCAP" lab --timeout 90 "$@" >"$_out" 2>"$_err"
	_rc=$?
	if [ "$_rc" -eq 2 ] && grep -q 'no result within' "$_err"; then
		diag "the lab gave no result in time; booting once more:" "$(tail -3 "$_err")"
		"$VIRTCAP" lab --timeout 90 "$@" >"$_out" 2>"$_err"
		_rc=$?
	fi
	return "$_rc"
}

# lab_gave_no_report OUT ERR: true (and says why on stderr) when the lab printed no JSON report;
# a test file then stops, since every check after it would only repeat "no report"
lab_gave_no_report() {
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null && return 1
	diag "the lab gave no report; what it said:" "$(tail -30 "$2")"
	return 0
}

# run_lab OUT ERR LAB-ARGS...: virtcap lab, booted again (at most LAB_RETRIES times) when the
# emulated machine failed rather than virtcap: it never reached virtcap in time, or its kernel
# stopped beating while virtcap ran (with QEMU's multi-threaded TCG the lab's kernel froze in
# half the boots of 2026-12-01; scripts/lab.sh now runs TCG single-threaded, and no boot froze
# in 15 since, so two retries are a margin, not a routine).
# A virtcap that started and did not finish on a live kernel, or that failed, is never booted
# again: that is a failure of virtcap (t064 checks this). Each retry is reported, and every
# earlier boot's messages kept in ERR.1, ERR.2, ...
LAB_RETRIES=2
run_lab() {
	_out=$1 _err=$2; shift 2
	_try=0
	while :; do
		"$VIRTCAP" lab --timeout 90 "$@" >"$_out" 2>"$_err"
		_rc=$?
		[ "$_rc" -eq 2 ] && [ "$_try" -lt "$LAB_RETRIES" ] &&
			grep -Eq 'did not reach virtcap|kernel stopped' "$_err" || break
		_try=$((_try + 1))
		cp "$_err" "$_err.$_try"
		diag "the lab's VM failed, not virtcap; booting once more:" "$(head -1 "$_err")" \
			"$(tail -2 "$_err")"
	done
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

# Shell TAP helpers for tests/*.t scripts. Source it, call plan N (or plan_lazy), then ok/is.
# Each helper prints exactly one TAP line; done_testing closes a lazy plan and sets the status.
_tap_n=0
_tap_failed=0
_tap_lazy=0

plan() { echo "1..$1"; }
plan_lazy() { _tap_lazy=1; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
bail() { echo "Bail out! $*"; exit 255; }
# diag goes to stderr, as Test::More's does: prove shows it without -v, so a failure explains
# itself in CI's log
diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }

# ok STATUS DESCRIPTION: pass when STATUS is 0
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# skip N REASON: N checks that cannot run on this host, each a TAP skip that prove counts; a
# count that is not a number (the arguments swapped) is a broken test, not a skip
skip() {
	case $1 in ''|*[!0-9]*) bail "skip: the count comes first, skip N REASON (got '$1')" ;; esac
	_skip_n=$1; shift
	while [ "$_skip_n" -gt 0 ]; do
		_tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $*"; _skip_n=$((_skip_n - 1))
	done
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "     got: '$1'" "  wanted: '$2'"
	fi
}

done_testing() {
	[ "$_tap_lazy" -eq 1 ] && echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# jget FILE EXPR: print a value of the JSON in FILE; EXPR is Python on `d`, e.g.
# 'd["capabilities"]["cpu.vmx"]["value"]'. Prints JSON (true/false/null, "strings" unquoted).
jget() {
	python3 - "$1" "$2" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("<no JSON in %s>" % sys.argv[1])
    sys.exit(0)
try:
    v = eval(sys.argv[2], {"d": d})
except (KeyError, IndexError, TypeError) as e:
    print("<missing %s>" % e)
    sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v))
PY
}

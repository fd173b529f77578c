#!/bin/sh
# make deb: a Debian package built with dpkg-buildpackage and clean for lintian at its default
# level, holding the program, the man page, the lab and stack scripts, the JSON schema, the
# Ansible fact and playbook, bash completion, and a systemd service and timer that write the
# Prometheus textfile; unpacked (dpkg -x) its virtcap runs and its units pass systemd-analyze
# verify; where this test runs as root and no virtcap package is installed, dpkg -i installs
# it for real (the timer enabled) and dpkg -P removes it again.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || bail "mktemp"
installed=
trap '[ -n "$installed" ] && dpkg -P virtcap >/dev/null 2>&1; rm -rf "$tmp"' EXIT
for t in dpkg-buildpackage lintian systemd-analyze; do
	command -v "$t" >/dev/null || bail "$t is missing: make deps"
done

make -s -C "$top" deb >"$tmp/make.out" 2>&1
ok $? "make deb"
[ $? -eq 0 ] || diag "$(tail -20 "$tmp/make.out")"
deb=$(ls "$top"/build/deb/virtcap_*_"$(dpkg --print-architecture)".deb 2>/dev/null)
[ -f "$deb" ]
ok $? "it leaves build/deb/virtcap_VERSION_ARCH.deb"
! grep -q '^[EW]: ' "$top/build/deb/lintian.txt"
ok $? "lintian: no error, no warning"
is "$(dpkg-deb -f "$deb" Version)" "$("$VIRTCAP" --version | cut -d' ' -f2)" \
	"the package's version is the program's"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/files"
missing=""
for f in /usr/bin/virtcap /usr/share/man/man1/virtcap.1.gz /usr/lib/virtcap/lab.sh \
	 /usr/lib/virtcap/lab-kernels.tsv /usr/lib/virtcap/stack-guest.sh \
	 /usr/share/virtcap/schema/report-v1.json /usr/share/virtcap/virtcap.fact \
	 /usr/share/virtcap/collect.yml /usr/share/bash-completion/completions/virtcap \
	 /usr/share/virtcap/prometheus/virtcap.rules.yml /usr/lib/virtcap/refresh.sh \
	 /lib/systemd/system/virtcap.service /lib/systemd/system/virtcap.timer \
	 /usr/share/doc/virtcap/copyright /usr/share/doc/virtcap/README.md.gz; do
	grep -qx "$f" "$tmp/files" || missing="$missing $f"
done
is "$missing" "" "it holds the program, man page, scripts, schema, Ansible files, completion, units"

# unpacked: the program runs from it and its report validates against the packaged schema
dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/virtcap" probe --json >"$tmp/report.json" 2>"$tmp/probe.err"
is "$?" 0 "the packaged virtcap probes this host"
/usr/bin/python3 "$top/tests/lib/validate.py" "$tmp/root/usr/share/virtcap/schema/report-v1.json" \
	"$tmp/report.json"
ok $? "its report validates against the packaged schema"
strings "$tmp/root/usr/bin/virtcap" | grep -qx '/usr/lib/virtcap'
ok $? "it looks for its lab and stack scripts in /usr/lib/virtcap"
bash -c '. "$1" && complete -p virtcap' _ "$tmp/root/usr/share/bash-completion/completions/virtcap" \
	2>/dev/null | grep -q -- '-F _virtcap virtcap$'
ok $? "the packaged completion registers itself in bash"
# verified in the unpacked root (its ExecStart is there), beside this system's own targets
# (sysinit.target, timers.target... from its systemd package); the man page is checked above
cp -n /lib/systemd/system/*.target "$tmp/root/lib/systemd/system/" 2>/dev/null
systemd-analyze verify --man=no --root="$tmp/root" /lib/systemd/system/virtcap.service \
	/lib/systemd/system/virtcap.timer >"$tmp/verify" 2>&1
is "$? $(wc -c <"$tmp/verify")" "0 0" "systemd-analyze verify accepts the service and the timer, silently"
[ -s "$tmp/verify" ] && diag "$(cat "$tmp/verify")"
grep -q '^ExecStart=/usr/lib/virtcap/refresh.sh$' "$tmp/root/lib/systemd/system/virtcap.service" &&
	[ -x "$tmp/root/usr/lib/virtcap/refresh.sh" ] && sh -n "$tmp/root/usr/lib/virtcap/refresh.sh"
ok $? "the service runs the packaged refresh.sh"
# refresh.sh as the service runs it, given directories of its own for its readers: the node
# exporter's textfile and NFD's file, each written whole, from one run of the packaged virtcap;
# and nothing at all where neither reader is there
mkdir -p "$tmp/rw/prom" "$tmp/rw/nfd"
timeout 300 sh "$tmp/root/usr/lib/virtcap/refresh.sh" "$tmp/rw/prom" "$tmp/rw/nfd" \
	"$tmp/root/usr/bin/virtcap" 2>"$tmp/refresh.err"
is "$?/$(ls "$tmp/rw/prom")/$(ls "$tmp/rw/nfd")" "0/virtcap.prom/virtcap" \
	"refresh.sh: the metrics and the NFD labels, from one run"
grep -q '^virtcap_' "$tmp/rw/prom/virtcap.prom" &&
	python3 "$top/tests/lib/nfd_rules.py" "$tmp/rw/nfd/virtcap" >/dev/null
ok $? "each as its reader takes it"
timeout 60 sh "$tmp/root/usr/lib/virtcap/refresh.sh" "$tmp/rw/none" "$tmp/rw/none2" \
	"$tmp/root/usr/bin/virtcap"
is "$?/$(ls -A "$tmp/rw" | tr '\n' ' ')" "0/nfd prom " "neither reader there: nothing written, exit 0"
grep -q '^WantedBy=timers.target$' "$tmp/root/lib/systemd/system/virtcap.timer"
ok $? "the timer is wanted by timers.target"
dpkg-deb -e "$deb" "$tmp/control"
bad=""
for s in "$tmp"/control/postinst "$tmp"/control/prerm "$tmp"/control/postrm; do
	[ -f "$s" ] && ! sh -n "$s" && bad="$bad ${s##*/}"
done
is "$bad" "" "the maintainer scripts parse"

# installed for real where that is ours to do
if [ "$(id -u)" -ne 0 ]; then
	skip 3 "not root: dpkg -i is not tried"
elif dpkg-query -W -f='${Status}' virtcap 2>/dev/null | grep -q installed; then
	skip 3 "a virtcap package is installed here already: dpkg -i is not tried over it"
else
	installed=1
	dpkg -i "$deb" >"$tmp/dpkg.out" 2>&1
	ok $? "dpkg -i installs it"
	[ -x /usr/bin/virtcap ] && [ -L /etc/systemd/system/timers.target.wants/virtcap.timer ]
	ok $? "the program is installed and the timer enabled"
	dpkg -P virtcap >"$tmp/dpkg.out" 2>&1 && installed= &&
		[ ! -e /usr/bin/virtcap ] && [ ! -e /etc/systemd/system/timers.target.wants/virtcap.timer ]
	ok $? "dpkg -P removes it, the timer's link too"
fi
done_testing

#!/bin/sh
# --root HOST.tar.gz: a snapshot archive is probed as it is, and a hostile archive can never
# write outside the private directory it is unpacked into: '..' paths, absolute paths, links
# followed by a later entry, hard links, devices, duplicates, truncation, deep nesting. Each is
# one error line naming the archive and the entry, exit 2, and nothing left in TMPDIR.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/td" "$tmp/outside"

# a real snapshot of a scenario root, probed from the archive and from the directory
r=$tmp/host
mkdir -p "$r"
root_kernel "$r" 6.1.0-27-amd64 x86_64; cpu_intel_vmx "$r"; intel_msrs "$r" 0x5
kvm_module "$r" kvm_intel Y; dev_kvm_ok "$r"
"$VIRTCAP" --root "$r" snapshot "$tmp/host.tar.gz" 2>/dev/null
TMPDIR=$tmp/td "$VIRTCAP" --root "$tmp/host.tar.gz" --json >"$tmp/a.json" 2>"$tmp/a.err"
is "$?" 0 "--root HOST.tar.gz: a snapshot is probed from the archive" || diag "$(cat "$tmp/a.err")"
# `| head`: the reader is gone before the report is written; the process dies of SIGPIPE, as a
# program in a pipe should, and its unpacked copy goes with it
status=$(TMPDIR=$tmp/td timeout 20 python3 -c 'import os, subprocess, sys
r, w = os.pipe(); os.close(r)
print(subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.DEVNULL).returncode)' \
	"$VIRTCAP" --root "$tmp/host.tar.gz" -v)
is "$status/$(ls -A "$tmp/td")" "-13/" "a reader gone (SIGPIPE): killed by the signal, nothing left in TMPDIR"
"$VIRTCAP" --root "$r" --json >"$tmp/d.json" 2>/dev/null
verdicts() { jget "$1" "' '.join(v['verdict'] for v in d['matrix'].values())"; }
is "$(verdicts "$tmp/a.json")" "$(verdicts "$tmp/d.json")" "the archive gives the same matrix as the directory"
is "$(jget "$tmp/a.json" "d['host']['root']")" "$tmp/host.tar.gz" "the report names the archive"
is "$(ls -A "$tmp/td")" "" "the unpacked copy is removed after the run"

# hostile ARCHIVE-NAME PATTERN DESCRIPTION: refused with PATTERN, nothing written outside
hostile() {
	TMPDIR=$tmp/td "$VIRTCAP" --root "$tmp/$1" --json >"$tmp/$1.out" 2>"$tmp/$1.err"
	rc=$?
	lines=$(wc -l <"$tmp/$1.err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -q "$tmp/$1: .*$2" "$tmp/$1.err" &&
	   [ ! -s "$tmp/$1.out" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"; diag "exit $rc: $(cat "$tmp/$1.err")"
	fi
	is "$(ls -A "$tmp/outside" "$tmp/td" | grep -v '^/\|^$' | tr '\n' ' ')" "" \
		"$1: nothing written outside, nothing left in TMPDIR"
}

python3 - "$tmp" <<'PY'
import io, os, sys, tarfile
tmp = sys.argv[1]
def archive(name, entries, gz=True):
    with tarfile.open(os.path.join(tmp, name), "w:gz" if gz else "w") as t:
        for e in entries:
            info = tarfile.TarInfo(e[0]); data = b""
            kind = e[1]
            if kind == "file":
                data = e[2]; info.size = len(data)
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE; info.linkname = e[2]
            elif kind == "hardlink":
                info.type = tarfile.LNKTYPE; info.linkname = e[2]
            elif kind == "fifo":
                info.type = tarfile.FIFOTYPE
            elif kind == "chr":
                info.type = tarfile.CHRTYPE; info.devmajor = 1; info.devminor = 3
            t.addfile(info, io.BytesIO(data) if kind == "file" else None)
out = os.path.join(tmp, "outside")
archive("dotdot.tar.gz", [("proc/x", "file", b"1"), ("../outside/evil", "file", b"x")])
archive("deepdotdot.tar.gz", [("a/b/../../../outside/evil", "file", b"x")])
archive("absolute.tar.gz", [(out + "/evil", "file", b"x")])
archive("linkout.tar.gz", [("etc", "symlink", out), ("etc/evil", "file", b"x")])
archive("linkup.tar.gz", [("up", "symlink", "../../.."), ("up/evil", "file", b"x")])
archive("linkdir.tar.gz", [("d", "dir"), ("d/l", "symlink", out), ("d/l/sub/evil", "file", b"x")])
archive("hardlink.tar.gz", [("proc/x", "file", b"1"), ("h", "hardlink", "/etc/passwd")])
archive("fifo.tar.gz", [("proc/modules", "fifo")])
archive("device.tar.gz", [("dev/mem", "chr")])
archive("twice.tar.gz", [("proc/x", "file", b"1"), ("proc/x", "file", b"2")])
archive("deep.tar", [("/".join(["d"] * 100) + "/f", "file", b"x")], gz=False)
open(os.path.join(tmp, "empty.tar.gz"), "wb").close()
open(os.path.join(tmp, "random.tar.gz"), "wb").write(os.urandom(5000))
data = open(os.path.join(tmp, "host.tar.gz"), "rb").read()
open(os.path.join(tmp, "truncated.tar.gz"), "wb").write(data[: len(data) // 2])
# a header that claims a 7 GiB file in a tiny archive
big = tarfile.TarInfo("proc/big"); big.size = 7 << 30
open(os.path.join(tmp, "huge.tar"), "wb").write(big.tobuf(tarfile.USTAR_FORMAT) + b"\0" * 1024)
PY

hostile dotdot.tar.gz "entry '../outside/evil': refused: a '..' component" "'..' is refused"
hostile deepdotdot.tar.gz "refused: a '..' component" "'..' deep in a path is refused"
hostile absolute.tar.gz "refused: an absolute path" "an absolute path is refused"
hostile linkout.tar.gz "entry 'etc/evil': cannot create its directory" \
	"a file under a link to outside is refused, not written through it"
hostile linkup.tar.gz "entry 'up/evil': cannot create its directory" \
	"a file under a link to ../../.. is refused"
hostile linkdir.tar.gz "cannot create its directory" "a directory under a link is refused"
hostile hardlink.tar.gz "refused: a hard link" "a hard link is refused"
hostile fifo.tar.gz "refused: entry type '6'" "a FIFO is refused"
hostile device.tar.gz "refused: entry type '3'" "a device is refused"
hostile twice.tar.gz "refused: it is in the archive twice" "a duplicate entry is refused"
hostile deep.tar "cannot create its directory" "100 levels of directories are refused"
hostile empty.tar.gz "not a tar archive" "an empty file is not an archive"
hostile random.tar.gz "not a tar archive" "random bytes are not an archive"
hostile truncated.tar.gz "ends" "a truncated archive is an error"
hostile huge.tar "over 512 MiB" "a 7 GiB entry is refused before anything is written"
done_testing

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

# the same root packed by GNU tar in its own dialect (a name over 100 bytes goes in a
# ././@LongLink entry): libarchive reads it, as it reads pax and ustar
long=$r/usr/share/$(printf 'a%.0s' $(seq 1 60))/$(printf 'b%.0s' $(seq 1 60))
mkdir -p "$long" && echo x >"$long/file"
tar -C "$r" --format=gnu -czf "$tmp/gnu.tar.gz" . 2>/dev/null
ok "$([ "$(zcat "$tmp/gnu.tar.gz" | grep -ac '././@LongLink')" -gt 0 ]; echo $?)" \
	"GNU tar wrote ././@LongLink entries"
TMPDIR=$tmp/td timeout 20 "$VIRTCAP" --root "$tmp/gnu.tar.gz" --json >"$tmp/g.json" 2>"$tmp/g.err"
is "$?" 0 "--root a GNU tar archive of a root" || diag "$(cat "$tmp/g.err")"
is "$(verdicts "$tmp/g.json")" "$(verdicts "$tmp/d.json")" "GNU tar's archive gives the same matrix as the directory"

# libarchive is loaded only for an archive: the dynamic build starts without it, and where it is
# missing an archive gets one line naming the library and the package
case $(ldd "$VIRTCAP" 2>/dev/null) in
*libarchive*) ok 1 "virtcap is not linked with libarchive at start" ;;
*) ok 0 "virtcap is not linked with libarchive at start" ;;
esac
lib=$(ldconfig -p 2>/dev/null | awk '/libarchive.so.13 .*x86-64/ { print $NF; exit }')
if [ "$(id -u)" = 0 ] && [ -n "$lib" ] && unshare -m true 2>/dev/null; then
	err=$(TMPDIR=$tmp/td timeout 20 unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
		- "$(readlink -f "$lib")" "$VIRTCAP" --root "$tmp/host.tar.gz" --json 2>&1 >/dev/null)
	is "$?/$(echo "$err" | wc -l)" "2/1" "libarchive missing: exit 2, one line"
	echo "$err" | grep -q "host.tar.gz: cannot read archives: .*libarchive.so.13.*apt-get install libarchive13"
	ok "$?" "libarchive missing: the archive, the library and the package named" || diag "$err"
	is "$(TMPDIR=$tmp/td timeout 20 unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' \
		- "$(readlink -f "$lib")" "$VIRTCAP" --root "$r" --json >/dev/null 2>&1; echo $?)" 0 \
		"libarchive missing: a root directory is probed as before"
else
	skip 3 "hiding libarchive needs root and a mount namespace"
fi

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
hostile fifo.tar.gz "entry 'proc/modules': refused: a FIFO" "a FIFO is refused"
hostile device.tar.gz "entry 'dev/mem': refused: a character device" "a device is refused"
hostile twice.tar.gz "refused: it is in the archive twice" "a duplicate entry is refused"
hostile deep.tar "cannot create its directory" "100 levels of directories are refused"
hostile empty.tar.gz "cannot read it as a tar archive" "an empty file is not an archive"
hostile random.tar.gz "cannot read it as a tar archive" "random bytes are not an archive"
hostile truncated.tar.gz "truncated" "a truncated archive is an error"
hostile huge.tar "over 512 MiB" "a 7 GiB entry is refused before anything is written"
done_testing

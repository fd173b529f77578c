#!/bin/sh
# make deb: the Debian package of this tree (debian/), built with dpkg-buildpackage from a copy
# in build/deb/src (it writes its results beside the source, which must not be the checkout's
# parent), checked by lintian at its default level; any error or warning fails.
# Result: build/deb/virtcap_VERSION_ARCH.deb (and its .buildinfo and .changes).
set -eu
cd "$(dirname "$0")/.."
version=$(sed -n 's/^#define VIRTCAP_VERSION "\(.*\)"$/\1/p' version.h)
changelog=$(dpkg-parsechangelog -S Version)
[ "$version" = "$changelog" ] ||
	{ echo "deb: version.h says $version, debian/changelog $changelog: make them one" >&2; exit 2; }
out=build/deb
rm -rf "$out" && mkdir -p "$out/src/virtcap-$version"
# the tree's files, as git knows them (a tree without git: everything but build/)
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c \
		'[ -e "$1" ] && mkdir -p "$2/$(dirname "$1")" && cp -p "$1" "$2/$1" || true' _ {} \
		"$out/src/virtcap-$version"
else
	tar --exclude=./build -cf - . | tar -xf - -C "$out/src/virtcap-$version"
fi
(cd "$out/src/virtcap-$version" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log" >&2; echo "deb: dpkg-buildpackage failed (all of it: $out/build.log)" >&2; exit 1; }
mv "$out"/src/virtcap_* "$out"/src/virtcap-dbgsym_* "$out/"
rm -rf "$out/src"
lintian --fail-on error,warning "$out"/virtcap_*.changes >"$out/lintian.txt" 2>&1 ||
	{ cat "$out/lintian.txt" >&2; echo "deb: lintian found the problems above" >&2; exit 1; }
ls "$out"/virtcap_*.deb

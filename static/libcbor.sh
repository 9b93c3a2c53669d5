#!/usr/bin/env bash
# static/libcbor.sh DIR - build libcbor.a into DIR/lib/libcbor.a and
# DIR/include.  Debian ships libcbor only as a shared library; the static
# build of kdelay links this one.  It is built from the source of the
# version of libcbor-dev whose headers the objects were compiled with, so
# the two agree; the source is, first found:
#   1. Debian's libcbor source package (apt-get source; tests/deps.sh
#      adds the deb-src line it needs);
#   2. ${KDELAY_SRC_CACHE:-/var/tmp/kdelay-src}/libcbor-UPSTREAM/, the
#      upstream release of that version (e.g. libcbor-0.8.0/, unpacked
#      from the project's v0.8.0 release), for mirrors that lack the
#      source package's files.
# Nothing of libcbor is kept in kdelay's tree.
set -euo pipefail
prog=static/libcbor.sh
fail() {
	echo "$prog: $*" >&2
	exit 69
}
[ $# -eq 1 ] || {
	echo "usage: $prog DIR" >&2
	exit 64
}
dir=$1
[ -s "$dir/lib/libcbor.a" ] && exit 0
for tool in apt-get dpkg-source cmake; do
	command -v "$tool" >/dev/null || fail "$tool is missing; run tests/deps.sh"
done
want=$(dpkg-query -W -f='${source:Version}' libcbor-dev 2>/dev/null) ||
	fail "libcbor-dev is not installed; run tests/deps.sh"
upstream=${want#*:}
upstream=${upstream%-*}
rm -rf "$dir"
mkdir -p "$dir/src"
if (cd "$dir/src" && apt-get source -q -o APT::Sandbox::User=root "libcbor=$want") >"$dir/src.log" 2>&1; then
	src=$(find "$dir/src" -mindepth 1 -maxdepth 1 -type d -name 'libcbor-*' | head -1)
	[ -n "$src" ] || fail "no source tree unpacked in $dir/src (see $dir/src.log)"
else
	src=${KDELAY_SRC_CACHE:-/var/tmp/kdelay-src}/libcbor-$upstream
	[ -f "$src/CMakeLists.txt" ] ||
		fail "cannot fetch Debian's libcbor $want source package ($(grep -E '^E:' "$dir/src.log" | head -1)) and there is no libcbor $upstream source in $src"
	got=$(sed -n 's/^SET(CBOR_VERSION_\(MAJOR\|MINOR\|PATCH\) "\([0-9]*\)")$/\2/p' "$src/CMakeLists.txt" | paste -sd.)
	[ "$got" = "$upstream" ] || fail "$src holds libcbor $got, not $upstream (libcbor-dev's)"
fi
{
	cmake -S "$src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$dir" \
		-DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF -DWITH_TESTS=OFF -DWITH_EXAMPLES=OFF &&
		cmake --build "$dir/build" -j2 &&
		cmake --install "$dir/build"
} >"$dir/build.log" 2>&1 || fail "building libcbor failed; see $dir/build.log"
[ -s "$dir/lib/libcbor.a" ] || fail "the libcbor build made no libcbor.a; see $dir/build.log"

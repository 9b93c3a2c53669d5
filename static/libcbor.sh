#!/usr/bin/env bash
# static/libcbor.sh DIR - build libcbor.a into DIR/lib/libcbor.a and
# DIR/include.  Debian ships libcbor only as a shared library; the static
# build of kdelay compiles format/ against the headers installed here and
# links this libcbor.a.  The source is, first found:
#   1. Debian's source package of the installed libcbor-dev (apt-get
#      source; tests/deps.sh adds the deb-src line it needs);
#   2. the upstream tarball of the newest libcbor in Debian's next release
#      (trixie), fetched by apt-get from a private source list under DIR,
#      so the hash is checked against Debian's signed index; some mirrors
#      keep only that release's files.  format/ uses only the part of
#      libcbor's API that is the same in 0.8 and 0.10.
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
rm -rf "$dir"
mkdir -p "$dir/src"
unpacked() { find "$dir/src" -mindepth 1 -maxdepth 1 -type d -name 'libcbor-*' | head -1; }
if (cd "$dir/src" && apt-get source -q -o APT::Sandbox::User=root "libcbor=$want") >"$dir/src.log" 2>&1; then
	src=$(unpacked)
	[ -n "$src" ] || fail "no source tree unpacked in $dir/src (see $dir/src.log)"
else
	apt_dir=$(cd "$dir" && pwd)/apt
	mkdir -p "$apt_dir/lists/partial"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$apt_dir/sources.list"
	apt_opts=(-q -o APT::Sandbox::User=root -o Dir::Etc::SourceList="$apt_dir/sources.list"
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$apt_dir/lists")
	apt-get "${apt_opts[@]}" update >>"$dir/src.log" 2>&1 ||
		fail "cannot read Debian's source index for libcbor (see $dir/src.log)"
	# The .dsc and Debian's patches may be missing from the mirror: only
	# the upstream tarball is needed, and apt checks its hash on download.
	(cd "$dir/src" && apt-get "${apt_opts[@]}" source --download-only libcbor) >>"$dir/src.log" 2>&1 || true
	tarball=$(find "$dir/src" -maxdepth 1 -name 'libcbor_*.orig.tar.*' | head -1)
	[ -n "$tarball" ] ||
		fail "cannot fetch libcbor's source from Debian ($want: $(grep -E '^E:' "$dir/src.log" | head -1)); see $dir/src.log"
	tar -xf "$tarball" -C "$dir/src"
	src=$(unpacked)
	[ -n "$src" ] && [ -f "$src/CMakeLists.txt" ] || fail "$tarball holds no libcbor source tree"
fi
{
	cmake -S "$src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$dir" \
		-DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF -DWITH_TESTS=OFF -DWITH_EXAMPLES=OFF &&
		cmake --build "$dir/build" -j2 &&
		cmake --install "$dir/build"
} >"$dir/build.log" 2>&1 || fail "building libcbor failed; see $dir/build.log"
[ -s "$dir/lib/libcbor.a" ] || fail "the libcbor build made no libcbor.a; see $dir/build.log"

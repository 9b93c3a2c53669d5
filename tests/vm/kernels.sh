#!/usr/bin/env bash
# tests/vm/kernels.sh FLAVOUR... - print, one a line, the newest Debian
# kernel version of each flavour that apt's lists know:
#   6.1      linux-image-6.1.0-N-amd64         ->  6.1.0-N-amd64
#   6.1-rt   linux-image-6.1.0-N-rt-amd64      ->  6.1.0-N-rt-amd64
#   6.12     linux-image-6.12.N+debX-amd64     ->  6.12.N+debX-amd64
# (any MAJOR.MINOR[-rt] works the same way).  Versions move in the
# archive, so they are looked up, never written down.  The lists are
# refreshed by tests/deps.sh, not here.  A flavour the lists lack is a
# failure (exit 69) with one line saying so.
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: tests/vm/kernels.sh FLAVOUR... (e.g. 6.1 6.1-rt 6.12)" >&2
	exit 64
fi

status=0
for flavour in "$@"; do
	base=${flavour%-rt}
	suffix=-amd64
	[ "$base" != "$flavour" ] && suffix=-rt-amd64
	if ! [[ $base =~ ^[0-9]+\.[0-9]+$ ]]; then
		echo "tests/vm/kernels.sh: '$flavour' is not a flavour (MAJOR.MINOR or MAJOR.MINOR-rt)" >&2
		exit 64
	fi
	# The image packages (the -unsigned ones carry the same kernel without
	# a signature): linux-image-<VERSION>-unsigned.
	re="^linux-image-(${base//./\\.}(\\.[0-9]+)*(-[0-9]+)?(\\+deb[0-9]+)?${suffix})-unsigned\$"
	version=$(apt-cache search --names-only "$re" 2>/dev/null | awk '{ print $1 }' |
		sed -E "s/$re/\\1/" | sort -V | tail -1)
	if [ -z "$version" ]; then
		echo "tests/vm/kernels.sh: apt's lists have no Debian kernel of flavour $flavour (no package matches $re); run tests/deps.sh, which updates them" >&2
		status=69
		continue
	fi
	echo "$version"
done
exit $status

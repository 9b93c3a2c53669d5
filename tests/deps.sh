#!/usr/bin/env bash
# tests/deps.sh - install, on a fresh Debian 12 machine as root, everything
# kdelay's build and tests need, and mount what the tracers need.
# Idempotent: installs only what is missing (apt-get update at most once),
# mounts only what is not mounted; a second run does nothing and is quick.
#
#   tests/deps.sh            install + mount
#   tests/deps.sh --check    only say what is missing (exit 1 if anything)
#
# Called by demo.sh and .ci/run (README: `tests/deps.sh && make check`).
set -euo pipefail

PKGS=(
	# build
	build-essential clang llvm pkg-config
	libbpf-dev libelf-dev libzstd-dev libcbor-dev zlib1g-dev bpftool
	# the sample workload's USDT probes (<sys/sdt.h>)
	systemtap-sdt-dev
	# unit tests, and libFuzzer/ASan runtimes for clang
	libcmocka-dev libclang-rt-14-dev
	# end-to-end tests: independent tracers, a real Open vSwitch, tools
	linux-perf bpftrace openvswitch-switch
	procps psmisc iproute2 util-linux coreutils findutils grep sed mawk
	binutils xxd python3
	# GNU time: peak memory of a run (77-report-memory.sh, make bench)
	time
	# the HTML page's browser checks: headless Chromium driven over
	# --remote-debugging-pipe by tests/tools/html_browser_check.mjs (node)
	chromium nodejs
	# the suite must pass with the CPUs busy: `stress-ng --cpu 2` beside it
	stress-ng
)

# The kernel matrix (tests/vm/): qemu boots Debian's kernels (downloaded
# by tests/vm/prepare.sh, not installed) with a busybox initramfs; the
# kernel packages are unpacked, their modules indexed and decompressed.
# The static build (make static) builds libcbor from Debian's source
# package (apt-get source: dpkg-dev, and a deb-src line, added below).
VM_PKGS=(
	qemu-system-x86 busybox-static cpio xz-utils zstd gzip kmod file
	dpkg-dev cmake
)

# kernel_delay.py, the tool kdelay replaces, run beside it in the kernel
# guests (tests/e2e/91-compat.sh): BCC's Python bindings and the modules
# the script imports; gdb shows where it crashes with USDT triggers.
# (The guests' kernel headers, which BCC compiles against, come with the
# kernels: tests/vm/prepare.sh.)
COMPAT_PKGS=(python3-bpfcc python3-tz python3-psutil gdb)

check_only=0
case ${1:-} in
--check) check_only=1 ;;
"") ;;
-h | --help)
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "usage: tests/deps.sh [--check]" >&2
	exit 64
	;;
esac

missing=()
for p in "${PKGS[@]}" "${VM_PKGS[@]}" "${COMPAT_PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ $check_only -eq 1 ]; then
		echo "missing packages: ${missing[*]}"
	else
		if [ "$(id -u)" -ne 0 ]; then
			echo "tests/deps.sh: missing packages (${missing[*]}); run me as root" >&2
			exit 77
		fi
		export DEBIAN_FRONTEND=noninteractive
		# Installing openvswitch-switch must not start the system's
		# ovs-vswitchd: the tests start their own and rely on it being
		# the only one.  A policy-rc.d that says "no" while we install.
		policy=/usr/sbin/policy-rc.d
		own_policy=0
		if [ ! -e $policy ]; then
			printf '#!/bin/sh\nexit 101\n' >$policy
			chmod 0755 $policy
			own_policy=1
		fi
		trap 'if [ $own_policy -eq 1 ]; then rm -f $policy; fi' EXIT
		# Update the lists once if they are empty or any package is unknown.
		need_update=0
		if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$' -e '^auxfiles$')" ]; then
			need_update=1
		else
			for p in "${missing[@]}"; do
				apt-cache show "$p" >/dev/null 2>&1 || { need_update=1; break; }
			done
		fi
		[ $need_update -eq 1 ] && apt-get update -q
		apt-get install -y -q --no-install-recommends "${missing[@]}"
	fi
fi

# make static builds libcbor from Debian's source package: apt needs a
# deb-src line for the mirror and suite this machine already uses (found
# in its "deb" sources, one-line or deb822), then one apt-get update.
src_missing=0
if ! apt-cache showsrc libcbor 2>/dev/null | grep -q '^Package: libcbor$'; then
	if [ $check_only -eq 1 ]; then
		echo "no deb-src source for libcbor (make static builds it from Debian's source package)"
		src_missing=1
	else
		. /etc/os-release
		uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
			awk -v s="$VERSION_CODENAME" '$2 == s { print $1; exit }')
		if [ -z "$uri" ]; then
			echo "tests/deps.sh: no apt source for suite '$VERSION_CODENAME' to add a deb-src line to" >&2
			exit 69
		fi
		printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$uri" "$VERSION_CODENAME" >/etc/apt/sources.list.d/kdelay-deb-src.sources
		apt-get update -q
	fi
fi

# The kernel matrix looks its kernels up in apt's lists (tests/vm/kernels.sh).
lists_missing=0
if ! "$(dirname "$0")/vm/kernels.sh" 6.1 6.1-rt 6.12 >/dev/null 2>&1; then
	if [ $check_only -eq 1 ]; then
		echo "apt's lists lack a Debian 6.1, 6.1-rt or 6.12 kernel (the kernel matrix boots them)"
		lists_missing=1
	else
		apt-get update -q
	fi
fi

# The viewers and engines the exports are opened in: speedscope
# (tests/e2e/41-speedscope.sh) and DuckDB (tests/e2e/75-tables.sh) from
# npm, at the versions tests/package-lock.json pins, into
# tests/node_modules.  Debian's nodejs comes without npm (NodeSource's
# has it): its npm package only when there is no npm at all.
tests_dir=$(cd "$(dirname "$0")" && pwd)
npm_stale=()
for pkg in speedscope @duckdb/node-api; do
	npm_wanted=$(sed -n "s|^ *\"$pkg\": \"\\([0-9A-Za-z.-]*\\)\"[,]*\$|\\1|p" "$tests_dir/package.json")
	npm_have=$(sed -n 's/^ *"version": "\([0-9A-Za-z.-]*\)",$/\1/p' \
		"$tests_dir/node_modules/$pkg/package.json" 2>/dev/null | head -1 || true)
	[ "$npm_have" = "$npm_wanted" ] || npm_stale+=("$pkg@$npm_wanted")
done
if [ ${#npm_stale[@]} -gt 0 ]; then
	if [ $check_only -eq 1 ]; then
		echo "missing npm packages: ${npm_stale[*]} in $tests_dir/node_modules"
		missing+=("${npm_stale[@]}")
	else
		if ! command -v npm >/dev/null 2>&1; then
			apt-get install -y -q --no-install-recommends npm
		fi
		# ci: exactly the lockfile's tree; no install scripts run
		npm ci --prefix "$tests_dir" --ignore-scripts --no-audit --no-fund
	fi
fi

# Debian's packaging may leave a system ovs-vswitchd running (a machine
# with systemd starts it on install): say so, the OVS test needs to know.
if pgrep -x ovs-vswitchd >/dev/null 2>&1; then
	echo "tests/deps.sh: note: an ovs-vswitchd is running (pid $(pgrep -x ovs-vswitchd | tr '\n' ' '))" >&2
fi

# tracefs (tracepoint/ programs, perf's syscalls:* events) and debugfs.
mounts_missing=0
mount_if_missing() {
	local type=$1 dir=$2
	grep -q " $dir $type " /proc/mounts && return 0
	if [ $check_only -eq 1 ]; then
		echo "$type not mounted on $dir"
		mounts_missing=1
		return 0
	fi
	mkdir -p "$dir" 2>/dev/null || true
	mount -t "$type" nodev "$dir" || {
		echo "tests/deps.sh: cannot mount $type on $dir" >&2
		return 1
	}
}
if [ -d /sys/kernel ]; then
	mount_if_missing debugfs /sys/kernel/debug || true
	mount_if_missing tracefs /sys/kernel/tracing
fi

if [ $check_only -eq 1 ] && { [ ${#missing[@]} -gt 0 ] || [ $mounts_missing -eq 1 ] || [ $src_missing -eq 1 ] ||
	[ $lists_missing -eq 1 ]; }; then
	exit 1
fi
exit 0

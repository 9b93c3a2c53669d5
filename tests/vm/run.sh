#!/usr/bin/env bash
# tests/vm/run.sh VERSION SCRIPT [ARGS...] - boot Debian kernel VERSION
# (tests/vm/kernels.sh names them; tests/vm/prepare.sh, run first here,
# fetches it) in qemu and run `bash SCRIPT ARGS...` in it as root.
#
# The guest's / is this machine's / (read-only, over 9p) under a tmpfs
# overlay: the guest runs the host's programs, and what it writes outside
# the shared folder is gone with it.  tracefs, debugfs, bpffs and cgroup2
# are mounted; /lib/modules/VERSION and the kernel headers are the
# unpacked packages'.  The script starts in the caller's working
# directory, with stdin /dev/null, and finds in $VM_OUT a folder shared
# read-write with the host, at the same path on both sides.
#
# Prints the script's stdout on stdout and its stderr on stderr (when it
# has ended: they are files in the shared folder), and exits with its
# status.  When the runner itself fails (bad usage 64; kernel cannot be
# prepared, guest did not boot, did not finish in time, or left no exit
# status: 125) it says so in one line on stderr, "tests/vm/run.sh: ...".
#
# Environment:
#   VM_OUT_HOST  the shared folder (created if missing; default: a new
#                folder ${TMPDIR:-/tmp}/kdelay-vm.XXXXXX, kept: its path is
#                printed on stderr).  Its .vm/ holds the runner's files:
#                cmd, stdout, stderr, rc, console.log, boot-seconds.
#   VM_ENV       names of variables to pass into the guest ("O TOP")
#   TIMEOUT      seconds for the whole guest, boot included (1800)
#   SMP, MEM     guest CPUs (2) and memory (3G)
#   VERBOSE=1    copy the guest's console to stderr as it comes
#   KDELAY_VM_CACHE  where the kernels are unpacked (/var/tmp/kdelay-vm)
#
# Under TCG only: this machine's /dev/kvm cannot run stock kernels, and
# TCG boots Debian's in 15-30 s.
set -uo pipefail

prog=tests/vm/run.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fail() {
	echo "$prog: $*" >&2
	exit 125
}
if [ $# -lt 2 ]; then
	echo "usage: $prog VERSION SCRIPT [ARGS...]" >&2
	exit 64
fi
V=$1
script=$2
shift 2
[ -f "$script" ] || {
	echo "$prog: no script '$script'" >&2
	exit 64
}

command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 is missing; run tests/deps.sh"
kdir=$("$here/prepare.sh" "$V") || fail "kernel $V could not be prepared (see the line above)"

out=${VM_OUT_HOST:-}
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/kdelay-vm.XXXXXX") || fail "cannot create a shared folder"
fi
mkdir -p "$out" || fail "cannot create the shared folder $out"
out=$(cd "$out" && pwd -P)
# The kernel command line carries these paths: no spaces, nothing odd.
for p in "$out" "$kdir" "$here"; do
	[[ $p =~ ^/[A-Za-z0-9/._+-]*$ ]] || fail "path '$p' has characters the kernel command line cannot carry"
done
ctl=$out/.vm
rm -rf "$ctl"
mkdir "$ctl" || fail "cannot create $ctl"

{
	printf 'export VM_OUT=%q\n' "$out"
	for name in ${VM_ENV:-}; do
		[ -n "${!name+set}" ] && printf 'export %s=%q\n' "$name" "${!name}"
	done
	printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
	printf 'exec bash'
	printf ' %q' "$script" "$@"
	printf '\n'
} >"$ctl/cmd"

# The guest's TSC is the host's under TCG; its own calibration at boot can
# be far off on a busy host, and its clocks (and every timeout in the
# guest) would run at the wrong rate: tell it the frequency, measured here.
top=$(cd "$here/../.." && pwd)
tsc_khz_bin=${O:-.output}/tests/vm/tsc-khz
[[ $tsc_khz_bin == /* ]] || tsc_khz_bin=$top/$tsc_khz_bin
[ -x "$tsc_khz_bin" ] || fail "no $tsc_khz_bin; run make check-kernels (or make $tsc_khz_bin) first"
tsc_khz=$("$tsc_khz_bin") || fail "cannot measure the host's TSC frequency (see the line above)"

timeout=${TIMEOUT:-1800}
# no_timer_check: on a loaded host the emulated guest can fail the boot's
# IO-APIC timer check and panic ("IO-APIC + timer doesn't work").
qemu=(qemu-system-x86_64 -accel tcg,thread=single -cpu max -machine q35
	-m "${MEM:-3G}" -smp "${SMP:-2}"
	-nographic -no-reboot -nodefaults -serial mon:stdio -net none
	-kernel "$kdir/vmlinux" -initrd "$kdir/initramfs.cpio.gz"
	-append "console=ttyS0 panic=-1 oops=panic quiet loglevel=4 mitigations=off tsc=reliable tsc_early_khz=$tsc_khz no_timer_check kdelay.out=$out kdelay.kdir=$kdir kdelay.init=$here/guest-init.sh"
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=vmout,path=$out,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=vmout,mount_tag=vmout
	-device virtio-rng-pci)

echo "$prog: booting $V (TCG, ${SMP:-2} CPUs, ${MEM:-3G}); shared folder $out" >&2
start=$(date +%s)
timeout --kill-after=10 "$timeout" "${qemu[@]}" </dev/null >"$ctl/console.log" 2>&1 &
qpid=$!
[ "${VERBOSE:-}" = 1 ] && tail -n +1 -f --pid=$qpid "$ctl/console.log" >&2 &
# Killed (a test runner's timeout): the guest goes too (timeout(1) passes
# the signal on to qemu).
trap 'kill $qpid 2>/dev/null; exit 125' TERM INT HUP
wait $qpid
qrc=$?
trap - TERM INT HUP
wall=$(($(date +%s) - start))

[ -f "$ctl/stdout" ] && cat "$ctl/stdout"
[ -f "$ctl/stderr" ] && cat "$ctl/stderr" >&2
boot=$(cat "$ctl/boot-seconds" 2>/dev/null || echo '?')
if [ ! -f "$ctl/rc" ]; then
	if [ "$qrc" -eq 124 ]; then
		why="did not finish in TIMEOUT=$timeout s"
	elif [ "$boot" = '?' ]; then
		why="did not boot (qemu exit $qrc)"
	else
		why="left no exit status (qemu exit $qrc)"
	fi
	echo "$prog: the guest of $V $why; console ($ctl/console.log) ends:" >&2
	tail -25 "$ctl/console.log" | sed 's/^/    /' >&2
	fail "the guest of $V $why"
fi
rc=$(cat "$ctl/rc")
echo "$prog: $V: booted in ${boot}s, script exit $rc, ${wall}s in all; files in $out" >&2
exit "$rc"

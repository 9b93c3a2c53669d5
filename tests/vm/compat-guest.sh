#!/usr/bin/env bash
# tests/vm/compat-guest.sh REFERENCE BIN [KDELAY] - run inside a guest by
# tests/e2e/91-compat.sh (through tests/vm/run.sh): kernel_delay.py
# (REFERENCE) and kdelay (KDELAY, default BIN/kdelay; BIN has kdelay-report
# and kdelay-sample) side by side on one workload whose
# counts are exact, and the reference's USDT crash.  Everything it learns
# goes to files in $VM_OUT; the host compares them.
#
#   usdt-ref.{out,err,rc}   kernel_delay.py with the sample's USDT triggers
#   usdt-kdelay.{txt,rc}    kdelay with the same USDT triggers
#   ref.{txt,err,rc}        kernel_delay.py, uprobe triggers, WINDOWS windows
#   kdelay.{txt,err,rc}     kdelay, the very same command line, at the same time
#   kdelay.json             kdelay-report --json of kdelay's capture
#   sample.out              the workload's own account of what it did
#   guest.env               kernel, BCC and tool versions, timings
#   phase-released, phase-done   marks around the windows, for the host
#                           (which answers the first with host-ready)
#
# Each tool is armed (its uprobes attached, as `bpftool perf list` shows)
# before the workload is let go, so both see the same iterations from the
# first.  Exit status 0 when every step ran; the host judges the results.
set -u
export LC_ALL=C
REF=${1:?usage: compat-guest.sh REFERENCE BIN}
BIN=${2:?usage: compat-guest.sh REFERENCE BIN}
KDELAY=${3:-$BIN/kdelay}
OUT=${VM_OUT:?compat-guest.sh runs in a guest of tests/vm/run.sh (VM_OUT unset)}
PY=/usr/bin/python3 # BCC's Python bindings are Debian's, for Debian's python3

# The workload: N nanosleep() calls between the uprobe triggers (entry and
# return of sample_window()): each call blocks, is woken and switched in
# again, so the window holds N syscalls, about N runs and N run-queue
# waits.  PAUSE_MS between iterations leaves the reference time to print
# a window and re-arm before the next one (it misses triggers meanwhile).
N=${COMPAT_CALLS:-500}
WINDOWS=${COMPAT_WINDOWS:-3}
PAUSE_MS=${COMPAT_PAUSE_MS:-2500}
USDT_CALLS=1000

W=$(mktemp -d /tmp/compat.XXXXXX) # guest tmpfs: no 9p traffic in the windows
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

say() { echo "compat-guest: $*" >&2; }
die() {
	say "$*"
	exit 1
}
now() { date +%s; }

kv=$(uname -r)
[ -f "$REF" ] || die "no reference tool at $REF"
for b in "$KDELAY" "$BIN/kdelay-report" "$BIN/kdelay-sample"; do
	[ -x "$b" ] || die "no $b"
done
[ -d "/lib/modules/$kv/build/include" ] ||
	die "no kernel headers for $kv in /lib/modules/$kv/build (BCC compiles against them)"
$PY -c 'import bcc, pytz, psutil' 2>"$W/import.err" ||
	die "the reference cannot import its modules: $(tail -1 "$W/import.err") (tests/deps.sh installs python3-bpfcc python3-tz python3-psutil)"
command -v bpftool >/dev/null || die "no bpftool"

{
	echo "kernel=$kv"
	echo "bcc=$(dpkg-query -W -f='${Version}' python3-bpfcc 2>/dev/null)"
	echo "libbcc=$(dpkg-query -W -f='${Version}' libbpfcc 2>/dev/null)"
	echo "python=$($PY -c 'import platform; print(platform.python_version())')"
	echo "kdelay=$KDELAY"
	echo "kdelay_linking=$(file -b "$KDELAY" | grep -oE '(statically|dynamically|static-pie) linked' | tr ' ' '-')"
	echo "calls=$N windows=$WINDOWS pause_ms=$PAUSE_MS usdt_calls=$USDT_CALLS"
} >"$OUT/guest.env"

# start_sample TAG ARGS...: the workload, held at its gate ($W/TAG.go).
start_sample() {
	local tag=$1 i
	shift
	"$BIN/kdelay-sample" --start-file "$W/$tag.go" "$@" >"$W/$tag.out" 2>"$W/$tag.err" &
	SAMPLE_PID=$!
	pids+=("$SAMPLE_PID")
	for ((i = 0; i < 200; i++)); do
		grep -qx ready "$W/$tag.out" && return 0
		sleep 0.1
	done
	die "kdelay-sample $* not ready after 20 s: $(cat "$W/$tag.err")"
}

# uprobes PID: how many uprobes/uretprobes process PID has attached.
uprobes() { bpftool perf list 2>/dev/null | grep -cE "^pid $1 .* u(ret)?probe +filename "; }

# wait_armed SECONDS PID:NEED...: until each PID has NEED uprobes attached;
# fails at once when one of them has exited.
wait_armed() {
	local t=$1 end pn p n
	shift
	end=$(($(now) + t))
	while :; do
		local all=1
		for pn in "$@"; do
			p=${pn%:*} n=${pn#*:}
			kill -0 "$p" 2>/dev/null || return 1
			[ "$(uprobes "$p")" -ge "$n" ] || all=0
		done
		[ $all -eq 1 ] && return 0
		[ "$(now)" -ge "$end" ] && return 2
		sleep 1
	done
}

# wait_pid PID SECONDS: its exit status, or 124 after killing it.
wait_pid() {
	local p=$1 end=$(($(now) + $2))
	while kill -0 "$p" 2>/dev/null; do
		if [ "$(now)" -ge "$end" ]; then
			kill -KILL "$p" 2>/dev/null
			wait "$p" 2>/dev/null
			return 124
		fi
		sleep 0.5
	done
	wait "$p"
}

# 1. The reference with USDT triggers on the sample.  The probes run_start
# and run_block sit at several places of the sample, with different numbers
# of arguments; whatever happens, its exit status and output are kept, with
# Python's own traceback should it crash.  (Where it crashes natively is
# shown on the host, under gdb: the same user-space library, and gdb is too
# slow under TCG.)
t0=$(now)
start_sample usdt -m exact -c $USDT_CALLS -i 100000 --pause-ms 100
usdt_args=(-p "$SAMPLE_PID" --start-trigger u:kdelay_sample:run_start
	--stop-trigger u:kdelay_sample:run_block --sample-count 2)
timeout 600 $PY -X faulthandler "$REF" "${usdt_args[@]}" >"$OUT/usdt-ref.out" 2>"$OUT/usdt-ref.err"
echo $? >"$OUT/usdt-ref.rc"
say "reference with USDT triggers: exit $(cat "$OUT/usdt-ref.rc") after $(($(now) - t0)) s"
# kdelay, same triggers, same workload.
"$KDELAY" "${usdt_args[@]}" >"$OUT/usdt-kdelay.txt" 2>"$W/usdt-kdelay.err" &
kpid=$!
pids+=("$kpid")
wait_armed 120 "$kpid:2" || die "kdelay did not attach its USDT triggers: $(cat "$W/usdt-kdelay.err")"
touch "$W/usdt.go"
wait_pid "$kpid" 120
echo $? >"$OUT/usdt-kdelay.rc"
cat "$W/usdt-kdelay.err" >>"$OUT/usdt-kdelay.txt"
kill "$SAMPLE_PID" 2>/dev/null
say "kdelay with USDT triggers: exit $(cat "$OUT/usdt-kdelay.rc")"

# 2. Side by side: the same command line for both, at the same time.
start_sample sbs -m exact -s nanosleep -c "$N" -i 1000 --pause-ms "$PAUSE_MS"
sbs_args=(-p "$SAMPLE_PID" --start-trigger up:sample_window --stop-trigger ur:sample_window
	--sample-count "$WINDOWS")
t0=$(now)
$PY "$REF" "${sbs_args[@]}" >"$W/ref.txt" 2>"$W/ref.err" &
rpid=$!
pids+=("$rpid")
"$KDELAY" "${sbs_args[@]}" -o "$W/kdelay.data" >"$W/kdelay.txt" 2>"$W/kdelay.err" &
kpid=$!
pids+=("$kpid")
wait_armed 1500 "$rpid:2" "$kpid:2"
armed=$?
echo "armed_seconds=$(($(now) - t0))" >>"$OUT/guest.env"
if [ $armed -ne 0 ]; then
	cp "$W/ref.txt" "$W/ref.err" "$W/kdelay.txt" "$W/kdelay.err" "$OUT/" 2>/dev/null
	die "the two tools did not both attach (status $armed): reference: $(tail -3 "$W/ref.err" | tr '\n' ' ') kdelay: $(tail -3 "$W/kdelay.err" | tr '\n' ' ')"
fi
say "both armed after $(($(now) - t0)) s; workload released"
# The host measures how long this guest's CPUs waited for the host's
# between these two marks (time the guest's clock runs on without it);
# the workload goes once it has taken its first reading.
touch "$OUT/phase-released"
for ((i = 0; i < 300; i++)); do
	[ -e "$OUT/host-ready" ] && break
	sleep 0.1
done
[ -e "$OUT/host-ready" ] || say "the host did not answer phase-released in 30 s"
touch "$W/sbs.go"
wait_pid "$rpid" $((WINDOWS * (PAUSE_MS / 1000 + 30) + 60))
echo $? >"$OUT/ref.rc"
wait_pid "$kpid" 60
echo $? >"$OUT/kdelay.rc"
touch "$OUT/phase-done"
echo "run_seconds=$(($(now) - t0))" >>"$OUT/guest.env"
kill "$SAMPLE_PID" 2>/dev/null
wait "$SAMPLE_PID" 2>/dev/null
cp "$W/ref.txt" "$W/ref.err" "$W/kdelay.txt" "$W/kdelay.err" "$OUT/"
cp "$W/sbs.out" "$OUT/sample.out"
"$BIN/kdelay-report" -i "$W/kdelay.data" --json >"$OUT/kdelay.json" 2>"$W/json.err" ||
	die "kdelay-report --json failed: $(cat "$W/json.err")"
say "reference exit $(cat "$OUT/ref.rc"), kdelay exit $(cat "$OUT/kdelay.rc")"
exit 0

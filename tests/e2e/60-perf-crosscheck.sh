#!/usr/bin/env bash
# Cross-check against an independent counter: `perf stat` (Debian's
# linux-perf) counting the syscall tracepoints of the sample's handler1
# thread at the same time as kdelay-record records it.  perf stat counts
# in the kernel, with no ring buffer that could lose events (perf trace
# does lose some under load, and a lossy peer proves nothing), so its
# count is exact: for the marked syscalls of the exact mode, perf's count,
# kdelay's report and the sample's own count must be equal.
#
# No sleep-and-hope: perf stat starts with its counters disabled
# (--delay -1) and enables them on an "enable" written to its control
# FIFO, answering "ack" once they count; only then is the sample released.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

PERF=$(command -v perf) || bail_out "perf is installed (tests/deps.sh installs linux-perf)"
"$PERF" stat -h 2>&1 | grep -q -- '--control' ||
	bail_out "perf stat has --control ($PERF: $("$PERF" --version 2>&1))"

N=3000
IT=3
start_sample px -m exact -t handler1 -c $N -i $IT --pause-ms 50 || bail_out "kdelay-sample starts"
htid=$(sample_tid px handler1)
[ -n "$htid" ] || bail_out "kdelay-sample printed handler1's tid"
mkfifo "$T_TMP/perf.ctl" "$T_TMP/perf.ack"
EVENTS=syscalls:sys_enter_getppid,syscalls:sys_enter_getpgid,syscalls:sys_enter_getsid
timeout 60 "$PERF" stat -t "$htid" -e "$EVENTS" -x , -o "$T_TMP/perf.csv" \
	--delay -1 --control "fifo:$T_TMP/perf.ctl,$T_TMP/perf.ack" >/dev/null 2>"$T_TMP/perf.err" &
perfpid=$!
defer "stop_pid $perfpid"
# Open both ends here (read-write: neither open waits for the other side).
exec {ctl}<>"$T_TMP/perf.ctl" {ack}<>"$T_TMP/perf.ack"
echo enable >&"$ctl"
answer=
read -r -t 20 answer <&"$ack"
[ "$answer" = ack ] || { diag <"$T_TMP/perf.err"; bail_out "perf stat enables its counters (ack on its control FIFO)"; }
# The window is far longer than the work; the recorder ends when the
# sample exits.
start_record px -p "$SAMPLE_PID" --sample-time 30 -o "$T_TMP/px.data"
wait_recording px || bail_out "kdelay-record opens its window"

release_sample px
wait_exit "$SAMPLE_PID" 20
check_eq "sample exits 0" 0 $?
wait_exit $perfpid 20
rc=$?
check_eq "perf stat ends with the thread it counts" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/perf.err"
wait_exit "$RECORD_PID" 20
check_eq "kdelay-record ends with its target, exit 0" 0 $?

# perf stat -x ,: "COUNT,UNIT,EVENT,RUNTIME,PERCENT,,": the count of EVENT,
# or "missing" (not counted, or not for the whole run: not exact).
perf_count() {
	awk -F , -v ev="syscalls:sys_enter_$1" '
	$3 == ev { c = ($1 ~ /^[0-9]+$/ && $5 == "100.00") ? $1 : "partial:" $0 }
	END { print (c == "" ? "missing" : c) }' "$T_TMP/perf.csv"
}
"$REPORT" -i "$T_TMP/px.data" >"$T_TMP/px.txt" 2>&1
check_eq "kdelay-report exits 0" 0 $?
parse_report <"$T_TMP/px.txt" >"$T_TMP/px.tsv"
own=$(sed -n 's/^thread=handler1 .*calls=\([0-9]*\) iterations.*/\1/p' "$T_TMP/px.out")
check_eq "the sample made $IT x $N getppid" $((IT * N)) "$own"
for sc_want in getppid:$((IT * N)) getpgid:$IT getsid:$IT; do
	sc=${sc_want%:*}
	want=${sc_want#*:}
	p=$(perf_count $sc)
	k=$(awk -F '\t' -v tid="$htid" -v sc=$sc '$2 == tid && $4 == "sys" && $5 == sc { s += $6 } END { print s + 0 }' "$T_TMP/px.tsv")
	check_eq "handler1 $sc: perf stat counts what the sample made" "$want" "$p"
	check_eq "handler1 $sc: kdelay = perf stat" "$p" "$k"
done
[ "$T_FAILED" -gt 0 ] && show_file "$T_TMP/perf.csv" 20
done_testing

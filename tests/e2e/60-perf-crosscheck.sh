#!/usr/bin/env bash
# Cross-check against an independent tracer: `perf trace -s` (Debian's
# linux-perf, /usr/bin/perf, the syscall tracepoints via tracefs) attached
# to the same sample process at the same time as kdelay-record.  For the
# marked syscalls of the exact mode, per thread, perf's summary, kdelay's
# report and the sample's own count must agree.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

PERF=$(command -v perf || true)
if [ -z "$PERF" ] || ! "$PERF" trace -h 2>&1 | grep -q 'perf trace'; then
	not_ok "perf trace is available (tests/deps.sh installs linux-perf)"
	done_testing
	exit 1
fi
ok "perf trace is available ($PERF, $("$PERF" --version))"

N=3000
IT=3
start_sample px -m exact -t handler1 -c $N -i $IT --pause-ms 50
htid=$(sample_tid px handler1)
start_record px -p "$SAMPLE_PID" --sample-time 8 -o "$T_TMP/px.data"
timeout 60 "$PERF" trace -s -p "$SAMPLE_PID" -o "$T_TMP/perf.txt" >/dev/null 2>"$T_TMP/perf.err" &
perfpid=$!
defer "stop_pid $perfpid"
wait_recording px
check_eq "kdelay-record started sampling" 0 $?
sleep 2 # perf trace says nothing when it is attached
release_sample px
wait_exit "$SAMPLE_PID" 20
check_eq "sample exits 0" 0 $?
wait_exit $perfpid 20
rc=$?
check_eq "perf trace ends with its target" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/perf.err"
wait_exit "$RECORD_PID" 20
check_eq "kdelay-record ends with its target, exit 0" 0 $?

# perf trace -s: " handler1 (TID), N events, P%" then one row per syscall.
perf_calls() {
	awk -v tid="$1" -v sc="$2" '
	/^ [^ ].* \([0-9]+\), [0-9]+ events/ { cur = $0; sub(/.*\(/, "", cur); sub(/\).*/, "", cur); next }
	cur == tid && $1 == sc { print $2; f = 1 } END { if (!f) print 0 }' "$T_TMP/perf.txt"
}
"$REPORT" -i "$T_TMP/px.data" >"$T_TMP/px.txt" 2>&1
check_eq "kdelay-report exits 0" 0 $?
parse_report <"$T_TMP/px.txt" >"$T_TMP/px.tsv"
own=$(sed -n 's/^thread=handler1 .*calls=\([0-9]*\) iterations.*/\1/p' "$T_TMP/px.out")
check_eq "the sample made $IT x $N getppid" $((IT * N)) "$own"
for sc_want in getppid:$((IT * N)) getpgid:$IT getsid:$IT; do
	sc=${sc_want%:*}
	want=${sc_want#*:}
	p=$(perf_calls "$htid" $sc)
	k=$(awk -F '\t' -v tid="$htid" -v sc=$sc '$2 == tid && $4 == "sys" && $5 == sc { s += $6 } END { print s + 0 }' "$T_TMP/px.tsv")
	check_eq "handler1 $sc: perf trace counts what the sample made" "$want" "$p"
	check_eq "handler1 $sc: kdelay = perf trace" "$p" "$k"
done
[ "$T_FAILED" -gt 0 ] && show_file "$T_TMP/perf.txt" 40
done_testing

#!/usr/bin/env bash
# Ring-buffer overflow is never silent: with the smallest buffer
# (--buffer-page-count 1) and a burst of 300,000 getppid calls, events are
# dropped; the recorder says so on stderr, the capture counts them
# (--info), the report prints the reference's WARNING with the count, and
# events kept + dropped account for at least every call's entry and exit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

N=300000
start_sample dr -m exact -c $N -i 1 --linger-ms 8000
start_record dr -p "$SAMPLE_PID" --buffer-page-count 1 --sample-time 6 -o "$T_TMP/dr.data"
wait_recording dr
release_sample dr
wait_for_line "$T_TMP/dr.out" '^thread=handler1 .*iterations=1$' 20
check "the $N calls were made while the window was open" kill -0 "$RECORD_PID"
wait_exit "$RECORD_PID" 30
check_eq "kdelay-record exits 0 despite drops" 0 $?
stop_pid "$SAMPLE_PID"
"$REPORT" -i "$T_TMP/dr.data" >"$T_TMP/dr.txt" 2>"$T_TMP/dr.err"
rc=$?
check "kdelay-report reads it (exit $rc)" test $rc -eq 0 -o $rc -eq 1
"$REPORT" -i "$T_TMP/dr.data" --info >"$T_TMP/dr.info" 2>&1
dropped=$(sed -n 's/^dropped: *\([0-9,]*\).*/\1/p' "$T_TMP/dr.info" | tr -d ,)
events=$(sed -n 's/^events: *\([0-9,]*\).*/\1/p' "$T_TMP/dr.info" | tr -d ,)
in_range "--info: events were dropped" "${dropped:-0}" 1 100000000
in_range "--info: kept ($events) + dropped ($dropped) >= 2 x $N (every entry and exit)" \
	$((${events:-0} + ${dropped:-0})) $((2 * N)) $((4 * N))
check_grep "report: the reference's WARNING about dropped events" 'WARNING: Not all events were captured, [0-9,]+ were dropped' "$T_TMP/dr.txt"
wdrop=$(sed -n 's/.*WARNING: Not all events were captured, \([0-9,]*\) were dropped.*/\1/p' "$T_TMP/dr.txt" | tr -d , | head -1)
check_eq "report: the WARNING's count = the capture's" "$dropped" "$wdrop"
check_grep "report: suggests --buffer-page-count" '--buffer-page-count' "$T_TMP/dr.txt"
check_grep "recorder: drops said on stderr" '[Dd]rop' "$T_TMP/dr.rec.err"
parse_report <"$T_TMP/dr.txt" >"$T_TMP/dr.tsv"
c=$(stat_sum "$T_TMP/dr.tsv" '*' handler1 sys getppid 6)
in_range "getppid COUNT of the calls kept, no more than made" "$c" 0 $N
done_testing

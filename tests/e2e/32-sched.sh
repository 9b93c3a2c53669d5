#!/usr/bin/env bash
# Run and ready statistics: two threads pinned to one CPU, each burning
# T ms of CPU time, share it: each runs about T ms and waits about T ms on
# the run queue.  Window: USDT run_start (before they start) .. run_block
# (after both ended), so every interval of theirs is inside.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

T=300
start_sample ct -m contend --spin-ms $T --linger-ms 500
check_eq "sample ready" 0 $?
f=$T_TMP/contend.data
start_record ct -p "$SAMPLE_PID" --start-trigger u:kdelay_sample:run_start \
	--stop-trigger u:kdelay_sample:run_block -o "$f"
sleep 1.5
release_sample ct
wait_exit "$RECORD_PID" 30
rc=$?
check_eq "kdelay-record exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/ct.rec.err"
wait_exit "$SAMPLE_PID" 10
grep '^thread=spin' "$T_TMP/ct.out" | diag

"$REPORT" -i "$f" >"$T_TMP/rep.txt" 2>"$T_TMP/rep.err"
check_eq "kdelay-report exits 0" 0 $?
parse_report <"$T_TMP/rep.txt" >"$T_TMP/rep.tsv"
check_eq "one window" 1 "$(windows "$T_TMP/rep.txt")"
ms() { echo $(($1 / 1000000)); }
for t in spin1 spin2; do
	run=$(stat_sum "$T_TMP/rep.tsv" '*' $t run - 7)
	runcnt=$(stat_sum "$T_TMP/rep.tsv" '*' $t run - 6)
	rdy=$(stat_sum "$T_TMP/rep.tsv" '*' $t ready - 7)
	rdycnt=$(stat_sum "$T_TMP/rep.tsv" '*' $t ready - 6)
	rdymax=$(stat_sum "$T_TMP/rep.tsv" '*' $t ready - 8)
	in_range "$t: THREAD RUN TOTAL ~ $T ms of CPU" "$(ms "$run")" $((T / 2)) $((T * 2))
	in_range "$t: THREAD READY TOTAL ~ $T ms waiting for the shared CPU (0.3T..3T)" "$(ms "$rdy")" $((T * 3 / 10)) $((T * 3))
	in_range "$t: preempted more than once (READY SCHED_CNT)" "$rdycnt" 2 1000000
	in_range "$t: RUN SCHED_CNT" "$runcnt" 2 1000000
	check "$t: READY MAX <= TOTAL" test "$rdymax" -le "$rdy"
	# The sample's own measure of its wait (wall - CPU time) agrees.
	own=$(sed -n "s/^thread=$t .*wait_ns=\([0-9-]*\).*/\1/p" "$T_TMP/ct.out")
	in_range "$t: kdelay's READY within 0.5x..2x the sample's own wall-minus-CPU ($(ms "${own:-0}") ms)" \
		"$(ms "$rdy")" $(($(ms "${own:-0}") / 2)) $(($(ms "${own:-0}") * 2))
done
# The main thread only waits (futex/join): it barely runs.
mainrun=$(stat_sum "$T_TMP/rep.tsv" '*' kdelay-sample run - 7)
in_range "main thread ran far less than the spinners (ms)" "$(ms "$mainrun")" 0 $((T / 4))
no_drops "zero drops" "$T_TMP/rep.txt" "$T_TMP/ct.rec.err"
# Run-queue waits grow with whatever else runs on the node: say how busy.
[ "$T_FAILED" -gt 0 ] && echo "load average: $(cat /proc/loadavg)" | diag
done_testing

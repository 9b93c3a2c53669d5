#!/usr/bin/env bash
# Run and ready statistics: two threads pinned to one CPU, each burning
# T ms of CPU time, share it: each runs T ms and waits on the run queue
# while the other runs.  Window: USDT run_start (before they start) ..
# run_block (after both ended), so every interval of theirs is inside.
# The bounds come from the sample's own measures, not from the machine's
# speed: RUN TOTAL against its CPU time (CLOCK_THREAD_CPUTIME_ID), READY
# TOTAL against the kernel's own count of its run-queue wait (schedstat's
# run_delay: wall minus CPU time would also hold the sleep in the barrier
# where the first spinner waits for the second); a lower bound only from T:
#  - SCHED_RR at one real-time priority (--policy rr): they take strict
#    100 ms turns, so each waits at least one turn of the other's;
#  - the normal scheduler (--policy other): both runnable on one CPU, each
#    waits while the other runs; the node's other load only adds to it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

T=300
# Another run's spinners on the same CPU would double the waits.
machine_lock contend
ms() { echo $(($1 / 1000000)); }
for policy in rr other; do
	tag=ct-$policy
	start_sample $tag -m contend --policy $policy --spin-ms $T --linger-ms 500 ||
		not_ok "$policy: kdelay-sample starts"
	f=$T_TMP/$tag.data
	start_record $tag -p "$SAMPLE_PID" --start-trigger u:kdelay_sample:run_start \
		--stop-trigger u:kdelay_sample:run_block -o "$f"
	wait_armed "$RECORD_PID" u:kdelay_sample:run_start u:kdelay_sample:run_block ||
		not_ok "$policy: kdelay-record attaches its triggers"
	release_sample $tag
	wait_exit "$RECORD_PID" 30
	rc=$?
	check_eq "$policy: kdelay-record exits 0" 0 $rc
	[ $rc -eq 0 ] || diag <"$T_TMP/$tag.rec.err"
	wait_exit "$SAMPLE_PID" 10
	grep '^thread=spin.*wait_ns' "$T_TMP/$tag.out" | diag

	"$REPORT" -i "$f" >"$T_TMP/$tag.txt" 2>"$T_TMP/$tag.err"
	check_eq "$policy: kdelay-report exits 0" 0 $?
	tsv=$T_TMP/$tag.tsv
	parse_report <"$T_TMP/$tag.txt" >"$tsv"
	check_eq "$policy: one window" 1 "$(windows "$T_TMP/$tag.txt")"
	for t in spin1 spin2; do
		run=$(stat_sum "$tsv" '*' $t run - 7)
		runcnt=$(stat_sum "$tsv" '*' $t run - 6)
		rdy=$(stat_sum "$tsv" '*' $t ready - 7)
		rdycnt=$(stat_sum "$tsv" '*' $t ready - 6)
		rdymax=$(stat_sum "$tsv" '*' $t ready - 8)
		own=$(sed -n "s/^thread=$t .* ready_ns=\([0-9-]*\).*/\1/p" "$T_TMP/$tag.out")
		own=$(ms "${own:-0}")
		cpu=$(sed -n "s/^thread=$t .*cpu_ns=\([0-9]*\).*/\1/p" "$T_TMP/$tag.out")
		cpu=$(ms "${cpu:-0}")
		in_range "$policy: $t THREAD RUN TOTAL within 0.8x..1.25x its own CPU time ($cpu ms)" \
			"$(ms "$run")" $((cpu * 8 / 10)) $((cpu * 125 / 100))
		in_range "$policy: $t THREAD READY TOTAL >= 0.3T waiting for the shared CPU" \
			"$(ms "$rdy")" $((T * 3 / 10)) 1000000
		in_range "$policy: $t READY TOTAL within 0.8x..1.25x the kernel's schedstat run_delay ($own ms)" \
			"$(ms "$rdy")" $((own * 8 / 10)) $((own * 125 / 100))
		in_range "$policy: $t preempted more than once (READY SCHED_CNT)" "$rdycnt" 2 1000000
		in_range "$policy: $t RUN SCHED_CNT" "$runcnt" 2 1000000
		check "$policy: $t READY MAX <= TOTAL" test "$rdymax" -le "$rdy"
	done
	# The main thread only waits (futex/join): it barely runs.
	mainrun=$(stat_sum "$tsv" '*' kdelay-sample run - 7)
	in_range "$policy: main thread ran far less than the spinners (ms)" "$(ms "$mainrun")" 0 $((T / 4))
	no_drops "$policy: zero drops" "$T_TMP/$tag.txt" "$T_TMP/$tag.rec.err"
done
# Run-queue waits grow with whatever else runs on the node: say how busy.
[ "$T_FAILED" -gt 0 ] && echo "load average: $(cat /proc/loadavg)" | diag
done_testing

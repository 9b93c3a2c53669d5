#!/usr/bin/env bash
# Threads that come and go, and syscalls that do not end:
#  - a named thread that makes N calls and exits while the recording goes
#    on keeps its name in the report (kernel_delay.py printed
#    <unknown:PID/TID>), whether it existed before the recording or was
#    born, named and gone during it;
#  - a thread blocked in read() across the end of the window is reported
#    as a syscall in progress, and not counted as a complete call.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

N=321
for variant in before late; do
	extra=()
	[ $variant = late ] && extra=(--spawn-late)
	tag=ee-$variant
	start_sample $tag -m exit-early -t early1 -c $N -d 5 "${extra[@]}"
	f=$T_TMP/$tag.data
	start_record $tag -p "$SAMPLE_PID" --sample-time 2.5 -o "$f"
	wait_recording $tag
	release_sample $tag
	wait_for_line "$T_TMP/$tag.out" '^thread=early1 tid=[0-9]+ exited$' 10
	check_eq "$variant: early1 exited during the window" 0 $?
	etid=$(sample_tid $tag early1)
	wait_exit "$RECORD_PID" 30
	check_eq "$variant: kdelay-record exits 0" 0 $?
	check "$variant: early1 ($etid) is gone from /proc while the sample lives" \
		sh -c "kill -0 $SAMPLE_PID && ! test -e /proc/$SAMPLE_PID/task/$etid"
	stop_pid "$SAMPLE_PID"
	"$REPORT" -i "$f" >"$T_TMP/$tag.txt" 2>"$T_TMP/$tag.err"
	check_eq "$variant: kdelay-report exits 0" 0 $?
	parse_report <"$T_TMP/$tag.txt" >"$T_TMP/$tag.tsv"
	check_eq "$variant: early1 listed by name under its tid" "$etid" \
		"$(awk -F '\t' '$3 == "early1" { print $2; exit }' "$T_TMP/$tag.tsv")"
	check_eq "$variant: early1 getppid COUNT = $N" $N "$(stat_sum "$T_TMP/$tag.tsv" '*' early1 sys getppid 6)"
	check "$variant: no <unknown...> thread" sh -c "! grep -q '<unknown' '$T_TMP/$tag.txt'"
	check "$variant: early1's tid under no other name" \
		sh -c "! awk -F '\t' '\$2 == \"$etid\" && \$3 != \"early1\"' '$T_TMP/$tag.tsv' | grep -q ."
done

# Blocked across the end of the window.  Window: run_start (main) ..
# run_block (main, fired once blocker1 sleeps in read()).  read() returns
# 2 s later, after the window.
start_sample bl -m blocked -t blocker1 --block-ms 2000
btid=$(sample_tid bl blocker1)
start_record bl -p "$SAMPLE_PID" --start-trigger u:kdelay_sample:run_start \
	--stop-trigger u:kdelay_sample:run_block -o "$T_TMP/bl.data"
wait_armed "$RECORD_PID" u:kdelay_sample:run_start u:kdelay_sample:run_block ||
	not_ok "blocked: kdelay-record attaches its triggers"
release_sample bl
wait_exit "$RECORD_PID" 30
check_eq "blocked: kdelay-record exits 0" 0 $?
wait_exit "$SAMPLE_PID" 10
check_grep "blocked: read() did block ~2 s" 'state=returned blocked_ns=(19|2[0-9])[0-9]{8}$' "$T_TMP/bl.out"
"$REPORT" -i "$T_TMP/bl.data" >"$T_TMP/bl.txt" 2>"$T_TMP/bl.err"
check_eq "blocked: kdelay-report exits 0" 0 $?
parse_report <"$T_TMP/bl.txt" >"$T_TMP/bl.tsv"
check_eq "blocked: the unfinished read is not counted as a call" 0 "$(stat_sum "$T_TMP/bl.tsv" '*' blocker1 sys read 6)"
# The in-progress block: a line naming blocker1 (or its tid) and read,
# after a heading that says the syscalls did not end.
check "blocked: read of blocker1 reported in progress at the window's end" \
	awk -v tid="$btid" 'tolower($0) ~ /progress|unfinished|not finished|still|blocked|pending/ { on = 1 }
	on && ($0 ~ /blocker1/ || $0 ~ "(^| )" tid "( |$)") && $0 ~ /(^| )read( |$)/ { f = 1 } END { exit !f }' "$T_TMP/bl.txt"
if [ "$T_FAILED" -gt 0 ]; then show_file "$T_TMP/bl.txt" 60; fi
done_testing

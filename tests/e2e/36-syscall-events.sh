#!/usr/bin/env bash
# --syscall-events: single syscalls longer than DURATION_NS are listed with
# their kernel and user stacks, symbolized from the capture alone - the
# report runs here after the traced binary was deleted, as it would on an
# analyst's laptop.  --stack-trace-size 0 turns stacks off;
# --skip-syscall-poll-events leaves poll out.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

# A private copy of the sample, deleted before the report.
mkdir "$T_TMP/node"
cp "$SAMPLE" "$T_TMP/node/kd-sample-copy"
SAMPLE=$T_TMP/node/kd-sample-copy

# exact mode, 4 iterations with 150 ms pauses: handler1 makes 3
# clock_nanosleep of ~150 ms (sleep_ms() called from exact_thread()).
start_sample se -m exact -c 100 -i 4 --pause-ms 150
htid=$(sample_tid se handler1)
start_record se -p "$SAMPLE_PID" --syscall-events 50000000 --sample-time 5 -o "$T_TMP/se.data"
wait_recording se
release_sample se
wait_exit "$SAMPLE_PID" 20
wait_exit "$RECORD_PID" 20
check_eq "kdelay-record exits 0" 0 $?
rm -f "$SAMPLE"
check "the traced binary is gone before the report" test ! -e "$SAMPLE"

"$REPORT" -i "$T_TMP/se.data" >"$T_TMP/se.txt" 2>"$T_TMP/se.err"
check_eq "kdelay-report exits 0" 0 $?
check_grep "'# SYSCALL EVENTS:' section" '^# SYSCALL EVENTS:$' "$T_TMP/se.txt"
check_grep "events header" '^ +ENTRY \(ns\) +EXIT \(ns\) +TID COMM +DELTA \(us\)  SYSCALL$' "$T_TMP/se.txt"
# Event rows: ENTRY EXIT TID COMM DELTA SYSCALL
awk '/^# SYSCALL EVENTS:/ { on = 1; next } on && /^ +[0-9]+ +[0-9]+ +[0-9]+ +[^ ]+ +[0-9,]+  [a-z_0-9]+$/ { gsub(/,/, "", $5); print }' \
	"$T_TMP/se.txt" >"$T_TMP/se.events"
check_eq "handler1's 3 pauses listed" 3 "$(awk -v t="$htid" '$3 == t && $4 == "handler1" && $6 == "clock_nanosleep"' "$T_TMP/se.events" | wc -l)"
check "every listed event lasted > 50 ms (DELTA us > 50000, = EXIT - ENTRY)" \
	awk '{ if ($5 <= 50000 || int(($2 - $1) / 1000) != $5) bad = 1 } END { exit bad || NR == 0 }' "$T_TMP/se.events"
check "no getppid listed (all far shorter than 50 ms)" sh -c "! grep -q ' getppid$' '$T_TMP/se.events'"
# Stacks of handler1's clock_nanosleep: kernel frames, then user frames
# named from the capture: libc and the (deleted) sample.
awk -v t="$htid" '/^# SYSCALL EVENTS:/ { on = 1; next } !on { next }
	/^ +[0-9]+ +[0-9]+ +[0-9]+ / { cur = ($3 == t && $6 == "clock_nanosleep"); next }
	cur' "$T_TMP/se.txt" >"$T_TMP/se.stacks"
check_grep "kernel frames symbolized: 'func+0xoff [kernel]'" '^ +[a-z_0-9.]+\+0x[0-9a-f]+ \[kernel\]$' "$T_TMP/se.stacks"
check_grep "kernel frames include the syscall entry" '(do_syscall_64|entry_SYSCALL_64)' "$T_TMP/se.stacks"
check_grep "user frame in libc symbolized" '^ +[a-zA-Z_0-9.]+\+0x[0-9a-f]+ \[libc\.so\.6\]$' "$T_TMP/se.stacks"
check_grep "user frame in the deleted sample: exact_thread+0x.. [kd-sample-copy]" '^ +exact_thread\+0x[0-9a-f]+ \[kd-sample-copy\]$' "$T_TMP/se.stacks"
check "no stack reported lost" sh -c "! grep -Eiq 'not able to display|stacks? lost|lost stack' '$T_TMP/se.txt' '$T_TMP/se.err'"
[ "$T_FAILED" -gt 0 ] && show_file "$T_TMP/se.txt" 60

# --stack-trace-size 0: the events, no stacks.
cp "$BIN/kdelay-sample" "$T_TMP/node/kd-sample-copy"
start_sample ns -m exact -c 100 -i 3 --pause-ms 150
start_record ns -p "$SAMPLE_PID" --syscall-events 50000000 --stack-trace-size 0 --sample-time 5 -o "$T_TMP/ns.data"
wait_recording ns
release_sample ns
wait_exit "$SAMPLE_PID" 20
wait_exit "$RECORD_PID" 20
"$REPORT" -i "$T_TMP/ns.data" >"$T_TMP/ns.txt" 2>&1
check_eq "--stack-trace-size 0: events listed" 2 \
	"$(grep -cE '^ +[0-9]+ +[0-9]+ +[0-9]+ handler1 +[0-9,]+  clock_nanosleep$' "$T_TMP/ns.txt")"
check "--stack-trace-size 0: no stack frames" sh -c "! grep -Eq '\[(kernel|libc\.so\.6)\]$' '$T_TMP/ns.txt'"
check "--stack-trace-size 0: no lost-stack warning" sh -c "! grep -q 'not able to display' '$T_TMP/ns.txt'"

# --skip-syscall-poll-events: the ovs-like sample polls all the time.
SAMPLE=$BIN/kdelay-sample
start_sample poll --rate 50
release_sample poll
for skip in no yes; do
	opt=()
	[ $skip = yes ] && opt=(--skip-syscall-poll-events)
	timeout 30 "$RECORD" -p "$SAMPLE_PID" --syscall-events "${opt[@]}" --stack-trace-size 0 \
		--sample-time 0.5 -o "$T_TMP/poll-$skip.data" >/dev/null 2>&1
	"$REPORT" -i "$T_TMP/poll-$skip.data" >"$T_TMP/poll-$skip.txt" 2>&1
	n=$(grep -cE '^ +[0-9]+ +[0-9]+ +[0-9]+ +[^ ]+ +[0-9,]+  poll$' "$T_TMP/poll-$skip.txt")
	m=$(grep -cE '^ +[0-9]+ +[0-9]+ +[0-9]+ +[^ ]+ +[0-9,]+  (recvmsg|sendto|sendmsg|clock_nanosleep)$' "$T_TMP/poll-$skip.txt")
	if [ $skip = no ]; then
		in_range "--syscall-events (all): poll events listed" "$n" 1 100000
	else
		check_eq "--skip-syscall-poll-events: no poll event" 0 "$n"
	fi
	in_range "--syscall-events, skip poll $skip: other events listed" "$m" 1 1000000
done
done_testing

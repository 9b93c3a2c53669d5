#!/usr/bin/env bash
# kdelay, the kernel_delay.py drop-in, prints kdelay-report's opt-in
# tables after each sample when asked (--budget, --wakers, --culprits,
# --census), and only then.  samples/kdelay-wake.c: thread "sleeper"
# blocks in read() exactly N times in the window, each time woken by
# thread "waker1" alone.  kdelay keeps its capture (-o): the tables it
# printed are the very ones kdelay-report prints from that capture, and
# the wakers table names waker1, N times.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-wake kdelay kdelay-report

N=100
SAMPLE=$BIN/kdelay-wake # the binary whose USDT sites wait_armed counts
TRIG=(--start-trigger u:kdelay_wake:run_start --stop-trigger u:kdelay_wake:run_stop)
TABLES=(--budget --wakers --culprits --census)

# run NAME KDELAY-OPTIONS...: kdelay on a kdelay-wake of N rounds
run() {
	local name=$1 kpid
	shift
	rm -f "$T_TMP/$name.go"
	"$BIN/kdelay-wake" --start-file "$T_TMP/$name.go" --rounds $N >"$T_TMP/$name.out" 2>"$T_TMP/$name.werr" &
	WPID=$!
	defer "stop_pid $WPID"
	wait_for_line "$T_TMP/$name.out" '^ready$' 10 || not_ok "$name: kdelay-wake is ready"
	timeout 60 "$KDELAY" -p $WPID "${TRIG[@]}" "$@" >"$T_TMP/$name.txt" 2>"$T_TMP/$name.err" &
	kpid=$!
	defer "stop_pid $kpid"
	wait_armed $kpid u:kdelay_wake:run_start u:kdelay_wake:run_stop ||
		not_ok "$name: kdelay attaches its triggers"
	touch "$T_TMP/$name.go"
	wait_exit $WPID 60
	check_eq "$name: kdelay-wake exits 0" 0 $?
	wait_exit $kpid 30
	rc=$?
	check_eq "$name: kdelay exits 0" 0 $rc
	[ $rc -eq 0 ] || diag <"$T_TMP/$name.err"
}
# The report's tables in a text: from the first table's heading on.
tables() {
	sed -n '/^\(# TIME BUDGET\|# Wakers\|# Culprits\|# Silent threads\)/,$p' "$1"
}

run plain
check_grep "without options: the reference's dump" '^# Triggered sample dump' "$T_TMP/plain.txt"
check_eq "without options: none of the report's tables (kernel_delay.py's text)" "" \
	"$(grep -E '^# (TIME BUDGET|Wakers|Culprits|Silent threads)' "$T_TMP/plain.txt")"

run asked "${TABLES[@]}" -o "$T_TMP/asked.data"
stid=$(sed -n 's/^thread=sleeper tid=//p' "$T_TMP/asked.out")
wtid=$(sed -n 's/^thread=waker1 tid=//p' "$T_TMP/asked.out")
for h in '# TIME BUDGET' '# Wakers' '# Culprits' '# Silent threads: [0-9]+ of the' \
	'# Silent threads: [0-9]+ made no event'; do
	check_eq "asked: one '$h' heading" 1 "$(grep -cE "^$h" "$T_TMP/asked.txt")"
done
# kdelay-wake's main thread waits in pthread_join all along: no event,
# and the budget has it blocked in futex all window, under the heading
awk '/^# Silent threads: [0-9]+ made no event/ { on = 1; next } /^# / { on = 0 } on' \
	"$T_TMP/asked.txt" >"$T_TMP/asked.silent"
check_grep "asked: the budget's silent main thread is blocked in futex all window" \
	"^ +$WPID kdelay-wake +0\\.0% +0\\.0% +100\\.0% .*  futex 100\\.0%\$" "$T_TMP/asked.silent"
check_grep "asked: the sleeper's waker row names waker1 and counts $N" \
	"^$stid +sleeper +read +$N +[0-9,]+  thread waker1 \\(tid $wtid\\)\$" "$T_TMP/asked.txt"
"$REPORT" -i "$T_TMP/asked.data" "${TABLES[@]}" >"$T_TMP/asked-rep.txt" 2>"$T_TMP/asked-rep.err"
check_eq "kdelay-report reads kdelay's capture with the same options" 0 $?
tables "$T_TMP/asked.txt" >"$T_TMP/asked.tables"
tables "$T_TMP/asked-rep.txt" >"$T_TMP/asked-rep.tables"
if cmp -s "$T_TMP/asked.tables" "$T_TMP/asked-rep.tables"; then
	ok "asked: kdelay's tables are kdelay-report's on its capture, line for line"
else
	not_ok "asked: kdelay's tables are kdelay-report's on its capture, line for line"
	diff "$T_TMP/asked.tables" "$T_TMP/asked-rep.tables" | head -20 | diag
fi
# The statistics (every line but comments and blank ones) before them.
stats() { sed -n '/^TID /,$p' | grep -v -e '^#' -e '^$'; }
awk '/^# (TIME BUDGET|Wakers|Culprits|Silent threads)/ { exit } 1' "$T_TMP/asked.txt" | stats >"$T_TMP/asked.stats"
"$REPORT" -i "$T_TMP/asked.data" | stats >"$T_TMP/plain-rep.stats"
check "asked: the statistics before the tables are a plain kdelay-report's" \
	cmp -s "$T_TMP/asked.stats" "$T_TMP/plain-rep.stats"
check "asked: ... and there are some" test -s "$T_TMP/asked.stats"

"$RECORD" --wakers -p 1 >"$T_TMP/rec.out" 2>&1
check_eq "kdelay-record does not take them (exit 2, argparse's)" 2 $?
check_grep "kdelay-record says which" 'error: unrecognized arguments: --wakers$' "$T_TMP/rec.out"
done_testing

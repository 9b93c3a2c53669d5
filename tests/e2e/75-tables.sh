#!/usr/bin/env bash
# kdelay-report --export tables, read by a real engine: three captures of
# the sample recorded as if on three nodes (--host-label; each gets its
# own capture id), exported into one set of tables, queried with SQL in
# DuckDB (tests/tools/duckdb_tables.mjs, @duckdb/node-api from
# tests/node_modules).  Known answers: node-a's handler1 makes 2 x 2000
# getppid calls, node-b's 3 x 1500; node-c runs the contend mode, whose
# two spinners share one CPU in strict SCHED_RR turns, so they are the
# two threads of the fleet with the most ready time.  Every number is
# also compared with the text report of the same capture.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

QUERY=$TOP/tests/tools/duckdb_tables.mjs
if [ ! -d "$TOP/tests/node_modules/@duckdb/node-api" ]; then
	bail_out "@duckdb/node-api is installed in tests/node_modules (tests/deps.sh installs it)"
fi
sql() { node "$QUERY" "$@" 2>"$T_TMP/sql.err" || { diag <"$T_TMP/sql.err"; echo "SQL FAILED"; }; }

caps=$T_TMP/captures
mkdir -p "$caps"

# exact_node HOST CALLS ITERATIONS: a capture of handler1's known calls.
exact_node() {
	local host=$1 n=$2 it=$3 rc
	start_sample $host -m exact -c $n -i $it --pause-ms 100 --linger-ms 6000 ||
		bail_out "$host: kdelay-sample starts"
	start_record $host -p "$SAMPLE_PID" --sample-time 3 --host-label $host -o "$caps/$host.data"
	wait_recording $host || bail_out "$host: kdelay-record opens its window"
	release_sample $host
	wait_for_line "$T_TMP/$host.out" '^thread=handler1 .*iterations=' 10 ||
		bail_out "$host: the sample does its work while recorded"
	wait_exit "$RECORD_PID" 30
	rc=$?
	[ $rc -eq 0 ] || { diag <"$T_TMP/$host.rec.err"; bail_out "$host: kdelay-record exits 0"; }
	stop_pid "$SAMPLE_PID"
}
exact_node node-a 2000 2
exact_node node-b 1500 3

machine_lock contend
start_sample node-c -m contend --policy rr --spin-ms 300 --linger-ms 500 ||
	bail_out "node-c: kdelay-sample starts"
start_record node-c -p "$SAMPLE_PID" --start-trigger u:kdelay_sample:run_start \
	--stop-trigger u:kdelay_sample:run_block --host-label node-c -o "$caps/node-c.data"
wait_armed "$RECORD_PID" u:kdelay_sample:run_start u:kdelay_sample:run_block ||
	bail_out "node-c: kdelay-record attaches its triggers"
release_sample node-c
wait_exit "$RECORD_PID" 30 || { diag <"$T_TMP/node-c.rec.err"; bail_out "node-c: kdelay-record exits 0"; }
wait_exit "$SAMPLE_PID" 10

# The text reports, the oracle of every number below.
for h in node-a node-b node-c; do
	"$REPORT" -i "$caps/$h.data" >"$T_TMP/$h.txt" 2>"$T_TMP/$h.rep.err" ||
		bail_out "$h: kdelay-report reads the capture"
	parse_report <"$T_TMP/$h.txt" >"$T_TMP/$h.tsv"
done

# ------------------------------------------------------------ export
out=$T_TMP/fleet
"$REPORT" --export tables -o "$out" -i "$caps/node-a.data" -i "$caps/node-b.data" \
	-i "$caps/node-c.data" 2>"$T_TMP/export.err"
rc=$?
check_eq "--export tables of 3 captures exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/export.err"
check_eq "the folder holds the five tables (no intervals unless asked)" \
	"captures.csv irqs.csv syscalls.csv threads.csv windows.csv" "$(cd "$out" && echo *)"

check_eq "captures: one row per capture, host names as labelled" "node-a node-b node-c" \
	"$(sql "$out" "SELECT host FROM captures ORDER BY host" | tr '\n' ' ' | sed 's/ $//')"
check_eq "capture ids recorded (not derived), 128-bit hex, all different" "3 3 0" \
	"$(sql "$out" "SELECT count(DISTINCT capture_id), count(*) FILTER (WHERE regexp_full_match(capture_id, '[0-9a-f]{32}')),
		count(*) FILTER (WHERE capture_id_derived) FROM captures" | tr '\t' ' ')"
check_eq "every row of every table names a capture of the captures table" "0" \
	"$(sql "$out" "SELECT count(*) FROM (SELECT capture_id FROM windows UNION ALL SELECT capture_id FROM threads
		UNION ALL SELECT capture_id FROM syscalls UNION ALL SELECT capture_id FROM irqs)
		WHERE capture_id NOT IN (SELECT capture_id FROM captures)")"
check_eq "DuckDB reads the times as timestamps and the counts as integers" \
	"TIMESTAMP WITH TIME ZONE BIGINT BIGINT" \
	"$(sql "$out" "SELECT typeof(window_start), typeof(count), typeof(total_ns) FROM syscalls LIMIT 1" | tr '\t' ' ')"
check_eq "node-a's threads rows carry node-a's capture id" \
	"$(sql "$out" "SELECT capture_id FROM captures WHERE host = 'node-a'")" \
	"$(sql "$out" "SELECT DISTINCT capture_id FROM threads WHERE host = 'node-a'")"

# Per capture, getppid as counted by the text report and by SQL.
for spec in node-a:4000 node-b:4500; do
	h=${spec%%:*}
	want=${spec#*:}
	txt=$(stat_sum "$T_TMP/$h.tsv" '*' '*' sys getppid 6)
	check_eq "$h: the text report counts $want getppid" "$want" "$txt"
	check_eq "$h: SQL counts the text report's getppid, per capture" "$txt" \
		"$(sql "$out" "SELECT sum(s.count) FROM syscalls s JOIN captures c USING (capture_id)
			WHERE c.host = '$h' AND s.syscall = 'getppid'")"
	check_eq "$h: getppid TOTAL ns as the text report's" \
		"$(stat_sum "$T_TMP/$h.tsv" '*' '*' sys getppid 7)" \
		"$(sql "$out" "SELECT sum(total_ns) FROM syscalls WHERE host = '$h' AND syscall = 'getppid'")"
done
check_eq "fleet: getppid calls per host" "node-a	4000 node-b	4500" \
	"$(sql "$out" "SELECT host, sum(count) FROM syscalls WHERE syscall = 'getppid' GROUP BY host ORDER BY host" |
		tr '\n' ' ' | sed 's/ $//')"

# The fleet query: which threads waited longest on a run queue.
check_eq "fleet: the two threads with the most ready time are node-c's spinners" \
	"node-c spin1 node-c spin2" \
	"$(sql "$out" "SELECT host, thread FROM (SELECT host, thread, sum(ready_ns) AS ready
		FROM threads GROUP BY host, thread ORDER BY ready DESC LIMIT 2) ORDER BY thread" |
		tr '\t\n' '  ' | sed 's/ $//')"
for t in spin1 spin2; do
	check_eq "node-c $t: ready ns and count as the text report's READY row" \
		"$(stat_sum "$T_TMP/node-c.tsv" '*' $t ready - 7) $(stat_sum "$T_TMP/node-c.tsv" '*' $t ready - 6)" \
		"$(sql "$out" "SELECT sum(ready_ns), sum(ready_count) FROM threads WHERE host = 'node-c' AND thread = '$t'" |
			tr '\t' ' ')"
done
check_eq "every budget adds up to its window" "0" \
	"$(sql "$out" "SELECT count(*) FROM threads t JOIN windows w USING (capture_id, window_index)
		WHERE budget_running_ns + budget_ready_ns + budget_blocked_ns + budget_hardirq_ns
		+ budget_softirq_ns + budget_other_ns + budget_unknown_ns <> w.duration_ns")"

# ------------------------------------------------------------ a folder, intervals
out2=$T_TMP/fleet2
"$REPORT" --export tables --intervals -i "$caps" -o "$out2" 2>"$T_TMP/export2.err"
check_eq "-i FOLDER --intervals exits 0" 0 $?
check_eq "a folder: the same captures, in name order" \
	"$(sql "$out" "SELECT capture_id FROM captures ORDER BY host" | tr '\n' ' ')" \
	"$(sql "$out2" "SELECT capture_id FROM captures" | tr '\n' ' ')"
check_eq "intervals: node-a's handler1 made 4000 getppid calls, one row each" "4000" \
	"$(sql "$out2" "SELECT count(*) FROM intervals WHERE host = 'node-a' AND thread = 'handler1'
		AND kind = 'syscall' AND name = 'getppid'")"
check_eq "intervals: their durations sum to the statistics' total" \
	"$(sql "$out" "SELECT sum(total_ns) FROM syscalls WHERE host = 'node-a' AND thread = 'handler1' AND syscall = 'getppid'")" \
	"$(sql "$out2" "SELECT sum(duration_ns) FROM intervals WHERE host = 'node-a' AND thread = 'handler1'
		AND kind = 'syscall' AND name = 'getppid'")"

taskset -c 0 "$REPORT" --export tables --intervals -i "$caps" -o "$T_TMP/one" 2>/dev/null
check "one worker (taskset -c 0) writes the very bytes $(nproc) workers wrote" diff -r "$out2" "$T_TMP/one"

# ------------------------------------------------------------ the output folder
"$REPORT" --export tables -o "$out" -i "$caps/node-b.data" 2>"$T_TMP/re.err"
check_eq "an earlier export is replaced (exit 0)" 0 $?
check_eq "... by the new one only" "node-b" "$(sql "$out" "SELECT host FROM captures")"
check_eq "... and no temporary folder is left beside it" "" "$(cd "$T_TMP" && ls -A | grep '^\.fleet' || true)"
mkdir "$T_TMP/mine" && echo keep >"$T_TMP/mine/notes.txt"
"$REPORT" --export tables -o "$T_TMP/mine" -i "$caps/node-b.data" 2>"$T_TMP/mine.err"
check_eq "a folder holding other files is refused (73)" 73 $?
check_grep "... saying which file" "holds 'notes.txt'" "$T_TMP/mine.err"
check_eq "... and left as it was" "notes.txt" "$(ls -A "$T_TMP/mine")"
ln -s "$T_TMP/mine" "$T_TMP/link"
check_exit "-o a symbolic link is refused" 73 "$REPORT" --export tables -o "$T_TMP/link" -i "$caps/node-b.data"
check_exit "a missing capture costs no output" 66 "$REPORT" --export tables -o "$T_TMP/none" \
	-i "$caps/node-a.data" -i "$T_TMP/missing.data"
check "... not even a folder" test ! -e "$T_TMP/none"
check_exit "several -i without --export tables is refused" 64 "$REPORT" -i "$caps/node-a.data" \
	-i "$caps/node-b.data"
check_exit "--export tables without -o is refused" 64 "$REPORT" --export tables -i "$caps/node-a.data"

# ------------------------------------------------------------ captures of older recorders
# An id written by nobody: a capture whose META lacks it gets one derived
# from its META (docs/format.md), the same at every reading.
"$REPORT" --export tables -o "$T_TMP/old1" -i "$TOP/tests/golden/real-exact.kdd" 2>/dev/null
"$REPORT" --export tables -o "$T_TMP/old2" -i "$TOP/tests/golden/real-exact.kdd" 2>/dev/null
check_eq "an older capture gets a derived id, marked so" "true" \
	"$(sql "$T_TMP/old1" "SELECT capture_id_derived AND capture_id LIKE 'meta-%' FROM captures")"
check_eq "... the same at every export" "$(sql "$T_TMP/old1" "SELECT capture_id FROM captures")" \
	"$(sql "$T_TMP/old2" "SELECT capture_id FROM captures")"

# ------------------------------------------------------------ names of any bytes
# tests/golden/weird.kdd names its threads with quotes, a newline, a tab,
# invalid UTF-8 and a NUL (tests/golden/mkgolden.c): RFC 4180 quoting
# brings them to the engine whole; bytes that are not UTF-8 come as
# U+FFFD in thread, exactly in thread_hex.
"$REPORT" --export tables -o "$T_TMP/weird" -i "$TOP/tests/golden/weird.kdd" 2>/dev/null
check_eq "a name with a quote and a backslash reads back whole" 'quote"back\slash' \
	"$(sql "$T_TMP/weird" "SELECT DISTINCT thread FROM threads WHERE tid = 5002")"
check_eq "a name with a newline reads back whole" "new|line" \
	"$(sql "$T_TMP/weird" "SELECT DISTINCT replace(thread, chr(10), '|') FROM threads WHERE tid = 5003")"
check_eq "a name of invalid UTF-8: its exact bytes in thread_hex" "626164fffe6279746573" \
	"$(sql "$T_TMP/weird" "SELECT DISTINCT thread_hex FROM threads WHERE tid = 5001")"
check_eq "a name with a NUL: its exact bytes in thread_hex" "6e756c00696e73696465" \
	"$(sql "$T_TMP/weird" "SELECT DISTINCT thread_hex FROM threads WHERE tid = 5007")"

done_testing

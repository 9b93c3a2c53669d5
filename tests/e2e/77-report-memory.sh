#!/usr/bin/env bash
# tests/e2e/77-report-memory.sh - kdelay-report's peak memory stays under
# 16 MiB in every mode on a capture far larger than that: 6M events of
# the ovs-like synthetic mix (bench/gen_capture, about 25 MB on disk, 190 MB
# of events in memory), in windows of 2M events.  What could grow with the
# capture (the HTML page's timeline, the culprits' and wakers' pieces, a
# sort's copy of an array) must be bounded, so the bound is checked
# against the peak resident set the kernel measured (GNU time's %M, from
# getrusage), which does not depend on the machine's speed or load.  Each
# run must also succeed and write something.
# Needs no root and no BPF (GNU time: tests/deps.sh installs it).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_bins kdelay-report bench/gen_capture
if [ ! -x /usr/bin/time ]; then
	bail_out "GNU time is installed as /usr/bin/time (tests/deps.sh installs it)"
fi

LIMIT_KB=16384
CAP=$T_TMP/mix.kdelay

if ! "$BIN/bench/gen_capture" -n 6000000 -W 2000000 -o "$CAP" >"$T_TMP/gen.out" 2>&1; then
	bail_out "bench/gen_capture wrote the 6M-event capture"
fi

# peak NAME ARGS...: run kdelay-report ARGS, output to $T_TMP/NAME.out;
# prints "EXIT PEAK_KB".  (GNU time forks it from a small process: the
# peak is the report's, not inherited from a large parent.)
peak() {
	local name=$1 rc
	shift
	/usr/bin/time -f %M -o "$T_TMP/$name.rss" "$REPORT" "$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	rc=$?
	echo "$rc $(tail -1 "$T_TMP/$name.rss")"
}

mode() {
	local name=$1 rc kb
	shift
	read -r rc kb <<<"$(peak "$name" "$@")"
	if [ "$rc" != 0 ]; then
		not_ok "$name: kdelay-report $* exits 0 (got $rc)"
		diag <"$T_TMP/$name.err"
		return
	fi
	if [ "$name" = tables ] || [ "$name" = tables-intervals ]; then
		check "$name: tables written" test -s "$T_TMP/$name.d/threads.csv"
	elif [ "$name" = folded ]; then
		# the synthetic capture holds no stacks: nothing to fold, and said
		check_grep "$name: says the capture holds no stacks" "holds no syscall stacks" \
			"$T_TMP/$name.err"
	else
		check "$name: output written" test -s "$T_TMP/$name.out"
	fi
	if [ "$kb" -le "$LIMIT_KB" ]; then
		ok "$name: peak RSS $kb KiB <= $LIMIT_KB KiB"
	else
		not_ok "$name: peak RSS $kb KiB <= $LIMIT_KB KiB"
	fi
}

mode text -i "$CAP"
mode histogram-budget -i "$CAP" --histogram --budget
mode json -i "$CAP" --json
mode info -i "$CAP" --info
mode chrome -i "$CAP" --export chrome-json
mode folded -i "$CAP" --export folded
mode html -i "$CAP" --export html
mode tables -i "$CAP" --export tables -o "$T_TMP/tables.d"
mode tables-intervals -i "$CAP" --export tables --intervals -o "$T_TMP/tables-intervals.d"
# every syscall listed (kernel_delay.py's --syscall-events): a window's
# listing is printed at its end, so what memory cannot hold is spilled to
# a temporary file in $TMPDIR and read back
mode syscall-events -i "$CAP" -s 0
check "syscall-events: every syscall of the capture listed" \
	test "$(grep -c '^  *[0-9][0-9]* *[0-9][0-9]* ' "$T_TMP/syscall-events.out")" -gt 1000000

# The spill file cannot be made: said in one line, EX_IOERR (74).
TMPDIR=/nonexistent-kdelay-spill "$REPORT" -i "$CAP" -s 0 >/dev/null 2>"$T_TMP/spill.err"
rc=$?
check "no spill directory: exits 74 (got $rc)" test "$rc" = 74
check_grep "no spill directory: says what failed" \
	'writing the listed syscall events to a temporary file in /nonexistent-kdelay-spill failed: No such file or directory' \
	"$T_TMP/spill.err"
check "no spill directory: one line" test "$(wc -l <"$T_TMP/spill.err")" = 1

# The HTML page cut its timeline, and says so (the bound is not that the
# page is empty).
check "html: the page says how many slices it left out" \
	grep -qE '"timeline":\{[^}]*"max":250000,"dropped":[1-9]' "$T_TMP/html.out"

done_testing

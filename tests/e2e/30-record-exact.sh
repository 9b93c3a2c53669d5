#!/usr/bin/env bash
# Time mode, -p PID: record the sample's exact mode and report it.  The
# report must hold exactly the calls the sample made between its start
# gate and the end of its work (all inside the window): counts per thread
# and syscall, every call paired (counted only when entry and exit are in
# the window), zero drops; run/ready statistics present and plausible.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

N=2500
IT=2
start_sample ex -m exact -c $N -i $IT --pause-ms 100 --linger-ms 6000 || not_ok "kdelay-sample starts"
tid=$(sample_tid ex handler1)

f=$T_TMP/exact.data
start_record ex -p "$SAMPLE_PID" --sample-time 3 -o "$f"
wait_recording ex || not_ok "kdelay-record opens its window"
release_sample ex
wait_for_line "$T_TMP/ex.out" '^thread=handler1 .*iterations=' 10 || not_ok "the sample does its work while recorded"
wait_exit "$RECORD_PID" 30
rc=$?
check_eq "kdelay-record exits 0" 0 $rc
[ $rc -eq 0 ] || { diag <"$T_TMP/ex.rec.err"; }
check_grep "recorder prints the reference's '# Stop sampling'" '^# Stop sampling' "$T_TMP/ex.rec.out"
check "capture file written" test -s "$f"
check_eq "capture file mode 0600" 600 "$(stat -c %a "$f" 2>/dev/null)"

"$REPORT" -i "$f" >"$T_TMP/rep.txt" 2>"$T_TMP/rep.err"
rc=$?
check_eq "kdelay-report exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/rep.err"
parse_report <"$T_TMP/rep.txt" >"$T_TMP/rep.tsv"
check_eq "one window" 1 "$(windows "$T_TMP/rep.txt")"
check_grep "report header" '^TID +THREAD +<RESOURCE SPECIFIC>' "$T_TMP/rep.txt"

# Exact counts, per thread and syscall.
check_eq "handler1 getppid COUNT = $IT x $N" $((IT * N)) "$(stat_sum "$T_TMP/rep.tsv" '*' handler1 sys getppid 6)"
check_eq "handler1 getpgid COUNT = $IT" $IT "$(stat_sum "$T_TMP/rep.tsv" '*' handler1 sys getpgid 6)"
check_eq "handler1 getsid COUNT = $IT" $IT "$(stat_sum "$T_TMP/rep.tsv" '*' handler1 sys getsid 6)"
check_eq "no other thread made getppid calls" 0 \
	"$(awk -F '\t' '$4 == "sys" && $5 == "getppid" && $3 != "handler1" { s += $6 } END { print s + 0 }' "$T_TMP/rep.tsv")"
check_eq "handler1 listed under its tid" "$tid" \
	"$(awk -F '\t' '$3 == "handler1" { print $2; exit }' "$T_TMP/rep.tsv")"
check_grep "getppid row shows NUMBER 110 (x86_64)" '^ +getppid +110 +[0-9]+ ' "$T_TMP/rep.txt"
tot=$(stat_sum "$T_TMP/rep.tsv" '*' handler1 sys getppid 7)
max=$(stat_sum "$T_TMP/rep.tsv" '*' handler1 sys getppid 8)
in_range "getppid TOTAL ns plausible (>= 20 ns a call, < 3 s)" "$tot" $((20 * IT * N)) 3000000000
check "getppid MAX ns <= TOTAL ns, > 0" test "$max" -gt 0 -a "$max" -le "$tot"
check_grep "thousands separators in TOTAL ns" '^ +getppid +110 +[0-9]+ +[0-9]{1,3}(,[0-9]{3})+ ' "$T_TMP/rep.txt"
systot=$(awk -F '\t' '$3 == "handler1" && $4 == "systotal" { print $6 }' "$T_TMP/rep.tsv")
sysall=$(awk -F '\t' '$3 == "handler1" && $4 == "sys" && $5 != "poll" { s += $6 } END { print s + 0 }' "$T_TMP/rep.tsv")
check_eq "TOTAL( - poll) COUNT sums handler1's rows" "$sysall" "$systot"

# Every call paired: nothing of handler1 left in progress at the window end
# (the thread is asleep in clock_nanosleep only during --linger).
if grep -Eiq 'in progress|in-progress|still running|unfinished' "$T_TMP/rep.txt"; then
	check "no getppid/getpgid/getsid of handler1 in progress" \
		sh -c "! grep -Ei 'in progress|in-progress|still running|unfinished' -A50 '$T_TMP/rep.txt' | grep -E 'handler1.*(getppid|getpgid|getsid)'"
else
	ok "no syscall reported in progress for the counted calls"
fi

# Run and ready statistics: present and plausible.
runcnt=$(stat_sum "$T_TMP/rep.tsv" '*' handler1 run - 6)
runtot=$(stat_sum "$T_TMP/rep.tsv" '*' handler1 run - 7)
in_range "handler1 THREAD RUN SCHED_CNT" "$runcnt" 1 100000
in_range "handler1 THREAD RUN TOTAL ns (< window)" "$runtot" 1000 3000000000
rdycnt=$(stat_sum "$T_TMP/rep.tsv" '*' handler1 ready - 6)
in_range "handler1 THREAD READY SCHED_CNT (woken after each sleep)" "$rdycnt" 1 100000
check "threads sorted by name" sh -c "cut -f3 '$T_TMP/rep.tsv' | uniq | awk 'prev > \$0 { exit 1 } { prev = \$0 }'"

no_drops "zero drops (no WARNING in the report, none on the recorder's stderr)" "$T_TMP/rep.txt" "$T_TMP/ex.rec.err"

# --info and --json describe the same capture.
"$REPORT" -i "$f" --info >"$T_TMP/info.txt" 2>&1
check_eq "--info exits 0" 0 $?
check_grep "--info names the target pid" "\b$SAMPLE_PID\b" "$T_TMP/info.txt"
check_grep "--info shows the drop count, 0" '(drop|lost)[^0-9]*\b0\b' "$T_TMP/info.txt"
"$REPORT" -i "$f" --json >"$T_TMP/rep.json" 2>"$T_TMP/json.err"
check_eq "--json exits 0" 0 $?
check "--json is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/rep.json"
# The JSON, whatever its layout, must hold a getppid count of IT x N for
# handler1: walk it for an object naming handler1 that contains, somewhere
# below, an object naming getppid with a count.
check "--json: handler1 getppid count = $((IT * N))" python3 - "$T_TMP/rep.json" $((IT * N)) <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1])); want = int(sys.argv[2])
def has_name(o, n):
    return any(isinstance(v, str) and v == n for v in o.values())
def counts(o):
    if isinstance(o, dict):
        if has_name(o, "getppid"):
            for k in ("count", "COUNT", "calls"):
                if isinstance(o.get(k), int):
                    yield o[k]
        for v in o.values():
            yield from counts(v)
    elif isinstance(o, list):
        for v in o:
            yield from counts(v)
def threads(o):
    if isinstance(o, dict):
        if has_name(o, "handler1"):
            yield o
        else:
            for v in o.values():
                yield from threads(v)
    elif isinstance(o, list):
        for v in o:
            yield from threads(v)
found = [sum(counts(t)) for t in threads(doc)]
print(found, file=sys.stderr)
sys.exit(0 if sum(found) == want else 1)
EOF
stop_pid "$SAMPLE_PID"

# Offline filters on the same capture.
"$REPORT" -i "$f" --thread '^handler' >"$T_TMP/f-thread.txt" 2>&1
check_eq "--thread '^handler': only handler1" "handler1" "$(parse_report <"$T_TMP/f-thread.txt" | cut -f3 | sort -u | tr '\n' ' ' | sed 's/ $//')"
"$REPORT" -i "$f" --tid "$tid" >"$T_TMP/f-tid.txt" 2>&1
check_eq "--tid $tid: only that thread" "$tid" "$(parse_report <"$T_TMP/f-tid.txt" | cut -f2 | sort -u | tr '\n' ' ' | sed 's/ $//')"
"$REPORT" -i "$f" --syscall getppid >"$T_TMP/f-sys.txt" 2>&1
parse_report <"$T_TMP/f-sys.txt" >"$T_TMP/f-sys.tsv"
check_eq "--syscall getppid: only getppid rows" "getppid" "$(awk -F '\t' '$4 == "sys" { print $5 }' "$T_TMP/f-sys.tsv" | sort -u | tr '\n' ' ' | sed 's/ $//')"
check_eq "--syscall getppid: handler1 COUNT still $((IT * N))" $((IT * N)) "$(stat_sum "$T_TMP/f-sys.tsv" '*' handler1 sys getppid 6)"
"$REPORT" -i "$f" --syscall 110 >"$T_TMP/f-sys110.txt" 2>&1
check "--syscall 110 (by number) = --syscall getppid" cmp -s "$T_TMP/f-sys.txt" "$T_TMP/f-sys110.txt"

# --sample-count, --sample-time, --sample-interval in time mode: 3 windows
# of 0.4 s, 0.6 s apart; the report's '# Start/Stop sampling @ISO' lines
# (times from the capture) show it.
start_sample iv --rate 100
release_sample iv
timeout 30 "$RECORD" -p "$SAMPLE_PID" --sample-count 3 --sample-time 0.4 --sample-interval 0.6 \
	-o "$T_TMP/iv.data" >"$T_TMP/iv.rec.out" 2>"$T_TMP/iv.rec.err"
check_eq "time mode, 3 windows: exit 0" 0 $?
stop_pid "$SAMPLE_PID"
"$REPORT" -i "$T_TMP/iv.data" >"$T_TMP/iv.txt" 2>&1
check_eq "time mode: 3 windows" 3 "$(windows "$T_TMP/iv.txt")"
# seconds of the day, microseconds, from '# Start sampling @YYYY-MM-DDTHH:MM:SS.uuuuuu'
times() {
	sed -n "s/^# $1 sampling @[0-9-]*T\([0-9]*\):\([0-9]*\):\([0-9]*\)\.\([0-9]*\) .*/\1 \2 \3 \4/p" "$T_TMP/iv.txt" |
		awk '{ printf "%d\n", (($1 * 60 + $2) * 60 + $3) * 1000 + $4 / 1000 }'
}
times Start >"$T_TMP/iv.start"
times Stop >"$T_TMP/iv.stop"
check_eq "time mode: 3 start and 3 stop lines" "3 3" "$(wc -l <"$T_TMP/iv.start") $(wc -l <"$T_TMP/iv.stop")"
paste "$T_TMP/iv.start" "$T_TMP/iv.stop" | awk '{ print $2 - $1 }' >"$T_TMP/iv.len"
check "time mode: each window lasts --sample-time 0.4 s (380..700 ms: $(tr '\n' ' ' <"$T_TMP/iv.len"))" \
	awk '$1 < 380 || $1 > 700 { bad = 1 } END { exit bad || NR != 3 }' "$T_TMP/iv.len"
paste "$T_TMP/iv.stop" <(tail -n +2 "$T_TMP/iv.start") | head -2 | awk '{ print $2 - $1 }' >"$T_TMP/iv.gap"
check "time mode: --sample-interval 0.6 s between windows (580..1500 ms: $(tr '\n' ' ' <"$T_TMP/iv.gap"))" \
	awk '$1 < 580 || $1 > 1500 { bad = 1 } END { exit bad || NR != 2 }' "$T_TMP/iv.gap"
# On a terminal (script(1) gives it a pty), a live status line on stderr:
# elapsed, events, bytes written, drops; -q and a pipe have none.
start_sample tty --rate 200
release_sample tty
script -qec "'$RECORD' -p $SAMPLE_PID --sample-time 1.5 -o '$T_TMP/tty.data'" "$T_TMP/tty.script" >/dev/null 2>&1
check_grep "terminal: live status line (elapsed, events, written, dropped)" \
	'\[ *[0-9.]+s\].*[0-9,]+ events.*(MB|KB|kB|bytes|B) written.*[0-9,]+ dropped' "$T_TMP/tty.script"
script -qec "'$RECORD' -q -p $SAMPLE_PID --sample-time 0.5 -o '$T_TMP/ttyq.data'" "$T_TMP/ttyq.script" >/dev/null 2>&1
check "terminal, -q: no status line" sh -c "! grep -Eq '[0-9,]+ events.*dropped' '$T_TMP/ttyq.script'"
check "not a terminal: no status line on stderr" sh -c "! grep -Eq '[0-9,]+ events.*dropped' '$T_TMP/ex.rec.err' '$T_TMP/iv.rec.err'"
stop_pid "$SAMPLE_PID"
done_testing

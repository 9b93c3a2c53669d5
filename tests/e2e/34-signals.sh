#!/usr/bin/env bash
# The recorder under signals, tracing the ovs-like sample:
#  - SIGINT (and SIGTERM) mid-window: it closes the window, writes
#    everything and exits 0; the file is complete (report exits 0, no
#    warning) and holds the interrupted window too;
#  - SIGKILL: the file is readable up to the last flushed chunk (flushed
#    every 0.5 s): the report prints every complete window, then
#    the window that never closed, marked incomplete in text and JSON, and
#    warns that the capture is incomplete (exit 1, never a crash); --info
#    gives the duration up to the last event and says no end record was
#    written.  A capture of a single window, killed: its window is
#    reported, with the exact count of calls the sample made in it;
#  - disk full (a 256 KiB tmpfs in a private mount namespace): EX_IOERR,
#    one clear error, the file readable up to its last complete chunk and
#    ended by a summary that says the disk was full (the report and
#    --info say so, not "killed").
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

start_sample ovs --rate 200
release_sample ovs

for sig in INT TERM; do
	f=$T_TMP/sig$sig.data
	start_record sig$sig -p "$SAMPLE_PID" --sample-time 1 --sample-count 100 -o "$f"
	wait_recording sig$sig
	# Into the third window, then the signal.
	wait_for_count "$T_TMP/sig$sig.rec.out" '^# Start sampling' 3 15
	check_eq "SIG$sig: third window opened" 0 $?
	sleep 0.4
	kill -$sig "$RECORD_PID"
	wait_exit "$RECORD_PID" 15
	rc=$?
	check_eq "SIG$sig: kdelay-record exits 0 promptly" 0 $rc
	[ $rc -eq 0 ] || diag <"$T_TMP/sig$sig.rec.err"
	"$REPORT" -i "$f" >"$T_TMP/sig$sig.txt" 2>"$T_TMP/sig$sig.err"
	rc=$?
	check_eq "SIG$sig: the capture is complete (report exits 0)" 0 $rc
	[ $rc -eq 0 ] || diag <"$T_TMP/sig$sig.err"
	check "SIG$sig: no warning about an incomplete capture" \
		sh -c "! grep -Eiq 'truncat|incomplete|corrupt|missing' '$T_TMP/sig$sig.err' '$T_TMP/sig$sig.txt'"
	w=$(windows "$T_TMP/sig$sig.txt")
	check_eq "SIG$sig: two full windows and the interrupted one" 3 "$w"
	parse_report <"$T_TMP/sig$sig.txt" >"$T_TMP/sig$sig.tsv"
	check "SIG$sig: the interrupted window has statistics of handler1" \
		sh -c "awk -F '\t' '\$1 == $w && \$3 == \"handler1\" && \$4 == \"sys\"' '$T_TMP/sig$sig.tsv' | grep -q ."
	check_eq "SIG$sig: recorder printed its stop line for each window" 3 \
		"$(grep -c '^# Stop sampling' "$T_TMP/sig$sig.rec.out")"
done

f=$T_TMP/kill.data
# Windows longer than the recorder's flush period (0.5 s, and at each
# window's close): the open window's events reach the file before it closes.
start_record kill -p "$SAMPLE_PID" --sample-time 1.5 --sample-count 100 -o "$f"
wait_recording kill
wait_for_count "$T_TMP/kill.rec.out" '^# Start sampling' 3 15
check_eq "SIGKILL: third window opened" 0 $?
# Handshake: stop the recorder, and kill it once the file it leaves holds
# handler1's syscalls after its last closed window; stopped, it writes
# nothing between the look and the kill.
open=0
for ((i = 0; i < 50; i++)); do
	kill -STOP "$RECORD_PID"
	"$REPORT" -i "$f" >"$T_TMP/kill.poll" 2>/dev/null
	parse_report <"$T_TMP/kill.poll" >"$T_TMP/kill.poll.tsv"
	n=$(windows "$T_TMP/kill.poll")
	if grep -q '^# WARNING: incomplete window' "$T_TMP/kill.poll" &&
		awk -F '\t' -v w="$n" '$1 == w && $3 == "handler1" && $4 == "sys"' "$T_TMP/kill.poll.tsv" | grep -q .; then
		open=1
		break
	fi
	kill -CONT "$RECORD_PID"
	sleep 0.2
done
check_eq "SIGKILL: the file holds handler1's syscalls of the open window" 1 $open
kill -KILL "$RECORD_PID"
wait_exit "$RECORD_PID" 5
check "SIGKILL: a capture file is there" test -s "$f"
"$REPORT" -i "$f" >"$T_TMP/kill.txt" 2>"$T_TMP/kill.err"
rc=$?
check "SIGKILL: report reads it (exit 0 or 1, got $rc)" test $rc -eq 0 -o $rc -eq 1
check_eq "SIGKILL: the capture is said incomplete (exit 1)" 1 $rc
check_grep "SIGKILL: a warning says what is missing" '[Tt]runcat|[Ii]ncomplete|[Mm]issing|no summary|interrupted' "$T_TMP/kill.err"
w=$(windows "$T_TMP/kill.txt")
in_range "SIGKILL: the complete windows are reported, then the open one" "$w" 3 100
parse_report <"$T_TMP/kill.txt" >"$T_TMP/kill.tsv"
check "SIGKILL: first window has handler1's syscalls" \
	sh -c "awk -F '\t' '\$1 == 1 && \$3 == \"handler1\" && \$4 == \"sys\"' '$T_TMP/kill.tsv' | grep -q ."
# The window open at the kill: the last one, and the only one marked.
check_eq "SIGKILL: one window is marked incomplete in text" 1 \
	"$(grep -c '^# WARNING: incomplete window' "$T_TMP/kill.txt")"
check_eq "SIGKILL: the incomplete window is the last one" "$w" \
	"$(awk '/^# (Triggered sample dump|Sample dump @)/ { n++ } /^# WARNING: incomplete window/ { print n }' "$T_TMP/kill.txt")"
check "SIGKILL: the incomplete window has handler1's syscalls" \
	sh -c "awk -F '\t' '\$1 == $w && \$3 == \"handler1\" && \$4 == \"sys\"' '$T_TMP/kill.tsv' | grep -q ."
check_grep "SIGKILL: its text says why" '^#          Why: no end record: the recorder was killed, crashed, or is still running\.$' "$T_TMP/kill.txt"
"$REPORT" -i "$f" --info >"$T_TMP/kill.info" 2>&1
rc=$?
check_eq "SIGKILL: --info says the capture is incomplete (exit 1)" 1 $rc
check_grep "SIGKILL: --info says no end record was written" \
	'^recorder exit: +no end record: the recorder was killed, crashed, or is still running$' "$T_TMP/kill.info"
check_grep "SIGKILL: --info describes the window left open" '^incomplete window: +window [0-9]+, ' "$T_TMP/kill.info"
"$REPORT" -i "$f" --json >"$T_TMP/kill.json" 2>/dev/null
check "SIGKILL: --json is still valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/kill.json"
check_eq "SIGKILL: JSON marks the last window, and only it, incomplete (killed)" "$w incomplete killed" \
	"$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ws = d["windows"]
marked = [i for i, x in enumerate(ws) if x.get("incomplete")]
print(len(ws), "incomplete" if marked == [len(ws) - 1] else marked, ws[-1].get("end_reason"))' "$T_TMP/kill.json")"

# --- SIGKILL in the only window: a workload of exactly known calls
stop_pid "$SAMPLE_PID"
start_sample one -m exact -c 700 -i 1 --linger-ms 120000
f=$T_TMP/one.data
start_record one -p "$SAMPLE_PID" --sample-time 600 -o "$f"
wait_recording one
release_sample one
wait_for_line "$T_TMP/one.out" '^thread=handler1 tid=[0-9]+ syscall=getppid calls=[0-9]+ iterations=1$' 30
check_eq "one window: the sample made its calls" 0 $?
tid=$(sample_tid one handler1)
calls=$(sed -n 's/^thread=handler1 tid=[0-9]* syscall=getppid calls=\([0-9]*\) iterations=1$/\1/p' "$T_TMP/one.out")
# Handshake: the recorder has written handler1's getsid(0), the call the
# sample makes after its counted ones (events reach the file in order).
got=0
for ((i = 0; i < 150; i++)); do
	"$REPORT" -i "$f" >"$T_TMP/one.poll" 2>/dev/null
	parse_report <"$T_TMP/one.poll" >"$T_TMP/one.poll.tsv"
	got=$(awk -F '\t' -v t="$tid" '$2 == t && $4 == "sys" && $5 == "getsid" { s += $6 } END { print s + 0 }' "$T_TMP/one.poll.tsv")
	[ "$got" -ge 1 ] && break
	sleep 0.2
done
check_eq "one window: the file holds handler1's getsid(0) before the kill" 1 "$got"
kill -KILL "$RECORD_PID"
wait_exit "$RECORD_PID" 5
"$REPORT" -i "$f" >"$T_TMP/one.txt" 2>"$T_TMP/one.err"
check_eq "one window: the report exits 1 (incomplete)" 1 $?
check_eq "one window: its window is reported" 1 "$(windows "$T_TMP/one.txt")"
check_eq "one window: marked incomplete in text" 1 "$(grep -c '^# WARNING: incomplete window' "$T_TMP/one.txt")"
check_grep "one window: a warning says it never closed" 'window 0 never closed: reported up to its last event' "$T_TMP/one.err"
parse_report <"$T_TMP/one.txt" >"$T_TMP/one.tsv"
check_eq "one window: handler1's getppid calls, exactly as the sample counted" "$calls" \
	"$(awk -F '\t' -v t="$tid" '$2 == t && $4 == "sys" && $5 == "getppid" { s += $6 } END { print s + 0 }' "$T_TMP/one.tsv")"
"$REPORT" -i "$f" --json >"$T_TMP/one.json" 2>/dev/null
check_eq "one window: JSON: incomplete, killed, the exact getppid count" "True killed $calls" \
	"$(python3 -c '
import json, sys
ws = json.load(open(sys.argv[1]))["windows"]
w = ws[-1] if len(ws) == 1 else {}
n = sum(r["count"] for t in w.get("threads", []) if t["tid"] == int(sys.argv[2])
        for r in t["syscalls"] if r["name"] == "getppid")
print(w.get("incomplete"), w.get("end_reason"), n)' "$T_TMP/one.json" "$tid")"
"$REPORT" -i "$f" --info --json >"$T_TMP/one.info.json" 2>/dev/null
check_eq "one window: --info --json exits 1" 1 $?
check "one window: --info's duration reaches the last event (not 0: at least the calls' window)" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
w = d["incomplete_window"]
start = d["capture"]["start_mono_ns"]
sys.exit(not (d["duration_ns"] > 0 and d["duration_ns"] == w["end_ns"] - start and w["end_ns"] > w["start_ns"]))' "$T_TMP/one.info.json"
# The exports show the same window, marked the same way.
"$REPORT" -i "$f" --export chrome-json -o "$T_TMP/one.chrome.json" 2>/dev/null
check_eq "one window: chrome-json: its window on the windows track, incomplete, killed" "1 True killed" \
	"$(python3 -c '
import json, sys
ws = [e for e in json.load(open(sys.argv[1]))["traceEvents"] if e.get("cat") == "window"]
print(len(ws), ws[0]["args"].get("incomplete") if ws else None, ws[0]["args"].get("end_reason") if ws else None)' "$T_TMP/one.chrome.json")"
"$REPORT" -i "$f" --html -o "$T_TMP/one.html" 2>/dev/null
check_eq "one window: HTML: its window, marked incomplete" "1 True" \
	"$(python3 -c '
import json, re, sys
page = open(sys.argv[1]).read()
d = json.loads(re.search(r"<script type=\"application/json\" id=\"kdelay-data\">(.*?)</script>", page, re.S).group(1))
ws = d["windows"]
print(len(ws), ws[0].get("incomplete") if ws else None)' "$T_TMP/one.html")"
check_eq "one window: --info --json's reason" "no end record: the recorder was killed, crashed, or is still running killed" \
	"$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["recorder_exit"], d["incomplete_window"]["end_reason"])' "$T_TMP/one.info.json")"
# --- disk full
stop_pid "$SAMPLE_PID"
record_disk_full
rc=$?
check_eq "disk full: EX_IOERR (kdelay-record(1))" 74 $rc
check_grep "disk full: a clear error" 'No space left on device' "$T_TMP/full.err"
"$REPORT" -i "$T_TMP/full.data" >"$T_TMP/full.txt" 2>"$T_TMP/full.rep.err"
check_eq "disk full: the file reads as incomplete (exit 1)" 1 $?
in_range "disk full: the complete windows are reported" "$(windows "$T_TMP/full.txt")" 1 399
# The recorder's end record says why the capture ends (format.md 4.4).
check_grep "disk full: the report's warning says the disk was full" \
	'the disk was full: the recorder stopped writing' "$T_TMP/full.rep.err"
"$REPORT" -i "$T_TMP/full.data" --info >"$T_TMP/full.info" 2>&1
check_eq "disk full: --info says incomplete (exit 1)" 1 $?
check_grep "disk full: --info says the disk was full, not a killed recorder" \
	'^recorder exit: +the disk was full: the recorder stopped writing$' "$T_TMP/full.info"
check_grep "disk full: --info's complete line says why" '^complete: +no \(disk-full\)' "$T_TMP/full.info"
check_eq "disk full: --info's duration covers the windows written (> 0.1 s)" 1 \
	"$(awk '/^duration:/ { print ($2 > 0.1) ? 1 : 0 }' "$T_TMP/full.info")"
done_testing

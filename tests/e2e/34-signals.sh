#!/usr/bin/env bash
# The recorder under signals, tracing the ovs-like sample:
#  - SIGINT (and SIGTERM) mid-window: it closes the window, writes
#    everything and exits 0; the file is complete (report exits 0, no
#    warning) and holds the interrupted window too;
#  - SIGKILL: the file is readable up to the last flushed chunk (flushed at
#    least once a second): the report prints every complete window and
#    warns that the capture is incomplete (exit 0 or 1, never a crash);
#  - disk full (a 256 KiB tmpfs in a private mount namespace): EX_IOERR,
#    one clear error, the file readable up to its last complete chunk.
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
start_record kill -p "$SAMPLE_PID" --sample-time 0.5 --sample-count 100 -o "$f"
wait_recording kill
sleep 3
kill -KILL "$RECORD_PID"
wait_exit "$RECORD_PID" 5
check "SIGKILL: a capture file is there" test -s "$f"
"$REPORT" -i "$f" >"$T_TMP/kill.txt" 2>"$T_TMP/kill.err"
rc=$?
check "SIGKILL: report reads it (exit 0 or 1, got $rc)" test $rc -eq 0 -o $rc -eq 1
check_eq "SIGKILL: the capture is said incomplete (exit 1)" 1 $rc
check_grep "SIGKILL: a warning says what is missing" '[Tt]runcat|[Ii]ncomplete|[Mm]issing|no summary|interrupted' "$T_TMP/kill.err"
w=$(windows "$T_TMP/kill.txt")
in_range "SIGKILL: the complete windows are reported (0.5 s each, ~3 s recorded)" "$w" 2 6
parse_report <"$T_TMP/kill.txt" >"$T_TMP/kill.tsv"
check "SIGKILL: first window has handler1's syscalls" \
	sh -c "awk -F '\t' '\$1 == 1 && \$3 == \"handler1\" && \$4 == \"sys\"' '$T_TMP/kill.tsv' | grep -q ."
"$REPORT" -i "$f" --info >"$T_TMP/kill.info" 2>&1
rc=$?
check "SIGKILL: --info reads it (exit 0 or 1, got $rc)" test $rc -eq 0 -o $rc -eq 1
"$REPORT" -i "$f" --json >"$T_TMP/kill.json" 2>/dev/null
check "SIGKILL: --json is still valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/kill.json"
# --- disk full
stop_pid "$SAMPLE_PID"
# A modest rate and short windows: the 256 KiB fill up over several
# windows, never inside the first one, however fast the machine is.
start_sample full -m exact -c 2000 -i 1000000 --pause-ms 10
release_sample full
mkdir "$T_TMP/full"
unshare -m --propagation private sh -c '
	mount -t tmpfs -o size=256k tmpfs "$1/full" || exit 99
	timeout 60 "$2" -p "$3" --sample-time 0.1 --sample-count 400 -o "$1/full/f.data" \
		>"$1/full.out" 2>"$1/full.err"
	rc=$?
	cp "$1/full/f.data" "$1/full.data"
	exit $rc' sh "$T_TMP" "$RECORD" "$SAMPLE_PID"
rc=$?
stop_pid "$SAMPLE_PID"
check_eq "disk full: EX_IOERR (kdelay-record(1))" 74 $rc
check_grep "disk full: a clear error" 'No space left on device' "$T_TMP/full.err"
"$REPORT" -i "$T_TMP/full.data" >"$T_TMP/full.txt" 2>"$T_TMP/full.rep.err"
check_eq "disk full: the file reads as incomplete (exit 1)" 1 $?
in_range "disk full: the complete windows are reported" "$(windows "$T_TMP/full.txt")" 1 399
done_testing

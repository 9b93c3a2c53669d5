#!/usr/bin/env bash
# Where events were lost, pairing breaks (docs/format.md 5.2).  Two
# recorders watch the same getppid loop of the sample at the same time:
# one with the smallest ring (--buffer-page-count 1), which overflows, and
# a loss-free peer with a ring big enough for every event.  The peer is
# the oracle: every getppid the lossy capture measures must be one call
# the peer saw, i.e. overlap exactly one of the peer's calls.  By
# causality (both read the same clock in the same tracepoints), call k's
# interval in either capture lies between call k-1's exit and call k+1's
# entry in the other; an entry before a loss paired with an exit after it
# (a fake call) overlaps two calls or more.  Then the books: the LOSS
# records add up to the recorder's dropped total, the thread's intervals
# that spanned them are reported as unknown, and measured + unknown calls
# cover at least every call whose two events were both kept.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

N=300000
start_sample ls -m exact -c $N -i 1 --linger-ms 8000 || { done_testing; exit 1; }
start_record big -p "$SAMPLE_PID" --buffer-page-count 8192 --sample-time 6 -o "$T_TMP/big.data"
BIG_PID=$RECORD_PID
start_record small -p "$SAMPLE_PID" --buffer-page-count 1 --sample-time 6 -o "$T_TMP/small.data"
SMALL_PID=$RECORD_PID
wait_recording big && wait_recording small || { done_testing; exit 1; }
release_sample ls
wait_for_line "$T_TMP/ls.out" '^thread=handler1 .*iterations=1$' 20
check "the $N calls were made while both windows were open" \
	kill -0 "$BIG_PID" "$SMALL_PID"
wait_exit "$BIG_PID" 30
check_eq "loss-free recorder exits 0" 0 $?
wait_exit "$SMALL_PID" 30
check_eq "lossy recorder exits 0" 0 $?
stop_pid "$SAMPLE_PID"

# --- the loss-free peer: every call, and the longest one
"$REPORT" -i "$T_TMP/big.data" >"$T_TMP/big.txt" 2>"$T_TMP/big.err"
check_eq "peer: report exits 0" 0 $?
no_drops "peer: nothing dropped" "$T_TMP/big.txt" "$T_TMP/big.rec.err"
parse_report <"$T_TMP/big.txt" >"$T_TMP/big.tsv"
check_eq "peer: handler1 getppid COUNT = $N" $N "$(stat_sum "$T_TMP/big.tsv" '*' handler1 sys getppid 6)"
if grep -q 'UNKNOWN' "$T_TMP/big.txt"; then not_ok "peer: no UNKNOWN line without losses"; else ok "peer: no UNKNOWN line without losses"; fi

# calls: CAPTURE > "ENTRY EXIT" of every getppid of handler1 it measured
calls() {
	"$REPORT" -i "$1" --thread '^handler1$' --syscall getppid --syscall-events 0 |
		awk '$4 == "handler1" && $NF == "getppid" && $1 ~ /^[0-9]+$/ { print $1, $2 }'
}
calls "$T_TMP/big.data" >"$T_TMP/big.calls"
check_eq "peer: every call listed" $N "$(wc -l <"$T_TMP/big.calls")"

# --- the lossy capture: where, and how many
"$REPORT" -i "$T_TMP/small.data" --info >"$T_TMP/small.info" 2>&1
dropped=$(sed -n 's/^dropped: *\([0-9,]*\).*/\1/p' "$T_TMP/small.info" | tr -d ,)
lost=$(sed -n 's/^losses: *\([0-9,]*\) events in .*/\1/p' "$T_TMP/small.info" | tr -d ,)
records=$(sed -n 's/^losses: .* events in \([0-9,]*\) records.*/\1/p' "$T_TMP/small.info" | tr -d ,)
in_range "--info: events were dropped (the ring overflowed)" "${dropped:-0}" 1 100000000
check_eq "--info: the LOSS records add up to the dropped total" "$dropped" "$lost"
rec_dropped=$(sed -n 's/.*WARNING: Not all events were captured, \([0-9]*\) were dropped.*/\1/p' "$T_TMP/small.rec.err" | head -1)
check_eq "--info: the dropped total is the recorder's" "$rec_dropped" "$dropped"
check_grep "--info: losses listed per CPU with their time range" '^  cpu [0-9]+: +[0-9,]+ events in [0-9,]+ records, \+[0-9.]+ s to \+[0-9.]+ s$' "$T_TMP/small.info"

"$REPORT" -i "$T_TMP/small.data" >"$T_TMP/small.txt" 2>"$T_TMP/small.err"
check_eq "report exits 0" 0 $?
parse_report <"$T_TMP/small.txt" >"$T_TMP/small.tsv"
measured=$(stat_sum "$T_TMP/small.tsv" '*' handler1 sys getppid 6)
unknown=$(awk '/^ +[0-9]+ handler1 +\[SYSCALL STATISTICS\]/ { h = 1; next }
	/\[SYSCALL STATISTICS\]/ { h = 0 }
	h && /\[UNKNOWN: SPANNED LOST EVENTS\]/ { print $5; exit }' "$T_TMP/small.txt")
in_range "handler1: syscalls that spanned a loss are reported unknown" "${unknown:-0}" 1 $N
in_range "handler1: getppid calls measured" "${measured:-0}" 1 $N
calls "$T_TMP/small.data" >"$T_TMP/small.calls"
check_eq "every measured getppid is listed" "$measured" "$(wc -l <"$T_TMP/small.calls")"
# Both lists are in time order and the peer's calls are disjoint: walk them
# together, counting the peer calls each measured interval overlaps.
awk 'NR == FNR { e[NR] = $1; x[NR] = $2; n = NR; next }
	{ while (i < n && x[i + 1] < $1) i++
	  k = 0; for (j = i + 1; j <= n && e[j] <= $2; j++) k++
	  if (k != 1) { bad++; if (bad <= 5) print "measured " $1 ".." $2 " overlaps " k " calls" > "/dev/stderr" } }
	END { print bad + 0 }' "$T_TMP/big.calls" "$T_TMP/small.calls" >"$T_TMP/fake" 2>"$T_TMP/fake.why"
check_eq "every measured getppid is one real call (overlaps exactly one of the peer's)" 0 "$(cat "$T_TMP/fake")"
diag <"$T_TMP/fake.why"
# Each lost event costs at most one call; in a run of lost events of one
# thread (ended by the next LOSS record) entries and exits differ by one
# at most; so at most (dropped + records) / 2 calls lost an entry, and
# every other call is measured or unknown (+1: one may be in progress).
in_range "measured + unknown >= $N - (dropped + records) / 2" $((measured + unknown + 1)) \
	$((N - (dropped + records) / 2)) $((N + 100))
check_grep "the drop warning says where" '^#          They were lost in [0-9,]+ burst\(s\) from \+[0-9.]+ s to \+[0-9.]+ s after the$' "$T_TMP/small.txt"

# --- JSON says the same
"$REPORT" -i "$T_TMP/small.data" --json >"$T_TMP/small.json" 2>/dev/null
check "JSON: handler1's unknown.syscalls = the text's ($unknown), losses = dropped" \
	python3 - "$T_TMP/small.json" "$unknown" "$dropped" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
w = d["windows"][0]
t = [t for t in w["threads"] if t["name"] == "handler1"][0]
assert t["unknown"]["syscalls"] == int(sys.argv[2]), t["unknown"]
assert w["losses"]["events"] == int(sys.argv[3]), w["losses"]
assert d["totals"]["unknown_intervals"] >= t["unknown"]["total"]
PY
done_testing

#!/usr/bin/env bash
# kdelay-record --flight-recorder SECONDS: the last SECONDS in memory, a
# trigger window written only when it lasts >= --trigger-delta, the last
# SECONDS written on SIGUSR2, memory bounded by --flight-buffer-mb.
#
# Slow windows are made by construction: the sample runs its iterations
# back to back, and in the iterations of --hold it blocks inside the
# window (after run_start) until the test writes a byte to a FIFO; the
# test writes it only after it has seen "held" and waited longer than the
# delta.  So those windows last longer than the delta whatever the
# machine's speed; the others last ~1 ms, but a loaded machine may stretch
# one past the delta too, and then it is rightly written: what is checked
# is that every held window is written, every written one is slower than
# the delta and holds exactly the N calls, and written + skipped = every
# iteration.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

N=1000
ITER=60
HOLD="10 30 50"
DELTA=100000000 # 100 ms
HOLD_S=0.15     # > DELTA: how long the test keeps a held window open

# ------------------------------------------------ trigger-delta filtering
mkfifo "$T_TMP/slow.fifo"
start_sample slow -m exact -c $N -i $ITER --pause-ms 0 --linger-ms 20000 \
	--hold-fifo "$T_TMP/slow.fifo" --hold "$(echo $HOLD | tr ' ' ,)" ||
	bail_out "slow: kdelay-sample starts"
F=$T_TMP/slow.data
start_record slow -p "$SAMPLE_PID" --flight-recorder 5 --start-trigger u:kdelay_sample:run_start \
	--stop-trigger u:kdelay_sample:run_block --trigger-delta $DELTA -o "$F"
wait_for_line "$T_TMP/slow.rec.out" '^# Flight recorder on' 20 ||
	{ diag <"$T_TMP/slow.rec.err"; bail_out "slow: kdelay-record says the flight recorder is on"; }
release_sample slow
held=0
for it in $HOLD; do
	held=$((held + 1))
	wait_for_count "$T_TMP/slow.out" ' held$' $held 30 ||
		{ diag <"$T_TMP/slow.out"; bail_out "slow: the sample holds window $it"; }
	sleep $HOLD_S # a lower bound: the window lasts at least this long
	printf x >"$T_TMP/slow.fifo"
done
# Every run_block has fired once the sample prints its total: the events
# are in the ring, and the recorder drains it on SIGINT.
wait_for_line "$T_TMP/slow.out" "iterations=$ITER" 30 || bail_out "slow: the sample finished its iterations"
kill -INT "$RECORD_PID"
wait_exit "$RECORD_PID" 20
check_eq "slow: kdelay-record exits 0 on SIGINT" 0 $?
"$REPORT" -i "$F" >"$T_TMP/slow.txt" 2>"$T_TMP/slow.rep.err"
check_eq "slow: the capture reads cleanly" 0 $?
parse_report <"$T_TMP/slow.txt" >"$T_TMP/slow.tsv"
W=$(windows "$T_TMP/slow.txt")
# A held window is the one whose handler1 read() (the wait on the FIFO)
# is inside it: the iterations of the others make no read.
HELD_W=$(awk -F '\t' '$3 == "handler1" && $4 == "sys" && $5 == "read" { print $1 }' "$T_TMP/slow.tsv" | sort -u | wc -l)
check_eq "slow: the $held held windows are written" "$held" "$HELD_W"
check "slow: $W written windows, at least the held ones" test "$W" -ge "$held"
bad=$(grep -oE '^# Triggered sample dump, stop-start delta [0-9,]+' "$T_TMP/slow.txt" |
	tr -d , | awk -v d=$DELTA '$NF < d')
check_eq "slow: every written window lasts >= --trigger-delta" "" "$bad"
bad=""
for w in $(seq "$W"); do
	c=$(stat_sum "$T_TMP/slow.tsv" "$w" handler1 sys getppid 6)
	[ "$c" = "$N" ] || bad="$bad window $w: $c;"
done
check_eq "slow: every written window holds exactly $N getppid of handler1" "" "$bad"
SKIPPED=$(sed -n 's/^# Sample dumps skipped: \([0-9,]*\) .*/\1/p' "$T_TMP/slow.rec.out" | tr -d , |
	awk '{ s += $1 } END { print s + 0 }')
check_eq "slow: written + skipped = every iteration" $ITER $((W + SKIPPED))
"$REPORT" -i "$F" --info >"$T_TMP/slow.info" 2>&1
EV=$(sed -n 's/^events: *\([0-9,]*\).*/\1/p' "$T_TMP/slow.info" | tr -d ,)
# 2N+12 events per window, the held read and its thread's switches add a
# few: nothing of the skipped windows reached the file.
in_range "slow: the file holds the written windows' events only" "$EV" $((W * 2 * N)) $((W * (2 * N + 200)))
no_drops "slow: zero drops" "$T_TMP/slow.txt" "$T_TMP/slow.rec.err"
stop_pid "$SAMPLE_PID"

# ------------------------------------------------------ SIGUSR2: the dump
# No trigger: only SIGUSR2 writes.  The first dump comes within SECONDS
# of the work and holds all of it; the second, more than SECONDS later,
# none.  The work takes ~0.1 s; the test measures that its first signal
# came within SECONDS of the start (the premise), and waits more than
# SECONDS before the second (a lower bound, so by construction).
SECONDS_KEPT=4
start_sample dump -m exact -c $N -i 5 --pause-ms 20 --linger-ms 30000 || bail_out "dump: kdelay-sample starts"
F=$T_TMP/dump.data
start_record dump -p "$SAMPLE_PID" --flight-recorder $SECONDS_KEPT -o "$F"
wait_for_line "$T_TMP/dump.rec.out" '^# Flight recorder on' 20 || bail_out "dump: kdelay-record says the flight recorder is on"
t0=$(date +%s%N)
release_sample dump
wait_for_line "$T_TMP/dump.out" "iterations=5" 10 || bail_out "dump: the sample did its work"
kill -USR2 "$RECORD_PID"
t1=$(date +%s%N)
wait_for_count "$T_TMP/dump.rec.out" '^# Flight recorder wrote window' 1 10 || bail_out "dump: the first SIGUSR2 writes a window"
[ $((t1 - t0)) -lt $((SECONDS_KEPT * 1000000000)) ] ||
	bail_out "dump: the first SIGUSR2 came within $SECONDS_KEPT s of the work's start (it took $(((t1 - t0) / 1000000)) ms)"
sleep $((SECONDS_KEPT + 1))
kill -USR2 "$RECORD_PID"
wait_for_count "$T_TMP/dump.rec.out" '^# Flight recorder wrote window' 2 10 || bail_out "dump: the second SIGUSR2 writes a window"
kill -INT "$RECORD_PID"
wait_exit "$RECORD_PID" 20
check_eq "dump: kdelay-record exits 0" 0 $?
check_eq "dump: each SIGUSR2 printed as a flight recorder dump" 2 \
	"$(grep -c '^# Start sampling (flight recorder dump)' "$T_TMP/dump.rec.out")"
"$REPORT" -i "$F" >"$T_TMP/dump.txt" 2>&1
parse_report <"$T_TMP/dump.txt" >"$T_TMP/dump.tsv"
check_eq "dump: two untriggered windows" "2 0" \
	"$(windows "$T_TMP/dump.txt") $(grep -c '^# Triggered' "$T_TMP/dump.txt")"
check_eq "dump: the report names both windows flight recorder dumps" 2 \
	"$(grep -c '^# Flight recorder dump (SIGUSR2) @' "$T_TMP/dump.txt")"
check_eq "dump: the first holds all $((5 * N)) getppid" $((5 * N)) \
	"$(stat_sum "$T_TMP/dump.tsv" 1 handler1 sys getppid 6)"
check_eq "dump: the second, SECONDS later, none" 0 \
	"$(stat_sum "$T_TMP/dump.tsv" 2 handler1 sys getppid 6)"
"$REPORT" -i "$F" --json >"$T_TMP/dump.json" 2>&1
DUR=$(grep -oE '"duration_ns": ?[0-9]+' "$T_TMP/dump.json" | head -1 | grep -oE '[0-9]+$')
in_range "dump: the window is the last $SECONDS_KEPT s" "$DUR" $((SECONDS_KEPT * 1000000000 - 10000000)) $((SECONDS_KEPT * 1000000000 + 10000000))
# A dump ends now, so it has a census of its end: by the second dump the
# worker thread has exited and the main thread sleeps out --linger-ms in
# one nanosleep that began in the first window, after the recorder
# attached: the census lists it alone, asleep for at least the window.
python3 - "$T_TMP/dump.json" "$SAMPLE_PID" >"$T_TMP/dump.census" <<'PY'
import json, sys
w = json.load(open(sys.argv[1], encoding="utf-8"))["windows"][1]
for r in w.get("census", []):
    e = r["end"]
    print(r["tid"], r["silent"], e["state"], e["syscall"], e["asleep_before_trace"],
          e["asleep_ns"] is not None and e["asleep_ns"] >= w["duration_ns"])
PY
check_eq "dump: the second dump's census: the main thread alone, silent, asleep in nanosleep since before the window, a time the trace saw" \
	"$SAMPLE_PID True S clock_nanosleep False True" "$(sed 's/ nanosleep / clock_nanosleep /' "$T_TMP/dump.census")"
stop_pid "$SAMPLE_PID"

# ------------------------------------------------------- bounded memory
# Millions of events in 60 s of memory with a 4 MiB cap: RSS stays
# bounded and a dump says it was truncated.
start_sample mem -m exact -c 20000 -i 60 --pause-ms 0 --linger-ms 30000 || bail_out "mem: kdelay-sample starts"
F=$T_TMP/mem.data
start_record mem -p "$SAMPLE_PID" --flight-recorder 60 --flight-buffer-mb 4 -o "$F"
wait_for_line "$T_TMP/mem.rec.out" '^# Flight recorder on' 20 || bail_out "mem: kdelay-record says the flight recorder is on"
HWM0=$(awk '/^VmHWM/ { print $2 }' /proc/"$RECORD_PID"/status)
release_sample mem
wait_for_line "$T_TMP/mem.out" "iterations=60" 60 || bail_out "mem: the sample did its work"
# The dump is taken after the recorder consumed what the ring held: the
# high-water mark after it covers both.
kill -USR2 "$RECORD_PID"
wait_for_count "$T_TMP/mem.rec.out" '^# Flight recorder wrote window' 1 10 || bail_out "mem: SIGUSR2 writes a window"
HWM=$(awk '/^VmHWM/ { print $2 }' /proc/"$RECORD_PID"/status)
kill -INT "$RECORD_PID"
wait_exit "$RECORD_PID" 20
check_eq "mem: kdelay-record exits 0" 0 $?
echo "VmHWM before ${HWM0} kB, after 2.4M syscalls ${HWM} kB" | diag
in_range "mem: VmHWM grew by at most the 4 MiB cap + 4 MiB (kB)" $((HWM - HWM0)) 0 8192
check_grep "mem: the dump says it was truncated" 'wrote window 0: [0-9,]+ events, truncated by --flight-buffer-mb' \
	"$T_TMP/mem.rec.out"
"$REPORT" -i "$F" --json >"$T_TMP/mem.json" 2>&1
DROP=$(grep -oE '"dropped": ?[0-9]+' "$T_TMP/mem.json" | head -1 | grep -oE '[0-9]+$')
check "mem: events of the dump's SECONDS evicted by the cap are counted as dropped" test "${DROP:-0}" -gt 0
check_grep "mem: --json marks the dump truncated" '"truncated": ?true' "$T_TMP/mem.json"
"$REPORT" -i "$F" >"$T_TMP/mem.txt" 2>&1
check_grep "mem: the text report warns the window lost its oldest events" \
	"^# WARNING: the flight recorder's memory cap" "$T_TMP/mem.txt"
stop_pid "$SAMPLE_PID"

# ----------------------------------------------------------- usage
check_exit "-s with --flight-recorder: usage error" 2 "$RECORD" --flight-recorder 1 -s -p 1
check_exit "one trigger only: usage error" 2 "$RECORD" --flight-recorder 1 --start-trigger u:a:b -p 1
check_exit "--flight-buffer-mb 0: usage error" 2 "$RECORD" --flight-recorder 1 --flight-buffer-mb 0 -p 1
done_testing

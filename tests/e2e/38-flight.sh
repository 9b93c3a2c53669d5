#!/usr/bin/env bash
# kdelay-record --flight-recorder SECONDS: the last SECONDS in memory, a
# trigger window written only when it lasts >= --trigger-delta, the last
# SECONDS written on SIGUSR2, memory bounded by --flight-buffer-mb.
#
# Slow windows are made by freezing the sample (SIGSTOP, 300 ms, SIGCONT)
# while it runs its iterations back to back: a window run_start ..
# run_block covers nearly all of its time, so a freeze lands in one and
# makes it slow, the others stay ~ms.  Which ones is not known; what is
# checked is that every written window is slower than the delta, holds
# exactly the N calls, and that written + skipped = every iteration.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

N=1000
ITER=300
DELTA=100000000 # 100 ms

# ------------------------------------------------ trigger-delta filtering
start_sample slow -m exact -c $N -i $ITER --pause-ms 0 --linger-ms 20000 ||
	not_ok "slow: sample ready"
F=$T_TMP/slow.data
start_record slow -p "$SAMPLE_PID" --flight-recorder 5 --start-trigger u:kdelay_sample:run_start \
	--stop-trigger u:kdelay_sample:run_block --trigger-delta $DELTA -o "$F"
wait_for_line "$T_TMP/slow.rec.out" '^# Flight recorder on' 20 ||
	{ not_ok "slow: recorder says it is on"; diag <"$T_TMP/slow.rec.err"; }
sleep 0.5
release_sample slow
sleep 0.1
for i in 1 2 3; do
	kill -STOP "$SAMPLE_PID"
	sleep 0.3
	kill -CONT "$SAMPLE_PID"
	sleep 0.15
done
wait_for_line "$T_TMP/slow.out" "iterations=$ITER" 30 || not_ok "slow: sample finished its iterations"
sleep 0.3
kill -INT "$RECORD_PID"
wait_exit "$RECORD_PID" 20
check_eq "slow: kdelay-record exits 0 on SIGINT" 0 $?
"$REPORT" -i "$F" >"$T_TMP/slow.txt" 2>"$T_TMP/slow.rep.err"
check_eq "slow: the capture reads cleanly" 0 $?
parse_report <"$T_TMP/slow.txt" >"$T_TMP/slow.tsv"
W=$(windows "$T_TMP/slow.txt")
in_range "slow: the frozen windows are written (3 freezes; a loaded machine may add one)" "$W" 1 5
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
# ~2N+12 events per window, the frozen thread adds a few: nothing of the
# skipped windows reached the file.
in_range "slow: the file holds the written windows' events only" "$EV" $((W * 2 * N)) $((W * (2 * N + 200)))
no_drops "slow: zero drops" "$T_TMP/slow.txt" "$T_TMP/slow.rec.err"
stop_pid "$SAMPLE_PID"

# ------------------------------------------------------ SIGUSR2: the dump
# No trigger: only SIGUSR2 writes.  The first dump comes within SECONDS
# of the work and holds all of it; the second, SECONDS later, none.
start_sample dump -m exact -c $N -i 5 --pause-ms 20 --linger-ms 20000 || not_ok "dump: sample ready"
F=$T_TMP/dump.data
start_record dump -p "$SAMPLE_PID" --flight-recorder 2 -o "$F"
wait_for_line "$T_TMP/dump.rec.out" '^# Flight recorder on' 20 || not_ok "dump: recorder on"
sleep 0.3
release_sample dump
wait_for_line "$T_TMP/dump.out" "iterations=5" 10 || not_ok "dump: sample did its work"
sleep 0.2
kill -USR2 "$RECORD_PID"
wait_for_count "$T_TMP/dump.rec.out" '^# Flight recorder wrote window' 1 10
sleep 2.5
kill -USR2 "$RECORD_PID"
wait_for_count "$T_TMP/dump.rec.out" '^# Flight recorder wrote window' 2 10
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
in_range "dump: the window is the last 2 s" "$DUR" 1990000000 2010000000
stop_pid "$SAMPLE_PID"

# ------------------------------------------------------- bounded memory
# Millions of events in 60 s of memory with a 4 MiB cap: RSS stays
# bounded and a dump says it was truncated.
start_sample mem -m exact -c 20000 -i 60 --pause-ms 0 --linger-ms 20000 || not_ok "mem: sample ready"
F=$T_TMP/mem.data
start_record mem -p "$SAMPLE_PID" --flight-recorder 60 --flight-buffer-mb 4 -o "$F"
wait_for_line "$T_TMP/mem.rec.out" '^# Flight recorder on' 20 || not_ok "mem: recorder on"
HWM0=$(awk '/^VmHWM/ { print $2 }' /proc/"$RECORD_PID"/status)
release_sample mem
wait_for_line "$T_TMP/mem.out" "iterations=60" 30 || not_ok "mem: sample did its work"
sleep 0.2
HWM=$(awk '/^VmHWM/ { print $2 }' /proc/"$RECORD_PID"/status)
kill -USR2 "$RECORD_PID"
wait_for_count "$T_TMP/mem.rec.out" '^# Flight recorder wrote window' 1 10
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

#!/usr/bin/env bash
# Who woke each thread (kdelay-report --wakers, and "wakers" in JSON).
# samples/kdelay-wake.c: thread "sleeper" blocks in read() exactly N times
# inside the window, each time woken by thread "waker1" alone (it writes
# only once the sleeper is switched out: a handshake through /proc).  So
# the sleeper's blocked time has exactly one waker row: read, woken by
# waker1 (its tid, the target's pid, its name), N times.  The default text
# stays the reference's; a capture older than format 1.2 has no waker
# names and says so.
# Wakeups made by interrupts name the interrupt (format 1.3): with --timer
# the sleeper blocks in clock_nanosleep N times and only its timer wakes
# it (one row: timer, N times); with --udp it blocks in recv and each
# datagram waker1 sends over loopback is delivered by the NET_RX softirq,
# which wakes it (one row: softirq net_rx, N times), though waker1's
# thread is the one the softirq runs on top of.  With --apart the sleeper
# and waker1 run on two CPUs: the kernel queues each wakeup on the
# sleeper's idle CPU and activates it there, out of waker1's context, and
# the row still names waker1, N times.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-wake kdelay-record kdelay-report tests/tools/kdf_switch_gaps

N=200
SAMPLE=$BIN/kdelay-wake # the binary whose USDT sites wait_armed counts

# wake_run TAG [MODE]: the sample in MODE, recorded between its USDT
# triggers into $T_TMP/TAG.data (its output in TAG.out); sets WAKE_PID,
# BLOCKED (how many times the sleeper blocked: its voluntary context
# switches) and SLEEPER (its tid).  Now and then, under load, a capture
# on these machines lacks a switch-in or a wakeup of the sleeper that the
# kernel made (unseen_runs: the thread ran, or ran after sleeping, with no
# such event, and no event was lost by kdelay's count: bpftrace counting
# sched:sched_wakeup for the sleeper beside it misses the same wakeup, so
# the kernel did not report it); the oracle counts every wakeup, so such a
# recording, or one that lost events, is made again (record_usdt_run), and
# the checks that the last one is whole fail if all three lack one.
wake_run() {
	local tag=$1 mode=${2:-}
	# shellcheck disable=SC2086 # MODE is one option or none
	record_usdt_run $tag kdelay-wake kdelay_wake sleeper_unseen " ($tag)" --rounds $N $mode
	WAKE_PID=$RUN_PID
	check_eq "kdelay-wake $mode exits 0 ($tag)" 0 $RUN_SRC
	check_eq "kdelay-record exits 0 ($tag)" 0 $RUN_RRC
	check_eq "a window without lost events ($tag, attempt $RUN_ATTEMPT)" 0 "$RUN_DROPPED"
	check_eq "the sleeper's every run traced ($tag, attempt $RUN_ATTEMPT)" 0 "$RUN_MISSING"
	SLEEPER=$(sed -n 's/^thread=sleeper tid=//p' "$T_TMP/$tag.out")
	BLOCKED=$(sed -n "s/^done rounds=$N blocked=//p" "$T_TMP/$tag.out")
}

wake_run wk
check_grep "the sample did its $N rounds, blocking in each" "^done rounds=$N blocked=$N\$" "$T_TMP/wk.out"
WPID=$WAKE_PID
stid=$SLEEPER
wtid=$(sed -n 's/^thread=waker1 tid=//p' "$T_TMP/wk.out")

"$REPORT" -i "$T_TMP/wk.data" --json >"$T_TMP/wk.json" 2>"$T_TMP/wk.jerr"
check_eq "kdelay-report --json exits 0" 0 $?
rows() {
	python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
for w in doc["windows"]:
    for r in w.get("wakers", []):
        if r["tid"] == int(sys.argv[2]):
            print(r["name"], r["syscall"], r["waker_kind"], r["waker_tid"], r["waker_pid"],
                  r["waker_name"], r["count"], r["total_ns"] > 0)
PY
}
rows "$T_TMP/wk.json" "$stid" >"$T_TMP/wk.rows"
check_eq "JSON: the sleeper has one waker row: read, woken $N times by waker1" \
	"sleeper read target $wtid $WPID waker1 $N True" "$(cat "$T_TMP/wk.rows")"

"$REPORT" -i "$T_TMP/wk.data" >"$T_TMP/wk.txt" 2>&1
check_eq "text without --wakers exits 0" 0 $?
check "text without --wakers has no wakers table (the reference's layout)" \
	sh -c "! grep -q '^# Wakers' '$T_TMP/wk.txt'"
"$REPORT" -i "$T_TMP/wk.data" --wakers >"$T_TMP/wk.wtxt" 2>&1
check_eq "text --wakers exits 0" 0 $?
check_grep "text --wakers: the sleeper's row names waker1 and counts $N" \
	"^$stid +sleeper +read +$N +[0-9,]+  thread waker1 \\(tid $wtid\\)\$" "$T_TMP/wk.wtxt"
check_eq "text --wakers: the sleeper has that row alone" 1 \
	"$(grep -c "^$stid " "$T_TMP/wk.wtxt")"
"$REPORT" -i "$T_TMP/wk.data" --wakers --thread '^waker1$' >"$T_TMP/wk.ftxt" 2>&1
check "--thread hides the sleeper's waker rows" sh -c "! grep -q '^$stid ' '$T_TMP/wk.ftxt'"

# A 1.0 capture: no "wakers" in its JSON (the golden files stay as they
# were); asked for, its wakers are tids without names.
"$REPORT" -i "$TOP/tests/golden/real-blocked.kdd" --json >"$T_TMP/old.json" 2>&1
check "1.0 capture: JSON has no wakers" sh -c "! grep -q '\"wakers\"' '$T_TMP/old.json'"
"$REPORT" -i "$TOP/tests/golden/real-blocked.kdd" --wakers >"$T_TMP/old.txt" 2>&1
check_eq "1.0 capture: --wakers exits 0" 0 $?
check_grep "1.0 capture: wakers without names say so" '\(no name in this capture\)$' "$T_TMP/old.txt"
# wake_report TAG MODE: after wake_run TAG MODE, rows of its sleeper in
# $T_TMP/TAG.rows (as rows() prints them), its text --wakers in TAG.wtxt.
wake_report() {
	local tag=$1 mode=$2
	check_grep "the sample did its $N rounds ($mode)" "^done rounds=$N blocked=[0-9]*\$" "$T_TMP/$tag.out"
	"$REPORT" -i "$T_TMP/$tag.data" --json >"$T_TMP/$tag.json" 2>"$T_TMP/$tag.jerr"
	check_eq "kdelay-report --json exits 0 ($mode)" 0 $?
	rows "$T_TMP/$tag.json" "$SLEEPER" >"$T_TMP/$tag.rows"
	"$REPORT" -i "$T_TMP/$tag.data" --wakers >"$T_TMP/$tag.wtxt" 2>&1
	check_eq "text --wakers exits 0 ($mode)" 0 $?
	grep "^$SLEEPER " "$T_TMP/$tag.wtxt" >"$T_TMP/$tag.wrow"
}

# A 1 ms timer has no handshake: on a loaded machine a sleeper preempted
# before it could block may find it expired and not block that round.
# The oracle is how many times it blocked, by the kernel's own count.
wake_run tm --timer
wake_report tm --timer
check "the sleeper blocked in at least 90% of the $N rounds (${BLOCKED:-?})" \
	test "${BLOCKED:-0}" -ge $((N * 9 / 10)) -a "${BLOCKED:-0}" -le $N
check_eq "JSON: the sleeper has one waker row: clock_nanosleep, woken by the timer each time it blocked" \
	"sleeper clock_nanosleep timer None None None $BLOCKED True" "$(cat "$T_TMP/tm.rows")"
check "JSON: a timer waker has no softirq vector" python3 -c '
import json, sys
rows = [r for w in json.load(open(sys.argv[1]))["windows"] for r in w.get("wakers", [])
        if r["waker_kind"] == "timer"]
sys.exit(not rows or any(r["waker_softirq"] is not None for r in rows))' "$T_TMP/tm.json"
check "text --wakers: the sleeper's row says timer, $BLOCKED times" \
	grep -Eq " clock_nanosleep +$BLOCKED +[0-9,]+  timer\$" "$T_TMP/tm.wrow"
check_eq "text --wakers: the sleeper has that row alone (timer)" 1 "$(wc -l <"$T_TMP/tm.wrow")"

wake_run ud --udp
wake_report ud --udp
check_eq "the sleeper blocked in each of the $N rounds (--udp, a handshake)" "$N" "$BLOCKED"
check_eq "JSON: the sleeper has one waker row: recvfrom, woken $N times by softirq net_rx" \
	"sleeper recvfrom softirq None None None $N True" "$(cat "$T_TMP/ud.rows")"
# (the sleeper's: other threads may be woken by other softirqs meanwhile)
check "JSON: that row's softirq is net_rx" python3 -c '
import json, sys
rows = [r for w in json.load(open(sys.argv[1]))["windows"] for r in w.get("wakers", [])
        if r["waker_kind"] == "softirq" and r["tid"] == int(sys.argv[2])]
sys.exit(not rows or any(r["waker_softirq"] != "net_rx" for r in rows))' "$T_TMP/ud.json" "$SLEEPER"
check "text --wakers: the sleeper's row says softirq net_rx, $N times" \
	grep -Eq " recvfrom +$N +[0-9,]+  softirq net_rx\$" "$T_TMP/ud.wrow"
check_eq "text --wakers: the sleeper has that row alone (udp)" 1 "$(wc -l <"$T_TMP/ud.wrow")"

wake_run ap --apart
wake_report ap --apart
check_grep "the sleeper and waker1 on two CPUs (--apart)" '^cpus sleeper=[0-9]+ waker1=[0-9]+$' "$T_TMP/ap.out"
check_eq "the sleeper blocked in each of the $N rounds (--apart, a handshake)" "$N" "$BLOCKED"
awtid=$(sed -n 's/^thread=waker1 tid=//p' "$T_TMP/ap.out")
check_eq "JSON: the sleeper has one waker row: read, woken $N times by waker1 on the other CPU" \
	"sleeper read target $awtid" "$(cut -d' ' -f1-4 "$T_TMP/ap.rows")"
check_eq "JSON: that row counts $N wakeups, named waker1" "waker1 $N True" "$(cut -d' ' -f6- "$T_TMP/ap.rows")"
check_eq "text --wakers: the sleeper has that row alone (apart)" 1 "$(wc -l <"$T_TMP/ap.wrow")"
done_testing

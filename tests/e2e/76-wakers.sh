#!/usr/bin/env bash
# Who woke each thread (kdelay-report --wakers, and "wakers" in JSON).
# samples/kdelay-wake.c: thread "sleeper" blocks in read() exactly N times
# inside the window, each time woken by thread "waker1" alone (it writes
# only once the sleeper is switched out: a handshake through /proc).  So
# the sleeper's blocked time has exactly one waker row: read, woken by
# waker1 (its tid, the target's pid, its name), N times.  The default text
# stays the reference's; a capture older than format 1.2 has no waker
# names and says so.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-wake kdelay-record kdelay-report

N=200
SAMPLE=$BIN/kdelay-wake # the binary whose USDT sites wait_armed counts
rm -f "$T_TMP/wk.go"
"$BIN/kdelay-wake" --start-file "$T_TMP/wk.go" --rounds $N >"$T_TMP/wk.out" 2>"$T_TMP/wk.err" &
WPID=$!
defer "stop_pid $WPID"
wait_for_line "$T_TMP/wk.out" '^ready$' 10 || not_ok "kdelay-wake is ready"
start_record wk -p $WPID --start-trigger u:kdelay_wake:run_start \
	--stop-trigger u:kdelay_wake:run_stop -o "$T_TMP/wk.data"
wait_armed "$RECORD_PID" u:kdelay_wake:run_start u:kdelay_wake:run_stop ||
	not_ok "kdelay-record attaches its triggers"
touch "$T_TMP/wk.go"
wait_exit $WPID 60
check_eq "kdelay-wake exits 0" 0 $?
wait_exit "$RECORD_PID" 30
check_eq "kdelay-record exits 0" 0 $?
check_grep "the sample did its $N rounds" "^done rounds=$N\$" "$T_TMP/wk.out"
stid=$(sed -n 's/^thread=sleeper tid=//p' "$T_TMP/wk.out")
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
done_testing

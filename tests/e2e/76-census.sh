#!/usr/bin/env bash
# Every thread accounted for: an idle ovs-vswitchd (tests/ovs/start.sh,
# private) recorded for 1 s has threads blocked in poll all along, which
# make no event.  The capture's census (/proc at the window's start and
# end) lists every thread of the process, the very set /proc/PID/task
# shows before and after the recording, and kdelay-report --census lists
# the silent ones under their own heading, asleep in a syscall.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-record kdelay-report

machine_lock ovs
OVS=$T_TMP/ovs
defer "'$TOP/tests/ovs/stop.sh' '$OVS'"
if ! "$TOP/tests/ovs/start.sh" "$OVS" >"$T_TMP/ovs-start.out" 2>&1; then
	not_ok "private Open vSwitch started"
	diag <"$T_TMP/ovs-start.out"
	done_testing
	exit 1
fi
. "$OVS/env"
tasks() { ls "/proc/$OVS_VSWITCHD_PID/task" | sort -n | tr '\n' ' '; }
# A thread OVS starts and ends while it settles would make /proc's list
# before and after the recording differ: record again (a few times at
# most) until a recording during which the list did not change.
for attempt in 1 2 3 4 5; do
	before=$(tasks)
	"$RECORD" -p "$OVS_VSWITCHD_PID" --sample-time 1 -o "$T_TMP/idle.data" >"$T_TMP/idle.rec.out" 2>&1
	rc=$?
	after=$(tasks)
	[ $rc -ne 0 ] || [ "$before" = "$after" ] && break
done
check_eq "kdelay-record exits 0" 0 $rc
check_eq "ovs-vswitchd kept its threads during a recording (attempt $attempt)" "$before" "$after"

"$REPORT" -i "$T_TMP/idle.data" --json >"$T_TMP/idle.json" 2>"$T_TMP/idle.err"
check_eq "kdelay-report --json exits 0" 0 $?
census() {
	python3 - "$T_TMP/idle.json" "$1" <<'PY'
import json, sys
w = json.load(open(sys.argv[1], encoding="utf-8"))["windows"][0]
rows = w["census"]
if sys.argv[2] == "start":
    print(" ".join(str(r["tid"]) for r in rows if r["start"]) + " ")
elif sys.argv[2] == "end":
    print(" ".join(str(r["tid"]) for r in rows if r["end"]) + " ")
elif sys.argv[2] == "silent":
    print(sum(1 for r in rows if r["silent"]))
elif sys.argv[2] == "asleep":
    # every silent thread sleeps in a syscall at both ends
    print(all(r["start"]["state"] in "SD" and r["start"]["syscall"] and
              r["end"]["state"] in "SD" and r["end"]["syscall"] for r in rows if r["silent"]))
elif sys.argv[2] == "since":
    # a silent thread asleep at both ends sleeps since one moment, the
    # same at both: known (asleep_ns, the end's longer by the window
    # exactly, and at least the window) or before the trace at both
    ok = []
    span = w["duration_ns"]
    for r in rows:
        s, e = r["start"], r["end"]
        if not r["silent"] or s["state"] not in "SD" or e["state"] not in "SD":
            continue
        if s["asleep_ns"] is None:
            ok.append(s["asleep_before_trace"] and e["asleep_before_trace"] and e["asleep_ns"] is None)
        else:
            ok.append(not s["asleep_before_trace"] and e["asleep_ns"] - s["asleep_ns"] == span)
    print(len(ok) > 0 and all(ok))
else:  # the threads with statistics are the census's others
    shown = {t["tid"] for t in w["threads"]}
    print(all((r["tid"] in shown) != r["silent"] for r in rows))
PY
}
check_eq "the census at the start lists every thread of /proc" "$before" "$(census start)"
check_eq "the census at the end lists every thread of /proc" "$after" "$(census end)"
silent=$(census silent)
check "some threads of an idle ovs-vswitchd made no event ($silent)" test "${silent:-0}" -ge 1
check_eq "the silent threads slept in a syscall at both ends" True "$(census asleep)"
check_eq "silent: exactly the threads without statistics" True "$(census other)"
check_eq "the silent threads sleep since one moment: the trace's, or before it" True "$(census since)"

"$REPORT" -i "$T_TMP/idle.data" --census >"$T_TMP/idle.txt" 2>&1
check_eq "kdelay-report --census exits 0" 0 $?
n=$(wc -w <<<"$before")
check_grep "text: the census heading counts them" \
	"^# Silent threads: $silent of the $n threads /proc listed made no event in the window\$" "$T_TMP/idle.txt"
rows=$(awk '/^# Silent threads/ { on = 1; getline; next } on && /^[0-9]+ / { c++ } END { print c + 0 }' "$T_TMP/idle.txt")
check_eq "text: one row per silent thread" "$silent" "$rows"
"$REPORT" -i "$T_TMP/idle.data" >"$T_TMP/plain.txt" 2>&1
check "text without --census has no census (the reference's layout)" \
	sh -c "! grep -q '^# Silent threads' '$T_TMP/plain.txt'"

# The time budget accounts for the silent threads too: each, under its
# own heading after the others, blocked for the whole window in the
# syscall the census saw it in at the start.
"$REPORT" -i "$T_TMP/idle.data" --budget --json >"$T_TMP/budget.json" 2>"$T_TMP/budget.err"
check_eq "kdelay-report --budget --json exits 0" 0 $?
budget() {
	python3 - "$T_TMP/budget.json" "$1" <<'PY'
import json, sys
w = json.load(open(sys.argv[1], encoding="utf-8"))["windows"][0]
census = {r["tid"]: r for r in w["census"]}
silent = [t for t in w["threads"] if t.get("silent")]
if sys.argv[2] == "tids":
    print(" ".join(str(t["tid"]) for t in sorted(silent, key=lambda t: t["tid"])))
elif sys.argv[2] == "census-tids":
    print(" ".join(str(r["tid"]) for r in w["census"] if r["silent"]))
elif sys.argv[2] == "last":  # the silent threads come after the others
    flags = [bool(t.get("silent")) for t in w["threads"]]
    print(flags == sorted(flags))
else:  # blocked all window in the census's syscall, and nothing else
    ok = True
    for t in silent:
        b = t["budget"]
        ok &= b["blocked_ns"] == b["window_ns"] == w["duration_ns"]
        ok &= [s["syscall"] for s in b["blocked_in"]] == [census[t["tid"]]["start"]["syscall"]]
        ok &= b["blocked_in"][0]["blocked_ns"] == b["window_ns"]
        ok &= t["syscalls"] == [] and t["run"] is None and t["ready"] is None
    print(ok)
PY
}
check_eq "JSON: the budget lists every silent thread of the census" \
	"$(budget census-tids)" "$(budget tids)"
check_eq "JSON: the silent threads come after the others" True "$(budget last)"
check_eq "JSON: a silent thread is blocked all window in the census's syscall" True "$(budget blocked)"

"$REPORT" -i "$T_TMP/idle.data" --budget >"$T_TMP/budget.txt" 2>&1
check_eq "kdelay-report --budget exits 0" 0 $?
check_grep "text: the budget's silent threads have their own heading" \
	"^# Silent threads: $silent made no event in the window" "$T_TMP/budget.txt"
rows=$(awk '/^# Silent threads/ { on = 1; next } on && / 100\.0%/ { c++ } END { print c + 0 }' "$T_TMP/budget.txt")
check_eq "text: one 100% row per silent thread under it" "$silent" "$rows"
check "text: --budget without --census has no census table" \
	sh -c "! grep -q '^# Silent threads: .* threads /proc listed' '$T_TMP/budget.txt'"
"$TOP/tests/ovs/stop.sh" "$OVS"
done_testing

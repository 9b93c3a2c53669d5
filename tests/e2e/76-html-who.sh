#!/usr/bin/env bash
# The HTML page (kdelay-report --html) shows beside each thread's budget
# bars who took its CPU and who woke it, and lists the threads that made
# no event under their own heading; read as a person reads it, in
# headless Chromium (tests/tools/html_who_check.mjs), against workloads
# with known answers:
#  - samples/kdelay-steal.c: a "stealer" process pinned to the victim's
#    CPU at SCHED_FIFO spins a time it measures (the oracle); the page's
#    first culprit of the victim is the stealer, by name and pid, on that
#    CPU, with that time within 10%;
#  - samples/kdelay-wake.c: thread "sleeper" is woken only by thread
#    "waker1", N times in read(); the page's one waker of the sleeper is
#    waker1, in read, N times.  Its main thread waits in pthread_join all
#    along: a silent thread, under its own heading, blocked in futex.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
. "$(dirname "$0")/40-export-lib.bash"
need_root
need_bins kdelay-steal kdelay-wake kdelay-record kdelay-report tests/tools/kdf_switch_gaps
need_browser || { done_testing; exit 1; }
out=$(out_dir 76-html-who)
WHO_CHECK=$TOP/tests/tools/html_who_check.mjs

# who NAME PAGE TID: the page in Chromium; its TAP lines pass on, its
# entries land in $T_TMP/NAME.who
who() {
	local name=$1 line
	timeout 90 "$NODE" "$WHO_CHECK" "$2" "$out/$name.png" "$CHROMIUM" "$3" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$name: ${line#ok - }" ;;
		"not ok - "*) not_ok "$name: ${line#not ok - }" ;;
		esac
	done <"$T_TMP/$name.out"
	grep -q '^ok - screenshot' "$T_TMP/$name.out" ||
		{ not_ok "$name: the checker ran to its end"; tail -20 "$T_TMP/$name.err" | diag; }
	grep -v -e '^ok - ' -e '^not ok - ' "$T_TMP/$name.out" >"$T_TMP/$name.who"
}
# ns TEXT: the duration the page printed at the end of TEXT ("12.3 ms"), in ns
ns() {
	python3 -c '
import re, sys
m = re.search(r"([0-9.]+) (ns|\u00b5s|ms|s)$", sys.argv[1])
print(int(float(m.group(1)) * {"ns": 1, "\u00b5s": 1e3, "ms": 1e6, "s": 1e9}[m.group(2)]) if m else 0)' "$1"
}

# --- who took the CPU: kdelay-steal
SAMPLE=$BIN/kdelay-steal # the binary whose USDT sites wait_armed counts
record_usdt_run st kdelay-steal kdelay_steal victim_unseen " (steal)" --rounds 4 --steal-ms 50
check_eq "kdelay-steal and kdelay-record exit 0" "0 0" "$RUN_SRC $RUN_RRC"
check_eq "a window without lost events (attempt $RUN_ATTEMPT)" 0 "$RUN_DROPPED"
check_eq "every switch-in of the victim traced (attempt $RUN_ATTEMPT)" 0 "$RUN_MISSING"
stolen=$(sed -n 's/^stolen_ns=\([0-9]*\) rounds=4$/\1/p' "$T_TMP/st.out")
ppid=$(sed -n 's/^stealer pid=//p' "$T_TMP/st.out")
vtid=$(sed -n 's/^thread=victim tid=\([0-9]*\) cpu=.*/\1/p' "$T_TMP/st.out")
cpu=$(sed -n 's/^thread=victim tid=[0-9]* cpu=//p' "$T_TMP/st.out")
"$REPORT" -i "$T_TMP/st.data" --html -o "$out/steal.html" >"$T_TMP/st.html.out" 2>&1
check_eq "kdelay-report --html (steal) exits 0" 0 $?
who steal "$out/steal.html" "$vtid"
first=$(sed -n 's/^culprit\t//p' "$T_TMP/steal.who" | head -1)
check_grep "steal: the victim's first culprit on the page is the stealer (pid $ppid) on CPU $cpu" \
	"^stealer \\(pid $ppid\\) [0-9.]+ (ms|s) on CPU $cpu\$" <(echo "$first")
shown=$(ns "${first% on CPU *}")
check "steal: the page shows ${shown} ns behind it, the stealer spun $stolen ns: within 10%" \
	test "${shown:-0}" -ge $((stolen * 9 / 10)) -a "${shown:-0}" -le $((stolen * 11 / 10))

# --- who woke it, and the silent threads: kdelay-wake
N=200
SAMPLE=$BIN/kdelay-wake
record_usdt_run wk kdelay-wake kdelay_wake sleeper_unseen " (wake)" --rounds $N
WPID=$RUN_PID
check_eq "kdelay-wake and kdelay-record exit 0" "0 0" "$RUN_SRC $RUN_RRC"
check_eq "a window without lost events (wake, attempt $RUN_ATTEMPT)" 0 "$RUN_DROPPED"
check_eq "every run of the sleeper traced (wake, attempt $RUN_ATTEMPT)" 0 "$RUN_MISSING"
stid=$(sed -n 's/^thread=sleeper tid=//p' "$T_TMP/wk.out")
wtid=$(sed -n 's/^thread=waker1 tid=//p' "$T_TMP/wk.out")
"$REPORT" -i "$T_TMP/wk.data" --html -o "$out/wake.html" >"$T_TMP/wk.html.out" 2>&1
check_eq "kdelay-report --html (wake) exits 0" 0 $?
who wake "$out/wake.html" "$stid"
check_eq "wake: the sleeper has one waker on the page" 1 "$(grep -c '^waker	' "$T_TMP/wake.who")"
check_grep "wake: it is waker1 (tid $wtid), in read, $N times" \
	"^waker	read: waker1 \\(tid $wtid\\) ×$N [0-9.]+ (ns|µs|ms|s)\$" "$T_TMP/wake.who"
check_grep "wake: the silent threads have their own heading" \
	'^silent-heading	Silent threads \([0-9]+\): no event in the window$' "$T_TMP/wake.who"
check_grep "wake: the main thread is among them, asleep in futex (pthread_join)" \
	"^silent	$WPID	kdelay-wake \\[$WPID\\] .*in syscalls [0-9.]+ (ms|s) \\(futex .*/proc: S in futex\$" "$T_TMP/wake.who"
check "wake: the sleeper and waker1 are not silent" \
	sh -c "! grep -Eq '^silent	($stid|$wtid)	' '$T_TMP/wake.who'"
done_testing

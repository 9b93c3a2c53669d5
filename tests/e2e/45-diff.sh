#!/usr/bin/env bash
# kdelay-report diff on real captures: the sample's exact mode (handler1
# making getppid() in a tight loop) recorded twice, pinned to one CPU,
# once alone and once with a CPU-bound spinner (nice -10) pinned to the
# same CPU.
# Under contention handler1 waits on the run queue for about as long as it
# runs, so:
#  - diff BASE NEW shows the READY total grow, for all threads and for the
#    role "handler", and the syscall counts equal (exact mode: same work);
#  - --fail-if 'ready.total>+50%' exits 1 and lists the crossing, while
#    the reverse comparison (NEW BASE) exits 0;
#  - --json is valid JSON with schema_version 1;
#  - bad expressions and captures give the documented exit codes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

N=100000
# Another run's spinners on the same CPU would disturb both captures.
machine_lock contend
CPU=$(($(nproc) - 1))

# The recorder runs on another CPU (when there is one), so that the
# spinner cannot delay its start-up.
OTHER_CPUS=0-$((CPU > 0 ? CPU - 1 : 0))
SPIN_PID=

# record TAG [spin]: one capture of the exact mode, every thread pinned to
# $CPU, in $T_TMP/TAG.data; with "spin", a CPU-bound spinner pinned to the
# same CPU at nice -10 (it weighs ~9x a nice-0 thread: handler1 gets about
# a tenth of the CPU, so its ready time grows several-fold even on a node
# whose other load already makes it wait in the plain run).  The window
# runs from the USDT run_start to run_block, which enclose exactly the N
# calls however slow they are.
record() {
	local tag=$1 rc
	start_sample "$tag" -m exact -c $N -i 1 --linger-ms 500 || not_ok "$tag: kdelay-sample starts"
	taskset -a -p -c "$CPU" "$SAMPLE_PID" >/dev/null
	start_record "$tag" -p "$SAMPLE_PID" --start-trigger u:kdelay_sample:run_start \
		--stop-trigger u:kdelay_sample:run_block -o "$T_TMP/$tag.data"
	taskset -a -p -c "$OTHER_CPUS" "$RECORD_PID" >/dev/null
	wait_armed "$RECORD_PID" u:kdelay_sample:run_start u:kdelay_sample:run_block ||
		not_ok "$tag: kdelay-record attaches its triggers"
	if [ "${2:-}" = spin ]; then
		nice -n -10 taskset -c "$CPU" bash -c 'while :; do :; done' &
		SPIN_PID=$!
		defer "stop_pid $SPIN_PID"
	fi
	release_sample "$tag"
	wait_exit "$RECORD_PID" 30
	rc=$?
	[ -n "$SPIN_PID" ] && stop_pid "$SPIN_PID"
	check_eq "$tag: kdelay-record exits 0" 0 $rc
	[ $rc -eq 0 ] || diag <"$T_TMP/$tag.rec.err"
	wait_exit "$SAMPLE_PID" 10
	"$REPORT" -i "$T_TMP/$tag.data" --info >"$T_TMP/$tag.info" 2>&1
	check_grep "$tag: one window recorded" '^windows: +1 ' "$T_TMP/$tag.info"
}

record plain
record contended spin

base=$T_TMP/plain.data
new=$T_TMP/contended.data

# --- the table
"$REPORT" diff "$base" "$new" >"$T_TMP/diff.txt" 2>"$T_TMP/diff.err"
rc=$?
check_eq "diff exits 0 without --fail-if" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/diff.err"
check_grep "header names both captures" "^base $base: pid [0-9]+ kdelay-sample" "$T_TMP/diff.txt"
check_grep "handler1 is the role handler in both" '^THREAD handler \(threads: base 1, new 1\)$' "$T_TMP/diff.txt"

# row SECTION WHAT STAT: "BASE NEW" of that row (commas removed)
row() {
	awk -v sec="$1" -v what="$2" -v st="$3" '
	/^(ALL THREADS|THREAD )/ { in_sec = index($0, sec) == 1; next }
	in_sec && $1 == what && $2 == st { gsub(/,/, ""); print $3, $4; exit }' "$T_TMP/diff.txt"
}
read -r rb rn <<<"$(row 'ALL THREADS' ready total)"
echo "all threads ready total: base ${rb:-?} ns, new ${rn:-?} ns" | diag
check "ALL THREADS ready total grows by more than half under contention" \
	test "${rn:-0}" -gt $((${rb:-0} * 3 / 2))
read -r hb hn <<<"$(row 'THREAD handler' ready total)"
check "handler ready total grows under contention (${hb:-?} -> ${hn:-?} ns)" \
	test "${hn:-0}" -gt $((${hb:-0} * 3 / 2))
read -r cb cn <<<"$(row 'THREAD handler' syscall.getppid count)"
check_eq "handler getppid count: the same work in both ($N calls)" \
	"$N $N" "${cb:-?} ${cn:-?}"
check_grep "the ready total row shows a positive delta" \
	'^  ready +total +[0-9,]+ +[0-9,]+ +\+[0-9,]+ +\+[0-9.]+%$' "$T_TMP/diff.txt"

# --- --fail-if
"$REPORT" diff "$base" "$new" --fail-if 'ready.total>+50%' >"$T_TMP/fail.txt" 2>"$T_TMP/fail.err"
check_eq "--fail-if 'ready.total>+50%' on plain -> contended exits 1" 1 $?
check_grep "the crossing is listed" '^  ready\.total>\+50%: CROSSED \(1 of 1 comparisons\)$' "$T_TMP/fail.txt"
check_grep "stderr counts the crossings" '^kdelay-report: diff: 1 of 1 --fail-if thresholds crossed$' "$T_TMP/fail.err"
"$REPORT" diff "$new" "$base" --fail-if 'ready.total>+50%' >"$T_TMP/rev.txt" 2>"$T_TMP/rev.err"
rc=$?
check_eq "the same expression on contended -> plain exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/rev.txt"
check_exit "thread.handler.ready.total>+50% crosses too" 1 \
	"$REPORT" diff "$base" "$new" --fail-if 'thread.handler.ready.total>+50%'
check_exit "getppid count unchanged: syscall.getppid.count>+0% holds" 0 \
	"$REPORT" diff "$base" "$new" --fail-if 'syscall.getppid.count>+0%'

# --- JSON
"$REPORT" diff --json "$base" "$new" --fail-if 'ready.total>+50%' >"$T_TMP/diff.json" 2>/dev/null
check_eq "--json with a crossing exits 1" 1 $?
check "--json is valid JSON, schema_version 1, ready grew, one crossing" python3 - "$T_TMP/diff.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1, d["schema_version"]
r = d["all"]["ready"]
assert r["new"]["total"] > r["base"]["total"] * 1.5, r
h = [x for x in d["roles"] if x["role"] == "handler"]
assert len(h) == 1 and h[0]["threads"] == {"base": 1, "new": 1}, h
assert d["crossed"] == 1 and d["fail_if"][0]["crossed"] is True, d["fail_if"]
EOF

# --- errors
check_exit "bad expression" 64 "$REPORT" diff "$base" "$new" --fail-if 'p98>+20%'
check_exit "unknown syscall in an expression" 64 "$REPORT" diff "$base" "$new" --fail-if 'syscall.nosuch.p99>1'
check_exit "missing capture" 66 "$REPORT" diff "$base" "$T_TMP/none.data"
check_exit "not a capture" 65 "$REPORT" diff "$T_TMP/diff.txt" "$new"
check_exit "one capture only" 64 "$REPORT" diff "$base"

done_testing

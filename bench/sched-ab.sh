#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench/sched-ab.sh A B - run time per run of the scheduler and interrupt
# programs and the syscall programs (kernel.bpf_stats_enabled=1), two kdelay-record builds compared
# in interleaved rounds.  Not part of `make bench`: the programs that run
# for every task on the node (sched_waking, sched_switch, the irq,
# softirq and hrtimer hooks) are cheap only if their early exit is, and
# the target's own wakeups and switches pay for the per-thread state.
#
# Loads (LOADS, default "other target"):
#   other   the recorder traces a sleeping process; the ping-pong of
#           `perf bench sched pipe` is another process's (every wakeup
#           takes the early exit);
#   target  the recorder traces the ping-pong itself (threads, -T);
#   loop    the recorder traces bench/loop, getppid() flat out.
# Run counts and times come from `bpftool prog show`, before and after
# the load, for the programs named below, of the recorder's own program
# fds (/proc/PID/fdinfo): other tracers on the node have programs of the
# same names.  bpf_stats itself adds two clock reads per run; numbers on
# a loaded machine are noisy, hence the interleaving.
#
# TOGETHER=1: A and B are attached at the same time to one run of each
# load, so both see the same events in the same conditions, and the load
# of the machine cancels out of B - A.  The program attached first runs
# first on each event and meets the kernel's data colder (~25 ns more
# per switch here): the rounds alternate which one goes first, so use an
# even ROUNDS and the mean of the paired differences.
# per_op: the time of all the programs listed per operation of the load,
# interrupts on the way included: per round trip of a ping-pong (half the
# switches seen: the ping-pong pinned to one CPU makes nearly all the
# switches of an otherwise idle node, two a round trip), per getppid()
# call of the loop (the sys_enter runs).
#
# The recorders run on CPU_TOOL, the ping-pong on CPU_TARGET, as in
# measurement 10 of bench/run.sh.  With CPU_TOOL=CPU_TARGET the recorders'
# draining and compression evict the programs' data between round trips,
# as when a recorder shares the target's CPU: every line a program
# touches then costs a miss, and the difference between two builds is
# about twice as large here.
# Environment: ROUNDS (3), LOOPS (200000), TOGETHER (0), CPU_TARGET (1),
# CPU_TOOL (0).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: bench/sched-ab.sh RECORDER_A RECORDER_B" >&2; exit 64; }
ROUNDS=${ROUNDS:-3}
LOOPS=${LOOPS:-200000}
TOGETHER=${TOGETHER:-0}
LOADS=${LOADS:-other target}
LOOP=${O:-.output}/bench/loop
[ "${LOADS/loop/}" = "$LOADS" ] || [ -x "$LOOP" ] || { echo "bench/sched-ab.sh: $LOOP is missing: make bench-tools" >&2; exit 69; }
CPU_TARGET=${CPU_TARGET:-1}
CPU_TOOL=${CPU_TOOL:-0}
declare -A REC=([A]=$1 [B]=$2) RP
T=$(mktemp -d /tmp/kdelay-sched-ab.XXXXXX)
OLD=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$OLD" > /proc/sys/kernel/bpf_stats_enabled; rm -rf "$T"' EXIT
echo 1 > /proc/sys/kernel/bpf_stats_enabled

PROGS="sys_enter sys_exit sched_waking csd_queue_cpu sched_wakeup sched_switch sched_migrate_task irq_handler_entry
irq_handler_exit softirq_entry softirq_exit hrtimer_expire_entry hrtimer_expire_exit"

# snap FILE BUILD...: "BUILD:name runs ns" of the programs above that
# the running recorders of the builds named hold
snap() {
	local out=$1 b
	shift
	for b; do
		awk -v b=$b '/^prog_id:/ { print $2, b }' /proc/${RP[$b]}/fdinfo/* 2>/dev/null
	done >"$T/ids"
	bpftool prog show -j | python3 -c '
import json, sys
want = set(sys.argv[1].split())
ids = dict(l.split() for l in open(sys.argv[2]))
tot = {}
for p in json.load(sys.stdin):
    n, i = p.get("name"), str(p.get("id"))
    if n in want and i in ids:
        k = ids[i] + ":" + n
        r, t = tot.get(k, (0, 0))
        tot[k] = (r + p.get("run_cnt", 0), t + p.get("run_time_ns", 0))
for k in sorted(tot):
    print(k, *tot[k])' "$PROGS" "$T/ids" >"$out"
}

# start BUILD PID: its recorder on PID, once it samples
start() {
	taskset -c $CPU_TOOL "${REC[$1]}" -p $2 --sample-time 60 -o "$T/rec$1.data" >"$T/rec$1.log" 2>&1 &
	RP[$1]=$!
	grep -q '^# Start sampling' <(timeout 20 tail -f "$T/rec$1.log") || { echo "recorder $1 did not start" >&2; exit 69; }
}

# one LOAD ROUND BUILD...: the builds' recorders attached in that order
# to one run of LOAD; prints "load round first build program runs ns_per_run"
one() {
	local load=$1 r=$2 tp b
	shift 2
	case $load in
	other) sleep 1000 & ;;
	target) taskset -c $CPU_TARGET perf bench sched pipe -T -l $((LOOPS * 4)) >/dev/null 2>&1 & ;;
	loop) "$LOOP" -c $CPU_TARGET -d 60 >/dev/null 2>&1 & ;;
	esac
	tp=$!
	for b; do start $b $tp; done
	snap "$T/s0" "$@"
	if [ "$load" = other ]; then taskset -c $CPU_TARGET perf bench sched pipe -l "$LOOPS" >/dev/null 2>&1; else sleep 3; fi
	snap "$T/s1" "$@"
	for b; do kill -INT ${RP[$b]} 2>/dev/null || { echo "recorder $b exited early:" >&2; cat "$T/rec$b.log" >&2; }; wait ${RP[$b]} || true; done
	kill $tp 2>/dev/null || true; wait $tp 2>/dev/null || true
	join "$T/s0" "$T/s1" | awk -v l=$load -v r=$r -v f=$1 '$4 > $2 { split($1, k, ":")
		printf "%s %d %s %s %s %d %.0f\n", l, r, f, k[1], k[2], $4 - $2, ($5 - $3) / ($4 - $2)
		t[k[1]] += $5 - $3
		if (k[2] == (l == "loop" ? "sys_enter" : "sched_switch")) n[k[1]] = $4 - $2 }
	END { for (b in t) if (n[b] >= 2) {
		ops = l == "loop" ? n[b] : n[b] / 2
		printf "%s %d %s %s %s %d %.0f\n", l, r, f, b, "per_op", ops, t[b] / ops } }'
}

for ((r = 1; r <= ROUNDS; r++)); do
	for load in $LOADS; do
		if [ "$TOGETHER" = 1 ]; then
			if ((r % 2)); then one $load $r A B; else one $load $r B A; fi
		else
			one $load $r A
			one $load $r B
		fi
	done
done | tee "$T/all" >&2
echo "| load | program | A ns/run (rounds) | B ns/run (rounds) | B - A, paired (mean) |"
echo "|---|---|---|---|---|"
python3 - "$T/all" <<'PY'
import sys
v = {}
for l in open(sys.argv[1]):
    load, r, first, b, n, runs, ns = l.split()
    v.setdefault((load, n), {}).setdefault(b, {})[int(r)] = int(ns)
for (load, n) in sorted(v):
    a, b = v[load, n].get("A", {}), v[load, n].get("B", {})
    d = [b[r] - a[r] for r in sorted(a) if r in b]
    print("| %s | %s | %s | %s | %s |" % (load, n, " ".join(str(a[r]) for r in sorted(a)),
          " ".join(str(b[r]) for r in sorted(b)),
          " ".join("%+d" % x for x in d) + (" (%+.0f)" % (sum(d) / len(d)) if d else "")))
PY

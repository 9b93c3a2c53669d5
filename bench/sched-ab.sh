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
# Two loads, each a pipe ping-pong of `perf bench sched pipe`:
#   other   the recorder traces a sleeping process; the ping-pong is
#           another process's (every wakeup takes the early exit);
#   target  the recorder traces the ping-pong itself (threads, -T).
# Run counts and times come from `bpftool prog show`, before and after
# the load, for the programs named below.  bpf_stats itself adds two
# clock reads per run; numbers on a loaded machine are noisy, hence the
# interleaving.  Environment: ROUNDS (3), LOOPS (200000).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: bench/sched-ab.sh RECORDER_A RECORDER_B" >&2; exit 64; }
ROUNDS=${ROUNDS:-3}
LOOPS=${LOOPS:-200000}
declare -A REC=([A]=$1 [B]=$2)
T=$(mktemp -d /tmp/kdelay-sched-ab.XXXXXX)
OLD=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$OLD" > /proc/sys/kernel/bpf_stats_enabled; rm -rf "$T"' EXIT
echo 1 > /proc/sys/kernel/bpf_stats_enabled

PROGS="sys_enter sys_exit sched_waking sched_wakeup sched_switch sched_migrate_task irq_handler_entry
irq_handler_exit softirq_entry softirq_exit hrtimer_expire_entry hrtimer_expire_exit"

# snap FILE: "name runs ns" of the programs above that were not loaded
# before the recorder started (ids in $T/pre): other tracers on the node
# have programs of the same names
snap() {
	bpftool prog show -j | python3 -c '
import json, sys
want = set(sys.argv[1].split())
old = set(open(sys.argv[2]).read().split())
tot = {}
for p in json.load(sys.stdin):
    n = p.get("name")
    if n in want and str(p.get("id")) not in old:
        r, t = tot.get(n, (0, 0))
        tot[n] = (r + p.get("run_cnt", 0), t + p.get("run_time_ns", 0))
for n in sorted(tot):
    print(n, *tot[n])' "$PROGS" "$T/pre" >"$1"
}

# one BUILD LOAD: prints "load build program runs ns_per_run"
one() {
	local b=$1 load=$2 tp rp
	if [ "$load" = other ]; then
		sleep 1000 &
	else
		perf bench sched pipe -T -l $((LOOPS * 4)) >/dev/null 2>&1 &
	fi
	tp=$!
	bpftool prog show -j | python3 -c 'import json, sys
print(*(p["id"] for p in json.load(sys.stdin)))' >"$T/pre"
	"${REC[$b]}" -p $tp --sample-time 60 -o "$T/rec.data" >"$T/rec.log" 2>&1 &
	rp=$!
	grep -q '^# Start sampling' <(timeout 20 tail -f "$T/rec.log") || { echo "recorder $b did not start" >&2; exit 69; }
	snap "$T/s0"
	if [ "$load" = other ]; then perf bench sched pipe -l "$LOOPS" >/dev/null 2>&1; else sleep 3; fi
	snap "$T/s1"
	kill -INT $rp; wait $rp || true
	kill $tp 2>/dev/null || true; wait $tp 2>/dev/null || true
	join "$T/s0" "$T/s1" | awk -v l=$load -v b=$b '$4 > $2 {
		printf "%s %s %s %d %.0f\n", l, b, $1, $4 - $2, ($5 - $3) / ($4 - $2) }'
}

for ((r = 1; r <= ROUNDS; r++)); do
	for load in other target; do
		one A $load
		one B $load
	done
done | tee "$T/all" >&2
echo "| load | program | A ns/run (rounds) | B ns/run (rounds) |"
echo "|---|---|---|---|"
awk '{ k = $1 " " $3; v[k, $2] = v[k, $2] " " $5; keys[k] = 1 }
	END { for (k in keys) { split(k, p, " "); printf "| %s | %s |%s |%s |\n", p[1], p[2], v[k, "A"], v[k, "B"] } }' \
	"$T/all" | sort

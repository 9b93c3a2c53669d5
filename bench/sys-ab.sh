#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench/sys-ab.sh NAME=COMMAND... - BPF program run time per traced
# syscall (kernel.bpf_stats_enabled=1) of several tracers of the getppid
# loop, in interleaved rounds.  Not part of `make bench`: the target side
# of a change to the syscall hot path, measured in the kernel's own
# accounting, which other work on a shared machine moves much less than
# the loop's CPU time.  COMMAND traces the pid PID and prints nothing
# required; it is given 2 s to load and attach.  Example:
#
#   bench/sys-ab.sh "ring=.output/kdelay-record -p PID --sample-time 3600 --staging off -o /tmp/r.kd" \
#                   "staged=.output/kdelay-record -p PID --sample-time 3600 --staging on -o /tmp/s.kd" \
#                   "proto=.output/bench/kagg -q --hook stream-percpu-cas -p PID"
#
# Per round and setup: bench/loop runs flat out on CPU 1, the tracer on
# CPU 0; run counts and times of the programs the tracer holds (its fds)
# are taken 1 s and 4 s after the loop starts.  Printed per setup and round:
# every program that ran, and "per syscall": the time of all its programs
# over the runs of its sys_enter program (so a flush tick counts too).
# bpf_stats itself adds two clock reads per run.  Environment: O
# (default .output), ROUNDS (5).
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: bench/sys-ab.sh NAME=COMMAND..." >&2; exit 64; }
O=${O:-.output}
LOOP=$O/bench/loop
ROUNDS=${ROUNDS:-5}
T=$(mktemp -d /tmp/kdelay-sys-ab.XXXXXX)
OLD=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'echo "$OLD" > /proc/sys/kernel/bpf_stats_enabled; rm -rf "$T"' EXIT
echo 1 > /proc/sys/kernel/bpf_stats_enabled

# prog_ids PID: the ids of the BPF programs process PID holds (its
# program and link fds): other tracers on the node load programs of the
# same names
prog_ids() { grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u; }

# snap FILE: "name runs ns" of the programs in $T/ids
snap() {
	bpftool prog show -j | python3 -c '
import json, sys
want = set(open(sys.argv[1]).read().split())
for p in json.load(sys.stdin):
    if str(p["id"]) in want:
        print(p.get("name", "?"), p.get("run_cnt", 0), p.get("run_time_ns", 0))' "$T/ids" |
		sort > "$1"
}

# one NAME COMMAND ROUND: prints "name round program runs ns_per_run"
one() {
	local name=$1 cmd=$2 r=$3 lp tp
	"$LOOP" -w -c 1 -d 3600 > "$T/loop" 2>&1 &
	lp=$!
	until grep -q ready "$T/loop" 2>/dev/null; do sleep 0.05; done
	# shellcheck disable=SC2086
	taskset -c 0 ${cmd//PID/$lp} > "$T/$name.out" 2>&1 &
	tp=$!
	sleep 2
	kill -0 $tp || { echo "$name did not start: $(tail -1 "$T/$name.out")" >&2; kill $lp; exit 69; }
	prog_ids $tp > "$T/ids"
	kill -USR1 $lp
	sleep 1
	snap "$T/s0"
	sleep 3
	snap "$T/s1"
	kill $lp
	wait $lp 2>/dev/null || true
	kill -INT $tp 2>/dev/null || true
	wait $tp 2>/dev/null || true
	join "$T/s0" "$T/s1" | awk -v n=$name -v r=$r '$4 > $2 {
		printf "%s %d %s %d %.1f\n", n, r, $1, $4 - $2, ($5 - $3) / ($4 - $2) }'
}

echo "rounds=$ROUNDS load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M)"
for ((r = 1; r <= ROUNDS; r++)); do
	for s in "$@"; do one "${s%%=*}" "${s#*=}" $r; done
done | tee "$T/all" >&2
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M)"
# per syscall: all programs' time over the sys_enter runs, per round; median
python3 - "$T/all" "$@" <<'EOF'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
names = [s.split("=", 1)[0] for s in sys.argv[2:]]
print("| setup | BPF ns per syscall, per round | median | programs (median ns per run) |")
print("|---|---|---:|---|")
for n in names:
    per, progs = {}, {}
    for name, r, prog, runs, ns in rows:
        if name != n:
            continue
        t, e = per.get(r, (0.0, 0))
        if prog.endswith("enter"):  # sys_enter, kagg_*_enter (not *_entry)
            e = int(runs)
        per[r] = (t + int(runs) * float(ns), e)
        progs.setdefault(prog, []).append(float(ns))
    vals = [t / e for t, e in per.values() if e]
    med = statistics.median(vals) if vals else float("nan")
    ps = ", ".join(f"{p} {statistics.median(v):.0f}" for p, v in sorted(progs.items()))
    print(f"| {n} | {' '.join(f'{v:.0f}' for v in vals)} | {med:.0f} | {ps} |")
EOF

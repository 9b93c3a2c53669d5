#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench/pipe-ab.sh NAME=RECORDER... - what the target pays, whole: the
# wall time per round trip of `perf bench sched pipe -T` (both threads on
# CPU_TARGET, nothing else there) untraced and traced by each recorder
# build (on CPU_TOOL, its defaults), in many short rounds, the setups'
# order rotating each round.  Measurement 10 of `make bench` judges goal
# 10 the same way, beside the syscall loop and the non-target load; this
# compares any number of builds on the ping-pong alone, whose paired
# runs are a second apart, not ten.  Printed: each setup's median, the baseline's
# overhead (the first NAME is the baseline) and 5% of it, and for each
# other build the median of its paired differences with the baseline,
# with a 95% bootstrap interval.  Environment: ROUNDS (80), LOOPS
# (50000 round trips a run), CPU_TARGET (1), CPU_TOOL (0).
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: bench/pipe-ab.sh BASE=RECORDER NAME=RECORDER..." >&2; exit 64; }
ROUNDS=${ROUNDS:-80}
LOOPS=${LOOPS:-50000}
CPU_TARGET=${CPU_TARGET:-1}
CPU_TOOL=${CPU_TOOL:-0}
T=$(mktemp -d "${TMPDIR:-/tmp}/kdelay-pipe-ab.XXXXXX")
trap 'rm -rf "$T"' EXIT
names=(none) recs=(none)
for a; do names+=("${a%%=*}"); recs+=("${a#*=}"); done

# one NAME RECORDER: usecs/op of one run, traced by RECORDER (none: not)
one() {
	local tp i rp=''
	# stopped before exec, so that the recorder follows the benchmark's pid
	taskset -c "$CPU_TARGET" bash -c 'kill -STOP $$; exec perf bench sched pipe -T -l "$0"' "$LOOPS" \
		> "$T/pipe" 2>&1 &
	tp=$!
	for ((i = 0; i < 200; i++)); do
		[ "$(awk '{ print $3 }' /proc/$tp/stat 2>/dev/null)" = T ] && break
		sleep 0.05
	done
	[ $i -lt 200 ] || { cat "$T/pipe" >&2; echo "bench/pipe-ab.sh: perf bench did not start" >&2; exit 70; }
	if [ "$2" != none ]; then
		taskset -c "$CPU_TOOL" "$2" -p $tp --sample-time 3600 -o "$T/rec.kdelay" > "$T/rec.log" 2>&1 &
		rp=$!
		grep -q '^# Start sampling' <(timeout 20 tail -f "$T/rec.log") ||
			{ cat "$T/rec.log" >&2; echo "bench/pipe-ab.sh: recorder $1 did not start" >&2; exit 69; }
	fi
	kill -CONT $tp
	wait $tp || { cat "$T/pipe" >&2; echo "bench/pipe-ab.sh: perf bench failed" >&2; exit 70; }
	[ -z "$rp" ] || { kill -INT $rp; wait $rp || true; }
	awk '$2 == "usecs/op" { print $1 }' "$T/pipe"
}

for ((r = 0; r < ROUNDS; r++)); do
	for ((i = 0; i < ${#names[@]}; i++)); do
		j=$(((i + r) % ${#names[@]}))
		echo "$r ${names[$j]} $(one "${names[$j]}" "${recs[$j]}")"
	done
done > "$T/all"
python3 - "$T/all" "${names[@]}" <<'PY'
import random, statistics as st, sys
v = {}
for l in open(sys.argv[1]):
    r, n, us = l.split()
    v.setdefault(n, {})[int(r)] = float(us)
names = sys.argv[2:]
base = names[1]
for n in names:
    print("%-10s median %.3f us/op over %d runs" % (n, st.median(v[n].values()), len(v[n])))
ov = st.median(v[base][r] - v["none"][r] for r in v[base])
print("%s overhead %.3f us/op (paired median); 5%% of it: %.3f" % (base, ov, 0.05 * ov))
random.seed(1)
for n in names[2:]:
    d = [v[n][r] - v[base][r] for r in v[n] if r in v[base]]
    bs = sorted(st.median(random.choices(d, k=len(d))) for _ in range(2000))
    print("%s - %s: %+.3f us/op (paired median), 95%% interval %+.3f .. %+.3f; overhead ratio %.3f" % (
        n, base, st.median(d), bs[49], bs[1949], (ov + st.median(d)) / ov))
PY

#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench/tick-ab.sh A B [C...] - the recorder's CPU per event and its
# drops, two or more kdelay-record builds compared in interleaved rounds
# (e.g. the drain tick's TICK_MS 50, A, against 100, B).  Not part of
# `make bench`: building B is up to the caller, for instance
#
#   git archive HEAD | tar -x -C /tmp/b &&
#   sed -i 's/^#define TICK_MS 50$/#define TICK_MS 100/' /tmp/b/record/recorder.c &&
#   make -C /tmp/b O=.output .output/kdelay-record
#   bench/tick-ab.sh .output/kdelay-record /tmp/b/.output/kdelay-record
#
# For each round and build: bench/loop makes N getppid() calls on CPU 1,
# the recorder runs on CPU 0 under /usr/bin/time (recorder_cpu_s: start-up
# included) and, from "# Start sampling" on, under perf stat
# (window_ns_per_event: the recording alone, task-clock); then a flat-out
# 20 s run, and a 5 s recording of a sleeping target (the idle ticking).
# Environment: O (build output, default .output), ROUNDS (5), N (3000000).
set -euo pipefail

[ $# -ge 2 ] && [ $# -le 8 ] || { echo "usage: bench/tick-ab.sh RECORDER_A RECORDER_B [RECORDER_C...]" >&2; exit 64; }
O=${O:-.output}
LOOP=$O/bench/loop
REP=$O/kdelay-report
ROUNDS=${ROUNDS:-5}
N=${N:-3000000}
LETTERS=ABCDEFGH
declare -A REC=()
TAGS=()
for r in "$@"; do
	t=${LETTERS:${#TAGS[@]}:1}
	REC[$t]=$r
	TAGS+=("$t")
done
T=$(mktemp -d /tmp/kdelay-tick-ab.XXXXXX)
trap 'rm -rf "$T"' EXIT

cpu_s() { awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$1"; }
info() { awk -v k="$2:" '$1 == k { gsub(",", "", $2); print $2 }' "$1"; }

# traced TAG BUILD LOOP_ARGS...: one loop under one recorder
traced() {
	local tag=$1 v=$2 lp kp sp
	shift 2
	"$LOOP" -w -c 1 "$@" > "$T/$tag.loop" 2>&1 &
	lp=$!
	until grep -q ready "$T/$tag.loop" 2>/dev/null; do sleep 0.05; done
	taskset -c 0 /usr/bin/time -v -o "$T/$tag.time" "${REC[$v]}" -p $lp --sample-time 3600 \
		-o "$T/$tag.kd" > "$T/$tag.out" 2> "$T/$tag.err" &
	kp=$!
	until grep -q '^# Start sampling' "$T/$tag.out" 2>/dev/null; do sleep 0.05; done
	# kp is /usr/bin/time; the recorder is its child
	perf stat -x, -e task-clock -p "$(pgrep -P $kp)" -o "$T/$tag.stat" 2> /dev/null &
	sp=$!
	kill -USR1 $lp
	wait $lp
	wait $kp
	wait $sp || true
	"$REP" -i "$T/$tag.kd" --info > "$T/$tag.info"
	local cpu ev win
	cpu=$(cpu_s "$T/$tag.time")
	ev=$(info "$T/$tag.info" events)
	win=$(awk -F, '$3 == "task-clock" { print $1 }' "$T/$tag.stat")
	echo "$tag: recorder_cpu_s=$cpu events=$ev dropped=$(info "$T/$tag.info" dropped)" \
		"ns_per_event=$(awk "BEGIN { print $cpu * 1e9 / $ev }")" \
		"window_ns_per_event=$(awk "BEGIN { print ${win:-0} * 1e6 / $ev }")" \
		"$(grep -o 'rate=[0-9]*' "$T/$tag.loop")"
	rm -f "$T/$tag.kd"
}

for v in "${TAGS[@]}"; do printf '%s=%s ' "$v" "${REC[$v]}"; done
echo "rounds=$ROUNDS calls=$N load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M)"
for ((r = 1; r <= ROUNDS; r++)); do
	for v in "${TAGS[@]}"; do traced "$v-round$r" $v -n "$N"; done
done
for v in "${TAGS[@]}"; do traced "$v-flat-out-20s" $v -d 20; done
for v in "${TAGS[@]}"; do
	sleep 30 &
	sp=$!
	taskset -c 0 /usr/bin/time -v -o "$T/$v.idle.time" "${REC[$v]}" -p $sp --sample-time 5 \
		-o "$T/$v.idle.kd" > /dev/null 2>&1
	kill $sp
	wait $sp 2>/dev/null || true
	echo "$v-idle-5s: recorder_cpu_s=$(cpu_s "$T/$v.idle.time")"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M)"

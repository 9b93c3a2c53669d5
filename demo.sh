#!/usr/bin/env bash
# demo.sh - the main job on a fresh Debian machine, as root:
# install what is missing, build, then record one second of the target and
# report it.  The target is the running ovs-vswitchd when there is exactly
# one, else the bundled sample workload (samples/kdelay-sample), started
# here and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: run me as root (BPF programs need CAP_BPF and CAP_PERFMON)" >&2
	exit 77
fi
tests/deps.sh
make -j"$(nproc)"

out=${KDELAY_DEMO_OUT:-/tmp/kdelay-demo.data}
sample_pid=
cleanup() { [ -n "$sample_pid" ] && kill "$sample_pid" 2>/dev/null; true; }
trap cleanup EXIT

if [ "$(pgrep -x ovs-vswitchd | wc -l)" -eq 1 ]; then
	echo "# target: the running ovs-vswitchd (pid $(pgrep -x ovs-vswitchd))"
	target=()
else
	.output/kdelay-sample --duration 30 >/tmp/kdelay-demo-sample.log 2>&1 &
	sample_pid=$!
	sleep 0.5
	echo "# target: no single ovs-vswitchd runs; using the sample workload (pid $sample_pid)"
	target=(-p "$sample_pid")
fi

.output/kdelay-record "${target[@]}" --sample-time 1 --syscall-events 1000000 -o "$out"
echo
.output/kdelay-report -i "$out"
echo
echo "# capture kept in $out; try: .output/kdelay-report -i $out --info | --json"

#!/usr/bin/env bash
# The sample workload keeps its promises, checked without kdelay: its
# options, its probes and symbols, the numbers each mode prints, and - with
# bpftrace as an independent tracer - that every pair of markers encloses
# exactly N calls of the counted syscall.  The other e2e tests rely on it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_bins kdelay-sample

# --- options
"$SAMPLE" --help >"$T_TMP/help" 2>&1
check_eq "--help exits 0" 0 $?
check_grep "--help shows usage and modes" 'usage: kdelay-sample.*' "$T_TMP/help"
check_grep "--help lists the exact mode" 'exact' "$T_TMP/help"
check_exit "unknown option" 64 "$SAMPLE" --no-such-option
check_exit "unknown mode" 64 "$SAMPLE" --mode nope
check_exit "bad --calls" 64 "$SAMPLE" --calls x
check_exit "stray argument" 64 "$SAMPLE" extra

# --- probes and symbols the triggers use
readelf -n "$SAMPLE" >"$T_TMP/notes"
for p in run_start run_block; do
	check "USDT kdelay_sample:$p is in the binary" \
		awk -v p="$p" '/Provider: kdelay_sample/ { prov = 1; next } prov && $1 == "Name:" && $2 == p { f = 1 } { prov = 0 } END { exit !f }' "$T_TMP/notes"
done
nm "$SAMPLE" >"$T_TMP/nm"
check_grep "sample_window is a global function (uprobe target)" ' T sample_window$' "$T_TMP/nm"
check_grep "bridge_run is a global function (uprobe target)" ' T bridge_run$' "$T_TMP/nm"

# --- exact mode prints its counts
share_tracepoint_markers
"$SAMPLE" -m exact -c 1234 -i 3 --pause-ms 10 >"$T_TMP/exact.out" 2>&1
check_eq "exact mode exits 0" 0 $?
check_grep "exact: pid line" '^pid=[0-9]+ mode=exact comm=kdelay-sample$' "$T_TMP/exact.out"
check_eq "exact: three windows of 1234 calls" 3 "$(grep -cE '^window=[0-2] thread=handler1 tid=[0-9]+ syscall=getppid calls=1234$' "$T_TMP/exact.out")"
check_grep "exact: total line" '^thread=handler1 tid=[0-9]+ syscall=getppid calls=3702 iterations=3$' "$T_TMP/exact.out"
"$SAMPLE" -m exact -t revalidator7 -s getuid -c 5 -n fake-vswitchd >"$T_TMP/exact2.out" 2>&1
check_grep "exact: --thread, --syscall and --name apply" '^thread=revalidator7 tid=[0-9]+ syscall=getuid calls=5 ' "$T_TMP/exact2.out"
check_grep "exact: comm is set" 'comm=fake-vswitchd' "$T_TMP/exact2.out"

# --- contend: both threads get their CPU time and wait about as long
"$SAMPLE" -m contend --spin-ms 150 >"$T_TMP/contend.out" 2>&1
check_eq "contend mode exits 0" 0 $?
for t in spin1 spin2; do
	cpu=$(sed -n "s/^thread=$t .*cpu_ns=\([0-9]*\) .*/\1/p" "$T_TMP/contend.out")
	wt=$(sed -n "s/^thread=$t .*wait_ns=\([0-9-]*\).*/\1/p" "$T_TMP/contend.out")
	in_range "contend: $t burnt its 150 ms of CPU (ms)" "$((${cpu:-0} / 1000000))" 150 200
	# at least while the other ran; the node's other load only adds to it
	in_range "contend: $t waited for the shared CPU (ms)" "$((${wt:-0} / 1000000))" 45 1000000
done
check_eq "contend: both on one CPU" 1 "$(sed -n 's/.* cpu=\([0-9]*\) .*/\1/p' "$T_TMP/contend.out" | sort -u | wc -l)"
# SCHED_RR: strict 100 ms turns, whatever else runs: each waits 100..300 ms.
"$SAMPLE" -m contend --policy rr --spin-ms 150 >"$T_TMP/rr.out" 2>&1
check_eq "contend --policy rr exits 0" 0 $?
check_grep "contend --policy rr: threads are SCHED_RR" '^thread=spin1 tid=[0-9]+ cpu=[0-9]+ policy=rr$' "$T_TMP/rr.out"
for t in spin1 spin2; do
	wt=$(sed -n "s/^thread=$t .*wait_ns=\([0-9-]*\).*/\1/p" "$T_TMP/rr.out")
	in_range "contend rr: $t waited its turns (ms)" "$((${wt:-0} / 1000000))" 45 450
done
check_exit "contend: unknown --policy" 64 "$SAMPLE" -m contend --policy fifo

# --- exit-early, blocked
"$SAMPLE" -m exit-early -c 7 -d 0.1 >"$T_TMP/early.out" 2>&1
check_eq "exit-early exits 0" 0 $?
check_grep "exit-early: counts and exit" '^thread=early1 tid=[0-9]+ exited$' "$T_TMP/early.out"
check_grep "exit-early: calls" '^thread=early1 tid=[0-9]+ syscall=getppid calls=7 exiting$' "$T_TMP/early.out"
"$SAMPLE" -m blocked --block-ms 300 >"$T_TMP/blocked.out" 2>&1
check_eq "blocked exits 0" 0 $?
bns=$(sed -n 's/.*state=returned blocked_ns=\([0-9]*\).*/\1/p' "$T_TMP/blocked.out")
in_range "blocked: read() stayed blocked ~300 ms" "$((${bns:-0} / 1000000))" 290 2000
check "blocked: in_syscall reported before it returned" \
	awk '/in_syscall=1/ { a = NR } /state=returned/ { b = NR } END { exit !(a && b && a < b) }' "$T_TMP/blocked.out"

# --- ovs-like: named threads, stops on SIGTERM
start_sample ovs --rate 200
check_eq "ovs-like: ready" 0 $?
names=$(cat /proc/"$SAMPLE_PID"/task/*/comm | sort | tr '\n' ' ')
check_eq "ovs-like: thread names" "handler1 handler2 kdelay-sample revalidator3 revalidator4 urcu5 " "$names"
release_sample ovs
sleep 0.3
kill -TERM "$SAMPLE_PID"
wait_exit "$SAMPLE_PID" 5
check_eq "ovs-like: exits 0 on SIGTERM" 0 $?
check_grep "ovs-like: main loop iterated" '^iterations=[1-9][0-9]*$' "$T_TMP/ovs.out"

# --- independent check with bpftrace: markers enclose exactly N calls
need_root
N=777
start_sample bt -m exact -c $N -i 3 --pause-ms 50
libc=$(ldd "$SAMPLE" | awk '/libc\.so/ { print $3 }')
cat >"$T_TMP/check.bt" <<EOF
usdt:$SAMPLE:kdelay_sample:run_start { @in_usdt[tid] = 1; }
usdt:$SAMPLE:kdelay_sample:run_block { @in_usdt[tid] = 0; @usdt_windows = count(); }
uprobe:$SAMPLE:sample_window { @in_up[tid] = 1; }
uretprobe:$SAMPLE:sample_window { @in_up[tid] = 0; @up_windows = count(); }
tracepoint:syscalls:sys_enter_sched_get_priority_max /pid == $SAMPLE_PID/ { @in_tp[tid] = 1; }
tracepoint:syscalls:sys_enter_sched_get_priority_min /pid == $SAMPLE_PID/ { @in_tp[tid] = 0; @tp_windows = count(); }
uprobe:$libc:getpgid /pid == $SAMPLE_PID/ { @in_libc[tid] = 1; }
uprobe:$libc:getsid /pid == $SAMPLE_PID/ { @in_libc[tid] = 0; @libc_windows = count(); }
tracepoint:syscalls:sys_enter_getppid /pid == $SAMPLE_PID/ {
	if (@in_usdt[tid]) { @usdt_calls = count(); }
	if (@in_up[tid]) { @up_calls = count(); }
	if (@in_tp[tid]) { @tp_calls = count(); }
	if (@in_libc[tid]) { @libc_calls = count(); }
	@all_calls = count();
}
BEGIN { printf("attached\n"); }
EOF
timeout 60 bpftrace -p "$SAMPLE_PID" "$T_TMP/check.bt" >"$T_TMP/bt.out" 2>"$T_TMP/bt.err" &
btpid=$!
defer "stop_pid $btpid"
if ! wait_for_line "$T_TMP/bt.out" '^attached' 30; then
	not_ok "bpftrace attached"
	diag <"$T_TMP/bt.err"
fi
release_sample bt
wait_exit "$SAMPLE_PID" 20
check_eq "bt: sample exits 0" 0 $?
kill -INT "$btpid"
wait_exit "$btpid" 20
for k in usdt_windows up_windows tp_windows libc_windows; do
	check_grep "bpftrace: 3 $k" "^@$k: 3$" "$T_TMP/bt.out"
done
for k in usdt_calls up_calls tp_calls libc_calls all_calls; do
	check_grep "bpftrace: $k = 3 x $N" "^@$k: $((3 * N))$" "$T_TMP/bt.out"
done
done_testing

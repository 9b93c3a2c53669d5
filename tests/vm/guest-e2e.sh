#!/usr/bin/env bash
# tests/vm/guest-e2e.sh - the end-to-end subset the kernel matrix runs in
# each guest kernel (tests/e2e/90-kernels.sh boots it through
# tests/vm/run.sh), with the static recorder ($O/static/kdelay-record,
# $O/static/kdelay): what a support engineer would copy onto a node.
# Counts are exact, not timed (the guest is emulated, tens of times
# slower than the host): time-mode windows are long and end when the
# sample does, the recorder's readiness is waited for (its "# Start
# sampling"), and a trigger window opens only on the sample's marker:
#   - time mode: the sample's exact getppid/getpgid/getsid counts, its
#     thread's name under its tid, no drops;
#   - every trigger kind, each window holding exactly N getppid: USDT,
#     uprobe and uretprobe in the binary and in libc, tracepoint, kprobe
#     and kretprobe (which the host kernel lacks);
#   - kdelay (the kernel_delay.py drop-in) with triggers;
#   - stacks of long syscalls, symbolized after the binary is deleted;
#   - a syscall in flight at a window's end; a thread that is born and
#     exits in the window; drops counted with a one-page buffer;
#   - interrupts: where a thread that only computes has its soft irqs
#     charged, which differs on PREEMPT_RT (see kdelay-report(1));
#   - --staging on (syscall records staged per CPU, a perf-event flush
#     tick on every CPU; on PREEMPT_RT the syscall programs are
#     preemptible): the flush tick attached, exact counts, and drops
#     whose LOSS records add up to the dropped total.
# TAP on stdout; the host reads it line by line.  SECTIONS="time
# triggers stacks flight drops irq staging" (default: all) runs some only.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib.sh"
. "$here/../e2e/helpers.bash"
need_root
need_bins kdelay-sample kdelay-report static/kdelay-record static/kdelay
RECORD=$BIN/static/kdelay-record
KDELAY=$BIN/static/kdelay
# The helpers bound their waits by a count of 50 ms polls; in an emulated
# guest each poll (a grep) takes far longer, so bound them by the clock.
wait_for_line() {
	local end=$((SECONDS + ${3:-10}))
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.05
	done
}
wait_exit() {
	local pid=$1 end=$((SECONDS + ${2:-30}))
	while kill -0 "$pid" 2>/dev/null; do
		if [ $SECONDS -ge $end ]; then
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 124
		fi
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
}
rt=0
[ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ] && rt=1
echo "# kernel $(uname -r), PREEMPT_RT=$rt, $(nproc) CPUs"
want() { [ -z "${SECTIONS:-}" ] || [[ " $SECTIONS " == *" $1 "* ]]; }
# report TAG [OPTIONS]: kdelay-report of $T_TMP/TAG.data into TAG.txt and
# its parsed rows into TAG.tsv.
report() {
	local tag=$1
	shift
	timeout 300 "$REPORT" -i "$T_TMP/$tag.data" "$@" >"$T_TMP/$tag.txt" 2>"$T_TMP/$tag.rep.err"
	check_eq "$tag: kdelay-report exits 0" 0 $?
	parse_report <"$T_TMP/$tag.txt" >"$T_TMP/$tag.tsv"
}

if want time; then
f0=$T_FAILED
# ------------------------------------------------------------ time mode
N=1000
IT=2
start_sample ex -m exact -c $N -i $IT --pause-ms 50 --linger-ms 500 ||
	not_ok "time mode: sample ready"
tid=$(sample_tid ex handler1)
start_record ex -p "$SAMPLE_PID" --sample-time 120 -o "$T_TMP/ex.data"
wait_recording ex 300
check_eq "time mode: the recorder opened its window" 0 $?
release_sample ex
wait_exit "$RECORD_PID" 180
check_eq "time mode: kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
report ex
check_eq "time mode: handler1 getppid COUNT = $IT x $N" $((IT * N)) "$(stat_sum "$T_TMP/ex.tsv" '*' handler1 sys getppid 6)"
check_eq "time mode: handler1 getpgid COUNT = $IT" $IT "$(stat_sum "$T_TMP/ex.tsv" '*' handler1 sys getpgid 6)"
check_eq "time mode: handler1 getsid COUNT = $IT" $IT "$(stat_sum "$T_TMP/ex.tsv" '*' handler1 sys getsid 6)"
check_eq "time mode: handler1 listed under its tid" "$tid" \
	"$(awk -F '\t' '$3 == "handler1" { print $2; exit }' "$T_TMP/ex.tsv")"
check_grep "time mode: getppid is syscall 110" '^ +getppid +110 +[0-9]+ ' "$T_TMP/ex.txt"
no_drops "time mode: zero drops" "$T_TMP/ex.txt" "$T_TMP/ex.rec.err"
[ "$T_FAILED" -gt "$f0" ] && show_file "$T_TMP/ex.txt" 30

fi

if want triggers; then
f0=$T_FAILED
# ------------------------------------------------------------- triggers
# The exact sample loops: run_start, getpgid(0) (libc), sched_get_priority_max,
# sample_window() { N getppid }, sched_get_priority_min, getsid(0) (libc),
# run_block, pause.  Kprobes and tracepoints fire for every process: in
# this guest, nothing else makes these two syscalls.
N=300
W=2
kfunc=__x64_sys_sched_get_priority_max
kfunc2=__x64_sys_sched_get_priority_min
# run_triggers TAG START STOP GETPGID GETSID: W windows, each with exactly
# N getppid of handler1 and GETPGID getpgid and GETSID getsid.
run_triggers() {
	local tag=$1 start=$2 stop=$3 pgid=$4 sid=$5 rc w c bad=""
	start_sample "$tag" -m exact -c $N -i 100000 --pause-ms 100 ||
		{ not_ok "$tag: sample ready"; return; }
	start_record "$tag" -p "$SAMPLE_PID" --start-trigger "$start" --stop-trigger "$stop" \
		--sample-count $W -o "$T_TMP/$tag.data"
	# Windows open only on a start marker, so however late the recorder
	# attaches, each holds one iteration; this only saves iterations.
	sleep 3
	release_sample "$tag"
	wait_exit "$RECORD_PID" 300
	rc=$?
	check_eq "$tag ($start .. $stop): kdelay-record exits 0" 0 $rc
	[ $rc -eq 0 ] || diag <"$T_TMP/$tag.rec.err"
	stop_pid "$SAMPLE_PID"
	report "$tag"
	check_eq "$tag: $W triggered windows" $W \
		"$(grep -cE '^# Triggered sample dump, stop-start delta [0-9,]+ ns' "$T_TMP/$tag.txt")"
	for w in $(seq $W); do
		c="$(stat_sum "$T_TMP/$tag.tsv" "$w" handler1 sys getppid 6)"
		c="$c $(stat_sum "$T_TMP/$tag.tsv" "$w" handler1 sys getpgid 6)"
		c="$c $(stat_sum "$T_TMP/$tag.tsv" "$w" handler1 sys getsid 6)"
		[ "$c" = "$N $pgid $sid" ] || bad="$bad window $w: $c;"
	done
	if [ -z "$bad" ]; then
		ok "$tag: every window holds exactly $N getppid, $pgid getpgid, $sid getsid"
	else
		not_ok "$tag: every window holds exactly $N getppid, $pgid getpgid, $sid getsid"
		echo "$bad" | diag
		show_file "$T_TMP/$tag.txt" 40
	fi
	no_drops "$tag: zero drops" "$T_TMP/$tag.txt" "$T_TMP/$tag.rec.err"
}
run_triggers usdt u:kdelay_sample:run_start u:kdelay_sample:run_block 1 1
run_triggers uprobe up:sample_window ur:sample_window 0 0
run_triggers uretprobe-start ur:getpgid up:getsid 0 0
run_triggers libc up:getpgid ur:getsid 1 1
run_triggers tracepoint t:syscalls:sys_enter_sched_get_priority_max t:syscalls:sys_enter_sched_get_priority_min 0 0
check "kprobe: $kfunc is a kernel function here" grep -q " $kfunc\$" /proc/kallsyms
run_triggers kprobe k:$kfunc kr:$kfunc2 0 0
run_triggers kretprobe kr:$kfunc k:$kfunc2 0 0
run_triggers kprobe-long kprobe:$kfunc kretprobe:$kfunc2 0 0

# kdelay, the kernel_delay.py drop-in, with a kprobe start and a uretprobe
# stop: the reference's text with the exact count.
start_sample kd -m exact -c $N -i 100000 --pause-ms 100
timeout 300 "$KDELAY" -p "$SAMPLE_PID" --start-trigger k:$kfunc --stop-trigger ur:sample_window \
	--sample-count 1 >"$T_TMP/kd.txt" 2>"$T_TMP/kd.err" &
kd_pid=$!
sleep 3
release_sample kd
wait_exit $kd_pid 300
check_eq "kdelay (static) with kprobe/uretprobe triggers exits 0" 0 $?
stop_pid "$SAMPLE_PID"
parse_report <"$T_TMP/kd.txt" >"$T_TMP/kd.tsv"
check_eq "kdelay: the window holds exactly $N getppid of handler1" $N "$(stat_sum "$T_TMP/kd.tsv" '*' handler1 sys getppid 6)"
[ "$T_FAILED" -gt "$f0" ] && { show_file "$T_TMP/kd.txt" 30; diag <"$T_TMP/kd.err"; }

fi

if want stacks; then
f0=$T_FAILED
# ---------------------------------------------------------------- stacks
# 3 pauses of 150 ms in handler1 (clock_nanosleep), listed with stacks
# symbolized from the capture alone, after the traced binary is deleted.
mkdir "$T_TMP/node"
cp "$BIN/kdelay-sample" "$T_TMP/node/kd-sample-copy"
SAMPLE=$T_TMP/node/kd-sample-copy
start_sample se -m exact -c 100 -i 4 --pause-ms 150
htid=$(sample_tid se handler1)
start_record se -p "$SAMPLE_PID" --syscall-events 50000000 --sample-time 120 -o "$T_TMP/se.data"
wait_recording se 300
release_sample se
wait_exit "$SAMPLE_PID" 180
wait_exit "$RECORD_PID" 180
check_eq "stacks: kdelay-record exits 0" 0 $?
rm -f "$SAMPLE"
SAMPLE=$BIN/kdelay-sample
report se
awk -v t="$htid" '/^# SYSCALL EVENTS:/ { on = 1; next } !on { next }
	/^ +[0-9]+ +[0-9]+ +[0-9]+ / { cur = ($3 == t && $6 == "clock_nanosleep"); if (cur) n++; next }
	cur { print } END { print n + 0 > "/dev/stderr" }' "$T_TMP/se.txt" >"$T_TMP/se.stacks" 2>"$T_TMP/se.n"
check_eq "stacks: handler1's 3 pauses listed" 3 "$(cat "$T_TMP/se.n")"
check_grep "stacks: kernel frames include the syscall entry" '^ +(do_syscall_64|entry_SYSCALL_64[a-z_]*)\+0x[0-9a-f]+ \[kernel\]$' "$T_TMP/se.stacks"
check_grep "stacks: user frame in libc" '^ +[a-zA-Z_0-9.]+\+0x[0-9a-f]+ \[libc\.so\.6\]$' "$T_TMP/se.stacks"
check_grep "stacks: user frame in the deleted sample" '^ +exact_thread\+0x[0-9a-f]+ \[kd-sample-copy\]$' "$T_TMP/se.stacks"
check "stacks: none lost" sh -c "! grep -Eiq 'not able to display|stacks? lost|lost stack' '$T_TMP/se.txt'"
[ "$T_FAILED" -gt "$f0" ] && show_file "$T_TMP/se.txt" 40

fi

if want flight; then
f0=$T_FAILED
# ---------------------------------------------- in flight, threads that exit
# Time mode (the recorder says when its window is open): blocker1 enters
# a read() that lasts 60 s, the window closes after 30 s.
start_sample bl -m blocked -t blocker1 --block-ms 60000
btid=$(sample_tid bl blocker1)
start_record bl -p "$SAMPLE_PID" --sample-time 30 -o "$T_TMP/bl.data"
wait_recording bl 300
release_sample bl
wait_for_line "$T_TMP/bl.out" '^thread=blocker1 tid=[0-9]+ in_syscall=1$' 25
check_eq "in flight: blocker1 entered read() in the window" 0 $?
wait_exit "$RECORD_PID" 120
check_eq "in flight: kdelay-record exits 0" 0 $?
check "in flight: read() still blocked after the window" grep -q '^thread=blocker1 .*state=entering' "$T_TMP/bl.out"
check "in flight: read() had not returned when the window closed" sh -c "! grep -q 'state=returned' '$T_TMP/bl.out'"
stop_pid "$SAMPLE_PID"
report bl
check_eq "in flight: the unfinished read is not counted" 0 "$(stat_sum "$T_TMP/bl.tsv" '*' blocker1 sys read 6)"
check "in flight: read of blocker1 reported in progress at the window's end" \
	awk -v tid="$btid" 'tolower($0) ~ /progress|unfinished|not finished|still|blocked|pending/ { on = 1 }
	on && ($0 ~ /blocker1/ || $0 ~ "(^| )" tid "( |$)") && $0 ~ /(^| )read( |$)/ { f = 1 } END { exit !f }' "$T_TMP/bl.txt"
[ "$T_FAILED" -gt "$f0" ] && show_file "$T_TMP/bl.txt" 40

N=321
start_sample ee -m exit-early -t early1 -c $N -d 5 --spawn-late
start_record ee -p "$SAMPLE_PID" --sample-time 120 -o "$T_TMP/ee.data"
wait_recording ee 300
release_sample ee
wait_for_line "$T_TMP/ee.out" '^thread=early1 tid=[0-9]+ exited$' 30
check_eq "thread exit: early1 was born, named and gone in the window" 0 $?
etid=$(sample_tid ee early1)
wait_exit "$RECORD_PID" 180
check_eq "thread exit: kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
report ee
check_eq "thread exit: early1 listed by name under its tid" "$etid" \
	"$(awk -F '\t' '$3 == "early1" { print $2; exit }' "$T_TMP/ee.tsv")"
check_eq "thread exit: early1 getppid COUNT = $N" $N "$(stat_sum "$T_TMP/ee.tsv" '*' early1 sys getppid 6)"
check "thread exit: no <unknown...> thread" sh -c "! grep -q '<unknown' '$T_TMP/ee.txt'"

fi

if want drops; then
f0=$T_FAILED
# ----------------------------------------------------------------- drops
N=100000
start_sample dr -m exact -c $N -i 1 --linger-ms 1000
start_record dr -p "$SAMPLE_PID" --buffer-page-count 1 --sample-time 120 -o "$T_TMP/dr.data"
wait_recording dr 300
release_sample dr
wait_for_line "$T_TMP/dr.out" '^thread=handler1 .*iterations=1$' 60
check "drops: the $N calls were made while the window was open" kill -0 "$RECORD_PID"
wait_exit "$RECORD_PID" 180
check_eq "drops: kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
report dr
timeout 300 "$REPORT" -i "$T_TMP/dr.data" --info >"$T_TMP/dr.info" 2>&1
dropped=$(sed -n 's/^dropped: *\([0-9,]*\).*/\1/p' "$T_TMP/dr.info" | tr -d ,)
events=$(sed -n 's/^events: *\([0-9,]*\).*/\1/p' "$T_TMP/dr.info" | tr -d ,)
in_range "drops: events were dropped" "${dropped:-0}" 1 100000000
in_range "drops: kept ($events) + dropped ($dropped) >= 2 x $N" $((${events:-0} + ${dropped:-0})) $((2 * N)) $((4 * N))
wdrop=$(sed -n 's/.*WARNING: Not all events were captured, \([0-9,]*\) were dropped.*/\1/p' "$T_TMP/dr.txt" | tr -d , | head -1)
check_eq "drops: the report's WARNING gives the capture's count" "$dropped" "$wdrop"

fi

if want irq; then
f0=$T_FAILED
# ------------------------------------------------------------ interrupts
# Two threads that only compute, pinned to one CPU, for 1 s each.  A
# kernel without PREEMPT_RT runs soft irqs (timers, RCU, scheduler) on
# the way out of the tick's interrupt, on top of whatever runs: they are
# charged to the spinners as [SOFT IRQ STATISTICS].  PREEMPT_RT runs them
# in threads (ktimers, ksoftirqd, rcuc): the spinners are preempted
# instead, and that time is theirs as READY, not SOFT IRQ.  Hard irq
# handlers that RT threads show only their short primary half.
start_sample irq -m contend --policy other --spin-ms 1000 --linger-ms 300
start_record irq -p "$SAMPLE_PID" --sample-time 120 -o "$T_TMP/irq.data"
wait_recording irq 300
release_sample irq
# The recording ends when the sample does.
wait_exit "$RECORD_PID" 180
check_eq "interrupts: kdelay-record exits 0" 0 $?
wait_exit "$SAMPLE_PID" 30
report irq
sirq=$(($(stat_sum "$T_TMP/irq.tsv" '*' spin1 softirq '*' 6) + $(stat_sum "$T_TMP/irq.tsv" '*' spin2 softirq '*' 6)))
rdy=$(($(stat_sum "$T_TMP/irq.tsv" '*' spin1 ready - 6) + $(stat_sum "$T_TMP/irq.tsv" '*' spin2 ready - 6)))
echo "# interrupts: spinners' soft irqs: $sirq; READY switches: $rdy"
awk -F '\t' '$4 == "softirq" || $4 == "hardirq"' "$T_TMP/irq.tsv" | diag
if [ $rt = 1 ]; then
	check_eq "interrupts (PREEMPT_RT): no soft irq charged to threads that only compute" 0 "$sirq"
else
	in_range "interrupts: soft irqs charged to threads that only compute" "$sirq" 1 1000000
fi
in_range "interrupts: the spinners were preempted (READY SCHED_CNT)" "$rdy" 2 1000000
fi

if want staging; then
f0=$T_FAILED
# --------------------------------------------------------------- staging
N=1000
IT=2
possible=$(awk -F- '{ print $NF + 1 }' /sys/devices/system/cpu/possible)
start_sample st -m exact -c $N -i $IT --pause-ms 50 --linger-ms 500 ||
	not_ok "staging: sample ready"
start_record st -p "$SAMPLE_PID" --staging on --sample-time 120 -o "$T_TMP/st.data"
wait_recording st 300
check_eq "staging: the recorder opened its window" 0 $?
# the recorder's BPF links to perf events, as the kernel lists its fds
check_eq "staging: the flush tick is attached on every possible CPU ($possible)" "$possible" \
	"$(grep -l '^link_type:[[:space:]]*perf' /proc/"$RECORD_PID"/fdinfo/* 2>/dev/null | wc -l)"
release_sample st
wait_exit "$RECORD_PID" 180
check_eq "staging: kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
report st
check_eq "staging: handler1 getppid COUNT = $IT x $N" $((IT * N)) "$(stat_sum "$T_TMP/st.tsv" '*' handler1 sys getppid 6)"
check_eq "staging: handler1 getpgid COUNT = $IT" $IT "$(stat_sum "$T_TMP/st.tsv" '*' handler1 sys getpgid 6)"
no_drops "staging: zero drops" "$T_TMP/st.txt" "$T_TMP/st.rec.err"
[ "$T_FAILED" -gt "$f0" ] && show_file "$T_TMP/st.txt" 30

N=100000
# lingers long enough for the check below to see the recorder still
# recording (it stops when the sample exits), however slow the guest
start_sample sd -m exact -c $N -i 1 --linger-ms 5000
start_record sd -p "$SAMPLE_PID" --staging on --buffer-page-count 1 --sample-time 120 -o "$T_TMP/sd.data"
wait_recording sd 300
release_sample sd
wait_for_line "$T_TMP/sd.out" '^thread=handler1 .*iterations=1$' 60
check "staging, drops: the $N calls were made while the window was open" kill -0 "$RECORD_PID"
wait_exit "$RECORD_PID" 180
check_eq "staging, drops: kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
timeout 300 "$REPORT" -i "$T_TMP/sd.data" --info >"$T_TMP/sd.info" 2>&1
dropped=$(sed -n 's/^dropped: *\([0-9,]*\).*/\1/p' "$T_TMP/sd.info" | tr -d ,)
events=$(sed -n 's/^events: *\([0-9,]*\).*/\1/p' "$T_TMP/sd.info" | tr -d ,)
lost=$(sed -n 's/^losses: *\([0-9,]*\) events in .*/\1/p' "$T_TMP/sd.info" | tr -d ,)
in_range "staging, drops: events were dropped" "${dropped:-0}" 1 100000000
in_range "staging, drops: kept ($events) + dropped ($dropped) >= 2 x $N" $((${events:-0} + ${dropped:-0})) $((2 * N)) $((4 * N))
check_eq "staging, drops: the LOSS records add up to the dropped total" "$dropped" "$lost"

fi

done_testing

#!/usr/bin/env bash
# Trigger mode: windows opened and closed by each trigger kind this kernel
# supports (usdt, tracepoint, uprobe, uretprobe, uprobe on a libc
# function), each window holding exactly the N calls the sample makes
# between the two markers; kprobe/kretprobe triggers parse, then fail with
# a message naming the missing kernel feature.
#
# The sample (exact mode) loops: run_start, getpgid(0),
# sched_get_priority_max(), sample_window() { N x getppid },
# sched_get_priority_min(), getsid(0), run_block, pause.  So between
#   u:kdelay_sample:run_start .. u:kdelay_sample:run_block   N getppid, 1 getpgid, 1 getsid
#   up:sample_window          .. ur:sample_window            N getppid, 0 getpgid, 0 getsid
#   t:syscalls:sys_enter_sched_get_priority_max
#                             .. t:..._sched_get_priority_min  N getppid, 0 getpgid, 0 getsid
#   up:getpgid (libc)         .. up:getsid (libc)            N getppid, 0 getsid
# (Tracepoint triggers fire for any process, as in kernel_delay.py: the
# sample's tracepoint markers are syscalls nothing else on a node calls.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report kdelay
# This script takes the tracepoint-triggers lock itself, exclusively.
OWNS_TRACEPOINT_MARKERS=1

N=1500
WINDOWS=3

# run_triggers TAG START STOP [extra record options]: record WINDOWS
# windows of a freely running sample, report them, check every window.
# Sets REP (text) and TSV.
run_triggers() {
	local tag=$1 start=$2 stop=$3 rc
	shift 3
	start_sample "$tag" -m exact -c $N -i 100000 --pause-ms 150 ||
		{ not_ok "$tag: sample ready"; return 1; }
	local f=$T_TMP/$tag.data
	start_record "$tag" -p "$SAMPLE_PID" --start-trigger "$start" --stop-trigger "$stop" \
		--sample-count $WINDOWS -o "$f" "$@"
	# The sample is held at its gate until the recorder's triggers are
	# attached; windows then open and close at the sample's pace (a
	# window is opened only by a start marker).
	wait_armed "$RECORD_PID" "$start" "$stop" || { not_ok "$tag: kdelay-record attaches its triggers"; return 1; }
	release_sample "$tag"
	wait_exit "$RECORD_PID" 40
	rc=$?
	check_eq "$tag: kdelay-record exits 0" 0 $rc
	[ $rc -eq 0 ] || { diag <"$T_TMP/$tag.rec.err"; }
	stop_pid "$SAMPLE_PID"
	check_eq "$tag: '# Start sampling (trigger@TS)' per window" $WINDOWS \
		"$(grep -cE '^# Start sampling \(trigger@[0-9]+\)' "$T_TMP/$tag.rec.out")"
	REP=$T_TMP/$tag.txt
	TSV=$T_TMP/$tag.tsv
	"$REPORT" -i "$f" >"$REP" 2>"$T_TMP/$tag.rep.err"
	rc=$?
	check_eq "$tag: kdelay-report exits 0" 0 $rc
	[ $rc -eq 0 ] || diag <"$T_TMP/$tag.rep.err"
	parse_report <"$REP" >"$TSV"
	check_eq "$tag: $WINDOWS triggered windows" $WINDOWS \
		"$(grep -cE '^# Triggered sample dump, stop-start delta [0-9,]+ ns' "$REP")"
	local w bad=""
	for w in $(seq $WINDOWS); do
		local c
		c=$(stat_sum "$TSV" "$w" handler1 sys getppid 6)
		[ "$c" = "$N" ] || bad="$bad window $w: $c;"
	done
	if [ -z "$bad" ]; then ok "$tag: every window holds exactly $N getppid of handler1"; else
		not_ok "$tag: every window holds exactly $N getppid of handler1"
		echo "$bad" | diag
		show_file "$REP" 60
	fi
	no_drops "$tag: zero drops" "$REP" "$T_TMP/$tag.rec.err"
}

run_triggers usdt u:kdelay_sample:run_start usdt:kdelay_sample:run_block
check_eq "usdt: getpgid inside each window" $WINDOWS "$(stat_sum "$TSV" '*' handler1 sys getpgid 6)"
check_eq "usdt: getsid inside each window" $WINDOWS "$(stat_sum "$TSV" '*' handler1 sys getsid 6)"
check_eq "usdt: no clock_nanosleep (the pause) inside" 0 "$(stat_sum "$TSV" '*' handler1 sys clock_nanosleep 6)"

# --trigger-delta re-applied offline: the windows last ~1 ms.
"$REPORT" -i "$T_TMP/usdt.data" --trigger-delta 10000000000 >"$T_TMP/usdt-td.txt" 2>&1
check_eq "report --trigger-delta 10 s: no window kept" 0 "$(windows "$T_TMP/usdt-td.txt")"
check_eq "report --trigger-delta 10 s: each said skipped" $WINDOWS "$(grep -c '^# Sample dump skipped, delta [0-9,]* ns' "$T_TMP/usdt-td.txt")"
"$REPORT" -i "$T_TMP/usdt.data" --trigger-delta 1 >"$T_TMP/usdt-td1.txt" 2>&1
check_eq "report --trigger-delta 1 ns: every window kept" $WINDOWS "$(windows "$T_TMP/usdt-td1.txt")"

run_triggers uprobe up:sample_window ur:sample_window
check_eq "uprobe: getpgid outside the windows" 0 "$(stat_sum "$TSV" '*' handler1 sys getpgid 6)"
check_eq "uprobe: getsid outside the windows" 0 "$(stat_sum "$TSV" '*' handler1 sys getsid 6)"

# The .rst's spelling of uretprobe, and the long forms.
run_triggers upr uprobe:sample_window upr:sample_window
run_triggers uretprobe-long uprobe:sample_window uretprobe:sample_window

# (Another test run on this node would fire the same tracepoints.)
machine_lock tracepoint-triggers
run_triggers tracepoint t:syscalls:sys_enter_sched_get_priority_max trace:syscalls:sys_enter_sched_get_priority_min
check_eq "tracepoint: getpgid outside the windows" 0 "$(stat_sum "$TSV" '*' handler1 sys getpgid 6)"
check_eq "tracepoint: getsid outside the windows" 0 "$(stat_sum "$TSV" '*' handler1 sys getsid 6)"
check_eq "tracepoint: sched_get_priority_min outside the windows" 0 "$(stat_sum "$TSV" '*' handler1 sys sched_get_priority_min 6)"

# tracefs not mounted (as at boot on these machines): the recorder mounts
# it.  Shown in a private mount namespace, so nothing else on the node
# loses its tracefs.
start_sample nomnt -m exact -c $N -i 100000 --pause-ms 150
release_sample nomnt
unshare -m --propagation private sh -c '
	umount /sys/kernel/debug 2>/dev/null; umount /sys/kernel/tracing 2>/dev/null
	grep -c " tracefs " /proc/mounts >"$1/nomnt.before"
	timeout 30 "$2" -p "$3" --start-trigger t:syscalls:sys_enter_sched_get_priority_max \
		--stop-trigger t:syscalls:sys_enter_sched_get_priority_min --sample-count 2 \
		-o "$1/nomnt.data" >"$1/nomnt.rec.out" 2>"$1/nomnt.rec.err"
	echo $? >"$1/nomnt.rc"
	grep -c " tracefs " /proc/mounts >"$1/nomnt.after"' sh "$T_TMP" "$RECORD" "$SAMPLE_PID"
stop_pid "$SAMPLE_PID"
check_eq "no tracefs: the namespace starts without it" 0 "$(cat "$T_TMP/nomnt.before")"
check_eq "no tracefs: kdelay-record with a tracepoint trigger exits 0" 0 "$(cat "$T_TMP/nomnt.rc")"
check "no tracefs: the recorder mounted it" test "$(cat "$T_TMP/nomnt.after")" -ge 1
"$REPORT" -i "$T_TMP/nomnt.data" >"$T_TMP/nomnt.txt" 2>&1
parse_report <"$T_TMP/nomnt.txt" >"$T_TMP/nomnt.tsv"
check_eq "no tracefs: 2 windows of exactly $N getppid" "$N $N" \
	"$(stat_sum "$T_TMP/nomnt.tsv" 1 handler1 sys getppid 6) $(stat_sum "$T_TMP/nomnt.tsv" 2 handler1 sys getppid 6)"

# uprobe on a function of a library the target has mapped (libc).
run_triggers libc up:getpgid up:getsid
check_eq "libc uprobe: getsid outside the windows" 0 "$(stat_sum "$TSV" '*' handler1 sys getsid 6)"

# Mixed kinds: a USDT start and a uretprobe stop.
run_triggers mixed u:kdelay_sample:run_start ur:sample_window
check_eq "mixed: getsid outside the windows" 0 "$(stat_sum "$TSV" '*' handler1 sys getsid 6)"
check_eq "mixed: getpgid inside each window" $WINDOWS "$(stat_sum "$TSV" '*' handler1 sys getpgid 6)"

# --trigger-delta: windows shorter than the delta are not kept.  The
# sample's windows last well under 1 s; with a 10 s delta none qualifies,
# so the recorder keeps none and gives up when the target ends.
start_sample delta -m exact -c 100 -i 8 --pause-ms 100
start_record delta -p "$SAMPLE_PID" --start-trigger up:sample_window \
	--stop-trigger ur:sample_window --trigger-delta 10000000000 --sample-count 2 -o "$T_TMP/delta.data"
wait_armed "$RECORD_PID" up:sample_window ur:sample_window || not_ok "--trigger-delta: kdelay-record attaches its triggers"
release_sample delta
wait_exit "$SAMPLE_PID" 20
wait_exit "$RECORD_PID" 20
check_eq "--trigger-delta: recorder ends when the target exits" 0 $?
"$REPORT" -i "$T_TMP/delta.data" >"$T_TMP/delta.txt" 2>&1
check_eq "--trigger-delta: the capture is readable" 0 $?
check_eq "--trigger-delta: no window kept" 0 "$(windows "$T_TMP/delta.txt")"
check_grep "--trigger-delta: recorder says '# Sample dump skipped, delta N ns'" '^# Sample dump skipped, delta [0-9,]+ ns' "$T_TMP/delta.rec.out"

# Start trigger only: window of --sample-time after the trigger.
start_sample startonly -m exact -c $N -i 100000 --pause-ms 3000
start_record startonly -p "$SAMPLE_PID" --start-trigger up:sample_window --sample-time 1 -o "$T_TMP/so.data"
wait_armed "$RECORD_PID" up:sample_window || not_ok "start trigger only: kdelay-record attaches its trigger"
release_sample startonly
wait_exit "$RECORD_PID" 30
check_eq "start trigger only: recorder exits 0" 0 $?
"$REPORT" -i "$T_TMP/so.data" >"$T_TMP/so.txt" 2>&1
parse_report <"$T_TMP/so.txt" >"$T_TMP/so.tsv"
check_eq "start trigger only: the window holds the $N calls after the trigger" $N \
	"$(stat_sum "$T_TMP/so.tsv" '*' handler1 sys getppid 6)"
stop_pid "$SAMPLE_PID"

# kprobes do not exist on this kernel: the trigger parses, then fails with
# a message naming the missing feature (not a parse error: EX_OSERR, the
# reference's status for a probe it could not attach).
start_sample kp -m exact -c 10 -i 100000 --pause-ms 100
for trig in k:do_sys_openat2 kprobe:do_sys_openat2 kr:do_sys_openat2 kretprobe:do_sys_openat2; do
	timeout 30 "$RECORD" -p "$SAMPLE_PID" --start-trigger "$trig" -o "$T_TMP/kp.data" >"$T_TMP/kp.out" 2>&1
	rc=$?
	check_eq "$trig: fails like the reference's 'Failed attaching' (EX_OSERR)" 71 "$rc"
	check_grep "$trig: message names kprobes" '[Kk](ret)?probe' "$T_TMP/kp.out"
	check_grep "$trig: message names the missing kernel feature" 'CONFIG_KPROBES|not (supported|available|enabled)|unsupported|does not support' "$T_TMP/kp.out"
done
timeout 30 "$BIN/kdelay" -p "$SAMPLE_PID" --stop-trigger kr:do_sys_openat2 >"$T_TMP/kp.out" 2>&1
check_eq "kdelay --stop-trigger kr:...: EX_OSERR" 71 $?
check_grep "kdelay kretprobe: message names the missing kernel feature" 'CONFIG_KPROBES' "$T_TMP/kp.out"
stop_pid "$SAMPLE_PID"
done_testing

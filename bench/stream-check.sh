#!/usr/bin/env bash
# bench/stream-check.sh - the lock-free streaming designs of bench/kagg
# (stream-percpu, stream-spsc) account for every record, even when an
# interrupt's program writes in the middle of a syscall's, and even when
# the buffers overflow.  Run by `make check` (tests/run.sh, TAP).
#
# bench/loop makes N getppid() calls on one CPU; kagg --verify adds two
# producers that interrupt the syscall programs on the same CPU (a
# hrtimer tick every 50 us, in hardirq context, and every softirq), checks
# each record's check byte and per-producer timestamp order, and prints
#   produced (counted by the programs with an atomic add, apart from the
#   buffers), consumed, dropped (counted by the buffers), staged,
#   nested (records written while another program of the design was
#   half-way through on the same CPU), getppid_enter/exit of the target.
# The oracles: the loop's N, and produced = consumed + dropped + staged.
# A negative control (--verify-one-level, every program on one buffer)
# must be caught by the same checks.
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/../tests/e2e/helpers.bash"
need_root
need_bins bench/kagg bench/loop

N=100000
CPU=1
[ "$(nproc)" -ge 2 ] || CPU=0

# run HOOK TAG KAGG_ARGS...: the loop under kagg; the verify line in $T_TMP/TAG.out
run() {
	local hook=$1 tag=$2 lp kp
	shift 2
	"$BIN/bench/loop" -w -c $CPU -n $N > "$T_TMP/$tag.loop" 2>&1 &
	lp=$!
	defer "stop_pid $lp"
	wait_for_line "$T_TMP/$tag.loop" ready 10 || { echo "loop not ready" | diag; return 1; }
	"$BIN/bench/kagg" -q --hook "$hook" "$@" -p $lp > "$T_TMP/$tag.out" 2> "$T_TMP/$tag.err" &
	kp=$!
	defer "stop_pid $kp"
	if ! wait_for_line "$T_TMP/$tag.out" '^kagg ready' 20; then
		show_file "$T_TMP/$tag.err"
		return 1
	fi
	kill -USR1 $lp
	wait_exit $lp 60 || { echo "loop failed" | diag; return 1; }
	wait_exit $kp 30 || { show_file "$T_TMP/$tag.err"; return 1; }
}

# v TAG KEY: a value of the verify line
v() { sed -n "s/^kagg verify.* $2=\\([0-9]*\\).*/\\1/p" "$T_TMP/$1.out"; }

for hook in stream-percpu stream-spsc stream-perfbuf stream-percpu-cas stream-spsc-cas; do
	t=${hook#stream-}
	check "$hook: the loop runs under kagg --verify" run $hook $t --verify
	produced=$(v $t produced)
	check_eq "$hook: produced = consumed + dropped + staged" "${produced:-none}" \
		$(($(v $t consumed) + $(v $t dropped) + $(v $t staged)))
	check_eq "$hook: every record passes its check byte and order" 0 "$(v $t bad)"
	[ $hook = stream-perfbuf ] ||
		in_range "$hook: programs were interrupted half-way (nested records)" "$(v $t nested)" 1 $N
	in_range "$hook: the tick wrote records on top of the syscalls" "$(v $t tick)" 1 100000000
	if [ "$(v $t dropped)" = 0 ]; then
		check_eq "$hook: no drop, every getppid entry of the loop" $N "$(v $t getppid_enter)"
		check_eq "$hook: no drop, every getppid exit of the loop" $N "$(v $t getppid_exit)"
	else
		# the consumer shares its CPU with the machine's other work
		in_range "$hook: drops ($(v $t dropped)), getppid entries no more than made" \
			"$(v $t getppid_enter)" 0 $N
		in_range "$hook: drops, getppid exits no more than made" "$(v $t getppid_exit)" 0 $N
	fi

	# the -cas hooks differ only in how a level is claimed: same buffers
	case $hook in *-cas) continue ;; esac
	check "$hook: the loop runs under kagg --verify --hold" run $hook $t-hold --verify --hold
	produced=$(v $t-hold produced)
	in_range "$hook --hold: the full buffers dropped records" "$(v $t-hold dropped)" 1 $((4 * N))
	check_eq "$hook --hold: produced = consumed + dropped + staged" "${produced:-none}" \
		$(($(v $t-hold consumed) + $(v $t-hold dropped) + $(v $t-hold staged)))
	check_eq "$hook --hold: every record passes its check byte and order" 0 "$(v $t-hold bad)"

	# perf's buffers have no levels of ours to merge into one
	[ $hook = stream-perfbuf ] && continue
	check "$hook: the negative control runs" run $hook $t-one --verify-one-level
	produced=$(v $t-one produced)
	sum=$(($(v $t-one consumed) + $(v $t-one dropped) + $(v $t-one staged)))
	if [ "$(v $t-one bad)" != 0 ] || [ "${produced:-none}" != "$sum" ]; then
		ok "$hook: one buffer for all levels is caught (bad $(v $t-one bad), produced $produced, accounted $sum)"
	else
		not_ok "$hook: one buffer for all levels is caught"
		cat "$T_TMP/$t-one.out" | diag
	fi
done
done_testing

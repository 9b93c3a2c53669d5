#!/usr/bin/env bash
# kdelay, the kernel_delay.py drop-in: takes the reference's options,
# prints the report after each sample, and gives the same statistics as
# kdelay-record + kdelay-report:
#  - the same run: what kdelay printed equals what kdelay-report prints
#    from the capture kdelay kept with -o;
#  - another run of the same workload through kdelay-record + report: the
#    same exact counts, window by window.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report kdelay

# --- the reference's options, all accepted
"$KDELAY" --help >"$T_TMP/help" 2>&1
check_eq "kdelay --help exits 0" 0 $?
for o in -D --debug -p --pid -s --syscall-events --buffer-page-count --sample-count \
	--sample-interval --sample-time --skip-syscall-poll-events --stack-trace-size \
	--start-trigger --stop-trigger --trigger-delta; do
	check_grep "kdelay --help lists $o" "(^|[ ,])$o([ ,=]|$)" "$T_TMP/help"
done

N=1200
W=2
TRIG=(--start-trigger up:sample_window --stop-trigger upr:sample_window)

# --- kdelay, trigger mode, capture kept with -o
start_sample kd -m exact -c $N -i 100000 --pause-ms 150
timeout 60 "$KDELAY" -p "$SAMPLE_PID" "${TRIG[@]}" --sample-count $W -o "$T_TMP/kd.data" \
	>"$T_TMP/kd.txt" 2>"$T_TMP/kd.err" &
kpid=$!
defer "stop_pid $kpid"
wait_armed $kpid up:sample_window upr:sample_window || not_ok "kdelay attaches its triggers"
release_sample kd
wait_exit $kpid 40
rc=$?
check_eq "kdelay exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/kd.err"
stop_pid "$SAMPLE_PID"
check_eq "kdelay printed $W '# Start sampling (trigger@TS) @ISO (HH:MM:SS UTC)'" $W \
	"$(grep -cE '^# Start sampling \(trigger@[0-9]+\) @[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+ \([0-9]{2}:[0-9]{2}:[0-9]{2} UTC\)$' "$T_TMP/kd.txt")"
check_eq "kdelay printed $W '# Stop sampling (trigger@TS)'" $W \
	"$(grep -cE '^# Stop sampling \(trigger@[0-9]+\) @' "$T_TMP/kd.txt")"
check_eq "kdelay printed $W triggered dumps" $W "$(windows "$T_TMP/kd.txt")"
parse_report <"$T_TMP/kd.txt" >"$T_TMP/kd.tsv"
for w in $(seq $W); do
	check_eq "kdelay window $w: handler1 getppid = $N" $N "$(stat_sum "$T_TMP/kd.tsv" $w handler1 sys getppid 6)"
done
# Each window's dump comes right after its stop line (printed per sample,
# not all at the end).
check "kdelay: each dump follows its own stop line" awk '
	/^# Stop sampling/ { s++ } /^# Triggered sample dump/ { d++; if (d != s) bad = 1 }
	END { exit bad || d == 0 }' "$T_TMP/kd.txt"

"$REPORT" -i "$T_TMP/kd.data" >"$T_TMP/kd-rep.txt" 2>"$T_TMP/kd-rep.err"
check_eq "kdelay-report reads kdelay's capture" 0 $?
parse_report <"$T_TMP/kd-rep.txt" >"$T_TMP/kd-rep.tsv"
if cmp -s "$T_TMP/kd.tsv" "$T_TMP/kd-rep.tsv"; then
	ok "same run: kdelay's statistics = kdelay-report's on its capture (every row)"
else
	not_ok "same run: kdelay's statistics = kdelay-report's on its capture (every row)"
	diff "$T_TMP/kd.tsv" "$T_TMP/kd-rep.tsv" | head -20 | diag
fi
# The statistics blocks, text for text (the timestamps lines aside).
sed -n '/^TID /,/^# /p' "$T_TMP/kd.txt" | grep -v '^# ' >"$T_TMP/kd.blocks"
sed -n '/^TID /,/^# /p' "$T_TMP/kd-rep.txt" | grep -v '^# ' >"$T_TMP/kd-rep.blocks"
check "same run: the statistics text is identical" cmp -s "$T_TMP/kd.blocks" "$T_TMP/kd-rep.blocks"
check "same run: the dump lines are identical" \
	cmp -s <(grep '^# Triggered sample dump' "$T_TMP/kd.txt") <(grep '^# Triggered sample dump' "$T_TMP/kd-rep.txt")

# --- the same workload through kdelay-record + kdelay-report
start_sample rr -m exact -c $N -i 100000 --pause-ms 150
start_record rr -p "$SAMPLE_PID" "${TRIG[@]}" --sample-count $W -o "$T_TMP/rr.data"
wait_armed "$RECORD_PID" up:sample_window upr:sample_window || not_ok "kdelay-record attaches its triggers"
release_sample rr
wait_exit "$RECORD_PID" 40
check_eq "kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
"$REPORT" -i "$T_TMP/rr.data" >"$T_TMP/rr.txt" 2>&1
parse_report <"$T_TMP/rr.txt" >"$T_TMP/rr.tsv"
check_eq "record+report: $W windows as kdelay" "$(windows "$T_TMP/kd.txt")" "$(windows "$T_TMP/rr.txt")"
for w in $(seq $W); do
	check_eq "window $w: record+report getppid of handler1 = kdelay's" \
		"$(stat_sum "$T_TMP/kd.tsv" $w handler1 sys getppid 6)" "$(stat_sum "$T_TMP/rr.tsv" $w handler1 sys getppid 6)"
	check_eq "window $w: same threads with syscall statistics" \
		"$(awk -F '\t' -v w=$w '$1 == w && $4 == "sys" { print $3 }' "$T_TMP/kd.tsv" | sort -u | tr '\n' ' ')" \
		"$(awk -F '\t' -v w=$w '$1 == w && $4 == "sys" { print $3 }' "$T_TMP/rr.tsv" | sort -u | tr '\n' ' ')"
done

# --- time mode, the reference's default (0.5 s), its line formats
start_sample tm --rate 200
release_sample tm
mkdir "$T_TMP/tmcwd"
(cd "$T_TMP/tmcwd" && timeout 30 "$KDELAY" -p "$SAMPLE_PID" >"$T_TMP/tm.txt" 2>"$T_TMP/tm.err")
rc=$?
check_eq "kdelay -p PID (time mode) exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/tm.err"
ISO='@[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} \([0-9]{2}:[0-9]{2}:[0-9]{2} UTC\)$'
check_grep "time mode: '# Start sampling @ISO (HH:MM:SS UTC)'" "^# Start sampling $ISO" "$T_TMP/tm.txt"
check_grep "time mode: '# Stop sampling @...'" "^# Stop sampling $ISO" "$T_TMP/tm.txt"
check_grep "time mode: '# Sample dump @...'" "^# Sample dump $ISO" "$T_TMP/tm.txt"
check_grep "time mode: header" '^TID        THREAD           <RESOURCE SPECIFIC>$' "$T_TMP/tm.txt"
check_grep "time mode: rule" '^---------- ---------------- -{76}$' "$T_TMP/tm.txt"
parse_report <"$T_TMP/tm.txt" >"$T_TMP/tm.tsv"
for t in handler1 handler2 revalidator3 revalidator4 kdelay-sample; do
	check_grep "time mode: $t has syscall statistics" "	$t	sys	" "$T_TMP/tm.tsv"
done
check_grep "time mode: handlers recvmsg" "	handler1	sys	recvmsg	" "$T_TMP/tm.tsv"
check_grep "time mode: revalidators sleep" "	revalidator3	sys	clock_nanosleep	" "$T_TMP/tm.tsv"
check_eq "kdelay without -o leaves no file in the cwd" "" "$(ls -A "$T_TMP/tmcwd")"

# --- --trigger-delta: short windows skipped, said as the reference does
start_sample td -m exact -c 50 -i 6 --pause-ms 100
timeout 60 "$KDELAY" -p "$SAMPLE_PID" "${TRIG[@]}" --trigger-delta 5000000000 >"$T_TMP/td.txt" 2>"$T_TMP/td.err" &
kpid=$!
defer "stop_pid $kpid"
wait_armed $kpid up:sample_window upr:sample_window || not_ok "kdelay --trigger-delta: kdelay attaches its triggers"
release_sample td
wait_exit "$SAMPLE_PID" 20
wait_exit $kpid 20
rc=$?
check "--trigger-delta: kdelay ends with its target (exit $rc)" test $rc -ne 124
check_grep "--trigger-delta: '# Sample dump skipped, delta N ns'" '^# Sample dump skipped, delta [0-9,]+ ns' "$T_TMP/td.txt"
check_eq "--trigger-delta: nothing dumped" 0 "$(windows "$T_TMP/td.txt")"
done_testing

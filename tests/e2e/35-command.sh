#!/usr/bin/env bash
# kdelay-record -- COMMAND: the command is traced from its start (its
# loader's first syscalls are in the window, and all its counted calls);
# --comm picks the target by name; the default output kdelay.data is
# created 0600 and an existing one is kept as kdelay.data.old.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

N=1800
f=$T_TMP/cmd.data
share_tracepoint_markers
timeout 60 "$RECORD" --sample-time 10 -o "$f" -- "$SAMPLE" -m exact -c $N -i 2 --pause-ms 50 \
	>"$T_TMP/cmd.out" 2>"$T_TMP/cmd.err"
rc=$?
check_eq "record -- COMMAND exits 0 when the command does" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/cmd.err"
check_grep "the command ran to its end" "^thread=handler1 tid=[0-9]+ syscall=getppid calls=$((2 * N)) iterations=2$" "$T_TMP/cmd.out"
"$REPORT" -i "$f" >"$T_TMP/cmd.txt" 2>"$T_TMP/cmd.rep.err"
check_eq "report exits 0" 0 $?
parse_report <"$T_TMP/cmd.txt" >"$T_TMP/cmd.tsv"
check_eq "one window, ended with the command" 1 "$(windows "$T_TMP/cmd.txt")"
check_eq "handler1 getppid COUNT = 2 x $N" $((2 * N)) "$(stat_sum "$T_TMP/cmd.tsv" '*' handler1 sys getppid 6)"
check_eq "the command's pid is the target" "$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$T_TMP/cmd.out")" \
	"$(awk -F '\t' '$3 == "kdelay-sample" { print $2; exit }' "$T_TMP/cmd.tsv")"
# From the start: the dynamic loader's and libc's start-up calls.
for s in mmap openat; do
	c=$(stat_sum "$T_TMP/cmd.tsv" '*' kdelay-sample sys $s 6)
	in_range "traced from its start: main thread's start-up $s calls" "$c" 1 10000
done
check_eq "the sample's own calls: set_robust_list or rseq at start" 1 \
	"$(awk -F '\t' '$3 == "kdelay-sample" && ($5 == "set_robust_list" || $5 == "rseq" || $5 == "arch_prctl" || $5 == "brk") { f = 1 } END { print f + 0 }' "$T_TMP/cmd.tsv")"
no_drops "zero drops" "$T_TMP/cmd.txt" "$T_TMP/cmd.err"

# A command that ends at once: the recorder ends with it (no hang) and
# leaves a complete capture.
timeout 30 "$RECORD" --sample-time 5 -o "$T_TMP/false.data" -- false >"$T_TMP/false.out" 2>&1
rc=$?
check "record -- false: ends with the command (got $rc)" test $rc -ne 124
"$REPORT" -i "$T_TMP/false.data" >/dev/null 2>&1
check_eq "record -- false: complete capture" 0 $?
timeout 30 "$RECORD" --sample-time 5 -o "$T_TMP/nocmd.data" -- /nonexistent/command >"$T_TMP/nocmd.out" 2>&1
rc=$?
check_eq "record -- /nonexistent/command: EX_NOINPUT (kdelay-record(1))" 66 $rc
check_grep "record -- /nonexistent/command: says why" 'nonexistent/command' "$T_TMP/nocmd.out"

# --comm NAME.
start_sample comm -m exact -n kd-comm-$$ -c $N -i 1 --linger-ms 4000
start_record comm --comm kd-comm-$$ --sample-time 2 -o "$T_TMP/comm.data"
wait_recording comm
release_sample comm
wait_exit "$RECORD_PID" 20
check_eq "--comm: kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
"$REPORT" -i "$T_TMP/comm.data" >"$T_TMP/comm.txt" 2>&1
parse_report <"$T_TMP/comm.txt" >"$T_TMP/comm.tsv"
check_eq "--comm: the named process was traced" $N "$(stat_sum "$T_TMP/comm.tsv" '*' handler1 sys getppid 6)"
check_eq "--comm: its main thread under its name" "$SAMPLE_PID" \
	"$(awk -F '\t' -v n="kd-comm-$$" '$3 == n { print $2; exit }' "$T_TMP/comm.tsv")"
timeout 20 "$RECORD" --comm no-such-comm-$$ --sample-time 0.2 -o "$T_TMP/x.data" >"$T_TMP/nocomm.out" 2>&1
rc=$?
check_eq "--comm with no such process: EX_UNAVAILABLE like the reference" 69 $rc
check_grep "--comm with no such process: says so" "no-such-comm-$$" "$T_TMP/nocomm.out"

# --comm matching two processes: refused, like two ovs-vswitchd (EX_NOINPUT).
start_sample twin1 --rate 20 -n kd-twin-$$
p1=$SAMPLE_PID
start_sample twin2 --rate 20 -n kd-twin-$$
timeout 20 "$RECORD" --comm kd-twin-$$ --sample-time 0.2 -o "$T_TMP/twin.data" >"$T_TMP/twin.out" 2>&1
check_eq "--comm matching two processes: EX_NOINPUT" 66 $?
check_grep "--comm matching two processes: says to use -p" '\-p' "$T_TMP/twin.out"
stop_pid "$p1"
stop_pid "$SAMPLE_PID"

# Default output name, 0600, .old.
mkdir "$T_TMP/cwd"
start_sample def --rate 100
release_sample def
(cd "$T_TMP/cwd" && umask 022 && timeout 30 "$RECORD" -p "$SAMPLE_PID" --sample-time 0.3 >/dev/null 2>&1)
check_eq "default output: exit 0" 0 $?
check "default output is kdelay.data" test -s "$T_TMP/cwd/kdelay.data"
check_eq "kdelay.data is 0600 whatever the umask" 600 "$(stat -c %a "$T_TMP/cwd/kdelay.data" 2>/dev/null)"
ino=$(stat -c %i "$T_TMP/cwd/kdelay.data")
(cd "$T_TMP/cwd" && timeout 30 "$RECORD" -p "$SAMPLE_PID" --sample-time 0.3 >/dev/null 2>&1)
check_eq "second run: exit 0" 0 $?
check_eq "second run: the first capture is kdelay.data.old" "$ino" "$(stat -c %i "$T_TMP/cwd/kdelay.data.old" 2>/dev/null)"
check "second run: a new kdelay.data" test -s "$T_TMP/cwd/kdelay.data"
(cd "$T_TMP/cwd" && "$REPORT" >"$T_TMP/cwd/rep.txt" 2>&1)
check_eq "kdelay-report reads kdelay.data by default" 0 $?
check_grep "default report has handler1" 'handler1 +\[SYSCALL STATISTICS\]' "$T_TMP/cwd/rep.txt"
done_testing

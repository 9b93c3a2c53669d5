#!/usr/bin/env bash
# Syscall records staged per CPU (kdelay-record --staging on; the BPF side
# in bpf/staging.bpf.h, the merge in record/merge.c), against the design
# where each record is reserved in the ring (--staging off):
#  - staging runs: the recorder holds one BPF link to a perf event (the
#    flush tick) per possible CPU, as /proc/PID/fdinfo says;
#  - exact counts: every getppid of the sample's exact mode, recorded and
#    paired, none dropped, though the thread ends its work and sleeps (its
#    last records reach the ring only by the flush tick);
#  - time order: the capture's syscall events, staged on both CPUs of the
#    ovs-like sample, are in timestamp order but by microseconds, never
#    the milliseconds a staged batch waits for its flush (read with the
#    format library: tests/tools/kdf_order.c).  Only the syscall events:
#    a record reserved one by one reads the clock after its reservation,
#    and a vCPU the host stops between the two puts it out of order by
#    that pause, with or without staging (the report's reorder buffer
#    takes it); the pause is the host's, not the merge's;
#  - losses with staging: a ring of one page overflows; whole batches are
#    lost, and the LOSS records still add up to the recorder's dropped
#    total, every getppid measured is one real call of a loss-free peer;
#  - --staging off: no flush tick, and the same exact counts.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report tests/tools/kdf_order

KDF_ORDER=$BIN/tests/tools/kdf_order
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" "$2"; }

# tick_links PID: BPF links of kdelay-record PID to perf events (its fds,
# as the kernel describes them in /proc/PID/fdinfo)
tick_links() {
	grep -l '^link_type:[[:space:]]*perf' /proc/"$1"/fdinfo/* 2>/dev/null | wc -l
}
possible=$(awk -F- '{ print $NF + 1 }' /sys/devices/system/cpu/possible)

# --- exact counts, staged
N=20000
IT=3
start_sample ex -m exact -c $N -i $IT --pause-ms 100 --linger-ms 3000 || not_ok "kdelay-sample starts"
start_record ex -p "$SAMPLE_PID" --staging on --sample-time 2.5 -o "$T_TMP/ex.data"
wait_recording ex || not_ok "kdelay-record --staging on opens its window"
check_eq "--staging on: the flush tick runs on every possible CPU ($possible)" "$possible" \
	"$(tick_links "$RECORD_PID")"
release_sample ex
wait_for_line "$T_TMP/ex.out" "^thread=handler1 .*iterations=$IT" 10 || not_ok "the sample does its work while recorded"
wait_exit "$RECORD_PID" 30
check_eq "--staging on: kdelay-record exits 0" 0 $?
"$REPORT" -i "$T_TMP/ex.data" >"$T_TMP/ex.txt" 2>"$T_TMP/ex.err"
check_eq "--staging on: kdelay-report exits 0" 0 $?
no_drops "--staging on: nothing dropped" "$T_TMP/ex.txt" "$T_TMP/ex.rec.err"
parse_report <"$T_TMP/ex.txt" >"$T_TMP/ex.tsv"
check_eq "--staging on: handler1 getppid COUNT = $IT x $N" $((IT * N)) \
	"$(stat_sum "$T_TMP/ex.tsv" '*' handler1 sys getppid 6)"
check_eq "--staging on: handler1 getpgid COUNT = $IT" $IT "$(stat_sum "$T_TMP/ex.tsv" '*' handler1 sys getpgid 6)"
stop_pid "$SAMPLE_PID"

# --- time order, two CPUs: the ovs-like sample's threads
start_sample ovs --handlers 4 --revalidators 2 --rate 2000 || not_ok "kdelay-sample (ovs-like) starts"
release_sample ovs
start_record ovs -p "$SAMPLE_PID" --staging on --sample-time 2 -o "$T_TMP/ovs.data"
wait_exit "$RECORD_PID" 30
check_eq "ovs-like, --staging on: kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
"$KDF_ORDER" "$T_TMP/ovs.data" >"$T_TMP/ovs.order" 2>&1
check_eq "kdf_order reads the capture" 0 $?
diag <"$T_TMP/ovs.order"
in_range "ovs-like: thousands of events" "$(field events "$T_TMP/ovs.order")" 10000 100000000
check_eq "ovs-like: syscall events from both CPUs" 2 "$(field cpus "$T_TMP/ovs.order")"
in_range "ovs-like: syscall events in time order but by microseconds (max step back, ns)" \
	"$(field sys_max_back_ns "$T_TMP/ovs.order")" 0 999999
"$REPORT" -i "$T_TMP/ovs.data" >"$T_TMP/ovs.txt" 2>"$T_TMP/ovs.err"
check_eq "ovs-like: kdelay-report exits 0" 0 $?

# --- losses, staged: a one-page ring and a loss-free peer (73-losses.sh's
# oracle: causality between two captures of the same calls)
N=200000
start_sample ls -m exact -c $N -i 1 --linger-ms 6000 || not_ok "kdelay-sample starts"
start_record big -p "$SAMPLE_PID" --staging off --buffer-page-count 8192 --sample-time 5 -o "$T_TMP/big.data"
BIG_PID=$RECORD_PID
start_record small -p "$SAMPLE_PID" --staging on --buffer-page-count 1 --sample-time 5 -o "$T_TMP/small.data"
SMALL_PID=$RECORD_PID
wait_recording big && wait_recording small || not_ok "both recorders open their window"
release_sample ls
wait_for_line "$T_TMP/ls.out" '^thread=handler1 .*iterations=1$' 20
check "the $N calls were made while both windows were open" kill -0 "$BIG_PID" "$SMALL_PID"
wait_exit "$BIG_PID" 30
check_eq "loss-free peer exits 0" 0 $?
wait_exit "$SMALL_PID" 30
check_eq "staged, lossy recorder exits 0" 0 $?
stop_pid "$SAMPLE_PID"
"$REPORT" -i "$T_TMP/small.data" --info >"$T_TMP/small.info" 2>&1
dropped=$(sed -n 's/^dropped: *\([0-9,]*\).*/\1/p' "$T_TMP/small.info" | tr -d ,)
lost=$(sed -n 's/^losses: *\([0-9,]*\) events in .*/\1/p' "$T_TMP/small.info" | tr -d ,)
in_range "staged: events were dropped (the ring overflowed)" "${dropped:-0}" 1 100000000
check_eq "staged: the LOSS records add up to the dropped total" "$dropped" "$lost"
rec_dropped=$(sed -n 's/.*WARNING: Not all events were captured, \([0-9]*\) were dropped.*/\1/p' "$T_TMP/small.rec.err" | head -1)
check_eq "staged: the dropped total is the recorder's" "$rec_dropped" "$dropped"
calls() {
	"$REPORT" -i "$1" --thread '^handler1$' --syscall getppid --syscall-events 0 |
		awk '$4 == "handler1" && $NF == "getppid" && $1 ~ /^[0-9]+$/ { print $1, $2 }'
}
calls "$T_TMP/big.data" >"$T_TMP/big.calls"
check_eq "peer: every call listed" $N "$(wc -l <"$T_TMP/big.calls")"
calls "$T_TMP/small.data" >"$T_TMP/small.calls"
in_range "staged: getppid calls measured" "$(wc -l <"$T_TMP/small.calls")" 1 $N
awk 'NR == FNR { e[NR] = $1; x[NR] = $2; n = NR; next }
	{ while (i < n && x[i + 1] < $1) i++
	  k = 0; for (j = i + 1; j <= n && e[j] <= $2; j++) k++
	  if (k != 1) { bad++; if (bad <= 5) print "measured " $1 ".." $2 " overlaps " k " calls" > "/dev/stderr" } }
	END { print bad + 0 }' "$T_TMP/big.calls" "$T_TMP/small.calls" >"$T_TMP/fake" 2>"$T_TMP/fake.why"
check_eq "staged: every measured getppid is one real call (overlaps exactly one of the peer's)" 0 "$(cat "$T_TMP/fake")"
diag <"$T_TMP/fake.why"

# --- the design without staging
N=20000
start_sample off -m exact -c $N -i 1 --linger-ms 3000 || not_ok "kdelay-sample starts"
start_record off -p "$SAMPLE_PID" --staging off --sample-time 2 -o "$T_TMP/off.data"
wait_recording off || not_ok "kdelay-record --staging off opens its window"
check_eq "--staging off: no flush tick" 0 "$(tick_links "$RECORD_PID")"
release_sample off
wait_for_line "$T_TMP/off.out" '^thread=handler1 .*iterations=1$' 10 || not_ok "the sample does its work while recorded"
wait_exit "$RECORD_PID" 30
check_eq "--staging off: kdelay-record exits 0" 0 $?
"$REPORT" -i "$T_TMP/off.data" >"$T_TMP/off.txt" 2>"$T_TMP/off.err"
parse_report <"$T_TMP/off.txt" >"$T_TMP/off.tsv"
check_eq "--staging off: handler1 getppid COUNT = $N" $N "$(stat_sum "$T_TMP/off.tsv" '*' handler1 sys getppid 6)"
stop_pid "$SAMPLE_PID"
done_testing

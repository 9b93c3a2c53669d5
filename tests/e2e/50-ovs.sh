#!/usr/bin/env bash
# A real Open vSwitch (Debian's openvswitch-switch, userspace datapath, no
# kernel module), started privately by tests/ovs/start.sh:
#  - with no ovs-vswitchd running, PID auto-detection fails as the
#    reference does (EX_UNAVAILABLE); with two, it refuses (EX_NOINPUT);
#  - with one, kdelay-record (no -p) finds it, and the report shows its
#    real threads - ovs-vswitchd, handlerN, revalidatorN, urcuN - with
#    their syscall statistics while it is being reconfigured;
#  - the drop-in `kdelay` with no option at all does the same.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-record kdelay-report kdelay

# One test run at a time may start ovs-vswitchd on this node.
machine_lock ovs
if pgrep -x ovs-vswitchd >/dev/null; then
	not_ok "no ovs-vswitchd runs before the test (found: $(pgrep -x ovs-vswitchd | tr '\n' ' '))"
	echo "an ovs-vswitchd this test did not start runs: auto-detection cannot be tested" | diag
	done_testing
	exit 1
fi

# --- none running
timeout 20 "$RECORD" --sample-time 0.1 -o "$T_TMP/none.data" >"$T_TMP/none.out" 2>&1
check_eq "no ovs-vswitchd: EX_UNAVAILABLE (69)" 69 $?
check_grep "no ovs-vswitchd: says so" 'ovs-vswitchd' "$T_TMP/none.out"

# --- one running
OVS=$T_TMP/ovs
defer "'$TOP/tests/ovs/stop.sh' '$OVS'"
if ! "$TOP/tests/ovs/start.sh" "$OVS" >"$T_TMP/ovs-start.out" 2>&1; then
	not_ok "private Open vSwitch started"
	diag <"$T_TMP/ovs-start.out"
	done_testing
	exit 1
fi
. "$OVS/env"
export OVS_RUNDIR=$OVS OVS_DBDIR=$OVS OVS_LOGDIR=$OVS OVS_SYSCONFDIR=$OVS
ctl=$OVS/ovs-vswitchd.$OVS_VSWITCHD_PID.ctl
vsctl() { timeout 20 ovs-vsctl --db="$OVS_DB" --timeout=15 "$@"; }

# reconfigure: what makes every kind of OVS thread work: new handler and
# revalidator threads (the old ones exit), RCU callbacks (urcu), unixctl
# and OpenFlow requests (main thread).
reconfigure() {
	local n=$1
	vsctl set Open_vSwitch . other_config:n-handler-threads=$n other_config:n-revalidator-threads=$n
	vsctl --may-exist add-port br0 p$n -- set interface p$n type=internal
	timeout 10 ovs-appctl -t "$ctl" upcall/show >/dev/null
	timeout 10 ovs-appctl -t "$ctl" revalidator/purge >/dev/null
	timeout 10 ovs-ofctl add-flow br0 "priority=$n,actions=normal"
	timeout 10 ovs-ofctl dump-flows br0 >/dev/null
}

# The window is ended by SIGINT once both reconfigurations are done, so
# it holds them however long they take (kdelay-record writes the window
# cut short by SIGINT and exits 0).
f=$T_TMP/ovs.data
start_record ovs --sample-time 120 -o "$f"
wait_recording ovs
check_eq "kdelay-record with no -p starts sampling" 0 $?
reconfigure 2
reconfigure 3
kill -INT "$RECORD_PID"
wait_exit "$RECORD_PID" 30
rc=$?
check_eq "kdelay-record exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/ovs.rec.err"
"$REPORT" -i "$f" >"$T_TMP/ovs.txt" 2>"$T_TMP/ovs.rep.err"
check_eq "kdelay-report exits 0" 0 $?
parse_report <"$T_TMP/ovs.txt" >"$T_TMP/ovs.tsv"
check_eq "the main thread is ovs-vswitchd, under the daemon's pid" "$OVS_VSWITCHD_PID" \
	"$(awk -F '\t' '$3 == "ovs-vswitchd" { print $2; exit }' "$T_TMP/ovs.tsv")"
"$REPORT" -i "$f" --info >"$T_TMP/ovs.info" 2>&1
check_grep "--info: the auto-detected target is the daemon" "\b$OVS_VSWITCHD_PID\b" "$T_TMP/ovs.info"
for re in '^ovs-vswitchd$' '^handler[0-9]+$' '^revalidator[0-9]+$' '^urcu[0-9]+$'; do
	n=$(awk -F '\t' -v re="$re" '$4 == "sys" && $3 ~ re { c += $6 } END { print c + 0 }' "$T_TMP/ovs.tsv")
	in_range "threads /$re/ listed with syscall statistics (calls)" "$n" 1 100000000
done
check_grep "ovs-vswitchd's main loop: poll" '	ovs-vswitchd	sys	poll	' "$T_TMP/ovs.tsv"
check_grep "ovs-vswitchd's unixctl/OpenFlow: accept" '	ovs-vswitchd	sys	accept4?	' "$T_TMP/ovs.tsv"
check_grep "ovs-vswitchd created threads: clone" '	ovs-vswitchd	sys	clone3?	' "$T_TMP/ovs.tsv"
check_grep "ovs-vswitchd has THREAD RUN statistics" '	ovs-vswitchd	run	' "$T_TMP/ovs.tsv"
check "no <unknown...> thread names (exited threads keep theirs)" sh -c "! grep -q '<unknown' '$T_TMP/ovs.txt'"
names=$(cut -f3 "$T_TMP/ovs.tsv" | sort -u | tr '\n' ' ')
echo "threads: $names" | diag
check "every thread name is one OVS gives" sh -c "cut -f3 '$T_TMP/ovs.tsv' | sort -u | grep -Evq '^(ovs-vswitchd|handler[0-9]+|revalidator[0-9]+|urcu[0-9]+|ct_clean[0-9]+|ipf_clean[0-9]+|pmd-[^ ]+|dpdk_watchdog[0-9]*|ovs_[a-z_]+[0-9]*)$' && exit 1 || exit 0"
no_drops "zero drops" "$T_TMP/ovs.txt" "$T_TMP/ovs.rec.err"

# --- the drop-in, no option at all (kernel_delay.py's first example)
# (unixctl requests in the background keep the main thread busy, until
# kdelay is done, however long it takes to start.)
(while :; do timeout 5 ovs-appctl -t "$ctl" version >/dev/null 2>&1; sleep 0.05; done) &
poker=$!
defer "stop_pid $poker"
(mkdir -p "$T_TMP/kdcwd" && cd "$T_TMP/kdcwd" && timeout 30 "$KDELAY" >"$T_TMP/kd.txt" 2>"$T_TMP/kd.err")
rc=$?
stop_pid $poker
check_eq "kdelay with no option exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/kd.err"
check_grep "kdelay: '# Sample dump'" '^# Sample dump @' "$T_TMP/kd.txt"
check_grep "kdelay: ovs-vswitchd's main thread" "^ +$OVS_VSWITCHD_PID ovs-vswitchd +\[SYSCALL STATISTICS\]" "$T_TMP/kd.txt"

# --- two running: auto-detection refuses
OVS2=$T_TMP/ovs2
defer "'$TOP/tests/ovs/stop.sh' '$OVS2'"
if "$TOP/tests/ovs/start.sh" "$OVS2" >"$T_TMP/ovs2-start.out" 2>&1; then
	timeout 20 "$RECORD" --sample-time 0.1 -o "$T_TMP/two.data" >"$T_TMP/two.out" 2>&1
	check_eq "two ovs-vswitchd: EX_NOINPUT (66)" 66 $?
	check_grep "two ovs-vswitchd: says to use -p" '\-p' "$T_TMP/two.out"
	timeout 20 "$RECORD" -p "$OVS_VSWITCHD_PID" --sample-time 0.1 -o "$T_TMP/two-p.data" >"$T_TMP/two-p.out" 2>&1
	check_eq "two ovs-vswitchd, -p picks one: exit 0" 0 $?
else
	not_ok "second private Open vSwitch started"
	diag <"$T_TMP/ovs2-start.out"
fi
"$TOP/tests/ovs/stop.sh" "$OVS2"
"$TOP/tests/ovs/stop.sh" "$OVS"
check "stop.sh stopped both daemons" sh -c "! kill -0 $OVS_VSWITCHD_PID 2>/dev/null && ! kill -0 $OVSDB_SERVER_PID 2>/dev/null"
done_testing

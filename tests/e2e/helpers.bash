# tests/e2e/helpers.bash - sourced by tests/e2e/*.sh after tests/lib.sh:
# start the sample workload, run the recorder, parse the report.
# (Not a test itself: tests/build.mk runs tests/e2e/*.sh only.)
#
# Every wait is bounded; every process started here is stopped at exit by
# pid (defer).

SAMPLE=$BIN/kdelay-sample
RECORD=$BIN/kdelay-record
REPORT=$BIN/kdelay-report
KDELAY=$BIN/kdelay

# need_bins BIN...: each must be built; a missing one is a failure (these
# tests never skip) and ends the script.
need_bins() {
	local b missing=0
	for b in "$@"; do
		if [ ! -x "$BIN/$b" ]; then
			not_ok "$b is built in $BIN (run make O=... first)"
			missing=1
		fi
	done
	if [ $missing -eq 1 ]; then
		done_testing
		exit 1
	fi
}

# need_root: BPF needs it; CI runs as root.
need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		not_ok "running as root (end-to-end tests load BPF programs)"
		done_testing
		exit 1
	fi
}

# machine_lock NAME: hold a node-wide lock until the script ends, for the
# parts that concurrent test runs on one machine would disturb (tracepoint
# triggers fire for every process, auto-detection wants one ovs-vswitchd,
# a pinned CPU shared with another run).  CI runs one suite at a time;
# developers sometimes run several.  Waits at most 10 minutes.
machine_lock() {
	local fd
	exec {fd}>"/tmp/kdelay-e2e-$1.lock"
	if ! flock -w 600 "$fd"; then
		echo "machine_lock $1: still held by another run after 10 minutes" | diag
		return 1
	fi
}

# share_tracepoint_markers: the sample's exact mode makes the syscalls that
# 31-triggers uses as tracepoint triggers (sched_get_priority_max/min), and
# a tracepoint fires for every process on the node.  A script that runs it
# holds the tracepoint-triggers lock shared until it ends, so that another
# run's trigger test (which holds it exclusively) never sees its markers.
# 31-triggers sets OWNS_TRACEPOINT_MARKERS=1: it takes the lock itself.
share_tracepoint_markers() {
	local fd
	[ -n "${OWNS_TRACEPOINT_MARKERS:-}" ] && return 0
	[ -n "${TRACEPOINT_MARKERS_SHARED:-}" ] && return 0
	exec {fd}>"/tmp/kdelay-e2e-tracepoint-triggers.lock"
	if ! flock -s -w 600 "$fd"; then
		echo "share_tracepoint_markers: the lock is still held by another run after 10 minutes" | diag
		return 1
	fi
	TRACEPOINT_MARKERS_SHARED=1
}

# untraced_switch_ins CAPTURE TID NEXT: how many of TID's switch-outs in
# favour of NEXT the capture never sees end (tests/tools/kdf_switch_gaps.c:
# no switch-in of TID before its next switch-out or the window's end),
# where the workload made sure TID ran again after each.  Under load the
# kernel of these machines now and then runs a thread again without
# tracing the switch (perf sees the same gaps); a test whose oracle needs
# every such wait to end records again.
untraced_switch_ins() {
	"$BIN/tests/tools/kdf_switch_gaps" "$1" "$2" "$3" |
		sed -n 's/^switch_outs=[0-9]* unended=\([0-9]*\) ran_unseen=.*$/\1/p'
}

# unseen_runs CAPTURE TID: how many of TID's switch-outs the capture does
# not see end as the kernel ran them: TID made a syscall before any
# switch-in of it (the switch in was not traced), or was switched in after
# sleeping with no wakeup of it (the wakeup is missing).  Under load a
# capture on these machines now and then lacks one of them; a test whose
# oracle counts every wakeup records again.
unseen_runs() {
	"$BIN/tests/tools/kdf_switch_gaps" "$1" "$2" |
		sed -n 's/^switch_outs=[0-9]* unended=[0-9]* ran_unseen=\([0-9]*\) unwoken=\([0-9]*\)$/\1 \2/p' |
		awk '{ print $1 + $2 }'
}

# victim_unseen TAG: for a kdelay-steal run TAG, how many of its victim's
# waits behind the stealer the capture never sees end.
victim_unseen() {
	untraced_switch_ins "$T_TMP/$1.data" \
		"$(sed -n 's/^thread=victim tid=\([0-9]*\) cpu=.*/\1/p' "$T_TMP/$1.out")" \
		"$(sed -n 's/^stealer pid=//p' "$T_TMP/$1.out")"
}

# sleeper_unseen TAG: for a kdelay-wake run TAG, how many switch-ins or
# wakeups of its sleeper the capture lacks.
sleeper_unseen() {
	unseen_runs "$T_TMP/$1.data" "$(sed -n 's/^thread=sleeper tid=//p' "$T_TMP/$1.out")"
}

# record_usdt_run TAG PROG PROVIDER MISSING NOTE ARGS...: the sample
# $BIN/PROG run with ARGS, recorded between its PROVIDER:run_start and
# PROVIDER:run_stop USDT triggers into $T_TMP/TAG.data (its output in
# TAG.out).  A window that lost events (the ring full while the machine
# is loaded) serves no oracle, nor one where MISSING TAG (a function
# above) finds events the kernel made and did not trace: it records
# again, three times at most, until a window without either.  Sets
# RUN_PID, RUN_SRC and RUN_RRC (the exit codes), RUN_DROPPED, RUN_MISSING
# and RUN_ATTEMPT, for the caller's checks; NOTE ends the messages of a
# failed setup.  The caller sets SAMPLE=$BIN/PROG (for wait_armed).
record_usdt_run() {
	local tag=$1 prog=$2 provider=$3 missing=$4 note=$5
	shift 5
	for RUN_ATTEMPT in 1 2 3; do
		rm -f "$T_TMP/$tag.go" "$T_TMP/$tag.data"
		"$BIN/$prog" --start-file "$T_TMP/$tag.go" "$@" >"$T_TMP/$tag.out" 2>"$T_TMP/$tag.err" &
		RUN_PID=$!
		defer "stop_pid $RUN_PID"
		if ! wait_for_line "$T_TMP/$tag.out" '^ready$' 10; then
			not_ok "$prog is ready$note"
			diag <"$T_TMP/$tag.err"
		fi
		start_record "$tag" -p $RUN_PID --start-trigger "u:$provider:run_start" \
			--stop-trigger "u:$provider:run_stop" -o "$T_TMP/$tag.data"
		wait_armed "$RECORD_PID" "u:$provider:run_start" "u:$provider:run_stop" ||
			not_ok "kdelay-record attaches its triggers$note"
		touch "$T_TMP/$tag.go"
		wait_exit $RUN_PID 60
		RUN_SRC=$?
		wait_exit "$RECORD_PID" 30
		RUN_RRC=$?
		RUN_DROPPED=$("$REPORT" -i "$T_TMP/$tag.data" --info 2>/dev/null |
			awk '$1 == "dropped:" { print $2 }')
		RUN_MISSING=$("$missing" "$tag")
		[ "$RUN_DROPPED" = 0 ] && [ "$RUN_MISSING" = 0 ] && return 0
		echo "attempt $RUN_ATTEMPT$note: ${RUN_DROPPED:-unknown} events lost, $RUN_MISSING events of the oracle's thread the kernel did not trace; recording again" | diag
	done
}

# wait_for_line FILE REGEX [TIMEOUT_S=10]: until FILE has a line matching
# REGEX (grep -E).  Returns 1 on timeout.
wait_for_line() {
	local file=$1 re=$2 t=${3:-10} i
	for ((i = 0; i < t * 20; i++)); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wait_for_count FILE REGEX N [TIMEOUT_S=10]: until FILE has N lines
# matching REGEX.
wait_for_count() {
	local file=$1 re=$2 n=$3 t=${4:-10} i
	for ((i = 0; i < t * 20; i++)); do
		[ "$(grep -Ec -- "$re" "$file" 2>/dev/null)" -ge "$n" ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_exit PID [TIMEOUT_S=30]: wait for a child to exit and return its
# status; after the timeout, SIGKILL it and return 124.
wait_exit() {
	local pid=$1 t=${2:-30} i
	for ((i = 0; i < t * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid" 2>/dev/null
}

# stop_pid PID: SIGTERM, then SIGKILL after 3 s; for defer.
stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 60; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
}

# start_sample TAG ARGS...: start kdelay-sample in the background, held at
# its start gate (--start-file $T_TMP/TAG.go); stdout in $T_TMP/TAG.out.
# Sets SAMPLE_PID.  Returns 1 (with a diag) if it is not ready in 10 s.
start_sample() {
	local tag=$1
	shift
	rm -f "$T_TMP/$tag.go"
	case " $* " in *" -m exact "* | *" --mode exact "*) share_tracepoint_markers || return 1 ;; esac
	"$SAMPLE" --start-file "$T_TMP/$tag.go" "$@" >"$T_TMP/$tag.out" 2>"$T_TMP/$tag.err" &
	SAMPLE_PID=$!
	defer "stop_pid $SAMPLE_PID"
	if ! wait_for_line "$T_TMP/$tag.out" '^ready$' 10; then
		echo "kdelay-sample $* not ready after 10 s" | diag
		diag <"$T_TMP/$tag.err"
		return 1
	fi
}

# release_sample TAG: open the start gate.
release_sample() { touch "$T_TMP/$1.go"; }

# sample_tid TAG THREAD: the tid the sample printed for THREAD.
sample_tid() {
	sed -n "s/.*thread=$2 tid=\([0-9]*\).*/\1/p" "$T_TMP/$1.out" | head -1
}

# start_record TAG ARGS...: kdelay-record ARGS in the background, stdout in
# $T_TMP/TAG.rec.out, stderr in $T_TMP/TAG.rec.err.  Sets RECORD_PID.
start_record() {
	local tag=$1
	shift
	"$RECORD" "$@" >"$T_TMP/$tag.rec.out" 2>"$T_TMP/$tag.rec.err" &
	RECORD_PID=$!
	defer "stop_pid $RECORD_PID"
}

# wait_recording TAG [TIMEOUT_S=20]: until the recorder says its window is
# open ("# Start sampling" on stdout).
wait_recording() {
	if ! wait_for_line "$T_TMP/$1.rec.out" '^# Start sampling' "${2:-20}"; then
		echo "kdelay-record printed no '# Start sampling' in ${2:-20} s; stdout/stderr:" | diag
		diag <"$T_TMP/$1.rec.out"
		diag <"$T_TMP/$1.rec.err"
		return 1
	fi
}

# trigger_sites SPEC: how many probes kdelay-record attaches in the sample
# for the trigger SPEC: one per site of a USDT probe (the sample's ELF
# notes list them), one for a uprobe, uretprobe or tracepoint.
trigger_sites() {
	case $1 in
	u:* | usdt:*) readelf -n "$SAMPLE" | grep -c "^ *Name: ${1##*:}\$" ;;
	*) echo 1 ;;
	esac
}

# wait_armed PID SPEC...: until the recorder PID (or its child: `timeout
# kdelay` gives the timeout's pid) has its triggers attached: as many
# uprobe/tracepoint links as the SPECs have sites, counted by bpftool.
# kdelay-record attaches its triggers after every event program
# (record/attach.c), so a trigger that fires from then on opens a window
# that sees everything: the handshake that replaces "sleep and hope it
# attached".  Returns 1 (with a diag) when the recorder died or after
# $TIMEOUT s (default 30).
wait_armed() {
	local pid=$1 want=0 spec i have=0 pids
	shift
	for spec in "$@"; do want=$((want + $(trigger_sites "$spec"))); done
	for ((i = 0; i < ${TIMEOUT:-30} * 10; i++)); do
		pids=" $pid $(pgrep -P "$pid" | tr '\n' ' ')"
		have=$(bpftool perf list 2>/dev/null | awk -v pids="$pids" '
			$1 == "pid" && index(pids, " " $2 " ") && $7 ~ /^(uprobe|uretprobe|tracepoint)$/' | wc -l)
		[ "$have" -ge "$want" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "recorder $pid: $have of $want trigger probes attached ($*)" | diag
	return 1
}

# show_file FILE [LINES]: a file's head as TAP comments.
show_file() { head -"${2:-40}" "$1" | diag; }

# parse_report < TEXT: the reference's text layout into tab-separated
# records, one per statistics row:
#   WINDOW TID THREAD sys NAME COUNT TOTAL_NS MAX_NS
#   WINDOW TID THREAD systotal - COUNT TOTAL_NS
#   WINDOW TID THREAD run - COUNT TOTAL_NS MIN_NS MAX_NS
#   WINDOW TID THREAD ready - COUNT TOTAL_NS MAX_NS
#   WINDOW TID THREAD hardirq NAME COUNT TOTAL_NS MAX_NS
#   WINDOW TID THREAD softirq NAME COUNT TOTAL_NS MAX_NS (VECT_NR dropped)
# WINDOW counts the "# Sample dump @" / "# Triggered sample dump" lines from 1.
parse_report() {
	awk 'BEGIN { OFS = "\t"; w = 0; sec = "" }
	/^# (Triggered sample dump|Sample dump @|Flight recorder dump)/ { w++; sec = ""; next }
	/^# / { sec = ""; next }
	/\[SYSCALL STATISTICS\]/ {
		l = $0; sub(/^ +/, "", l)
		tid = l; sub(/ .*/, "", tid)
		name = l; sub(/^[0-9]+ +/, "", name); sub(/ *\[SYSCALL STATISTICS\].*/, "", name)
		sec = "sys"; next
	}
	/\[THREAD RUN STATISTICS\]/ { sec = "run"; next }
	/\[THREAD READY STATISTICS\]/ { sec = "ready"; next }
	/\[HARD IRQ STATISTICS\]/ { sec = "hardirq"; next }
	/\[SOFT IRQ STATISTICS\]/ { sec = "softirq"; next }
	/\[/ { sec = ""; next }
	sec == "" || NF == 0 { next }
	{ l = $0; gsub(/,/, "", l); n = split(l, f, /[ \t]+/); k = 0
	  for (i = 1; i <= n; i++) if (f[i] != "") g[++k] = f[i] }
	sec == "sys" && g[1] == "NAME" { next }
	sec == "sys" && /TOTAL\( - poll\):/ { print w, tid, name, "systotal", "-", g[k-1], g[k]; next }
	sec == "sys" && k == 5 && g[3] ~ /^[0-9]+$/ { print w, tid, name, "sys", g[1], g[3], g[4], g[5]; next }
	sec == "run" && k == 4 && g[1] ~ /^[0-9]+$/ { print w, tid, name, "run", "-", g[1], g[2], g[3], g[4]; next }
	sec == "ready" && k == 3 && g[1] ~ /^[0-9]+$/ { print w, tid, name, "ready", "-", g[1], g[2], g[3]; next }
	sec == "hardirq" && g[1] != "TOTAL:" && k == 4 && g[2] g[3] g[4] ~ /^[0-9]+$/ { print w, tid, name, sec, g[1], g[2], g[3], g[4]; next }
	sec == "softirq" && g[1] != "TOTAL:" && k == 5 && g[2] g[3] g[4] g[5] ~ /^[0-9]+$/ { print w, tid, name, sec, g[1], g[3], g[4], g[5]; next }
	'
}

# stat_sum TSV WINDOW THREAD KIND KEY COLUMN: sum of COLUMN (6 = COUNT,
# 7 = TOTAL ns, 8 = MAX/MIN) over the matching rows; WINDOW or THREAD "*"
# match any.  Prints 0 when nothing matches.  (%.0f: mawk's %d stops at
# 2^31 - 1, and a total over 2.147 s is common.)
stat_sum() {
	awk -F '\t' -v w="$2" -v t="$3" -v k="$4" -v key="$5" -v c="$6" '
	(w == "*" || $1 == w) && (t == "*" || $3 == t) && $4 == k && (key == "*" || $5 == key) { s += $c }
	END { printf "%.0f\n", s }' "$1"
}

# windows TEXT: how many sample dumps the text report holds.
# ("# Sample dump skipped, delta ..." is not a dump.)
windows() { grep -cE '^# (Triggered sample dump|Sample dump @|Flight recorder dump)' "$1"; }

# threads_in TSV: the thread names the report lists, sorted, unique.
threads_in() { cut -f3 "$1" | sort -u; }

# in_range NAME VALUE LOW HIGH: ok when LOW <= VALUE <= HIGH (integers).
in_range() {
	local name=$1 v=$2 lo=$3 hi=$4
	if [ -n "$v" ] && [ "$v" -ge "$lo" ] 2>/dev/null && [ "$v" -le "$hi" ]; then
		ok "$name ($v in [$lo, $hi])"
	else
		not_ok "$name"
		echo "value '$v' not in [$lo, $hi]" | diag
	fi
}

# no_drops NAME REPORT_TEXT RECORD_STDERR: no event dropped and no stack
# lost: none of the reference's warnings about it in the report, none on
# the recorder's stderr.  (Missed triggers are another matter.)
no_drops() {
	local re='Not all events were captured|[0-9,]+ were dropped|not able to display|stacks? (were )?lost: *[1-9]|dropped: *[1-9]'
	if grep -Eiq "$re" "$2" "$3" 2>/dev/null; then
		not_ok "$1"
		grep -Ei "$re" "$2" "$3" | diag
	else
		ok "$1"
	fi
}

# record_disk_full: record the exact sample, at a modest rate and in short
# windows, into a 256 KiB tmpfs of a private mount namespace until the disk
# fills (over several windows, never inside the first one, however fast the
# machine is).  Leaves $T_TMP/full.{data,out,err}; returns the recorder's
# exit status.
record_disk_full() {
	local rc
	start_sample full -m exact -c 2000 -i 1000000 --pause-ms 10
	release_sample full
	mkdir "$T_TMP/full"
	unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=256k tmpfs "$1/full" || exit 99
		timeout 60 "$2" -p "$3" --sample-time 0.1 --sample-count 400 -o "$1/full/f.data" \
			>"$1/full.out" 2>"$1/full.err"
		rc=$?
		cp "$1/full/f.data" "$1/full.data"
		exit $rc' sh "$T_TMP" "$RECORD" "$SAMPLE_PID"
	rc=$?
	stop_pid "$SAMPLE_PID"
	return $rc
}

#!/usr/bin/env bash
# tests/ovs/stop.sh DIR - stop the Open vSwitch that tests/ovs/start.sh DIR
# started: ask each daemon to exit (ovs-appctl), then SIGTERM and at last
# SIGKILL the pids from DIR's pid files, each only if it still is that
# daemon.  Bounded in time; safe to call twice or on a half-started DIR.
set -u
dir=${1:?usage: tests/ovs/stop.sh DIR}
[ -d "$dir" ] || exit 0
export OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir OVS_SYSCONFDIR=$dir

# is_daemon PID NAME: PID still runs the daemon NAME
is_daemon() { [ -n "$1" ] && [ "$(cat /proc/"$1"/comm 2>/dev/null)" = "$2" ]; }

stop_one() {
	local name=$1 pid
	pid=$(cat "$dir/$name.pid" 2>/dev/null) || return 0
	is_daemon "$pid" "$name" || return 0
	timeout 5 ovs-appctl -t "$dir/$name.$pid.ctl" exit >/dev/null 2>&1 || true
	for _ in $(seq 50); do is_daemon "$pid" "$name" || return 0; sleep 0.1; done
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 30); do is_daemon "$pid" "$name" || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	for _ in $(seq 30); do is_daemon "$pid" "$name" || return 0; sleep 0.1; done
	echo "stop.sh: $name ($pid) does not stop" >&2
	return 1
}

rc=0
stop_one ovs-vswitchd || rc=1
stop_one ovsdb-server || rc=1
exit $rc

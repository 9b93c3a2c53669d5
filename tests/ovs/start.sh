#!/usr/bin/env bash
# tests/ovs/start.sh DIR - start a private Open vSwitch for the tests:
# Debian's ovsdb-server and ovs-vswitchd, everything (database, sockets,
# pid files, logs) under DIR, in a network namespace of their own so the
# bridge's tap device never shows on the host, with one userspace-datapath
# bridge br0 (datapath_type=netdev: no kernel module needed).
#
# On success prints "pid=PID" (ovs-vswitchd) and writes DIR/env, a file of
# shell assignments (OVS_DIR, OVS_VSWITCHD_PID, OVSDB_SERVER_PID, OVS_DB).
# Waits (bounded) until ovs-vswitchd has its handler and revalidator
# threads.  tests/ovs/stop.sh DIR stops what this started, by pid.
set -euo pipefail

dir=${1:?usage: tests/ovs/start.sh DIR}
timeout_s=${OVS_START_TIMEOUT:-30}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
schema=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

for b in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-appctl; do
	command -v $b >/dev/null || { echo "start.sh: $b not found: run tests/deps.sh (openvswitch-switch)" >&2; exit 69; }
done
[ -r "$schema" ] || { echo "start.sh: no schema at $schema" >&2; exit 69; }

export OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir OVS_SYSCONFDIR=$dir
export OVS_PKGDATADIR=$(dirname "$schema")
db=unix:$dir/db.sock

fail() {
	echo "start.sh: $*" >&2
	for l in "$dir"/start.err "$dir"/ovsdb-server.log "$dir"/ovs-vswitchd.log; do
		[ -f "$l" ] && { echo "--- $l" >&2; tail -20 "$l" >&2; }
	done
	"$(dirname "$0")/stop.sh" "$dir" >/dev/null 2>&1 || true
	exit 1
}

rm -f "$dir"/start.err "$dir"/conf.db "$dir"/*.pid "$dir"/*.ctl "$dir"/db.sock "$dir"/env
ovsdb-tool create "$dir/conf.db" "$schema" || fail "ovsdb-tool create failed"

# Both daemons detach inside one new network namespace; the namespace lives
# as long as they do.
unshare --net sh -c '
	ip link set lo up 2>/dev/null || true
	ovsdb-server --detach --no-chdir --pidfile="$1/ovsdb-server.pid" \
		--log-file="$1/ovsdb-server.log" --remote=punix:"$1/db.sock" \
		"$1/conf.db" || exit 1
	ovs-vsctl --db="unix:$1/db.sock" --timeout=10 --no-wait init || exit 1
	ovs-vswitchd --detach --no-chdir --pidfile="$1/ovs-vswitchd.pid" \
		--log-file="$1/ovs-vswitchd.log" "unix:$1/db.sock" || exit 1
' sh "$dir" 2>>"$dir/start.err" || fail "could not start ovsdb-server/ovs-vswitchd"

vpid=$(cat "$dir/ovs-vswitchd.pid")
dpid=$(cat "$dir/ovsdb-server.pid")
cat >"$dir/env" <<EOT
OVS_DIR=$dir
OVS_DB=$db
OVS_VSWITCHD_PID=$vpid
OVSDB_SERVER_PID=$dpid
EOT

ovs-vsctl --db="$db" --timeout=$timeout_s add-br br0 -- set bridge br0 datapath_type=netdev ||
	fail "ovs-vsctl add-br br0 failed"

# Wait for the threads the tests look for.
deadline=$((SECONDS + timeout_s))
while :; do
	names=$(cat /proc/"$vpid"/task/*/comm 2>/dev/null || true)
	if grep -q '^handler' <<<"$names" && grep -q '^revalidator' <<<"$names" &&
		grep -q '^urcu' <<<"$names"; then
		break
	fi
	kill -0 "$vpid" 2>/dev/null || fail "ovs-vswitchd ($vpid) died"
	[ $SECONDS -lt $deadline ] || fail "no handler/revalidator/urcu threads after ${timeout_s}s: $(echo $names)"
	sleep 0.1
done
echo "pid=$vpid"

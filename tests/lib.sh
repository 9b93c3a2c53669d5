# tests/lib.sh - sourced by tests/e2e/*.sh.  Speaks TAP on stdout:
#   ok N - name        /  not ok N - name
# tests/run.sh adds the lines of all tests up into "N passed, N failed".
# Every assertion prints exactly one line; a script that dies before its
# end is counted as one more failure by run.sh.
set -u
T_N=0
T_FAILED=0
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
O=${O:-.output}
case $O in /*) ;; *) O=$TOP/$O ;; esac
BIN=$O

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
# diag: context for a failure, shown as a TAP comment
diag() { sed 's/^/# /'; }

# check NAME COMMAND...: ok when COMMAND exits 0
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; printf 'expected: %s\nactual:   %s\n' "$2" "$3" | diag; fi
}
# check_grep NAME PATTERN FILE
check_grep() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else not_ok "$1"; echo "no line matches /$2/ in $3:" | diag; head -40 "$3" | diag; fi
}
# check_exit NAME EXPECTED_CODE COMMAND...
check_exit() {
	local name=$1 want=$2 got; shift 2
	"$@" >/dev/null 2>&1; got=$?
	check_eq "$name (exit $want)" "$want" "$got"
}
# done_testing: last line of every script; its exit status tells run.sh
done_testing() { echo "1..$T_N"; [ "$T_FAILED" -eq 0 ]; }
# bail_out WHAT: a prerequisite or setup step failed and the checks after
# it cannot run: one failure naming it, and the script ends.  (Setup steps
# that work print nothing: only checks are counted.)
bail_out() { not_ok "$1"; done_testing; exit 1; }

T_TMP=$(mktemp -d /tmp/kdelay-test.XXXXXX)
T_CLEANUP=()
on_exit() {
	local c
	for c in "${T_CLEANUP[@]}"; do eval "$c" >/dev/null 2>&1; done
	rm -rf "$T_TMP"
}
trap on_exit EXIT
# defer CMD: run CMD (a string) when the script ends, however it ends
defer() { T_CLEANUP+=("$1"); }

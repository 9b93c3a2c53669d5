#!/usr/bin/env bash
# tests/run.sh TEST... - run unit-test binaries (cmocka, TAP output) and
# e2e scripts (TAP via tests/lib.sh), count every "ok"/"not ok" line, and
# end with the line CI reads: "N passed, N failed".
# A test that exits non-zero without reporting a failure (a crash, a
# sanitizer abort, a script that died) counts as one more failure.  Each
# test's wall time is shown, and the whole run's: the suite must stay
# fast enough to run on every change.
set -u
export CMOCKA_MESSAGE_OUTPUT=TAP
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
passed=0
failed=0
failed_names=()
log_dir=${O:-.output}/test-logs
mkdir -p "$log_dir"

suite_t0=$(date +%s)
for t in "$@"; do
	t0=$(date +%s)
	name=${t#"${O:-.output}"/}
	log=$log_dir/$(echo "$name" | tr '/' '_').log
	echo "=== $name"
	# A script that needs longer (the kernel matrix boots emulated
	# guests) says so in a "# test-timeout: SECONDS" line.
	limit=$TEST_TIMEOUT
	case $t in *.sh) limit=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -1) ;; esac
	timeout --kill-after=10 "${limit:-$TEST_TIMEOUT}" "$t" >"$log" 2>&1
	rc=$?
	p=$(grep -cE '^ok [0-9]+' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	grep -E '^(not ok|#)' "$log" | head -60
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc without reporting a failure; last lines:"
		tail -20 "$log" | sed 's/^/#   /'
	fi
	echo "    $name: $p passed, $f failed ($(($(date +%s) - t0)) s)"
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -gt 0 ] && failed_names+=("$name")
done

[ ${#failed_names[@]} -gt 0 ] && echo "failing: ${failed_names[*]} (logs in $log_dir)"
echo "tests ran in $(($(date +%s) - suite_t0)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

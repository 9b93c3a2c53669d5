# tests/e2e/40-export-lib.bash - sourced by tests/e2e/40-export-*.sh after
# tests/lib.sh and helpers.bash (not a test itself: only *.sh run).
#
# Two captures to export:
#   synth_capture: the synthetic capture of the export unit tests (known
#     events, odd thread name), written by the unit-test binary
#     test_report_export_html --write-capture, which make check builds
#     before it runs the e2e tests;
#   real_capture: one second of kdelay-sample (ovs-like: handlers,
#     revalidators, urcu) recorded with every syscall's stack.

EXPORT_UNIT=$O/tests/test_report_export_html
CHROME_CHECK=$TOP/tests/tools/check_chrome_trace.py
BROWSER_CHECK=$TOP/tests/tools/html_browser_check.mjs

# synth_capture PATH: a setup step, silent when it works; a not_ok line
# and status 1 when it does not.
synth_capture() {
	if [ ! -x "$EXPORT_UNIT" ]; then
		not_ok "$EXPORT_UNIT is built (make O=... check-unit builds it)"
		return 1
	fi
	if ! "$EXPORT_UNIT" --write-capture "$1" >"$T_TMP/synth.err" 2>&1 || [ ! -s "$1" ]; then
		not_ok "the synthetic capture is written ($EXPORT_UNIT --write-capture)"
		diag <"$T_TMP/synth.err"
		return 1
	fi
}

# real_capture TAG: records $T_TMP/TAG.data from the sample; a setup
# step, silent when it works, a not_ok line and status 1 when it does not.
real_capture() {
	local tag=$1 rc
	start_sample "$tag" -d 10 || { not_ok "kdelay-sample starts"; return 1; }
	start_record "$tag" -p "$SAMPLE_PID" --sample-time 1 --syscall-events 1000 -o "$T_TMP/$tag.data"
	if ! wait_recording "$tag"; then
		not_ok "kdelay-record opens its window"
		return 1
	fi
	release_sample "$tag"
	wait_exit "$RECORD_PID" 20
	rc=$?
	stop_pid "$SAMPLE_PID"
	if [ $rc -ne 0 ] || [ ! -s "$T_TMP/$tag.data" ]; then
		not_ok "kdelay-record of the sample exits 0 and writes a capture (exit $rc)"
		diag <"$T_TMP/$tag.rec.err"
		return 1
	fi
}

# report_export NAME OUT ARGS...: kdelay-report ARGS > OUT (stderr in
# OUT.err); one ok/not_ok line NAME; returns its exit status, so that the
# checks of its output run only when there is one.
report_export() {
	local name=$1 out=$2 rc
	shift 2
	"$REPORT" "$@" >"$out" 2>"$out.err"
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$name"
	else
		not_ok "$name (exit $rc)"
		echo "kdelay-report $*:" | diag
		diag <"$out.err"
	fi
	return $rc
}

# The browser and the node that tests/deps.sh installs (Debian's chromium
# and nodejs), not whatever else is first on PATH.
CHROMIUM=/usr/bin/chromium
NODE=/usr/bin/node

# need_browser: both are there; a missing one is a failure (returns 1).
need_browser() {
	local b missing=0
	for b in "$CHROMIUM" "$NODE"; do
		if [ ! -x "$b" ]; then
			not_ok "$b is installed (tests/deps.sh installs it)"
			missing=1
		fi
	done
	return $missing
}

# browser_check NAME PAGE SHOT: the page in headless Chromium; one TAP
# line per check of tests/tools/html_browser_check.mjs, and a failure when
# the checker did not run to its end.
browser_check() {
	local name=$1 page=$2 shot=$3 line
	timeout 90 "$NODE" "$BROWSER_CHECK" "$page" "$shot" "$CHROMIUM" >"$T_TMP/browser.out" 2>"$T_TMP/browser.err"
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$name: ${line#ok - }" ;;
		"not ok - "*) not_ok "$name: ${line#not ok - }" ;;
		esac
	done <"$T_TMP/browser.out"
	grep -q '^ok - screenshot' "$T_TMP/browser.out" ||
		{ not_ok "$name: browser checker ran to its end (node $("$NODE" --version 2>&1))"; tail -20 "$T_TMP/browser.err" | diag; }
}

# out_dir NAME: where a test leaves what a person may want to look at.
out_dir() {
	local d=$O/test-output/$1
	mkdir -p "$d"
	echo "$d"
}

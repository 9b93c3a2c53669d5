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

# synth_capture PATH: ok/not_ok line; returns 1 when not written.
synth_capture() {
	if [ ! -x "$EXPORT_UNIT" ]; then
		not_ok "$EXPORT_UNIT is built (make O=... check-unit builds it)"
		return 1
	fi
	check "synthetic capture written" "$EXPORT_UNIT" --write-capture "$1"
	[ -s "$1" ]
}

# real_capture TAG: records $T_TMP/TAG.data from the sample; ok/not_ok.
real_capture() {
	local tag=$1
	start_sample "$tag" -d 10 || { not_ok "kdelay-sample starts"; return 1; }
	start_record "$tag" -p "$SAMPLE_PID" --sample-time 1 --syscall-events 1000 -o "$T_TMP/$tag.data"
	if ! wait_recording "$tag"; then
		not_ok "kdelay-record opens its window"
		return 1
	fi
	release_sample "$tag"
	wait_exit "$RECORD_PID" 20
	check_eq "kdelay-record of the sample exits 0" 0 $?
	stop_pid "$SAMPLE_PID"
	[ -s "$T_TMP/$tag.data" ]
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

# need_browser: chromium installed (Debian's package, installed here when
# missing: the browser test is worth the download) and node for the
# DevTools-protocol checker.  Returns 1 with a failed check otherwise.
need_browser() {
	if ! command -v chromium >/dev/null 2>&1; then
		if [ "$(id -u)" -eq 0 ]; then
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >"$T_TMP/apt.log" 2>&1 ||
				{ DEBIAN_FRONTEND=noninteractive apt-get update -q &&
				  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >>"$T_TMP/apt.log" 2>&1
		fi
	fi
	if ! command -v chromium >/dev/null 2>&1; then
		not_ok "chromium is installed (apt-get install chromium)"
		tail -5 "$T_TMP/apt.log" 2>/dev/null | diag
		return 1
	fi
	ok "chromium is installed ($(chromium --version 2>/dev/null | head -1))"
}

# browser_check NAME PAGE SHOT: the page in headless Chromium; one TAP
# line per check of tests/tools/html_browser_check.mjs, or - without
# node - a plain --dump-dom load with the console on stderr.
browser_check() {
	local name=$1 page=$2 shot=$3 line
	if command -v node >/dev/null 2>&1 && node --experimental-websocket -e 1 >/dev/null 2>&1; then
		timeout 90 node --experimental-websocket "$BROWSER_CHECK" "$page" "$shot" chromium \
			>"$T_TMP/browser.out" 2>"$T_TMP/browser.err"
		while IFS= read -r line; do
			case $line in
			"ok - "*) ok "$name: ${line#ok - }" ;;
			"not ok - "*) not_ok "$name: ${line#not ok - }" ;;
			esac
		done <"$T_TMP/browser.out"
		grep -q '^ok - screenshot' "$T_TMP/browser.out" ||
			{ not_ok "$name: browser checker ran to its end"; grep -v ExperimentalWarning "$T_TMP/browser.err" | tail -20 | diag; }
		return
	fi
	local prof
	prof=$(mktemp -d "$T_TMP/chromium.XXXXXX")
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-quic \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom "file://$page" \
		>"$T_TMP/dom.html" 2>"$T_TMP/chromium.err"
	check_grep "$name: the page script finished" 'data-ready="1"' "$T_TMP/dom.html"
	check "$name: no console message or uncaught exception" sh -c "! grep -E 'CONSOLE|Uncaught' '$T_TMP/chromium.err'"
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-quic \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--window-size=1400,1800 --hide-scrollbars --virtual-time-budget=3000 \
		--screenshot="$shot" "file://$page" >/dev/null 2>&1
	check "$name: screenshot written to $shot" test -s "$shot"
}

# out_dir NAME: where a test leaves what a person may want to look at.
out_dir() {
	local d=$O/test-output/$1
	mkdir -p "$d"
	echo "$d"
}

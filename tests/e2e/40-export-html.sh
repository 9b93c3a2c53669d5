#!/usr/bin/env bash
# kdelay-report --html -o FILE.html: one self-contained page, checked in a
# real browser (Debian's chromium, headless, driven through the DevTools
# protocol by tests/tools/html_browser_check.mjs): no console error, no
# request leaving the file, the sections and the timeline rendered, zoom
# and window selection working, and a screenshot in
# $O/test-output/40-export-html/ for a person to look at.  On a recording
# of the sample, the page's distributions must equal the text report's
# statistics (tests/tools/compare_html_stats.py).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
. "$(dirname "$0")/40-export-lib.bash"
need_bins kdelay-report

out=$(out_dir 40-export-html)
need_browser || { done_testing; exit 1; }

if synth_capture "$T_TMP/synth.data"; then
	if ! report_export "synthetic: kdelay-report --html -o exits 0" "$T_TMP/synth.log" \
		-i "$T_TMP/synth.data" --html -o "$out/synth.html" || [ ! -s "$out/synth.html" ]; then
		# Without a page from kdelay-report, the library's own, so that
		# the browser checks still run.
		echo "checking the library's page instead (test_report_export_html --write-html)" | diag
		"$EXPORT_UNIT" --write-html "$out/synth.html"
	fi
	check "synthetic: no URL in the page" sh -c "! grep -Eq 'https?://' '$out/synth.html'"
	browser_check synthetic "$out/synth.html" "$out/synth.png"
fi

if [ "$(id -u)" -eq 0 ] && [ -x "$BIN/kdelay-record" ] && [ -x "$BIN/kdelay-sample" ] && real_capture real &&
	report_export "sample: kdelay-report --html -o exits 0" "$T_TMP/real.log" \
		-i "$T_TMP/real.data" --html -o "$out/sample.html"; then
	# Two pairings of the same events, written independently, must
	# agree: the page's distributions against the text report's tables.
	"$REPORT" -i "$T_TMP/real.data" 2>/dev/null | parse_report >"$T_TMP/real.tsv"
	python3 "$TOP/tests/tools/compare_html_stats.py" "$out/sample.html" "$T_TMP/real.tsv" >"$T_TMP/cmp.out" 2>&1
	check_eq "sample: the page's counts and totals equal the text report's" 0 $?
	[ "$T_FAILED" -gt 0 ] && diag <"$T_TMP/cmp.out"
	browser_check sample "$out/sample.html" "$out/sample.png"
elif [ "$(id -u)" -ne 0 ] || [ ! -x "$BIN/kdelay-record" ] || [ ! -x "$BIN/kdelay-sample" ]; then
	not_ok "a recording of the sample to export (needs root, kdelay-record and kdelay-sample)"
fi
done_testing

#!/usr/bin/env bash
# The exports in speedscope (the npm package tests/deps.sh installs into
# tests/node_modules), served on 127.0.0.1 and opened in headless
# Chromium by tests/tools/speedscope_check.mjs, which compares what
# speedscope built with the file: a chrome-json export gives one profile
# per track holding exactly the track's slices, none nested in another
# (a slice's end a hair past the next start used to nest a whole ready
# track); folded stacks give exactly the file's frames and total weight.
# The recording of the sample matters most: its timestamps are large
# enough for floating-point ends to miss.  Screenshots land in
# $O/test-output/41-speedscope/ for a person to look at.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
. "$(dirname "$0")/40-export-lib.bash"
need_bins kdelay-report

SPEEDSCOPE=$TOP/tests/node_modules/speedscope/dist/release
SPEEDSCOPE_CHECK=$TOP/tests/tools/speedscope_check.mjs
out=$(out_dir 41-speedscope)
need_browser || { done_testing; exit 1; }
if [ ! -f "$SPEEDSCOPE/index.html" ]; then
	not_ok "speedscope is installed in tests/node_modules (tests/deps.sh installs it)"
	done_testing
	exit 1
fi

# speedscope_check NAME PROFILE: one TAP line per check of the checker,
# and a failure when it did not run to its end.
speedscope_check() {
	local name=$1 profile=$2 line
	timeout 90 "$NODE" "$SPEEDSCOPE_CHECK" "$SPEEDSCOPE" "$profile" "${profile%.*}.png" "$CHROMIUM" \
		>"$T_TMP/browser.out" 2>"$T_TMP/browser.err"
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$name: ${line#ok - }" ;;
		"not ok - "*) not_ok "$name: ${line#not ok - }" ;;
		esac
	done <"$T_TMP/browser.out"
	grep -q '^ok - screenshot' "$T_TMP/browser.out" ||
		{ not_ok "$name: speedscope checker ran to its end"; tail -20 "$T_TMP/browser.err" | diag; }
}

if synth_capture "$T_TMP/synth.data"; then
	if report_export "synthetic: --export chrome-json exits 0" "$T_TMP/synth.log" \
		-i "$T_TMP/synth.data" --export chrome-json -o "$out/synth.json"; then
		speedscope_check "synthetic chrome-json" "$out/synth.json"
		# the known content: main's sched track holds 6 slices
		check_grep "synthetic chrome-json: main (sched) with its 6 slices" \
			"^ok - track 'main \(sched\)': its 6 slices" "$T_TMP/browser.out"
	fi
	if report_export "synthetic: --folded exits 0" "$out/synth.folded" -i "$T_TMP/synth.data" --folded; then
		speedscope_check "synthetic folded" "$out/synth.folded"
		check_grep "synthetic folded: 9 frames, weight 3800" "^ok - total weight 3800$" "$T_TMP/browser.out"
	fi
fi

if [ "$(id -u)" -eq 0 ] && [ -x "$BIN/kdelay-record" ] && [ -x "$BIN/kdelay-sample" ] && real_capture real; then
	if report_export "sample: --export chrome-json exits 0" "$T_TMP/real.log" \
		-i "$T_TMP/real.data" --export chrome-json -o "$out/sample.json"; then
		speedscope_check "sample chrome-json" "$out/sample.json"
	fi
	if report_export "sample: --folded exits 0" "$out/sample.folded" -i "$T_TMP/real.data" --folded; then
		speedscope_check "sample folded" "$out/sample.folded"
	fi
elif [ "$(id -u)" -ne 0 ] || [ ! -x "$BIN/kdelay-record" ] || [ ! -x "$BIN/kdelay-sample" ]; then
	not_ok "a recording of the sample to export (needs root, kdelay-record and kdelay-sample)"
fi
done_testing

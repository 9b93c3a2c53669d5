#!/usr/bin/env bash
# kdelay-report --export chrome-json -o FILE: the Chrome Trace Event
# Format of a capture (docs/export.md).  Every output must be strict JSON
# whose tracks all nest (tests/tools/check_chrome_trace.py); on the
# synthetic capture the slices are exactly the known ones; on a recording
# of the sample every thread has its sched and syscalls tracks.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
. "$(dirname "$0")/40-export-lib.bash"
need_bins kdelay-report

out=$(out_dir 40-export-chrome)
if synth_capture "$T_TMP/synth.data" &&
	report_export "synthetic: kdelay-report --export chrome-json -o exits 0" "$T_TMP/synth.log" \
		-i "$T_TMP/synth.data" --export chrome-json -o "$out/synth.json"; then
	python3 "$CHROME_CHECK" "$out/synth.json" --dump >"$T_TMP/synth.dump" 2>&1
	check_eq "synthetic: strict JSON, every track nests" 0 $?
	check_grep "synthetic: main's read() with its duration" '^main \(syscalls\)\|read\|300\|1500$' "$T_TMP/synth.dump"
	check_grep "synthetic: main preempted, ready 2100..2400" '^main \(sched\)\|ready\|2100\|300$' "$T_TMP/synth.dump"
	check_grep "synthetic: write() still blocked at the end" '\(syscalls\)\|write\|2300\|7700$' "$T_TMP/synth.dump"
	check_grep "synthetic: the window and the trigger" '^sample windows\|@start trigger\|2500$' "$T_TMP/synth.dump"
	check_grep "synthetic: wall-clock origin" '"ts_origin_utc":"2023-11-14T22:13:20.000001000Z"' "$out/synth.json"
	[ "$T_FAILED" -gt 0 ] && show_file "$T_TMP/synth.dump"

	# --tid keeps one thread's tracks.
	if report_export "--tid 101 exits 0" "$T_TMP/tid.log" -i "$T_TMP/synth.data" --export chrome-json \
		--tid 101 -o "$T_TMP/tid.json"; then
		python3 "$CHROME_CHECK" "$T_TMP/tid.json" --dump | grep -v '^sample windows' >"$T_TMP/tid.dump"
		check_eq "--tid 101: main's 11 slices only" "11 0" \
			"$(grep -c '^main ' "$T_TMP/tid.dump") $(grep -vc '^main ' "$T_TMP/tid.dump")"
	fi
fi

if [ "$(id -u)" -eq 0 ] && [ -x "$BIN/kdelay-record" ] && [ -x "$BIN/kdelay-sample" ] && real_capture real &&
	report_export "sample: kdelay-report --export chrome-json -o exits 0" "$T_TMP/real.log" \
		-i "$T_TMP/real.data" --export chrome-json -o "$out/sample.json"; then
	python3 "$CHROME_CHECK" "$out/sample.json" --dump >"$T_TMP/real.dump" 2>&1
	check_eq "sample: strict JSON, every track nests" 0 $?
	grep '^not ok' "$T_TMP/real.dump" | head -5 | diag
	for t in handler1 revalidator3 urcu5; do
		check_grep "sample: $t has running slices" "^$t \(sched\)\|running\|" "$T_TMP/real.dump"
		check_grep "sample: $t has syscall slices" "^$t \(syscalls\)\|[a-z_0-9]+\|" "$T_TMP/real.dump"
	done
	check_grep "sample: syscall slices carry symbolized stacks" '"kernel_stack":\["[a-z_0-9.]+\+0x[0-9a-f]+ \[kernel\]"' "$out/sample.json"
elif [ "$(id -u)" -ne 0 ] || [ ! -x "$BIN/kdelay-record" ] || [ ! -x "$BIN/kdelay-sample" ]; then
	not_ok "a recording of the sample to export (needs root, kdelay-record and kdelay-sample)"
fi
done_testing

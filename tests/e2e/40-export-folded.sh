#!/usr/bin/env bash
# kdelay-report --folded: folded stacks of the recorded syscall events,
# weighted by duration in ns, for flamegraph.pl and speedscope.  Exact on
# the synthetic capture; well-formed and complete on a recording.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
. "$(dirname "$0")/40-export-lib.bash"
need_bins kdelay-report

out=$(out_dir 40-export-folded)
if synth_capture "$T_TMP/synth.data" &&
	report_export "synthetic: kdelay-report --folded exits 0" "$out/synth.folded" -i "$T_TMP/synth.data" --folded; then
	printf '%s\n' \
		'main;main;loop;[libc.so.6];syscall:read;entry_SYSCALL_64;do_syscall_64 1600' \
		'w"k\_?</script>;[user stack lost];syscall:poll;entry_SYSCALL_64;do_syscall_64 2200' \
		>"$T_TMP/want.folded"
	check "synthetic: exact folded stacks" cmp -s "$T_TMP/want.folded" "$out/synth.folded"
	[ "$T_FAILED" -gt 0 ] && diff "$T_TMP/want.folded" "$out/synth.folded" | diag
fi

if [ "$(id -u)" -eq 0 ] && [ -x "$BIN/kdelay-record" ] && [ -x "$BIN/kdelay-sample" ] && real_capture real &&
	report_export "sample: kdelay-report --folded exits 0" "$out/sample.folded" -i "$T_TMP/real.data" --folded; then
	check "sample: every line is 'frame;frame;... weight'" \
		awk 'NF < 2 || $NF !~ /^[0-9]+$/ || index($0, ";") == 0 { bad = 1 } END { exit bad || NR == 0 }' "$out/sample.folded"
	check "sample: each stack has one syscall frame" \
		awk '{ n = gsub(/;syscall:[a-z_0-9]+[; ]/, "&"); if (n != 1) bad = 1 } END { exit bad }' "$out/sample.folded"
	check_grep "sample: handler1 blocks in poll" '^handler1;.*;syscall:poll;' "$out/sample.folded"
	check "sample: lines unique and sorted" sh -c "cut -d' ' -f1 '$out/sample.folded' | LC_ALL=C sort -c -u"
elif [ "$(id -u)" -ne 0 ] || [ ! -x "$BIN/kdelay-record" ] || [ ! -x "$BIN/kdelay-sample" ]; then
	not_ok "a recording of the sample to export (needs root, kdelay-record and kdelay-sample)"
fi
done_testing

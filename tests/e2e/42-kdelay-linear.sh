#!/usr/bin/env bash
# kdelay reads its capture once, not once per window: after each window it
# reads on from where it stopped, so printing window 300 costs what window
# 1 did.  Checked by bytes, not time: kdelay says (KDELAY_DEBUG_READ_BYTES)
# how many bytes of the capture it read, and that must stay within a few
# times the capture's size (once while following, once for the footer),
# where reading it all again per window would be ~N/2 times it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay kdelay-report

W=300
start_sample lin --rate 200
release_sample lin
KDELAY_DEBUG_READ_BYTES=1 timeout 120 "$KDELAY" -p "$SAMPLE_PID" --sample-count $W \
	--sample-time 0.01 -o "$T_TMP/lin.data" >"$T_TMP/lin.txt" 2>"$T_TMP/lin.err"
rc=$?
stop_pid "$SAMPLE_PID"
check_eq "kdelay --sample-count $W --sample-time 0.01 exits 0" 0 $rc
[ $rc -eq 0 ] || diag <"$T_TMP/lin.err"
check_eq "kdelay printed $W dumps" $W "$(grep -c '^# Sample dump @' "$T_TMP/lin.txt")"
size=$(stat -c %s "$T_TMP/lin.data")
read_bytes=$(sed -n 's/^kdelay: read \([0-9]*\) bytes of the capture$/\1/p' "$T_TMP/lin.err")
check "kdelay says how many bytes of its capture it read" test -n "$read_bytes"
echo "capture $size bytes, kdelay read ${read_bytes:-?} bytes" | diag
check "kdelay read its $size-byte capture at most 3 times (${read_bytes:-?} bytes)" \
	test "${read_bytes:-0}" -gt 0 -a "${read_bytes:-0}" -le $((3 * size))

# What it printed while following equals the report of the whole capture.
"$REPORT" -i "$T_TMP/lin.data" >"$T_TMP/lin-rep.txt" 2>"$T_TMP/lin-rep.err"
sed -n '/^# Sample dump/,/^# /p' "$T_TMP/lin.txt" | grep -v '^# ' >"$T_TMP/lin.blocks"
sed -n '/^# Sample dump/,/^# /p' "$T_TMP/lin-rep.txt" | grep -v '^# ' >"$T_TMP/lin-rep.blocks"
check "kdelay printed statistics" test -s "$T_TMP/lin.blocks"
check "the $W windows' statistics equal kdelay-report's on the capture" \
	cmp -s "$T_TMP/lin.blocks" "$T_TMP/lin-rep.blocks"
done_testing

#!/usr/bin/env bash
# Bad input, end to end: each with its message and exit status.
#  kdelay-record / kdelay: wrong options (argparse's status 2, like the
#   reference), a pid that does not exist, trigger strings that do not
#   parse or name no USDT probe / tracepoint the target or kernel has
#   (EX_CONFIG 78, "Invalid start trigger", as the reference does for USDT;
#   for USDT the probes the target has are listed), uprobes on functions
#   that do not exist (EX_OSERR 71, "Failed attaching"), not root
#   (EX_NOPERM 77).
#  kdelay-report: missing file (EX_NOINPUT 66), not a capture / newer
#   format (EX_DATAERR 65, one line), truncated and corrupted captures
#   (every complete window reported, a warning saying what is missing,
#   status 1), bad options (EX_USAGE 64); never a crash on garbage.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report kdelay

# expect NAME CODE REGEX CMD...: exit status CODE and a line matching REGEX
# on stdout+stderr, within 30 s.
expect() {
	local name=$1 code=$2 re=$3 out=$T_TMP/expect.out rc
	shift 3
	timeout 30 "$@" >"$out" 2>&1
	rc=$?
	check_eq "$name (exit $code)" "$code" "$rc"
	check_grep "$name: message" "$re" "$out"
}
# no_crash NAME CMD...: exits by itself (no signal, no timeout).
no_crash() {
	local name=$1 rc
	shift
	timeout 30 "$@" >/dev/null 2>&1
	rc=$?
	check "$name: no crash (exit $rc)" test $rc -lt 124
}

start_sample bad -m exact -c 10 -i 100000 --pause-ms 100
release_sample bad
P=$SAMPLE_PID
O=(-o "$T_TMP/bad.data")

# --- options (argparse semantics: "PROG: error: ...", exit 2)
for prog in "$RECORD" "$KDELAY"; do
	n=$(basename "$prog")
	expect "$n --no-such-option" 2 'error: .*(unrecognized|no-such-option)' "$prog" --no-such-option
	expect "$n --sample-count 0" 2 'error: .*--sample-count' "$prog" -p $P --sample-count 0 "${O[@]}"
	expect "$n -p abc" 2 'error: .*(-p|--pid)' "$prog" -p abc "${O[@]}"
	expect "$n -p without its pid" 2 'error: .*(-p|--pid)' "$prog" -p
	expect "$n --sample-time x" 2 'error: .*--sample-time' "$prog" -p $P --sample-time x "${O[@]}"
	expect "$n --start-trigger without value" 2 'error: .*--start-trigger' "$prog" -p $P --start-trigger
	check_exit "$n --help" 0 "$prog" --help
done
expect "kdelay-record -p and --comm together" 2 'exclude' "$RECORD" -p $P --comm x "${O[@]}"

# --- targets
expect "-p of a process that does not exist" 69 '999999' "$RECORD" -p 999999 --sample-time 0.1 "${O[@]}"

expect "output file that cannot be created: EX_CANTCREAT" 73 'no-such-dir' "$RECORD" -p $P --sample-time 0.1 -o "$T_TMP/no-such-dir/x.data"

# --- triggers that do not parse: the reference's EX_CONFIG and message
for t in x:foo foo u:onlyprovider usdt: t:nosystem up: 'k:' ur:a:b:c:d; do
	expect "--start-trigger '$t'" 78 'Invalid start trigger' "$RECORD" -p $P --start-trigger "$t" "${O[@]}"
done
expect "--stop-trigger 'bogus'" 78 'Invalid stop trigger' "$RECORD" -p $P --stop-trigger bogus "${O[@]}"

# --- probes that do not exist
expect "USDT probe that does not exist" 78 'Invalid start trigger.*nope|nope.*Invalid start trigger' "$RECORD" -p $P --start-trigger u:kdelay_sample:nope "${O[@]}"
check_grep "USDT probe that does not exist: lists the target's probes" 'run_start' "$T_TMP/expect.out"
expect "USDT provider that does not exist" 78 'Invalid start trigger.*no_such_provider' "$RECORD" -p $P --start-trigger u:no_such_provider:run_start "${O[@]}"
expect "uprobe on a function that does not exist" 71 'Failed attaching.*no_such_function_xyz' "$RECORD" -p $P --start-trigger up:no_such_function_xyz "${O[@]}"
expect "uretprobe on a function that does not exist" 71 'Failed attaching.*no_such_function_xyz' "$RECORD" -p $P --stop-trigger ur:no_such_function_xyz "${O[@]}"
expect "tracepoint that does not exist" 78 'Invalid start trigger.*no_such_event' "$RECORD" -p $P --start-trigger t:syscalls:no_such_event "${O[@]}"
expect "kdelay: USDT probe that does not exist" 78 'Invalid start trigger.*nope' "$KDELAY" -p $P --start-trigger u:kdelay_sample:nope

# --- not root: one clear line, EX_NOPERM
if command -v setpriv >/dev/null; then
	asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --)
	expect "kdelay-record not root" 77 '[Rr]oot|CAP_BPF|permission' "${asuser[@]}" "$RECORD" -p $P --sample-time 0.1 -o /tmp/kdelay-nonroot-$$.data
	check_eq "not root: one line" 1 "$(grep -c . "$T_TMP/expect.out")"
	expect "kdelay not root" 77 '[Rr]oot|CAP_BPF|permission' "${asuser[@]}" "$KDELAY" -p $P
	rm -f /tmp/kdelay-nonroot-$$.data
else
	not_ok "setpriv (util-linux) is installed"
fi

# --- a good capture to damage: 4 windows of the ovs-like sample
stop_pid "$SAMPLE_PID"
start_sample good --rate 200
release_sample good
good=$T_TMP/good.data
timeout 60 "$RECORD" -p "$SAMPLE_PID" --sample-time 0.3 --sample-count 4 -o "$good" >/dev/null 2>&1
check_eq "a good capture recorded" 0 $?
stop_pid "$SAMPLE_PID"
"$REPORT" -i "$good" >"$T_TMP/good.txt" 2>&1
check_eq "the good capture reports with exit 0" 0 $?
check_eq "the good capture has 4 windows" 4 "$(windows "$T_TMP/good.txt")"

# chunks FILE: "offset type stored_len" of each chunk (docs/format.md 3).
chunks() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off = 16
while off + 28 <= len(d):
    sync, typ, flags, stored, raw, cnt, pcrc, hcrc = struct.unpack_from('<4sHHIIIII', d, off)
    if sync != b'KDCK':
        break
    print(off, typ, stored)
    off += 28 + stored
EOF
}
chunks "$good" >"$T_TMP/chunks"
check "the capture parses as chunks per docs/format.md (META first)" sh -c "head -1 '$T_TMP/chunks' | grep -q '^16 1 '"
check_eq "the capture has 4 WINDOW chunks" 4 "$(awk '$2 == 7' "$T_TMP/chunks" | wc -l)"

# --- report: files that are not captures
expect "report: missing file" 66 'no-such-file' "$REPORT" -i "$T_TMP/no-such-file"
expect "report: not a capture" 65 'not a kdelay capture' "$REPORT" -i /etc/passwd
check_eq "report: not a capture: one line" 1 "$(grep -c . "$T_TMP/expect.out")"
: >"$T_TMP/empty"
expect "report: empty file" 65 'not a kdelay capture' "$REPORT" -i "$T_TMP/empty"
head -c 16 "$good" >"$T_TMP/hdronly"
expect "report: header only" 65 'META|meta|corrupt|truncat' "$REPORT" -i "$T_TMP/hdronly"
cp "$good" "$T_TMP/v2"
printf '\002\000\000\000' | dd of="$T_TMP/v2" bs=1 seek=8 conv=notrunc status=none
expect "report: newer major version" 65 'version 2\.0 is newer' "$REPORT" -i "$T_TMP/v2"
expect "report: --info on a newer version" 65 'version 2\.0 is newer' "$REPORT" -i "$T_TMP/v2" --info

# --- truncated: cut inside the last WINDOW chunk -> the 3 complete windows
last_win=$(awk '$2 == 7 { o = $1 } END { print o }' "$T_TMP/chunks")
head -c $((last_win + 10)) "$good" >"$T_TMP/trunc"
"$REPORT" -i "$T_TMP/trunc" >"$T_TMP/trunc.txt" 2>"$T_TMP/trunc.err"
check_eq "truncated: exit 1 (incomplete)" 1 $?
check_eq "truncated: the 3 complete windows are reported" 3 "$(windows "$T_TMP/trunc.txt")"
check_grep "truncated: warning names the offset" "truncated at offset $((last_win + 10))" "$T_TMP/trunc.err"
parse_report <"$T_TMP/good.txt" | awk -F '\t' '$1 <= 3' >"$T_TMP/good3.tsv"
parse_report <"$T_TMP/trunc.txt" >"$T_TMP/trunc.tsv"
check "truncated: the 3 windows are as in the full capture" cmp -s "$T_TMP/good3.tsv" "$T_TMP/trunc.tsv"
# Cut inside the middle of the file, and in the first chunk's header.
size=$(stat -c %s "$good")
head -c $((size / 2)) "$good" >"$T_TMP/half"
"$REPORT" -i "$T_TMP/half" >"$T_TMP/half.txt" 2>"$T_TMP/half.err"
check_eq "cut in half: exit 1" 1 $?
check_grep "cut in half: warning" 'truncated at offset|no summary' "$T_TMP/half.err"
head -c 30 "$good" >"$T_TMP/cut30"
expect "cut inside META's header" 65 'META|meta|truncat|corrupt' "$REPORT" -i "$T_TMP/cut30"

# --- corrupted: a payload byte of the first EVENTS chunk flipped
read -r ev_off ev_type ev_len < <(awk '$2 == 2 && $3 > 64 { print; exit }' "$T_TMP/chunks")
cp "$good" "$T_TMP/corrupt"
pos=$((ev_off + 28 + ev_len / 2))
byte=$(od -An -tu1 -j $pos -N1 "$good" | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 255)))" | dd of="$T_TMP/corrupt" bs=1 seek=$pos conv=notrunc status=none
check "corrupt: the file differs from the good one" sh -c "! cmp -s '$good' '$T_TMP/corrupt'"
"$REPORT" -i "$T_TMP/corrupt" >"$T_TMP/corrupt.txt" 2>"$T_TMP/corrupt.err"
check_eq "corrupt chunk: exit 1 (incomplete)" 1 $?
check_grep "corrupt chunk: says which chunk was skipped" "$ev_off|chunk" "$T_TMP/corrupt.err"
check_eq "corrupt chunk: all 4 windows still reported" 4 "$(windows "$T_TMP/corrupt.txt")"
# A damaged chunk header: the reader resynchronises on the next chunk.
cp "$good" "$T_TMP/badhdr"
printf '\377\377\377\377' | dd of="$T_TMP/badhdr" bs=1 seek=$((ev_off + 8)) conv=notrunc status=none
"$REPORT" -i "$T_TMP/badhdr" >"$T_TMP/badhdr.txt" 2>"$T_TMP/badhdr.err"
check_eq "damaged chunk header: exit 1" 1 $?
check_eq "damaged chunk header: all 4 windows still reported" 4 "$(windows "$T_TMP/badhdr.txt")"

# --- report options
expect "report --no-such-option" 64 'no-such-option|unrecognized|usage' "$REPORT" --no-such-option -i "$good"
expect "report --thread with a bad regex" 64 'regex|regular expression|\(' "$REPORT" -i "$good" --thread '('
expect "report --syscall unknown" 64 'no_such_syscall' "$REPORT" -i "$good" --syscall no_such_syscall
check_exit "report --help" 0 "$REPORT" --help

# --- never a crash: random damage anywhere, garbage after a good header
for i in $(seq 25); do
	cp "$good" "$T_TMP/fz"
	pos=$(( (RANDOM * 32768 + RANDOM) % size ))
	head -c 16 /dev/urandom | dd of="$T_TMP/fz" bs=1 seek=$pos conv=notrunc status=none
	for mode in "" --json --info; do
		timeout 30 "$REPORT" -i "$T_TMP/fz" $mode >/dev/null 2>&1
		rc=$?
		case $rc in 0 | 1 | 65) ;; *) echo "random damage at $pos ($mode): exit $rc" >>"$T_TMP/fz.bad"; cp "$T_TMP/fz" "$T_TMP/fz.$i" ;; esac
	done
done
if [ -s "$T_TMP/fz.bad" ]; then
	not_ok "random damage: report exits 0, 1 or 65, never crashes"
	diag <"$T_TMP/fz.bad"
else
	ok "random damage: report exits 0, 1 or 65, never crashes (75 runs)"
fi
{ head -c 16 "$good"; head -c 100000 /dev/urandom; } >"$T_TMP/garbage"
no_crash "good header + garbage" "$REPORT" -i "$T_TMP/garbage"
no_crash "good header + garbage, --json" "$REPORT" -i "$T_TMP/garbage" --json
done_testing

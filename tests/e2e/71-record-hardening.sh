#!/usr/bin/env bash
# kdelay-record and kdelay run as root on machines shared with others:
#  - -o never writes through a symbolic link planted by another user in a
#    world-writable sticky folder (nor creates a dangling link's target),
#    the capture is 0600, the .old rotation moves names only, a SIGKILLed
#    recorder leaves its capture under the requested name, and kdelay's
#    temporary capture has no name at all;
#  - -o - streams a valid capture to standard output (a file or a pipe),
#    never onto a terminal;
#  - numbers that do not fit, pid 0, a kernel thread, a library that no
#    mapping matches are refused with one line naming the program;
#  - kdelay-record -- COMMAND exits with COMMAND's status (128 + signal);
#  - a full disk ends the capture with a summary whose end_reason says
#    "disk-full".  end_reason is read here with the format library
#    (tests/tools/kdf_end_reason.c); how the report shows it is tested
#    with the report.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report kdelay tests/tools/kdf_end_reason
# Where a wrong "-o -" would create a file named "-".
cd "$T_TMP" || exit 1

# expect NAME CODE REGEX CMD...: exit status CODE, and stdout+stderr is
# one line matching REGEX.
expect() {
	local name=$1 code=$2 re=$3 out=$T_TMP/expect.out rc
	shift 3
	timeout 30 "$@" >"$out" 2>&1
	rc=$?
	check_eq "$name (exit $code)" "$code" "$rc"
	check_grep "$name: message" "$re" "$out"
}
# one_line NAME: the last expect printed exactly one line.
one_line() { check_eq "$1: one line" 1 "$(grep -c . "$T_TMP/expect.out")"; }

# The format library's view of a capture's SUMMARY end_reason.
KDF_END_REASON=$BIN/tests/tools/kdf_end_reason
end_reason() { "$KDF_END_REASON" "$1" 2>&1; }

start_sample tgt --rate 100
release_sample tgt
P=$SAMPLE_PID

# --- -o and symbolic links, in a sticky world-writable folder
chmod 0711 "$T_TMP" # the other user reaches the shared folder, nothing else
shared=$T_TMP/shared
mkdir -m 1777 "$shared"
secret=$T_TMP/root-only/secret
mkdir -m 0700 "$T_TMP/root-only"
printf 'root data\n' >"$secret"
chmod 0644 "$secret"
sum_before=$(sha256sum <"$secret")
asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
"${asuser[@]}" ln -s "$secret" "$shared/kdelay.data"
check_eq "the planted link belongs to another user" 65534 "$(stat -c %u "$shared/kdelay.data")"
(cd "$shared" && timeout 30 "$RECORD" -p "$P" --sample-time 0.1 >"$T_TMP/expect.out" 2>&1)
check_eq "a link at kdelay.data: refused (exit 73)" 73 $?
check_grep "a link at kdelay.data: says it is a link" '^kdelay-record: .*kdelay\.data.*symbolic link' "$T_TMP/expect.out"
one_line "a link at kdelay.data"
check_eq "the link's target is untouched" "$sum_before" "$(sha256sum <"$secret")"
check_eq "the link's target keeps its mode" 644 "$(stat -c %a "$secret")"
check "the link is still a link" test -L "$shared/kdelay.data"
check_eq "nothing else is left in the folder" "kdelay.data" "$(ls -A "$shared")"

"${asuser[@]}" ln -s "$T_TMP/root-only/created" "$shared/dangling.data"
expect "a dangling link: refused" 73 '^kdelay-record: .*dangling\.data.*symbolic link' \
	"$RECORD" -p "$P" --sample-time 0.1 -o "$shared/dangling.data"
check "a dangling link: its target is not created" test ! -e "$T_TMP/root-only/created"
expect "kdelay -o a link: refused" 73 '^kdelay: .*symbolic link' \
	"$KDELAY" -p "$P" --sample-time 0.1 -o "$shared/kdelay.data"
check_eq "kdelay -o a link: the target is untouched" "$sum_before" "$(sha256sum <"$secret")"
mkfifo "$shared/fifo.data"
expect "a FIFO at -o: refused" 73 'not a regular file' "$RECORD" -p "$P" --sample-time 0.1 -o "$shared/fifo.data"

# A capture, then a second one: the first becomes .old, moved by name even
# when another user planted a link at the .old name.
f=$shared/cap.data
(umask 022 && timeout 30 "$RECORD" -p "$P" --sample-time 0.1 -o "$f" >/dev/null 2>&1)
check_eq "a capture: exit 0" 0 $?
check_eq "a capture: mode 0600 whatever the umask" 600 "$(stat -c %a "$f")"
check_eq "a capture: owned by root" 0 "$(stat -c %u "$f")"
ino=$(stat -c %i "$f")
"${asuser[@]}" ln -s "$secret" "$shared/cap.data.old"
timeout 30 "$RECORD" -p "$P" --sample-time 0.1 -o "$f" >/dev/null 2>&1
check_eq "a second capture: exit 0" 0 $?
check_eq "the first capture is now cap.data.old (the planted link replaced)" "$ino" "$(stat -c %i "$f.old")"
check "cap.data.old is a file, not a link" test -f "$f.old" -a ! -L "$f.old"
check_eq "the .old link's target is untouched" "$sum_before" "$(sha256sum <"$secret")"
check "the second capture is a new file" test "$(stat -c %i "$f")" != "$ino"
"$REPORT" -i "$f" >/dev/null 2>&1
check_eq "the second capture reads (exit 0)" 0 $?
check_eq "no temporary file is left" 0 "$(find "$shared" -name '*.partial-*' | wc -l)"

# SIGKILL after the first window opened: the capture is under its name.
k=$shared/killed.data
start_record kill -p "$P" --sample-time 30 -o "$k"
wait_recording kill
kill -KILL "$RECORD_PID"
wait_exit "$RECORD_PID" 5
check "SIGKILL: the capture is under the requested name" test -s "$k"
check_eq "SIGKILL: no temporary file is left" 0 "$(find "$shared" -name '*.partial-*' | wc -l)"
"$REPORT" -i "$k" --info >/dev/null 2>&1
rc=$?
check "SIGKILL: --info reads it (exit 0 or 1, got $rc)" test $rc -le 1

# kdelay's temporary capture: no name in TMPDIR while it runs, nothing
# left after SIGKILL.
kt=$T_TMP/kdelay-tmp
mkdir "$kt"
TMPDIR=$kt "$KDELAY" -p "$P" --sample-time 30 >"$T_TMP/kd.out" 2>"$T_TMP/kd.err" &
kd=$!
defer "stop_pid $kd"
wait_for_line "$T_TMP/kd.out" '^# Start sampling' 20
check_eq "kdelay: its temporary capture has no name in TMPDIR" "" "$(ls -A "$kt")"
check "kdelay: it writes a deleted file of TMPDIR" \
	sh -c "ls -l /proc/$kd/fd | grep -q '$kt/.*(deleted)'"
kill -KILL $kd
wait_exit $kd 5
check_eq "kdelay: nothing left after SIGKILL" "" "$(ls -A "$kt")"

# --- -o -: the capture on standard output
timeout 30 "$RECORD" -p "$P" --sample-time 0.2 -o - >"$T_TMP/stdout.data" 2>"$T_TMP/stdout.err"
check_eq "-o - to a file: exit 0" 0 $?
check_eq "-o - to a file: it starts with the capture magic" "89 4b 44 4c 59" \
	"$(head -c 5 "$T_TMP/stdout.data" | od -An -tx1 | xargs)"
check_grep "-o -: the # lines go to stderr" '^# Start sampling' "$T_TMP/stdout.err"
check_eq "-o -: no file named '-'" 0 "$(find "$T_TMP" -maxdepth 1 -name - | wc -l)"
"$REPORT" -i "$T_TMP/stdout.data" >"$T_TMP/stdout.txt" 2>&1
check_eq "-o - to a file: kdelay-report -i FILE reads it (exit 0)" 0 $?
check_eq "-o - to a file: one window" 1 "$(windows "$T_TMP/stdout.txt")"
check_eq "-o - to a file: the summary says stopped" stopped "$(end_reason "$T_TMP/stdout.data")"
timeout 30 "$RECORD" -p "$P" --sample-time 0.2 -o - 2>/dev/null | cat >"$T_TMP/pipe.data"
check_eq "-o - to a pipe: exit 0" 0 "${PIPESTATUS[0]}"
"$REPORT" -i "$T_TMP/pipe.data" >"$T_TMP/pipe.txt" 2>&1
check_eq "-o - to a pipe: the capture reads (exit 0)" 0 $?
check_eq "-o - to a pipe: one window" 1 "$(windows "$T_TMP/pipe.txt")"
timeout 30 "$RECORD" -o - -- sh -c 'echo out-of-the-command' >"$T_TMP/cmdout.data" 2>"$T_TMP/cmdout.err"
check_eq "-o - -- COMMAND: exit 0" 0 $?
check_grep "-o - -- COMMAND: the command's output goes to stderr" '^out-of-the-command$' "$T_TMP/cmdout.err"
"$REPORT" -i "$T_TMP/cmdout.data" >/dev/null 2>&1
check_eq "-o - -- COMMAND: the capture on stdout reads (exit 0)" 0 $?
script -qec "'$RECORD' -p $P --sample-time 0.1 -o -" /dev/null >"$T_TMP/tty.out" 2>&1
check_eq "-o - on a terminal: usage error (exit 2)" 2 $?
check_grep "-o - on a terminal: says why" 'kdelay-record: error: argument -o/--output: .*terminal' "$T_TMP/tty.out"
check "-o - on a terminal: no file named '-'" test ! -e "$T_TMP/-"
expect "kdelay -o -: refused" 2 'kdelay: error: argument -o/--output: .*not supported' "$KDELAY" -p "$P" -o -

# --- numbers and targets that cannot be right (argparse's status 2)
O1=(-o "$T_TMP/bad.data")
for prog in "$RECORD" "$KDELAY"; do
	n=$(basename "$prog")
	for v in 18446744073 1e12 86401; do
		expect "$n --sample-time $v" 2 "^$n: error: argument --sample-time: must be at most 86400 seconds" \
			"$prog" -p "$P" --sample-time $v "${O1[@]}"
	done
	for v in nan inf -1; do
		expect "$n --sample-time $v" 2 "^$n: error: argument --sample-time: must be a non-negative number" \
			"$prog" -p "$P" --sample-time $v "${O1[@]}"
	done
	expect "$n --sample-interval 1e12" 2 "^$n: error: argument --sample-interval: must be at most 86400" \
		"$prog" -p "$P" --sample-interval 1e12 "${O1[@]}"
	expect "$n --buffer-page-count 1048576" 2 "^$n: error: argument --buffer-page-count: .*2 GiB" \
		"$prog" -p "$P" --buffer-page-count 1048576 "${O1[@]}"
	check "$n --buffer-page-count 1048576: BTF is not blamed" sh -c "! grep -q BTF '$T_TMP/expect.out'"
	expect "$n -p 0" 2 "^$n: error: argument -p/--pid: 0 is not a process id" "$prog" -p 0 "${O1[@]}"
	expect "$n --trigger-delta nan" 2 "^$n: error: argument --trigger-delta: must be an integer" \
		"$prog" -p "$P" --trigger-delta nan "${O1[@]}"
	check "$n --trigger-delta nan: not run as a command" sh -c "! grep -q 'Cannot run' '$T_TMP/expect.out'"
	# Started by its full path: the message names the program only.
	expect "$n -p of no process, by full path" 69 "^$n: No process with PID 999999" \
		"$prog" -p 999999 "${O1[@]}"
	one_line "$n -p of no process"
done
check "no capture was created by a rejected command line" test ! -e "$T_TMP/bad.data"

kthread=2
check_eq "PID 2 is kthreadd (a kernel thread)" kthreadd "$(cat /proc/$kthread/comm)"
expect "-p of a kernel thread: refused" 69 '^kdelay-record: PID 2 is a kernel thread' \
	"$RECORD" -p $kthread --sample-time 0.1 "${O1[@]}"
one_line "-p of a kernel thread"
expect "uprobe in a library no mapping matches" 71 \
	"^kdelay-record: .*no library mapped by process $P matches '/nonexistent/lib'" \
	"$RECORD" -p "$P" --start-trigger up:/nonexistent/lib:f "${O1[@]}"
one_line "uprobe in a library no mapping matches"
stop_pid "$P"

# --- COMMAND's exit status
printf '#!/bin/sh\nkill -SEGV $$\n' >"$T_TMP/segv.sh"
chmod +x "$T_TMP/segv.sh"
timeout 30 "$RECORD" -q -o "$T_TMP/segv.data" -- "$T_TMP/segv.sh" >"$T_TMP/segv.out" 2>&1
check_eq "-- COMMAND killed by SIGSEGV: exit 139 (128 + 11)" 139 $?
"$REPORT" -i "$T_TMP/segv.data" >/dev/null 2>&1
check_eq "-- COMMAND killed by SIGSEGV: its capture reads (exit 0)" 0 $?
check_eq "-- COMMAND: the summary says target-exited" target-exited "$(end_reason "$T_TMP/segv.data")"
check_exit "-- sh -c 'exit 3': exit 3" 3 "$RECORD" -q -o "$T_TMP/three.data" -- sh -c 'exit 3'
check_exit "-- true: exit 0" 0 "$RECORD" -q -o "$T_TMP/true.data" -- true

# --- disk full: a 256 KiB tmpfs fills up over several windows
record_disk_full
rc=$?
check_eq "disk full: EX_IOERR" 74 $rc
check_grep "disk full: says so, naming the program" '^kdelay-record: .*No space left on device' "$T_TMP/full.err"
check_eq "disk full: one error line" 1 "$(grep -c . "$T_TMP/full.err")"
check_eq "disk full: the summary's end_reason" disk-full "$(end_reason "$T_TMP/full.data")"
# Whole chunks up to the end, the last one the SUMMARY (docs/format.md 3).
python3 - "$T_TMP/full.data" >"$T_TMP/full.chunks" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off, last = 16, None
while off + 28 <= len(d):
    sync, typ = struct.unpack_from('<4sH', d, off)
    stored = struct.unpack_from('<I', d, off + 8)[0]
    if sync != b'KDCK':
        break
    last = typ
    off += 28 + stored
print(off == len(d), last)
EOF
check_eq "disk full: the file ends on a whole SUMMARY chunk" "True 8" "$(cat "$T_TMP/full.chunks")"
"$REPORT" -i "$T_TMP/full.data" >"$T_TMP/full.txt" 2>"$T_TMP/full.rep.err"
in_range "disk full: the complete windows are reported" "$(windows "$T_TMP/full.txt")" 1 399
done_testing

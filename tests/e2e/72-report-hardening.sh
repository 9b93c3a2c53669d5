#!/usr/bin/env bash
# kdelay-report on a stranger's machine, fed by a hostile user:
#  -o: never the input (same file, also through a link), never through a
#   link, an existing output untouched on any failure (missing input,
#   bad option found late), replaced only whole, mode from the umask,
#   no temporary file left behind; devices written in place.
#  -i: "-" reads standard input, a file or a pipe, for every output (the
#   exports read twice); a FIFO nobody writes is refused at once.
#  options: two different outputs refused; getopt errors name the program;
#   every error is one line.
#  memory: tiny crafted captures (tests/fuzz/gen_hostile), as built and
#   padded to just under 1 MB (the budget grows with the size), read in
#   every mode under 64 MiB of peak RSS (measured by python3's getrusage
#   of the child), with the warning naming the chunk.
#  diff: a capture without a complete window is exit 3, not a pass.
#  damage no CRC sees: an EVENTS chunk removed or repeated, two captures
#   joined: a warning, "complete: no", exit 1; in a capture of today's
#   recorder (format 1.1, SEQUENCE chunks) and of an older one (1.0, the
#   golden real-exact.kdd: the SUMMARY's counts tell).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-report kdelay-record kdelay-sample tests/gen_hostile

GOLD=$TOP/tests/golden
D=$T_TMP/w
mkdir -p "$D"
cp "$GOLD/basic.kdd" "$D/cap.kdd"
CAP=$D/cap.kdd

# one_line NAME CODE REGEX CMD...: exit CODE, and stderr exactly one line,
# starting with "kdelay-report: ", matching REGEX.
one_line() {
	local name=$1 code=$2 re=$3 rc
	shift 3
	timeout 20 "$@" >"$T_TMP/ol.out" 2>"$T_TMP/ol.err"
	rc=$?
	check_eq "$name (exit $code)" "$code" "$rc"
	check_eq "$name: one line on stderr" 1 "$(wc -l <"$T_TMP/ol.err")"
	check_grep "$name: names the program and says why" "^kdelay-report: .*$re" "$T_TMP/ol.err"
}
# no_tmp_left NAME: no temporary output file left in $D
no_tmp_left() { check_eq "$1: no temporary file left" "" "$(cd "$D" && ls -A | grep '\.tmp$')"; }

# ------------------------------------------------------------------ -o
cp "$CAP" "$D/cap.orig"
one_line "-i X -o X" 64 "is the input capture" "$REPORT" -i "$CAP" -o "$CAP"
check "-i X -o X: the capture is untouched" cmp -s "$CAP" "$D/cap.orig"
ln -s cap.kdd "$D/link-to-cap"
one_line "-o a link to the input" 64 "is the input capture" "$REPORT" -i "$CAP" -o "$D/link-to-cap"
one_line "-i a link, -o the input" 64 "is the input capture" "$REPORT" -i "$D/link-to-cap" -o "$CAP"
check "through links: the capture is untouched" cmp -s "$CAP" "$D/cap.orig"

echo "precious" >"$D/report.txt"
one_line "missing input with an existing -o" 66 "cannot open .*no-such" "$REPORT" -i "$D/no-such.kdd" -o "$D/report.txt"
check_eq "missing input: the existing output is untouched" "precious" "$(cat "$D/report.txt")"
one_line "a bad regex found after -o is open" 64 "regex|regular expression|\\(" "$REPORT" -i "$CAP" --thread '(' -o "$D/report.txt"
check_eq "bad regex: the existing output is untouched" "precious" "$(cat "$D/report.txt")"
no_tmp_left "failed runs"

echo "victim" >"$D/victim"
ln -s victim "$D/planted"
one_line "-o a planted symlink" 73 "symbolic link" "$REPORT" -i "$CAP" -o "$D/planted"
check_eq "planted symlink: its target is untouched" "victim" "$(cat "$D/victim")"
check "planted symlink: still a link" test -L "$D/planted"
ln -s "$D/created-by-link" "$D/dangling"
one_line "-o a dangling symlink" 73 "symbolic link" "$REPORT" -i "$CAP" -o "$D/dangling"
check "dangling symlink: its target is not created" test ! -e "$D/created-by-link"
one_line "-o a folder" 73 "directory" "$REPORT" -i "$CAP" -o "$D"

# Every output kind through -o: the same bytes as on stdout, mode 0644
# under umask 022 and 0600 under 077, replacing the old file.
for mode in "" --json --info "--info --json" --html --folded "--export chrome-json"; do
	# shellcheck disable=SC2086
	"$REPORT" -i "$CAP" $mode >"$D/stdout.out" 2>/dev/null
	echo "old" >"$D/out"
	# shellcheck disable=SC2086
	(umask 022 && "$REPORT" -i "$CAP" $mode -o "$D/out" 2>/dev/null)
	check_eq "-o ${mode:-text}: exit 0" 0 $?
	check "-o ${mode:-text}: same bytes as stdout" cmp -s "$D/out" "$D/stdout.out"
	check_eq "-o ${mode:-text}: mode 644 under umask 022" 644 "$(stat -c %a "$D/out")"
done
rm -f "$D/out"
(umask 077 && "$REPORT" -i "$CAP" -o "$D/out" 2>/dev/null)
check_eq "-o under umask 077: mode 600" 600 "$(stat -c %a "$D/out")"
no_tmp_left "successful runs"
"$REPORT" -i "$CAP" >"$D/text.out" 2>/dev/null
(cd "$D" && "$REPORT" -i "$CAP" -o - >"$D/dash.out" 2>/dev/null)
check "-o - is standard output" cmp -s "$D/dash.out" "$D/text.out"
check "-o -: no file named -" test ! -e "$D/-"
check_exit "-o /dev/null is written in place" 0 "$REPORT" -i "$CAP" -o /dev/null
check "-o /dev/null: still a character device" test -c /dev/null

# ------------------------------------------------------------------ -i
"$REPORT" -i "$CAP" >"$D/file.txt" 2>&1
"$REPORT" -i - <"$CAP" >"$D/redirect.txt" 2>&1
check_eq "-i - < capture: exit 0" 0 $?
check "-i - < capture: the report of the file" cmp -s "$D/file.txt" "$D/redirect.txt"
cat "$CAP" | "$REPORT" -i - >"$D/pipe.txt" 2>&1
check_eq "cat capture | -i -: exit 0" 0 "${PIPESTATUS[1]}"
check "cat capture | -i -: the report of the file" cmp -s "$D/file.txt" "$D/pipe.txt"
for mode in --json --info --html --folded "--export chrome-json"; do
	# shellcheck disable=SC2086
	"$REPORT" -i - $mode <"$CAP" >"$D/a.out" 2>/dev/null
	# shellcheck disable=SC2086
	cat "$CAP" | "$REPORT" -i - $mode >"$D/b.out" 2>/dev/null
	check_eq "cat capture | -i - $mode: exit 0" 0 "${PIPESTATUS[1]}"
	check "cat capture | -i - $mode: as from a file on stdin" cmp -s "$D/a.out" "$D/b.out"
done
check_eq "a pipe on -i -: no temporary file left in TMPDIR" "" \
	"$(mkdir -p "$D/tmpdir" && cat "$CAP" | TMPDIR=$D/tmpdir "$REPORT" -i - >/dev/null 2>&1; ls -A "$D/tmpdir")"
cat "$CAP" | "$REPORT" -i - -o "$D/from-pipe.txt" 2>/dev/null
check "a pipe on -i -, -o FILE: the report" cmp -s "$D/file.txt" "$D/from-pipe.txt"
mkfifo "$D/fifo"
one_line "-i a FIFO nobody writes" 66 "FIFO" "$REPORT" -i "$D/fifo"
one_line "-i - from an empty pipe" 65 "not a kdelay capture \\(empty file\\)" sh -c "printf '' | \"$REPORT\" -i -"
one_line "-i - from a character device" 66 "not a regular file, pipe or FIFO" sh -c "\"$REPORT\" -i - </dev/null"

# -------------------------------------------------------------- options
one_line "--html --folded" 64 "--html and --folded are different outputs" "$REPORT" -i "$CAP" --html --folded
one_line "--json --html" 64 "--html and --json are different outputs" "$REPORT" -i "$CAP" --json --html
one_line "--folded --info" 64 "--folded and --info are different outputs" "$REPORT" -i "$CAP" --folded --info
one_line "--export chrome-json --html" 64 "different outputs" "$REPORT" -i "$CAP" --export chrome-json --html
check_exit "--export html --html: the same output twice is fine" 0 "$REPORT" -i "$CAP" --export html --html -o /dev/null
one_line "an unknown long option" 64 "unknown option '--no-such'" "$REPORT" --no-such -i "$CAP"
one_line "an unknown short option" 64 "unknown option '-x'" "$REPORT" -x -i "$CAP"
one_line "-i without its file" 64 "option '-i' needs an argument" "$REPORT" -i
one_line "--tid without its value" 64 "option '--tid' needs an argument" "$REPORT" --tid
one_line "--tid x" 64 "invalid --tid 'x'" "$REPORT" -i "$CAP" --tid x

# --------------------------------------------------------------- memory
H=$T_TMP/hostile
mkdir -p "$H"
"$BIN/tests/gen_hostile" "$H"
check_eq "gen_hostile wrote 12 crafted captures" 12 "$(ls "$H"/*.kdd | wc -l)"
# peak CMD...: "RC PEAK_KIB" of CMD (stdout dropped, stderr to $T_TMP/peak.err)
peak() {
	python3 -c '
import resource, subprocess, sys
p = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(sys.argv[1], "w"))
print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
		"$T_TMP/peak.err" "$@"
}
for f in stacks:STACKS strings:STRINGS gaps:STRINGS threads:THREAD symbols:SYMBOLS zstd:EVENTS \
	stacks-1mb:STACKS strings-1mb:STRINGS gaps-1mb:STRINGS threads-1mb:THREAD symbols-1mb:SYMBOLS \
	zstd-1mb:EVENTS; do
	name=${f%%:*} kind=${f#*:} file=$H/${f%%:*}.kdd
	check "$name.kdd is under 1 MB" test "$(stat -c %s "$file")" -lt 1000000
	for mode in --info "" --json "--html -o $D/h.html" --folded "--export chrome-json" diff; do
		if [ "$mode" = diff ]; then
			set -- "$REPORT" diff "$file" "$file"
			want=3
		else
			# shellcheck disable=SC2086
			set -- "$REPORT" -i "$file" $mode
			want=1
		fi
		read -r rc kib < <(peak "$@")
		label="$name.kdd ${mode:-text}"
		check_eq "$label: exit $want" "$want" "$rc"
		check "$label: peak RSS ${kib} KiB < 64 MiB" test "$kib" -lt 65536
		check_grep "$label: the warning names the chunk" \
			"$kind chunk at offset [0-9]+ would take .* over the [0-9]+ MiB this [0-9]+-byte capture allows" \
			"$T_TMP/peak.err"
	done
done

# ----------------------------------------------------------------- diff
# basic.kdd cut just before its WINDOW chunk: events, but no window.
python3 - "$GOLD/basic.kdd" "$D/nowindow.kdd" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
off = 16
while struct.unpack_from('<H', b, off + 4)[0] != 7:
    off += 28 + struct.unpack_from('<I', b, off + 8)[0]
open(sys.argv[2], 'wb').write(b[:off])
PY
check_exit "diff of a capture with itself" 0 "$REPORT" diff "$CAP" "$CAP"
# (after the warnings that the capture is incomplete)
for side in new base; do
	if [ $side = new ]; then set -- "$CAP" "$D/nowindow.kdd"; else set -- "$D/nowindow.kdd" "$CAP"; fi
	"$REPORT" diff "$@" >/dev/null 2>"$D/diff.err"
	check_eq "diff, $side capture without a complete window: exit 3" 3 $?
	check_grep "diff, $side capture without a complete window: the error, last" \
		"^kdelay-report: diff: $side capture .*nowindow.kdd has no complete sample window: nothing to compare$" \
		<(tail -1 "$D/diff.err")
done
"$REPORT" diff "$CAP" "$D/nowindow.kdd" --fail-if 'p99>+1000%' >"$D/diff.out" 2>/dev/null
check_eq "diff without a window, with --fail-if: still exit 3" 3 $?
check_eq "diff without a window: nothing on stdout" 0 "$(wc -c <"$D/diff.out")"

# --------------------------------------------------- damage CRCs miss
# real-exact.kdd: META THREAD EVENTS WINDOW EVENTS WINDOW SUMMARY.
python3 - "$GOLD/real-exact.kdd" "$D" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
chunks, off = [], 16
while off + 28 <= len(b):
    end = off + 28 + struct.unpack_from('<I', b, off + 8)[0]
    chunks.append(b[off:end]); off = end
assert [struct.unpack_from('<H', c, 4)[0] for c in chunks] == [1, 5, 2, 7, 2, 7, 8]
head = b[:16]
def write(name, idx):
    open(sys.argv[2] + '/' + name, 'wb').write(head + b''.join(chunks[i] for i in idx))
write('removed.kdd', [0, 1, 2, 3, 5, 6])
write('repeated.kdd', [0, 1, 2, 3, 4, 4, 5, 6])
PY
cat "$GOLD/real-exact.kdd" "$GOLD/real-exact.kdd" >"$D/joined.kdd"
check_exit "the untouched capture is complete" 0 "$REPORT" -i "$GOLD/real-exact.kdd"
for f in removed:"the summary at offset [0-9]+ counts [0-9]+ events of type" \
	repeated:"the summary at offset [0-9]+ counts [0-9]+ events of type" \
	joined:"a file header at offset $(stat -c %s "$GOLD/real-exact.kdd"): another capture starts there"; do
	name=${f%%:*} re=${f#*:}
	"$REPORT" -i "$D/$name.kdd" >/dev/null 2>"$D/$name.err"
	check_eq "$name EVENTS chunk: exit 1 (damaged)" 1 $?
	check_grep "$name EVENTS chunk: the warning" "$re" "$D/$name.err"
	"$REPORT" -i "$D/$name.kdd" --info >"$D/$name.info" 2>/dev/null
	check_grep "$name EVENTS chunk: --info says not complete" "complete: +no" "$D/$name.info"
done

# A capture of today's recorder: every EVENTS chunk followed by its
# SEQUENCE chunk; one removed, or one repeated, is named as such.
start_sample seq --rate 200
release_sample seq
timeout 60 "$RECORD" -p "$SAMPLE_PID" --sample-time 0.2 --sample-count 3 -o "$D/rec.data" >/dev/null 2>&1
check_eq "a capture recorded" 0 $?
stop_pid "$SAMPLE_PID"
python3 - "$D/rec.data" "$D" >"$D/rec.layout" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
chunks, off = [], 16
while off + 28 <= len(b):
    end = off + 28 + struct.unpack_from('<I', b, off + 8)[0]
    chunks.append(b[off:end]); off = end
types = [struct.unpack_from('<H', c, 4)[0] for c in chunks]
ev = [i for i, t in enumerate(types) if t == 2]
print("version", b[8], b[10])
print("events_chunks", len(ev))
print("each_followed_by_sequence", all(i + 1 < len(types) and types[i + 1] == 9 for i in ev))
print("sequences", sum(t == 9 for t in types))
head = b[:16]
def write(name, idx):
    open(sys.argv[2] + '/' + name, 'wb').write(head + b''.join(chunks[i] for i in idx))
every = list(range(len(chunks)))
write('rec-removed.kdd', [i for i in every if i != ev[1]])
write('rec-repeated.kdd', every[:ev[1] + 2] + [ev[1], ev[1] + 1] + every[ev[1] + 2:])
PY
check_grep "recorded: format 1.4" "^version 1 4$" "$D/rec.layout"
check_grep "recorded: several EVENTS chunks" "^events_chunks ([3-9]|[1-9][0-9]+)$" "$D/rec.layout"
check_grep "recorded: each EVENTS chunk followed by a SEQUENCE chunk" "^each_followed_by_sequence True$" "$D/rec.layout"
check_exit "recorded: the untouched capture is complete" 0 "$REPORT" -i "$D/rec.data"
for name in rec-removed rec-repeated; do
	"$REPORT" -i "$D/$name.kdd" >/dev/null 2>"$D/$name.err"
	check_eq "$name: exit 1 (damaged)" 1 $?
	check_grep "$name: the warning" "EVENTS chunks out of sequence at offset [0-9]+: number [0-9]+ after number [0-9]+, with [0-9]+ EVENTS chunk\\(s\\) read between them" "$D/$name.err"
	"$REPORT" -i "$D/$name.kdd" --info >"$D/$name.info" 2>/dev/null
	check_grep "$name: --info says not complete" "complete: +no" "$D/$name.info"
done

done_testing

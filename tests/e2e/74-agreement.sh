#!/usr/bin/env bash
# Every output of kdelay-report measures the same intervals.  Over each
# golden capture and a fresh recording of the sample's ovs-like workload
# (several windows, every syscall listed with its stack), per thread:
#  - the run, ready, syscall, hard irq and soft irq totals of the text
#    report and of --json are the same;
#  - the HTML's distributions (its embedded JSON) hold the same run, ready
#    and syscall totals, and its time budgets the same classes and
#    blocked-per-syscall times per window as --json --budget;
#  - the chrome-json export's slices add up to the same totals, counting
#    the slices the statistics count: both ends seen (not started before
#    the capture, unfinished, clipped or spanning lost events), inside one
#    reported window, hard irqs that were handled;
#  - the folded stacks weigh what the chrome-json syscall slices that
#    carry a stack weigh (per thread name);
#  - `diff A A` shows, per role (name without its numeric suffix), the
#    run, ready and syscall totals of the text report, and every delta of
#    it is zero.
# Each format is parsed independently of the others (tests/e2e only reads
# the outputs), so a second pairing that drifts shows here.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-record kdelay-report

# totals FORMAT FILE: "KEY KIND TOTAL" lines, sorted; KEY is the tid
# (text, json, html, chrome), the thread name (folded, chrome-stacks) or
# the role (role-of-text, diff).
totals() {
	python3 - "$@" <<'EOF'
import json, re, sys
from collections import defaultdict
from decimal import Decimal

fmt, path = sys.argv[1], sys.argv[2]
tot = defaultdict(int)

def role(name):
    # The two JSON writers escape bytes that are not UTF-8 differently:
    # roles are compared on their printable ASCII.
    r = name.rstrip('0123456789')
    r = r if r else name
    return ''.join(c for c in r if ' ' < c <= '~')

if fmt == 'text':
    # Columns: tid in 0..10, name in 11..27, then the section title.
    kind = None
    name_of = {}
    tid = None
    sect = {'[SYSCALL STATISTICS]': 'syscall', '[THREAD RUN STATISTICS]': 'run',
            '[THREAD READY STATISTICS]': 'ready', '[HARD IRQ STATISTICS]': 'hardirq',
            '[SOFT IRQ STATISTICS]': 'softirq'}
    for line in open(path, encoding='utf-8', errors='replace'):
        line = line.rstrip('\n')
        if line.startswith('#') or not line.strip():
            kind = None
            continue
        m = re.match(r'^ {0,9}(\d+) (.{16,}?) (\[[A-Z ]+\])$', line)
        if m:
            tid = int(m.group(1))
            kind = sect.get(m.group(3))
            continue
        body = line[28:] if len(line) > 28 else ''
        if body in sect:
            kind = sect[body]
            continue
        if kind is None or tid is None:
            continue
        f = body.split()
        if not f or f[0] in ('NAME', 'SCHED_CNT') or f[0].startswith('TOTAL'):
            continue
        nums = [int(x.replace(',', '')) for x in f if re.fullmatch(r'[\d,]+', x)]
        if kind == 'syscall':      # NAME NUMBER COUNT TOTAL MAX
            t = nums[-2]
        elif kind == 'run':        # COUNT TOTAL MIN MAX
            t = nums[1]
        elif kind == 'ready':      # COUNT TOTAL MAX
            t = nums[1]
        else:                      # ... COUNT TOTAL MAX
            t = nums[-2]
        tot[(tid, kind)] += t
elif fmt in ('json', 'role-of-json'):
    # role-of-json: what diff compares, the windows that closed
    d = json.load(open(path))
    for w in d['windows']:
        if w.get('skipped') or (fmt == 'role-of-json' and w.get('incomplete')):
            continue
        for t in w.get('threads') or []:
            tid = t['tid'] if fmt == 'json' else role(t['name'])
            for s in t.get('syscalls') or []:
                tot[(tid, 'syscall')] += s['total_ns']
            for k in ('run', 'ready'):
                if t.get(k):
                    tot[(tid, k)] += t[k]['total_ns']
            for k, kk in (('hardirqs', 'hardirq'), ('softirqs', 'softirq')):
                for s in t.get(k) or []:
                    tot[(tid, kk)] += s['total_ns']
elif fmt == 'json-budget':
    d = json.load(open(path))
    for w in d['windows']:
        for t in w['threads']:
            b = t.get('budget')
            if not b:
                continue
            for k in ('running', 'ready', 'hardirq', 'softirq', 'other', 'unknown'):
                tot[('%d/%d' % (w['index'], t['tid']), k)] += b[k + '_ns']
            for s in b['blocked_in']:
                tot[('%d/%d' % (w['index'], t['tid']), 'blocked-' + s['syscall'])] += s['blocked_ns']
elif fmt == 'html-budget':
    s = open(path, encoding='utf-8').read()
    m = re.search(r'<script type="application/json" id="kdelay-data"[^>]*>(.*?)</script>', s, re.S)
    d = json.loads(m.group(1))
    for w in d['windows']:
        for b in w['budget']:
            key = '%d/%d' % (w['index'], d['threads'][b[0]]['tid'])
            for k, v in zip(('running', 'ready', 'hardirq', 'softirq'), b[1:5]):
                tot[(key, k)] += v
            tot[(key, 'other')] += b[6]
            tot[(key, 'unknown')] += b[7]
            for lab, v in b[5]:
                tot[(key, 'blocked-' + d['labels'][lab])] += v
elif fmt == 'html':
    s = open(path, encoding='utf-8').read()
    m = re.search(r'<script type="application/json" id="kdelay-data"[^>]*>(.*?)</script>', s, re.S)
    d = json.loads(m.group(1))
    kinds = {'running': 'run', 'ready': 'ready', 'syscall': 'syscall'}
    for h in d['hist']:
        tot[(d['threads'][h['t']]['tid'], kinds[h['kind']])] += h['total']
elif fmt in ('chrome', 'chrome-stacks'):
    d = json.load(open(path))
    ns = lambda ts: int(Decimal(str(ts)) * 1000)
    open_b = {}
    slices, windows = [], []
    for e in d['traceEvents']:
        if e['ph'] == 'B':
            open_b[e['tid']] = e
        elif e['ph'] == 'E':
            b = open_b.pop(e['tid'])
            if b.get('cat') == 'window':
                if not b['args'].get('skipped'):
                    windows.append((ns(b['ts']), ns(e['ts'])))
            else:
                slices.append((b, ns(b['ts']), ns(e['ts'])))
    kinds = {'sched': None, 'syscall': 'syscall', 'hardirq': 'hardirq', 'softirq': 'softirq'}
    names = {}
    for e in d['traceEvents']:
        if e['ph'] == 'M' and e['name'] == 'thread_name':
            names[e['tid']] = e['args']['name']
    for b, start, end in slices:
        a = b['args']
        if fmt == 'chrome-stacks':
            if b['cat'] == 'syscall' and ('kernel_stack' in a or 'user_stack' in a or
                                          a.get('kernel_stack_lost') or a.get('user_stack_lost')):
                tot[(names[b['tid']].rsplit(' (', 1)[0], 'syscall')] += end - start
            continue
        if any(a.get(f) for f in ('started_before_capture', 'unfinished', 'clipped',
                                  'spans_lost_events')):
            continue
        if b['cat'] == 'hardirq' and not a['handled']:
            continue
        if not any(lo <= start and end <= hi for lo, hi in windows):
            continue
        k = kinds[b['cat']] or ('run' if b['name'] == 'running' else 'ready')
        tot[(a['tid'], k)] += end - start
elif fmt == 'folded':
    for line in open(path, encoding='utf-8'):
        stack, w = line.rstrip('\n').rsplit(' ', 1)
        tot[(stack.split(';', 1)[0], 'syscall')] += int(w)
elif fmt == 'diff':
    d = json.load(open(path))
    zero = all(v == 0 for g in [d['all']] + d['roles'] for k in ('run', 'ready', 'syscall')
               for part in ('delta', 'delta_pct') for v in g[k][part].values()
               if v is not None)
    print('deltas', 'zero' if zero else 'NOT-ZERO')
    for g in d['roles']:
        for k in ('run', 'ready', 'syscall'):
            if g[k]['base']['total']:
                tot[(role(g['role']), k)] += g[k]['base']['total']
for (key, kind), v in sorted(tot.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
    if v:
        if fmt != 'role-of-json' or kind in ('run', 'ready', 'syscall'):
            print(key, kind, v)
EOF
}

# agree NAME CAPTURE: every check above on one capture.
agree() {
	local name=$1 cap=$2 d=$T_TMP/$1 f
	mkdir -p "$d"
	"$REPORT" -i "$cap" >"$d/text" 2>"$d/text.err"
	"$REPORT" -i "$cap" --json >"$d/json" 2>"$d/json.err"
	"$REPORT" -i "$cap" --json --budget >"$d/json-budget" 2>"$d/json-budget.err"
	"$REPORT" -i "$cap" --html -o "$d/html" 2>"$d/html.err"
	"$REPORT" -i "$cap" --export chrome-json -o "$d/chrome" 2>"$d/chrome.err"
	"$REPORT" -i "$cap" --folded -o "$d/folded" 2>"$d/folded.err"
	"$REPORT" diff "$cap" "$cap" --json >"$d/diff" 2>"$d/diff.err"
	if ! python3 -c 'import json, sys
sys.exit(not any(not w.get("incomplete") for w in json.load(open(sys.argv[1]))["windows"]))' "$d/json"; then
		# no window closed: diff has nothing to compare and says so (docs/diff.md)
		check_eq "$name: diff of a capture without a closed window exits 3" 3 \
			"$("$REPORT" diff "$cap" "$cap" >/dev/null 2>&1; echo $?)"
		: >"$d/diff"
		echo "deltas zero" >"$d/diff.t"
	fi
	for f in text json html chrome folded; do
		if [ ! -s "$d/$f" ] && [ "$f" != folded ]; then
			not_ok "$name: $f output written"
			diag <"$d/$f.err"
			return
		fi
	done
	totals text "$d/text" >"$d/text.t"
	totals json "$d/json" >"$d/json.t"
	totals chrome "$d/chrome" >"$d/chrome.t"
	totals html "$d/html" >"$d/html.t"
	totals json-budget "$d/json-budget" >"$d/json-budget.t"
	totals html-budget "$d/html" >"$d/html-budget.t"
	totals folded "$d/folded" >"$d/folded.t"
	totals chrome-stacks "$d/chrome" >"$d/chrome-stacks.t"
	totals role-of-json "$d/json" >"$d/role.t"
	[ -s "$d/diff" ] && totals diff "$d/diff" >"$d/diff.t"
	# the HTML has no irq distributions
	grep -Ev ' (hardirq|softirq) ' "$d/text.t" >"$d/text-noirq.t"
	same "$name: text and --json totals agree" "$d/text.t" "$d/json.t"
	same "$name: text and chrome-json totals agree" "$d/text.t" "$d/chrome.t"
	same "$name: text and HTML totals agree" "$d/text-noirq.t" "$d/html.t"
	same "$name: --budget and HTML time budgets agree" "$d/json-budget.t" "$d/html-budget.t"
	same "$name: folded and chrome-json stacks agree" "$d/chrome-stacks.t" "$d/folded.t"
	check_eq "$name: diff A A: every delta is zero" "deltas zero" "$(head -1 "$d/diff.t")"
	sed 1d "$d/diff.t" >"$d/diff-roles.t"
	same "$name: diff A A and --json totals agree per role" "$d/role.t" "$d/diff-roles.t"
}

# same NAME EXPECTED ACTUAL: the two lists of totals are equal (and the
# expected one is not empty when the capture has intervals).
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff "$2" "$3" | head -20 | diag
	fi
}

for cap in "$TOP"/tests/golden/*.kdd; do
	agree "$(basename "$cap" .kdd)" "$cap"
done

# A fresh capture: the ovs-like workload (handlers, revalidators, the main
# loop, urcu) over three windows, with every syscall listed and stacked.
start_sample ovs -d 0 --rate 200 || bail_out "kdelay-sample starts"
start_record ovs -p "$SAMPLE_PID" --sample-time 0.3 --sample-count 3 --syscall-events 0 \
	-o "$T_TMP/ovs.data"
wait_recording ovs || bail_out "kdelay-record opens its first window"
release_sample ovs
wait_exit "$RECORD_PID" 30
check_eq "fresh capture: kdelay-record exits 0" 0 $?
stop_pid "$SAMPLE_PID"
"$REPORT" -i "$T_TMP/ovs.data" --info >"$T_TMP/ovs.info" 2>&1
check "fresh capture: stacks recorded" awk '$1 == "stack" && $2 > 0 { f = 1 } END { exit !f }' "$T_TMP/ovs.info"
agree fresh "$T_TMP/ovs.data"
check "fresh capture: every thread has run and syscall totals in text" \
	awk '$2 == "run" { r++ } $2 == "syscall" { s++ } END { exit !(r >= 4 && s >= 4) }' \
	"$T_TMP/fresh/text.t"

done_testing

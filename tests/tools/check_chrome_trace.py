#!/usr/bin/env python3
"""check_chrome_trace.py FILE [--dump] - validate a Chrome Trace Event
Format file as kdelay-report --export chrome-json writes it.

Checks: the file is strict JSON (no NaN, UTF-8), traceEvents is a list,
every complete ("X") event has name/pid/tid/ts and a dur >= 0, every
begin ("B") event has name/pid/tid/ts and is closed by an end ("E")
event of the same name on its track, the events of a track are in time
order in the file, every thread that holds a slice is named by a
thread_name metadata event, and on every (pid, tid) track the slices nest
properly (each one either ends before the next starts or contains it) -
the rule the trace viewers need to draw them.  Exit 0 when all holds, 1
with one line per problem.

--dump prints, sorted, one line per event: "TRACK|NAME|TS_NS|DUR_NS"
for slices and "TRACK|@NAME|TS_NS" for instants, so that a test can
compare the exact content.
"""
import json
import sys


def ns(v):
    # ts/dur are microseconds with 3 decimals: back to integer ns exactly.
    return int(round(float(v) * 1000))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    dump = '--dump' in sys.argv
    if len(args) != 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    with open(args[0], 'rb') as f:
        raw = f.read()

    def no_const(c):
        raise ValueError('non-standard JSON constant ' + c)
    try:
        doc = json.loads(raw.decode('utf-8'), parse_constant=no_const)
    except (UnicodeDecodeError, ValueError) as e:
        print('not ok: not strict JSON: %s' % e)
        return 1
    events = doc.get('traceEvents') if isinstance(doc, dict) else doc
    problems = []
    if not isinstance(events, list):
        print('not ok: no traceEvents list')
        return 1
    names, tracks, lines = {}, {}, []
    open_b, last_ts = {}, {}  # per track: the B events not yet ended; the last ts
    for i, e in enumerate(events):
        ph = e.get('ph')
        key = (e.get('pid'), e.get('tid'))
        if ph in ('B', 'E', 'X') and 'ts' in e:
            if key in last_ts and ns(e['ts']) < last_ts[key]:
                problems.append('event %d: ts %s before the previous event of its track'
                                % (i, e['ts']))
            last_ts[key] = ns(e['ts'])
        if ph == 'M' and e.get('name') == 'thread_name':
            names[(e['pid'], e['tid'])] = e['args']['name']
        elif ph == 'B':
            for k in ('name', 'pid', 'tid', 'ts'):
                if k not in e:
                    problems.append('event %d: B without %s' % (i, k))
            open_b.setdefault(key, []).append((e, i))
        elif ph == 'E':
            stack = open_b.get(key)
            if not stack:
                problems.append('event %d: E without a B on its track' % i)
                continue
            b, bi = stack.pop()
            if e.get('name') != b.get('name'):
                problems.append('event %d: E of %r ends B of %r' % (i, e.get('name'), b.get('name')))
            tracks.setdefault(key, []).append(
                (ns(b.get('ts', 0)), ns(e['ts']) - ns(b.get('ts', 0)), b.get('name'), bi))
        elif ph == 'X':
            for k in ('name', 'pid', 'tid', 'ts', 'dur'):
                if k not in e:
                    problems.append('event %d: X without %s' % (i, k))
            if 'dur' in e and ns(e['dur']) < 0:
                problems.append('event %d: negative dur %s' % (i, e['dur']))
            if 'ts' in e and ns(e['ts']) < 0:
                problems.append('event %d: negative ts %s' % (i, e['ts']))
            tracks.setdefault((e.get('pid'), e.get('tid')), []).append(
                (ns(e.get('ts', 0)), ns(e.get('dur', 0)), e.get('name'), i))
        elif ph == 'i' or ph == 'I':
            if 'ts' not in e:
                problems.append('event %d: instant without ts' % i)
            lines.append((names.get((e.get('pid'), e.get('tid')), '?'), '@' + str(e.get('name')), ns(e.get('ts', 0)), None))
        elif ph not in ('M', 'X', 'i', 'I', 'b', 'e', 'n', 'C'):
            problems.append('event %d: unexpected ph %r' % (i, ph))
    for key, stack in open_b.items():
        for b, bi in stack:
            problems.append('event %d: B of %r never ends' % (bi, b.get('name')))
    for key, sl in tracks.items():
        if key not in names:
            problems.append('track pid %s tid %s has slices but no thread_name' % key)
        sl.sort(key=lambda s: (s[0], -s[1], s[3]))
        stack = []
        for ts, dur, name, i in sl:
            while stack and stack[-1][0] + stack[-1][1] <= ts:
                stack.pop()
            if stack and ts + dur > stack[-1][0] + stack[-1][1]:
                problems.append('track %r: %s [%d+%d] overlaps %s [%d+%d] without nesting'
                                % (names.get(key, key), name, ts, dur, stack[-1][2], stack[-1][0], stack[-1][1]))
            stack.append((ts, dur, name))
            lines.append((names.get(key, '?'), name, ts, dur))
    for p in problems:
        print('not ok: ' + p)
    if dump:
        # json.dumps: names hold any character; the dump stays ASCII.
        for l in sorted(lines, key=lambda l: (l[0], l[2], l[1], l[3] or 0)):
            print('%s|%s|%d' % (json.dumps(l[0])[1:-1], json.dumps(l[1])[1:-1], l[2])
                  + ('|%d' % l[3] if l[3] is not None else ''))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

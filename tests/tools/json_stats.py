#!/usr/bin/env python3
"""json_stats.py REPORT.json - the statistics of a kdelay-report --json
output as lines in the format of the golden captures' oracle files
(tests/golden/NAME.oracle, written by tests/golden/mkgolden.c), sorted:

  WINDOW TID KIND KEY COUNT TOTAL_NS MIN_NS MAX_NS
  WINDOW TID in_progress NR ENTRY_NS ELAPSED_NS

KIND sys (KEY: syscall nr), run and ready (KEY: -), hardirq (KEY: the
action name, printable ASCII kept and other bytes as \\xHH), softirq
(KEY: the vector).  Tab-separated.
"""
import json
import sys


def name_key(name):
    out = []
    for b in name.encode('utf-8', 'surrogateescape'):
        if 0x20 <= b < 0x7f and b != 0x5c:
            out.append(chr(b))
        else:
            out.append('\\x%02x' % b)
    return ''.join(out)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding='utf-8') as f:
        doc = json.load(f)
    lines = []

    def row(w, tid, kind, key, r):
        lines.append((w, tid, kind, str(key), r['count'], r['total_ns'], r['min_ns'], r['max_ns']))

    for w in doc['windows']:
        i = w['index']
        for t in w['threads']:
            tid = t['tid']
            for r in t['syscalls']:
                row(i, tid, 'sys', r['nr'], r)
            for kind in ('run', 'ready'):
                if t[kind]:
                    row(i, tid, kind, '-', t[kind])
            for r in t['hardirqs']:
                row(i, tid, 'hardirq', name_key(r['name']), r)
            for r in t['softirqs']:
                row(i, tid, 'softirq', r['vec'], r)
        for p in w.get('in_progress') or []:
            lines.append((i, p['tid'], 'in_progress', str(p['nr']), p['entry_ns'], p['elapsed_ns']))
    for line in sorted('\t'.join(str(v) for v in fields) for fields in lines):
        print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main())

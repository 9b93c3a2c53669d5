#!/usr/bin/env python3
"""compare_html_stats.py PAGE.html REPORT.tsv - cross-check the latency
distributions of a kdelay-report --html page against the statistics of
the text report (REPORT.tsv: parse_report's output, tests/e2e/helpers.bash).

Two independent pairings of the same raw events must agree: for every
thread x syscall, run and ready series, the page's count and total (all
windows) equal the sums of the text report's rows.  Prints one line per
difference and exits 1 if there is any.
"""
import csv
import json
import re
import sys


def main():
    page, tsv = sys.argv[1:3]
    html = open(page, encoding='utf-8').read()
    m = re.search(r'<script type="application/json" id="kdelay-data">(.*?)</script>', html, re.S)
    d = json.loads(m.group(1))
    mine = {}
    for h in d['hist']:
        t = d['threads'][h['t']]
        kind = 'sys' if h['kind'] == 'syscall' else h['kind']
        name = d['labels'][h['name']] if h['name'] >= 0 else '-'
        mine[(str(t['tid']), kind, name)] = (h['count'], h['total'])
    theirs = {}
    for row in csv.reader(open(tsv), delimiter='\t'):
        kind = {'run': 'running'}.get(row[3], row[3])
        if kind not in ('sys', 'running', 'ready'):
            continue
        k = (row[1], kind, row[4])
        c, t = theirs.get(k, (0, 0))
        theirs[k] = (c + int(row[5]), t + int(row[6]))
    bad = 0
    for k in sorted(set(mine) | set(theirs)):
        if mine.get(k) != theirs.get(k):
            bad += 1
            print('tid %s %s %s: page (count, total) %s, text report %s' % (k + (mine.get(k), theirs.get(k))))
    print('%d series compared, %d differ' % (len(set(mine) | set(theirs)), bad))
    return 1 if bad or not mine else 0


if __name__ == '__main__':
    sys.exit(main())

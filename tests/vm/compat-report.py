# SPDX-License-Identifier: BSD-2-Clause
"""Read kernel_delay.py's text report (and kdelay's, which keeps its layout
column for column) into plain data, for tests/vm/compat-compare.py.

A report is a list of windows; each window is a dict:
  start_ns, stop_ns    the trigger timestamps of "# Start/Stop sampling
                       (trigger@TS)" (None in time mode)
  delta_ns             "stop-start delta" of a triggered dump
  threads              {tid: thread}
  in_progress          [(tid, syscall name, elapsed ns)]  (kdelay only)
  waiting              [(tid, elapsed ns)]                (kdelay only)
and a thread is a dict:
  name
  sys       {syscall name: (number, count, total ns, max ns)}
  systotal  (count, total ns) or None
  run       (count, total ns, min ns, max ns) or None
  ready     (count, total ns, max ns) or None
  hardirq   {irq name: (count, total ns, max ns)}
  softirq   {vector name: (vector, count, total ns, max ns)}
Lines the layout does not explain are kept in "unparsed" so that a change
of either tool's output cannot go unnoticed.
"""
import re

_START = re.compile(r"^# Start sampling(?: \(trigger@(\d+)\))? @")
_STOP = re.compile(r"^# Stop sampling(?: \(trigger@(\d+)\))? @")
_DUMP = re.compile(r"^# (?:Triggered sample dump, stop-start delta ([\d,]+) ns|Sample dump) @")
_THREAD = re.compile(r"^\s*(\d+) (.*?)\s*\[SYSCALL STATISTICS\]\s*$")
_BLOCK = re.compile(r"^\s*\[(THREAD RUN|THREAD READY|HARD IRQ|SOFT IRQ) STATISTICS\]\s*$")
_NUM = re.compile(r"^-?[\d,]+$")


def _num(s):
    return int(s.replace(",", ""))


def _split_numbers(line, n):
    """(label, [n numbers]) of a row whose last n fields are numbers; the
    label (maybe empty, maybe with spaces) is what precedes them."""
    fields = line.split()
    if len(fields) < n or not all(_NUM.match(f) for f in fields[-n:]):
        return None
    label = line.strip().rsplit(None, n)[0] if len(fields) > n else ""
    return label, [_num(f) for f in fields[-n:]]


def parse(text):
    windows = []
    unparsed = []
    start = stop = None
    win = thread = None
    block = None
    extra = None
    for raw in text.splitlines():
        line = raw.rstrip()
        m = _START.match(line)
        if m:
            start, stop, win, thread, block, extra = (
                int(m.group(1)) if m.group(1) else None, None, None, None, None, None)
            continue
        m = _STOP.match(line)
        if m:
            stop = int(m.group(1)) if m.group(1) else None
            continue
        m = _DUMP.match(line)
        if m:
            win = {"start_ns": start, "stop_ns": stop,
                   "delta_ns": _num(m.group(1)) if m.group(1) else None,
                   "threads": {}, "in_progress": [], "waiting": []}
            windows.append(win)
            thread = block = extra = None
            continue
        if win is None:
            if line.strip():
                unparsed.append(line)
            continue
        if line.startswith("# SYSCALLS IN PROGRESS AT STOP:"):
            extra, thread, block = "in_progress", None, None
            continue
        if line.startswith("# THREADS WAITING FOR A CPU AT STOP:"):
            extra, thread, block = "waiting", None, None
            continue
        if extra:
            f = line.split()
            if extra == "in_progress" and len(f) >= 5 and f[0].isdigit():
                # ENTRY TID THREAD ELAPSED SYSCALL (names may hold spaces)
                m = re.match(r"^\s*(\d+)\s+(\d+)\s+(.*?)\s+([\d,]+)\s+(\S.*)$", line)
                if m:
                    win["in_progress"].append((int(m.group(2)), m.group(5).strip(), _num(m.group(4))))
                    continue
            if extra == "waiting" and len(f) >= 4 and f[0].isdigit():
                m = re.match(r"^\s*(\d+)\s+(\d+)\s+(.*?)\s+([\d,]+)$", line)
                if m:
                    win["waiting"].append((int(m.group(2)), _num(m.group(4))))
                    continue
            if not line.strip() or set(line.strip()) <= set("- ") or "ENTRY (ns)" in line or "READY SINCE" in line:
                continue
            unparsed.append(line)
            continue
        m = _THREAD.match(line)
        if m:
            thread = {"name": m.group(2), "sys": {}, "systotal": None, "run": None,
                      "ready": None, "hardirq": {}, "softirq": {}}
            win["threads"][int(m.group(1))] = thread
            block = "sys"
            continue
        m = _BLOCK.match(line)
        if m and thread is not None:
            block = m.group(1)
            continue
        s = line.strip()
        if (not s or s.startswith("TID ") or set(s) <= set("- ")
                or s.startswith("NAME ") or s.startswith("SCHED_CNT ")):
            continue
        if thread is None:
            unparsed.append(line)
            continue
        if block == "sys":
            if s.startswith("TOTAL( - poll):"):
                r = _split_numbers(s, 2)
                thread["systotal"] = tuple(r[1])
                continue
            r = _split_numbers(s, 4)
            if r:
                thread["sys"][r[0]] = tuple(r[1])
                continue
        elif block == "THREAD RUN":
            r = _split_numbers(s, 4)
            if r and r[0] == "":
                thread["run"] = tuple(r[1])
                continue
        elif block == "THREAD READY":
            r = _split_numbers(s, 3)
            if r and r[0] == "":
                thread["ready"] = tuple(r[1])
                continue
        elif block == "HARD IRQ":
            if s.startswith("TOTAL:"):
                continue
            r = _split_numbers(s, 3)
            if r:
                thread["hardirq"][r[0]] = tuple(r[1])
                continue
        elif block == "SOFT IRQ":
            if s.startswith("TOTAL:"):
                continue
            r = _split_numbers(s, 4)
            if r:
                thread["softirq"][r[0]] = tuple(r[1])
                continue
        unparsed.append(line)
    return windows, unparsed

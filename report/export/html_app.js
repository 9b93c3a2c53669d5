/* kdelay-report --html: renders the JSON in #kdelay-data.  Vanilla JS, no
 * library, nothing fetched.  Names from the capture are untrusted bytes:
 * they only ever reach the page through textContent. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('kdelay-data').textContent);
  var KIND = ['running', 'ready', 'syscall', 'hardirq', 'softirq'];
  var COLOR = { running: '#3a9d4a', ready: '#e89b2c', hardirq: '#d13d3d', softirq: '#8b4fc9', blocked: '#4a78c2',
                other: '#d9d9d9', unknown: '#f2f2f2' };
  /* Syscall colours: blues, teals, browns and greys, never the green,
   * orange, red or purple of running, ready and irqs. */
  var PALETTE = ['#4a7fc1', '#45818e', '#a0785a', '#6d9eeb', '#2f4f6f', '#1b9e9e', '#7f8c8d',
                 '#c27ba0', '#5d6d7e', '#9c6644', '#3c78d8', '#76a5af'];

  function el(tag, attrs, kids) {
    var e = document.createElement(tag), k;
    for (k in attrs || {}) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'style') e.style.cssText = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function commas(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function dur(ns) {
    if (ns < 1e3) return ns + ' ns';
    if (ns < 1e6) return (ns / 1e3).toFixed(ns < 1e4 ? 2 : 1) + ' \u00b5s';
    if (ns < 1e9) return (ns / 1e6).toFixed(ns < 1e7 ? 2 : 1) + ' ms';
    return (ns / 1e9).toFixed(3) + ' s';
  }
  function label(i) { return i >= 0 && i < D.labels.length ? D.labels[i] : '?'; }
  function tname(i) { var t = D.threads[i]; return t ? t.name + ' [' + t.tid + ']' : '?'; }
  var sysColor = {}, nextColor = 0;
  function colorOf(name) {
    if (!(name in sysColor)) sysColor[name] = PALETTE[nextColor++ % PALETTE.length];
    return sysColor[name];
  }
  function table(head, rows, numeric) {
    var t = el('table'), tb = el('tbody');
    if (head.some(function (h) { return h; }))
      t.appendChild(el('thead', {}, [el('tr', {}, head.map(function (h, i) { return el('th', { text: h, 'class': numeric[i] ? 'num' : '' }); }))]));
    rows.forEach(function (r) {
      tb.appendChild(el('tr', {}, r.map(function (c, i) {
        return c instanceof Node ? el('td', {}, [c]) : el('td', { text: c, 'class': numeric[i] ? 'num' : '' });
      })));
    });
    t.appendChild(tb);
    return t;
  }

  /* ------------------------------------------------------------ facts */
  function renderFacts() {
    var f = D.facts, o = f.options, ev = [];
    Object.keys(f.events).forEach(function (k) { if (f.events[k]) ev.push(k + ' ' + commas(f.events[k])); });
    var opts = ['sample-time ' + dur(o.sample_time_ns)];
    if (o.sample_count) opts.push('sample-count ' + o.sample_count);
    if (o.sample_interval_ns) opts.push('sample-interval ' + dur(o.sample_interval_ns));
    if (o.start_trigger) opts.push('start-trigger ' + o.start_trigger);
    if (o.stop_trigger) opts.push('stop-trigger ' + o.stop_trigger);
    if (o.trigger_delta_ns) opts.push('trigger-delta ' + commas(o.trigger_delta_ns) + ' ns');
    if (o.syscall_events_ns >= 0) opts.push('syscall-events ' + commas(o.syscall_events_ns) + ' ns');
    if (o.skip_syscall_poll_events) opts.push('skip-syscall-poll-events');
    opts.push('stack-trace-size ' + o.stack_trace_size);
    if (o.buffer_page_count) opts.push('buffer-page-count ' + o.buffer_page_count);
    var problems = [];
    if (f.dropped) problems.push(commas(f.dropped) + ' events dropped');
    if (f.trigger_missed) problems.push(commas(f.trigger_missed) + ' triggers missed');
    if (f.stacks_lost) problems.push(commas(f.stacks_lost) + ' stacks lost');
    if (f.truncated) problems.push('file truncated');
    if (f.chunks_bad) problems.push(f.chunks_bad + ' bad chunks skipped');
    if (!f.complete) problems.push('no summary (recording did not end cleanly)');
    var rows = [
      ['target', f.comm + ' (pid ' + f.pid + ')'],
      ['host', f.host + ', ' + f.ncpus + ' CPUs'],
      ['kernel', f.kernel + ' (' + f.arch + ')'],
      ['recorded by', 'kdelay ' + f.version],
      ['command line', f.command_line],
      ['options', opts.join(', ')],
      ['start (t = 0)', f.origin_utc + ', start of the first window'],
      ['duration', dur(f.duration_ns)],
      ['windows', String(f.windows)],
      ['threads', String(D.threads.length)],
      ['events', commas(f.events_total) + ' (' + ev.join(', ') + ')'],
      ['file', commas(f.file_bytes) + ' bytes'],
      ['problems', problems.length ? problems.join('; ') : 'none']
    ];
    if (f.time_from_ns || f.time_to_ns !== null)
      rows.push(['time range', dur(f.time_from_ns) + ' .. ' + (f.time_to_ns === null ? 'end' : dur(f.time_to_ns))]);
    var t = table(['', ''], rows, []);
    t.className = 'facts';
    t.id = 'facts-table';
    document.getElementById('facts-body').appendChild(t);
  }

  /* ------------------------------------------------------------ budgets */
  function sumBudgets(ws) {
    var by = {};
    ws.forEach(function (w) {
      w.budget.forEach(function (b) {
        /* [thread, running, ready, hardirq, softirq, [[syscall, blocked]...], other, unknown]:
           the text report's --budget classes, adding up to the window */
        var a = by[b[0]] || (by[b[0]] = { t: b[0], run: 0, ready: 0, hard: 0, soft: 0, sys: {}, other: 0, unknown: 0 });
        a.run += b[1]; a.ready += b[2]; a.hard += b[3]; a.soft += b[4]; a.other += b[6]; a.unknown += b[7];
        b[5].forEach(function (s) { var n = label(s[0]); a.sys[n] = (a.sys[n] || 0) + s[1]; });
      });
    });
    return by;
  }
  /* Threads that made no event (the recorder's census): in a window, what
   * /proc showed at its start held all along.  A thread silent in every
   * window shown gets its own heading; blocked time joins the syscalls. */
  function sumSilent(ws, by) {
    var quiet = {};
    ws.forEach(function (w) {
      (w.silent || []).forEach(function (s) {
        var a = by[s.t] || quiet[s.t] || (quiet[s.t] = { t: s.t, run: 0, ready: 0, hard: 0, soft: 0, sys: {}, other: 0, unknown: 0, states: {} });
        if (s.class === 'blocked') a.sys[s.syscall] = (a.sys[s.syscall] || 0) + s.ns;
        else if (s.class === 'other') a.other += s.ns;
        else a.unknown += s.ns;
        if (a.states) a.states[s.state + (s.syscall ? ' in ' + s.syscall : '')] = 1;
      });
    });
    return quiet;
  }
  /* Who took the CPU of a thread, and who woke it: the rows of the shown
   * windows summed per task (and per syscall for wakers), largest first. */
  function sumWho(ws, key, t) {
    var by = {};
    ws.forEach(function (w) {
      (w[key] || []).forEach(function (r) {
        if (r.t !== t) return;
        var k = [r.kind, r.tid, r.pid, r.name, r.syscall, r.softirq].join('\u0000');
        var a = by[k] || (by[k] = { r: r, ns: 0, count: 0 });
        a.ns += r.ns; a.count += r.count || 0;
      });
    });
    return Object.keys(by).map(function (k) { return by[k]; }).sort(function (x, y) { return y.ns - x.ns; });
  }
  function taskName(r, kinds) {
    var n = r.name === null ? '?' : r.name;
    switch (r.kind) {
      case 'target': return n + ' (tid ' + r.tid + ')';
      case 'process': return n + ' (pid ' + r.pid + ')';
      case 'kthread': return n + ' (kernel thread)';
      /* format 1.3: a wakeup made by a softirq names its vector */
      case 'softirq': return 'softirq ' + r.softirq;
      /* a capture older than format 1.2: a waker's tid, no name */
      case 'unknown': if (kinds === WAKER) return 'tid ' + r.tid + ' (no name in this capture)';
      /* falls through */
      default: return kinds[r.kind] || r.kind;
    }
  }
  var CULPRIT = { idle: 'idle CPU (wakeup latency)', unknown: 'not recorded' };
  var WAKER = { idle: 'idle CPU (interrupt or timer)', none: 'not woken in the window' };
  var WHO_SHOWN = 3;
  function whoList(cls, head, rows, text) {
    if (!rows.length) return null;
    var d = el('div', { 'class': cls }, [el('b', { text: head })]);
    rows.slice(0, WHO_SHOWN).forEach(function (a) {
      d.appendChild(el('span', { 'class': 'who-row', 'data-ns': String(a.ns), title: commas(a.ns) + ' ns' }, [document.createTextNode(text(a))]));
    });
    if (rows.length > WHO_SHOWN) d.appendChild(el('span', { 'class': 'who-more', text: '+' + (rows.length - WHO_SHOWN) + ' more' }));
    return d;
  }
  function seg(color, ns, len, title) {
    var pct = len > 0 ? Math.max(0, Math.min(100, 100 * ns / len)) : 0;
    return el('div', { style: 'width:' + pct + '%;background:' + color, title: title + ': ' + dur(ns) + ' (' + pct.toFixed(1) + '%)' });
  }
  function renderBudgets() {
    var sel = document.getElementById('budget-window'), body = document.getElementById('budgets-body');
    sel.appendChild(el('option', { value: 'all', text: 'all windows' }));
    D.windows.forEach(function (w, i) {
      sel.appendChild(el('option', { value: String(i), text: 'window ' + w.index + ' (' + dur(w.end - w.start) + (w.incomplete ? ', incomplete: never closed' : '') + ')' }));
    });
    var lg = document.getElementById('budget-legend');
    [['running', COLOR.running], ['hard irq', COLOR.hardirq], ['soft irq', COLOR.softirq], ['ready', COLOR.ready],
     ['blocked (per syscall below)', COLOR.blocked], ['other', COLOR.other], ['unknown', COLOR.unknown]].forEach(function (l) {
      lg.appendChild(el('span', {}, [el('i', { style: 'background:' + l[1] }), document.createTextNode(l[0])]));
    });
    function row(cls, k, a, ws, len, shown) {
      var sys = Object.keys(a.sys).map(function (s) { return [s, a.sys[s]]; })
        .sort(function (x, y) { return y[1] - x[1]; });
      var insys = sys.reduce(function (x, s) { return x + s[1]; }, 0);
      var bar = el('div', { 'class': 'bar', 'data-tid': String(D.threads[k].tid) }, [
        seg(COLOR.running, a.run, len, 'running'), seg(COLOR.hardirq, a.hard, len, 'hard irq'),
        seg(COLOR.softirq, a.soft, len, 'soft irq'), seg(COLOR.ready, a.ready, len, 'ready'),
        seg(COLOR.blocked, insys, len, 'blocked'), seg(COLOR.other, a.other, len, 'other'),
        seg(COLOR.unknown, a.unknown, len, 'unknown')]);
      var sbar = el('div', { 'class': 'bar sys' }, sys.map(function (s) { shown[s[0]] = 1; return seg(colorOf(s[0]), s[1], len, s[0]); }));
      var name = el('div', { 'class': 'bname', text: tname(k),
        title: tname(k) + '\nrunning ' + dur(a.run) + ', ready ' + dur(a.ready) + ', blocked in syscalls ' + dur(insys) +
               (sys.length ? ' (' + sys.slice(0, 5).map(function (s) { return s[0] + ' ' + dur(s[1]); }).join(', ') + ')' : '') +
               (a.states ? '\nno event; /proc: ' + Object.keys(a.states).join(', ') : '') });
      var who = el('div', { 'class': 'who' }, [
        whoList('culprits', 'behind: ', sumWho(ws, 'culprits', k), function (c) {
          return taskName(c.r, CULPRIT) + ' ' + dur(c.ns) + (c.r.kind === 'idle' || c.r.kind === 'unknown' ? '' : ' on CPU ' + c.r.cpu);
        }),
        whoList('wakers', 'woken by: ', sumWho(ws, 'wakers', k), function (w) {
          return (w.r.syscall ? w.r.syscall + ': ' : '') + taskName(w.r, WAKER) + ' \u00d7' + commas(w.count) + ' ' + dur(w.ns);
        })]);
      body.appendChild(el('div', { 'class': 'brow ' + cls, 'data-tid': String(D.threads[k].tid) }, [name, el('div', {}, [bar, sbar]), who]));
    }
    function draw() {
      var ws = sel.value === 'all' ? D.windows : [D.windows[+sel.value]];
      var len = ws.reduce(function (a, w) { return a + (w.end - w.start); }, 0);
      var by = sumBudgets(ws), quiet = sumSilent(ws, by);
      body.textContent = '';
      var keys = Object.keys(by).map(Number).sort(function (a, b) { return a - b; });
      var qkeys = Object.keys(quiet).map(Number).sort(function (a, b) { return a - b; });
      if (!keys.length && !qkeys.length) body.appendChild(el('p', { text: 'No thread activity in this window.' }));
      var shown = {};
      keys.forEach(function (k) { row('budget-row', k, by[k], ws, len, shown); });
      if (qkeys.length) {
        body.appendChild(el('h3', { id: 'silent-heading', text: 'Silent threads (' + qkeys.length + '): no event in the window' }));
        body.appendChild(el('p', { 'class': 'help', text: 'From the census the recorder takes when a window opens and closes: each did all window what /proc showed at its start (asleep in a syscall: blocked in it; runnable: unknown whether on a CPU).' }));
        qkeys.forEach(function (k) { row('silent-row', k, quiet[k], ws, len, shown); });
      }
      var names = Object.keys(shown).sort();
      if (names.length) body.appendChild(el('div', { 'class': 'legend', id: 'syscall-legend' },
        [el('span', { text: 'syscalls:' })].concat(names.map(function (n) {
          return el('span', {}, [el('i', { style: 'background:' + colorOf(n) }), document.createTextNode(n)]);
        }))));
    }
    sel.addEventListener('change', draw);
    draw();
  }

  /* ------------------------------------------------------------ histograms */
  function histBars(h) {
    var max = 0, lo = 64, hi = 0, cells = {};
    h.b.forEach(function (b) { cells[b[0]] = b[1]; max = Math.max(max, b[1]); lo = Math.min(lo, b[0]); hi = Math.max(hi, b[0]); });
    var d = el('div', { 'class': 'hist', title: h.b.map(function (b) { return '[' + dur(Math.pow(2, b[0])) + ', ' + dur(Math.pow(2, b[0] + 1)) + '): ' + commas(b[1]); }).join('\n') });
    for (var i = lo; i <= hi; i++) {
      var c = cells[i] || 0;
      d.appendChild(el('div', { 'class': c ? '' : 'z', style: 'height:' + (c ? Math.max(3, 100 * c / max) : 0) + '%' }));
    }
    return el('span', {}, [d, el('span', { 'class': 'help', text: ' ' + dur(Math.pow(2, lo)) + ' \u2026 ' + dur(Math.pow(2, hi + 1)) })]);
  }
  function renderHists() {
    var ts = document.getElementById('hist-thread'), ks = document.getElementById('hist-kind');
    var body = document.getElementById('histograms-body');
    ts.appendChild(el('option', { value: '', text: 'all' }));
    D.threads.forEach(function (t, i) { ts.appendChild(el('option', { value: String(i), text: tname(i) })); });
    function draw() {
      var hs = D.hist.filter(function (h) {
        return (ts.value === '' || h.t === +ts.value) && (ks.value === '' || h.kind === ks.value);
      }).sort(function (a, b) { return a.t - b.t || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : b.total - a.total); });
      body.textContent = '';
      var rows = hs.slice(0, 400).map(function (h) {
        return [tname(h.t), h.kind === 'syscall' ? label(h.name) : h.kind, commas(h.count), commas(h.total),
                commas(Math.round(h.total / h.count)), commas(h.max), histBars(h)];
      });
      var t = table(['thread', 'what', 'count', 'total ns', 'avg ns', 'max ns', 'distribution'], rows,
                    [0, 0, 1, 1, 1, 1, 0]);
      t.id = 'hist-table';
      body.appendChild(t);
      if (hs.length > 400) body.appendChild(el('p', { 'class': 'note', text: (hs.length - 400) + ' more rows: pick a thread.' }));
    }
    ts.addEventListener('change', draw);
    ks.addEventListener('change', draw);
    draw();
  }

  /* ------------------------------------------------------------ slowest */
  function renderSlowest() {
    var body = document.getElementById('slowest-body');
    if (!D.slowest.length) { body.appendChild(el('p', { text: 'No syscall in the capture.' })); return; }
    var rows = D.slowest.map(function (s) {
      var flags = (s.unfinished ? ' still in progress at the end' : '') + (s.open_start ? ' started before the capture' : '');
      var what = el('span', {}, [document.createTextNode(label(s.name)), flags ? el('span', { 'class': 'flag', text: ' (' + flags.trim() + ')' }) : null]);
      var st;
      if (s.kstack.length || s.ustack.length || s.kstack_lost || s.ustack_lost) {
        st = el('details', {}, [el('summary', { text: (s.kstack.length + s.ustack.length) + ' frames' }),
          el('pre', { 'class': 'stack', text: 'kernel:\n  ' + (s.kstack_lost ? '[lost]' : s.kstack.join('\n  ')) +
                                              '\nuser:\n  ' + (s.ustack_lost ? '[lost]' : s.ustack.join('\n  ')) })]);
      } else {
        st = el('span', { 'class': 'help', text: 'not recorded' });
      }
      return [dur(s.start), tname(s.t), what, commas(s.dur), s.unfinished ? '' : String(s.ret), st];
    });
    var t = table(['at', 'thread', 'syscall', 'duration ns', 'ret', 'stack'], rows, [0, 0, 0, 1, 1, 0]);
    t.id = 'slowest-table';
    body.appendChild(t);
  }

  /* ------------------------------------------------------------ timeline */
  function renderTimeline() {
    var TL = D.timeline, cv = document.getElementById('timeline-canvas'), tip = document.getElementById('tl-tip');
    var ctx = cv.getContext('2d'), NAMEW = 170, LANE = 14, ROW = 2 * LANE + 8, TOP = 18;
    var rows = TL.rows, v0 = TL.from, v1 = Math.max(TL.to, TL.from + 1), dpr = window.devicePixelRatio || 1;
    var note = document.getElementById('tl-note');
    if (TL.dropped) note.textContent = 'Timeline cut after ' + commas(TL.max) + ' slices (' + commas(TL.dropped) +
      ' more): export a shorter time range to see them all.';
    if (!rows.length) note.textContent += ' No slices in range.';
    function width() { return cv.clientWidth || 800; }
    function resize() {
      var h = TOP + Math.max(1, rows.length) * ROW + 4;
      cv.style.height = h + 'px';
      cv.width = Math.round(width() * dpr); cv.height = Math.round(h * dpr);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    }
    var W = 800; /* canvas CSS width, read once per draw: layout reads are slow */
    function x(ns) { return NAMEW + (ns - v0) * (W - NAMEW) / (v1 - v0); }
    /* Zoomed out, thousands of slices share a pixel column: one fillRect
     * per column and colour, or the page takes seconds per redraw. */
    var lastPx = {};
    function fill(c, a, b, y, h) {
      var xa = Math.max(NAMEW, x(a)), xb = Math.min(W, x(b));
      if (xb < NAMEW || xa > W) return;
      if (xb - xa < 1) {
        var key = c + y, px = Math.floor(xa);
        if (lastPx[key] === px) return;
        lastPx[key] = px;
      }
      if (ctx.fillStyle !== c) ctx.fillStyle = c;
      ctx.fillRect(xa, y, Math.max(1, xb - xa), h);
    }
    function draw() {
      var w = W = width(), i, j;
      lastPx = {};
      ctx.clearRect(0, 0, w, cv.height);
      D.windows.forEach(function (win) { fill('rgba(70,120,220,0.10)', win.start, win.end, 0, cv.height); });
      ctx.fillStyle = '#555'; ctx.font = '11px sans-serif';
      var step = Math.pow(10, Math.floor(Math.log10((v1 - v0) / 6)));
      if ((v1 - v0) / step > 12) step *= 2;
      if ((v1 - v0) / step > 12) step *= 2.5;
      for (var tk = Math.ceil(v0 / step) * step; tk <= v1; tk += step) {
        ctx.fillRect(x(tk), 0, 1, 5); ctx.fillText(dur(tk), x(tk) + 2, 12);
      }
      for (i = 0; i < rows.length; i++) {
        var y = TOP + i * ROW, s = rows[i].s;
        ctx.fillStyle = i % 2 ? '#fff' : '#f6f6f6'; ctx.fillRect(0, y, NAMEW, ROW);
        ctx.fillStyle = '#222'; ctx.fillText(tname(rows[i].t).slice(0, 26), 4, y + LANE + 2);
        for (j = 0; j < s.length; j += 5) {
          var k = KIND[s[j]], a = s[j + 1], b = a + s[j + 2];
          if (b < v0 || a > v1) continue;
          if (k === 'running' || k === 'ready') fill(COLOR[k], a, b, y + 2, LANE - 2);
          else if (k === 'syscall') fill(colorOf(label(s[j + 3])), a, b, y + LANE + 2, LANE - 2);
          else fill(COLOR[k], a, b, y, 3);
        }
      }
      document.getElementById('tl-range').textContent = dur(Math.round(v0)) + ' \u2026 ' + dur(Math.round(v1)) +
        ' (' + dur(Math.round(v1 - v0)) + ' shown)';
    }
    function zoom(f, at) {
      var c = at === undefined ? (v0 + v1) / 2 : at, span = Math.max(100, (v1 - v0) * f);
      v0 = c - (c - v0) * span / (v1 - v0); v1 = v0 + span; draw();
    }
    function nsAt(px) { return v0 + (px - NAMEW) * (v1 - v0) / (width() - NAMEW); }
    function hit(px, py) {
      var i = Math.floor((py - TOP) / ROW); if (i < 0 || i >= rows.length) return null;
      var lanes = (py - TOP - i * ROW) < LANE + 1 ? ['running', 'ready', 'hardirq', 'softirq'] : ['syscall'];
      var t = nsAt(px), tol = 3 * (v1 - v0) / (width() - NAMEW), s = rows[i].s, best = null;
      for (var j = 0; j < s.length; j += 5) {
        var k = KIND[s[j]], a = s[j + 1], b = a + s[j + 2];
        if (lanes.indexOf(k) >= 0 && a - tol <= t && t <= b + tol && (!best || (k.indexOf('irq') > 0))) best = j;
      }
      if (best === null) return null;
      var kk = KIND[s[best]], f = s[best + 4];
      return tname(rows[i].t) + '\n' + (s[best + 3] >= 0 ? kk + ' ' + label(s[best + 3]) : kk) +
        '\nat ' + dur(s[best + 1]) + ', ' + commas(s[best + 2]) + ' ns' +
        (f & 1 ? '\n(started before the capture)' : '') + (f & 2 ? '\n(unfinished at the end)' : '') +
        (f & 8 ? '\n(preempted)' : '');
    }
    var drag = null;
    cv.addEventListener('wheel', function (e) {
      e.preventDefault();
      var r = cv.getBoundingClientRect();
      zoom(e.deltaY > 0 ? 1.25 : 0.8, nsAt(e.clientX - r.left));
    }, { passive: false });
    cv.addEventListener('mousedown', function (e) { drag = { x: e.clientX, v0: v0, v1: v1 }; cv.style.cursor = 'grabbing'; });
    window.addEventListener('mouseup', function () { drag = null; cv.style.cursor = 'grab'; });
    cv.addEventListener('mousemove', function (e) {
      var r = cv.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
      if (drag) {
        var d = (e.clientX - drag.x) * (drag.v1 - drag.v0) / (width() - NAMEW);
        v0 = drag.v0 - d; v1 = drag.v1 - d; draw(); tip.hidden = true; return;
      }
      var t = hit(px, py);
      tip.hidden = !t;
      if (t) { tip.textContent = t; tip.style.left = Math.min(px + 12, width() - 220) + 'px'; tip.style.top = (py + 12) + 'px'; }
    });
    cv.addEventListener('mouseleave', function () { tip.hidden = true; });
    cv.addEventListener('dblclick', function () { v0 = TL.from; v1 = Math.max(TL.to, TL.from + 1); draw(); });
    document.getElementById('tl-in').addEventListener('click', function () { zoom(0.5); });
    document.getElementById('tl-out').addEventListener('click', function () { zoom(2); });
    document.getElementById('tl-reset').addEventListener('click', function () { v0 = TL.from; v1 = Math.max(TL.to, TL.from + 1); draw(); });
    window.addEventListener('resize', function () { resize(); draw(); });
    resize();
    draw();
  }

  renderFacts();
  renderBudgets();
  renderTimeline();
  renderHists();
  renderSlowest();
  document.body.setAttribute('data-ready', '1');
})();

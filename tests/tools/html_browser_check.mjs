#!/usr/bin/env node
// html_browser_check.mjs PAGE.html SHOT.png [CHROMIUM] - load a page of
// kdelay-report --html in headless Chromium through the DevTools protocol
// over --remote-debugging-pipe (chromium_pipe.mjs), and print one line per
// check, "ok - what" or "not ok - what: detail":
//   no uncaught exception, console error or failed resource; no request
//   leaves file:/data: (the page must work offline); the JS finished
//   (body[data-ready=1]); the sections hold what the page's own data says
//   they should; the timeline canvas is drawn and zooms on the wheel; the
//   window selector redraws the budgets.  Then a screenshot to SHOT.png.
// Exit status 0 when every check passed.
import { resolve } from 'node:path';
import { openChromium } from './chromium_pipe.mjs';

const [page, shot, browser = 'chromium'] = process.argv.slice(2);
if (!page || !shot) {
  console.error('usage: html_browser_check.mjs PAGE.html SHOT.png [CHROMIUM]');
  process.exit(2);
}
const b = await openChromium({ browser });
const { check, js } = b;
await b.navigate('file://' + resolve(page));
let ready = null;
for (let i = 0; i < 50 && ready !== '1'; i++) {
  ready = await js("document.body.getAttribute('data-ready')");
  if (ready !== '1') await new Promise((r) => setTimeout(r, 100));
}
check(ready === '1', 'the page script finished (body[data-ready=1])', `data-ready=${ready}`);

try {
  const s = await js(`(() => {
    const D = JSON.parse(document.getElementById('kdelay-data').textContent);
    const q = (sel) => document.querySelectorAll(sel).length;
    const cv = document.getElementById('timeline-canvas');
    const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    let inked = 0;
    for (let i = 3; i < px.length; i += 16) if (px[i]) inked++;
    const busy = new Set();
    D.windows.forEach((w) => w.budget.forEach((b) => busy.add(b[0])));
    return { title: document.title, facts: q('#facts-table tr'), budgets: q('.budget-row'),
      busy: busy.size, histRows: q('#hist-table tbody tr'), hist: Math.min(D.hist.length, 400),
      slowRows: q('#slowest-table tbody tr'), slow: D.slowest.length,
      canvasW: cv.width, canvasH: cv.height, inked, rows: D.timeline.rows.length,
      range: document.getElementById('tl-range').textContent };
  })()`);
  check(/^kdelay: /.test(s.title), 'title names the target', s.title);
  check(s.facts >= 10, 'capture facts table', `${s.facts} rows`);
  check(s.budgets === s.busy, 'one budget row per thread with activity', `${s.budgets} rows, ${s.busy} threads`);
  check(s.histRows === s.hist, 'one histogram row per series', `${s.histRows} rows, ${s.hist} series`);
  check(s.slowRows === s.slow, 'slowest syscalls table', `${s.slowRows} rows, ${s.slow} events`);
  check(s.canvasW > 0 && s.canvasH > 0 && s.inked > 0, 'timeline canvas is drawn',
    `${s.canvasW}x${s.canvasH}, ${s.inked} inked samples`);

  // Zoom: a wheel "up" over the middle of the canvas narrows the range.
  const z = await js(`(() => {
    const cv = document.getElementById('timeline-canvas'), r = cv.getBoundingClientRect();
    const before = document.getElementById('tl-range').textContent;
    cv.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, clientX: r.left + r.width * 0.6,
      clientY: r.top + 30, bubbles: true, cancelable: true }));
    const zoomed = document.getElementById('tl-range').textContent;
    document.getElementById('tl-reset').click();
    return { before, zoomed, reset: document.getElementById('tl-range').textContent };
  })()`);
  check(z.zoomed !== z.before && z.reset === z.before, 'timeline zooms on the wheel and resets',
    JSON.stringify(z));
  const w = await js(`(() => {
    const sel = document.getElementById('budget-window');
    if (sel.options.length < 2) return -1;
    sel.value = sel.options[1].value;
    sel.dispatchEvent(new Event('change'));
    return document.querySelectorAll('#budgets-body .brow, #budgets-body p').length;
  })()`);
  check(w > 0, 'window selector redraws the budgets', `${w} rows`);
} catch (e) {
  check(false, 'page checks ran', e.message);
}

check(b.problems.length === 0, 'no console error, exception or failed resource', b.problems.join(' | '));
check(b.offsite.length === 0, 'no request leaves the file', b.offsite.join(' '));
await b.screenshot(shot);
b.finish();

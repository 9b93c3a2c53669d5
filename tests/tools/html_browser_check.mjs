#!/usr/bin/env node
// html_browser_check.mjs PAGE.html SHOT.png [CHROMIUM] - load a page of
// kdelay-report --html in headless Chromium through the DevTools protocol
// over --remote-debugging-pipe (no package from a registry, no WebSocket,
// no port: any node from Debian 12's 18 on), and print one line per
// check, "ok - what" or "not ok - what: detail":
//   no uncaught exception, console error or failed resource; no request
//   leaves file:/data: (the page must work offline); the JS finished
//   (body[data-ready=1]); the sections hold what the page's own data says
//   they should; the timeline canvas is drawn and zooms on the wheel; the
//   window selector redraws the budgets.  Then a screenshot to SHOT.png.
// Exit status 0 when every check passed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [page, shot, browser = 'chromium'] = process.argv.slice(2);
if (!page || !shot) {
  console.error('usage: html_browser_check.mjs PAGE.html SHOT.png [CHROMIUM]');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'kdelay-chromium-'));
const chrome = spawn(browser, ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  '--no-first-run', '--hide-scrollbars', '--window-size=1400,1800', `--user-data-dir=${profile}`,
  '--remote-debugging-pipe', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
// The pipe: Chromium reads the protocol's messages on its fd 3 and writes
// on its fd 4, each a JSON text ended by a NUL byte.
const toChrome = chrome.stdio[3];
const fromChrome = chrome.stdio[4];
let failed = 0;
function check(ok, what, detail) {
  console.log(ok ? `ok - ${what}` : `not ok - ${what}${detail ? ': ' + detail : ''}`);
  if (!ok) failed++;
}
let finishing = false;
function finish(code) {
  finishing = true;
  chrome.kill('SIGKILL');
  try { rmSync(profile, { recursive: true, force: true }); } catch { /* busy: leave it */ }
  process.exit(code);
}
const deadline = setTimeout(() => { check(false, 'finished within 60 s'); finish(1); }, 60000);

let chromeErr = '';
chrome.stderr.on('data', (d) => { chromeErr = (chromeErr + d).slice(-2000); });
chrome.on('exit', (c, sig) => {
  if (finishing) return;
  check(false, 'chromium runs to the end of the checks', `exited (${c ?? sig}): ${chromeErr.slice(-500)}`);
  finish(1);
});
let nextId = 1;
let session = null; // the page's flat session: page commands and events carry it
const pending = new Map();
const problems = [];
const offsite = [];
let loaded = null;
const loadedP = new Promise((res) => { loaded = res; });
let inbuf = Buffer.alloc(0);
fromChrome.on('data', (d) => {
  inbuf = Buffer.concat([inbuf, d]);
  let nul;
  while ((nul = inbuf.indexOf(0)) >= 0) {
    onMessage(JSON.parse(inbuf.subarray(0, nul).toString('utf8')));
    inbuf = inbuf.subarray(nul + 1);
  }
});
function onMessage(msg) {
  if (msg.id && pending.has(msg.id)) {
    pending.get(msg.id)(msg);
    pending.delete(msg.id);
    return;
  }
  const p = msg.params || {};
  if (msg.method === 'Runtime.exceptionThrown')
    problems.push('uncaught: ' + (p.exceptionDetails.exception?.description || p.exceptionDetails.text));
  else if (msg.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'warning' || p.type === 'assert'))
    problems.push(`console.${p.type}: ` + p.args.map((a) => a.value ?? a.description).join(' '));
  else if (msg.method === 'Log.entryAdded' && (p.entry.level === 'error' || p.entry.level === 'warning'))
    problems.push(`log ${p.entry.level}: ${p.entry.text} ${p.entry.url || ''}`);
  else if (msg.method === 'Network.requestWillBeSent' && !/^(file|data|about):/.test(p.request.url))
    offsite.push(p.request.url);
  else if (msg.method === 'Network.loadingFailed')
    problems.push(`resource failed: ${p.errorText}`);
  else if (msg.method === 'Page.loadEventFired')
    loaded();
}
// send(METHOD, PARAMS): to the page's session once attached, else to the
// browser; resolves with the whole answer ({ result } or { error }).
function send(method, params = {}) {
  const id = nextId++;
  const msg = { id, method, params };
  if (session) msg.sessionId = session;
  toChrome.write(JSON.stringify(msg) + '\0');
  return new Promise((res) => pending.set(id, res));
}
async function js(expr) {
  const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
  if (r.result?.exceptionDetails) throw new Error(`${expr}: ${r.result.exceptionDetails.exception?.description}`);
  return r.result?.result?.value;
}

const targets = await send('Target.getTargets');
const page0 = targets.result?.targetInfos?.find((t) => t.type === 'page');
if (!page0) { check(false, 'chromium opens a page', JSON.stringify(targets).slice(0, 300)); finish(1); }
const attached = await send('Target.attachToTarget', { targetId: page0.targetId, flatten: true });
session = attached.result?.sessionId;
if (!session) { check(false, 'attached to the page', JSON.stringify(attached).slice(0, 300)); finish(1); }
for (const d of ['Runtime', 'Log', 'Page', 'Network']) await send(`${d}.enable`);
await send('Page.navigate', { url: 'file://' + resolve(page) });
await loadedP;
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

check(problems.length === 0, 'no console error, exception or failed resource', problems.join(' | '));
check(offsite.length === 0, 'no request leaves the file', offsite.join(' '));
const png = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
if (png.result?.data) writeFileSync(shot, Buffer.from(png.result.data, 'base64'));
check(!!png.result?.data, `screenshot written to ${shot}`);
clearTimeout(deadline);
finish(failed ? 1 : 0);

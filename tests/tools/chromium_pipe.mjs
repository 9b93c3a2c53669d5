// chromium_pipe.mjs - headless Chromium driven through the DevTools
// protocol over --remote-debugging-pipe: no package from a registry, no
// WebSocket, no port, so any node from Debian 12's 18 on will do.  The
// browser checks of the tests (html_browser_check.mjs,
// speedscope_check.mjs) share it.
//
//   const b = await openChromium({ browser, allowed });
//   await b.navigate(url); const v = await b.js('expression');
//   b.check(ok, what, detail); await b.screenshot(path); b.finish();
//
// check() prints "ok - what" or "not ok - what: detail" (TAP lines the
// shell test passes on); finish() ends Chromium and exits, 0 when every
// check passed.  problems collects uncaught exceptions, console errors and
// warnings, and failed resources; offsite the requests whose URL
// `allowed` does not match.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function openChromium({ browser = 'chromium', windowSize = '1400,1800',
  allowed = /^(file|data|about):/, timeoutMs = 60000, extraArgs = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kdelay-chromium-'));
  const chrome = spawn(browser, ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
    '--no-first-run', '--hide-scrollbars', `--window-size=${windowSize}`, `--user-data-dir=${profile}`,
    ...extraArgs, '--remote-debugging-pipe', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  // The pipe: Chromium reads the protocol's messages on its fd 3 and
  // writes on its fd 4, each a JSON text ended by a NUL byte.
  const toChrome = chrome.stdio[3];
  const fromChrome = chrome.stdio[4];
  const b = { problems: [], offsite: [], failed: 0 };
  b.check = (ok, what, detail) => {
    console.log(ok ? `ok - ${what}` : `not ok - ${what}${detail ? ': ' + detail : ''}`);
    if (!ok) b.failed++;
  };
  let finishing = false;
  b.finish = (code = b.failed ? 1 : 0) => {
    finishing = true;
    chrome.kill('SIGKILL');
    try { rmSync(profile, { recursive: true, force: true }); } catch { /* busy: leave it */ }
    process.exit(code);
  };
  setTimeout(() => { b.check(false, `finished within ${timeoutMs / 1000} s`); b.finish(1); }, timeoutMs).unref();

  let chromeErr = '';
  chrome.stderr.on('data', (d) => { chromeErr = (chromeErr + d).slice(-2000); });
  chrome.on('exit', (c, sig) => {
    if (finishing) return;
    b.check(false, 'chromium runs to the end of the checks', `exited (${c ?? sig}): ${chromeErr.slice(-500)}`);
    b.finish(1);
  });
  let nextId = 1;
  let session = null; // the page's flat session: page commands and events carry it
  const pending = new Map();
  let loaded = () => {};
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
      b.problems.push('uncaught: ' + (p.exceptionDetails.exception?.description || p.exceptionDetails.text));
    else if (msg.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'warning' || p.type === 'assert'))
      b.problems.push(`console.${p.type}: ` + p.args.map((a) => a.value ?? a.description).join(' '));
    else if (msg.method === 'Log.entryAdded' && (p.entry.level === 'error' || p.entry.level === 'warning'))
      b.problems.push(`log ${p.entry.level}: ${p.entry.text} ${p.entry.url || ''}`);
    else if (msg.method === 'Network.requestWillBeSent' && !allowed.test(p.request.url))
      b.offsite.push(p.request.url);
    else if (msg.method === 'Network.loadingFailed')
      b.problems.push(`resource failed: ${p.errorText}`);
    else if (msg.method === 'Page.loadEventFired')
      loaded();
  }
  // send(METHOD, PARAMS): to the page's session once attached, else to
  // the browser; resolves with the whole answer ({ result } or { error }).
  b.send = (method, params = {}) => {
    const id = nextId++;
    const msg = { id, method, params };
    if (session) msg.sessionId = session;
    toChrome.write(JSON.stringify(msg) + '\0');
    return new Promise((res) => pending.set(id, res));
  };
  // js(EXPR): its value (awaited if a promise); throws what it threw.
  b.js = async (expr) => {
    const r = await b.send('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
    if (r.result?.exceptionDetails) throw new Error(`${expr.slice(0, 200)}: ${r.result.exceptionDetails.exception?.description}`);
    return r.result?.result?.value;
  };
  b.navigate = async (url) => {
    const done = new Promise((res) => { loaded = res; });
    await b.send('Page.navigate', { url });
    await done;
  };
  // waitFor(EXPR, WHAT): polls EXPR every 100 ms until it is true; the
  // last value when it never is.
  b.waitFor = async (expr, tries = 100) => {
    let v = null;
    for (let i = 0; i < tries; i++) {
      v = await b.js(expr);
      if (v === true) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    return v;
  };
  b.screenshot = async (path) => {
    const png = await b.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
    if (png.result?.data) writeFileSync(path, Buffer.from(png.result.data, 'base64'));
    b.check(!!png.result?.data, `screenshot written to ${path}`);
  };

  const targets = await b.send('Target.getTargets');
  const page0 = targets.result?.targetInfos?.find((t) => t.type === 'page');
  if (!page0) { b.check(false, 'chromium opens a page', JSON.stringify(targets).slice(0, 300)); b.finish(1); }
  const attached = await b.send('Target.attachToTarget', { targetId: page0.targetId, flatten: true });
  session = attached.result?.sessionId;
  if (!session) { b.check(false, 'attached to the page', JSON.stringify(attached).slice(0, 300)); b.finish(1); }
  for (const d of ['Runtime', 'Log', 'Page', 'Network']) await b.send(`${d}.enable`);
  return b;
}

#!/usr/bin/env node
// speedscope_check.mjs SPEEDSCOPE_DIR PROFILE SHOT.png [CHROMIUM] - open an
// export of kdelay-report in speedscope (its static web app, served here
// on 127.0.0.1 with the profile) in headless Chromium, and check what it
// built from the file against the file itself, one TAP-style line per
// check (chromium_pipe.mjs).  Then a screenshot to SHOT.png.
//
// A Chrome trace (PROFILE ends in .json): one speedscope profile per
// track, each holding exactly the track's slices (B and X events), none
// nested in another - the tracks of the export never overlap, so a
// depth above 1 means the viewer saw a slice end after the next began -
// and no slice is left open at the end.
// Folded stacks (any other PROFILE): one profile whose frames are the
// file's frames and whose total weight is the sum of its counts.
// Exit status 0 when every check passed.
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { openChromium } from './chromium_pipe.mjs';

const [appDir, profilePath, shot, browser = 'chromium'] = process.argv.slice(2);
if (!appDir || !profilePath || !shot) {
  console.error('usage: speedscope_check.mjs SPEEDSCOPE_DIR PROFILE SHOT.png [CHROMIUM]');
  process.exit(2);
}
const profileText = readFileSync(profilePath, 'utf8');
const isChrome = extname(profilePath) === '.json';

// What the file holds, worked out here without speedscope: per track
// (pid, tid) its name and slice count; or the folded frames and weight.
function expectChrome() {
  const doc = JSON.parse(profileText);
  const tracks = new Map();
  for (const e of doc.traceEvents) {
    const key = `${e.pid}/${e.tid}`;
    if (!tracks.has(key)) tracks.set(key, { name: null, slices: 0 });
    const t = tracks.get(key);
    if (e.ph === 'M' && e.name === 'thread_name') t.name = e.args.name;
    else if (e.ph === 'B' || e.ph === 'X') t.slices++;
  }
  for (const [k, t] of tracks) if (!t.slices) tracks.delete(k);
  return tracks;
}
function expectFolded() {
  const frames = new Set();
  let weight = 0;
  for (const line of profileText.split('\n')) {
    const m = /^(.*) (\d+)$/.exec(line);
    if (!m) continue;
    m[1].split(';').forEach((f) => frames.add(f));
    weight += Number(m[2]);
  }
  return { frames, weight };
}

// The app and the profile on one local port: speedscope fetches
// #profileURL=, which a file: page may not.
const root = resolve(appDir);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.png': 'image/png', '.wasm': 'application/wasm', '.woff2': 'font/woff2', '.ico': 'image/x-icon' };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = path === '/' + basename(profilePath) ? resolve(profilePath) : join(root, path === '/' ? 'index.html' : path);
  if (file !== resolve(profilePath) && !file.startsWith(root + '/')) file = null;
  try {
    if (!file || !statSync(file).isFile()) throw new Error('no such file');
    res.writeHead(200, { 'Content-Type': types[extname(file)] || 'text/plain' });
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((res) => server.listen(0, '127.0.0.1', res));
server.unref();
const origin = `http://127.0.0.1:${server.address().port}`;

// speedscope draws with WebGL: software GL without a GPU, which Chromium
// only grants on request.
const b = await openChromium({ browser, windowSize: '1400,900', extraArgs: ['--enable-unsafe-swiftshader'],
  allowed: new RegExp(`^(${origin.replace(/[.]/g, '\\.')}/|data:|about:)`) });
await b.navigate(`${origin}/index.html#profileURL=${encodeURIComponent(origin + '/' + basename(profilePath))}`);

// speedscope keeps its profile group in its (Preact) components' props:
// walk the component tree from the DOM to it, then replay every profile
// in time order (Profile.forEachCall) as speedscope draws it.
const inspect = `(() => {
  const seen = new Set();
  let group = null;
  const visit = (v) => {
    if (!v || group || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    const props = v.__c && v.__c.props;
    if (props) for (const k of Object.keys(props)) {
      const p = props[k];
      if (p && Array.isArray(p.profiles) && p.profiles.length) { group = p; return; }
    }
    if (Array.isArray(v.__k)) v.__k.forEach(visit);
    else if (v.__k) visit(v.__k);
  };
  for (const el of document.querySelectorAll('*')) if (el.__k) visit(el.__k);
  if (!group) return null;
  return group.profiles.map((ps) => {
    const p = ps.profile || ps;
    let calls = 0, depth = 0, maxDepth = 0;
    p.forEachCall(() => { calls++; depth++; maxDepth = Math.max(maxDepth, depth); }, () => { depth--; });
    const frames = [];
    p.forEachFrame((f) => frames.push(f.name));
    return { name: p.getName(), calls, maxDepth, open: depth, weight: p.getTotalWeight(), frames };
  });
})()`;
let shown = null;
try {
  const ready = await b.waitFor(`(${inspect}) !== null`);
  b.check(ready === true, 'speedscope loaded the profile', `${ready}`);
  if (ready === true) shown = await b.js(inspect);
} catch (e) {
  b.check(false, 'speedscope state read', e.message);
}

if (shown && isChrome) {
  const tracks = expectChrome();
  b.check(shown.length === tracks.size, 'one speedscope profile per track with slices',
    `${shown.length} profiles, ${tracks.size} tracks`);
  for (const t of tracks.values()) {
    // speedscope names a profile "PROCESS, THREAD_NAME (tid N)"
    const p = shown.find((s) => s.name.includes(`, ${t.name} (tid `));
    if (!p) { b.check(false, `track '${t.name}' shown`, shown.map((s) => s.name).join(' | ')); continue; }
    b.check(p.calls === t.slices && p.maxDepth === 1 && p.open === 0,
      `track '${t.name}': its ${t.slices} slices side by side, none nested`,
      `${p.calls} slices, max depth ${p.maxDepth}`);
  }
} else if (shown) {
  const want = expectFolded();
  const p = shown[0];
  const got = new Set(p.frames);
  const missing = [...want.frames].filter((f) => !got.has(f));
  const extra = [...got].filter((f) => !want.frames.has(f));
  b.check(shown.length === 1 && missing.length === 0 && extra.length === 0,
    `the folded file's ${want.frames.size} frames, no other`,
    `missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`);
  b.check(p.weight === want.weight, `total weight ${want.weight}`, `${p.weight}`);
}
// speedscope's own title bar shows the file it loaded
const title = await b.js('document.title');
b.check(title.includes(basename(profilePath)), 'speedscope names the file in its title', title);
// speedscope matches an end to the frame on top of its stack by name and
// args, and an E event carries the name alone (args on both ends would
// make chrome://tracing warn of each slice): it notes the match by name
// and ends the right frame.  That note is the only warning allowed, and
// only when the names agree; the GPU's messages about software GL are
// the browser's, not the page's.
const matchedByName = /^console\.warning: ts=[0-9.e-]+: Tried to end "(.*)" when "(.*)" was on the top of the stack\. Ending \2 instead\.$/s;
const problems = b.problems.filter((p) => {
  const m = matchedByName.exec(p);
  if (m) return !(m[2] === m[1] || m[2].startsWith(m[1] + ' {'));
  return !/^log warning: \[\.WebGL-[0-9a-fx]+\]GL Driver Message/.test(p);
});
b.check(problems.length === 0, 'no console error or warning, exception or failed resource',
  problems.slice(0, 5).join(' | '));
b.check(b.offsite.length === 0, 'no request leaves 127.0.0.1', b.offsite.join(' '));
await b.screenshot(shot);
b.finish();

#!/usr/bin/env node
// html_who_check.mjs PAGE.html SHOT.png CHROMIUM TID - what a page of
// kdelay-report --html shows beside thread TID's time budget, as a person
// reads it in headless Chromium (chromium_pipe.mjs): the visible text of
// each "behind:" (culprit) and "woken by:" (waker) entry, and the silent
// threads listed under their own heading.  Prints TAP lines for the page
// itself ("ok - what" / "not ok - what: detail"), then one line per entry:
//   culprit<TAB>TEXT     waker<TAB>TEXT     silent<TAB>TID<TAB>TITLE
// for the shell test to hold against its workload's known answers.
import { resolve } from 'node:path';
import { openChromium } from './chromium_pipe.mjs';

const [page, shot, browser = 'chromium', tid] = process.argv.slice(2);
if (!page || !shot || !tid) {
  console.error('usage: html_who_check.mjs PAGE.html SHOT.png CHROMIUM TID');
  process.exit(2);
}
const b = await openChromium({ browser });
const { check, js } = b;
await b.navigate('file://' + resolve(page));
const ready = await b.waitFor("document.body.getAttribute('data-ready') === '1'", 50);
check(ready === true, 'the page script finished (body[data-ready=1])', `${ready}`);
let seen = null;
try {
  seen = await js(`(() => {
    const row = document.querySelector('#budgets-body .budget-row[data-tid="${Number(tid)}"]');
    const texts = (sel) => row ? [...row.querySelectorAll(sel)].map((e) => e.textContent) : [];
    const heading = document.getElementById('silent-heading');
    const silent = [...document.querySelectorAll('#budgets-body .silent-row')].map((r) =>
      [r.getAttribute('data-tid'), r.querySelector('.bname').getAttribute('title').replace(/\\n/g, ' / ')]);
    // beside the bars: the entries sit right of the bar, on the same line
    const bar = row && row.querySelector('.bar'), who = row && row.querySelector('.who');
    const rb = bar && bar.getBoundingClientRect(), rw = who && who.getBoundingClientRect();
    return { found: !!row, culprits: texts('.culprits .who-row'), wakers: texts('.wakers .who-row'),
      heading: heading ? heading.textContent : null, silent,
      beside: !!(rb && rw && rw.width > 0 && rw.left >= rb.right && rw.top < rb.bottom && rw.bottom > rb.top) };
  })()`);
  check(seen.found, `a budget row for thread ${tid}`);
  check(seen.beside, 'its culprits and wakers sit beside its budget bars');
} catch (e) {
  check(false, 'page checks ran', e.message);
}
check(b.problems.length === 0, 'no console error, exception or failed resource', b.problems.join(' | '));
check(b.offsite.length === 0, 'no request leaves the file', b.offsite.join(' '));
await b.screenshot(shot);
if (seen) {
  seen.culprits.forEach((t) => console.log(`culprit\t${t}`));
  seen.wakers.forEach((t) => console.log(`waker\t${t}`));
  if (seen.heading !== null) console.log(`silent-heading\t${seen.heading}`);
  seen.silent.forEach((s) => console.log(`silent\t${s[0]}\t${s[1]}`));
}
b.finish();

// Search-as-you-type benchmark of the real app (issue 15): from a key press in the search box to
// the results of that query rendered, in the app the user runs (release build, WebKitGTK under
// Xvfb, driven through WebDriver). Run by scripts/bench-search-app.sh, which makes the database.
//
// Measured in the page: a capture-phase keydown listener on the search box takes the start
// time; the contacts view sets `data-results-query` on its list once the results of a query are
// on screen; a MutationObserver sees that, and the time is taken after the next frame (a
// requestAnimationFrame and a task after it), so the figure includes layout and paint. Keys are
// typed about 150 ms apart (a quick typist); a key whose results never show because the next key
// came first counts as lost (reported, not hidden).
import { execFileSync } from 'node:child_process';
import { CLI, startApp } from './harness.mjs';

const n = Number(process.argv[2] ?? 100000);
const rounds = Number(process.argv[3] ?? 3);
const QUERIES = [
  'Mueller', 'Schmidt', 'Weiß', 'Landkreis Ra', 'jor mul', 'Staatskanzlei', 'Dataport', 'OZG-Koord',
  'Bayern', 'Referent', 'Kommune', 'Fischer', 'Wagner', 'Digitalisierung', 'FITKO', 'Hamburg',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const app = await startApp({
  seed: (db) => execFileSync(CLI, ['--db', db, 'demo', '--count', String(n)], { stdio: 'ignore' }),
});
try {
  const { browser } = app;
  const box = await browser.$('#search');
  await box.waitForExist({ timeout: 120_000 });
  await browser.$('[data-testid="contact-row"]').then((r) => r.waitForExist({ timeout: 120_000 }));
  await browser.execute(() => {
    const input = document.querySelector('#search');
    const list = document.querySelector('[data-results-query]');
    const w = window;
    w.__lat = [];
    w.__lost = 0;
    w.__pending = null;
    input.addEventListener('keydown', () => {
      if (w.__pending) w.__lost++;
      w.__pending = { t0: performance.now() };
    }, true);
    input.addEventListener('input', () => {
      const p = w.__pending;
      if (!p) return;
      p.q = input.value.trim();
      // A key that does not change the query (a space at the end) needs no new results.
      if (p.q === list.dataset.resultsQuery) w.__pending = null;
    });
    new MutationObserver(() => {
      const p = w.__pending;
      if (!p || p.q === undefined || list.dataset.resultsQuery !== p.q) return;
      w.__pending = null;
      requestAnimationFrame(() => setTimeout(() => w.__lat.push(performance.now() - p.t0)));
    }).observe(list, { attributes: true, attributeFilter: ['data-results-query'] });
  });
  // The first search of a process builds the in-memory index (docs/benchmarks.md: 0.4 s at
  // 100,000): a warm-up query, reported apart.
  const t = Date.now();
  await box.click();
  await browser.keys(['W']);
  await browser.waitUntil(
    () => browser.execute(() => document.querySelector('[data-results-query]').dataset.resultsQuery === 'W'),
    { timeout: 120_000, interval: 20 },
  );
  console.error(`first search (index build, WebDriver round trips included): ${Date.now() - t} ms`);
  await browser.keys(['Backspace']);
  await sleep(500);
  await browser.execute(() => { window.__lat = []; window.__lost = 0; window.__pending = null; });
  for (let r = 0; r < rounds; r++) {
    for (const q of QUERIES) {
      for (const ch of q) {
        await browser.keys([ch]);
        await sleep(150);
      }
      for (let i = 0; i < q.length; i++) await browser.keys(['Backspace']);
      await sleep(300);
      await browser.execute(() => { window.__pending = null; });
    }
  }
  await sleep(500);
  const { lat, lost } = await browser.execute(() => ({ lat: window.__lat, lost: window.__lost }));
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  const f = (x) => `${x.toFixed(1)} ms`;
  console.log(`| ${n.toLocaleString('en')} | ${lat.length} | ${lost} | ${f(q(50))} | ${f(q(95))} | ${f(q(99))} | ${f(lat[lat.length - 1])} |`);
} finally {
  await app.stop();
}

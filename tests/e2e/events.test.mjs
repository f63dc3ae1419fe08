// The events view end to end: subscribe to a feed served on 127.0.0.1 (with ETag), sync it in the
// UI, see its events with the cancelled one marked, open one, and scan the view with axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { cli, axeViolations } from './harness.mjs';
import { calendar, icsDate, vevent } from './ics.mjs';
import { startAppReady } from './steps.mjs';

let app;
let server;
let requests = { total: 0, notModified: 0 };
const $ = (sel) => app.browser.$(sel);

const FEED = calendar(
  [
    vevent(
      'erfa@fitko.example',
      3,
      [9, 16],
      'OZG-Erfahrungsaustausch Winter',
      'LOCATION:Berlin\\, Alt-Moabit 140',
      'DESCRIPTION:Workshops zu Roll-in und Nachnutzung.\\nAnmeldung bis Freitag.',
      'ORGANIZER;CN="FITKO, Geschäftsstelle":mailto:info@fitko.example',
    ),
    vevent('taskforce@fellbach.example', 5, [13, 15], 'Treffen der OZG-Taskforce', 'STATUS:CANCELLED'),
    [
      'UID:labor@itplr.example',
      'DTSTAMP:20261101T000000Z',
      `DTSTART;VALUE=DATE:${icsDate(8)}`,
      'SUMMARY:Digitalisierungslabor <script>window.__pwned=1</script>',
    ],
  ],
  ['X-WR-CALNAME:OZG-Termine'],
);

before(async () => {
  server = createServer((req, res) => {
    requests.total += 1;
    if (req.headers['if-none-match'] === '"v1"') {
      requests.notModified += 1;
      res.writeHead(304, { ETag: '"v1"' });
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': 'text/calendar; charset=utf-8', ETag: '"v1"' });
    res.end(FEED);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  app = await startAppReady();
});

after(async () => {
  await app?.stop();
  server?.close();
});

test('subscribe to a local feed in the UI and see its events', async () => {
  await (await $('[data-testid="nav-events"]')).click();
  await (await $('[data-testid="add-feed"]')).click();
  const url = `http://127.0.0.1:${server.address().port}/ozg.ics`;
  await (await $('#feed-url')).setValue(url);
  await (await $('#feed-name')).setValue('FITKO');
  await (await $('[data-testid="save-feed"]')).click();
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="event-row"]')).length === 3, {
    timeout: 20_000,
    timeoutMsg: 'three events after the first sync',
  });
  const feeds = cli(app.db, 'feed', 'list');
  assert.equal(feeds.length, 1);
  assert.equal(feeds[0].url, url);
  assert.equal(feeds[0].events, 3);
});

test('the cancelled event is marked, not dropped; markup is text', async () => {
  const badge = await $('[data-testid="status-cancelled"]');
  await badge.waitForDisplayed();
  assert.match(await badge.getText(), /Abgesagt/);
  const rows = await app.browser.$$('[data-testid="event-row"]');
  const texts = [];
  for (const r of rows) texts.push(await r.getText());
  assert.ok(texts.some((t) => t.includes('Treffen der OZG-Taskforce')));
  assert.ok(texts.some((t) => t.includes('<script>window.__pwned=1</script>')), 'shown literally');
  assert.equal(await app.browser.execute(() => window.__pwned ?? null), null);
});

test('syncing again asks with the ETag and gets 304', async () => {
  const before = requests.notModified;
  await (await $('[data-testid="sync-all"]')).click();
  await app.browser.waitUntil(() => requests.notModified > before, { timeout: 15_000 });
});

test('event detail shows time, place, description and organiser; axe-core passes', async () => {
  const rows = await app.browser.$$('[data-testid="event-row"]');
  let target;
  for (const r of rows) if ((await r.getText()).includes('Erfahrungsaustausch')) target = r;
  await target.click();
  const title = await $('[data-testid="event-title"]');
  await title.waitForDisplayed();
  assert.equal(await title.getText(), 'OZG-Erfahrungsaustausch Winter');
  const detail = await (await $('[data-testid="event-detail"]')).getText();
  assert.match(detail, /Berlin, Alt-Moabit 140/);
  assert.match(detail, /Anmeldung bis Freitag/);
  assert.match(detail, /FITKO, Geschäftsstelle/);
  assert.deepEqual(await axeViolations(app.browser), []);
});

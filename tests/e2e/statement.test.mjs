// The accessibility statement, "Barriere melden" and "Über Vernetzt" (issue 18), in the real app:
// reachable from the footer of every view; the statement names the body, the contact and the
// Schlichtungsstelle set in the settings (the Bund's by default); a report opens a mail whose
// link Rust built (read from the app's open log: nothing opens under the tests); a hostile
// contact address is refused at its field. Also the views' visible defects fixed with it: the
// privacy view's margin, the duplicates' cards using the window's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { cli, axeViolations } from './harness.mjs';
import { openView, replaceValue, startAppReady } from './steps.mjs';

let app;
const $ = (sel) => app.browser.$(sel);

before(async () => {
  app = await startAppReady({
    seed: (db) => {
      cli(db, 'contacts', 'add', '--name', 'Annegret Mustermann-Schulze', '--email', 'annegret.mustermann-schulze@bezirksamt-pankow.example');
      cli(db, 'contacts', 'add', '--name', 'Annegret Mustermann-Schulze', '--email', 'a.mustermann-schulze@senatsverwaltung-inneres.example');
    },
  });
});

after(async () => {
  await app?.stop();
});

async function textOf(sel) {
  return app.browser.execute((s) => document.querySelector(s)?.textContent ?? '', sel);
}

function openLogLines() {
  return existsSync(app.openLog) ? readFileSync(app.openLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
}

test('the statement is reachable from the footer, names the Bund\'s Schlichtungsstelle by default, and passes axe', async () => {
  await (await $('[data-testid="footer-statement"]')).click();
  await (await $('[data-testid="statement-view"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await app.browser.execute(() => document.activeElement?.id), 'statement-title');
  const arbitration = await textOf('[data-testid="statement-arbitration"]');
  assert.match(arbitration, /Behindertengleichstellungsgesetz/);
  assert.match(arbitration, /schlichtungsstelle-bgg\.de/);
  assert.match(await textOf('[data-testid="statement-contact"]'), /noch nicht eingetragen/);
  assert.deepEqual(await axeViolations(app.browser), []);
  await (await $('[data-testid="footer-about"]')).click();
  await (await $('[data-testid="about-view"]')).waitForDisplayed({ timeout: 10_000 });
  assert.deepEqual(await axeViolations(app.browser), []);
});

test('the settings name the body, contact and Land; a hostile address is refused', async () => {
  await openView(app.browser, 'settings', '[data-testid="settings-a11y"]');
  await replaceValue(app.browser, '#set-a11y_contact_email', 'a@b.example?attach=/etc/passwd');
  await (await $('[data-testid="save-a11y"]')).click();
  await (await $('#set-a11y_contact_email-error')).waitForDisplayed({ timeout: 10_000 });
  await replaceValue(app.browser, '#set-a11y_body_name', 'Bezirksamt Pankow von Berlin');
  await replaceValue(app.browser, '#set-a11y_contact_email', 'barrieren@pankow.example');
  await replaceValue(app.browser, '#set-a11y_arbitration_name', 'Landesschlichtungsstelle Berlin');
  await replaceValue(app.browser, '#set-a11y_arbitration_url', 'https://www.berlin.example/schlichtung');
  await (await $('[data-testid="save-a11y"]')).click();
  await app.browser.waitUntil(async () => (await textOf('[data-testid="settings-a11y"]')).includes('gespeichert'), { timeout: 10_000 });
  await (await $('[data-testid="footer-statement"]')).click();
  await (await $('[data-testid="statement-view"]')).waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(async () => (await textOf('[data-testid="statement-view"]')).includes('Bezirksamt Pankow von Berlin'), { timeout: 10_000 });
  assert.match(await textOf('[data-testid="statement-contact"]'), /barrieren@pankow\.example/);
  assert.match(await textOf('[data-testid="statement-arbitration"]'), /Landesschlichtungsstelle Berlin/);
});

test('"Barriere melden" opens a mail to the contact with version, view and language only', async () => {
  await openView(app.browser, 'duplicates', '[data-testid="duplicates-view"]');
  const before = openLogLines().length;
  await (await $('[data-testid="footer-report"]')).click();
  await app.browser.waitUntil(() => openLogLines().length > before, { timeout: 10_000, timeoutMsg: 'no mail was opened' });
  const { link } = openLogLines()[before];
  assert.match(link, /^mailto:barrieren@pankow\.example\?subject=[^&]+&body=[^&]+$/);
  const body = decodeURIComponent(link.split('&body=')[1]);
  assert.match(body, /Ansicht: duplicates/);
  assert.match(body, /Sprache: Deutsch/);
  assert.match(body, /Vernetzt-Version: \d+\.\d+\.\d+/);
});

test('the privacy view has a margin and duplicate cards use the window\'s width', async () => {
  await openView(app.browser, 'privacy', '[data-testid="privacy-view"]');
  const left = await app.browser.execute(() => document.querySelector('#privacy-title')?.getBoundingClientRect().left ?? 0);
  assert.ok(left >= 16, `the privacy heading starts ${left}px from the edge`);
  await openView(app.browser, 'duplicates', '[data-testid="duplicate-contact"]');
  const widths = await app.browser.execute(() =>
    [...document.querySelectorAll('[data-testid="duplicate-contact"]')].map((c) => c.getBoundingClientRect().width),
  );
  const view = await app.browser.execute(() => document.querySelector('[data-testid="duplicates-view"]').clientWidth);
  assert.equal(widths.length, 2);
  assert.ok(widths[0] + widths[1] > view * 0.8, `cards ${widths} in a view of ${view}px`);
});

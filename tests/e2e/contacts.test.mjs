// The contacts view end to end, in the real app: create a contact, find it by a folded spelling,
// edit it, delete it (with undo), see markup shown as text, and scan the view and the form with
// axe-core. The CLI reads the same database file to check what the UI wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, axeViolations } from './harness.mjs';
import { changeRole, fillIn, saveContact, searchContacts, startAppReady } from './steps.mjs';

let app;
const $ = (sel) => app.browser.$(sel);

async function rowNames() {
  const rows = await app.browser.$$('[data-testid="contact-row"]');
  const names = [];
  for (const r of rows) names.push(await r.getText());
  return names;
}

const search = (query) => searchContacts(app.browser, query);

before(async () => {
  app = await startAppReady({ seed: (db) => cli(db, 'demo', '--count', '25') });
});

after(async () => {
  await app?.stop();
});

test('the contacts view opens on the list, in German', async () => {
  const total = await (await $('[data-testid="total"]')).getText();
  assert.match(total, /25/);
  assert.equal(await app.browser.execute(() => document.documentElement.lang), 'de');
  assert.equal((await rowNames()).length, 25);
});

test('axe-core finds no WCAG 2.1 A/AA violation in the contacts view', async () => {
  const first = (await app.browser.$$('[data-testid="contact-row"]'))[0];
  await first.click();
  await (await $('[data-testid="detail-name"]')).waitForDisplayed();
  assert.deepEqual(await axeViolations(app.browser), []);
});

test('create a contact in the form (and axe-core passes on the form)', async () => {
  await (await $('[data-testid="new-contact"]')).click();
  await (await $('#given_name')).waitForDisplayed();
  assert.deepEqual(await axeViolations(app.browser), []);
  await fillIn(app.browser, {
    given_name: 'Jördis',
    family_name: 'Weiß',
    title: 'Dr.',
    role: 'OZG-Koordinatorin',
    'email-0': 'joerdis.weiss@example.de',
    tags: 'EfA, Roll-in',
    note: 'Kennengelernt beim OZG-Erfahrungsaustausch in Erfurt',
  });
  await saveContact(app.browser, 'Dr. Jördis Weiß');
  const stored = cli(app.db, 'contacts', 'search', 'weiss');
  assert.equal(stored.length, 1);
  assert.deepEqual(stored[0].emails, ['joerdis.weiss@example.de']);
  assert.deepEqual(stored[0].tags, ['EfA', 'Roll-in']);
});

test('an invalid e-mail is refused with a message at the field', async () => {
  await (await $('[data-testid="new-contact"]')).click();
  await (await $('#family_name')).setValue('Fehler');
  await (await $('#email-0')).setValue('kein-at-zeichen');
  await (await $('[data-testid="save"]')).click();
  const input = await $('#email-0');
  await input.waitUntil(async () => (await input.getAttribute('aria-invalid')) === 'true', { timeout: 10_000 });
  assert.equal(cli(app.db, 'contacts', 'search', 'fehler').length, 0);
  await (await $('[data-testid="cancel"]')).click();
});

test('search finds the contact by folded spellings as you type', async () => {
  for (const q of ['Joerdis Weiss', 'jordis weis', 'WEISS', 'jö']) {
    await search(q);
    await app.browser.waitUntil(async () => (await rowNames()).some((n) => n.includes('Jördis Weiß')), {
      timeout: 10_000,
      timeoutMsg: `no row for query ${q}`,
    });
  }
});

test('edit the contact', async () => {
  await search('joerdis');
  await app.browser.waitUntil(async () => (await rowNames()).length === 1);
  await (await app.browser.$$('[data-testid="contact-row"]'))[0].click();
  await changeRole(app, 'joerdis', 'Themenfeldführung Familie & Kind');
  const detail = await (await $('[data-testid="detail"]')).getText();
  assert.match(detail, /Themenfeldführung Familie & Kind/);
});

test('delete asks first, can be undone, and then deletes', async () => {
  await (await $('[data-testid="delete"]')).click();
  await (await $('[data-testid="confirm-delete"]')).click();
  await app.browser.waitUntil(() => cli(app.db, 'contacts', 'search', 'joerdis').length === 0, { timeout: 10_000 });
  await (await $('[data-testid="undo"]')).click();
  await app.browser.waitUntil(() => cli(app.db, 'contacts', 'search', 'joerdis').length === 1, { timeout: 10_000 });

  await search('joerdis');
  await app.browser.waitUntil(async () => (await rowNames()).length === 1);
  await (await app.browser.$$('[data-testid="contact-row"]'))[0].click();
  await (await $('[data-testid="delete"]')).click();
  await (await $('[data-testid="confirm-delete"]')).click();
  await app.browser.waitUntil(() => cli(app.db, 'contacts', 'search', 'joerdis').length === 0, { timeout: 10_000 });
  await search('joerdis');
  await app.browser.waitUntil(async () => (await rowNames()).length === 0, { timeout: 10_000 });
});

test('markup in names and notes is shown as text, never run', async () => {
  const evil = '<img src=x onerror="window.__pwned=1">';
  cli(app.db, 'contacts', 'add', '--name', '<b>Eve</b>', '--note', evil);
  await search('eve');
  await app.browser.waitUntil(async () => (await rowNames()).some((n) => n.includes('<b>Eve</b>')), { timeout: 10_000 });
  await (await app.browser.$$('[data-testid="contact-row"]'))[0].click();
  const heading = await $('[data-testid="detail-name"]');
  await heading.waitUntil(async () => (await heading.getText()) === '<b>Eve</b>');
  const detail = await $('[data-testid="detail"]');
  assert.match(await detail.getText(), /<img src=x onerror=/);
  assert.equal(await app.browser.execute(() => document.querySelectorAll('[data-testid="detail"] b, [data-testid="detail"] img[src="x"]').length), 0);
  assert.equal(await app.browser.execute(() => window.__pwned ?? null), null);
});

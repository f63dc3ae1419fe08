// Roles over time (issue 17) end to end, in the real app: a change of post asked in the contact
// form keeps the old post in the "Stellen" section, a correction rewrites it, and Escape saves
// nothing. The CLI reads the same database file to check what the UI wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, cli } from './harness.mjs';
import { changeRole, replaceValue, searchContacts, startAppReady } from './steps.mjs';

let app;
let anna;
let bernd;
const $ = (sel) => app.browser.$(sel);

before(async () => {
  app = await startAppReady({
    seed: (db) => {
      anna = cli(db, 'contacts', 'add', '--name', 'Anna Sachs', '--org', 'FITKO', '--role', 'Referentin');
      bernd = cli(db, 'contacts', 'add', '--name', 'Bernd Korrekt', '--org', 'FITKO', '--role', 'Referntin');
    },
  });
});

after(async () => {
  await app?.stop();
});

/** Opens the one contact found by `query` and waits for its detail. */
async function open(query, name) {
  await searchContacts(app.browser, query);
  const rows = () => app.browser.$$('[data-testid="contact-row"]');
  await app.browser.waitUntil(async () => (await rows()).length === 1 && (await (await rows())[0].getText()).includes(name), {
    timeout: 10_000,
    timeoutMsg: `one row for ${name}`,
  });
  await (await rows())[0].click();
  const heading = await $('[data-testid="detail-name"]');
  await heading.waitUntil(async () => (await heading.getText()) === name, { timeout: 10_000 });
}

/** The texts of the "Stellen" section's items, once there are `count` of them. */
async function roleItems(count) {
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="role-item"]')).length === count, {
    timeout: 10_000,
    timeoutMsg: `expected ${count} roles in "Stellen"`,
  });
  const items = [];
  for (const el of await app.browser.$$('[data-testid="role-item"]')) items.push(await el.getText());
  return items;
}

const focusedTestId = () => app.browser.execute(() => document.activeElement?.getAttribute('data-testid') ?? '');

test('the detail shows the contact\'s post under "Stellen"', async () => {
  await open('sachs', 'Anna Sachs');
  const heading = await $('#roles-title');
  assert.equal(await heading.getText(), 'Stellen');
  const [current] = await roleItems(1);
  assert.match(current, /^Referentin · FITKO.*\(aktuell\)/);
});

test('a changed organisation asks "Korrektur oder Wechsel der Stelle?"; Escape saves nothing', async () => {
  await (await $('[data-testid="edit"]')).click();
  await replaceValue(app.browser, '#role', 'OZG-Koordinatorin');
  await replaceValue(app.browser, '#org', 'Dataport');
  await (await $('[data-testid="save"]')).click();
  const dialog = await $('[data-testid="role-change-dialog"]');
  await dialog.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await $('#role-change-dialog-title')).getText(), 'Korrektur oder Wechsel der Stelle?');
  await app.browser.waitUntil(async () => (await focusedTestId()) === 'role-change', { timeout: 5_000, timeoutMsg: 'focus in the dialog' });
  assert.deepEqual(await axeViolations(app.browser), []);
  await app.browser.keys(['Escape']);
  await dialog.waitForDisplayed({ reverse: true, timeout: 5_000 });
  await app.browser.waitUntil(async () => (await focusedTestId()) === 'save', { timeout: 5_000, timeoutMsg: 'focus back on "Speichern"' });
  assert.equal(cli(app.db, 'contacts', 'show', String(anna.id)).role, 'Referentin');
  assert.equal(cli(app.db, 'roles', 'list', String(anna.id)).length, 1);
});

test('"Wechsel der Stelle" keeps the old post, ended at the date given', async () => {
  await (await $('[data-testid="save"]')).click();
  await (await $('[data-testid="role-change-dialog"]')).waitForDisplayed({ timeout: 10_000 });
  await replaceValue(app.browser, '#role-change-dialog-date', '01.03.2026');
  await (await $('[data-testid="role-change"]')).click();
  const heading = await $('[data-testid="detail-name"]');
  await heading.waitUntil(async () => (await heading.getText()) === 'Anna Sachs', { timeout: 10_000 });

  const [now, before] = await roleItems(2);
  assert.match(now, /^OZG-Koordinatorin · Dataport.*\(aktuell\)/);
  assert.match(now, /seit 01\.03\.2026/);
  assert.match(before, /^Referentin · FITKO/);
  assert.match(before, /bis 01\.03\.2026/);
  assert.doesNotMatch(before, /aktuell/);
  assert.deepEqual(await axeViolations(app.browser), []);

  const roles = cli(app.db, 'roles', 'list', String(anna.id));
  assert.deepEqual(
    roles.map((r) => [r.function, r.from, r.to]),
    [
      ['OZG-Koordinatorin', '2026-03-01', null],
      ['Referentin', null, '2026-03-01'],
    ],
  );
  assert.match(roles[0].organization, /^Dataport/);
  assert.match(roles[1].organization, /^FITKO/);
  const contact = cli(app.db, 'contacts', 'show', String(anna.id));
  assert.equal(contact.role, 'OZG-Koordinatorin');
  assert.equal(contact.organization_id, roles[0].organization_id);
});

test('"Korrektur" rewrites the post and keeps no history', async () => {
  await open('korrekt', 'Bernd Korrekt');
  await roleItems(1);
  await changeRole(app, 'korrekt', 'Referentin', 'correction');
  const [only] = await roleItems(1);
  assert.match(only, /^Referentin · FITKO.*\(aktuell\)/);
  const roles = cli(app.db, 'roles', 'list', String(bernd.id));
  assert.deepEqual(
    roles.map((r) => [r.function, r.to]),
    [['Referentin', null]],
  );
  assert.match(roles[0].organization, /^FITKO/);
});

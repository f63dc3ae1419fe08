// Two-way sync with the user's own CardDAV/CalDAV server, end to end: a real Radicale, the real
// app and the CLI as a second device. Set up the account in the settings (a wrong password is
// refused at its field), sync from the header, make the same field differ on both devices, see
// the conflict and resolve it; axe-core on the settings and on the conflicts view.
// The app keeps the password in the OS keyring: run inside crates/net/tests/with-keyring.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRadicale, cli, cliWithInput, axeViolations, killLeftoverApp } from './harness.mjs';
import { changeRole, fillIn, saveContact, searchContacts, startAppReady } from './steps.mjs';

let app;
let server;
let scratch;
let other; // the second device's database
const $ = (sel) => app.browser.$(sel);

const status = () => $('[data-testid="sync-status"]');
const attr = async (name) => (await status()).getAttribute(name);
const activeId = () => app.browser.execute(() => document.activeElement?.id ?? '');

async function waitForAttr(name, value, msg) {
  await app.browser.waitUntil(async () => (await attr(name)) === value, {
    timeout: 60_000,
    timeoutMsg: `${msg} (${name} is ${await attr(name)})`,
  });
}

/**
 * Presses "Jetzt abgleichen" with the keyboard once no sync is running, waits for the run to
 * answer and returns what the toast says about it.
 */
async function syncNowInApp() {
  await waitForAttr('data-running', 'false', 'no sync is running');
  const before = Number(await attr('data-finished'));
  const button = await $('[data-testid="sync-now"]');
  await app.browser.execute((b) => b.focus(), button);
  assert.equal(await app.browser.execute(() => document.activeElement?.dataset.testid), 'sync-now');
  await app.browser.keys('Enter');
  await waitForAttr('data-finished', String(before + 1), 'the sync answered');
  await waitForAttr('data-running', 'false', 'the sync finished');
  const text = await (await $('.toast-message')).getText();
  // Out of the way of the form's buttons.
  await (await (await $('.toast')).$('button=Schließen')).click();
  return text;
}

const search = (query) => searchContacts(app.browser, query);

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'vernetzt-sync-e2e-'));
  server = await startRadicale(scratch);
  other = join(scratch, 'tablet.db');
  app = await startAppReady({
    seed: (db) => {
      cli(db, 'contacts', 'add', '--name', 'Clara Conrad', '--role', 'Referentin', '--org', 'FITKO');
    },
  });
});

after(async () => {
  await app?.stop();
  if (app) killLeftoverApp(app.db);
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the header says sync is not set up and leads to the settings form', async () => {
  const setup = await $('[data-testid="sync-setup"]');
  await setup.waitForDisplayed({ timeout: 30_000 });
  assert.equal(await attr('data-configured'), 'false');
  assert.match(await (await status()).getText(), /Abgleich mit Ihrem Server nicht eingerichtet/);
  await setup.click();
  await (await $('[data-testid="settings-sync"]')).waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(async () => (await activeId()) === 'sync-url', {
    timeout: 10_000,
    timeoutMsg: 'focus is in the server address',
  });
  assert.match(await (await $('#settings-sync')).getText(), /Abgleich mit Ihrem Server \(CardDAV\/CalDAV\)/);
  assert.equal(await (await $('#sync-password')).getAttribute('type'), 'password');
});

test('a wrong password is refused at the password field', async () => {
  await (await $('#sync-url')).setValue(server.url);
  await (await $('#sync-user')).setValue(server.user);
  await (await $('#sync-password')).setValue('falsch');
  await (await $('[data-testid="sync-connect"]')).click();
  const password = await $('#sync-password');
  await app.browser.waitUntil(async () => (await password.getAttribute('aria-invalid')) === 'true', {
    timeout: 60_000,
    timeoutMsg: 'the password field is marked',
  });
  assert.match(await (await $('#sync-password-error')).getText(), /Der Server hat die Anmeldung abgelehnt/);
  assert.equal(await activeId(), 'sync-password');
  assert.equal(await password.getValue(), '', 'the refused password is not kept in the form');
  assert.equal(await (await $('#sync-url')).getAttribute('aria-invalid'), null);
  assert.equal(await attr('data-configured'), 'false');
  assert.deepEqual(await axeViolations(app.browser), [], 'settings: sync form with an error');
});

test('connect: the address book and calendar are found, the password is not shown again', async () => {
  await (await $('#sync-password')).setValue(server.password);
  await (await $('[data-testid="sync-connect"]')).click();
  const connected = await $('[data-testid="sync-connected"]');
  await connected.waitForDisplayed({ timeout: 60_000 });
  assert.match(await connected.getText(), /Verbunden\. Gefunden: Adressbuch \/anna\/.+, Kalender \/anna\/.+/);
  await app.browser.waitUntil(async () => (await activeId()) === 'sync-connected', { timeout: 10_000 });
  assert.equal(await (await $('[data-testid="sync-account-url"]')).getText(), server.url);
  assert.equal(await (await $('[data-testid="sync-account-user"]')).getText(), 'anna');
  assert.match(await (await $('[data-testid="sync-account-addressbook"]')).getText(), /^\/anna\//);
  assert.equal(await (await $('#sync-password')).isExisting(), false, 'no password field once connected');
  assert.deepEqual(
    await app.browser.execute(() => [...document.querySelectorAll('input')].filter((i) => i.value.includes('Geheim')).length),
    0,
  );
  assert.ok(!(await app.browser.execute(() => document.body.innerText)).includes(server.password));
  await waitForAttr('data-configured', 'true', 'the header knows the account');
  assert.deepEqual(await axeViolations(app.browser), [], 'settings: sync account');

  // "Konto ändern" shows the stored address and user, never the password.
  await (await $('[data-testid="sync-change"]')).click();
  await (await $('#sync-url')).waitForDisplayed();
  assert.equal(await (await $('#sync-url')).getValue(), server.url);
  assert.equal(await (await $('#sync-user')).getValue(), 'anna');
  assert.equal(await (await $('#sync-password')).getValue(), '');
  await (await $('[data-testid="sync-cancel"]')).click();
  await (await $('[data-testid="sync-change"]')).waitForDisplayed();
  assert.equal(await activeId(), 'sync-change');
});

test('a new contact goes to the server with "Jetzt abgleichen"; the header shows 0 pending and the time', async () => {
  await (await $('[data-testid="nav-contacts"]')).click();
  await (await $('[data-testid="new-contact"]')).click();
  await (await $('#given_name')).waitForDisplayed();
  await fillIn(app.browser, { given_name: 'Bernd', family_name: 'Bauer', role: 'Referent OZG' });
  await saveContact(app.browser, 'Bernd Bauer');

  const report = await syncNowInApp();
  assert.match(report, /Abgleich abgeschlossen/);
  await waitForAttr('data-pending', '0', 'nothing is pending after the sync');
  assert.match(await (await $('[data-testid="sync-last"]')).getText(), /^Zuletzt abgeglichen: heute, \d{2}:\d{2} Uhr$/);
  assert.equal(await (await $('[data-testid="sync-pending"]')).getText(), 'Keine ausstehenden Änderungen');
  assert.equal(await attr('data-conflicts'), '0');

  // The second device (the CLI) gets both contacts from the server.
  cliWithInput(other, `${server.password}\n`, 'account', 'add', server.url, '--user', server.user);
  const r = cli(other, 'sync');
  assert.equal(r.pulled, 2, JSON.stringify(r));
  assert.equal(cli(other, 'contacts', 'search', 'Bauer')[0]?.role, 'Referent OZG');
});

test('the same field changed on both devices is a conflict; resolving it brings the count to 0', async () => {
  // The other device changes Clara's role and syncs first ...
  const id = String(cli(other, 'contacts', 'search', 'Conrad')[0].id);
  cli(other, 'contacts', 'edit', id, '--role', 'Digitallotsin');
  const pushed = cli(other, 'sync');
  assert.equal(pushed.pushed, 1, JSON.stringify(pushed));

  // ... then the app changes it differently and syncs.
  await search('Conrad');
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="contact-row"]')).length === 1, { timeout: 10_000 });
  await (await app.browser.$$('[data-testid="contact-row"]'))[0].click();
  await changeRole(app, 'Conrad', 'OZG-Koordinatorin');
  await syncNowInApp();
  await waitForAttr('data-conflicts', '1', 'the header counts the conflict');
  const open = await $('[data-testid="sync-conflicts"]');
  assert.equal(await open.getText(), '1 Konflikt lösen');
  assert.equal(await (await $('[data-testid="nav-conflicts"]')).getText(), 'Konflikte (1)');
  assert.equal(cli(app.db, 'contacts', 'search', 'Conrad')[0].role, 'OZG-Koordinatorin', 'the local value stays');

  await open.click();
  const conflict = await $('[data-testid="conflict"]');
  await conflict.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await activeId(), 'conflicts-title');
  const text = await conflict.getText();
  assert.match(text, /Clara Conrad: Funktion \/ Rolle/);
  assert.equal(await (await conflict.$('[data-testid="conflict-local"]')).getText(), 'OZG-Koordinatorin');
  assert.equal(await (await conflict.$('[data-testid="conflict-remote"]')).getText(), 'Digitallotsin');
  assert.match(text, /Auf diesem Gerät:/);
  assert.match(text, /Auf dem Server:/);
  for (const label of ['Diesen Wert behalten', 'Serverwert übernehmen', 'Beide behalten']) {
    assert.ok(await (await conflict.$(`button=${label}`)).isExisting(), label);
  }
  assert.deepEqual(await axeViolations(app.browser), [], 'conflicts view');

  await (await conflict.$('[data-testid="conflict-keep-remote"]')).click();
  await (await $('[data-testid="conflicts-empty"]')).waitForDisplayed({ timeout: 10_000 });
  await waitForAttr('data-conflicts', '0', 'no conflict is left');
  assert.equal(await activeId(), 'conflicts-title', 'focus goes back to the heading of the empty list');
  assert.match(await (await $('[data-testid="conflict-done"]')).getText(), /Serverwert wurde übernommen/);
  assert.equal(cli(app.db, 'contacts', 'search', 'Conrad')[0].role, 'Digitallotsin');
  assert.equal(await (await $('[data-testid="nav-conflicts"]')).getText(), 'Konflikte');
  assert.deepEqual(await axeViolations(app.browser), [], 'conflicts view, all resolved');

  // The decision goes to the server like any change.
  await syncNowInApp();
  await waitForAttr('data-pending', '0', 'the decision was synced');
  cli(other, 'sync');
  assert.equal(cli(other, 'contacts', 'search', 'Conrad')[0].role, 'Digitallotsin');
  assert.equal(cli(other, 'conflicts', 'list').length, 0);
});

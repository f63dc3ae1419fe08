// Networking at events, end to end in the real app: import a CSV attendee list for an event,
// merge the duplicate it creates, and see the contact's timeline; axe-core on each view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cli, axeViolations, CLI } from './harness.mjs';
import { calendar, importFeed, vevent } from './ics.mjs';
import { openView, startAppReady } from './steps.mjs';

let app;
let csvPath;
const $ = (sel) => app.browser.$(sel);

/** Opens the contacts view and there the one contact a search for "joerdis" finds. */
async function openJoerdis() {
  const box = await openView(app.browser, 'contacts', '#search');
  await box.setValue('joerdis');
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="contact-row"]')).length === 1, { timeout: 10_000 });
  await (await app.browser.$$('[data-testid="contact-row"]'))[0].click();
}

before(async () => {
  app = await startAppReady({
    seed: (db) => {
      const dir = join(db, '..');
      const erfa = vevent('erfa-e2e@fitko.example', 4, [9, 16], 'OZG-Erfahrungsaustausch Frühjahr');
      importFeed(db, 'erfa.ics', calendar([erfa]));
      cli(db, 'contacts', 'add', '--name', 'Jördis Müller', '--email', 'jm@fitko.example', '--org', 'FITKO');
      // German Excel style: semicolons; the first row is the same person as the contact above.
      csvPath = join(dir, 'teilnehmende.csv');
      writeFileSync(
        csvPath,
        '\ufeffVorname;Nachname;Organisation;E-Mail;Funktion\r\n' +
          'Joerdis;Mueller;FITKO;JM@fitko.example;Produktmanagerin\r\n' +
          'Günther;Weiß;Landkreis Ravensburg;g.weiss@rv.example;OZG-Koordinator\r\n',
      );
    },
  });
});

after(async () => {
  await app?.stop();
});

test('import a CSV attendee list for an event in the UI', async () => {
  const row = await openView(app.browser, 'events', '[data-testid="event-row"]', 15_000);
  await row.click();
  await (await $('[data-testid="event-detail"]')).waitForDisplayed();
  await (await $('[data-testid="import-attendees"]')).click();
  const dialog = await $('[data-testid="import-dialog"]');
  await dialog.waitForDisplayed();
  await (await $('#import-file')).setValue(csvPath);
  await (await $('#map-0')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await $('#map-0')).getValue(), 'given_name');
  assert.equal(await (await $('#map-3')).getValue(), 'email');
  assert.deepEqual(await axeViolations(app.browser), [], 'import dialog with CSV preview');
  await (await $('[data-testid="import-confirm"]')).click();
  const report = await $('[data-testid="import-report"]');
  await report.waitForDisplayed({ timeout: 15_000 });
  assert.match(await report.getText(), /2/);
  const attendees = cli(app.db, 'attendance', 'list', '--event', 'erfa-e2e@fitko.example');
  assert.equal(attendees.length, 2);
  assert.ok(attendees.every((a) => a.status === 'attended'));
  await app.browser.keys('Escape');
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="attendee"]')).length === 2, {
    timeout: 10_000,
    timeoutMsg: 'the event shows its two attendees',
  });
  assert.deepEqual(await axeViolations(app.browser), [], 'event detail with attendees');
});

test('merge the duplicate the import created, with undo', async () => {
  await openView(app.browser, 'duplicates', '[data-testid="duplicate-group"]');
  assert.deepEqual(await axeViolations(app.browser), [], 'duplicates view');
  await (await $('[data-testid="merge"]')).click();
  await (await $('[data-testid="undo-merge"]')).waitForDisplayed({ timeout: 10_000 });
  const groups = cli(app.db, 'contacts', 'duplicates');
  assert.equal(groups.length, 0);
  const merged = cli(app.db, 'contacts', 'search', 'joerdis');
  assert.equal(merged.length, 1);
  assert.equal(merged[0].role, 'Produktmanagerin', 'the empty role was filled from the imported card');
});

test("the contact's timeline shows the event", async () => {
  await openJoerdis();
  const timeline = await $('[data-testid="timeline"]');
  await timeline.waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(async () => (await timeline.getText()).includes('OZG-Erfahrungsaustausch Frühjahr'), {
    timeout: 10_000,
    timeoutMsg: 'the timeline names the event',
  });
  assert.deepEqual(await axeViolations(app.browser), [], 'contact detail with timeline');
});

test('quick capture at the event: one key saves contact, attendance and met-at', async () => {
  const row = await openView(app.browser, 'events', '[data-testid="event-row"]');
  await row.click();
  const name = await $('#qc-name');
  await name.waitForDisplayed({ timeout: 10_000 });
  await name.setValue('Tom Schnell');
  await (await $('#qc-org')).setValue('Dataport');
  await (await $('#qc-org')).click();
  await app.browser.keys('Enter');
  await app.browser.waitUntil(() => cli(app.db, 'attendance', 'list', '--event', 'erfa-e2e@fitko.example').length === 3, {
    timeout: 10_000,
    timeoutMsg: 'the captured person is an attendee',
  });
  const tom = cli(app.db, 'contacts', 'search', 'tom schnell')[0];
  assert.equal(tom.organization, 'Dataport');
  assert.deepEqual(await axeViolations(app.browser), [], 'event detail with quick capture');
});

test('my business card as a QR code', async () => {
  await openJoerdis();
  await (await $('[data-testid="set-me"]')).click();
  await (await $('[data-testid="nav-settings"]')).click();
  const qr = await $('[data-testid="own-card-qr"]');
  await qr.waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(() => app.browser.execute(() => document.querySelector('[data-testid="own-card-qr"]')?.naturalWidth ?? 0), {
    timeout: 10_000,
    timeoutMsg: 'the QR image renders under the CSP',
  });
  assert.deepEqual(await axeViolations(app.browser), [], 'settings with the business card');
});

test('a card from a QR code, pasted as text, is imported', async () => {
  const card = [
    'BEGIN:VCARD', 'VERSION:4.0', 'FN:Ariane Berger', 'N:Berger;Ariane;;Dr.;',
    'ORG:Deutscher Landkreistag', 'EMAIL;TYPE=work:a.berger@landkreistag.example', 'END:VCARD', '',
  ].join('\n');
  await (await $('[data-testid="nav-contacts"]')).click();
  await (await $('[data-testid="import-contacts"]')).click();
  await (await $('[data-testid="import-dialog"]')).waitForDisplayed();
  // As a paste does: the whole text at once (typed keys would send each line break as Enter).
  await app.browser.execute(
    (el, text) => {
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    await $('#import-text'),
    card,
  );
  await (await $('[data-testid="import-text-check"]')).click();
  await app.browser.waitUntil(
    async () => (await (await $('[data-testid="import-cards"]')).isDisplayed()) || (await (await $('[data-testid="import-error"]')).isDisplayed()),
    { timeout: 10_000, timeoutMsg: 'the pasted card is read' },
  );
  const err = await $('[data-testid="import-error"]');
  assert.equal(await err.isDisplayed(), false, (await err.isDisplayed()) ? await err.getText() : '');
  await (await $('[data-testid="import-confirm"]')).click();
  await (await $('[data-testid="import-report"]')).waitForDisplayed({ timeout: 10_000 });
  const found = cli(app.db, 'contacts', 'search', 'ariane berger');
  assert.equal(found.length, 1);
  assert.equal(found[0].organization, 'Deutscher Landkreistag');
  await app.browser.keys('Escape');
});

test('a picture of a QR business card is imported', async () => {
  // Someone else's card, as their Vernetzt prints it.
  const other = join(app.home, 'other.db');
  const id = cli(other, 'contacts', 'add', '--name', 'Franz Srocke', '--email', 'f.srocke@bmi.example', '--org', 'BMI').id;
  cli(other, 'me', 'set', String(id));
  const png = join(app.home, 'karte.png');
  execFileSync(CLI, ['--db', other, 'me', 'card', '--png', png]);
  await (await $('[data-testid="nav-contacts"]')).click();
  await (await $('[data-testid="import-contacts"]')).click();
  await (await $('[data-testid="import-dialog"]')).waitForDisplayed();
  await (await $('#import-file')).setValue(png);
  await (await $('[data-testid="import-cards"]')).waitForDisplayed({ timeout: 10_000 });
  await (await $('[data-testid="import-confirm"]')).click();
  await (await $('[data-testid="import-report"]')).waitForDisplayed({ timeout: 10_000 });
  const found = cli(app.db, 'contacts', 'search', 'srocke');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0].emails, ['f.srocke@bmi.example']);
  await app.browser.keys('Escape');
});

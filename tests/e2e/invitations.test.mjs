// Invitations for organisers, end to end in the real app: the organiser in the settings, an own
// event created through the form, people invited by a tag (with the count and the warning about a
// missing address), the invitation exported into a folder, a reply (.ics) imported and seen in the
// RSVP overview; uninviting, sending without SMTP, copying a feed event and cancelling. axe-core
// on the settings, the form and the event detail with its invitations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, axeViolations, setInputValue } from './harness.mjs';
import { calendar, importFeed, vevent } from './ics.mjs';
import { clickAndReadQuestion, openView, startAppReady } from './steps.mjs';

let app;
let exportDir;
const $ = (sel) => app.browser.$(sel);
const TITLE = 'Netzwerktreffen der OZG-Taskforce';

/** `YYYY-MM-DD` in `days` from now (the event is always upcoming). */
function day(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

async function waitText(sel, re, timeout = 10_000) {
  const el = await $(sel);
  await el.waitForDisplayed({ timeout });
  await app.browser.waitUntil(async () => re.test(await el.getText()), {
    timeout,
    timeoutMsg: `${sel} never matched ${re} (was: ${await el.getText().catch(() => '?')})`,
  });
  return el.getText();
}

async function openEvent(title) {
  await (await $('[data-testid="nav-events"]')).click();
  await app.browser.waitUntil(
    async () => {
      for (const r of await app.browser.$$('[data-testid="event-row"]')) if ((await r.getText()).includes(title)) return true;
      return false;
    },
    { timeout: 15_000, timeoutMsg: `no row for ${title}` },
  );
  for (const r of await app.browser.$$('[data-testid="event-row"]')) {
    if ((await r.getText()).includes(title)) {
      await r.click();
      break;
    }
  }
  await waitText('[data-testid="event-title"]', new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}

function ownUid() {
  const list = cli(app.db, 'events', 'list', '--from', day(-1));
  const own = list.find((o) => o.title === TITLE && o.feed === null);
  assert.ok(own, 'the own event is stored without a feed');
  return own.uid;
}

before(async () => {
  app = await startAppReady({
    seed: (db) => {
      cli(db, 'contacts', 'add', '--name', 'Anna Albrecht', '--email', 'anna.albrecht@bmi.example', '--tag', 'Taskforce');
      cli(db, 'contacts', 'add', '--name', 'Bernd Brandt', '--email', 'b.brandt@digital.bayern.example', '--tag', 'taskforce');
      cli(db, 'contacts', 'add', '--name', 'Carla Clausen', '--tag', 'Taskforce', '--org', 'FITKO');
      cli(db, 'contacts', 'add', '--name', 'Dora Dietrich', '--email', 'dora@kommune.example');
      const labor = vevent('labor-e2e@fitko.example', 12, [8, 15], 'Digitalisierungslabor Wohngeld',
        'LOCATION:Erfurt\\, Landesamt', 'DESCRIPTION:Ein Tag im Labor.');
      importFeed(db, 'fitko.ics', calendar([labor]));
    },
  });
  exportDir = mkdtempSync(join(app.home, 'export-'));
});

after(async () => {
  await app?.stop();
});

test('the organiser and the invitation text in the settings; axe-core passes', async () => {
  const section = await openView(app.browser, 'settings', '[data-testid="settings-invitations"]');
  assert.match(await section.getText(), /\{name\}.*\{titel\}.*\{beginn\}/s, 'the placeholders are listed');
  // A wrong address is refused at the field, with focus there.
  await (await $('#set-organizer-email')).setValue('ozg@');
  await (await $('[data-testid="save-invitation-settings"]')).click();
  await waitText('#set-organizer-email-error', /ungültig/);
  assert.equal(await (await $('#set-organizer-email')).getAttribute('aria-invalid'), 'true');
  assert.match(await (await $('#set-organizer-email')).getAttribute('aria-describedby'), /set-organizer-email-error/);
  assert.equal(await app.browser.execute(() => document.activeElement?.id), 'set-organizer-email');
  await (await $('#set-organizer-name')).setValue('Referat DV I 3');
  await (await $('#set-organizer-email')).setValue('ozg-taskforce@bmi.example');
  await (await $('#set-smtp-per-minute')).setValue('20');
  await (await $('[data-testid="save-invitation-settings"]')).click();
  await waitText('[data-testid="invitation-settings-saved"]', /gespeichert/);
  assert.deepEqual(await axeViolations(app.browser), [], 'settings with the invitation section');
});

test('create an own event through the form', async () => {
  await (await $('[data-testid="nav-events"]')).click();
  await (await $('[data-testid="new-own-event"]')).click();
  const form = await $('[data-testid="own-event-form"]');
  await form.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await app.browser.execute(() => document.activeElement?.id), 'oe-title', 'focus starts at the title');
  // Nothing entered: the errors are at the fields, focus on the first.
  await (await $('[data-testid="save-own-event"]')).click();
  await waitText('#oe-title-error', /Titel/);
  assert.equal(await app.browser.execute(() => document.activeElement?.id), 'oe-title');
  assert.match(await (await $('#oe-title')).getAttribute('aria-describedby'), /oe-title-error/);
  assert.deepEqual(await axeViolations(app.browser), [], 'the own-event form with errors');

  await (await $('#oe-title')).setValue(TITLE);
  await setInputValue(app.browser, '#oe-start-date', day(30));
  await setInputValue(app.browser, '#oe-start-time', '09:30');
  // The end follows the start: one hour later; the user sets it.
  assert.equal(await (await $('#oe-end-time')).getValue(), '10:30');
  await setInputValue(app.browser, '#oe-end-time', '15:00');
  await (await $('#oe-location')).setValue('Berlin, Alt-Moabit 140');
  await (await $('#oe-url')).setValue('https://konferenz.example/taskforce');
  await (await $('#oe-description')).setValue('Austausch <b>ohne</b> Markup.');
  await (await $('[data-testid="save-own-event"]')).click();

  await waitText('[data-testid="event-title"]', new RegExp(TITLE));
  assert.equal(await app.browser.execute(() => document.activeElement?.id), 'event-title', 'focus on the new event');
  const detail = await (await $('[data-testid="event-detail"]')).getText();
  assert.match(detail, /Berlin, Alt-Moabit 140/);
  assert.match(detail, /Austausch <b>ohne<\/b> Markup\./, 'text stays text');
  assert.match(detail, /organisieren Sie selbst/);
  const uid = ownUid();
  assert.match(uid, /@vernetzt$/);
  const stored = cli(app.db, 'events', 'list', '--from', day(-1)).find((o) => o.uid === uid);
  assert.equal(stored.tzid, 'Europe/Berlin');
  assert.equal(stored.location, 'Berlin, Alt-Moabit 140');
});

test('invite by tag: the count, the warning about a missing address, then the list', async () => {
  await (await $('[data-testid="invitations"]')).waitForDisplayed({ timeout: 10_000 });
  await (await $('#inv-tag')).setValue('Taskforce');
  const count = await waitText('[data-testid="invite-count"]', /2 Personen werden eingeladen/);
  assert.match(count, /1 ohne E-Mail-Adresse/);
  const warning = await $('[data-testid="invite-without-email"]');
  assert.match(await warning.getText(), /Carla Clausen/);
  assert.match(await warning.getText(), /ohne E-Mail-Adresse/);
  assert.equal(await warning.getAttribute('role'), 'region');

  // One more, picked by name from the contact search, by keyboard: Tab to the hit, Enter.
  await (await $('#inv-search')).setValue('dora');
  const pick = await $('[data-testid="inv-pick"]');
  await pick.waitForDisplayed({ timeout: 10_000 });
  assert.match(await pick.getAttribute('aria-label'), /Dora Dietrich/);
  await app.browser.keys('Tab');
  assert.equal(await app.browser.execute(() => document.activeElement?.getAttribute('data-testid')), 'inv-pick');
  await app.browser.keys('Enter');
  await (await $('[data-testid="inv-picked"]')).waitForDisplayed({ timeout: 5_000 });
  assert.equal(await app.browser.execute(() => document.activeElement?.id), 'inv-search', 'focus back in the search');
  await waitText('[data-testid="invite-count"]', /3 Personen werden eingeladen/);
  assert.deepEqual(await axeViolations(app.browser), [], 'event detail with the invitation preview');

  await (await $('[data-testid="invite-add"]')).click();
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="invitee"]')).length === 3, {
    timeout: 10_000,
    timeoutMsg: 'three rows in the RSVP table',
  });
  await waitText('[data-testid="rsvp-count-needs-action"]', /Keine Antwort\s*3/);
  await waitText('[data-testid="invite-count"]', /Noch niemand ausgewählt/);
  // Asking again shows them as already invited, not as new.
  await (await $('#inv-tag')).setValue('taskforce');
  await waitText('[data-testid="invite-count"]', /0 Personen werden eingeladen.*2 bereits eingeladen/s);
  await (await $('[data-testid="invite-reset"]')).click();
});

test('export the invitation into a folder: einladung.ics and one .eml per person', async () => {
  const dir = await $('#inv-export-dir');
  assert.notEqual(await dir.getValue(), '', 'prefilled with the default folder');
  await dir.setValue(exportDir);
  await (await $('[data-testid="invite-export"]')).click();
  const result = await waitText('[data-testid="export-result"]', /4 Dateien gespeichert/);
  assert.ok(result.includes(exportDir), 'the folder is named');
  const files = readdirSync(exportDir).sort();
  assert.ok(files.includes('einladung.ics'), files.join(', '));
  assert.equal(files.filter((f) => f.endsWith('.eml')).length, 3, files.join(', '));
  const ics = readFileSync(join(exportDir, 'einladung.ics'), 'utf8');
  assert.match(ics, /METHOD:REQUEST/);
  assert.match(ics, /anna\.albrecht@bmi\.example/i);
  assert.match(ics, /ozg-taskforce@bmi\.example/i, 'the organiser from the settings');

  await (await $('[data-testid="rsvp-csv"]')).click();
  await waitText('[data-testid="export-result"]', /1 Datei gespeichert/);
  assert.ok(existsSync(join(exportDir, 'rueckmeldungen.csv')));
});

test('import a reply (.ics) and see the RSVP overview change', async () => {
  const uid = ownUid();
  const reply = join(app.home, 'antwort.ics');
  writeFileSync(
    reply,
    [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN', 'METHOD:REPLY',
      'BEGIN:VEVENT', `UID:${uid}`, 'SEQUENCE:0', 'DTSTAMP:20261120T101500Z',
      'ORGANIZER:mailto:ozg-taskforce@bmi.example',
      'ATTENDEE;CN="Anna Albrecht";PARTSTAT=ACCEPTED:mailto:Anna.Albrecht@bmi.example',
      'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n'),
  );
  await (await $('#inv-reply-file')).setValue(reply);
  await waitText('[data-testid="reply-result"]', /1 Antwort übernommen/);
  await waitText('[data-testid="rsvp-count-accepted"]', /Zugesagt\s*1/);
  await waitText('[data-testid="rsvp-count-needs-action"]', /Keine Antwort\s*2/);
  const rows = await app.browser.$$('[data-testid="invitee"]');
  const texts = [];
  for (const r of rows) texts.push(await r.getText());
  assert.ok(texts.some((t) => /Anna Albrecht/.test(t) && /Zugesagt/.test(t)), texts.join(' | '));
  // Addresses are links that ask before the mail program opens.
  const mails = await app.browser.$$('a[data-testid="invitee-email"]');
  assert.equal(mails.length, 3);
  assert.match(await mails[0].getAttribute('href'), /^mailto:/);
  const q = await clickAndReadQuestion(app, mails[0]);
  assert.equal(q.title, 'E-Mail schreiben?');
  assert.match(q.link, /^mailto:/);
  assert.deepEqual(await axeViolations(app.browser), [], 'event detail with the RSVP overview');
});

test('sending without an SMTP server says what to do', async () => {
  await (await $('[data-testid="invite-send"]')).click();
  await waitText('[data-testid="send-not-configured"]', /kein SMTP-Server eingerichtet/);
});

test('uninvite a person after confirming', async () => {
  const rows = await app.browser.$$('[data-testid="invitee"]');
  let target;
  for (const r of rows) if ((await r.getText()).includes('Dora Dietrich')) target = r;
  await (await target.$('[data-testid="invitee-remove"]')).click();
  const confirm = await $('[data-testid="confirm-remove-invitee"]');
  await confirm.waitForDisplayed({ timeout: 5_000 });
  assert.deepEqual(await axeViolations(app.browser), [], 'the confirm dialog');
  await confirm.click();
  await waitText('[data-testid="rsvp-count-invited"]', /Eingeladen\s*2/);
  await app.browser.waitUntil(
    async () => {
      for (const r of await app.browser.$$('[data-testid="invitee"]')) {
        const t = await r.getText();
        if (t.includes('Dora Dietrich')) return /Ausgeladen/.test(t);
      }
      return false;
    },
    { timeout: 10_000, timeoutMsg: 'Dora is shown as uninvited' },
  );
});

test('copy a feed event into the own-event form', async () => {
  await openEvent('Digitalisierungslabor Wohngeld');
  const copy = await $('[data-testid="copy-own-event"]');
  await copy.click();
  await (await $('[data-testid="own-event-form"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await $('#oe-title')).getValue(), 'Digitalisierungslabor Wohngeld');
  assert.equal(await (await $('#oe-location')).getValue(), 'Erfurt, Landesamt');
  // The date field shows TT.MM.JJJJ in the German interface (DateField).
  assert.equal(await (await $('#oe-start-date')).getValue(), day(12).split('-').reverse().join('.'));
  assert.match(await (await $('[data-testid="own-event-copied"]')).getText(), /Digitalisierungslabor/);
  // Esc closes the form and gives focus back to the button that opened it.
  await (await $('#oe-title')).click();
  await app.browser.keys('Escape');
  await (await $('[data-testid="own-event-form"]')).waitForDisplayed({ reverse: true, timeout: 5_000 });
  assert.equal(await app.browser.execute(() => document.activeElement?.getAttribute('data-testid')), 'copy-own-event');
});

test('edit the own event: a new place raises the version', async () => {
  await openEvent(TITLE);
  const before = cli(app.db, 'events', 'list', '--from', day(-1)).find((o) => o.title === TITLE);
  await (await $('[data-testid="edit-own-event"]')).click();
  await (await $('[data-testid="own-event-form"]')).waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(async () => (await (await $('#oe-title')).getValue()) === TITLE, {
    timeout: 10_000,
    timeoutMsg: 'the form is filled with the stored event',
  });
  assert.equal(await (await $('#oe-start-time')).getValue(), '09:30');
  assert.equal(await (await $('#oe-end-time')).getValue(), '15:00');
  await (await $('#oe-location')).setValue('Bonn, Graurheindorfer Straße 198');
  await (await $('[data-testid="save-own-event"]')).click();
  await waitText('[data-testid="event-detail"]', /Bonn, Graurheindorfer Straße 198/);
  // The live region says that invitees will get an update (the SEQUENCE rose).
  const status = () => app.browser.execute(() => document.querySelector('main > [role="status"][aria-atomic="true"]')?.textContent ?? '');
  await app.browser.waitUntil(async () => /Aktualisierung/.test(await status()), {
    timeout: 5_000,
    timeoutMsg: 'the status names the update for invitees',
  });
  const after = cli(app.db, 'events', 'list', '--from', day(-1)).find((o) => o.title === TITLE);
  assert.equal(after.uid, before.uid);
  assert.equal(after.start, before.start, 'the time is kept');
});

test('cancel the own event: confirmed, marked, and the export carries the cancellation', async () => {
  await (await $('[data-testid="cancel-own-event"]')).click();
  const confirm = await $('[data-testid="confirm-cancel-event"]');
  await confirm.waitForDisplayed({ timeout: 5_000 });
  await confirm.click();
  await (await $('[data-testid="event-detail"] [data-testid="status-cancelled"]')).waitForDisplayed({ timeout: 10_000 });
  await (await $('[data-testid="invitations-cancelled"]')).waitForDisplayed({ timeout: 10_000 });
  const stored = cli(app.db, 'events', 'list', '--from', day(-1)).find((o) => o.title === TITLE);
  assert.equal(stored.status, 'cancelled');
  const dir = mkdtempSync(join(app.home, 'absage-'));
  await (await $('#inv-export-dir')).setValue(dir);
  await (await $('[data-testid="invite-export"]')).click();
  await waitText('[data-testid="export-result"]', /3 Dateien gespeichert/);
  assert.match(readFileSync(join(dir, 'absage.ics'), 'utf8'), /METHOD:CANCEL/);
  assert.deepEqual(await axeViolations(app.browser), [], 'detail of the cancelled own event');
});

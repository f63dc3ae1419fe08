// Privacy and security end to end (issue 7), in the real app: markup from outside (names, notes,
// organisations, roles, a feed's event titles) is shown as text and never runs; links ask before
// they leave the app; the GDPR export (Art. 15) writes its files; erasure (Art. 17) removes a
// person from the list and the database; the "not met for N months" list; axe-core on the
// privacy view and its dialogs; the recently deleted contacts (issue 14): restore, erase for good,
// the days they are kept. The CLI seeds and reads the same (encrypted) database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, axeViolations } from './harness.mjs';
import { calendar, importFeed, vevent } from './ics.mjs';
import { clickAndReadQuestion, openView, replaceValue, searchContacts, startAppReady } from './steps.mjs';

let app;
let exportDir;
const $ = (sel) => app.browser.$(sel);

const XSS_NAME = '<img src=x onerror=window.__xss=1>';
const XSS_NOTE = '</textarea><script>window.__xss=2</script>';
const XSS_TITLE = '<img src=x onerror=window.__xss=3>';
const XSS_ORG = '<b onmouseover=window.__xss=4>Amt</b>';
const XSS_ROLE = '<script>window.__xss=5</script>Referentin';

async function noXss() {
  assert.equal(await app.browser.execute(() => typeof window.__xss), 'undefined', 'markup from data ran as script');
}

async function textOf(sel) {
  return app.browser.execute((s) => document.querySelector(s)?.textContent ?? '', sel);
}

async function allText(sel) {
  return app.browser.execute((s) => [...document.querySelectorAll(s)].map((n) => n.textContent).join('\n'), sel);
}

async function search(query) {
  await openView(app.browser, 'contacts', '#search');
  await searchContacts(app.browser, query);
}

/** Searches and opens the hit whose row shows `name` (default: the query). */
async function openContact(query, name = query) {
  await search(query);
  // The result list re-renders while the search settles; an element found a moment ago can be
  // gone (stale), so finding and clicking are retried together.
  const hit = async () => {
    for (const r of await app.browser.$$('[data-testid="contact-row"]')) {
      if ((await app.browser.execute((n) => n.textContent, r)).includes(name)) return r;
    }
    return null;
  };
  await app.browser.waitUntil(
    async () => {
      try {
        const r = await hit();
        if (r === null) return false;
        await r.click();
        return true;
      } catch (e) {
        if (/stale|not found/i.test(String(e))) return false;
        throw e;
      }
    },
    { timeout: 10_000, timeoutMsg: `no hit for ${query}` },
  );
  const heading = await $('[data-testid="detail-name"]');
  await heading.waitUntil(async () => (await textOf('[data-testid="detail-name"]')).includes(name), { timeout: 10_000 });
}

before(async () => {
  app = await startAppReady({
    seed: (db) => {
      const upcoming = vevent('xss-e2e@example.org', 3, [9, 12], XSS_TITLE,
        'DESCRIPTION:<script>window.__xss=6</script>', 'URL:https://www.fitko.de/veranstaltung');
      // A past event with the same title: "met at" takes the event's start as the encounter's time.
      const past = vevent('xss-past-e2e@example.org', -10, [9, 12], XSS_TITLE);
      importFeed(db, 'markup.ics', calendar([upcoming, past]));
      const x = cli(db, 'contacts', 'add', '--name', XSS_NAME, '--email', 'xss@example.org', '--org', XSS_ORG,
        '--role', XSS_ROLE, '--note', XSS_NOTE);
      // The same e-mail: a duplicate group that shows the name.
      cli(db, 'contacts', 'add', '--name', 'Zweitkarte Markup', '--email', 'xss@example.org');
      cli(db, 'attendance', 'met', '--event', 'xss-past-e2e@example.org', '--contact', String(x.id), '--note', XSS_NOTE);
      cli(db, 'contacts', 'add', '--name', 'Amalia Auskunft', '--email', 'amalia@example.org', '--org', 'FITKO',
        '--website', 'https://www.fitko.de', '--note', 'Möchte wissen, was wir speichern');
      cli(db, 'contacts', 'add', '--name', 'Egon Entfernen', '--email', 'egon@example.org');
      cli(db, 'contacts', 'add', '--name', 'Lotte Langeher', '--org', 'Dataport');
      cli(db, 'contacts', 'add', '--name', 'Rita Rückkehr', '--note', 'Kommt wieder');
      const gustav = cli(db, 'contacts', 'add', '--name', 'Gustav Gelöscht', '--note', 'Soll ganz weg');
      cli(db, 'contacts', 'delete', String(gustav.id));
    },
  });
  exportDir = mkdtempSync(join(tmpdir(), 'vernetzt-auskunft-'));
});

after(async () => {
  await app?.stop();
});

test('markup in names, organisations and roles is shown as text in the contact list', async () => {
  await app.browser.waitUntil(async () => (await allText('[data-testid="contact-row"]')).includes('<img src=x'), {
    timeout: 10_000,
  });
  const rows = await allText('[data-testid="contact-row"]');
  assert.ok(rows.includes(XSS_NAME), rows);
  assert.equal(await app.browser.execute(() => document.querySelectorAll('img[src="x"], b[onmouseover]').length), 0);
  await noXss();
});

test('the contact detail shows name, organisation, role, note and timeline as text', async () => {
  // Search results: by the note's words, then by the role.
  await openContact('textarea', XSS_NAME);
  assert.equal(await textOf('[data-testid="detail-name"]'), XSS_NAME);
  const detail = await textOf('[data-testid="detail"]');
  for (const s of [XSS_ORG, XSS_ROLE, XSS_NOTE]) assert.ok(detail.includes(s), `${s} not shown as text`);
  const timeline = await $('[data-testid="timeline-item"]');
  await timeline.waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(async () => (await allText('[data-testid="timeline-item"]')).includes(XSS_TITLE), {
    timeout: 10_000,
    timeoutMsg: 'the timeline does not show the event title as text',
  });
  assert.ok((await allText('[data-testid="timeline-item"]')).includes(XSS_NOTE));
  assert.equal(await app.browser.execute(() => document.querySelectorAll('script:not([src]), img[src="x"]').length), 0);
  await noXss();
});

test('the events list and the event detail show the title as text', async () => {
  const row = await openView(app.browser, 'events', '[data-testid="event-row"]', 15_000);
  assert.ok((await allText('[data-testid="event-row"]')).includes(XSS_TITLE));
  await row.click();
  await (await $('[data-testid="event-detail"]')).waitForDisplayed();
  assert.equal((await textOf('[data-testid="event-title"]')).trim(), XSS_TITLE);
  assert.ok((await textOf('[data-testid="event-detail"]')).includes('<script>window.__xss=6</script>'));
  await noXss();
});

test('an event link asks before it opens and does not navigate the app', async () => {
  const link = await $('a[data-testid="event-url"]');
  await link.waitForDisplayed();
  const before = await app.browser.getUrl();
  // The shell asks (a dialog of the operating system, here written to the test's log), naming
  // the exact address, in the UI's language.
  const q = await clickAndReadQuestion(app, link);
  assert.equal(q.title, 'Link öffnen?');
  assert.equal(q.message, 'Diese Adresse in Ihrem Browser öffnen?\n\nhttps://www.fitko.de/veranstaltung');
  assert.equal(q.link, 'https://www.fitko.de/veranstaltung');
  assert.deepEqual(await axeViolations(app.browser), []);
  assert.equal(await app.browser.getUrl(), before);
});

test('the event search shows the title as text', async () => {
  const box = await $('#event-search');
  await box.setValue('img');
  await app.browser.waitUntil(async () => (await allText('[data-testid="event-row"]')).includes(XSS_TITLE), { timeout: 10_000 });
  await box.clearValue();
  await noXss();
});

test('the duplicates view shows the name as text', async () => {
  await openView(app.browser, 'duplicates', '[data-testid="duplicate-group"]');
  assert.ok((await allText('[data-testid="duplicate-group"]')).includes(XSS_NAME));
  await noXss();
});

test('export everything about a person (Art. 15) from the contact detail', async () => {
  await openContact('Amalia');
  const id = cli(app.db, 'contacts', 'search', 'Amalia')[0].id;
  // E-mail and website are links that ask first.
  const mail = await $('a[data-testid="contact-email"]');
  assert.equal(await mail.getAttribute('href'), 'mailto:amalia@example.org');
  const q = await clickAndReadQuestion(app, mail);
  assert.equal(q.title, 'E-Mail schreiben?');
  assert.ok(q.message.endsWith('\n\namalia@example.org'), q.message);
  assert.equal(q.link, 'mailto:amalia@example.org');

  const dirInput = await $('#privacy-export-dir');
  await dirInput.waitForDisplayed();
  await app.browser.waitUntil(async () => (await dirInput.getValue()) !== '', { timeout: 10_000 }).catch(() => {});
  await dirInput.clearValue();
  await dirInput.setValue(exportDir);
  await (await $('[data-testid="privacy-export"]')).click();
  const result = await $('[data-testid="privacy-export-result"]');
  await result.waitForDisplayed({ timeout: 10_000 });
  const files = await allText('[data-testid="privacy-export-file"]');
  assert.ok(files.includes(`auskunft-${id}.json`), files);
  assert.ok(files.includes(`auskunft-${id}.vcf`), files);
  const json = join(exportDir, `auskunft-${id}.json`);
  assert.ok(existsSync(json));
  assert.ok(existsSync(join(exportDir, `auskunft-${id}.vcf`)));
  const text = readFileSync(json, 'utf8');
  assert.ok(text.includes('Amalia Auskunft'));
  assert.ok(text.includes('Möchte wissen, was wir speichern'));
  assert.ok(readFileSync(join(exportDir, `auskunft-${id}.vcf`), 'utf8').includes('Amalia Auskunft'));
});

test('erase a person completely (Art. 17): confirm, gone from the list and the database', async () => {
  await openContact('Egon');
  await (await $('[data-testid="privacy-erase"]')).click();
  const title = await $('#privacy-erase-one-dialog-title');
  await title.waitForDisplayed({ timeout: 10_000 });
  const message = await textOf('#privacy-erase-one-dialog-message');
  assert.match(message, /nicht rückgängig/);
  assert.match(message, /Sync-Server/);
  assert.deepEqual(await axeViolations(app.browser), []);
  await (await $('[data-testid="confirm-privacy-erase-one"]')).click();
  await (await $('[data-testid="detail"]')).waitForDisplayed({ reverse: true, timeout: 10_000 });
  await search('Egon');
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="contact-row"]')).length === 0, {
    timeout: 10_000,
    timeoutMsg: 'the erased contact is still listed',
  });
  assert.equal(cli(app.db, 'contacts', 'search', 'Egon').length, 0);
});

test('the privacy view: notice, stale contacts, erase selected (axe on view and dialog)', async () => {
  await (await $('[data-testid="nav-privacy"]')).click();
  const view = await $('[data-testid="privacy-view"]');
  await view.waitForDisplayed({ timeout: 10_000 });
  const notice = await textOf('[data-testid="privacy-notice"]');
  assert.match(notice, /Datenschutzhinweise/);
  assert.match(notice, /Telemetrie/);
  assert.equal(await (await $('#privacy-months')).getValue(), '24');
  assert.deepEqual(await axeViolations(app.browser), []);

  const months = await $('#privacy-months');
  await months.clearValue();
  await months.setValue('0');
  await (await $('[data-testid="privacy-stale-show"]')).click();
  await app.browser.waitUntil(async () => (await allText('[data-testid="privacy-stale-row"]')).includes('Lotte Langeher'), {
    timeout: 10_000,
    timeoutMsg: 'the stale list does not show the contact',
  });
  const rows = await allText('[data-testid="privacy-stale-row"]');
  assert.ok(rows.includes(XSS_NAME), 'markup name shown as text in the stale list');
  assert.ok(!rows.includes('Egon'));
  await noXss();
  assert.deepEqual(await axeViolations(app.browser), []);

  const lotte = await $('//tr[@data-testid="privacy-stale-row"][contains(., "Lotte Langeher")]//input[@type="checkbox"]');
  await lotte.click();
  await (await $('[data-testid="privacy-erase-selected"]')).click();
  const title = await $('#privacy-erase-dialog-title');
  await title.waitForDisplayed({ timeout: 10_000 });
  assert.match(await textOf('#privacy-erase-dialog-title'), /1 Kontakt/);
  assert.match(await textOf('#privacy-erase-dialog-message'), /nicht rückgängig/);
  assert.deepEqual(await axeViolations(app.browser), []);
  await (await $('[data-testid="confirm-privacy-erase"]')).click();
  await app.browser.waitUntil(async () => !(await allText('[data-testid="privacy-stale-row"]')).includes('Lotte'), {
    timeout: 10_000,
  });
  assert.match(await textOf('[data-testid="privacy-done"]'), /1 Kontakt/);
  assert.equal(cli(app.db, 'contacts', 'search', 'Langeher').length, 0);

  // Back in the contacts view, the list no longer shows her.
  await search('Langeher');
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="contact-row"]')).length === 0, {
    timeout: 10_000,
  });
});

test('a contact met recently is not stale after 24 months; with 0 months it is listed with the date', async () => {
  await (await $('[data-testid="nav-privacy"]')).click();
  const months = await replaceValue(app.browser, '#privacy-months', '24');
  await (await $('[data-testid="privacy-stale-show"]')).click();
  await (await $('[data-testid="privacy-stale-empty"]')).waitForDisplayed({ timeout: 10_000 });
  await months.clearValue();
  await months.setValue('0');
  await (await $('[data-testid="privacy-stale-show"]')).click();
  await app.browser.waitUntil(async () => (await allText('[data-testid="privacy-stale-row"]')).includes(XSS_NAME), {
    timeout: 10_000,
  });
  const met = await app.browser.execute(
    (name) =>
      [...document.querySelectorAll('[data-testid="privacy-stale-row"]')]
        .find((r) => r.textContent.includes(name))
        ?.querySelector('time')?.getAttribute('datetime') ?? null,
    XSS_NAME,
  );
  assert.ok(met, 'the encounter recorded with the CLI is shown as last met');
  await noXss();
});

test('recently deleted: a deleted contact is restored, another erased for good, the days kept set (axe)', async () => {
  await openContact('Rita');
  await (await $('[data-testid="delete"]')).click();
  await (await $('[data-testid="confirm-delete"]')).click();
  await app.browser.waitUntil(() => cli(app.db, 'contacts', 'search', 'Rückkehr').length === 0, { timeout: 10_000 });

  await (await $('[data-testid="nav-privacy"]')).click();
  await (await $('[data-testid="deleted-view"]')).waitForDisplayed({ timeout: 10_000 });
  await app.browser.waitUntil(async () => (await allText('[data-testid="deleted-row"]')).includes('Rita Rückkehr'), {
    timeout: 10_000,
    timeoutMsg: 'the deleted contact is not in the recently deleted list',
  });
  const rows = await allText('[data-testid="deleted-row"]');
  assert.ok(rows.includes('Gustav Gelöscht'), rows);
  assert.match(rows, /Gelöscht/);
  assert.match(await textOf('[data-testid="deleted-keep-current"]'), /nach 30 Tagen/);
  assert.deepEqual(await axeViolations(app.browser), []);

  // Restore, by keyboard: the row's button takes focus and Enter presses it.
  const restore = await $('//tr[@data-testid="deleted-row"][contains(., "Rita Rückkehr")]//button[@data-testid="deleted-restore"]');
  await app.browser.execute((el) => el.focus(), restore);
  await app.browser.keys('Enter');
  await app.browser.waitUntil(async () => !(await allText('[data-testid="deleted-row"]')).includes('Rita'), {
    timeout: 10_000,
  });
  assert.match(await textOf('[data-testid="deleted-done"]'), /Rita Rückkehr wurde wiederhergestellt/);
  const back = cli(app.db, 'contacts', 'search', 'Rückkehr');
  assert.equal(back.length, 1);
  assert.equal(cli(app.db, 'contacts', 'show', String(back[0].id)).notes[0].body, 'Kommt wieder');

  // Erase for good: the confirmation names the person and says it cannot be undone.
  const erase = await $('//tr[@data-testid="deleted-row"][contains(., "Gustav")]//button[@data-testid="deleted-erase"]');
  await erase.click();
  await (await $('#deleted-erase-dialog-title')).waitForDisplayed({ timeout: 10_000 });
  assert.match(await textOf('#deleted-erase-dialog-title'), /Gustav Gelöscht/);
  assert.match(await textOf('#deleted-erase-dialog-message'), /nicht rückgängig/);
  assert.deepEqual(await axeViolations(app.browser), []);
  await (await $('[data-testid="confirm-deleted-erase"]')).click();
  await (await $('[data-testid="deleted-empty"]')).waitForDisplayed({ timeout: 10_000 });
  assert.deepEqual(cli(app.db, 'contacts', 'deleted'), []);

  // The days kept: out of range is refused at the field, a valid number is stored.
  await replaceValue(app.browser, '#deleted-keep-days', '0');
  await (await $('[data-testid="deleted-keep-save"]')).click();
  await app.browser.waitUntil(async () => /1 bis 3650/.test(await textOf('.deleted form')), { timeout: 10_000 });
  await replaceValue(app.browser, '#deleted-keep-days', '14');
  await (await $('[data-testid="deleted-keep-save"]')).click();
  await app.browser.waitUntil(async () => /nach 14 Tagen/.test(await textOf('[data-testid="deleted-keep-current"]')), {
    timeout: 10_000,
  });
  assert.equal(cli(app.db, 'contacts', 'keep-deleted').keep_days, 14);
  assert.deepEqual(await axeViolations(app.browser), []);
  await noXss();
});

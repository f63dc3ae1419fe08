// The main flows by keyboard alone, in the real app (issue 18): WebDriver key events only, no
// element click. Create a contact, find and edit it, quick capture at an event; after each
// dialog or form closes, focus is on a sensible element (never <body>); focus is always visible;
// Tab leaves every region (no keyboard trap). The CLI reads the same file to check the effects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './harness.mjs';
import { calendar, importFeed, vevent } from './ics.mjs';
import { startAppReady } from './steps.mjs';

let app;
const keys = (k) => app.browser.keys(k);

/** What has focus, with whether its focus indicator is drawn (outline or box-shadow). */
const focused = () =>
  app.browser.execute(() => {
    const el = document.activeElement;
    const cs = el ? getComputedStyle(el) : null;
    const shown = !!cs && ((cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none');
    return { tag: el?.tagName.toLowerCase() ?? '', id: el?.id ?? '', testid: el?.dataset?.testid ?? '', text: (el?.textContent ?? '').trim().slice(0, 60), shown };
  });

/** Presses Tab until `match(focus)` holds (at most `max` times); fails if focus is not visible. */
async function tabTo(match, what, max = 60, back = false) {
  for (let i = 0; i < max; i++) {
    await keys(back ? ['Shift', 'Tab'] : ['Tab']);
    const f = await focused();
    assert.notEqual(f.tag, 'body', `focus fell to <body> while tabbing to ${what}`);
    assert.ok(f.shown, `focus not visible on ${f.tag}#${f.id}[${f.testid}] while tabbing to ${what}`);
    if (match(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

/**
 * Types text as key events, one WebDriver call per character: WebKitWebDriver drops the second of
 * two equal keys in one action sequence ("Tastmann" arrived as "Tastman").
 */
async function type(text) {
  for (const c of text) await keys([c]);
}

before(async () => {
  app = await startAppReady({
    seed: (db) => {
      importFeed(db, 'erfa.ics', calendar([vevent('erfa-kb@fitko.example', 4, [9, 16], 'OZG-Erfahrungsaustausch Tastatur')]));
      cli(db, 'contacts', 'add', '--name', 'Clara Conrad', '--org', 'FITKO');
    },
  });
  await app.browser.setWindowRect(0, 0, 1280, 800);
});

after(async () => {
  await app?.stop();
});

test('Tab cycles through the window and leaves every region: no keyboard trap', async () => {
  // From the skip link through the navigation, the header and the contacts view, and back round.
  const seen = [];
  for (let i = 0; i < 80; i++) {
    await keys(['Tab']);
    const f = await focused();
    seen.push(`${f.tag}#${f.id}[${f.testid}]`);
    if (f.tag !== 'body') assert.ok(f.shown, `focus not visible on ${seen.at(-1)}`);
    if (i > 3 && f.testid === 'nav-contacts') break;
  }
  assert.ok(seen.some((s) => s.includes('nav-contacts')), 'the navigation is reached');
  assert.ok(seen.some((s) => s.includes('#search')), 'the search is reached');
  assert.ok(seen.some((s) => s.includes('contact-row')), 'the list is reached');
  assert.equal(seen.filter((s) => s.includes('nav-contacts')).length >= 2, true, `Tab came round again (${seen.join(' ')})`);
});

test('create a contact with Ctrl+N, the form and Enter', async () => {
  await keys(['Control', 'n']);
  await app.browser.waitUntil(async () => (await focused()).id === 'given_name', { timeout: 10_000, timeoutMsg: 'focus in the first field' });
  await type('Tilda');
  await tabTo((f) => f.id === 'family_name', 'the family name');
  await type('Tastmann');
  await keys(['Enter']);
  await app.browser.waitUntil(() => cli(app.db, 'contacts', 'search', 'tastmann').length === 1, { timeout: 10_000, timeoutMsg: 'the contact was saved' });
  const f = await focused();
  assert.notEqual(f.tag, 'body', 'focus after saving');
  assert.ok(f.shown, `focus visible after saving (${f.tag}#${f.id})`);
});

test('find it with "/" and edit it', async () => {
  await keys(['Escape']);
  await app.browser.execute(() => document.activeElement?.blur?.());
  await keys(['/']);
  await app.browser.waitUntil(async () => (await focused()).id === 'search', { timeout: 5_000, timeoutMsg: '"/" focuses the search' });
  await type('tastm');
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="contact-row"]')).length === 1, { timeout: 10_000 });
  await tabTo((f) => f.testid === 'contact-row', 'the found row');
  await keys(['Enter']);
  await tabTo((f) => f.testid === 'edit', 'Bearbeiten');
  await keys(['Enter']);
  await app.browser.waitUntil(async () => (await app.browser.$$('#role')).length === 1, { timeout: 10_000 });
  await tabTo((f) => f.id === 'role', 'the role');
  await type('Barrierefreiheit');
  await keys(['Enter']);
  await app.browser.waitUntil(() => cli(app.db, 'contacts', 'search', 'tastmann')[0]?.role === 'Barrierefreiheit', { timeout: 10_000, timeoutMsg: 'the edit was saved' });
  const f = await focused();
  assert.notEqual(f.tag, 'body', 'focus after the edit');
  assert.ok(f.shown, `focus visible after the edit (${f.tag}#${f.id})`);
});

test('a dialog closed with Escape gives focus back to its opener', async () => {
  await tabTo((f) => f.testid === 'import-contacts', 'Importieren', 80, true);
  await keys(['Enter']);
  await app.browser.waitUntil(() => app.browser.execute(() => !!document.querySelector('dialog[open]')), { timeout: 5_000 });
  const inside = await focused();
  assert.ok(inside.shown, `focus visible in the dialog (${inside.tag}#${inside.id})`);
  await keys(['Escape']);
  await app.browser.waitUntil(async () => (await focused()).testid === 'import-contacts', { timeout: 5_000, timeoutMsg: 'focus back on the opener' });
});

test('quick capture at an event, by keyboard', async () => {
  await tabTo((f) => f.testid === 'nav-events', 'the events view', 80, true);
  await keys(['Enter']);
  await app.browser.waitUntil(async () => (await app.browser.$$('button[data-testid="event-row"]')).length > 0, { timeout: 15_000 });
  await tabTo((f) => f.testid === 'event-row', 'the event');
  await keys(['Enter']);
  await tabTo((f) => f.id === 'qc-name', 'the quick capture');
  await type('Karl Kurzweg');
  await tabTo((f) => f.id === 'qc-org', 'the organisation');
  await type('Dataport');
  await keys(['Enter']);
  await app.browser.waitUntil(() => cli(app.db, 'attendance', 'list', '--event', 'erfa-kb@fitko.example').length === 1, { timeout: 10_000, timeoutMsg: 'the captured person is an attendee' });
  assert.equal(cli(app.db, 'contacts', 'search', 'kurzweg')[0].organization, 'Dataport');
  const f = await focused();
  assert.notEqual(f.tag, 'body');
  assert.ok(f.shown, `focus visible after the capture (${f.tag}#${f.id})`);
});

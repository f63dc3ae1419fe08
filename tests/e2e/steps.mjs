// WebDriver steps that several end-to-end tests take the same way: starting the app until its
// contacts view is up, opening a view from the navigation, replacing an input's text, searching,
// filling in and saving the contact form; clicking a link and reading what the app asked.
import { existsSync, readFileSync } from 'node:fs';
import { cli, startApp } from './harness.mjs';

/**
 * Starts the app (as `startApp`) and waits until the contacts view shows its total. If it never
 * does, the app is stopped before the error is passed on (no test's `after` knows it yet).
 */
export async function startAppReady(options) {
  const app = await startApp(options);
  try {
    await (await app.browser.$('[data-testid="total"]')).waitForDisplayed({ timeout: 30_000 });
  } catch (e) {
    await app.stop();
    throw e;
  }
  return app;
}

/**
 * Clicks `link` and returns the question the app asked before opening it (title, message, open,
 * cancel, link), read from the app's `openLog`; nothing was opened.
 */
export async function clickAndReadQuestion(app, link) {
  const count = () => (existsSync(app.openLog) ? readFileSync(app.openLog, 'utf8').trim().split('\n').length : 0);
  const before = count();
  await link.click();
  await app.browser.waitUntil(async () => count() > before, { timeout: 10_000, timeoutMsg: 'the app asked nothing' });
  return JSON.parse(readFileSync(app.openLog, 'utf8').trim().split('\n')[before]);
}

/** Clicks the navigation's `nav-<view>` and returns the element `selector` once it is displayed. */
export async function openView(browser, view, selector, timeout = 10_000) {
  await (await browser.$(`[data-testid="nav-${view}"]`)).click();
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout });
  return el;
}

/** Waits for the input `selector`, empties it and types `value`; returns the input. */
export async function replaceValue(browser, selector, value) {
  const el = await browser.$(selector);
  await el.waitForDisplayed();
  await el.clearValue();
  await el.setValue(value);
  return el;
}

/** Replaces the contact search's text (`#search`) with `query` (nothing typed for an empty one). */
export async function searchContacts(browser, query) {
  const box = await browser.$('#search');
  await box.click();
  await box.clearValue();
  if (query) await box.setValue(query);
}

/** Types each value into the input whose id is its key, in the order given. */
export async function fillIn(browser, values) {
  for (const [id, value] of Object.entries(values)) await (await browser.$(`#${id}`)).setValue(value);
}

/** Saves the contact form and waits until the contact's detail is headed `name`. */
export async function saveContact(browser, name) {
  await (await browser.$('[data-testid="save"]')).click();
  const heading = await browser.$('[data-testid="detail-name"]');
  await heading.waitUntil(async () => (await heading.getText()) === name, { timeout: 10_000 });
}

/**
 * Edits the open contact's role in the form and saves; waits until the CLI, reading the same
 * file, finds the contact searched by `query` with that role. When the form asks "Korrektur oder
 * Wechsel der Stelle?" (the contact had a role), `answer` is clicked: `correction` or `change`.
 */
export async function changeRole(app, query, role, answer = 'correction') {
  await (await app.browser.$('[data-testid="edit"]')).click();
  await replaceValue(app.browser, '#role', role);
  await (await app.browser.$('[data-testid="save"]')).click();
  const dialog = await app.browser.$('[data-testid="role-change-dialog"]');
  const saved = () => cli(app.db, 'contacts', 'search', query)[0]?.role === role;
  await app.browser.waitUntil(async () => saved() || (await dialog.isDisplayed()), { timeout: 10_000 });
  if (await dialog.isDisplayed()) await (await app.browser.$(`[data-testid="role-${answer}"]`)).click();
  await app.browser.waitUntil(saved, { timeout: 10_000 });
}

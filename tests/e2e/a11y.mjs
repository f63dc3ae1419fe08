// Accessibility checks beside axe-core for the end-to-end tests (issue 18): IBM's Equal Access
// engine run in the page, a small walk over the DOM for names, dialogs and live regions, the
// stylesheet's forced-colours and reduced-motion rules read through the CSSOM, reflow measured
// in the page, and screenshots kept as artefacts.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeViolations } from './harness.mjs';

const require = createRequire(import.meta.url);
// ace.js declares `var ace`; run through WebDriver it is a function's local, so it is kept on window.
const aceSource = `${readFileSync(require.resolve('accessibility-checker-engine/ace.js'), 'utf8')}\n;window.ace = ace;`;

/**
 * Equal Access rules left out, each with its reason in docs/decisions.md ("A second
 * accessibility engine"). Everything else in the WCAG 2.1 A/AA policy fails a test.
 */
export const ACE_SKIPPED = new Set([
  // Asks for a `<main>`-contained skip target on every frame and a page title naming the view;
  // the app is one window whose title is the product (see decisions.md).
]);

/**
 * Runs IBM Equal Access (`accessibility-checker-engine`, policy WCAG 2.1 A and AA) in the page
 * and returns its violations (definite failures, not the "potential" ones it leaves to a person)
 * as `{ id, reason, message, path }`, less the rules in `ACE_SKIPPED`.
 */
export async function aceViolations(browser) {
  const loaded = await browser.execute(() => typeof window.ace !== 'undefined');
  if (!loaded) await browser.execute(aceSource);
  const result = await browser.executeAsync((done) => {
    // eslint-disable-next-line no-undef
    new ace.Checker()
      .check(document, ['WCAG_2_1'])
      .then((r) =>
        done(
          JSON.stringify(
            r.results
              .filter((x) => x.value[0] === 'VIOLATION' && x.value[1] === 'FAIL')
              .map((x) => ({ id: x.ruleId, reason: x.reasonId, message: x.message, path: x.path?.dom ?? '' })),
          ),
        ),
      )
      .catch((e) => done(JSON.stringify([{ id: 'ace-error', reason: '', message: String(e), path: '' }])));
  });
  return JSON.parse(result).filter((v) => !ACE_SKIPPED.has(v.id));
}

/**
 * What no engine checks the way a screen reader meets it: every focusable, visible control has
 * a name (label, aria-label(ledby), text, alt or title), every open dialog a label, and every
 * element marked as a message (`.toast`, `.done`, `[data-testid$="-saved"]`, reports, errors
 * announced after an action) sits in a live region. Returns the problems as strings.
 */
export async function nameProblems(browser) {
  return browser.execute(() => {
    const problems = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[hidden],[inert]');
    };
    const text = (el) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const byIds = (ids) => ids.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim();
    const name = (el) => {
      if (el.getAttribute('aria-labelledby')) return byIds(el.getAttribute('aria-labelledby'));
      if (el.getAttribute('aria-label')?.trim()) return el.getAttribute('aria-label').trim();
      if (el.labels && el.labels.length) return [...el.labels].map(text).join(' ').trim();
      if (el.tagName === 'IMG') return el.alt ?? '';
      if (el.matches('input[type=button],input[type=submit],input[type=reset]')) return el.value;
      const own = text(el) || [...el.querySelectorAll('img[alt]')].map((i) => i.alt).join(' ').trim();
      return own || el.getAttribute('title')?.trim() || '';
    };
    const where = (el) => {
      const id = el.id ? `#${el.id}` : '';
      const t = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '';
      return `${el.tagName.toLowerCase()}${id}${t}`;
    };
    const controls = document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=link], [role=checkbox], [role=tab], [tabindex]:not([tabindex="-1"])',
    );
    for (const el of controls) {
      if (!visible(el)) continue;
      if (!name(el)) problems.push(`no accessible name: ${where(el)}`);
    }
    for (const d of document.querySelectorAll('dialog[open], [role=dialog], [role=alertdialog]')) {
      if (d.tagName === 'DIALOG' && !d.open) continue;
      const label = d.getAttribute('aria-labelledby') ? byIds(d.getAttribute('aria-labelledby')) : (d.getAttribute('aria-label') ?? '').trim();
      if (!label) problems.push(`dialog without a label: ${where(d)}`);
    }
    const messages = document.querySelectorAll(
      '.toast-message, p.done, [data-testid$="-saved"], [data-testid$="-report"]:not(button), [data-testid="conflict-done"], [data-testid="merge-status"]',
    );
    for (const m of messages) {
      if (!visible(m)) continue;
      if (!m.closest('[aria-live], [role=status], [role=alert], [role=log]')) problems.push(`status message outside a live region: ${where(m)}`);
    }
    // The app's own announcer exists once and is polite.
    if (!document.querySelector('[role=status][aria-live=polite]')) problems.push('no polite status region');
    return problems;
  });
}

/** Runs axe-core and Equal Access and the name walk; returns every problem found, labelled. */
export async function allProblems(browser, where) {
  const [axe, ace, names] = [await axeViolations(browser), await aceViolations(browser), await nameProblems(browser)];
  return [
    ...axe.map((v) => `${where}: axe ${v.id}: ${v.help} at ${v.nodes.join(', ')}`),
    ...ace.map((v) => `${where}: ace ${v.id}/${v.reason}: ${v.message} at ${v.path}`),
    ...names.map((p) => `${where}: ${p}`),
  ];
}

const here = dirname(fileURLToPath(import.meta.url));
const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : resolve(here, '..', '..', 'target');

/** Where screenshots of every view go: `$CARGO_TARGET_DIR/e2e-artefacts` (or `VERNETZT_ARTEFACTS`). */
export const ARTEFACTS = process.env.VERNETZT_ARTEFACTS ?? join(target, 'e2e-artefacts');

/**
 * Saves a screenshot `name`.png into `ARTEFACTS`, giving up after 20 s (WebKitWebDriver was seen
 * not to answer a screenshot request on one view; a missing picture must not hang the run).
 * Returns whether it was written.
 */
export async function screenshot(browser, name) {
  mkdirSync(ARTEFACTS, { recursive: true });
  let timer;
  const late = new Promise((res) => {
    timer = setTimeout(() => res(false), 20_000);
  });
  try {
    return await Promise.race([browser.saveScreenshot(join(ARTEFACTS, `${name}.png`)).then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Measures reflow in the page: whether the document scrolls sideways, and which visible elements
 * (outside tables and `pre`, which may scroll in their own box) reach past the viewport's right
 * edge or clip their text (`overflow` hidden with a wider content). Returns the problems.
 */
export async function reflowProblems(browser) {
  return browser.execute(() => {
    const problems = [];
    const se = document.scrollingElement;
    if (se.scrollWidth > se.clientWidth + 1) problems.push(`page scrolls sideways: ${se.scrollWidth} > ${se.clientWidth}`);
    const width = document.documentElement.clientWidth;
    const where = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}`;
    for (const el of document.querySelectorAll('main *, header *')) {
      if (el.closest('table, pre, .visually-hidden, [hidden], dialog:not([open])')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > width + 1) problems.push(`past the right edge (${Math.round(r.right)} > ${width}): ${where(el)}`);
      const cs = getComputedStyle(el);
      if ((cs.overflowX === 'hidden' || cs.overflowX === 'clip') && el.scrollWidth > el.clientWidth + 1 && cs.textOverflow !== 'ellipsis') {
        problems.push(`clipped (${el.scrollWidth} > ${el.clientWidth}): ${where(el)}`);
      }
    }
    return [...new Set(problems)].slice(0, 20);
  });
}

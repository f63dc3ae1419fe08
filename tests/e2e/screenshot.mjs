// Screenshots of the real release app on a showcase demo database. Not a test (no assertions);
// `scripts/screenshot.sh` runs it under Xvfb.
// Usage: node screenshot.mjs OUT.png [view]     one view (default "events"), German
//        node screenshot.mjs --all DIR          every view, German and English, into DIR
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, cli } from './harness.mjs';

// Not the privacy view: WebKitWebDriver's screenshot request never answers there (seen
// 2026-12-03; the view itself responds and passes its end-to-end tests).
const VIEWS = ['contacts', 'events', 'duplicates', 'settings'];
const args = process.argv.slice(2);
const all = args[0] === '--all';

async function show(browser, view) {
  const nav = await browser.$(`[data-testid="nav-${view}"]`);
  await nav.waitForClickable({ timeout: 20_000 });
  await nav.click();
  if (view === 'events') {
    // Open the next OZG-Erfahrungsaustausch, so the detail shows beside the list.
    const search = await browser.$('#event-search');
    await search.waitForExist({ timeout: 10_000 });
    await search.setValue('Erfahrungsaustausch');
    await browser.pause(500);
    const row = await browser.$('button[data-testid="event-row"]');
    if (await row.isExisting()) await row.click();
  }
  await browser.pause(1000);
}

async function setLanguage(browser, lang) {
  await show(browser, 'settings');
  await (await browser.$('#language')).selectByAttribute('value', lang);
  await browser.pause(500);
}

const app = await startApp({ seed: (db) => cli(db, 'demo') });
try {
  const { browser } = app;
  await browser.setWindowSize(1280, 800);
  if (all) {
    const dir = args[1] ?? 'screenshots';
    mkdirSync(dir, { recursive: true });
    for (const lang of ['de', 'en']) {
      await setLanguage(browser, lang);
      for (const view of VIEWS) {
        await show(browser, view);
        await browser.saveScreenshot(join(dir, `${view}-${lang}.png`));
      }
    }
    console.log(`screenshots: ${dir}`);
  } else {
    const [out = 'screenshot.png', view = 'events'] = args;
    await show(browser, view);
    await browser.saveScreenshot(out);
    console.log(`screenshot: ${out}`);
  }
} finally {
  await app.stop();
}

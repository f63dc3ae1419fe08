// Takes the README's screenshot: the real release app on a showcase demo database, in the events
// view with an event open. Not a test (no assertions); `scripts/screenshot.sh` runs it under Xvfb.
// Usage: node screenshot.mjs OUT.png [view]   (view: a nav test id suffix, default "events")
import { startApp, cli } from './harness.mjs';

const [out = 'screenshot.png', view = 'events'] = process.argv.slice(2);
const app = await startApp({ seed: (db) => cli(db, 'demo') });
try {
  const { browser } = app;
  await browser.setWindowSize(1280, 800);
  const nav = await browser.$(`[data-testid="nav-${view}"]`);
  await nav.waitForClickable({ timeout: 20_000 });
  await nav.click();
  if (view === 'events') {
    // Open the next OZG-Erfahrungsaustausch, so the detail (attendance, series) shows beside the
    // list.
    const search = await browser.$('#event-search');
    await search.waitForExist({ timeout: 10_000 });
    await search.setValue('Erfahrungsaustausch');
    await browser.pause(500);
    const row = await browser.$('button[data-testid="event-row"]');
    if (await row.isExisting()) await row.click();
  }
  await browser.pause(1500);
  await browser.saveScreenshot(out);
  console.log(`screenshot: ${out}`);
} finally {
  await app.stop();
}

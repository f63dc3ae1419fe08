// The Debian package, installed into this machine (as root, as CI runs): the app and the CLI on
// the PATH, the menu entry with the icon, and the file and link handlers the desktop uses. The
// installed app is started under WebDriver; `xdg-open` then opens a .vcf file and a webcal://
// link, which go through the desktop entry (`vernetzt-app %U`) to a second launch that hands
// them to the window already open. At the end the package is removed and every file it brought
// must be gone. Run by scripts/test.sh with VERNETZT_DEB (the package's path), under Xvfb and a
// private D-Bus session (the one-instance handover uses it); not part of `npm test`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEB = process.env.VERNETZT_DEB;
if (!DEB) throw new Error('VERNETZT_DEB must name the package (scripts/package-deb.sh prints it)');
// The installed binaries, for the harness (read when it is imported).
process.env.VERNETZT_APP = '/usr/bin/vernetzt-app';
process.env.VERNETZT_CLI = '/usr/bin/vernetzt';
// The database's key from a passphrase, so no keyring is needed (the second launches get it too).
process.env.VERNETZT_DB_PASSPHRASE = 'Handler-Test-42';
const { startApp, killLeftoverApp } = await import('./harness.mjs');

// A timeout, so a launch that does not hand over (and stays open) fails the test, not hangs it.
const run = (cmd, args, env) =>
  execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

/** dpkg's status of the package ('installed', …), or '' when dpkg does not know it. */
function packageStatus() {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${db:Status-Status}', 'vernetzt'], { encoding: 'utf8', stdio: 'pipe' });
  } catch {
    return '';
  }
}

const CARD = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grete Öffner\r\nN:Öffner;Grete;;;\r\nEMAIL:grete@land.example\r\nEND:VCARD\r\n';
const TWO = `${CARD}BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jan Zweiter\r\nEND:VCARD\r\n`;

describe('the installed Debian package', () => {
  let app;
  let files = [];
  const dir = mkdtempSync(join(tmpdir(), 'vernetzt-deb-'));
  // xdg-open's own lookups: no desktop environment, no user defaults, no browser to fall back to.
  const desktop = {
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CURRENT_DESKTOP: '',
    DESKTOP_SESSION: '',
    BROWSER: 'false',
  };

  before(() => {
    run('apt-get', ['install', '-y', '-q', DEB]);
    files = run('dpkg', ['-L', 'vernetzt']).split('\n').filter((f) => f && !statSync(f).isDirectory());
  });

  after(async () => {
    await app?.stop();
    if (app) killLeftoverApp(app.db);
    // A failed step before the last one leaves the package installed: remove it all the same.
    if (packageStatus() === 'installed') {
      run('apt-get', ['remove', '-y', '-q', 'vernetzt']);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs the app, the CLI on the PATH, the menu entry with its icon and the handlers', () => {
    for (const f of [
      '/usr/bin/vernetzt-app',
      '/usr/bin/vernetzt',
      '/usr/share/applications/vernetzt.desktop',
      '/usr/share/icons/hicolor/128x128/apps/vernetzt.png',
    ]) {
      assert.ok(files.includes(f), `${f} in the package`);
    }
    assert.equal(run('sh', ['-c', 'command -v vernetzt']).trim(), '/usr/bin/vernetzt');
    assert.match(run('vernetzt', ['--version']), /vernetzt/i);
    const depends = run('dpkg-query', ['-W', '-f=${Depends}', 'vernetzt']);
    for (const lib of ['libwebkit2gtk-4.1-0', 'libgtk-3-0', 'libc6']) assert.match(depends, new RegExp(lib));
    // What xdg-open will ask: the desktop database (built by the package's trigger) names us.
    for (const type of ['text/vcard', 'text/x-vcard', 'text/calendar', 'x-scheme-handler/webcal']) {
      assert.equal(run('xdg-mime', ['query', 'default', type], desktop).trim(), 'vernetzt.desktop', type);
    }
  });

  it('opens a card file given at launch in the import preview', async () => {
    const card = join(dir, 'Grete Öffner.vcf');
    writeFileSync(card, CARD);
    app = await startApp({ args: [card] });
    const cards = await app.browser.$('[data-testid="import-cards"]');
    await cards.waitForDisplayed({ timeout: 30_000 });
    assert.match(await cards.getText(), /1 Kontakt kann/);
    assert.match(await (await app.browser.$('[data-testid="import-opened"]')).getText(), /Grete Öffner\.vcf/);
    await app.browser.keys('Escape');
    await (await app.browser.$('[data-testid="import-dialog"]')).waitForDisplayed({ reverse: true });
  });

  it('xdg-open of a webcal link fills the running window\'s feed form with its https address', async () => {
    const env = { ...desktop, VERNETZT_DB: app.db };
    run('xdg-open', ['webcal://127.0.0.1:8765/ozg/feed.ics'], env);
    const url = await app.browser.$('#feed-url');
    await url.waitForDisplayed({ timeout: 20_000 });
    await url.waitUntil(async () => (await url.getValue()) === 'https://127.0.0.1:8765/ozg/feed.ics', {
      timeout: 10_000,
      timeoutMsg: 'the feed form was not filled with the link',
    });
  });

  it('xdg-open of a .vcf file shows its import preview in the running window', async () => {
    const env = { ...desktop, VERNETZT_DB: app.db };
    const two = join(dir, 'zwei.vcf');
    writeFileSync(two, TWO);
    run('xdg-open', [two], env);
    const cards = await app.browser.$('[data-testid="import-cards"]');
    await cards.waitForDisplayed({ timeout: 20_000 });
    await cards.waitUntil(async () => /2 Kontakte können/.test(await cards.getText()), { timeout: 10_000 });
    assert.match(await (await app.browser.$('[data-testid="import-opened"]')).getText(), /zwei\.vcf/);
    // The second launches handed over and ended (xdg-open waited for them): none is left.
    let left = '';
    try {
      left = execFileSync('pgrep', ['-af', 'vernetzt-app (webcal|.*zwei)'], { encoding: 'utf8' }).trim();
    } catch {
      // pgrep found none
    }
    assert.equal(left, '', 'no second app process is left');
  });

  it('is removed without leaving a file behind', async () => {
    await app.stop();
    killLeftoverApp(app.db);
    app = null;
    run('apt-get', ['remove', '-y', '-q', 'vernetzt']);
    const status = packageStatus();
    assert.ok(['', 'not-installed'].includes(status), `package status after removal: ${status}`);
    const left = files.filter((f) => existsSync(f));
    assert.deepEqual(left, [], 'files left after removal');
    assert.notEqual(run('xdg-mime', ['query', 'default', 'text/vcard'], desktop).trim(), 'vernetzt.desktop');
  });
});

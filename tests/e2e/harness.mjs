// Starts the real built app under tauri-driver (WebKitWebDriver) and hands back a WebDriver
// session. Run inside an X server (xvfb-run). Every run gets fresh ports and a fresh home for
// WebKit's data, and tauri-driver is stopped with SIGTERM (SIGKILL leaves WebKitWebDriver holding
// its port, and the next run hangs).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { remote } from 'webdriverio';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, 'target');

/** The built app and CLI (release build with the custom-protocol feature). */
export const APP = process.env.VERNETZT_APP ?? join(target, 'release', 'vernetzt-app');
export const CLI = process.env.VERNETZT_CLI ?? join(target, 'release', 'vernetzt');

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

// Waits until tauri-driver accepts connections. (Asking its /status before WebKitWebDriver is up
// makes it print a long backtrace, so only the TCP port is probed.)
async function waitForPort(port, ms, what = 'tauri-driver') {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const up = await new Promise((res) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.end();
        res(true);
      });
      sock.once('error', () => res(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on port ${port} within ${ms} ms`);
}

/** Runs the CLI against `db` and returns its parsed JSON output. */
export function cli(db, ...args) {
  const out = execFileSync(CLI, ['--db', db, '--json', ...args], { encoding: 'utf8' });
  return JSON.parse(out);
}

/** Like `cli`, with `input` on the CLI's stdin (for commands that read a password there). */
export function cliWithInput(db, input, ...args) {
  const out = execFileSync(CLI, ['--db', db, '--json', ...args], { encoding: 'utf8', input });
  return JSON.parse(out);
}

/**
 * Starts a real Radicale (CardDAV/CalDAV) from the tests' virtualenv on a free 127.0.0.1 port,
 * with the one user `user:password` (plain htpasswd), storing into `dir`. Returns
 * `{ url, user, password, stop }`.
 */
export async function startRadicale(dir, { user = 'anna', password = 'Geheim-42' } = {}) {
  const python = execFileSync(join(root, 'tests', 'python', 'ensure-venv.sh'), { encoding: 'utf8' }).trim();
  const port = await freePort();
  const base = join(dir, 'radicale');
  mkdirSync(base, { recursive: true });
  writeFileSync(join(base, 'users'), `${user}:${password}\n`);
  writeFileSync(
    join(base, 'config'),
    [
      '[server]', `hosts = 127.0.0.1:${port}`, 'max_content_length = 100000000',
      '[auth]', 'type = htpasswd', `htpasswd_filename = ${join(base, 'users')}`, 'htpasswd_encryption = plain',
      '[rights]', 'type = owner_only',
      '[storage]', 'type = multifilesystem', `filesystem_folder = ${join(base, 'collections')}`,
      '[web]', 'type = none',
      '[logging]', 'level = warning', '',
    ].join('\n'),
  );
  const child = spawn(python, ['-m', 'radicale', '--config', join(base, 'config')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await waitForPort(port, 30_000, 'radicale');
  } catch (e) {
    child.kill('SIGTERM');
    throw e;
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      // Radicale waits for open connections on SIGTERM; do not wait for them long.
      const late = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(late);
    }
    await exited;
  };
  return { url: `http://127.0.0.1:${port}/`, user, password, stop };
}

/**
 * Ends an app on `db` that outlived its WebDriver session (Linux: found by its command line).
 * A live orphan keeps the test runner's output pipe open, and the runner then never finishes.
 */
export function killLeftoverApp(db) {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let argv;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv[0]?.endsWith('vernetzt-app') && argv.includes(db)) {
      try {
        process.kill(Number(pid), 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Starts the app on a fresh database (seeded by `seed(db)` if given) and returns
 * `{ browser, db, home, openLog, stop }`. WebDriver cannot answer the dialog of the operating
 * system that asks before a link opens, so the app writes each such question to `openLog`
 * (`VERNETZT_OPEN_LOG`) and opens nothing. `args` follow `--db DB` on the app's command line.
 */
export async function startApp({ seed, args = [] } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'vernetzt-e2e-'));
  const db = join(home, 'vernetzt.db');
  const openLog = join(home, 'open-questions.jsonl');
  if (seed) seed(db);
  const port = await freePort();
  const nativePort = await freePort();
  const env = {
    ...process.env,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    VERNETZT_OPEN_LOG: openLog,
  };
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((r) => driver.once('exit', r));
  await waitForPort(port, 20_000);
  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'warn',
    connectionRetryTimeout: 60_000,
    capabilities: { 'tauri:options': { application: APP, args: ['--db', db, ...args] } },
  });
  const stop = async () => {
    try {
      await browser.deleteSession();
    } catch {
      // the app may already be gone
    }
    driver.kill('SIGTERM');
    await exited;
    // A session whose first request failed under load (seen: "connection refused" from
    // WebKitWebDriver, then a retry) can leave the app of the failed try running.
    killLeftoverApp(db);
  };
  return { browser, db, home, openLog, stop };
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page and returns its violations. */
export async function axeViolations(browser) {
  await browser.execute(axeSource);
  const result = await browser.executeAsync((done) => {
    // eslint-disable-next-line no-undef
    axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => done(JSON.stringify(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })))))
      .catch((e) => done(JSON.stringify([{ id: 'axe-error', help: String(e), nodes: [] }])));
  });
  return JSON.parse(result);
}

/**
 * Sets an input's value as a picker or a paste would (one `input` and one `change` event), for
 * date and time inputs, whose typing rules differ between WebKit versions.
 */
export async function setInputValue(browser, selector, value) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 10_000 });
  await browser.execute(
    (node, v) => {
      node.value = v;
      node.dispatchEvent(new Event('input', { bubbles: true }));
      node.dispatchEvent(new Event('change', { bubbles: true }));
    },
    el,
    value,
  );
}

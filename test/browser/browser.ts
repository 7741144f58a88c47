/**
 * Shared setup for browser tests: the system Chromium (Debian's `chromium` package) driven by
 * playwright-core, and a fresh build of web/ when its sources changed.
 *
 * Without /usr/bin/chromium the browser tests are skipped with a notice, unless
 * VIGIL_TEST_REQUIRE_BROWSER=1, which turns the absence into a failure (CI sets it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM_PATH = process.env.VIGIL_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const REQUIRE_BROWSER = process.env.VIGIL_TEST_REQUIRE_BROWSER === '1';
export const HAVE_BROWSER = existsSync(CHROMIUM_PATH);
export const SKIP_REASON = `Browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set VIGIL_TEST_CHROMIUM). Set VIGIL_TEST_REQUIRE_BROWSER=1 to fail instead.`;
export const MISSING_REASON = `VIGIL_TEST_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set VIGIL_TEST_CHROMIUM).`;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Builds web/dist when it is missing or older than web/ sources. Runs the build script in a child
 * process (so the test runner's environment cannot leak into Vite), under a lock directory so
 * parallel test files never build at the same time.
 */
export async function ensureWebBuilt(): Promise<void> {
  const lock = join(ROOT, 'web', '.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes is left over from a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--if-stale', '--quiet'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } finally {
    rmdirSync(lock);
  }
}

/** Waits until the locator is visible (playwright-core has no auto-waiting expect). */
export async function visible(locator: Locator, timeout = 10_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** Waits until the locator is gone or hidden. */
export async function hidden(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout });
}

/** Waits until the page's path is `path`. */
export async function onPath(page: Page, path: string, timeout = 10_000): Promise<void> {
  await page.waitForURL((u) => u.pathname + u.search === path || u.pathname === path, { timeout });
}

/** Saves a full-page screenshot to /tmp/vigil-<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = `/tmp/vigil-${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Polls `fn` until it returns a truthy value (background work: Slack, email, jobs; slow machines). */
export async function until<T>(fn: () => Promise<T | undefined | null | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Without Chromium a browser test file is skipped with a notice, or fails with one test that says why
 * when VIGIL_TEST_REQUIRE_BROWSER=1 (CI).
 */
export function reportMissingBrowser(title: string): void {
  if (HAVE_BROWSER) return;
  if (!REQUIRE_BROWSER) {
    console.warn(`\n[vigil] ${SKIP_REASON}\n`);
    return;
  }
  describe(title, () => {
    it('needs Chromium (VIGIL_TEST_REQUIRE_BROWSER=1)', () => {
      throw new Error(MISSING_REASON);
    });
  });
}

/**
 * A fresh context and page on the app, collecting uncaught page errors and console errors (a CSP
 * violation is one) so a test can assert there were none. Failed resource loads are left out: tests
 * provoke 4xx answers on purpose.
 */
export async function openPage(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1360, height: 900 }, locale: 'en-US', ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text());
  });
  return { context, page, errors };
}

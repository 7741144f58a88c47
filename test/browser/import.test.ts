/**
 * Moving from OpsGenie in the web app: an admin enters the OpsGenie API key in Settings › Import (a
 * refused key is said so), sees the plan (what will be created, what cannot be imported and why, what
 * each person has to confirm) while nothing changes yet, applies it with the steps' progress shown,
 * and reads the verification: Vigil and OpsGenie agree on who is on call at every hand-off and every
 * 15 minutes. A responder has no Import tab, and the import routes refuse them.
 *
 * Real server (SQLite) on the real clock, the fake OpsGenie API (test/fakes/opsgenie-api.ts); real
 * built web/dist, headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startFakeOpsGenie, type FakeOpsGenie } from '../fakes/opsgenie-api.js';
import { ensureWebBuilt, HAVE_BROWSER, launchBrowser, onPath, openPage, reportMissingBrowser, screenshot, visible } from './browser.js';

reportMissingBrowser('web UI: import');

describe.skipIf(!HAVE_BROWSER)('web UI: import', () => {
  let app: TestApp;
  let browser: Browser;
  let og: FakeOpsGenie;

  beforeAll(async () => {
    await ensureWebBuilt();
    [app, browser, og] = await Promise.all([startTestApp({ dialect: 'sqlite' }), launchBrowser(), startFakeOpsGenie()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await og?.close();
  });

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto('/');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  const count = async (path: string): Promise<number> => (await app.api('GET', path)).body.data.length;

  it('plans an OpsGenie import, applies it with its progress, and shows that both agree on who is on call', { timeout: 240_000 }, async () => {
    const { context, page, errors } = await openPage(browser, app.baseUrl);
    const answers: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/v1/imports')) void r.text().then((t) => answers.push(t), () => undefined);
    });
    await signIn(page, app.adminEmail, app.adminPassword);
    await page.goto('/settings');
    await page.getByRole('link', { name: 'Import' }).click();
    await onPath(page, '/settings/import');

    // A refused key is said so, and nothing was planned.
    await page.getByLabel('OpsGenie API key').fill('not-the-key');
    await page.getByLabel('API URL (optional)').fill(og.url);
    await page.getByRole('button', { name: 'Plan the import' }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'OpsGenie refused the key' }));

    // The plan: 7 users + 6 people's contact methods + 4 teams + 4 schedules + 4 policies + 5 services.
    const before = { users: await count('/api/v1/users?includeInactive=true'), schedules: await count('/api/v1/schedules') };
    await page.getByLabel('OpsGenie API key').fill(og.apiKey);
    await page.getByLabel('Weeks to verify').fill('1');
    // One week exactly (the CLI's tests verify across the clock change).
    await page.getByLabel(/Also verify across the next clock change/).uncheck();
    await page.getByRole('button', { name: 'Plan the import' }).click();
    const summary = await visible(page.getByRole('status', { name: 'Plan summary' }), 60_000);
    expect(await summary.textContent()).toContain('30 to create, 0 to change, 0 unchanged');
    const planned = page.getByRole('table', { name: 'Planned changes' });
    await visible(planned.getByRole('row').filter({ hasText: 'platform-on-call' }));
    expect(await planned.getByRole('row').filter({ hasText: 'Create' }).count()).toBe(30);
    await visible(page.getByRole('list', { name: 'Not imported' }).getByText('disabled in OpsGenie'));
    await visible(page.getByRole('list', { name: 'Different in Vigil' }).getByText(/notification rule "P1 only"/).first());
    await visible(page.getByRole('list', { name: 'Per person' }).getByText(/ada@acme\.example.*confirm SMS \+4915112345678 \(imported\)/));
    await screenshot(page, 'import-plan');
    expect({ users: await count('/api/v1/users?includeInactive=true'), schedules: await count('/api/v1/schedules') }).toEqual(before);

    // Apply: the steps show as they run, with a bar for the one running.
    await page.getByRole('button', { name: 'Apply the import' }).click();
    await visible(page.getByRole('heading', { name: 'Applying the import' }));
    const bar = await visible(page.getByRole('progressbar', { name: /^Verifying / }), 60_000);
    expect(Number(await bar.getAttribute('aria-valuemax'))).toBeGreaterThanOrEqual(7 * 96);
    expect(Number(await bar.getAttribute('aria-valuemax'))).toBeLessThan(8 * 96);
    await screenshot(page, 'import-applying');

    // The verification report.
    const result = await visible(page.getByRole('status', { name: 'Verification result' }), 200_000);
    expect(await result.textContent()).toMatch(/Vigil and OpsGenie agree on who is on call: 4 schedule\(s\) checked at \d+ instants/);
    await visible(page.getByRole('status', { name: 'Applied' }).filter({ hasText: 'Applied: 30 created, 0 changed' }));
    const verified = page.getByRole('table', { name: 'Schedules verified' });
    expect(await verified.getByRole('row').count()).toBe(1 + 4);
    expect(await verified.getByText('Same').count()).toBe(4);
    await visible(page.getByRole('heading', { name: 'Import applied' }));
    await screenshot(page, 'import-verified');

    expect(await count('/api/v1/schedules')).toBe(before.schedules + 4);
    expect((await app.api('GET', '/api/v1/users/ada@acme.example')).status).toBe(200);
    // The key went to OpsGenie only: no answer of the run holds it.
    expect(answers.length).toBeGreaterThan(2);
    for (const a of answers) expect(a).not.toContain(og.apiKey);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers no import to a responder, and the routes refuse them', { timeout: 60_000 }, async () => {
    const ray = { name: 'Ray Okafor', email: 'ray@example.com', password: 'ray-first-password', role: 'responder' };
    expect((await app.api('POST', '/api/v1/users', { body: ray })).status).toBe(201);
    const { context, page, errors } = await openPage(browser, app.baseUrl);
    await signIn(page, ray.email, ray.password);
    await page.goto('/settings/account');
    await visible(page.getByRole('link', { name: 'Account' }));
    expect(await page.getByRole('link', { name: 'Import' }).count()).toBe(0);
    const res = await page.evaluate(async () => {
      const r = await fetch('/api/v1/imports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'opsgenie', apiKey: 'x', apply: false }) });
      return r.status;
    });
    expect(res).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  });
});

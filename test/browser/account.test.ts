/**
 * Your account in the web app: a responder changes their password in Settings › Account (a wrong
 * current password is refused, naming the field), then signs in with the new one. An admin sees on
 * Users & Teams which accounts are locked after failed sign-ins, and unlocks one. Every page is
 * served with the Content-Security-Policy and runs under it without a violation.
 *
 * Real server (SQLite) on the real clock; real built web/dist, headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, launchBrowser, onPath, screenshot, visible, hidden, reportMissingBrowser, openPage } from './browser.js';

reportMissingBrowser('web UI: account');

const RAY = { name: 'Ray Okafor', email: 'ray@example.com', password: 'ray-first-password' };
const NEW_PASSWORD = 'ray-second-password';

describe.skipIf(!HAVE_BROWSER)('web UI: account', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    browser = await launchBrowser();
    app = await startTestApp({ dialect: 'sqlite' });
    expect((await app.api('POST', '/api/v1/users', { body: { ...RAY, role: 'responder' } })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const newPage = () => openPage(browser, app.baseUrl);

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    const res = await page.goto('/');
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res?.headers()['x-content-type-options']).toBe('nosniff');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  it('changes your own password with the current one', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, RAY.email, RAY.password);
    await page.goto('/settings/account');
    await onPath(page, '/settings/account');
    await visible(page.getByText(`Signed in as ${RAY.email}`));

    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await visible(page.getByText('that is not your current password'));

    await page.getByLabel('Current password').fill(RAY.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Your password was changed.' }));
    await hidden(page.getByText('that is not your current password'));
    await screenshot(page, 'account-password-changed');
    expect(errors).toEqual([]);
    await context.close();

    const again = await newPage();
    await signIn(again.page, RAY.email, NEW_PASSWORD);
    expect(again.errors).toEqual([]);
    await again.context.close();
    expect((await app.api('POST', '/api/v1/auth/login', { token: null, body: { email: RAY.email, password: RAY.password } })).status).toBe(401);
  });

  it('shows admins the accounts locked after failed sign-ins, and unlocks them', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 10; i++) await app.api('POST', '/api/v1/auth/login', { token: null, body: { email: RAY.email, password: `guess-${i}-guess` } });
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword);
    await page.goto('/users');
    const banner = await visible(page.getByRole('status', { name: 'Sign-in lockouts' }));
    expect(await banner.textContent()).toContain(RAY.email);
    await screenshot(page, 'account-lockouts');
    await banner.getByRole('button', { name: `Unlock ${RAY.email}` }).click();
    await hidden(page.getByRole('status', { name: 'Sign-in lockouts' }));
    expect((await app.api('POST', '/api/v1/auth/login', { token: null, body: { email: RAY.email, password: NEW_PASSWORD } })).status).toBe(200);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('serves the API reference under its own policy, never framed', async () => {
    const res = await fetch(`${app.baseUrl}/api/docs/static/index.html`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const { context, page, errors } = await newPage();
    await page.goto('/api/docs');
    await visible(page.getByText('Vigil API').first(), 20_000);
    // Its scripts run under the policy (swagger-ui's own inline styles are refused, harmlessly).
    expect(errors.filter((e) => /Content Security Policy|Refused/.test(e) && /script/i.test(e))).toEqual([]);
    await context.close();
  });
});

/**
 * Permissions in the web UI: an admin reads the audit log (who changed a service, before and
 * after); a plain responder outside the owning team browses services, schedules and settings
 * without a broken page, and sees no audit log.
 * Real server (SQLite), real built web/dist, headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, launchBrowser, onPath, visible } from './browser.js';

describe.skipIf(!HAVE_BROWSER)('permissions in the web UI', () => {
  let app: TestApp;
  let browser: Browser;
  const PASSWORD = 'responder-password-1';
  let responderEmail: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    [app, browser] = await Promise.all([startTestApp({ dialect: 'sqlite' }), launchBrowser()]);
    const lead = await app.createUserWithToken('responder', 'lena@example.com');
    const otto = await app.createUserWithToken('responder', 'otto@example.com');
    responderEmail = otto.email;
    await app.vigil.core.uow.run(async (r) => r.users.setPasswordHash(otto.id, await app.vigil.core.passwords.hash(PASSWORD)));
    const team = await app.api('POST', '/api/v1/teams', { body: { name: 'Payments', leadUserId: lead.id } });
    expect((await app.api('POST', '/api/v1/services', { token: lead.token, body: { name: 'Payments API', slug: 'payments-api', teamId: team.body.id, description: 'first' } })).status).toBe(201);
    expect((await app.api('PUT', '/api/v1/services/payments-api', { token: lead.token, body: { name: 'Payments API', slug: 'payments-api', teamId: team.body.id, description: 'second' } })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signedIn(email: string, password: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: app.baseUrl, viewport: { width: 1360, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto('/');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await onPath(page, '/');
    return { page, errors };
  }

  it('shows an admin who changed the service, with the object before and after', async () => {
    const { page, errors } = await signedIn(app.adminEmail, app.adminPassword);
    await page.goto('/settings/audit');
    const table = await visible(page.getByRole('table', { name: 'Configuration changes' }));
    const row = table.getByRole('row').filter({ hasText: 'service.updated' });
    await visible(row);
    expect(await row.textContent()).toContain('lena');
    await row.getByRole('button', { name: 'Before / after' }).click();
    const diff = await visible(page.locator('.audit-diff'));
    expect(await diff.textContent()).toMatch(/"description": "first"[\s\S]*"description": "second"/);
    await page.getByRole('searchbox', { name: 'Text' }).fill('nothing-like-this');
    await page.getByRole('button', { name: 'Search' }).click();
    await visible(page.getByText('No changes match'));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets a plain responder browse without a broken page, and shows no audit log', async () => {
    const { page, errors } = await signedIn(responderEmail, PASSWORD);
    for (const path of ['/services', '/services/payments-api', '/schedules', '/escalation-policies', '/users', '/teams', '/settings/notifications']) {
      await page.goto(path);
      await visible(page.locator('h1').first());
    }
    await page.goto('/settings/tokens');
    await visible(page.getByRole('link', { name: 'API tokens' }));
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto('/settings/audit');
    await visible(page.getByText('Only admins can read the audit log'));
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

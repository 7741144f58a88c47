/**
 * The web app as a person uses it: sign in, look around, add people and a team, create an API
 * token, sign out. Real server (SQLite), real built web/dist, headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, onPath, screenshot, visible, reportMissingBrowser } from './browser.js';

reportMissingBrowser('web UI');

const NAV_AREAS = ['Home', 'Schedules', 'Alerts', 'Services', 'Incidents', 'Post-mortems', 'Shift reports', 'Triage', 'Backlog', 'Users & Teams', 'Settings'];

describe.skipIf(!HAVE_BROWSER)('web UI', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    [app, browser] = await Promise.all([startTestApp({ dialect: 'sqlite' }), launchBrowser()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: app.baseUrl, viewport: { width: 1360, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text());
    });
    // Surface uncaught page errors in the test that caused them.
    (page as Page & { jsErrors: string[] }).jsErrors = errors;
    return { context, page };
  }

  const jsErrors = (page: Page): string[] => (page as Page & { jsErrors: string[] }).jsErrors;

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('shows the sign-in page, and the server error for a wrong password', async () => {
    const { context, page } = await newPage();
    await page.goto('/');
    await onPath(page, '/login');
    await visible(page.getByRole('heading', { name: 'Sign in' }));
    await screenshot(page, 'signin');

    await signIn(page, app.adminEmail, 'not-the-password');
    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toContain('Wrong email or password.');
    await screenshot(page, 'signin-error');
    // Still on the sign-in page, fields still there.
    await visible(page.getByLabel('Password'));
    expect(jsErrors(page)).toEqual([]);
    await context.close();
  });

  it('lets an admin add a user and a team, create an API token, and sign out', { timeout: 90_000 }, async () => {
    const { context, page } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });

    // Sign in and land on Home with the full navigation.
    await page.goto('/');
    await signIn(page, app.adminEmail, app.adminPassword);
    await visible(page.getByRole('heading', { name: 'Home', level: 1 }));
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const area of NAV_AREAS) await visible(nav.getByRole('link', { name: area, exact: true }));
    await visible(page.getByRole('heading', { name: 'Who is on call' }));
    await visible(page.getByText('Ada Admin').first());
    await screenshot(page, 'home');

    // Every area is a page; an unknown address says so and leads back.
    await nav.getByRole('link', { name: 'Incidents' }).click();
    await onPath(page, '/incidents');
    await visible(page.getByRole('heading', { level: 1, name: 'Incidents' }));
    await page.goto('/no-such-area');
    await visible(page.getByRole('heading', { name: 'There is nothing here' }));
    await screenshot(page, 'not-found');
    await page.getByRole('link', { name: 'Back to Home' }).click();
    await onPath(page, '/');

    // Users & Teams: add a user.
    await nav.getByRole('link', { name: 'Users & Teams' }).click();
    await onPath(page, '/users');
    await visible(page.getByRole('cell', { name: 'admin@example.com' }));
    await page.getByRole('button', { name: 'Add user' }).click();
    const userDialog = await visible(page.getByRole('dialog', { name: 'Add user' }));

    // A validation error from the server shows inline, next to the field it concerns.
    await userDialog.getByLabel('Name').fill('Grace Hopper');
    await userDialog.getByLabel('Email').fill('not-an-email');
    await userDialog.getByRole('button', { name: 'Add user' }).click();
    await visible(userDialog.getByText('is not an email address'));
    expect(await userDialog.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'user-dialog-error');

    await userDialog.getByLabel('Email').fill('grace@example.com');
    await userDialog.getByLabel('Role').selectOption({ label: 'Responder' });
    await userDialog.getByLabel('Time zone').selectOption('America/New_York');
    await userDialog.getByLabel('Phone').fill('+14155550123');
    await userDialog.getByLabel('Password', { exact: true }).fill('grace-secret-password');
    await userDialog.getByRole('button', { name: 'Add user' }).click();
    await hidden(userDialog);
    const graceRow = await visible(page.getByRole('row', { name: /Grace Hopper/ }));
    expect(await graceRow.textContent()).toContain('grace@example.com');
    expect(await graceRow.textContent()).toContain('America/New York');
    expect(await graceRow.textContent()).toContain('Responder');
    await screenshot(page, 'users');

    // Edit her role.
    await page.getByRole('button', { name: 'Edit Grace Hopper' }).click();
    const editDialog = await visible(page.getByRole('dialog', { name: 'Edit Grace Hopper' }));
    await editDialog.getByLabel('Time zone').selectOption('Europe/Paris');
    await editDialog.getByRole('button', { name: 'Save changes' }).click();
    await hidden(editDialog);
    await visible(page.getByRole('row', { name: /Grace Hopper/ }).getByText('Europe/Paris'));

    // Teams: create one with Grace as lead.
    await page.getByRole('navigation', { name: 'Users and teams' }).getByRole('link', { name: 'Teams' }).click();
    await onPath(page, '/teams');
    await visible(page.getByRole('heading', { name: 'No teams yet' }));
    await page.getByRole('button', { name: 'New team' }).click();
    const teamDialog = await visible(page.getByRole('dialog', { name: 'New team' }));
    await teamDialog.getByLabel('Team name').fill('Payments');
    await teamDialog.getByLabel('Description').fill('Card processing and payouts');
    await teamDialog.getByLabel('Team lead').selectOption({ label: 'Grace Hopper' });
    await teamDialog.getByRole('checkbox', { name: /Ada Admin/ }).check();
    await screenshot(page, 'team-dialog');
    await teamDialog.getByRole('button', { name: 'Create team' }).click();
    await hidden(teamDialog);
    const teamRow = await visible(page.getByRole('row', { name: /Payments/ }));
    const teamText = (await teamRow.textContent()) ?? '';
    expect(teamText).toContain('payments');
    expect(teamText).toContain('Grace Hopper');
    expect(teamText).toContain('Ada Admin');
    await screenshot(page, 'teams');

    // The API agrees.
    const teams = await app.api('GET', '/api/v1/teams');
    const payments = teams.body.data.find((t: { name: string }) => t.name === 'Payments');
    const users = await app.api('GET', '/api/v1/users');
    const grace = users.body.data.find((u: { email: string }) => u.email === 'grace@example.com');
    expect(grace).toMatchObject({ role: 'responder', timeZone: 'Europe/Paris', phone: '+14155550123' });
    expect(payments.leadUserId).toBe(grace.id);
    expect(payments.memberIds).toHaveLength(2);

    // Settings: create an API token; its secret shows once.
    await nav.getByRole('link', { name: 'Settings' }).click();
    await onPath(page, '/settings/tokens');
    await visible(page.getByRole('heading', { name: 'No API tokens yet' }));
    await page.getByRole('button', { name: 'Create token' }).click();
    const tokenDialog = await visible(page.getByRole('dialog', { name: 'Create API token' }));
    await tokenDialog.getByLabel('Token name').fill('Grafana alerts');
    await screenshot(page, 'token-dialog');
    await tokenDialog.getByRole('button', { name: 'Create token' }).click();
    await hidden(tokenDialog);
    const secretBox = await visible(page.getByLabel('New API token'));
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^vgl_/);
    await visible(page.getByText('you won’t be able to see it again'));
    await page.getByRole('button', { name: 'Copy' }).click();
    await visible(page.getByRole('button', { name: 'Copied' }));
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
    await visible(page.getByRole('row', { name: /Grafana alerts/ }));
    await screenshot(page, 'token-secret');

    // The secret works against the API.
    const me = await app.api('GET', '/api/v1/me', { token: secret });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('admin@example.com');

    // Once dismissed, it is gone for good (also after a reload).
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await hidden(page.getByLabel('New API token'));
    await page.reload();
    await visible(page.getByRole('row', { name: /Grafana alerts/ }));
    expect(await page.content()).not.toContain(secret);

    // Revoke it.
    await page.getByRole('button', { name: 'Revoke Grafana alerts' }).click();
    const revokeDialog = await visible(page.getByRole('dialog', { name: /Revoke/ }));
    await revokeDialog.getByRole('button', { name: 'Revoke token' }).click();
    await hidden(revokeDialog);
    await visible(page.getByRole('row', { name: /Grafana alerts/ }).getByText('Revoked'));
    expect((await app.api('GET', '/api/v1/me', { token: secret })).status).toBe(401);
    await screenshot(page, 'tokens');

    // Sign out: back to sign-in, and the session is gone.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await onPath(page, '/login');
    await visible(page.getByRole('heading', { name: 'Sign in' }));
    await page.goto('/users');
    await onPath(page, '/login?next=%2Fusers');
    await visible(page.getByRole('heading', { name: 'Sign in' }));

    // Signing in again returns to the page asked for.
    await signIn(page, app.adminEmail, app.adminPassword);
    await onPath(page, '/users');
    await visible(page.getByRole('row', { name: /Grace Hopper/ }));

    expect(jsErrors(page)).toEqual([]);
    await context.close();
  });

  it('hides write controls from a stakeholder', { timeout: 60_000 }, async () => {
    const created = await app.api('POST', '/api/v1/users', {
      body: { name: 'Sam Stakeholder', email: 'sam@example.com', role: 'stakeholder', password: 'sam-secret-password' },
    });
    expect(created.status).toBe(201);
    await app.api('POST', '/api/v1/teams', { body: { name: 'Platform', memberIds: [created.body.id] } });

    const { context, page } = await newPage();
    await page.goto('/users');
    await signIn(page, 'sam@example.com', 'sam-secret-password');
    await onPath(page, '/users');
    await visible(page.getByRole('row', { name: /Sam Stakeholder/ }));
    expect(await page.getByRole('button', { name: 'Add user' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);

    await page.getByRole('link', { name: 'Teams', exact: true }).click();
    await visible(page.getByRole('row', { name: /Platform/ }));
    expect(await page.getByRole('button', { name: 'New team' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Edit team/ }).count()).toBe(0);
    await screenshot(page, 'stakeholder-teams');

    // A stakeholder may still make a read-only token for themselves.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Create API token' }));
    expect(await dialog.getByRole('checkbox', { name: /Write/ }).isDisabled()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: /Read/ }).isChecked()).toBe(true);
    expect(jsErrors(page)).toEqual([]);
    await context.close();
  });
});

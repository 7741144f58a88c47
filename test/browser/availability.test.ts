/**
 * The sprint availability page: a team lead picks the team and the sprint window and sees who is
 * on call for how many hours (and so is not available for sprint work). With Jira off the page
 * says so and still shows the hours; with Jira on (a fake Jira board with one planted conflict) it
 * lists the conflict.
 *
 * Real servers (SQLite), real built web/dist, headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startFakeJira, type FakeJira } from '../fakes/jira.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, launchBrowser, onPath, screenshot, visible, reportMissingBrowser } from './browser.js';

reportMissingBrowser('web UI: sprint availability');

const D = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe.skipIf(!HAVE_BROWSER)('web UI: sprint availability', () => {
  let plain: TestApp;
  let withJira: TestApp;
  let jira: FakeJira;
  let browser: Browser;

  async function seed(app: TestApp, boards: number[]): Promise<void> {
    const ids: string[] = [];
    for (const [name, email] of [
      ['Gus Grant', 'gus@example.com'],
      ['Hal Hart', 'hal@example.com'],
    ]) {
      const res = await app.api('POST', '/api/v1/users', { body: { name, email, role: 'responder' } });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    expect((await app.api('POST', '/api/v1/teams', { body: { name: 'Payments', memberIds: ids, jiraBoardIds: boards } })).status).toBe(201);
    // Gus on call for the next 7 days (starting now), then Hal.
    const s = await app.api('POST', '/api/v1/schedules', {
      body: { name: 'Payments primary', teamId: 'payments', timeZone: 'UTC', layers: [{ name: 'Weekly', participants: ids, shift: { unit: 'week', length: 1 }, handoffTime: '09:00' }] },
    });
    expect(s.status).toBe(201);
  }

  beforeAll(async () => {
    await ensureWebBuilt();
    jira = await startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token' });
    [plain, withJira, browser] = await Promise.all([
      startTestApp({ dialect: 'sqlite' }),
      startTestApp({ dialect: 'sqlite', config: { jira: { baseUrl: jira.url, email: 'bot@example.com', apiToken: 'jira-token' } } }),
      launchBrowser(),
    ]);
    await seed(plain, []);
    await seed(withJira, [7]);
    const now = Date.now();
    jira.addBoard(7, 'Payments board');
    jira.addSprint(7, { id: 101, name: 'Sprint 1', state: 'active', startDate: new Date(now - D).toISOString(), endDate: new Date(now + 13 * D).toISOString() });
    jira.addIssue({ key: 'PAY-1', summary: 'Checkout redesign', sprintId: 101, assignee: { accountId: 'acc-gus', emailAddress: 'gus@example.com', displayName: 'Gus' } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([plain?.close(), withJira?.close(), jira?.close()]);
  });

  async function open(app: TestApp): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: app.baseUrl, viewport: { width: 1360, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text());
    });
    await page.goto('/');
    await page.getByLabel('Email').fill(app.adminEmail);
    await page.getByLabel('Password').fill(app.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sprint availability' }).click();
    await onPath(page, '/availability');
    return { context, page, errors };
  }

  it('without Jira: says Jira is off and shows who is on call for how many hours', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await open(plain);
    await visible(page.getByRole('heading', { name: 'Sprint availability', level: 1 }));
    await page.getByLabel('Team').selectOption({ label: 'Payments' });
    const now = Date.now();
    await page.getByLabel('From').fill(day(now + D));
    await page.getByLabel('To').fill(day(now + 2 * D));
    await page.getByRole('button', { name: 'Check availability' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Payments:' }));
    await visible(page.getByRole('note').filter({ hasText: 'Jira is off (not configured)' }));
    const table = page.getByRole('table', { name: 'On-call hours' });
    // Two whole days, both inside Gus's first week.
    const gus = await visible(table.getByRole('row', { name: 'Gus Grant' }));
    expect(await gus.textContent()).toContain('48 h');
    expect(await gus.textContent()).toContain('On call');
    const hal = await visible(table.getByRole('row', { name: 'Hal Hart' }));
    expect(await hal.textContent()).toContain('0 h');
    expect(await hal.textContent()).toContain('Available');
    expect(await page.getByRole('table', { name: 'Conflicts' }).count()).toBe(0);
    await screenshot(page, 'availability-no-jira');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('with Jira: the active sprint is the window and the conflict is listed', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await open(withJira);
    await page.getByRole('button', { name: 'Check availability' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'the active Jira sprint' }));
    await visible(page.getByRole('note').filter({ hasText: 'Jira is on: sprints Sprint 1 (active)' }));
    const conflicts = await visible(page.getByRole('table', { name: 'Conflicts' }));
    const row = await visible(conflicts.getByRole('row', { name: /PAY-1/ }));
    expect(await row.textContent()).toContain('Gus Grant');
    expect(await row.textContent()).toContain('Sprint 1');
    const gus = await visible(page.getByRole('table', { name: 'On-call hours' }).getByRole('row', { name: 'Gus Grant' }));
    expect(await gus.textContent()).toContain('On call');
    await screenshot(page, 'availability-jira');
    expect(errors).toEqual([]);
    await context.close();
  });
});

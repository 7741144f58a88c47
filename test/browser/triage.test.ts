/**
 * Triage, security reports and the backlog in the web app: an error from Sentry (a webhook from
 * an integration without a client secret) is decided as an incident from the triage page; a
 * stakeholder reports a security issue and sees the private incident's reference; a backlog task
 * is added, picked and marked done in the UI, and the API agrees.
 *
 * Real server (SQLite), real built web/dist, headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startFakeSentry, type FakeSentry } from '../fakes/sentry.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, onPath, screenshot, until, visible, reportMissingBrowser, openPage } from './browser.js';

reportMissingBrowser('web UI: triage');

const STAKEHOLDER = { name: 'Sam Stakeholder', email: 'sam@example.com', password: 'sam-secret-password' };

describe.skipIf(!HAVE_BROWSER)('web UI: triage, security reports, backlog', () => {
  let app: TestApp;
  let browser: Browser;
  let sentry: FakeSentry;
  let hookUrl: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    [app, browser, sentry] = await Promise.all([startTestApp({ dialect: 'sqlite' }), launchBrowser(), startFakeSentry({ token: 'sntrys_unused', org: 'acme' })]);
    const me = (await app.api('GET', `/api/v1/users/${app.adminEmail}`)).body;
    expect((await app.api('POST', '/api/v1/teams', { body: { name: 'Web', leadUserId: me.id, memberIds: [me.id] } })).status).toBe(201);
    expect((await app.api('POST', '/api/v1/services', { body: { name: 'Storefront', teamId: 'web' } })).status).toBe(201);
    const integ = await app.api('POST', '/api/v1/services/storefront/integrations', { body: { name: 'Sentry', type: 'sentry' } });
    expect(integ.status).toBe(201);
    hookUrl = `${app.baseUrl}/hooks/sentry/${integ.body.key}`;
    expect((await app.api('PATCH', '/api/v1/settings/incidents', { body: { triageGuidance: 'Customers affected now? Incident. Otherwise a bug.' } })).status).toBe(200);
    const sam = await app.api('POST', '/api/v1/users', { body: { ...STAKEHOLDER, role: 'stakeholder' } });
    expect(sam.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sentry?.close();
  });

  const newPage = () => openPage(browser, app.baseUrl);

  async function signIn(page: Page, path = '/', email = app.adminEmail, password = app.adminPassword): Promise<void> {
    await page.goto(path);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  it('shows an error from Sentry beside the guidance and declares an incident from it', { timeout: 60_000 }, async () => {
    sentry.createIssue({ id: '1001', title: 'TypeError: cart is undefined', culprit: 'checkout/cart.js in total', count: 3, userCount: 2, at: Date.now() });
    const hook = await sentry.send(hookUrl, sentry.issueHook('created', '1001'), { resource: 'issue', secret: null });
    expect(hook.status).toBe(200);

    const { context, page, errors } = await newPage();
    await signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Triage' }).click();
    await onPath(page, '/triage');
    await visible(page.getByText('Customers affected now? Incident. Otherwise a bug.'));
    const item = await visible(page.getByRole('listitem', { name: /TypeError: cart is undefined/ }));
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('checkout/cart.js in total');
    expect(text).toContain('3 events');
    expect(text).toContain('2 users affected');
    expect(text).toContain('Waiting');

    const severity = item.getByRole('combobox', { name: /Severity for/ });
    const options = await severity.locator('option').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value).filter(Boolean));
    expect(options.length).toBeGreaterThan(0);
    await severity.selectOption(options[0]!);
    await item.getByRole('button', { name: 'Incident' }).click();
    const status = await visible(page.getByRole('status').filter({ hasText: /Declared INC-\d+/ }));
    const ref = /INC-\d+/.exec((await status.textContent()) ?? '')![0];
    await hidden(page.getByRole('listitem', { name: /TypeError: cart is undefined/ }));
    await screenshot(page, 'triage-decided');

    const all = (await app.api('GET', '/api/v1/triage?state=all')).body.data;
    expect(all[0]).toMatchObject({ decision: 'incident', state: 'decided' });
    const incident = (await app.api('GET', `/api/v1/incidents/${ref}`)).body;
    expect(incident.incident?.severity ?? incident.severity).toBe(options[0]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets a stakeholder report a security issue and shows the private incident reference', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, '/', STAKEHOLDER.email, STAKEHOLDER.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Report a security issue' }).click();
    await onPath(page, '/security/report');
    await page.getByLabel('Title').fill('Customer emails in a public bucket');
    await page.getByLabel('Description').fill('s3://acme-exports is world-readable.');
    await page.getByLabel('Severity').selectOption({ label: 'Major (P1)' });
    await page.getByRole('button', { name: 'Send report' }).click();
    const status = await visible(page.getByRole('status').filter({ hasText: /Reported as INC-\d+; only the security owner and the on-call can see it\./ }));
    const ref = /INC-\d+/.exec((await status.textContent()) ?? '')![0];
    await screenshot(page, 'security-report');

    // Private: the admin is neither the security owner nor on call, so it is not visible to them.
    const asAdmin = await app.api('GET', `/api/v1/incidents/${ref}`);
    expect(asAdmin.status, JSON.stringify(asAdmin.body)).toBe(404);
    // The reporter sees it (as a member), in their own session.
    const mine = await page.evaluate(async (r) => {
      const res = await fetch(`/api/v1/incidents/${r}`, { credentials: 'same-origin' });
      return { status: res.status, body: (await res.json()) as { incident?: { private: boolean; title: string }; private?: boolean; title?: string } };
    }, ref);
    expect(mine.status).toBe(200);
    const inc = mine.body.incident ?? mine.body;
    expect(inc.private).toBe(true);
    expect(inc.title).toContain('Customer emails in a public bucket');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('creates exactly the severity each label of the form names', { timeout: 90_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, '/security/report', STAKEHOLDER.email, STAKEHOLDER.password);
    await onPath(page, '/security/report');
    const select = page.getByLabel('Severity');
    // The labels come from the severity document (loaded after the first paint).
    const labels = await until(async () => {
      const l = await select.locator('option').allTextContents();
      return l.length === 5 ? l : undefined;
    }, 'the severity levels');
    expect(labels).toEqual(['Critical (P0)', 'Major (P1)', 'Significant (P2)', 'Minor (P3)', 'Low (P4)']);
    expect(await select.inputValue()).toBe('P2');
    let previous = '';
    for (const label of labels) {
      const key = /\((P\d)\)/.exec(label)![1]!;
      await page.getByLabel('Title').fill(`Finding at ${key}`);
      await select.selectOption({ label });
      await page.getByRole('button', { name: 'Send report' }).click();
      const status = page.getByRole('status').filter({ hasText: /Reported as INC-\d+/ });
      const ref = await until(async () => {
        const text = (await status.count()) ? ((await status.first().textContent()) ?? '') : '';
        const found = /INC-\d+/.exec(text)?.[0];
        return found && found !== previous ? found : undefined;
      }, `the report at ${key}`);
      previous = ref;
      const created = await page.evaluate(async (r) => {
        const res = await fetch(`/api/v1/incidents/${r}`, { credentials: 'same-origin' });
        const body = (await res.json()) as { incident?: { severity: string; title: string }; severity?: string; title?: string };
        return body.incident ?? body;
      }, ref);
      expect(created.title, label).toContain(`Finding at ${key}`);
      expect(created.severity, label).toBe(key);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('adds a backlog task, picks it and marks it done', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, '/backlog');
    await onPath(page, '/backlog');
    await visible(page.getByRole('heading', { name: 'Suggested for you' }));
    await page.getByLabel('Task title').fill('Alert on connection pool saturation');
    await page.getByLabel('Priority').selectOption('high');
    await page.getByRole('button', { name: 'Add task' }).click();
    await visible(page.getByRole('status').filter({ hasText: /Added BE-\d+/ }));
    const row = await visible(page.getByRole('row', { name: /Alert on connection pool saturation/ }));
    expect(await row.textContent()).toContain('To do');
    expect(await row.textContent()).toContain('(local)');
    expect(await row.textContent()).toContain('high');

    await row.getByRole('button', { name: 'Pick Alert on connection pool saturation' }).click();
    await visible(page.getByRole('status').filter({ hasText: /Picked BE-\d+/ }));
    await visible(row.getByText('In progress'));
    expect(await row.textContent()).toContain('Ada Admin (you)');
    let task = (await app.api('GET', '/api/v1/backlog?status=all')).body.data.find((t: { title: string }) => t.title === 'Alert on connection pool saturation');
    expect(task.status).toBe('in_progress');

    await row.getByRole('button', { name: 'Done Alert on connection pool saturation' }).click();
    await visible(page.getByRole('status').filter({ hasText: /Marked BE-\d+ done/ }));
    await hidden(page.getByRole('row', { name: /Alert on connection pool saturation/ }));
    await page.getByLabel('Show done').check();
    await visible(page.getByRole('row', { name: /Alert on connection pool saturation/ }).getByText('Done', { exact: true }));
    await screenshot(page, 'backlog');

    task = (await app.api('GET', `/api/v1/backlog/${task.id}`)).body.task;
    expect(task.status).toBe('done');
    expect(task.doneAt).toEqual(expect.any(Number));
    expect(errors).toEqual([]);
    await context.close();
  });
});

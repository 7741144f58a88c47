/**
 * Alerts, services and escalation policies in the web app: alerts sent through the OpsGenie-
 * compatible intake show up on the list (and new ones arrive without a reload), are acknowledged
 * from their page with the timeline following, are closed in bulk; a service and its integration
 * are created through the UI and the key is shown exactly once; a policy is built step by step and
 * its warnings are shown.
 *
 * Real server (SQLite) on the real clock and engine, real built web/dist, headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, onPath, screenshot, visible, until, reportMissingBrowser, openPage } from './browser.js';

reportMissingBrowser('web UI: alerts');

describe.skipIf(!HAVE_BROWSER)('web UI: alerts', () => {
  let app: TestApp;
  let browser: Browser;
  let ogKey: string;

  /** Sends an alert the way an OpsGenie client does and waits until Vigil has it. */
  async function sendAlert(body: { message: string; alias: string; priority?: string; description?: string; details?: Record<string, string>; tags?: string[] }, key = ogKey) {
    const res = await app.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body });
    expect(res.status).toBe(202);
    return until(async () => (await app.api('GET', `/api/v1/alerts?status=unclosed&q=${encodeURIComponent(body.alias)}`)).body.data.find((a: { alias: string }) => a.alias === body.alias), `alert ${body.alias}`);
  }

  beforeAll(async () => {
    await ensureWebBuilt();
    [app, browser] = await Promise.all([startTestApp({ dialect: 'sqlite' }), launchBrowser()]);
    const me = (await app.api('GET', `/api/v1/users/${app.adminEmail}`)).body;
    expect((await app.api('POST', '/api/v1/teams', { body: { name: 'Payments', leadUserId: me.id, memberIds: [me.id] } })).status).toBe(201);
    const policy = await app.api('POST', '/api/v1/escalation-policies', {
      body: { name: 'Payments default', teamId: 'payments', steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: 'admin@example.com' }] }] },
    });
    expect(policy.status).toBe(201);
    expect((await app.api('POST', '/api/v1/services', { body: { name: 'Checkout', teamId: 'payments', escalationPolicyId: 'payments-default' } })).status).toBe(201);
    const integ = await app.api('POST', '/api/v1/services/checkout/integrations', { body: { name: 'Grafana OG', type: 'opsgenie' } });
    expect(integ.status).toBe(201);
    ogKey = integ.body.key;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const newPage = () => openPage(browser, app.baseUrl);

  async function signIn(page: Page, path = '/'): Promise<void> {
    await page.goto(path);
    await page.getByLabel('Email').fill(app.adminEmail);
    await page.getByLabel('Password').fill(app.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  it('lists alerts, and a new alert appears without a reload while the selection is kept', { timeout: 60_000 }, async () => {
    const disk = await sendAlert({ message: 'Disk full on db-1', alias: 'disk-db-1', priority: 'P1', description: 'Volume /var/lib/postgres at 98%.', details: { host: 'db-1', volume: '/var/lib/postgres' }, tags: ['db', 'storage'] });
    await sendAlert({ message: 'Checkout latency p99 over 2s', alias: 'latency-checkout', priority: 'P3' });
    const { context, page, errors } = await newPage();
    await signIn(page);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await onPath(page, '/alerts');
    const diskRow = await visible(page.getByRole('row', { name: /Disk full on db-1/ }));
    const diskText = (await diskRow.textContent()) ?? '';
    expect(diskText).toContain(`#${disk.number}`);
    expect(diskText).toContain('P1');
    expect(diskText).toContain('Checkout');
    expect(diskText).toContain('Open');
    await visible(page.getByRole('row', { name: /Checkout latency p99/ }));
    expect(await page.getByRole('navigation', { name: 'Alert status' }).getByRole('link', { name: /^Open/ }).textContent()).toContain('2');

    // Filters narrow the list and live in the URL.
    await page.getByLabel('Priority').selectOption('P1');
    await onPath(page, '/alerts?priority=P1');
    await hidden(page.getByRole('row', { name: /Checkout latency p99/ }));
    await visible(page.getByRole('row', { name: /Disk full on db-1/ }));
    await page.getByLabel('Priority').selectOption('');
    await page.getByLabel('Search alerts').fill('latency');
    await hidden(page.getByRole('row', { name: /Disk full on db-1/ }));
    await page.getByLabel('Search alerts').fill('');
    await visible(page.getByRole('row', { name: /Disk full on db-1/ }));

    // Select one, then a new alert arrives: it shows up highlighted, nothing reloads, the selection stays.
    await page.getByRole('checkbox', { name: `Select alert #${disk.number}` }).check();
    await visible(page.getByText('1 selected'));
    await page.evaluate('window.__noReload = true');
    const fresh = await sendAlert({ message: 'Payment provider timeouts', alias: 'psp-timeouts', priority: 'P2' });
    const freshRow = await visible(page.getByRole('row', { name: /Payment provider timeouts/ }), 15_000);
    expect(await freshRow.textContent()).toContain('New');
    expect(await freshRow.getAttribute('class')).toContain('row-new');
    await visible(page.getByRole('status').filter({ hasText: '1 new alert' }));
    expect(await page.evaluate('window.__noReload')).toBe(true);
    expect(await page.getByRole('checkbox', { name: `Select alert #${disk.number}` }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: `Select alert #${fresh.number}` }).isChecked()).toBe(false);
    await screenshot(page, 'alerts-list');

    await page.getByRole('button', { name: 'Mark as seen' }).click();
    await hidden(page.getByText('1 new alert'));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('acknowledges from the alert page; status and timeline follow; notes, tags and snooze work', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, '/alerts');
    await page.getByRole('link', { name: 'Disk full on db-1' }).click();
    const heading = await visible(page.getByRole('heading', { level: 1, name: /Disk full on db-1/ }));
    expect(await heading.textContent()).toMatch(/^#\d+ Disk full on db-1$/);

    // What monitoring sent, and the escalation so far.
    await visible(page.getByText('Volume /var/lib/postgres at 98%.'));
    await visible(page.getByRole('definition').filter({ hasText: 'db-1' }).first());
    const timeline = page.getByRole('list', { name: 'Alert timeline' });
    await visible(timeline.getByText(/Alert created from Grafana OG \(opsgenie\)/));
    await visible(timeline.getByText(/Escalation step 1/));
    await visible(timeline.getByText(/paged Ada Admin/));
    await visible(timeline.getByText(/Every escalation step has run/));

    const actions = page.getByRole('toolbar', { name: 'Alert actions' });
    await actions.getByRole('button', { name: 'Acknowledge' }).click();
    await hidden(actions.getByRole('button', { name: 'Acknowledge' }));
    await visible(page.locator('.page-header').getByText('Acknowledged'));
    await visible(timeline.getByText('acknowledged the alert'));
    expect((await timeline.locator('.event').first().textContent()) ?? '').toContain('Ada Admin (you) acknowledged the alert');
    await visible(page.getByRole('definition').filter({ hasText: /Ada Admin \(you\), just now/ }));

    // A note goes on the timeline.
    await actions.getByRole('button', { name: 'Add note' }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('alert-note');
    await page.getByLabel('Note').fill('Cleared old WAL files; watching.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await visible(timeline.getByText('Cleared old WAL files; watching.'));

    // Tags.
    await page.getByLabel('New tag').fill('sev2');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await visible(page.getByRole('list', { name: 'Tags' }).getByText('sev2'));
    await page.getByRole('button', { name: 'Remove tag storage' }).click();
    await hidden(page.getByRole('list', { name: 'Tags' }).getByText('storage'));

    // Snooze with a preset.
    await actions.getByRole('button', { name: 'Snooze' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Snooze alert' }));
    await dialog.getByRole('button', { name: '1 hour' }).click();
    await hidden(dialog);
    await visible(page.getByRole('status').filter({ hasText: 'Snoozed until' }));
    await visible(timeline.getByText(/snoozed the alert until/));
    await screenshot(page, 'alerts-detail');

    const api = (await app.api('GET', '/api/v1/alerts?q=disk-db-1&status=unclosed')).body.data[0];
    expect(api.status).toBe('acknowledged');
    expect(api.tags).toEqual(expect.arrayContaining(['db', 'sev2']));
    expect(api.tags).not.toContain('storage');
    expect(api.snoozedUntil).toBeGreaterThan(Date.now() + 55 * 60_000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('closes several alerts at once', { timeout: 60_000 }, async () => {
    const a = await sendAlert({ message: 'Queue backlog orders', alias: 'queue-orders', priority: 'P4' });
    const b = await sendAlert({ message: 'Queue backlog refunds', alias: 'queue-refunds', priority: 'P4' });
    const { context, page, errors } = await newPage();
    await signIn(page, '/alerts?q=queue');
    await visible(page.getByRole('row', { name: /Queue backlog orders/ }));
    await visible(page.getByRole('row', { name: /Queue backlog refunds/ }));
    await page.getByRole('checkbox', { name: 'Select all alerts on this page' }).check();
    await visible(page.getByText('2 selected'));
    await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Close' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Closed 2 alerts.' }));
    await visible(page.getByRole('heading', { name: 'No alerts match these filters' }));
    await screenshot(page, 'alerts-bulk-closed');

    await page.getByRole('navigation', { name: 'Alert status' }).getByRole('link', { name: 'Closed', exact: true }).click();
    await onPath(page, '/alerts?status=closed&q=queue');
    const row = await visible(page.getByRole('row', { name: /Queue backlog orders/ }));
    expect(await row.textContent()).toContain('Closed');
    for (const x of [a, b]) expect((await app.api('GET', `/api/v1/alerts/${x.id}`)).body.alert.status).toBe('closed');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('creates a service and an integration in the UI; the key is shown once and works', { timeout: 90_000 }, async () => {
    const { context, page, errors } = await newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    await signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Services' }).click();
    await onPath(page, '/services');
    const checkoutRow = await visible(page.getByRole('row', { name: /Checkout/ }));
    expect(await checkoutRow.textContent()).toContain('Payments default');
    // The policy pages someone with no verified contact method: the list says so.
    expect(await checkoutRow.textContent()).toMatch(/\d warnings?/);

    await page.getByRole('button', { name: 'New service' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'New service' }));
    await dialog.getByLabel('Service name').fill('Search API');
    await dialog.getByLabel('Team').selectOption({ label: 'Payments' });
    await dialog.getByLabel('Escalation policy').selectOption({ label: 'Payments default ⚠' });
    await visible(dialog.getByText('would not reach anyone in some steps right now'));
    await dialog.getByLabel('Urgency for P3').selectOption('low');
    await dialog.getByLabel('Storm threshold').fill('25');
    await screenshot(page, 'alerts-service-form');
    await dialog.getByRole('button', { name: 'Create service' }).click();
    await onPath(page, '/services/search-api');
    await visible(page.getByRole('heading', { level: 1, name: 'Search API' }));
    await visible(page.getByText('Next, add an integration'));
    await visible(page.getByText('25 alerts within a minute → one summary page'));
    await visible(page.locator('.urg', { hasText: 'P3 low' }));

    await page.getByRole('button', { name: 'Add integration' }).click();
    const add = await visible(page.getByRole('dialog', { name: 'Add integration' }));
    await add.getByLabel('Type').selectOption({ label: 'OpsGenie API' });
    await add.getByLabel('Integration name').fill('Prometheus via OG');
    await add.getByRole('button', { name: 'Add integration' }).click();
    await hidden(add);
    const keyBox = await visible(page.getByLabel('Integration key', { exact: true }));
    const key = await keyBox.inputValue();
    expect(key).toMatch(/^vgi/);
    await visible(page.getByText('you won’t be able to see it again'));
    await page.locator('.secret-row').first().getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(key);
    const row = await visible(page.getByRole('row', { name: /Prometheus via OG/ }));
    expect(await row.textContent()).toContain(`${key.slice(0, 4)}…${key.slice(-4)}`);
    await screenshot(page, 'alerts-integration-key');

    // The key works: an alert sent with it lands on this service.
    const alert = await sendAlert({ message: 'Search index stale', alias: 'search-stale', priority: 'P3' }, key);
    expect(alert.service.slug).toBe('search-api');
    expect(alert.urgency).toBe('low');

    // Dismissed, it is gone for good (also after a reload).
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await hidden(page.getByLabel('Integration key', { exact: true }));
    await page.reload();
    await visible(page.getByRole('row', { name: /Prometheus via OG/ }));
    await visible(page.getByRole('link', { name: /Search index stale/ }));
    expect(await page.content()).not.toContain(key);

    // Maintenance and a heartbeat.
    await page.getByRole('button', { name: 'Schedule maintenance' }).click();
    const maint = page.getByRole('form', { name: 'Schedule maintenance' });
    await maint.getByLabel('Lasts').selectOption({ label: '2 hours' });
    await maint.getByLabel('Reason').fill('Reindex');
    await maint.getByRole('button', { name: 'Schedule' }).click();
    await visible(page.getByText('Reindex'));
    await page.getByRole('button', { name: 'Add heartbeat' }).click();
    const hb = page.getByRole('form', { name: 'Add heartbeat' });
    await hb.getByLabel('Heartbeat name').fill('search-reindex');
    await hb.getByLabel('Expected every').selectOption({ label: '1 hour' });
    await hb.getByRole('button', { name: 'Save heartbeat' }).click();
    await visible(page.getByText('Waiting for first ping'));
    await screenshot(page, 'alerts-service');

    // Removing the integration revokes its key.
    await page.getByRole('button', { name: 'Remove Prometheus via OG' }).click();
    const confirm = await visible(page.getByRole('dialog', { name: /Remove/ }));
    await confirm.getByRole('button', { name: 'Remove integration' }).click();
    await hidden(confirm);
    await hidden(page.getByRole('row', { name: /Prometheus via OG/ }));
    // (Intake caches keys for a few seconds.)
    await until(async () => (await app.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body: { message: 'x', alias: 'x' } })).status === 401, 'the removed key to be rejected');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('builds an escalation policy step by step and shows its warnings', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, '/escalation-policies');
    await visible(page.getByRole('region', { name: /Payments default/ }).getByText('Ada Admin has no verified contact method'));

    await page.getByRole('button', { name: 'New policy' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'New escalation policy' }));
    await dialog.getByLabel('Policy name').fill('Checkout night');
    await dialog.getByLabel(/^Team/).selectOption({ label: 'Payments' });
    await dialog.getByLabel('Target type for step 1').selectOption({ label: 'Person' });
    await dialog.getByLabel('Target for step 1').selectOption({ label: 'Ada Admin — admin@example.com' });
    await dialog.getByRole('button', { name: 'Add target to step 1' }).click();
    await dialog.getByRole('button', { name: 'Add step' }).click();
    await dialog.getByLabel('Minutes before step 2').fill('3');
    await dialog.getByLabel('Target type for step 2').selectOption({ label: 'Slack channel' });
    await dialog.getByLabel('Slack channel id for step 2').fill('not-a-channel');
    await dialog.getByRole('button', { name: 'Add target to step 2' }).click();
    await visible(dialog.getByText('A Slack channel id starts with C'));
    await dialog.getByLabel('Slack channel id for step 2').fill('C0PAYMENTS');
    await dialog.getByRole('button', { name: 'Add target to step 2' }).click();
    await dialog.getByLabel('When the last step is not acknowledged').selectOption({ label: 'Start again from step 1 — 2 more times' });
    await screenshot(page, 'alerts-policy-form');
    await dialog.getByRole('button', { name: 'Create policy' }).click();
    await hidden(dialog);

    const card = await visible(page.getByRole('region', { name: /Checkout night/ }));
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Ada Admin');
    expect(text).toContain('Slack #C0PAYMENTS');
    expect(text).toContain('Not acknowledged after 3 minutes → step 2');
    expect(text).toContain('start again from step 1 (2 more times)');
    expect(text).toContain('Step 1: Ada Admin has no verified contact method');
    await screenshot(page, 'alerts-policies');

    const saved = (await app.api('GET', '/api/v1/escalation-policies/checkout-night')).body;
    expect(saved.repeat).toBe(2);
    expect(saved.steps).toEqual([
      { delayMinutes: 3, targets: [{ type: 'user', id: expect.any(String) }] },
      { delayMinutes: 10, targets: [{ type: 'slack_channel', id: 'C0PAYMENTS' }] },
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says on the alert page who was not reached, and why', { timeout: 60_000 }, async () => {
    // Ada Admin, the only target of the policy, has no contact method: the page reaches nobody.
    const alert = await sendAlert({ message: 'Payment webhook queue stuck', alias: 'webhook-queue', priority: 'P2' });
    await until(async () => (await app.api('GET', `/api/v1/alerts/${alert.id}`)).body.notReached.length > 0, 'the alert marked not reached');
    const { context, page, errors } = await newPage();
    await signIn(page, `/alerts/${alert.id}`);
    await visible(page.getByRole('heading', { level: 1, name: /Payment webhook queue stuck/ }));
    const banner = await visible(page.getByRole('alert').filter({ hasText: 'A page reached nobody.' }));
    expect((await banner.textContent()) ?? '').toContain('Not reached: Ada Admin (no verified contact method)');
    await visible(page.getByRole('list', { name: 'Alert timeline' }).getByText('Not reached: Ada Admin'));
    await screenshot(page, 'alerts-not-reached');
    expect(errors).toEqual([]);
    await context.close();
  });
});

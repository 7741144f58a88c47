/**
 * Incidents in the web app. A responder declares an incident from the list (choosing the severity
 * while each level's definition is shown), changes its status and severity with reasons, posts an
 * update (the dialog says who receives it, and the company list and announcements channel do), adds
 * a note, hands over the commander role, pages someone, subscribes, and reads it all on the
 * timeline, newest first. An incident is declared from an alert's page, pre-filled from the alert.
 * The severity levels read as a document (P0..P4), download as Markdown and are marked read; an
 * admin edits a level and the incident settings; Insights draws the numbers.
 *
 * Real server (SQLite) on the real clock and engine, wired to the fake Slack and SMTP servers of
 * test/fakes; real built web/dist, headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, onPath, screenshot, visible, until, reportMissingBrowser, openPage } from './browser.js';

reportMissingBrowser('web UI: incidents');

const RITA = { name: 'Rita Rossi', email: 'rita@example.com', password: 'rita-secret-password' };
const COMPANY = 'everyone@example.com';
const ANNOUNCE = 'C0ANNOUNCE';

describe.skipIf(!HAVE_BROWSER)('web UI: incidents', () => {
  let app: TestApp;
  let browser: Browser;
  let slack: FakeSlack;
  let smtp: SmtpSink;
  let rita: { id: string; token: string; email: string };
  let adminId: string;
  let ogKey: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    [slack, smtp, browser] = await Promise.all([startFakeSlack(), startSmtpSink(), launchBrowser()]);
    app = await startTestApp({
      dialect: 'sqlite',
      config: {
        slack: { botToken: 'xoxb-test-token', signingSecret: 'test-signing-secret-0123456789', apiUrl: slack.url },
        email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}?ignoreTLS=true`, from: 'Vigil <vigil@example.com>' },
      },
    });
    adminId = (await app.api('GET', `/api/v1/users/${app.adminEmail}`)).body.id;
    rita = await app.createUserWithToken('responder', RITA.email);
    expect((await app.api('PATCH', `/api/v1/users/${rita.id}`, { body: { name: RITA.name, password: RITA.password } })).status).toBe(200);
    expect((await app.api('POST', '/api/v1/teams', { body: { name: 'Payments', leadUserId: adminId, memberIds: [adminId, rita.id] } })).status).toBe(201);
    expect(
      (
        await app.api('POST', '/api/v1/escalation-policies', {
          body: { name: 'Payments default', teamId: 'payments', steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: app.adminEmail }] }] },
        })
      ).status,
    ).toBe(201);
    expect((await app.api('POST', '/api/v1/services', { body: { name: 'Checkout', teamId: 'payments', escalationPolicyId: 'payments-default' } })).status).toBe(
      201,
    );
    expect((await app.api('POST', '/api/v1/services', { body: { name: 'Search', teamId: 'payments' } })).status).toBe(201);
    const integ = await app.api('POST', '/api/v1/services/checkout/integrations', { body: { name: 'Grafana OG', type: 'opsgenie' } });
    expect(integ.status).toBe(201);
    ogKey = integ.body.key;
    const settings = await app.api('PATCH', '/api/v1/settings/incidents', {
      body: { companyEmail: COMPANY, announcementsChannel: ANNOUNCE, escalationContactUserId: adminId },
    });
    expect(settings.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([slack?.close(), smtp?.close()]);
  });

  const newPage = () => openPage(browser, app.baseUrl);

  async function signIn(page: Page, email: string, password: string, path = '/'): Promise<void> {
    await page.goto(path);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  const timelineItems = (page: Page) => page.getByRole('list', { name: 'Incident timeline' }).getByRole('listitem');

  it('declares an incident, changes its status and severity, posts an update, and shows it all on the timeline', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, RITA.email, RITA.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents' }).click();
    await onPath(page, '/incidents');
    await visible(page.getByRole('heading', { name: 'No open incidents' }));

    // Declare: each level's definition is shown while choosing; the chosen one also shows examples.
    await page.getByRole('button', { name: 'Declare incident' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Declare an incident' }));
    for (const key of ['P0', 'P1', 'P2', 'P3', 'P4']) await visible(dialog.getByRole('radio', { name: new RegExp(`^${key} — `) }));
    await visible(dialog.getByText('A feature is degraded for some customers; a workaround may exist.'));
    await dialog.getByRole('button', { name: 'Declare incident' }).click();
    await visible(dialog.getByRole('alert').filter({ hasText: 'Give the incident a title' }));
    await dialog.getByLabel('Title').fill('Checkout returns 502 for EU customers');
    await dialog.getByRole('radio', { name: 'P2 — Significant' }).check();
    await visible(dialog.getByText('Examples: Slow search; Emails delayed by an hour.'));
    await visible(dialog.getByRole('note').filter({ hasText: 'P2: the company list and the announcements channel are told' }));
    await dialog.getByRole('checkbox', { name: 'Checkout' }).check();
    await dialog.getByLabel('Summary').fill('Some EU card payments fail with 502 at the edge.');
    await screenshot(page, 'inc-declare');
    await dialog.getByRole('button', { name: 'Declare incident' }).click();
    await onPath(page, '/incidents/INC-1');
    await hidden(dialog);

    // Header: reference, severity, status; timers and targets.
    await visible(page.getByRole('heading', { level: 1, name: 'INC-1 Checkout returns 502 for EU customers' }));
    const header = page.locator('.page-header');
    await visible(header.getByText('Investigating'));
    expect(await header.locator('.sev').textContent()).toContain('P2');
    const timers = page.getByRole('region', { name: 'Timers and targets' });
    await visible(timers.getByText('Acknowledged'));
    expect(await timers.textContent()).toContain('Met');
    expect(await timers.textContent()).toContain('Target: within 15 minutes');
    await visible(page.getByRole('region', { name: 'People' }).getByRole('listitem').filter({ hasText: 'Rita Rossi (you)' }).getByText('Commander'));
    await visible(page.getByRole('region', { name: 'Summary' }).getByText('Some EU card payments fail with 502 at the edge.'));

    // Change the status, with a reason.
    const bar = page.getByRole('toolbar', { name: 'Incident actions' });
    await bar.getByRole('button', { name: 'Change status' }).click();
    const statusDialog = await visible(page.getByRole('dialog', { name: 'Change the status of INC-1' }));
    await statusDialog.getByLabel('New status').selectOption({ label: 'Identified' });
    await visible(statusDialog.getByText('The cause is known; a fix is on its way.'));
    await statusDialog.getByLabel('Reason').fill('Bad deploy of the edge proxy');
    await statusDialog.getByRole('button', { name: 'Set to Identified' }).click();
    await hidden(statusDialog);
    await visible(page.getByRole('status').filter({ hasText: 'Status changed to Identified.' }));
    await visible(header.getByText('Identified'));

    // Raise the severity, with a reason.
    await bar.getByRole('button', { name: 'Change severity' }).click();
    const sevDialog = await visible(page.getByRole('dialog', { name: 'Change the severity' }));
    await sevDialog.getByRole('radio', { name: 'P1 — Major' }).check();
    await visible(sevDialog.getByText('A core feature is unavailable or badly degraded for many customers.'));
    await sevDialog.getByLabel('Reason').fill('All EU traffic is affected');
    await sevDialog.getByRole('button', { name: 'Change to P1' }).click();
    await hidden(sevDialog);
    await visible(page.getByRole('status').filter({ hasText: 'Severity changed to P1.' }));
    expect(await header.locator('.sev').textContent()).toContain('P1');

    // Post an update: the dialog says who receives it, and they do.
    await bar.getByRole('button', { name: 'Post update' }).click();
    const updateDialog = await visible(page.getByRole('dialog', { name: 'Post an update on INC-1' }));
    const who = updateDialog.getByRole('group', { name: 'Who receives it' });
    await visible(who.getByText(COMPANY));
    await visible(who.getByText(ANNOUNCE));
    await updateDialog.getByLabel('Update').fill('Rolling back the edge proxy; next update in 30 minutes.');
    await screenshot(page, 'inc-update-dialog');
    await updateDialog.getByRole('button', { name: 'Post update' }).click();
    await hidden(updateDialog);
    await visible(page.getByRole('status').filter({ hasText: 'Update posted.' }));
    const mail = await smtp.waitFor((m) => m.to.includes(COMPANY) && m.text.includes('Rolling back the edge proxy'), 20_000);
    expect(mail.subject).toContain('[P1] INC-1');
    await slack.waitFor(() => slack.messages(ANNOUNCE).some((m) => (m.text ?? '').includes('Rolling back the edge proxy')), 20_000);

    // A note for the timeline.
    await page.getByLabel('Note', { exact: true }).fill('Proxy 1.42 dropped the EU upstream pool.');
    await page.getByRole('button', { name: 'Save note' }).click();
    await visible(timelineItems(page).first().getByText('added a note'));

    // Hand the commander role to Ada; page her too; subscribe.
    await bar.getByRole('button', { name: 'Hand over commander' }).click();
    const cmd = await visible(page.getByRole('dialog', { name: 'Hand over commander of INC-1' }));
    await cmd.getByLabel('Person').selectOption({ label: `Ada Admin — ${app.adminEmail}` });
    await cmd.getByRole('button', { name: 'Hand over' }).click();
    await hidden(cmd);
    await visible(page.getByRole('status').filter({ hasText: 'Ada Admin is now the commander.' }));
    await visible(page.getByRole('region', { name: 'People' }).getByRole('listitem').filter({ hasText: 'Ada Admin' }).getByText('Commander'));

    await bar.getByRole('button', { name: 'Page someone' }).click();
    const pageDialog = await visible(page.getByRole('dialog', { name: 'Page someone into INC-1' }));
    await pageDialog.getByRole('radio', { name: 'A team’s on-call' }).check();
    await pageDialog.getByLabel('Team', { exact: true }).selectOption({ label: 'Payments' });
    await pageDialog.getByLabel('Note').fill('Need the payments lead');
    await pageDialog.getByRole('button', { name: 'Page now' }).click();
    await hidden(pageDialog);
    await visible(page.getByRole('status').filter({ hasText: 'Paged.' }));

    await bar.getByRole('button', { name: 'Subscribe' }).click();
    await visible(bar.getByText('Subscribed'));

    // The timeline, newest first, in sentences.
    const items = timelineItems(page);
    await visible(items.filter({ hasText: 'subscribed to updates' }));
    const texts = (await items.allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    const find = (re: RegExp): number => {
      const n = texts.findIndex((t) => re.test(t));
      expect(n, `timeline line ${re}`).toBeGreaterThanOrEqual(0);
      return n;
    };
    const declared = find(/Rita Rossi \(you\) declared the incident as P2 with Rita Rossi \(you\) as commander/);
    const status = find(/changed the status from Investigating to Identified.*Bad deploy of the edge proxy/);
    const severity = find(/raised the severity from P2 to P1.*All EU traffic is affected/);
    const update = find(/posted an update.*Rolling back the edge proxy/);
    find(/Sent the update to the company list \(everyone@example\.com\) and the announcements channel \(C0ANNOUNCE\)/);
    const note = find(/added a note.*Proxy 1\.42 dropped/);
    find(/handed the commander role to Ada Admin/);
    find(/paged Ada Admin \(the on-call of team .*\).*Need the payments lead/);
    const subscribed = find(/subscribed to updates/);
    expect(subscribed).toBeLessThan(note);
    expect(note).toBeLessThan(update);
    expect(update).toBeLessThan(severity);
    expect(severity).toBeLessThan(status);
    expect(status).toBeLessThan(declared);
    await screenshot(page, 'inc-incident');

    // The list: severity, status, commander; filters.
    await page.getByRole('link', { name: 'Incidents', exact: true }).first().click();
    await onPath(page, '/incidents');
    const row = await visible(page.getByRole('row', { name: /INC-1 Checkout returns 502/ }));
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('P1');
    expect(rowText).toContain('Identified');
    expect(rowText).toContain('Ada Admin');
    await page.getByLabel('Search incidents').fill('proxy-that-does-not-exist');
    await visible(page.getByRole('heading', { name: 'No incidents match' }));
    await page.getByLabel('Search incidents').fill('502');
    await visible(page.getByRole('row', { name: /INC-1/ }));
    await page.getByLabel('Severity').selectOption('P3');
    await visible(page.getByRole('heading', { name: 'No incidents match' }));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('navigation', { name: 'Incident status' }).getByRole('link', { name: 'Resolved' }).click();
    await onPath(page, '/incidents?status=resolved');
    await visible(page.getByRole('heading', { name: 'No incidents', exact: true }));
    await page.getByRole('navigation', { name: 'Incident status' }).getByRole('link', { name: /^Open/ }).click();
    await visible(page.getByRole('row', { name: /INC-1/ }));
    await screenshot(page, 'inc-list');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('declares an incident from an alert, pre-filled from it', { timeout: 60_000 }, async () => {
    const sent = await app.api('POST', '/v2/alerts', {
      token: null,
      headers: { authorization: `GenieKey ${ogKey}` },
      body: { message: 'Payment provider timeouts', alias: 'psp-timeouts', priority: 'P2', description: 'p99 over 10s for 5 minutes.' },
    });
    expect(sent.status).toBe(202);
    const alert = await until(async () => (await app.api('GET', '/api/v1/alerts?status=unclosed&q=psp-timeouts')).body.data[0], 'the alert');

    const { context, page, errors } = await newPage();
    await signIn(page, RITA.email, RITA.password, `/alerts/${alert.id}`);
    await visible(page.getByRole('heading', { level: 1, name: /Payment provider timeouts/ }));
    await page.getByRole('toolbar', { name: 'Alert actions' }).getByRole('button', { name: 'Declare incident' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Declare an incident' }));
    expect(await dialog.getByLabel('Title').inputValue()).toBe('Payment provider timeouts');
    expect(await dialog.getByRole('radio', { name: 'P2 — Significant' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: 'Checkout' }).isChecked()).toBe(true);
    await visible(dialog.getByText(`#${alert.number} Payment provider timeouts`));
    await dialog.getByRole('button', { name: 'Declare incident' }).click();
    await page.waitForURL(/\/incidents\/INC-2$/);
    await visible(page.getByRole('heading', { level: 1, name: 'INC-2 Payment provider timeouts' }));
    const linked = page.getByRole('region', { name: 'Linked alerts' });
    await visible(linked.getByRole('link', { name: `#${alert.number} Payment provider timeouts` }));
    await visible(timelineItems(page).filter({ hasText: 'declared the incident as P2' }).filter({ hasText: 'from an alert' }));
    await screenshot(page, 'inc-from-alert');

    // Back on the alert, it links to the incident instead.
    await linked.getByRole('link', { name: `#${alert.number} Payment provider timeouts` }).click();
    await visible(page.getByRole('toolbar', { name: 'Alert actions' }).getByRole('link', { name: 'Open incident' }));
    await visible(page.getByRole('list', { name: 'Alert timeline' }).getByText('INC-2'));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the severity levels as a document, downloads them as Markdown and marks them read', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, RITA.email, RITA.password, '/severities');
    await visible(page.getByRole('heading', { level: 1, name: 'Severity levels' }));
    const levels = [
      ['P0', 'Critical', 'The product is down or data is being lost or exposed for all or most customers.'],
      ['P1', 'Major', 'A core feature is unavailable or badly degraded for many customers.'],
      ['P2', 'Significant', 'A feature is degraded for some customers; a workaround may exist.'],
      ['P3', 'Minor', 'A minor feature is impaired or a few customers are affected.'],
      ['P4', 'Low', 'Cosmetic or internal-only issue with no customer impact.'],
    ];
    for (const [key, name, definition] of levels) {
      const level = await visible(page.getByRole('region', { name: `${key} ${name}` }));
      await visible(level.getByText(definition!));
    }
    const p0 = page.getByRole('region', { name: 'P0 Critical' });
    await visible(p0.getByText('Site-wide outage'));
    await visible(p0.getByText('within 5 minutes'));
    await visible(p0.getByText('Yes, within 5 days'));
    expect(await p0.getByRole('button', { name: 'Edit P0' }).count()).toBe(0); // responders read, admins edit
    // Each level says when to escalate; one line tells alert priorities from incident severities.
    await visible(page.getByRole('region', { name: 'P2 Significant' }).getByText(/^Escalate to P1 when a core feature fails/));
    await visible(page.getByRole('note').filter({ hasText: 'Alert priorities (P1-P5, P1 most urgent)' }));

    const href = await page.getByRole('link', { name: 'Download Markdown' }).getAttribute('href');
    const md = await context.request.get(href!);
    expect(md.status()).toBe(200);
    const markdown = await md.text();
    expect(markdown).toContain('## P0 — Critical');
    expect(markdown).toContain('**When to escalate:** Escalate to P1 when a core feature fails');

    await screenshot(page, 'inc-severities');
    await page.getByRole('button', { name: 'Mark as read' }).click();
    await visible(page.getByText('You have read the severity levels.'));
    const checklist = (await app.api('GET', '/api/v1/users/me/checklist', { token: rita.token })).body;
    expect(checklist.items.find((i: { id: string }) => i.id === 'severity_levels_read').done).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets an admin edit a severity level and the incident settings, with the server’s errors inline', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword, '/severities');
    await page.getByRole('button', { name: 'Edit P3' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Edit P3' }));
    await dialog.getByLabel('Updates every (minutes)').fill('180');
    await dialog.getByLabel('When to escalate').fill('Escalate to P2 when a second customer reports it.');
    await dialog.getByLabel('Stakeholder groups').fill('not-a-group');
    await dialog.getByRole('button', { name: 'Save P3' }).click();
    await visible(dialog.getByText('is not a Slack user group id'));
    await dialog.getByLabel('Stakeholder groups').fill('S0LEADS');
    await dialog.getByRole('button', { name: 'Save P3' }).click();
    await hidden(dialog);
    await visible(page.getByRole('region', { name: 'P3 Minor' }).getByText('every 3 hours'));
    const p3 = (await app.api('GET', '/api/v1/severities')).body.data.find((s: { key: string }) => s.key === 'P3');
    expect(p3.updateCadenceMinutes).toBe(180);
    expect(p3.whenToEscalate).toBe('Escalate to P2 when a second customer reports it.');
    await visible(page.getByRole('region', { name: 'P3 Minor' }).getByText('Escalate to P2 when a second customer reports it.'));

    // Settings › Incidents.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Incidents' }).click();
    await onPath(page, '/settings/incidents');
    expect(await page.getByLabel('Company email list').inputValue()).toBe(COMPANY);
    // Slack channels are shown by name (the fake Slack named this one after its id when first used).
    await expect.poll(() => page.getByLabel('Announcements channel').inputValue()).toBe(`#${ANNOUNCE.toLowerCase()}`);
    await page.getByLabel('Security channel').fill('#security');
    await page.getByRole('button', { name: 'Save incident settings' }).click();
    await visible(page.getByText('is not a Slack channel id'));
    expect(await page.getByLabel('Security channel').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Security channel').fill('C0SECURITY');
    await page.getByLabel('Security owner').selectOption({ label: `Rita Rossi — ${RITA.email}` });
    await page.getByRole('button', { name: 'Save incident settings' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved' }));
    const settings = (await app.api('GET', '/api/v1/settings/incidents')).body;
    expect(settings).toMatchObject({ securityChannel: 'C0SECURITY', securityOwnerUserId: rita.id, companyEmail: COMPANY, announcementsChannel: ANNOUNCE });
    await screenshot(page, 'inc-settings');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('resolves and reopens an incident, and draws the numbers on Insights', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, RITA.email, RITA.password, '/incidents/INC-2');
    const bar = page.getByRole('toolbar', { name: 'Incident actions' });
    await bar.getByRole('button', { name: 'Change status' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Change the status of INC-2' }));
    await dialog.getByLabel('New status').selectOption({ label: 'Resolved' });
    await visible(dialog.getByText('A post-mortem is optional for P2'));
    await dialog.getByLabel('Reason').fill('Provider recovered');
    await dialog.getByRole('button', { name: 'Set to Resolved' }).click();
    await hidden(dialog);
    await visible(page.getByText('This incident is resolved'));
    const timers = page.getByRole('region', { name: 'Timers and targets' });
    await visible(timers.getByText('Lasted'));
    expect(await timers.getByText('Met', { exact: true }).count()).toBe(2);

    // Resolved incidents offer Reopen instead of the other actions.
    expect(await bar.getByRole('button', { name: 'Post update' }).count()).toBe(0);
    await bar.getByRole('button', { name: 'Reopen' }).click();
    const reopen = await visible(page.getByRole('dialog', { name: 'Reopen INC-2' }));
    await reopen.getByLabel('New status').selectOption({ label: 'Monitoring' });
    await reopen.getByRole('button', { name: 'Reopen' }).click();
    await hidden(reopen);
    await visible(page.locator('.page-header').getByText('Monitoring'));
    await visible(timelineItems(page).filter({ hasText: /reopened the incident \(Resolved → Monitoring\)/ }));
    await bar.getByRole('button', { name: 'Change status' }).click();
    const again = await visible(page.getByRole('dialog', { name: 'Change the status of INC-2' }));
    await again.getByLabel('New status').selectOption({ label: 'Resolved' });
    await again.getByRole('button', { name: 'Set to Resolved' }).click();
    await hidden(again);

    // Insights.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Insights' }).click();
    await onPath(page, '/insights');
    const summary = await visible(page.getByRole('list', { name: 'Summary' }));
    await visible(summary.getByRole('listitem', { name: 'Incidents: 2' }));
    const perWeek = page.getByRole('region', { name: 'Incidents per week' });
    expect(await perWeek.locator('svg rect').count()).toBeGreaterThan(0);
    expect(await perWeek.getByRole('img').getAttribute('aria-label')).toMatch(/Incidents per week: .* 2/);
    const bySeverity = page.getByRole('region', { name: 'Response by severity' });
    expect(await bySeverity.getByRole('img').getAttribute('aria-label')).toMatch(/P1 \(1\).*P2 \(1\)/);
    const byService = page.getByRole('region', { name: 'Response by service' });
    expect(await byService.getByRole('img').getAttribute('aria-label')).toContain('Checkout (2)');
    const load = page.getByRole('region', { name: 'On-call load' });
    await visible(load.getByRole('row', { name: /Ada Admin/ }));
    await screenshot(page, 'inc-insights');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says on the incident page who was not reached, and why', { timeout: 60_000 }, async () => {
    // Rita declares with Ada Admin as commander; Ada has no contact method, so her page reaches nobody.
    const declared = await app.api('POST', '/api/v1/incidents', { token: rita.token, body: { title: 'Refunds delayed', severity: 'P3', commanderId: adminId } });
    expect(declared.status).toBe(201);
    await until(async () => (await app.api('GET', `/api/v1/incidents/${declared.body.id}`)).body.notReached.length > 0, 'the incident marked not reached');
    const { context, page, errors } = await newPage();
    await signIn(page, RITA.email, RITA.password, `/incidents/${declared.body.reference}`);
    await visible(page.getByRole('heading', { level: 1, name: `${declared.body.reference} Refunds delayed` }));
    const banner = await visible(page.getByRole('alert').filter({ hasText: 'A page reached nobody.' }));
    expect((await banner.textContent()) ?? '').toContain('Not reached: Ada Admin (no verified contact method)');
    await visible(timelineItems(page).filter({ hasText: 'Not reached: Ada Admin' }));
    await screenshot(page, 'inc-not-reached');
    expect(errors).toEqual([]);
    await context.close();
  });
});

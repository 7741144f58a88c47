/**
 * Post-mortems and shift reports in the web app. Resolving a P0 creates a post-mortem draft (the
 * engine's job); the commander opens it from the incident, is refused publishing with the server's
 * reasons until the summary and root cause are written (Markdown, previewed safely) and an action
 * item exists (with a Jira ticket, followed back), comments, publishes, exports, and finds it again
 * by a word of the root cause. A responder on call sees their shift report draft filled with the
 * shift's alerts and open incidents, the previous report beside it, adds hand-over items and notes,
 * and sends it; others cannot.
 *
 * Real server (SQLite) on the real clock and engine, wired to the fake Jira of test/fakes; real
 * built web/dist, headless Chromium.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startFakeJira, type FakeJira } from '../fakes/jira.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, onPath, screenshot, visible, until, reportMissingBrowser, openPage } from './browser.js';

reportMissingBrowser('web UI: post-mortems and shift reports');

const PAUL = { name: 'Paul Park', email: 'paul@example.com', password: 'paul-secret-password' };

describe.skipIf(!HAVE_BROWSER)('web UI: post-mortems and shift reports', () => {
  let app: TestApp;
  let browser: Browser;
  let jira: FakeJira;
  let paul: { id: string; token: string; email: string };
  let scheduleId: string;
  let ogKey: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    [jira, browser] = await Promise.all([startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token' }), launchBrowser()]);
    app = await startTestApp({
      dialect: 'sqlite',
      config: { jira: { baseUrl: jira.url, email: 'bot@example.com', apiToken: 'jira-token', actionItemProject: 'OPS' } },
    });
    const adminId = (await app.api('GET', `/api/v1/users/${app.adminEmail}`)).body.id;
    paul = await app.createUserWithToken('responder', PAUL.email);
    expect((await app.api('PATCH', `/api/v1/users/${paul.id}`, { body: { name: PAUL.name, password: PAUL.password } })).status).toBe(200);
    expect((await app.api('POST', '/api/v1/teams', { body: { name: 'Payments', leadUserId: adminId, memberIds: [adminId, paul.id] } })).status).toBe(201);
    expect((await app.api('POST', '/api/v1/services', { body: { name: 'Checkout', teamId: 'payments' } })).status).toBe(201);
    const integ = await app.api('POST', '/api/v1/services/checkout/integrations', { body: { name: 'Grafana OG', type: 'opsgenie' } });
    expect(integ.status).toBe(201);
    ogKey = integ.body.key;
    // Paul is on call this week.
    const schedule = await app.api('POST', '/api/v1/schedules', {
      body: {
        name: 'Payments primary',
        teamId: 'payments',
        timeZone: 'UTC',
        layers: [
          {
            name: 'Weekly',
            participants: [PAUL.email],
            shift: { unit: 'week', length: 1 },
            handoffTime: '09:00',
            startDate: DateTime.utc().minus({ days: 14 }).toISODate(),
          },
        ],
      },
    });
    expect(schedule.status).toBe(201);
    scheduleId = schedule.body.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await jira?.close();
  });

  const newPage = () => openPage(browser, app.baseUrl);

  async function signIn(page: Page, email: string, password: string, path = '/'): Promise<void> {
    await page.goto(path);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  it('turns a resolved P0 into a post-mortem that is written, reviewed, published and found again', { timeout: 120_000 }, async () => {
    const declared = await app.api('POST', '/api/v1/incidents', {
      token: paul.token,
      body: { title: 'Database primary out of disk', severity: 'P0', serviceIds: ['checkout'], summary: 'Writes failing.' },
    });
    expect(declared.status).toBe(201);

    const { context, page, errors } = await newPage();
    await signIn(page, PAUL.email, PAUL.password, '/incidents/INC-1');
    await visible(page.getByRole('heading', { level: 1, name: 'INC-1 Database primary out of disk' }));

    // Resolve it: a P0 needs a post-mortem, made by the engine's job.
    await page.getByRole('toolbar', { name: 'Incident actions' }).getByRole('button', { name: 'Change status' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Change the status of INC-1' }));
    await dialog.getByLabel('New status').selectOption({ label: 'Resolved' });
    await visible(dialog.getByText('A P0 needs a post-mortem: a draft is created for the commander, due 5 days after resolution.'));
    await dialog.getByLabel('Reason').fill('Freed disk space and re-enabled writes');
    await dialog.getByRole('button', { name: 'Set to Resolved' }).click();
    await hidden(dialog);
    const pm = await until(
      async () =>
        (await app.api('GET', '/api/v1/postmortems', { token: paul.token })).body.data.find((p: { incidentId: string }) => p.incidentId === declared.body.id),
      'the post-mortem draft',
    );
    expect(pm.status).toBe('draft');
    await page.reload();
    await visible(page.getByRole('list', { name: 'Incident timeline' }).getByText('Post-mortem'));
    await page.getByRole('link', { name: 'Open post-mortem' }).click();
    await onPath(page, `/postmortems/${pm.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'INC-1: Database primary out of disk' }));
    const steps = page.getByRole('list', { name: 'Status' });
    expect(await steps.locator('[aria-current="step"]').textContent()).toContain('Draft');
    // The timeline section starts from the incident's.
    expect(await page.getByRole('textbox', { name: 'Timeline', exact: true }).inputValue()).toContain(
      'status investigating → resolved (Freed disk space and re-enabled writes)',
    );

    // Draft → in review; publishing is refused with the server's reason.
    const bar = page.getByRole('toolbar', { name: 'Post-mortem actions' });
    await bar.getByRole('button', { name: 'Send for review' }).click();
    await visible(steps.locator('[aria-current="step"]').filter({ hasText: 'In review' }));
    await bar.getByRole('button', { name: 'Publish' }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'Write at least the summary and the root cause before publishing.' }));
    await screenshot(page, 'inc-pm-refused');

    // Write the summary and root cause in Markdown; the preview renders it, HTML stays text.
    await page.getByRole('textbox', { name: 'Summary', exact: true }).fill('The **primary database** ran out of disk; writes failed for *40 minutes*.');
    await page.getByRole('group', { name: 'Summary: write or preview' }).getByRole('button', { name: 'Preview' }).click();
    const summaryPreview = await visible(page.getByRole('region', { name: 'Summary preview' }));
    expect(await summaryPreview.locator('strong').textContent()).toBe('primary database');
    expect(await summaryPreview.locator('em').textContent()).toBe('40 minutes');
    await page.getByRole('group', { name: 'Summary: write or preview' }).getByRole('button', { name: 'Write' }).click();
    await page
      .getByRole('textbox', { name: 'Root cause', exact: true })
      .fill(
        'Autovacuum was disabled on the `orders` table, so bloat filled the volume.\n\n- See [the runbook](https://wiki.example.com/db)\n- <img src=x onerror="window.__xss=1"> [bad](javascript:alert(1))',
      );
    await visible(bar.getByText('Unsaved changes (Summary, Root cause)'));
    await bar.getByRole('button', { name: 'Save changes' }).click();
    await visible(bar.getByText(/^Saved/));
    await page.getByRole('group', { name: 'Root cause: write or preview' }).getByRole('button', { name: 'Preview' }).click();
    const rootPreview = await visible(page.getByRole('region', { name: 'Root cause preview' }));
    expect(await rootPreview.locator('code').first().textContent()).toBe('orders');
    expect(await rootPreview.getByRole('link', { name: 'the runbook' }).getAttribute('href')).toBe('https://wiki.example.com/db');
    await visible(rootPreview.getByText('<img src=x onerror="window.__xss=1">'));
    expect(await rootPreview.locator('img').count()).toBe(0);
    expect(await rootPreview.getByRole('link', { name: 'bad' }).count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    await bar.getByRole('button', { name: 'Publish' }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'Add at least one action item before publishing.' }));

    // An action item with an owner, a due date and a Jira ticket.
    const items = page.getByRole('region', { name: 'Action items' });
    const form = items.getByRole('form', { name: 'Add an action item' });
    await form.getByLabel('What needs doing').fill('Alert when autovacuum is disabled');
    expect(await form.getByLabel('Owner').inputValue()).toBe(paul.id);
    const due = DateTime.local().plus({ days: 14 }).toISODate()!;
    await form.getByLabel('Due date').fill(due);
    await form.getByRole('checkbox', { name: 'Create a Jira ticket' }).check();
    await form.getByRole('button', { name: 'Add action item' }).click();
    const item = await visible(
      items.getByRole('list', { name: 'Action items' }).getByRole('listitem').filter({ hasText: 'Alert when autovacuum is disabled' }),
    );
    expect(await item.textContent()).toContain('Paul Park (you)');
    const ticketed = await until(
      async () =>
        (await app.api('GET', `/api/v1/postmortems/${pm.id}`, { token: paul.token })).body.actionItems.find((a: { jiraKey: string | null }) => a.jiraKey),
      'the Jira ticket',
    );
    expect(jira.createdIssues()[0]!.fields.summary).toBe('Alert when autovacuum is disabled');
    await visible(item.getByRole('link', { name: ticketed.jiraKey }), 20_000);
    await visible(item.getByText('To Do'));
    await item.getByRole('checkbox', { name: 'Done: Alert when autovacuum is disabled' }).check();
    await until(
      async () => (await app.api('GET', `/api/v1/postmortems/${pm.id}`, { token: paul.token })).body.actionItems[0].status === 'done',
      'the item done',
    );
    await visible(items.getByText('0 open of 1'));

    // A comment, in Markdown.
    const comments = page.getByRole('region', { name: 'Comments' });
    await comments.getByLabel('Comment').fill('Clear write-up. **Ship it.**');
    await comments.getByRole('button', { name: 'Comment' }).click();
    await visible(comments.getByRole('list', { name: 'Comments' }).locator('strong').filter({ hasText: 'Ship it.' }));

    // Publish.
    await bar.getByRole('button', { name: 'Publish' }).click();
    await visible(steps.locator('[aria-current="step"]').filter({ hasText: 'Published' }));
    await visible(page.getByRole('status').filter({ hasText: /^Published/ }));
    expect(await page.getByRole('textbox', { name: 'Summary', exact: true }).count()).toBe(0); // read-only now
    await visible(page.getByRole('region', { name: 'Summary preview' }).locator('strong').filter({ hasText: 'primary database' }));
    const history = page.getByRole('list', { name: 'Edit history' }).getByRole('listitem');
    expect(await history.count()).toBeGreaterThanOrEqual(2);
    expect(await history.first().textContent()).toContain('Paul Park (you) edited the sections');
    expect(await history.last().textContent()).toContain('created the draft');
    await visible(page.getByRole('list', { name: 'Post-mortem activity' }).getByText('published it'));
    await screenshot(page, 'inc-pm-published');

    // Exports.
    const md = await context.request.get((await page.getByRole('link', { name: 'Export Markdown' }).getAttribute('href'))!);
    const mdText = await md.text();
    expect(mdText).toContain('Autovacuum was disabled');
    expect(mdText).toContain(ticketed.jiraKey);
    const htmlHref = (await page.getByRole('link', { name: 'Printable HTML' }).getAttribute('href'))!;
    expect(htmlHref).toContain('format=html');
    expect(await (await context.request.get(htmlHref)).text()).toContain('<h1>INC-1: Database primary out of disk</h1>');

    // Search finds it by a word of the root cause.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Post-mortems' }).click();
    await onPath(page, '/postmortems');
    await visible(page.getByRole('row', { name: /INC-1: Database primary out of disk/ }));
    await page.getByLabel('Search post-mortems').fill('kubernetes');
    await visible(page.getByRole('heading', { name: 'No post-mortems match' }));
    await page.getByLabel('Search post-mortems').fill('autovacuum');
    const row = await visible(page.getByRole('row', { name: /INC-1: Database primary out of disk/ }));
    expect(await row.textContent()).toContain('Published');
    await page.getByLabel('Status').selectOption('draft');
    await visible(page.getByRole('heading', { name: 'No post-mortems match' }));
    await page.getByLabel('Status').selectOption('published');
    await visible(page.getByRole('row', { name: /INC-1/ }));
    expect(new URL(page.url()).search).toBe('?q=autovacuum&status=published');
    await screenshot(page, 'inc-pm-search');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the on-call their shift report draft beside the previous one, and sends it', { timeout: 90_000 }, async () => {
    // Last week's report, sent.
    const previous = await app.api('POST', '/api/v1/reports', { token: paul.token, body: { scheduleId, shiftStart: Date.now() - 7 * 86_400_000 } });
    expect(previous.status).toBe(201);
    await app.api('PATCH', `/api/v1/reports/${previous.body.id}`, {
      token: paul.token,
      body: { notes: 'Quiet week. Watch the **search indexer**.', handover: [{ text: 'Reindex search after the deploy', done: false }] },
    });
    expect((await app.api('POST', `/api/v1/reports/${previous.body.id}/send`, { token: paul.token })).status).toBe(200);

    // This shift: a draft, an alert and an open incident.
    const draft = await app.api('POST', '/api/v1/reports', { token: paul.token, body: { scheduleId, shiftStart: Date.now() - 60_000 } });
    expect(draft.status).toBe(201);
    expect(draft.body.previousReportId).toBe(previous.body.id);
    const sent = await app.api('POST', '/v2/alerts', {
      token: null,
      headers: { authorization: `GenieKey ${ogKey}` },
      body: { message: 'Queue depth high on payouts', alias: 'queue-payouts', priority: 'P3' },
    });
    expect(sent.status).toBe(202);
    await until(async () => (await app.api('GET', '/api/v1/alerts?status=unclosed&q=queue-payouts')).body.data[0], 'the alert');
    const incident = await app.api('POST', '/api/v1/incidents', {
      token: paul.token,
      body: { title: 'Payouts delayed', severity: 'P3', serviceIds: ['checkout'] },
    });
    expect(incident.status).toBe(201);

    const { context, page, errors } = await newPage();
    await signIn(page, PAUL.email, PAUL.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shift reports' }).click();
    await onPath(page, '/reports');
    const current = await visible(page.getByRole('region', { name: 'Your current report' }));
    await visible(current.getByRole('heading', { name: 'Payments primary — Paul Park (you)' }));
    await visible(current.getByText('Draft', { exact: true }));

    // The live sections.
    const shift = current.getByRole('region', { name: 'This shift so far' });
    await visible(shift.getByRole('region', { name: 'Alerts by service' }).getByText('Checkout'));
    await visible(shift.getByRole('region', { name: 'Noisiest alerts' }).getByText('Queue depth high on payouts'));
    await visible(current.getByRole('list', { name: 'Incidents still open' }).getByText('Payouts delayed'));

    // The previous report beside it.
    const prev = current.getByRole('complementary', { name: 'Previous report' });
    await visible(prev.getByText('Reindex search after the deploy'));
    expect(await prev.locator('strong').filter({ hasText: 'search indexer' }).count()).toBe(1);

    // Hand-over items and notes.
    await current.getByLabel('New hand-over item').fill('Watch the disk on db-2');
    await current.getByRole('button', { name: 'Add', exact: true }).click();
    const handover = current.getByRole('list', { name: 'Hand-over items' });
    await visible(handover.getByText('Watch the disk on db-2'));
    await current.getByLabel('New hand-over item').fill('Rotate the payouts API key');
    await current.getByRole('button', { name: 'Add', exact: true }).click();
    await handover.getByRole('checkbox', { name: 'Rotate the payouts API key' }).check();
    await until(
      async () =>
        (await app.api('GET', `/api/v1/reports/${draft.body.id}`, { token: paul.token })).body.report.handover.find(
          (h: { text: string; done: boolean }) => h.text === 'Rotate the payouts API key' && h.done,
        ),
      'the item done',
    );
    await current
      .getByRole('textbox', { name: 'Notes for the team and the next on-call', exact: true })
      .fill('## What happened\n\nPayout queue backed up twice; **INC-2** still open.');
    await current.getByRole('button', { name: 'Save notes' }).click();
    await hidden(current.getByText('Unsaved notes'));
    expect((await app.api('GET', `/api/v1/reports/${draft.body.id}`, { token: paul.token })).body.report.notes).toContain('Payout queue backed up twice');
    await screenshot(page, 'inc-report-draft');

    // Someone else can read it, not send it.
    const other = await app.api('POST', `/api/v1/reports/${draft.body.id}/send`);
    expect(other.status).toBe(403);

    // Send, after confirming.
    await current.getByRole('button', { name: 'Send report' }).click();
    const confirm = await visible(page.getByRole('dialog', { name: 'Send your shift report?' }));
    await visible(confirm.getByText('1 hand-over item still open will be handed over.'));
    await confirm.getByRole('button', { name: 'Send now' }).click();
    await hidden(confirm);
    await visible(page.getByRole('status').filter({ hasText: 'Report sent' }));
    expect((await app.api('GET', `/api/v1/reports/${draft.body.id}`, { token: paul.token })).body.report.status).toBe('sent');

    // Browse: by person and by text.
    const browse = page.getByRole('region', { name: 'Browse reports' });
    await browse.getByLabel('Person').selectOption('me');
    await browse.getByLabel('Search reports').fill('db-2');
    const rows = browse.getByRole('row');
    await until(async () => (await rows.count()) === 2 && /Sent/.test((await rows.nth(1).textContent()) ?? ''), 'one matching report');
    await rows.nth(1).getByRole('link').click();
    await onPath(page, `/reports/${draft.body.id}`);
    await visible(page.getByText('Sent', { exact: true }));
    expect(await page.getByRole('button', { name: 'Send report' }).count()).toBe(0);
    await visible(page.locator('.md').getByRole('heading', { name: 'What happened' }));
    await screenshot(page, 'inc-report-sent');

    // The admin reads it and cannot send it.
    expect(errors).toEqual([]);
    await context.close();
    const admin = await newPage();
    await signIn(admin.page, app.adminEmail, app.adminPassword, `/reports/${previous.body.id}`);
    await visible(admin.page.getByRole('heading', { name: 'Payments primary — Paul Park' }));
    expect(await admin.page.getByRole('button', { name: 'Send report' }).count()).toBe(0);
    expect(admin.errors).toEqual([]);
    await admin.context.close();
  });
});

/**
 * Notification settings in the web app, as a new responder gets ready for on call: the Home card
 * "Setting up on call" leads to the settings; they link Slack, add a Slack DM (trusted, no code)
 * and an email (verified with the code from the email, after a wrong one), add rules in order,
 * set quiet hours, send themselves a test page and acknowledge it — and the checklist completes.
 * Their team lead sees on Home who in the next shifts is not ready, before and after.
 *
 * Real server (SQLite) on the real clock and engine, wired to the fake Slack and SMTP servers of
 * test/fakes; real built web/dist, headless Chromium.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, onPath, screenshot, visible, reportMissingBrowser, openPage } from './browser.js';

reportMissingBrowser('web UI: notifications');

const NORA = { name: 'Nora Quinn', email: 'nora@example.com', password: 'nora-secret-password' };
const NORA_SLACK = 'U0NORA0001';

describe.skipIf(!HAVE_BROWSER)('web UI: notifications', () => {
  let app: TestApp;
  let browser: Browser;
  let slack: FakeSlack;
  let smtp: SmtpSink;

  beforeAll(async () => {
    await ensureWebBuilt();
    [slack, smtp, browser] = await Promise.all([startFakeSlack(), startSmtpSink(), launchBrowser()]);
    slack.addUser({ id: NORA_SLACK, name: 'nora', email: NORA.email } as never);
    app = await startTestApp({
      dialect: 'sqlite',
      config: {
        slack: { botToken: 'xoxb-test-token', signingSecret: 'test-signing-secret-0123456789', apiUrl: slack.url },
        email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}?ignoreTLS=true`, from: 'Vigil <vigil@example.com>' },
      },
    });
    const admin = (await app.api('GET', `/api/v1/users/${app.adminEmail}`)).body;
    const nora = await app.api('POST', '/api/v1/users', { body: { ...NORA, role: 'responder', timeZone: 'Europe/Berlin' } });
    expect(nora.status).toBe(201);
    expect((await app.api('POST', '/api/v1/teams', { body: { name: 'Payments', leadUserId: admin.id, memberIds: [admin.id, nora.body.id] } })).status).toBe(201);
    const schedule = await app.api('POST', '/api/v1/schedules', {
      body: {
        name: 'Payments primary',
        teamId: 'payments',
        timeZone: 'UTC',
        layers: [{ name: 'Weekly', participants: [NORA.email], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: DateTime.utc().minus({ days: 7 }).toISODate() }],
      },
    });
    expect(schedule.status).toBe(201);
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

  const step = (page: Page, label: string) => page.getByRole('list', { name: 'Setup steps' }).getByRole('listitem', { name: new RegExp(`^${label}`) });

  it('shows a team lead who in the next shifts is not ready yet', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword);
    const readiness = await visible(page.getByRole('region', { name: 'Team readiness' }));
    const nora = await visible(readiness.getByRole('listitem').filter({ hasText: 'Nora Quinn' }).first());
    const text = (await nora.textContent()) ?? '';
    expect(text).toContain('Payments primary');
    expect(text).toContain('Link your Slack account');
    expect(text).toContain('Send yourself a test page and acknowledge it');
    expect(text).toContain('No verified contact method');
    await screenshot(page, 'alerts-readiness');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('walks a responder through on-call setup until the checklist is complete', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, NORA.email, NORA.password);

    // Home: the checklist card, nothing done yet.
    const card = await visible(page.getByRole('region', { name: 'Setting up on call' }));
    await visible(card.getByText('0 of 3 required steps done'));
    await screenshot(page, 'alerts-home-checklist');
    await card.getByRole('link', { name: 'Link Slack' }).click();
    await onPath(page, '/settings/notifications');

    // Link Slack.
    await page.getByLabel('Your Slack user id').fill(NORA_SLACK.toLowerCase());
    await page.getByRole('button', { name: 'Link Slack account' }).click();
    await visible(page.getByRole('region', { name: 'Slack account' }).getByText('Linked'));
    await visible(step(page, 'Link your Slack account: done'));

    // A Slack DM to the linked account is trusted: verified without a code.
    const contacts = page.getByRole('region', { name: 'Contact methods' });
    const addForm = page.getByRole('form', { name: 'Add a contact method' });
    await addForm.getByLabel('Type').selectOption({ label: 'Slack DM' });
    expect(await addForm.getByLabel('Slack user id').inputValue()).toBe(NORA_SLACK);
    await addForm.getByRole('button', { name: 'Add contact method' }).click();
    const dm = await visible(contacts.getByRole('listitem', { name: `Slack DM ${NORA_SLACK}` }));
    await visible(dm.getByText('Verified'));
    await visible(step(page, 'Add and verify a contact method: done'));

    // Email: a code arrives by email. A wrong code is refused; a resent one works.
    await addForm.getByLabel('Type').selectOption({ label: 'Email' });
    expect(await addForm.getByLabel('Email address').inputValue()).toBe(NORA.email);
    await addForm.getByRole('button', { name: 'Add contact method' }).click();
    await visible(contacts.getByText(`We sent a code to ${NORA.email}`));
    const emailRow = await visible(contacts.getByRole('listitem', { name: `Email ${NORA.email}` }));
    await visible(emailRow.getByText('Not verified'));
    const codeOf = (text: string) => /\b(\d{6})\b/.exec(text)![1]!;
    const first = codeOf((await smtp.waitFor((m) => m.to.includes(NORA.email) && /code/i.test(m.subject + m.text), 15_000)).text);
    const wrong = first === '000000' ? '111111' : '000000';
    await emailRow.getByLabel(`Verification code for ${NORA.email}`).fill(wrong);
    await emailRow.getByRole('button', { name: 'Verify' }).click();
    await visible(emailRow.getByRole('alert').filter({ hasText: 'That code is not right.' }));
    await screenshot(page, 'alerts-verify-error');

    smtp.reset();
    await emailRow.getByRole('button', { name: 'Resend code' }).click();
    await visible(emailRow.getByText('A new code is on its way.'));
    const second = codeOf((await smtp.waitFor((m) => m.to.includes(NORA.email), 15_000)).text);
    await emailRow.getByLabel(`Verification code for ${NORA.email}`).fill(second);
    await emailRow.getByRole('button', { name: 'Verify' }).click();
    await visible(emailRow.getByText('Verified'));
    await hidden(emailRow.getByText('Not verified'));

    // Rules, in order: Slack DM now, email after 2 minutes.
    const high = page.getByRole('region', { name: 'High urgency rules' });
    await high.getByLabel('Contact method for high urgency').selectOption({ label: `Slack DM ${NORA_SLACK}` });
    await high.getByLabel('Minutes after the page starts (high urgency)').fill('0');
    await high.getByRole('button', { name: 'Add rule' }).click();
    await visible(high.getByText('Slack DM now.'));
    await high.getByLabel('Contact method for high urgency').selectOption({ label: `Email ${NORA.email}` });
    await high.getByLabel('Minutes after the page starts (high urgency)').fill('2');
    await high.getByRole('button', { name: 'Add rule' }).click();
    await visible(high.getByText('Slack DM now, then Email after 2 minutes.'));
    await visible(step(page, 'Set how you are paged: done'));

    // Quiet hours.
    const quiet = page.getByRole('region', { name: 'Quiet hours' });
    await quiet.getByLabel('Hold low-urgency pages during quiet hours').check();
    await quiet.getByLabel('Quiet hours start').fill('22:30');
    await quiet.getByLabel('Quiet hours end').fill('07:00');
    await quiet.getByRole('button', { name: 'Save quiet hours' }).click();
    await visible(quiet.getByText('Saved: quiet from 22:30 to 07:00.'));

    // A test page goes out as a Slack DM; acknowledging it completes the checklist.
    const testPage = page.getByRole('region', { name: 'Test page' });
    await testPage.getByRole('button', { name: 'Send test page' }).click();
    const status = await visible(testPage.getByLabel('Page status'));
    await visible(status.getByText('Vigil test page'));
    await visible(status.getByText(`Slack DM sent to ${NORA_SLACK}`), 20_000);
    expect(slack.callsTo('chat.postMessage').some((c) => JSON.stringify(c.args).includes('Vigil test page'))).toBe(true);
    await screenshot(page, 'alerts-test-page');
    await status.getByRole('button', { name: 'Acknowledge' }).click();
    await visible(status.getByText('Acknowledged via web'));
    await hidden(status.getByRole('button', { name: 'Acknowledge' }));
    await visible(step(page, 'Send yourself a test page and acknowledge it: done'));
    await visible(page.getByRole('region', { name: 'Setting up on call' }).getByText('You are ready to be on call.'));
    await screenshot(page, 'alerts-notifications');

    const checklist = (await app.api('GET', `/api/v1/users/${NORA.email}/checklist`)).body;
    expect(checklist.complete).toBe(true);

    // A contact method can be removed again.
    await addForm.getByLabel('Type').selectOption({ label: 'Webhook' });
    await addForm.getByLabel('Webhook URL').fill('http://127.0.0.1:9/nora');
    await addForm.getByRole('button', { name: 'Add contact method' }).click();
    await contacts.getByRole('button', { name: 'Remove Webhook http://127.0.0.1:9/nora' }).click();
    const confirm = await visible(page.getByRole('dialog', { name: /Remove Webhook/ }));
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await hidden(confirm);
    await hidden(contacts.getByRole('listitem', { name: /Webhook/ }));

    // The link every notification carries opens the page on its own.
    await status.getByRole('link', { name: 'Open this page' }).click();
    await page.waitForURL(/\/pages\/[^/]+$/);
    await visible(page.getByRole('heading', { level: 1, name: 'Vigil test page' }));
    await visible(page.getByLabel('Page status').getByText('Acknowledged via web'));

    // Home no longer nags.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await visible(page.getByRole('heading', { name: 'Who is on call' }));
    expect(await page.getByRole('region', { name: 'Setting up on call' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the lead that the team is ready once everyone is set up', { timeout: 60_000 }, async () => {
    const { context, page, errors } = await newPage();
    await signIn(page, app.adminEmail, app.adminPassword);
    const readiness = await visible(page.getByRole('region', { name: 'Team readiness' }));
    await visible(readiness.getByText('Everyone on Payments’s upcoming shifts is ready.'));
    expect(errors).toEqual([]);
    await context.close();
  });
});

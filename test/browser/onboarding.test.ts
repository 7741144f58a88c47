/**
 * A team's first day in the web app: the admin invites an engineer from Users & Teams, the engineer
 * opens the emailed link, chooses a name and password and lands signed in; the admin then creates a
 * schedule and picks its on-call user group and hand-off channel by name (the Slack pickers read the
 * fake Slack's conversations.list, paginated with cursors, and usergroups.list). The invite form
 * picks a Slack channel by name and invites its members (skipping bots and people with an account),
 * and the incident settings pick the security channel and the on-call user group by name. A saved
 * channel is shown by its name again, also when it is past the first page of the channel list.
 *
 * Real server (SQLite) on the real clock, with the fake Slack and the SMTP sink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_EMAIL, startTestApp, type TestApp } from '../helpers/app.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, onPath, visible, reportMissingBrowser } from './browser.js';

reportMissingBrowser('web UI: onboarding');

describe.skipIf(!HAVE_BROWSER)('web UI: onboarding', () => {
  let app: TestApp;
  let browser: Browser;
  let slack: FakeSlack;
  let smtp: SmtpSink;

  beforeAll(async () => {
    await ensureWebBuilt();
    slack = await startFakeSlack({ strict: true });
    // More channels than one page of conversations.list (200): the one we want is on the second.
    for (let i = 0; i < 210; i++) slack.addChannel({ id: `C0PAD${String(i).padStart(5, '0')}`, name: `aaa-padding-${String(i).padStart(3, '0')}` });
    slack.addChannel({ id: 'C0HANDOFF01', name: 'zz-payments-handoff' });
    slack.addUserGroup({ id: 'S0PAYONCALL', handle: 'payments-oncall', name: 'Payments on-call' });
    slack.addUserGroup({ id: 'S0SEARCH001', handle: 'search-oncall', name: 'Search on-call' });
    // A channel whose members are invited: a new engineer, a bot and someone with an account already.
    slack.addUser({ id: 'U0EVE00001', email: 'eve@example.com', name: 'Eve Park' });
    slack.addUser({ id: 'U0BOT00001', name: 'deploybot', is_bot: true });
    slack.addUser({ id: 'U0ADMIN001', email: ADMIN_EMAIL, name: 'Admin' });
    slack.addChannel({ id: 'C0PAYPEOPLE', name: 'zz-payments-people', members: [slack.botUserId, 'U0EVE00001', 'U0BOT00001', 'U0ADMIN001'] });
    smtp = await startSmtpSink();
    [app, browser] = await Promise.all([
      startTestApp({
        dialect: 'sqlite',
        config: {
          publicUrl: 'http://127.0.0.1:1',
          slack: { botToken: 'xoxb-test-token', signingSecret: 'test-signing-secret-0123456789', apiUrl: slack.url },
          email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}?ignoreTLS=true`, from: 'Vigil <vigil@example.com>' },
        },
      }),
      launchBrowser(),
    ]);
    expect((await app.api('POST', '/api/v1/teams', { body: { name: 'Payments' } })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await slack?.close();
    await smtp?.close();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: app.baseUrl, viewport: { width: 1360, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    return { context, page, errors };
  }

  async function signIn(page: Page, path = '/'): Promise<void> {
    await page.goto(path);
    await page.getByLabel('Email').fill(app.adminEmail);
    await page.getByLabel('Password').fill(app.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  it('an admin invites an engineer, who follows the link, sets a password and is signed in', async () => {
    const admin = await newPage();
    await signIn(admin.page, '/users');
    await admin.page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = await visible(admin.page.getByRole('dialog', { name: 'Invite people' }));
    await dialog.getByLabel('Email addresses').fill('ana@example.com');
    await dialog.getByLabel('Team').selectOption({ label: 'Payments' });
    await dialog.getByRole('button', { name: 'Send invites' }).click();
    await hidden(dialog);
    await visible(admin.page.getByText('Invited ana@example.com.'));
    await visible(admin.page.getByRole('table', { name: 'Pending invites' }).getByRole('cell', { name: 'ana@example.com' }));
    await admin.context.close();

    // The engine sends the email; the link carries the single-use token.
    const mail = await smtp.waitFor((m) => m.to.includes('ana@example.com') && /invites you/.test(m.subject), 15_000);
    const path = /https?:\/\/[^/\s]+(\/invite\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const ana = await newPage();
    await ana.page.goto(path);
    await visible(ana.page.getByRole('heading', { name: 'Join Payments on Vigil' }));
    await ana.page.getByLabel('Your name').fill('Ana Lima');
    await ana.page.getByLabel('Password', { exact: true }).fill('short');
    await ana.page.getByLabel('Password again').fill('short');
    await ana.page.getByRole('button', { name: 'Join' }).click();
    await visible(ana.page.getByText('Choose a password of at least 10 characters.'));
    await ana.page.getByLabel('Password', { exact: true }).fill('ana-long-password');
    await ana.page.getByLabel('Password again').fill('ana-long-password');
    await ana.page.getByRole('button', { name: 'Join' }).click();
    await onPath(ana.page, '/settings/notifications');
    await visible(ana.page.getByRole('navigation', { name: 'Main' }));
    expect(ana.errors).toEqual([]);

    const users = (await app.api('GET', '/api/v1/users')).body.data;
    const created = users.find((u: { email: string }) => u.email === 'ana@example.com');
    expect(created).toMatchObject({ name: 'Ana Lima', role: 'responder' });
    expect((await app.api('GET', '/api/v1/teams/payments')).body.memberIds).toContain(created.id);

    // The link worked once.
    await ana.page.goto(path);
    await visible(ana.page.getByRole('heading', { name: 'This invite cannot be used' }));
    await ana.context.close();
  });

  it('the schedule form picks the on-call user group and the hand-off channel by name', async () => {
    const ana = (await app.api('GET', '/api/v1/users')).body.data.find((u: { email: string }) => u.email === 'ana@example.com');
    const today = new Date().toISOString().slice(0, 10);
    const created = await app.api('POST', '/api/v1/schedules', {
      body: { name: 'Payments on-call', slug: 'payments-oncall', teamId: 'payments', timeZone: 'UTC', layers: [{ name: 'Weekly', participants: [ana.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: today }] },
    });
    expect(created.status).toBe(201);

    const { page, errors, context } = await newPage();
    await signIn(page, '/schedules/payments-oncall');
    await page.getByRole('button', { name: 'Edit schedule' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: /Edit Payments on-call/ }));

    const group = dialog.getByRole('combobox', { name: 'On-call Slack user group' });
    await group.fill('payments');
    await dialog.getByRole('option', { name: /@payments-oncall/ }).click();
    await expect.poll(() => group.inputValue()).toBe('@payments-oncall');

    // The channel is past the first page of conversations.list: the search walks the cursor.
    const channel = dialog.getByRole('combobox', { name: 'Hand-off channel' });
    await channel.fill('zz-pay');
    await dialog.getByRole('option', { name: /#zz-payments-handoff/ }).click();
    await expect.poll(() => channel.inputValue()).toBe('#zz-payments-handoff');

    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await hidden(dialog);
    const saved = (await app.api('GET', '/api/v1/schedules/payments-oncall')).body;
    expect(saved).toMatchObject({ slackUserGroupId: 'S0PAYONCALL', slackHandoffChannel: 'C0HANDOFF01' });
    const lists = slack.callsTo('conversations.list');
    expect(lists.some((c) => c.args.cursor)).toBe(true);
    expect(slack.callsTo('usergroups.list').length).toBeGreaterThan(0);

    // Opening the form again shows the names, not the ids.
    await page.getByRole('button', { name: 'Edit schedule' }).click();
    const again = await visible(page.getByRole('dialog', { name: /Edit Payments on-call/ }));
    await expect.poll(() => again.getByRole('combobox', { name: 'On-call Slack user group' }).inputValue()).toBe('@payments-oncall');
    // Also the channel past the first page, found by its id.
    await expect.poll(() => again.getByRole('combobox', { name: 'Hand-off channel' }).inputValue()).toBe('#zz-payments-handoff');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('invites the members of a Slack channel picked by name, skipping bots and people who have an account', { timeout: 60_000 }, async () => {
    const { page, errors, context } = await newPage();
    await signIn(page, '/users');
    await page.getByRole('button', { name: 'Invite people' }).click();
    const dialog = await visible(page.getByRole('dialog', { name: 'Invite people' }));
    await dialog.getByRole('radio', { name: 'From a Slack channel' }).check();
    const channel = dialog.getByRole('combobox', { name: 'Slack channel' });
    await channel.fill('zz-payments-p');
    await dialog.getByRole('option', { name: /#zz-payments-people/ }).click();
    await expect.poll(() => channel.inputValue()).toBe('#zz-payments-people');
    await dialog.getByLabel('Team').selectOption({ label: 'Payments' });
    await dialog.getByRole('button', { name: 'Send invites' }).click();
    await hidden(dialog);
    const flash = await visible(page.getByText('Invited 1 person from the channel: eve@example.com.'));
    expect(await flash.textContent()).toMatch(/deploybot \(a bot\)/);
    expect(await flash.textContent()).toMatch(/has an account already/);
    await visible(page.getByRole('table', { name: 'Pending invites' }).getByRole('cell', { name: 'eve@example.com' }));
    expect(slack.callsTo('conversations.members').some((c) => c.args.channel === 'C0PAYPEOPLE')).toBe(true);
    await smtp.waitFor((m) => m.to.includes('eve@example.com') && /invites you/.test(m.subject), 15_000);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the incident settings pick the security channel and the on-call user group by name', { timeout: 60_000 }, async () => {
    const { page, errors, context } = await newPage();
    await signIn(page, '/settings/incidents');
    const security = await visible(page.getByRole('combobox', { name: 'Security channel' }));
    await security.fill('zz-pay');
    await page.getByRole('option', { name: /#zz-payments-handoff/ }).click();
    await expect.poll(() => security.inputValue()).toBe('#zz-payments-handoff');
    const group = page.getByRole('combobox', { name: 'On-call user group' });
    await group.fill('search');
    await page.getByRole('option', { name: /@search-oncall/ }).click();
    await expect.poll(() => group.inputValue()).toBe('@search-oncall');
    await page.getByRole('button', { name: 'Save incident settings' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved' }));
    expect((await app.api('GET', '/api/v1/settings/incidents')).body).toMatchObject({ securityChannel: 'C0HANDOFF01', oncallUserGroup: 'S0SEARCH001' });

    // After a reload the names are shown, not the ids.
    await page.reload();
    await expect.poll(() => page.getByRole('combobox', { name: 'Security channel' }).inputValue()).toBe('#zz-payments-handoff');
    expect(errors).toEqual([]);
    await context.close();
  });
});

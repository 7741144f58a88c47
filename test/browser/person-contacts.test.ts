/**
 * Setting up someone else's contact methods in the web app: a team lead opens a member's contact
 * methods on Users & Teams, adds an email address and enters the code sent to it (a wrong one is
 * refused); the method is verified. An admin adds one for a person outside every team, and that
 * person enters the code in their own notification settings. The lead gets no such button for the
 * person outside the team, and the API refuses them.
 *
 * Real server (SQLite) on the real clock and engine, with the SMTP sink; real built web/dist, headless
 * Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { ensureWebBuilt, HAVE_BROWSER, hidden, launchBrowser, openPage, reportMissingBrowser, screenshot, visible } from './browser.js';

reportMissingBrowser('web UI: contact methods of others');

const TARA = { name: 'Tara Lead', email: 'tara@example.com', password: 'tara-secret-password' };
const MIA = { name: 'Mia Member', email: 'mia@example.com', password: 'mia-secret-password' };
const OTTO = { name: 'Otto Outside', email: 'otto@example.com', password: 'otto-secret-password' };

describe.skipIf(!HAVE_BROWSER)('web UI: contact methods of others', () => {
  let app: TestApp;
  let browser: Browser;
  let smtp: SmtpSink;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await ensureWebBuilt();
    [smtp, browser] = await Promise.all([startSmtpSink(), launchBrowser()]);
    app = await startTestApp({ dialect: 'sqlite', config: { email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}?ignoreTLS=true`, from: 'Vigil <vigil@example.com>' } } });
    for (const [key, u] of Object.entries({ tara: TARA, mia: MIA, otto: OTTO })) {
      const res = await app.api('POST', '/api/v1/users', { body: { ...u, role: 'responder' } });
      expect(res.status).toBe(201);
      ids[key] = res.body.id;
    }
    expect((await app.api('POST', '/api/v1/teams', { body: { name: 'Checkout', leadUserId: ids.tara, memberIds: [ids.tara, ids.mia] } })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await smtp?.close();
  });

  async function signIn(page: Page, email: string, password: string, path = '/'): Promise<void> {
    await page.goto(path);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('navigation', { name: 'Main' }));
  }

  const codeOf = (text: string) => /\b(\d{6})\b/.exec(text)![1]!;

  it("lets a team lead add a member's email and verify it with the code sent to it", { timeout: 90_000 }, async () => {
    const { context, page, errors } = await openPage(browser, app.baseUrl);
    await signIn(page, TARA.email, TARA.password, '/users');
    await visible(page.getByRole('button', { name: `Contact methods of ${MIA.name}` }));
    expect(await page.getByRole('button', { name: `Contact methods of ${OTTO.name}` }).count()).toBe(0);
    await page.getByRole('button', { name: `Contact methods of ${MIA.name}` }).click();
    const dialog = await visible(page.getByRole('dialog', { name: `Contact methods of ${MIA.name}` }));
    await visible(dialog.getByText('No contact methods yet.'));

    const form = dialog.getByRole('form', { name: 'Add a contact method' });
    expect(await form.getByLabel('Email address').inputValue()).toBe(MIA.email);
    await form.getByLabel('Email address').fill('mia.pager@example.org');
    await form.getByRole('button', { name: 'Add and send a code' }).click();
    await visible(dialog.getByText('We sent a code to mia.pager@example.org'));
    const row = await visible(dialog.getByRole('listitem', { name: 'Email mia.pager@example.org' }));
    await visible(row.getByText('Not verified'));
    // No remove button: only the person and admins remove contact methods.
    expect(await row.getByRole('button', { name: /^Remove / }).count()).toBe(0);

    const code = codeOf((await smtp.waitFor((m) => m.to.includes('mia.pager@example.org') && /code/i.test(m.subject + m.text), 15_000)).text);
    await row.getByLabel('Verification code for mia.pager@example.org').fill(code === '000000' ? '111111' : '000000');
    await row.getByRole('button', { name: 'Verify' }).click();
    await visible(row.getByRole('alert').filter({ hasText: 'That code is not right.' }));
    await row.getByLabel('Verification code for mia.pager@example.org').fill(code);
    await row.getByRole('button', { name: 'Verify' }).click();
    await visible(dialog.getByRole('listitem', { name: 'Email mia.pager@example.org' }).getByText('Verified'));
    await hidden(dialog.getByText('Not verified'));
    await screenshot(page, 'person-contacts-verified');

    const contacts = (await app.api('GET', `/api/v1/users/${ids.mia}/contact-methods`)).body.data;
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ type: 'email', address: 'mia.pager@example.org' });
    expect(contacts[0].verifiedAt).toBeTypeOf('number');

    // Outside her teams the API refuses her too.
    const refused = await page.evaluate(async (otto) => {
      const r = await fetch(`/api/v1/users/${otto}/contact-methods`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'email', address: 'otto@example.org' }) });
      return { status: r.status, body: (await r.json()) as { error: { code: string } } };
    }, ids.otto!);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'not_yourself']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets an admin add a contact method for someone, who enters the code in their own settings', { timeout: 90_000 }, async () => {
    const admin = await openPage(browser, app.baseUrl);
    await signIn(admin.page, app.adminEmail, app.adminPassword, '/users');
    await admin.page.getByRole('button', { name: `Contact methods of ${OTTO.name}` }).click();
    const dialog = await visible(admin.page.getByRole('dialog', { name: `Contact methods of ${OTTO.name}` }));
    const form = dialog.getByRole('form', { name: 'Add a contact method' });
    await form.getByRole('button', { name: 'Add and send a code' }).click();
    await visible(dialog.getByText(`We sent a code to ${OTTO.email}`));
    await visible(dialog.getByRole('listitem', { name: `Email ${OTTO.email}` }).getByText('Not verified'));
    expect(admin.errors).toEqual([]);
    await admin.context.close();

    const code = codeOf((await smtp.waitFor((m) => m.to.includes(OTTO.email) && /code/i.test(m.subject + m.text), 15_000)).text);
    const otto = await openPage(browser, app.baseUrl);
    await signIn(otto.page, OTTO.email, OTTO.password, '/settings/notifications');
    const row = await visible(otto.page.getByRole('listitem', { name: `Email ${OTTO.email}` }));
    await row.getByLabel(`Verification code for ${OTTO.email}`).fill(code);
    await row.getByRole('button', { name: 'Verify' }).click();
    await visible(row.getByText('Verified'));
    expect(otto.errors).toEqual([]);
    await otto.context.close();
  });
});

/**
 * A team's first week, as a runbook: the admin invites four engineers by email (one from the CLI);
 * each follows the sign-up link, sets a name and password and joins the team; the admin adds a phone
 * number for each, and each confirms it (two by typing the code, two by following the link). A weekly
 * schedule starts now; a P3 incident's updates are replies in the thread of its first announcement;
 * at the end of the week the on-call's report reaches the team's email and the team's Notion
 * database (the fake Notion API), and a later edit of a post-mortem updates its Notion page in place.
 *
 * Vendor behaviour relied on: Slack threads by `thread_ts` (https://api.slack.com/methods/chat.postMessage);
 * Notion pages are created in a database with `parent.database_id`, properties by the database's
 * schema, at most 100 children per request (https://developers.notion.com/reference/post-page,
 * https://developers.notion.com/reference/request-limits).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startWorld, type World } from '../helpers/world.js';
import { startFakeNotion, type FakeNotion, type FakeNotionDatabase } from '../fakes/notion.js';
import { DIALECTS, postgresAvailable } from '../helpers/databases.js';

const run = promisify(execFile);
const MIN = 60_000;
const DAY = 86_400_000;
const ANN = 'C0ANNOUNCE1';
const ENGINEERS = [
  { email: 'ana@example.com', name: 'Ana', phone: '+14155550101', slack: 'U0ANA00001' },
  { email: 'bo@example.com', name: 'Bo', phone: '+14155550102', slack: 'U0BO000001' },
  { email: 'cy@example.com', name: 'Cy', phone: '+14155550103', slack: 'U0CY000001' },
  { email: 'di@example.com', name: 'Di', phone: '+14155550104', slack: 'U0DI000001' },
];

const pg = await postgresAvailable();

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !pg)(`the first week (${dialect})`, () => {
    let w: World;
    let notion: FakeNotion;
    let reportsDb: FakeNotionDatabase;
    let pmDb: FakeNotionDatabase;
    const cookies = new Map<string, string>();
    const ids = new Map<string, string>();
    let incidentId = '';

    const as = (email: string) => ({ token: null, headers: { cookie: cookies.get(email)! } });
    const linkIn = (text: string, path: string) => new RegExp(`${path}/([A-Za-z0-9_-]+)`).exec(text)?.[1];

    beforeAll(async () => {
      notion = await startFakeNotion();
      reportsDb = notion.addDatabase({ title: 'On-call reports', properties: { Name: 'title', Date: 'date', Status: 'select', Link: 'url' } });
      pmDb = notion.addDatabase({ title: 'Post-mortems', properties: { Title: 'title', Severity: 'select', Date: 'date', Status: 'status', Link: 'url', Owner: 'people' } });
      w = await startWorld({ dialect, config: { notion: { token: notion.token, apiUrl: notion.url } } });
      for (const e of ENGINEERS) w.slack.addUser({ id: e.slack, email: e.email, name: e.name });
      expect((await w.t.api('POST', '/api/v1/teams', { body: { name: 'Payments' } })).status).toBe(201);
      // The admin picks the Notion databases in the settings (the token comes from the configuration).
      const set = await w.t.api('PUT', '/api/v1/settings/notion', { body: { reportsDatabaseId: reportsDb.id, postmortemsDatabaseId: pmDb.id.replace(/-/g, '') } });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ configured: true, tokenSource: 'config' });
      const check = await w.t.api('POST', '/api/v1/settings/notion/check');
      expect(check.body.ok).toBe(true);
      expect(check.body.databases.map((d: { title: string }) => d.title).sort()).toEqual(['On-call reports', 'Post-mortems']);
      expect((await w.t.api('PATCH', '/api/v1/settings/incidents', { body: { companyEmail: 'company@example.com', announcementsChannel: ANN } })).status).toBe(200);
    });
    afterAll(async () => {
      await w?.close();
      await notion?.close();
    });

    it('the admin invites four engineers; one invite comes from the CLI', async () => {
      for (const e of ENGINEERS.slice(0, 3)) {
        const res = await w.t.api('POST', '/api/v1/invites', { body: { email: e.email, teamId: 'payments' } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ email: e.email, status: 'pending', role: 'responder' });
      }
      const dir = mkdtempSync(join(tmpdir(), 'vigil-first-week-'));
      const cli = await run(process.execPath, ['bin/vigil.js', '--url', w.t.baseUrl, '--token', w.t.adminToken, 'users', 'invite', ENGINEERS[3]!.email, '--team', 'payments'], { env: { ...process.env, VIGIL_CLI_CONFIG_DIR: dir } });
      expect(cli.stdout).toContain(`Invited ${ENGINEERS[3]!.email}`);
      const list = await w.t.api('GET', '/api/v1/invites');
      expect(list.body.data.filter((i: { status: string }) => i.status === 'pending')).toHaveLength(4);
      // Bad input is a 4xx naming the problem.
      const dup = await w.t.api('POST', '/api/v1/invites', { body: { email: w.t.adminEmail } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('email_taken');
      const bad = await w.t.api('POST', '/api/v1/invites', { body: { email: 'nobody@example.com', teamId: 'no-such-team' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('unknown_team');
    });

    it('each follows the emailed link, sets a name and password, and joins the team', async () => {
      await w.advance(2000);
      for (const e of ENGINEERS) {
        const mail = await w.smtp.waitFor((m) => m.to.includes(e.email) && /invites you/.test(m.subject));
        const token = linkIn(mail.text, '/invite');
        expect(token).toBeTruthy();
        const info = await w.t.api('GET', `/api/v1/invites/by-token/${token}`, { token: null });
        expect(info.body).toMatchObject({ email: e.email, team: { name: 'Payments' } });
        const short = await w.t.api('POST', `/api/v1/invites/by-token/${token}/accept`, { token: null, body: { name: e.name, password: 'short' } });
        expect(short.status).toBe(400);
        expect(short.body.error.code).toBe('weak_password');
        const res = await w.t.api('POST', `/api/v1/invites/by-token/${token}/accept`, { token: null, body: { name: e.name, password: 'a-long-enough-password', timeZone: 'Europe/Berlin' } });
        expect(res.status).toBe(201);
        cookies.set(e.email, String(res.headers.get('set-cookie')).split(';')[0]!);
        ids.set(e.email, res.body.user.id);
        // The link works once.
        const again = await w.t.api('POST', `/api/v1/invites/by-token/${token}/accept`, { token: null, body: { name: e.name, password: 'a-long-enough-password' } });
        expect(again.status).toBe(400);
        expect(again.body.error.code).toBe('invite_accepted');
      }
      const me = await w.t.api('GET', '/api/v1/me', as(ENGINEERS[0]!.email));
      expect(me.body.teams.map((t: { slug: string }) => t.slug)).toEqual(['payments']);
      const team = await w.t.api('GET', '/api/v1/teams/payments');
      expect(team.body.memberIds).toEqual(expect.arrayContaining([...ids.values()]));
    });

    it('the admin adds a phone for each; they confirm it by code or by the link', async () => {
      const contacts = new Map<string, string>();
      for (const e of ENGINEERS) {
        const c = await w.t.api('POST', `/api/v1/users/${ids.get(e.email)}/contact-methods`, { body: { type: 'sms', address: e.phone } });
        expect(c.status).toBe(201);
        expect(c.body.verifiedAt).toBeNull();
        contacts.set(e.email, c.body.id);
      }
      await w.advance(10_000);
      for (const [i, e] of ENGINEERS.entries()) {
        const sms = w.twilio.messages.find((m) => m.to === e.phone);
        expect(sms, `an SMS to ${e.phone}`).toBeDefined();
        if (i % 2 === 0) {
          const code = /(\d{6})/.exec(sms!.body)![1]!;
          const res = await w.t.api('POST', `/api/v1/contact-methods/${contacts.get(e.email)}/verify`, { ...as(e.email), body: { code } });
          expect(res.status).toBe(200);
        } else {
          const token = linkIn(sms!.body, '/verify');
          expect(token).toBeTruthy();
          const res = await w.t.api('POST', '/api/v1/contact-methods/verify-link', { token: null, body: { token } });
          expect(res.status).toBe(200);
          expect(res.body.verifiedAt).not.toBeNull();
          const used = await w.t.api('POST', '/api/v1/contact-methods/verify-link', { token: null, body: { token } });
          expect(used.body.error.code).toBe('invalid_link');
        }
      }
      for (const e of ENGINEERS) {
        const list = await w.t.api('GET', `/api/v1/users/${ids.get(e.email)}/contact-methods`, as(e.email));
        expect(list.body.data.every((c: { verifiedAt: number | null }) => c.verifiedAt !== null)).toBe(true);
      }
    });

    it('a weekly schedule starts now: the first engineer is on call at once', async () => {
      const today = new Date(w.clock.now()).toISOString().slice(0, 10);
      const hhmm = new Date(w.clock.now()).toISOString().slice(11, 16);
      const res = await w.t.api('POST', '/api/v1/schedules', {
        body: {
          name: 'Payments on-call',
          slug: 'payments-oncall',
          teamId: 'payments',
          timeZone: 'UTC',
          slackUserGroupId: 'S0PAYONCALL',
          slackHandoffChannel: 'C0HANDOFF01',
          layers: [{ name: 'Weekly', participants: ENGINEERS.map((e) => ids.get(e.email)!), shift: { unit: 'week', length: 1 }, handoffTime: hhmm, startDate: today }],
        },
      });
      expect(res.status).toBe(201);
      const oncall = await w.t.api('GET', '/api/v1/schedules/payments-oncall/oncall');
      expect(JSON.stringify(oncall.body)).toContain(ids.get(ENGINEERS[0]!.email)!);
    });

    it("a P3 incident's updates are replies in the thread of its announcement", async () => {
      const ana = ENGINEERS[0]!.email;
      const inc = await w.t.api('POST', '/api/v1/incidents', { ...as(ana), body: { title: 'Card payments slow in EU', severity: 'P3' } });
      expect(inc.status).toBe(201);
      incidentId = inc.body.id;
      await w.advance(2000);
      for (const text of ['Found a slow query on the ledger', 'Index added; latency back to normal']) {
        expect((await w.t.api('POST', `/api/v1/incidents/${incidentId}/updates`, { ...as(ana), body: { text } })).status).toBe(200);
        await w.advance(2000);
      }
      const [first, ...replies] = w.slack.messages(ANN);
      expect(String(first!.args.text)).toContain('Card payments slow in EU');
      expect(first!.thread_ts).toBeUndefined();
      expect(replies).toHaveLength(2);
      for (const m of replies) expect(m.thread_ts).toBe(first!.ts);
      expect(String(replies[1]!.args.text)).toContain('Index added');
      expect((await w.t.api('POST', `/api/v1/incidents/${incidentId}/status`, { ...as(ana), body: { status: 'resolved', reason: 'Index added' } })).status).toBe(200);
      await w.advance(2000);
    });

    it("the week's report reaches the team's email and the team's Notion database", async () => {
      const ana = ENGINEERS[0]!.email;
      await w.advance(6 * DAY + 20 * 60 * MIN);
      const drafts = await w.t.api('GET', `/api/v1/reports?userId=${ids.get(ana)}`, as(ana));
      let report = drafts.body.data?.[0];
      if (!report) {
        const start = new Date(w.clock.now() - (6 * DAY + 20 * 60 * MIN)).toISOString();
        report = (await w.t.api('POST', '/api/v1/reports', { ...as(ana), body: { scheduleId: 'payments-oncall', shiftStart: start } })).body;
      }
      expect((await w.t.api('PATCH', `/api/v1/reports/${report.id}`, { ...as(ana), body: { notes: 'A **quiet** week apart from the ledger index.' } })).status).toBe(200);
      expect((await w.t.api('POST', `/api/v1/reports/${report.id}/send`, as(ana))).status).toBe(200);
      await w.advance(5000);
      for (const e of ENGINEERS) expect(w.smtp.messages.some((m) => m.to.includes(e.email) && m.subject.startsWith('On-call report'))).toBe(true);
      const [page] = notion.pages(reportsDb.id);
      expect(page, 'a page in the reports database').toBeDefined();
      expect(notion.prop(page!.id, 'Name')).toContain('On-call report: Payments on-call — Ana');
      expect(notion.prop(page!.id, 'Status')).toBe('sent');
      expect(notion.prop(page!.id, 'Link')).toBe(`${w.t.vigil.config.publicUrl}/reports/${report.id}`);
      expect(notion.blocks(page!.id)[0]!.type).toBe('heading_1');
      expect(notion.text(page!.id)).toContain('Shift: ');
      expect(notion.text(page!.id)).toContain('A quiet week');
      // The heading lines of the report are Notion headings, its text paragraphs with inline bold kept.
      expect(notion.blocks(page!.id).some((b) => b.type === 'heading_3')).toBe(true);
      expect(JSON.stringify(notion.blocks(page!.id))).toContain('"bold":true');
    });

    it("a post-mortem is published to Notion and its page follows each edit", async () => {
      const ana = ENGINEERS[0]!.email;
      const pm = await w.t.api('POST', `/api/v1/incidents/${incidentId}/postmortem`, as(ana));
      expect(pm.status).toBe(201);
      await w.advance(2000);
      const [page] = notion.pages(pmDb.id);
      expect(page).toBeDefined();
      expect(notion.prop(page!.id, 'Severity')).toBe('P3');
      expect(notion.prop(page!.id, 'Status')).toBe('draft');
      const edit = await w.t.api('PATCH', `/api/v1/postmortems/${pm.body.id}`, { ...as(ana), body: { sections: { rootCause: 'A missing index on `ledger.entries`.' } } });
      expect(edit.status).toBe(200);
      await w.advance(2000);
      expect(notion.pages(pmDb.id)).toHaveLength(1);
      expect(notion.text(page!.id)).toContain('A missing index on ledger.entries.');
      expect(notion.text(page!.id).match(/Root cause/g)).toHaveLength(1);
      // A Notion outage is retried by the engine until the page is up to date.
      notion.failNext('pages.update', { status: 503, code: 'service_unavailable' });
      await w.t.api('PATCH', `/api/v1/postmortems/${pm.body.id}`, { ...as(ana), body: { title: 'INC: Card payments slow in EU (ledger index)' } });
      await w.advance(2000);
      await w.advance(MIN);
      expect(notion.prop(page!.id, 'Title')).toBe('INC: Card payments slow in EU (ledger index)');
      const detail = await w.t.api('GET', `/api/v1/postmortems/${pm.body.id}`, as(ana));
      const types = detail.body.timeline.map((e: { type: string }) => e.type);
      expect(types).toEqual(expect.arrayContaining(['notion.published', 'notion.updated']));
    });

    it('invites from a Slack channel skip bots and people who have an account', async () => {
      w.slack.addUser({ id: 'U0EVE00001', email: 'eve@example.com', name: 'Eve' });
      w.slack.addUser({ id: 'U0BOT00001', name: 'deploybot', is_bot: true });
      w.slack.addChannel({ id: 'C0PAYMENTS', name: 'payments', members: [w.slack.botUserId, ENGINEERS[0]!.slack, 'U0EVE00001', 'U0BOT00001'] });
      const res = await w.t.api('POST', '/api/v1/invites/slack', { body: { channelId: 'C0PAYMENTS', teamId: 'payments' } });
      expect(res.status).toBe(201);
      expect(res.body.invited.map((i: { email: string }) => i.email)).toEqual(['eve@example.com']);
      expect(res.body.skipped.map((s: { reason: string }) => s.reason)).toEqual(expect.arrayContaining(['a bot', 'has an account already']));
      expect(w.slack.callsTo('conversations.members').length).toBeGreaterThan(0);
      await w.advance(2000);
      await w.smtp.waitFor((m) => m.to.includes('eve@example.com') && /invites you/.test(m.subject));
      // A responder who does not lead the team cannot invite.
      const bo = ENGINEERS[1]!.email;
      const denied = await w.t.api('POST', '/api/v1/invites', { ...as(bo), body: { email: 'zed@example.com', teamId: 'payments' } });
      expect(denied.status).toBe(403);
      void SIGNING_SECRET;
    });
  });
}

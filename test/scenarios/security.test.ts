/**
 * Security reports: a stakeholder reports a problem; it becomes a private incident seen only by
 * the security owner, the on-call and the reporter (and whoever they add). Everyone else finds no
 * trace of it: not in the list, search, the incident API, insights, Slack or company
 * communication. The security channel hears about it mentioning the on-call group, and the
 * security owner is paged at the urgency the severity calls for. Security tools report by webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startWorld, type World } from '../helpers/world.js';

type U = { id: string; token: string; email: string };
let w: World;
let owner: U;
let kim: U;
let rita: U;
let stan: U;
let incident: { id: string; number: number; reference: string };
let integrationKey: string;
const SEC_CHANNEL = 'C0SECURITY';
const ANN = 'C0ANNOUNCE';
const GROUP = 'S0ONCALL01';
const OWNER_SLACK = 'U0SECOWNER';
const RITA_SLACK = 'U0RITA0001';

async function person(role: 'responder' | 'stakeholder', email: string, slack?: string): Promise<U> {
  const u = await w.t.createUserWithToken(role, email);
  if (slack) {
    await w.t.api('PATCH', `/api/v1/users/${u.id}`, { body: { slackUserId: slack } });
    const dm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: u.token, body: { type: 'slack_dm', address: slack } });
    for (const urgency of ['high', 'low'])
      await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: u.token, body: { urgency, contactMethodId: dm.body.id, delayMinutes: 0 } });
  }
  return u;
}
const listFor = async (u: U, q = '') => (await w.t.api('GET', `/api/v1/incidents${q}`, { token: u.token })).body.data.map((i: { id: string }) => i.id);
const insightsTotal = async (u: U) => (await w.t.api('GET', '/api/v1/insights', { token: u.token })).body.total.count as number;

beforeAll(async () => {
  w = await startWorld();
  owner = await person('responder', 'sec@example.com', OWNER_SLACK);
  kim = await person('responder', 'kim@example.com');
  rita = await person('responder', 'rita@example.com', RITA_SLACK);
  stan = await person('stakeholder', 'stan@example.com');
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Web', memberIds: [kim.id, rita.id] } });
  const day = new Date(w.clock.now() - 86_400_000).toISOString().slice(0, 10);
  await w.t.api('POST', '/api/v1/schedules', {
    body: {
      name: 'Web on-call',
      slug: 'web-oncall',
      teamId: 'web',
      timeZone: 'UTC',
      layers: [{ name: 'L', participants: [kim.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }],
    },
  });
  const settings = await w.t.api('PATCH', '/api/v1/settings/incidents', {
    body: {
      securityOwnerUserId: owner.id,
      securityChannel: SEC_CHANNEL,
      oncallUserGroup: GROUP,
      companyEmail: 'partners@example.com',
      announcementsChannel: ANN,
    },
  });
  expect(settings.status).toBe(200);
  // A public incident everyone sees, for comparison.
  expect((await w.t.api('POST', '/api/v1/incidents', { token: kim.token, body: { title: 'Public checkout slowness', severity: 'P4' } })).status).toBe(201);
  await w.t.api('POST', '/api/v1/services', { body: { name: 'Security tools', teamId: 'web' } });
  integrationKey = (await w.t.api('POST', '/api/v1/services/security-tools/integrations', { body: { name: 'Scanner', type: 'generic' } })).body.key;
  await w.advance(5000);
});
afterAll(async () => w?.close());

describe('a report from the form becomes a private incident', () => {
  let ritaInsightsBefore: number;
  let mailsBefore: number;

  it('anyone signed in may report, stakeholders included', async () => {
    ritaInsightsBefore = await insightsTotal(rita);
    mailsBefore = w.smtp.messages.length;
    const res = await w.t.api('POST', '/api/v1/security-reports', {
      token: stan.token,
      body: { title: 'Password reset links leak tokens', description: 'The reset link is sent in the Referer header to a third-party script.', severity: 'P1' },
    });
    expect(res.status).toBe(201);
    incident = res.body;
    expect(res.body).toMatchObject({ private: true, severity: 'P1', commanderId: owner.id, declaredBy: stan.id, sourceType: 'security_report' });
    expect(res.body.title).toContain('Password reset links leak tokens');
  });

  it('its members are the security owner, the on-call and the reporter; they see it everywhere', async () => {
    const detail = await w.t.api('GET', `/api/v1/incidents/${incident.id}`, { token: owner.token });
    expect(detail.status).toBe(200);
    expect(new Set(detail.body.members.map((m: { userId: string }) => m.userId))).toEqual(new Set([owner.id, kim.id, stan.id]));
    for (const u of [owner, kim, stan]) {
      expect(await listFor(u)).toContain(incident.id);
      expect(await listFor(u, '?q=Password')).toEqual([incident.id]);
      expect((await w.t.api('GET', `/api/v1/incidents/${incident.reference}`, { token: u.token })).status).toBe(200);
    }
    expect(await insightsTotal(owner)).toBe(2);
  });

  it('a responder who is not a member finds no trace of it: list, search, API, insights, pages, Slack', async () => {
    const all = await listFor(rita);
    expect(all).toHaveLength(1);
    expect(all).not.toContain(incident.id);
    expect(await listFor(rita, '?status=open')).not.toContain(incident.id);
    expect(await listFor(rita, '?q=Password')).toEqual([]);
    expect(await listFor(rita, '?severity=P1')).toEqual([]);
    for (const ref of [incident.id, incident.reference, String(incident.number)]) {
      const res = await w.t.api('GET', `/api/v1/incidents/${ref}`, { token: rita.token });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Password');
    }
    expect((await w.t.api('POST', `/api/v1/incidents/${incident.id}/notes`, { token: rita.token, body: { note: 'peek' } })).status).toBe(404);
    expect((await w.t.api('POST', `/api/v1/incidents/${incident.id}/subscribe`, { token: rita.token })).status).toBe(404);
    expect(await insightsTotal(rita)).toBe(ritaInsightsBefore);
    expect((await w.t.api('GET', '/api/v1/pages', { token: rita.token })).body.data).toEqual([]);
    const slash = await w.slack.sendSlashCommand(
      `${w.t.baseUrl}/slack/commands`,
      SIGNING_SECRET,
      { command: '/incident', text: `${incident.reference} note hello`, user_id: RITA_SLACK, channel_id: 'C0GENERAL1' },
      { timestampSeconds: Math.floor(w.clock.now() / 1000) },
    );
    expect(slash.json.text).toMatch(/No incident/);
    // An admin who is not a member does not see it either.
    expect((await w.t.api('GET', `/api/v1/incidents/${incident.id}`)).status).toBe(404);
    expect((await w.t.api('GET', '/api/v1/incidents?q=Password')).body.data).toEqual([]);
  });

  it('no company email, no announcement, no public incident channel', async () => {
    await w.advance(10_000);
    expect(w.slack.messages(ANN)).toEqual([]);
    expect(w.smtp.messages.length).toBe(mailsBefore);
    expect(w.smtp.messages.some((m) => /Password/.test(`${m.subject} ${m.text ?? ''}`))).toBe(false);
    expect(w.slack.callsTo('conversations.create')).toEqual([]);
    const leaked = w.slack
      .allMessages()
      .filter((m) => String(m.text).includes('Password reset'))
      .map((m) => m.channel);
    expect(new Set(leaked)).toEqual(new Set([SEC_CHANNEL, w.slack.dmChannelOf(OWNER_SLACK)]));
  });

  it('the security channel hears about it, mentioning the on-call user group', async () => {
    const [post] = w.slack.messages(SEC_CHANNEL);
    expect(post).toBeDefined();
    expect(String(post!.text)).toContain(`<!subteam^${GROUP}>`);
    expect(String(post!.text)).toContain(`INC-${incident.number}`);
  });

  it('the security owner is paged at high urgency for a P0-P2', async () => {
    const pages = (await w.t.api('GET', '/api/v1/pages', { token: owner.token })).body.data;
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ urgency: 'high', sourceType: 'incident', sourceId: incident.id });
    const dms = w.slack.allMessages().filter((m) => m.channel === w.slack.dmChannelOf(OWNER_SLACK));
    expect(dms.some((m) => String(m.text).includes('Security report'))).toBe(true);
  });

  it('whoever they add can see it', async () => {
    expect((await w.t.api('POST', `/api/v1/incidents/${incident.id}/members`, { token: owner.token, body: { userId: rita.email } })).status).toBe(200);
    expect((await w.t.api('GET', `/api/v1/incidents/${incident.id}`, { token: rita.token })).status).toBe(200);
    expect(await listFor(rita, '?q=Password')).toEqual([incident.id]);
  });
});

describe('security tools report by webhook', () => {
  it('a low finding becomes a private incident, the owner is paged at low urgency', async () => {
    const res = await w.t.api('POST', `/hooks/security/${integrationKey}`, {
      token: null,
      body: {
        title: 'Outdated TLS cipher on api.example.com',
        description: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA offered',
        severity: 'low',
        source: 'scanner',
        link: 'https://scanner.example.com/findings/42',
      },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', reference: expect.stringMatching(/^INC-\d+$/) });
    const ref = res.body.reference as string;
    const detail = (await w.t.api('GET', `/api/v1/incidents/${ref}`, { token: owner.token })).body;
    expect(detail.incident).toMatchObject({ private: true, severity: 'P4', declaredBy: null });
    expect(detail.incident.summary).toContain('https://scanner.example.com/findings/42');
    expect(new Set(detail.members.map((m: { userId: string }) => m.userId))).toEqual(new Set([owner.id, kim.id]));
    expect((await w.t.api('GET', `/api/v1/incidents/${ref}`, { token: rita.token })).status).toBe(404);
    const pages = (await w.t.api('GET', '/api/v1/pages', { token: owner.token })).body.data;
    expect(pages.find((p: { sourceId: string }) => p.sourceId === detail.incident.id)).toMatchObject({ urgency: 'low' });
  });

  it('refuses an unknown key, a key of another kind and a report without a title', async () => {
    expect((await w.t.api('POST', '/hooks/security/vgi_unknown_key_000000000000', { token: null, body: { title: 'x' } })).status).toBe(401);
    const og = (await w.t.api('POST', '/api/v1/services/security-tools/integrations', { body: { name: 'OG', type: 'opsgenie' } })).body.key;
    expect((await w.t.api('POST', `/hooks/security/${og}`, { token: null, body: { title: 'x' } })).status).toBe(400);
    expect((await w.t.api('POST', `/hooks/security/${integrationKey}`, { token: null, body: { description: 'no title' } })).status).toBe(400);
    expect((await w.t.api('POST', `/hooks/security/${integrationKey}`, { token: null, body: { title: 'x', severity: 'apocalyptic' } })).status).toBe(400);
  });
});

describe('the report form names the level it creates', () => {
  it('each level the form offers ("Name (KEY)", sent as the key) creates exactly that level; no choice is P2', async () => {
    const levels = (await w.t.api('GET', '/api/v1/severities', { token: stan.token })).body.data as Array<{ key: string; name: string }>;
    expect(levels.map((l) => `${l.name} (${l.key})`)).toEqual(['Critical (P0)', 'Major (P1)', 'Significant (P2)', 'Minor (P3)', 'Low (P4)']);
    for (const level of levels) {
      const res = await w.t.api('POST', '/api/v1/security-reports', { token: stan.token, body: { title: `Finding at ${level.key}`, description: '', severity: level.key } });
      expect(res.status, level.key).toBe(201);
      expect(res.body.severity, `${level.name} (${level.key})`).toBe(level.key);
    }
    const plain = await w.t.api('POST', '/api/v1/security-reports', { token: stan.token, body: { title: 'No severity chosen', description: '' } });
    expect(plain.body.severity).toBe('P2');
  });
});

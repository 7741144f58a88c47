/**
 * Nothing of a private incident reaches anyone outside it. A private incident and a security
 * report carry a unique marker (in titles, summaries, notes, updates and a post-mortem); then every
 * GET route of the OpenAPI document (ids filled in: the private incident's, its post-mortem's, the
 * security owner's and the viewer's own), the iCalendar feeds, /metrics, and what the fake Slack
 * and SMTP servers received for anyone but the incident's members are searched for the marker, as
 * a responder who is not a member and as a stakeholder: it is never found.
 *
 * The members (the security owner, the on-call, the reporter) see it, and the security channel
 * hears of the report by design (docs/permissions.md).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

type U = { id: string; token: string; email: string; slack: string };
const MARKER = `ZQX${randomBytes(6).toString('hex')}`;
const SEC_CHANNEL = 'C0SECURITY';
const ANN = 'C0ANNOUNCE';
let w: World;
let owner: U;
let onCall: U;
let reporter: U;
let outsider: U;
let stakeholder: U;
let incidentId: string;
let reportId: string;
let postmortemId: string;
const ids: Record<string, string> = {};

async function person(role: 'responder' | 'stakeholder', name: string, slack: string): Promise<U> {
  const u = await w.t.createUserWithToken(role, `${name}@example.com`);
  await w.t.api('PATCH', `/api/v1/users/${u.id}`, { body: { slackUserId: slack, phone: '+15005550100' } });
  const dm = await w.t.api('POST', `/api/v1/users/${u.id}/contact-methods`, { body: { type: 'slack_dm', address: slack } });
  await w.t.api('POST', `/api/v1/users/${u.id}/contact-methods`, { body: { type: 'email', address: `${name}@example.com` } });
  for (const urgency of ['high', 'low']) await w.t.api('POST', `/api/v1/users/${u.id}/notification-rules`, { body: { urgency, contactMethodId: dm.body.id, delayMinutes: 0 } });
  return { ...u, slack };
}

beforeAll(async () => {
  w = await startWorld();
  owner = await person('responder', 'owner', 'U0OWNER001');
  onCall = await person('responder', 'oncall', 'U0ONCALL01');
  reporter = await person('responder', 'reporter', 'U0REPORT01');
  outsider = await person('responder', 'outsider', 'U0OUTSIDE1');
  stakeholder = await person('stakeholder', 'stakeholder', 'U0STAKE001');
  const team = await w.t.api('POST', '/api/v1/teams', { body: { name: 'Web', leadUserId: onCall.id, memberIds: [onCall.id, outsider.id] } });
  ids.teamId = team.body.id;
  const day = new Date(w.clock.now() - 86_400_000).toISOString().slice(0, 10);
  ids.scheduleId = (
    await w.t.api('POST', '/api/v1/schedules', {
      body: { name: 'Web on-call', slug: 'web-oncall', teamId: 'web', timeZone: 'UTC', layers: [{ name: 'L', participants: [onCall.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }] },
    })
  ).body.id;
  ids.policyId = (await w.t.api('POST', '/api/v1/escalation-policies', { body: { name: 'Web', teamId: 'web', steps: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: 'web-oncall' }] }] } })).body.id;
  ids.serviceId = (await w.t.api('POST', '/api/v1/services', { body: { name: 'Web app', teamId: 'web', escalationPolicyId: ids.policyId } })).body.id;
  expect(
    (await w.t.api('PATCH', '/api/v1/settings/incidents', { body: { securityOwnerUserId: owner.id, securityChannel: SEC_CHANNEL, companyEmail: 'everyone@example.com', announcementsChannel: ANN } })).status,
  ).toBe(200);

  // The security report: its reporter, the security owner and the on-call are its members.
  const report = await w.t.api('POST', '/api/v1/security-reports', { token: reporter.token, body: { title: `Report ${MARKER}`, description: `Details ${MARKER}`, severity: 'P1' } });
  expect(report.status).toBe(201);
  reportId = report.body.id;
  await w.t.api('POST', `/api/v1/incidents/${reportId}/notes`, { token: owner.token, body: { note: `Note ${MARKER}` } });

  // A private incident declared by the security owner, with an update, a note and a post-mortem.
  const inc = await w.t.api('POST', '/api/v1/incidents', { token: owner.token, body: { title: `Private ${MARKER}`, summary: `Summary ${MARKER}`, severity: 'P2', private: true, serviceIds: [ids.serviceId] } });
  expect(inc.status).toBe(201);
  incidentId = inc.body.id;
  await w.t.api('POST', `/api/v1/incidents/${incidentId}/members`, { token: owner.token, body: { userId: onCall.id } });
  await w.t.api('POST', `/api/v1/incidents/${incidentId}/updates`, { token: owner.token, body: { body: `Update ${MARKER}` } });
  await w.t.api('POST', `/api/v1/incidents/${incidentId}/notes`, { token: owner.token, body: { note: `Note ${MARKER}` } });
  await w.t.api('POST', `/api/v1/incidents/${incidentId}/roles`, { token: owner.token, body: { role: 'commander', userId: onCall.id } });
  const pm = await w.t.api('POST', `/api/v1/incidents/${incidentId}/postmortem`, { token: owner.token, body: {} });
  postmortemId = pm.body.id;
  if (postmortemId) await w.t.api('PATCH', `/api/v1/postmortems/${postmortemId}`, { token: owner.token, body: { title: `Post-mortem ${MARKER}` } });
  await w.advance(10 * 60_000);
  // The members see it (the test would prove nothing if the marker were nowhere).
  const seen = await w.t.api('GET', `/api/v1/incidents/${incidentId}`, { token: onCall.token });
  expect(JSON.stringify(seen.body)).toContain(MARKER);
  const suggestion = await w.t.api('GET', `/api/v1/backlog/suggestion?user=${onCall.id}`, { token: onCall.token });
  expect(JSON.stringify(suggestion.body)).toContain(MARKER);
}, 120_000);
afterAll(async () => w?.close());

async function getRoutes(): Promise<string[]> {
  const doc = (await w.t.api('GET', '/api/openapi.json', { token: null })).body as { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>> };
  return Object.entries(doc.paths)
    .filter(([, ops]) => ops.get)
    .map(([p]) => p);
}

/** Each GET path with its ids filled in, as several URLs: the private incident's ids, the owner's, the viewer's own. */
function urlsFor(path: string, viewer: U): string[] {
  const byParam = (name: string, forWhom: 'owner' | 'self'): string[] => {
    if (/\/incidents\/\{id\}/.test(path)) return [incidentId, reportId, 'INC-1', 'INC-2'];
    if (/\/postmortems\/\{id\}/.test(path)) return postmortemId ? [postmortemId] : ['x'];
    if (/\/users\/\{(id|userId)\}/.test(path) && (name === 'id' || name === 'userId')) return [forWhom === 'owner' ? owner.id : viewer.id, onCall.id, 'me'];
    if (/\/schedules\/\{id\}/.test(path)) return [ids.scheduleId!];
    if (/\/services\/\{id\}/.test(path)) return [ids.serviceId!];
    if (/\/escalation-policies\/\{id\}/.test(path)) return [ids.policyId!];
    if (/\/teams\/\{id\}/.test(path)) return [ids.teamId!];
    return ['x'];
  };
  const out = new Set<string>();
  for (const who of ['owner', 'self'] as const) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    let variants = [path];
    for (const n of names) variants = variants.flatMap((v) => byParam(n, who).map((id) => v.replace(`{${n}}`, id)));
    for (const v of variants) out.add(v);
  }
  const queries: Record<string, string[]> = {
    '/api/v1/incidents': ['', `?q=${MARKER}`, '?status=open', '?severity=P1', '?severity=P2'],
    '/api/v1/postmortems': ['', `?q=${MARKER}`],
    '/api/v1/alerts': ['', `?q=${MARKER}`],
    '/api/v1/backlog/suggestion': ['', `?user=${owner.id}`, `?user=${onCall.id}`, `?user=${reporter.id}`],
    '/api/v1/pages': ['', `?user=${owner.id}`, `?user=${onCall.id}`],
    '/api/v1/insights': [''],
    '/api/v1/audit': ['', `?q=${MARKER}`],
  };
  return [...out].flatMap((u) => (queries[u] ?? ['']).map((q) => u + q));
}

describe.each([
  ['a responder who is not a member', () => outsider],
  ['a stakeholder', () => stakeholder],
])('as %s, the marker is found nowhere', (_label, viewerOf) => {
  it('in any GET route of the OpenAPI document', async () => {
    const viewer = viewerOf();
    const found: string[] = [];
    let calls = 0;
    for (const path of await getRoutes()) {
      for (const url of urlsFor(path, viewer)) {
        const res = await fetch(`${w.t.baseUrl}${url}`, { headers: { authorization: `Bearer ${viewer.token}` } });
        calls++;
        const text = await res.text();
        expect([url, res.status < 500]).toEqual([url, true]);
        if (text.includes(MARKER)) found.push(`${url} (${res.status})`);
      }
    }
    expect(found).toEqual([]);
    expect(calls).toBeGreaterThan(60);
  });

  it('in the iCalendar feeds and /metrics', async () => {
    const viewer = viewerOf();
    const feeds = [
      await w.t.api('POST', '/api/v1/calendar-feeds', { token: viewer.token, body: { userId: viewer.id } }),
      await w.t.api('POST', '/api/v1/calendar-feeds', { token: viewer.token, body: { scheduleId: ids.scheduleId } }),
      await w.t.api('POST', '/api/v1/calendar-feeds', { token: onCall.token, body: { userId: onCall.id } }),
    ];
    for (const f of feeds) {
      if (f.status !== 201) continue; // a stakeholder may not create feeds
      const ics = await fetch(f.body.url.replace(/^https?:\/\/[^/]+/, w.t.baseUrl));
      expect(ics.status).toBe(200);
      expect(await ics.text()).not.toContain(MARKER);
    }
    const metrics = await fetch(`${w.t.baseUrl}/metrics`);
    expect(await metrics.text()).not.toContain(MARKER);
  });

  it('in what Slack and email delivered to anyone outside the incident', async () => {
    const viewer = viewerOf();
    const memberDms = new Set([owner, onCall, reporter].flatMap((m) => [m.slack, w.slack.dmChannelOf(m.slack)].filter((x): x is string => !!x)));
    const outside = w.slack.allMessages().filter((m) => m.channel !== SEC_CHANNEL && !memberDms.has(m.channel));
    expect(outside.filter((m) => JSON.stringify(m).includes(MARKER)).map((m) => m.channel)).toEqual([]);
    const viewerDm = w.slack.dmChannelOf(viewer.slack);
    if (viewerDm) expect(JSON.stringify(w.slack.messages(viewerDm))).not.toContain(MARKER);
    const memberEmails = new Set([owner, onCall, reporter].map((m) => m.email));
    const mails = w.smtp.messages.filter((m) => m.to.some((to) => !memberEmails.has(to.toLowerCase())));
    expect(mails.filter((m) => `${m.subject}\n${m.text}\n${m.html ?? ''}`.includes(MARKER)).map((m) => m.to)).toEqual([]);
    // The members did hear of it: the search above looked at real traffic.
    expect(JSON.stringify(w.slack.allMessages())).toContain(MARKER);
  });
});

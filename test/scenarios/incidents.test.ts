/**
 * The seed process, end to end: an alert pages the on-call; they declare a P2 from the Slack
 * button and become commander, page the database team, name a comms lead; the company list and the
 * announcements channel hear about it; a missed update cadence nudges the comms lead; updates go out
 * threaded; resolving sends the final update; the timeline holds every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startWorld, type World } from '../helpers/world.js';

const MIN = 60_000;
let w: World;
let kim: { id: string; token: string; email: string };
let dba: { id: string; token: string; email: string };
let pam: { id: string; token: string; email: string };
let key: string;
let incidentId: string;
const KIM = 'U0KIM00001';
const DBA = 'U0DBA00001';
const PAM = 'U0PAM00001';
const ANN = 'C0ANNOUNCE';
const GROUPS = ['S0LEADS001', 'S0OPS00001', 'S0PMS00001'];
const ts = () => ({ timestampSeconds: Math.floor(w.clock.now() / 1000) });

async function person(email: string, slack: string) {
  const u = await w.t.createUserWithToken('responder', email);
  await w.t.api('PATCH', `/api/v1/users/${u.id}`, { body: { slackUserId: slack } });
  const dm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: u.token, body: { type: 'slack_dm', address: slack } });
  await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: u.token, body: { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 } });
  return u;
}
const dms = (slack: string) => w.slack.allMessages().filter((m) => m.channel === slack || m.channel === w.slack.dmChannelOf(slack));
const slash = (text: string, user = KIM, channel = 'C0GENERAL1') => w.slack.sendSlashCommand(`${w.t.baseUrl}/slack/commands`, SIGNING_SECRET, { command: '/incident', text, user_id: user, channel_id: channel }, ts());

beforeAll(async () => {
  w = await startWorld();
  kim = await person('kim@example.com', KIM);
  dba = await person('dba@example.com', DBA);
  pam = await person('pam@example.com', PAM);
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Web', memberIds: [kim.id, pam.id] } });
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Database', memberIds: [dba.id] } });
  const day = new Date(w.clock.now() - 86_400_000).toISOString().slice(0, 10);
  for (const [team, who] of [['web', kim.id], ['database', dba.id]] as const) {
    await w.t.api('POST', '/api/v1/schedules', { body: { name: `${team} on-call`, slug: `${team}-oncall`, teamId: team, timeZone: 'UTC', layers: [{ name: 'L', participants: [who], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }] } });
  }
  await w.t.api('POST', '/api/v1/escalation-policies', { body: { name: 'Web', teamId: 'web', steps: [{ delayMinutes: 10, targets: [{ type: 'schedule', id: 'web-oncall' }] }] } });
  await w.t.api('POST', '/api/v1/services', { body: { name: 'Storefront', teamId: 'web', escalationPolicyId: 'web', alertsChannel: 'C0ALERTS01' } });
  key = (await w.t.api('POST', '/api/v1/services/storefront/integrations', { body: { name: 'Prom', type: 'opsgenie' } })).body.key;
  expect((await w.t.api('PATCH', '/api/v1/settings/incidents', { body: { companyEmail: 'partners@example.com', announcementsChannel: ANN } })).status).toBe(200);
  const p2 = (await w.t.api('GET', '/api/v1/severities')).body.data.find((s: { key: string }) => s.key === 'P2');
  const { key: _k, ...rest } = p2;
  void _k;
  expect((await w.t.api('PUT', '/api/v1/severities/P2', { body: { ...rest, stakeholderGroups: GROUPS, updateCadenceMinutes: 30 } })).status).toBe(200);
});
afterAll(async () => w?.close());

describe('the seed process', () => {
  it('an alert pages the on-call, who declares a P2 from the Slack button and becomes commander', async () => {
    await w.t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body: { message: 'Checkout 500s', alias: 'checkout-500', priority: 'P2' } });
    await w.advance(2000);
    expect(dms(KIM)).toHaveLength(1);
    const post = w.slack.messages('C0ALERTS01')[0]!;
    const res = await w.slack.pressButton(`${w.t.baseUrl}/slack/interactions`, SIGNING_SECRET, { channel: post.channel, ts: post.ts, actionId: 'alert.declare_incident', userId: KIM }, ts());
    expect(res.status).toBe(200);
    const reply = await w.slack.waitFor(() => w.slack.responses().find((r) => String(r.body.text).includes('declared from alert')));
    expect(reply.body.text).toContain('you are commander');
    const list = await w.t.api('GET', '/api/v1/incidents?status=open');
    expect(list.body.data).toHaveLength(1);
    incidentId = list.body.data[0].id;
    expect(list.body.data[0]).toMatchObject({ severity: 'P2', commanderId: kim.id, status: 'investigating' });
  });

  it('tells the company: a declaration email and an announcement tagging leads, operators and PMs', async () => {
    await w.advance(2000);
    const mail = await w.smtp.waitFor((m) => m.to.includes('partners@example.com') && m.subject.includes('Incident declared'));
    expect(mail.subject).toContain('[P2]');
    const post = w.slack.messages(ANN).map((m) => `${String(m.args.text)} ${JSON.stringify(m.args.blocks)}`).join('\n');
    for (const g of GROUPS) expect(post).toContain(`<!subteam^${g}>`);
  });

  it('pages the database team and names a comms lead from Slack', async () => {
    const page = await slash('page database');
    expect(page.json.text).toContain('Paged dba');
    await w.advance(2000);
    expect(dms(DBA).some((m) => String(m.args.text).includes('You are needed on INC-'))).toBe(true);
    const comms = await slash(`comms <@${PAM}|pam>`);
    expect(comms.json.text).toContain('comms lead');
  });

  it('nudges the comms lead when the update cadence passes with no update', async () => {
    await w.advance(31 * MIN);
    expect(dms(PAM).some((m) => String(m.args.text).includes('needs a status update'))).toBe(true);
  });

  it('sends each status update everywhere, threaded in email', async () => {
    expect((await slash('update Rolled back the deploy; errors falling', PAM)).json.text).toContain('sent');
    expect((await slash('status monitoring Watching error rates', KIM)).status).toBe(200);
    await w.advance(3000);
    const mails = w.smtp.messages.filter((m) => m.to.includes('partners@example.com'));
    expect(mails.length).toBeGreaterThanOrEqual(3);
    const root = mails[0]!.references ?? mails[0]!.inReplyTo;
    expect(root).toBeTruthy();
    for (const m of mails.slice(1)) expect(String(m.inReplyTo ?? m.references)).toContain(String(root).replace(/[<>]/g, '').split(' ')[0]!.replace(/[<>]/g, ''));
    // In Slack, the declaration is the thread's first post and each update a reply in it (thread_ts,
    // https://api.slack.com/methods/chat.postMessage#arg_thread_ts).
    const [first, ...replies] = w.slack.messages(ANN);
    expect(first!.thread_ts).toBeUndefined();
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const m of replies) expect(m.thread_ts).toBe(first!.ts);
    expect(first!.replyCount).toBe(replies.length);
  });

  it('a severity change is a thread reply also broadcast to the channel', async () => {
    const before = w.slack.messages(ANN).length;
    const inc = await w.t.api('POST', '/api/v1/incidents', { token: kim.token, body: { title: 'Search is slow', severity: 'P3' } });
    await w.advance(3000);
    expect((await w.t.api('POST', `/api/v1/incidents/${inc.body.id}/severity`, { token: kim.token, body: { severity: 'P2', reason: 'checkout too' } })).status).toBe(200);
    await w.advance(3000);
    const [first, sev] = w.slack.messages(ANN).slice(before);
    expect(first!.thread_ts).toBeUndefined();
    expect(sev!.thread_ts).toBe(first!.ts);
    // reply_broadcast: https://api.slack.com/methods/chat.postMessage#arg_reply_broadcast
    expect(String(sev!.args.reply_broadcast)).toBe('true');
    expect((await w.t.api('POST', `/api/v1/incidents/${inc.body.id}/status`, { token: kim.token, body: { status: 'resolved' } })).status).toBe(200);
  });

  it('resolving sends the final update, and the timeline holds every step', async () => {
    expect((await slash('resolve Fixed by rollback')).json.text).toContain('resolved');
    await w.advance(3000);
    expect(w.smtp.messages.some((m) => m.to.includes('partners@example.com') && m.subject.includes('Resolved'))).toBe(true);
    const res = await w.t.api('GET', `/api/v1/incidents/${incidentId}`);
    const types = res.body.timeline.map((e: { type: string }) => e.type);
    for (const t of ['incident.declared', 'incident.communicated', 'incident.paged', 'incident.comms_lead_changed', 'incident.update_overdue', 'incident.update', 'incident.status_changed']) expect(types).toContain(t);
    expect(res.body.alerts.map((a: { alias: string }) => a.alias)).toEqual(['checkout-500']);
    expect(res.body.targets.ack.met).toBe(true);
  });
});

describe('communication threshold', () => {
  it('a P4 sends nothing company-wide; raising it to P3 does', async () => {
    const before = w.smtp.messages.length;
    const inc = await w.t.api('POST', '/api/v1/incidents', { token: kim.token, body: { title: 'Stale internal dashboard', severity: 'P4' } });
    expect(inc.status).toBe(201);
    await w.advance(3000);
    expect(w.smtp.messages.length).toBe(before);
    const raised = await w.t.api('POST', `/api/v1/incidents/${inc.body.id}/severity`, { token: kim.token, body: { severity: 'P3', reason: 'customers see it too' } });
    expect(raised.status).toBe(200);
    await w.advance(3000);
    const mail = await w.smtp.waitFor((m) => m.subject.includes('Severity raised'));
    expect(mail.subject).toContain('[P3]');
  });
});

describe('slash commands and bad input', () => {
  it('answers an unlinked Slack user helpfully', async () => {
    const res = await slash('declare P2 Something', 'U0NOBODY01');
    expect(res.status).toBe(200);
    expect(res.json.text).toContain('not linked');
  });

  it('declares from Slack and explains mistakes as ephemeral messages', async () => {
    const d = await slash('declare P1 Search is down');
    expect(d.json.response_type).toBe('in_channel');
    const ref = /INC-\d+/.exec(d.json.text)![0];
    // P1 asks for an incident channel: created, the commander invited, the topic set.
    await w.advance(2000);
    const created = w.slack.callsTo('conversations.create').at(-1)!;
    expect(String(created.args.name)).toContain(ref.toLowerCase());
    expect(w.slack.callsTo('conversations.invite').at(-1)!.args.users).toContain(KIM);
    expect(String(w.slack.callsTo('conversations.setTopic').at(-1)!.args.topic)).toContain('[P1] investigating');
    expect((await slash(`${ref} sev P9`)).json.text).toMatch(/Unknown severity "P9"/);
    expect((await slash(`${ref} status exploded`)).json.text).toMatch(/status must be one of/);
    expect((await slash(`${ref} page nobody-here`)).json.text).toMatch(/No team|Nobody to page/);
    expect((await slash('help')).json.text).toContain('/incident declare');
    expect((await slash(`${ref} resolve`)).json.text).toContain('resolved');
    expect((await slash(`${ref} status investigating`)).json.text).toMatch(/reopen/);
  });

  it('answers bad API input with a clear 4xx', async () => {
    expect((await w.t.api('POST', '/api/v1/incidents', { token: kim.token, body: { title: 'x', severity: 'P9' } })).body.error.code).toBe('unknown_severity');
    const inc = (await w.t.api('POST', '/api/v1/incidents', { token: kim.token, body: { title: 'y', severity: 'P4' } })).body;
    expect((await w.t.api('POST', `/api/v1/incidents/${inc.id}/page`, { token: kim.token, body: { type: 'team', id: 'ghosts' } })).status).toBe(400);
    await w.t.api('POST', `/api/v1/incidents/${inc.id}/status`, { token: kim.token, body: { status: 'resolved' } });
    const back = await w.t.api('POST', `/api/v1/incidents/${inc.id}/status`, { token: kim.token, body: { status: 'investigating' } });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe('incident_closed');
    expect((await w.t.api('POST', `/api/v1/incidents/${inc.id}/status`, { token: kim.token, body: { status: 'investigating', reopen: true } })).status).toBe(200);
  });

  it('publishes the severity levels as Markdown and shows insight', async () => {
    const md = await fetch(`${w.t.baseUrl}/api/v1/severities?format=markdown`, { headers: { authorization: `Bearer ${w.t.adminToken}` } });
    expect(await md.text()).toContain('## P0 — Critical');
    const ins = await w.t.api('GET', '/api/v1/insights');
    expect(ins.body.total.count).toBeGreaterThanOrEqual(3);
    expect(Object.keys(ins.body.bySeverity)).toEqual(expect.arrayContaining(['P2', 'P3']));
  });
});

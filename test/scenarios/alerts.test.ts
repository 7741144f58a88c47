/**
 * An alert pages the on-call through their rules, escalates to the team lead when nobody
 * acknowledges, stops on acknowledge; the alerts channel message follows every change. Also
 * deduplication, maintenance windows, storms and heartbeats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startWorld, type World } from '../helpers/world.js';

const MIN = 60_000;
let w: World;
let oncall: { id: string; token: string; email: string };
let lead: { id: string; token: string; email: string };
let key: string;
const ONCALL_SLACK = 'U0ONCALL01';
const LEAD_SLACK = 'U0LEAD0001';
const ALERTS = 'C0ALERTS99';

async function slackOnly(user: { id: string; token: string }, slackId: string): Promise<void> {
  await w.t.api('PATCH', `/api/v1/users/${user.id}`, { body: { slackUserId: slackId } });
  const dm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: user.token, body: { type: 'slack_dm', address: slackId } });
  await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: user.token, body: { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 } });
}

const og = (path: string, body: unknown, method = 'POST') => w.t.api(method, path, { token: null, headers: { authorization: `GenieKey ${key}` }, ...(body === undefined ? {} : { body }) });
const dmsTo = (slackId: string) => w.slack.allMessages().filter((m) => m.channel === slackId || m.channel === w.slack.dmChannelOf(slackId));
const alertsChannel = () => w.slack.messages(ALERTS);

beforeAll(async () => {
  w = await startWorld();
  oncall = await w.t.createUserWithToken('responder', 'oncall@example.com');
  lead = await w.t.createUserWithToken('responder', 'lead@example.com');
  await slackOnly(oncall, ONCALL_SLACK);
  await slackOnly(lead, LEAD_SLACK);
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Checkout', leadUserId: lead.id, memberIds: [oncall.id, lead.id] } });
  const day = new Date(w.clock.now() - 86_400_000).toISOString().slice(0, 10);
  await w.t.api('POST', '/api/v1/schedules', { body: { name: 'Checkout primary', teamId: 'checkout', timeZone: 'UTC', layers: [{ name: 'Weekly', participants: [oncall.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }] } });
  const policy = await w.t.api('POST', '/api/v1/escalation-policies', {
    body: { name: 'Checkout default', teamId: 'checkout', repeat: 2, steps: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: 'checkout-primary' }] }, { delayMinutes: 5, targets: [{ type: 'user', id: 'lead@example.com' }] }] },
  });
  expect(policy.status).toBe(201);
  expect(policy.body.warnings).toEqual([]);
  const svc = await w.t.api('POST', '/api/v1/services', { body: { name: 'Checkout API', teamId: 'checkout', escalationPolicyId: 'checkout-default', alertsChannel: ALERTS } });
  expect(svc.status).toBe(201);
  const integ = await w.t.api('POST', '/api/v1/services/checkout-api/integrations', { body: { name: 'Prometheus', type: 'opsgenie' } });
  expect(integ.status).toBe(201);
  key = integ.body.key;
});
afterAll(async () => w?.close());

describe('an alert escalates until acknowledged', () => {
  let alertId: string;

  it('pages the on-call at once and posts to the alerts channel with buttons', async () => {
    const res = await og('/v2/alerts', { message: 'Checkout error rate above 5%', alias: 'checkout-errors', priority: 'P1', description: 'See the dashboard' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ result: 'Request will be processed' });
    await w.advance(2000);
    expect(dmsTo(ONCALL_SLACK).map((m) => String(m.args.text))).toEqual([expect.stringContaining('Checkout error rate above 5%')]);
    expect(dmsTo(LEAD_SLACK)).toHaveLength(0);
    const post = alertsChannel()[0]!;
    expect(String(post.args.text)).toContain('Checkout error rate above 5%');
    expect(JSON.stringify(post.args.blocks)).toContain('alert.ack');
    const list = await w.t.api('GET', '/api/v1/alerts?status=open');
    alertId = list.body.data[0].id;
    expect(list.body.data[0]).toMatchObject({ alias: 'checkout-errors', priority: 'P1', urgency: 'high', count: 1 });
  });

  it('deduplicates a repeat of the same alias without paging again', async () => {
    const res = await og('/v2/alerts', { message: 'Checkout error rate above 5%', alias: 'checkout-errors', priority: 'P1' });
    expect(res.status).toBe(202);
    await w.advance(2000);
    expect(dmsTo(ONCALL_SLACK)).toHaveLength(1);
    const a = await w.t.api('GET', `/api/v1/alerts/${alertId}`);
    expect(a.body.alert.count).toBe(2);
  });

  it('escalates to the team lead after 5 minutes without acknowledgement', async () => {
    await w.advance(5 * MIN);
    expect(dmsTo(LEAD_SLACK).map((m) => String(m.args.text))).toEqual([expect.stringContaining('Checkout error rate above 5%')]);
  });

  it('stops when the lead acknowledges from the alerts channel, and the message shows it', async () => {
    const post = alertsChannel()[0]!;
    const res = await w.slack.pressButton(`${w.t.baseUrl}/slack/interactions`, SIGNING_SECRET, { channel: post.channel, ts: post.ts, actionId: 'alert.ack', userId: LEAD_SLACK }, { timestampSeconds: Math.floor(w.clock.now() / 1000) });
    expect(res.status).toBe(200);
    await w.advance(2000);
    const a = await w.t.api('GET', `/api/v1/alerts/${alertId}`);
    expect(a.body.alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: lead.id });
    const updated = w.slack.callsTo('chat.update').filter((c) => c.args.channel === ALERTS);
    // The updated message names who acknowledged.
    expect(String(updated.at(-1)!.args.text)).toContain('Acknowledged by lead');
    const before = dmsTo(ONCALL_SLACK).length + dmsTo(LEAD_SLACK).length;
    await w.advance(30 * MIN);
    expect(dmsTo(ONCALL_SLACK).length + dmsTo(LEAD_SLACK).length).toBe(before);
    const types = a.body.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['alert.created', 'alert.escalated', 'alert.deduplicated', 'alert.acknowledged']));
    expect(types.filter((t: string) => t === 'alert.escalated')).toHaveLength(2);
  });

  it('closes through the OpsGenie API by alias, and a new alert with that alias opens fresh', async () => {
    const res = await og('/v2/alerts/checkout-errors/close?identifierType=alias', { user: 'prometheus', note: 'recovered' });
    expect(res.status).toBe(202);
    await w.advance(2000);
    expect((await w.t.api('GET', `/api/v1/alerts/${alertId}`)).body.alert.status).toBe('closed');
    expect(String(w.slack.callsTo('chat.update').filter((c) => c.args.channel === ALERTS).at(-1)!.args.text)).toContain('Closed by prometheus');
    await og('/v2/alerts', { message: 'Checkout error rate above 5%', alias: 'checkout-errors', priority: 'P1' });
    const open = await w.t.api('GET', '/api/v1/alerts?status=open');
    expect(open.body.data).toHaveLength(1);
    expect(open.body.data[0].id).not.toBe(alertId);
    await w.t.api('POST', `/api/v1/alerts/${open.body.data[0].id}/close`, { body: {} });
  });

  it('repeats the whole policy when nobody answers, then stops', async () => {
    await og('/v2/alerts', { message: 'Disk full', alias: 'disk-full', priority: 'P2' });
    await w.advance(60 * MIN);
    const a = (await w.t.api('GET', '/api/v1/alerts?status=open')).body.data[0];
    const timeline = (await w.t.api('GET', `/api/v1/alerts/${a.id}`)).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline.filter((t: string) => t === 'alert.escalated')).toHaveLength(6); // 2 steps × 3 rounds
    expect(timeline).toContain('alert.escalation_ended');
    await w.t.api('POST', `/api/v1/alerts/${a.id}/close`, { body: {} });
  });
});

describe('maintenance, storms and heartbeats', () => {
  it('records alerts during maintenance without paging anyone', async () => {
    const now = w.clock.now();
    expect((await w.t.api('POST', '/api/v1/services/checkout-api/maintenance', { body: { start: now - 1000, end: now + 10 * MIN, reason: 'deploy' } })).status).toBe(201);
    const before = dmsTo(ONCALL_SLACK).length;
    await og('/v2/alerts', { message: 'Deploy blip', alias: 'blip' });
    await w.advance(3 * MIN);
    expect(dmsTo(ONCALL_SLACK).length).toBe(before);
    const a = (await w.t.api('GET', '/api/v1/alerts?status=open')).body.data[0];
    expect((await w.t.api('GET', `/api/v1/alerts/${a.id}`)).body.timeline.map((e: { type: string }) => e.type)).toContain('alert.maintenance');
    await w.t.api('POST', `/api/v1/alerts/${a.id}/close`, { body: {} });
    await w.advance(10 * MIN);
  });

  it('sends one summary page for an alert storm, and records every alert', async () => {
    const before = dmsTo(ONCALL_SLACK).length;
    for (let i = 0; i < 30; i++) expect((await og('/v2/alerts', { message: `Node ${i} down`, alias: `node-${i}` })).status).toBe(202);
    await w.advance(2 * MIN);
    const pages = dmsTo(ONCALL_SLACK).slice(before).map((m) => String(m.args.text));
    // The first alerts page on their own; past the storm threshold one summary covers the rest.
    expect(pages.length).toBeLessThanOrEqual(11);
    expect(pages.some((p) => p.includes('Alert storm: 20 alerts'))).toBe(true);
    expect((await w.t.api('GET', '/api/v1/alerts?status=open&limit=100')).body.total).toBe(30);
    const ids = (await w.t.api('GET', '/api/v1/alerts?status=unclosed&limit=100')).body.data.map((a: { id: string }) => a.id);
    expect((await w.t.api('POST', '/api/v1/alerts/bulk', { body: { action: 'close', ids } })).body.done).toBe(30);
  });

  it('raises an alert when a heartbeat is missed, and closes it on the next ping', async () => {
    expect((await w.t.api('POST', '/api/v1/services/checkout-api/heartbeats', { body: { name: 'nightly-backup', intervalSeconds: 600 } })).status).toBe(201);
    expect((await og('/v2/heartbeats/nightly-backup/ping', undefined, 'GET')).status).toBe(202);
    await w.advance(11 * MIN);
    const open = (await w.t.api('GET', '/api/v1/alerts?status=open')).body.data;
    expect(open.map((a: { message: string }) => a.message)).toEqual(['Heartbeat nightly-backup expired']);
    expect((await og('/v2/heartbeats/nightly-backup/ping', undefined, 'GET')).status).toBe(202);
    expect((await w.t.api('GET', `/api/v1/alerts/${open[0].id}`)).body.alert.status).toBe('closed');
    expect((await og('/v2/heartbeats/nope/ping', undefined, 'GET')).status).toBe(404);
  });
});

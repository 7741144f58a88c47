/**
 * Error triage from Sentry: a signed issue lands in the queue once (a forged one changes nothing),
 * repeated events update its counts, a resolved issue seen again comes back flagged as a
 * regression, and each of the four decisions does what it says, against a fake Sentry and a fake
 * Jira: an incident (declared pre-filled, or linked), a Jira bug, "I am fixing it" (assigned in
 * Sentry) and noise (ignored / resolved in Sentry). Every decision is recorded for the shift report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startWorld, type World } from '../helpers/world.js';
import { startFakeJira, type FakeJira } from '../fakes/jira.js';
import { startFakeSentry, type FakeSentry } from '../fakes/sentry.js';

const SECRET = 'sentry-client-secret-0123456789abcdef';
const SENTRY_TOKEN = 'sntrys_test_token_0123456789';
const ALERTS = 'C0ALERTS01';
const KIM = 'U0KIM00001';
const MIN = 60_000;

let w: World;
let sentry: FakeSentry;
let jira: FakeJira;
let kim: { id: string; token: string; email: string };
let stan: { id: string; token: string; email: string };
let hookUrl: string;
let legacyUrl: string;
let started: number;

const queue = async (state = 'open') => (await w.t.api('GET', `/api/v1/triage?state=${state}`, { token: kim.token })).body;
const itemOf = async (issueId: string) => ((await queue('all')).data as Array<{ sourceId: string; id: string }>).find((i) => i.sourceId === issueId) as any;
const channelPosts = () => w.slack.messages(ALERTS);
const postFor = (title: string) => [...channelPosts()].reverse().find((m) => String(m.text).includes(title))!;
const ts = () => ({ timestampSeconds: Math.floor(w.clock.now() / 1000) });
const press = async (title: string, actionId: string) => {
  const post = postFor(title);
  const res = await w.slack.pressButton(
    `${w.t.baseUrl}/slack/interactions`,
    SIGNING_SECRET,
    { channel: post.channel, ts: post.ts, actionId, userId: KIM },
    ts(),
  );
  expect(res.status).toBe(200);
};
const sentryPuts = (issueId: string) => sentry.calls().filter((c) => c.method === 'PUT' && c.path === `/api/0/organizations/acme/issues/${issueId}/`);

beforeAll(async () => {
  sentry = await startFakeSentry({ token: SENTRY_TOKEN, org: 'acme' });
  jira = await startFakeJira({ email: 'vigil@example.com', apiToken: 'jira-api-token' });
  w = await startWorld({
    config: {
      sentry: { apiUrl: sentry.url, token: SENTRY_TOKEN, org: 'acme' },
      jira: { baseUrl: jira.url, email: 'vigil@example.com', apiToken: 'jira-api-token', bugProject: 'BUG' },
    },
  });
  started = w.clock.now();
  kim = await w.t.createUserWithToken('responder', 'kim@example.com');
  stan = await w.t.createUserWithToken('stakeholder', 'stan@example.com');
  await w.t.api('PATCH', `/api/v1/users/${kim.id}`, { body: { slackUserId: KIM } });
  sentry.addUser({ id: '501', email: 'kim@example.com', name: 'Kim' });
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Web', memberIds: [kim.id] } });
  await w.t.api('POST', '/api/v1/services', { body: { name: 'Storefront', teamId: 'web', alertsChannel: ALERTS } });
  const signed = await w.t.api('POST', '/api/v1/services/storefront/integrations', { body: { name: 'Sentry', type: 'sentry', signingSecret: SECRET } });
  expect(signed.status).toBe(201);
  hookUrl = `${w.t.baseUrl}/hooks/sentry/${signed.body.key}`;
  const legacy = await w.t.api('POST', '/api/v1/services/storefront/integrations', { body: { name: 'Sentry WebHooks plugin', type: 'sentry' } });
  legacyUrl = `${w.t.baseUrl}/hooks/sentry/${legacy.body.key}`;
  const guidance = await w.t.api('PATCH', '/api/v1/settings/incidents', { body: { triageGuidance: 'Customers affected now? Incident. Otherwise a bug.' } });
  expect(guidance.status).toBe(200);
});
afterAll(async () => {
  await w?.close();
  await Promise.all([sentry?.close(), jira?.close()]);
});

describe('the queue', () => {
  it('a signed issue.created lands in the queue once, beside the team’s guidance, and is posted with buttons', async () => {
    sentry.createIssue({ id: '1001', title: 'TypeError: cart is undefined', culprit: 'checkout/cart.js in total', count: 1, userCount: 1, at: w.clock.now() });
    const res = await sentry.send(hookUrl, sentry.issueHook('created', '1001'), { resource: 'issue', secret: SECRET });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', item: { created: true, state: 'open' } });
    const q = await queue();
    expect(q.guidance).toBe('Customers affected now? Incident. Otherwise a bug.');
    expect(q.data).toHaveLength(1);
    expect(q.data[0]).toMatchObject({
      sourceId: '1001',
      title: 'TypeError: cart is undefined',
      culprit: 'checkout/cart.js in total',
      level: 'error',
      events: 1,
      usersAffected: 1,
      state: 'open',
      regression: false,
      decision: null,
    });
    expect(q.data[0].webUrl).toBe(`${sentry.url}/organizations/acme/issues/1001/`);

    await w.advance(2000);
    const post = postFor('TypeError: cart is undefined');
    expect(String(post.text)).toContain('Customers affected now?');
    const buttons = (post.blocks as any[]).flatMap((b) => b.elements ?? []).map((e: any) => e.action_id);
    expect(buttons).toEqual(['triage.incident', 'triage.bug', 'triage.fixing', 'triage.ignore', 'triage.resolve']);
  });

  it('a bad or missing signature gets 401 and changes nothing', async () => {
    sentry.createIssue({ id: '1002', title: 'RangeError: forged' });
    const forged = await sentry.send(hookUrl, sentry.issueHook('created', '1002'), { resource: 'issue', secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body).error.code).toBe('invalid_signature');
    const unsigned = await sentry.send(hookUrl, sentry.issueHook('created', '1002'), { resource: 'issue', secret: null });
    expect(unsigned.status).toBe(401);
    // A valid signature of another body does not sign this one.
    const body = sentry.issueHook('created', '1002');
    const other = await sentry.send(hookUrl, body, {
      resource: 'issue',
      secret: null,
      signature: sentry.sign(SECRET, JSON.stringify({ ...body, action: 'resolved' })),
    });
    expect(other.status).toBe(401);
    const badKey = await sentry.send(`${w.t.baseUrl}/hooks/sentry/vgi_not_a_key_0000000000000`, body, { resource: 'issue', secret: SECRET });
    expect(badKey.status).toBe(401);
    expect((await queue('all')).data.map((i: any) => i.sourceId)).toEqual(['1001']);
  });

  it('repeated events update the counts and last seen, never a second item (integration platform and legacy plugin)', async () => {
    const t1 = w.clock.now() + 5 * MIN;
    await w.advance(5 * MIN);
    expect((await sentry.send(hookUrl, sentry.eventAlertHook('1001', { at: t1 }), { resource: 'event_alert', secret: SECRET })).status).toBe(200);
    expect((await sentry.send(hookUrl, sentry.eventAlertHook('1001', { at: t1 + 1000 }), { resource: 'event_alert', secret: SECRET })).status).toBe(200);
    let item = await itemOf('1001');
    expect(item).toMatchObject({ events: 3, lastSeen: t1 + 1000, environment: 'production' });
    // The legacy WebHooks plugin (unsigned, its own integration without a secret) updates the same issue.
    const legacy = await sentry.send(legacyUrl, sentry.legacyHook('1001', { at: t1 + 2000 }), { secret: null });
    expect(legacy.status).toBe(200);
    // Sentry's own totals win when a payload carries them.
    sentry.issue('1001')!.userCount = 7;
    expect((await sentry.send(hookUrl, sentry.issueHook('assigned', '1001'), { resource: 'issue', secret: SECRET })).status).toBe(200);
    item = await itemOf('1001');
    expect(item).toMatchObject({ events: 4, usersAffected: 7, lastSeen: t1 + 2000, state: 'open' });
    expect(item.firstSeen).toBeLessThan(t1);
    expect((await queue('all')).data).toHaveLength(1);
    // Resources Vigil does not use are acknowledged.
    const install = await sentry.send(hookUrl, { action: 'created', data: { installation: {} } }, { resource: 'installation', secret: SECRET });
    expect(install.status).toBe(200);
    expect(JSON.parse(install.body).status).toBe('ignored');
  });

  it('a resolved issue seen again is flagged as a regression and comes back to the queue', async () => {
    sentry.createIssue({ id: '1003', title: 'Error: payment webhook timeout', culprit: 'payments/webhook.js' });
    await sentry.send(hookUrl, sentry.issueHook('created', '1003'), { resource: 'issue', secret: SECRET });
    await w.advance(2000);
    sentry.issue('1003')!.status = 'resolved';
    expect((await sentry.send(hookUrl, sentry.issueHook('resolved', '1003'), { resource: 'issue', secret: SECRET })).status).toBe(200);
    expect(await itemOf('1003')).toMatchObject({ state: 'closed', sentryStatus: 'resolved', regression: false });
    expect((await queue()).data.map((i: any) => i.sourceId)).not.toContain('1003');

    await w.advance(30 * MIN);
    const res = await sentry.send(hookUrl, sentry.eventAlertHook('1003'), { resource: 'event_alert', secret: SECRET });
    expect(JSON.parse(res.body).item).toMatchObject({ regression: true, state: 'open' });
    const item = await itemOf('1003');
    expect(item).toMatchObject({ regression: true, state: 'open', sentryStatus: 'unresolved', events: 2 });
    expect((await w.t.api('GET', '/api/v1/triage?regression=true', { token: kim.token })).body.data.map((i: any) => i.sourceId)).toEqual(['1003']);
    await w.advance(2000);
    expect(String(postFor('payment webhook timeout').text)).toMatch(/Regression/);
    const timeline = (await w.t.api('GET', `/api/v1/triage/${item.id}`, { token: kim.token })).body.timeline.map((e: any) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['triage.created', 'triage.resolved_in_sentry', 'triage.regression']));
  });

  it('a Sentry metric alert is an alert that pages like any monitoring alert', async () => {
    const res = await sentry.send(hookUrl, sentry.metricAlertHook('critical', { id: '77', title: 'Error rate above 5%' }), {
      resource: 'metric_alert',
      secret: SECRET,
    });
    expect(res.status).toBe(200);
    const alerts = (await w.t.api('GET', '/api/v1/alerts?status=open')).body.data;
    expect(alerts.find((a: any) => a.message === 'Error rate above 5%')).toMatchObject({ priority: 'P2', alias: 'sentry-metric-alert-77' });
    await sentry.send(hookUrl, sentry.metricAlertHook('resolved', { id: '77', title: 'Error rate above 5%' }), { resource: 'metric_alert', secret: SECRET });
    expect((await w.t.api('GET', '/api/v1/alerts?status=open')).body.data.some((a: any) => a.alias === 'sentry-metric-alert-77')).toBe(false);
  });
});

describe('the four decisions', () => {
  it('(a) incident from the Slack button: declared pre-filled from the error, the presser commands it', async () => {
    await press('TypeError: cart is undefined', 'triage.incident');
    const reply = await w.slack.waitFor(() => w.slack.responses().find((r) => String(r.body.text).includes('declared from the error')));
    expect(reply.body.text).toContain('you are commander');
    const item = await itemOf('1001');
    expect(item).toMatchObject({ state: 'decided', decision: 'incident', decidedBy: kim.id, decidedAt: w.clock.now() });
    const inc = (await w.t.api('GET', `/api/v1/incidents/${item.incidentId}`, { token: kim.token })).body;
    expect(inc.incident).toMatchObject({
      title: 'TypeError: cart is undefined',
      severity: 'P3',
      commanderId: kim.id,
      sourceType: 'triage_item',
      sourceId: item.id,
    });
    expect(inc.incident.summary).toContain('checkout/cart.js in total');
    expect(inc.incident.summary).toContain(`${sentry.url}/organizations/acme/issues/1001/`);
    // Decided once: a second decision is refused.
    const again = await w.t.api('POST', `/api/v1/triage/${item.id}/bug`, { token: kim.token });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('triage_decided');
    await w.advance(5000);
    expect(String(postFor('TypeError: cart is undefined').text)).toContain('Decided by kim: incident INC-');
  });

  it('(a) or linked to an open incident', async () => {
    sentry.createIssue({ id: '1004', title: 'Error: cart total NaN' });
    await sentry.send(hookUrl, sentry.issueHook('created', '1004'), { resource: 'issue', secret: SECRET });
    await w.advance(5000);
    const item = await itemOf('1004');
    const open = (await w.t.api('GET', '/api/v1/incidents?status=open', { token: kim.token })).body.data[0];
    const res = await w.t.api('POST', `/api/v1/triage/${item.number}/incident`, { token: kim.token, body: { incidentId: open.reference } });
    expect(res.status).toBe(200);
    expect(res.body.item).toMatchObject({ decision: 'incident', incidentId: open.id, decisionDetail: { linked: true, number: open.number } });
    const notes = (await w.t.api('GET', `/api/v1/incidents/${open.id}`, { token: kim.token })).body.timeline.filter((e: any) => e.type === 'incident.note');
    expect(notes.some((n: any) => String(n.data.note).includes('Error: cart total NaN'))).toBe(true);
  });

  it('(b) bug: a Jira Bug in the bug project with the error’s details and link', async () => {
    const item = await itemOf('1003');
    const res = await w.t.api('POST', `/api/v1/triage/${item.id}/bug`, { token: kim.token });
    expect(res.status).toBe(200);
    expect(res.body.ticket.key).toBe('BUG-1');
    expect(res.body.item).toMatchObject({ decision: 'bug', jiraKey: 'BUG-1', jiraUrl: `${jira.url}/browse/BUG-1`, decidedBy: kim.id });
    const [created] = jira.createdIssues();
    expect(created!.fields).toMatchObject({
      project: { key: 'BUG' },
      issuetype: { name: 'Bug' },
      summary: '[Sentry] Error: payment webhook timeout',
      labels: ['sentry', 'vigil-triage'],
    });
    const text = JSON.stringify(created!.fields.description);
    expect(text).toContain('payments/webhook.js');
    expect(text).toContain(`${sentry.url}/organizations/acme/issues/1003/`);
    expect(text).toContain('regression');
  });

  it('(b) a Jira failure leaves the item in the queue, with the failure on its timeline', async () => {
    sentry.createIssue({ id: '1005', title: 'Error: image resize failed' });
    await sentry.send(hookUrl, sentry.issueHook('created', '1005'), { resource: 'issue', secret: SECRET });
    await w.advance(5000);
    const item = await itemOf('1005');
    jira.failNext('/rest/api/3/issue', 503);
    const res = await w.t.api('POST', `/api/v1/triage/${item.id}/bug`, { token: kim.token });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('jira_failed');
    const after = (await w.t.api('GET', `/api/v1/triage/${item.id}`, { token: kim.token })).body;
    expect(after.item).toMatchObject({ state: 'open', decision: null });
    expect(after.timeline.map((e: any) => e.type)).toContain('triage.bug_failed');
  });

  it('(c) "I am fixing it": assigned to the presser, here and in Sentry', async () => {
    await w.advance(2000);
    await press('image resize failed', 'triage.fixing');
    await w.slack.waitFor(() => w.slack.responses().find((r) => String(r.body.text).includes('is yours')));
    expect(await itemOf('1005')).toMatchObject({ decision: 'fixing', assigneeId: kim.id, decidedBy: kim.id });
    await w.advance(1000);
    expect(sentryPuts('1005').map((c) => c.body)).toEqual([{ assignedTo: 'kim@example.com' }]);
    expect(sentryPuts('1005')[0]!.authorization).toBe(`Bearer ${SENTRY_TOKEN}`);
    expect(sentry.issue('1005')!.assignedTo).toMatchObject({ id: '501', email: 'kim@example.com' });
    const timeline = (await w.t.api('GET', `/api/v1/triage/${(await itemOf('1005')).id}`, { token: kim.token })).body.timeline.map((e: any) => e.type);
    expect(timeline).toContain('triage.sentry_updated');
  });

  it('(d) noise: ignored in Sentry (for a while), retried when Sentry fails', async () => {
    sentry.createIssue({ id: '1006', title: 'Warning: deprecated API used', level: 'warning' });
    await sentry.send(hookUrl, sentry.issueHook('created', '1006'), { resource: 'issue', secret: SECRET });
    await w.advance(5000);
    const item = await itemOf('1006');
    sentry.failNext(502);
    const res = await w.t.api('POST', `/api/v1/triage/${item.id}/noise`, { token: kim.token, body: { action: 'ignore', ignoreDurationMinutes: 60 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ decision: 'noise', sentryStatus: 'ignored', decisionDetail: { action: 'ignore', ignoreDurationMinutes: 60 } });
    await w.advance(1000);
    expect(sentry.issue('1006')!.status).toBe('unresolved');
    await w.advance(2 * MIN);
    expect(sentry.issue('1006')!.status).toBe('ignored');
    expect(sentry.issue('1006')!.statusDetails).toEqual({ ignoreDuration: 60 });
    expect(sentryPuts('1006')).toHaveLength(2);
  });

  it('(d) noise: resolved from the Slack button, here and in Sentry', async () => {
    sentry.createIssue({ id: '1007', title: 'Error: bot traffic 404' });
    await sentry.send(hookUrl, sentry.issueHook('created', '1007'), { resource: 'issue', secret: SECRET });
    await w.advance(5000);
    await w.advance(2000);
    await press('bot traffic 404', 'triage.resolve');
    await w.advance(1000);
    expect(await itemOf('1007')).toMatchObject({ decision: 'noise', sentryStatus: 'resolved', decisionDetail: { action: 'resolve' } });
    expect(sentry.issue('1007')!.status).toBe('resolved');
    expect((await queue()).data.map((i: any) => i.sourceId)).not.toContain('1007');
  });

  it('stakeholders follow the queue but cannot decide', async () => {
    sentry.createIssue({ id: '1008', title: 'Error: flaky' });
    await sentry.send(hookUrl, sentry.issueHook('created', '1008'), { resource: 'issue', secret: SECRET });
    await w.advance(5000);
    expect((await w.t.api('GET', '/api/v1/triage', { token: stan.token })).status).toBe(200);
    const item = await itemOf('1008');
    expect((await w.t.api('POST', `/api/v1/triage/${item.id}/fixing`, { token: stan.token })).status).toBe(403);
  });

  it('Slack `/triage` lists the queue with the decision buttons', async () => {
    const reply = await w.slack.sendSlashCommand(
      `${w.t.baseUrl}/slack/commands`,
      SIGNING_SECRET,
      { command: '/triage', text: '', user_id: KIM, channel_id: 'C0GENERAL1' },
      ts(),
    );
    expect(reply.json.text).toContain('Error: flaky');
    expect(reply.json.text).not.toContain('cart is undefined');
    const actions = (reply.json.blocks as any[]).filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    expect(actions[0].elements.map((e: any) => e.action_id)).toEqual(['triage.incident', 'triage.bug', 'triage.fixing', 'triage.ignore', 'triage.resolve']);
    expect(actions[0].elements[0].value).toBe((await itemOf('1008')).id);
  });

  it('every decision is on the timeline and counted for the shift report', async () => {
    const decided = (await queue('decided')).data;
    expect(decided.map((i: any) => i.decision).sort()).toEqual(['bug', 'fixing', 'incident', 'incident', 'noise', 'noise']);
    for (const i of decided) {
      const tl = (await w.t.api('GET', `/api/v1/triage/${i.id}`, { token: kim.token })).body.timeline;
      expect(tl.find((e: any) => e.type === 'triage.decided')).toMatchObject({ actor: { type: 'user', id: kim.id }, data: { decision: i.decision } });
    }
    const mine = await w.t.vigil.core.uow.run((r) => r.triage.decisionsBetween(kim.id, started, w.clock.now() + 1));
    expect(mine.map((d) => d.decision)).toEqual(['incident', 'incident', 'bug', 'fixing', 'noise', 'noise']);
    expect(mine[2]).toMatchObject({ title: 'Error: payment webhook timeout', detail: { jiraKey: 'BUG-1' }, userId: kim.id });
    expect(await w.t.vigil.core.uow.run((r) => r.triage.decisionsBetween(kim.id, started, started + 1))).toEqual([]);
    expect(await w.t.vigil.core.uow.run((r) => r.triage.decisionsBetween(stan.id, started, w.clock.now() + 1))).toEqual([]);
  });
});

/**
 * After the incident: a P0 resolves and its post-mortem draft holds the timeline; action items become
 * Jira tickets; publishing emails the company; search finds it by a word of its root cause.
 * Across a shift: the report drafted at hand-off fills itself, is sent, and the next on-call sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeJira, type FakeJira } from '../fakes/jira.js';
import { startWorld, type World } from '../helpers/world.js';

const H = 3_600_000;
let w: World;
let jira: FakeJira;
let ann: { id: string; token: string; email: string };
let ben: { id: string; token: string; email: string };
let key: string;

beforeAll(async () => {
  jira = await startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token' });
  w = await startWorld({ config: { jira: { baseUrl: jira.url, email: 'bot@example.com', apiToken: 'jira-token', actionItemProject: 'OPS' } } });
  ann = await w.t.createUserWithToken('responder', 'ann@example.com');
  ben = await w.t.createUserWithToken('responder', 'ben@example.com');
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Core', memberIds: [ann.id, ben.id] } });
  // Ann is on call until tomorrow 09:00 UTC, then Ben (daily hand-offs).
  const today = new Date(w.clock.now()).toISOString().slice(0, 10);
  await w.t.api('POST', '/api/v1/schedules', { body: { name: 'Core', teamId: 'core', timeZone: 'UTC', reminderMinutes: 0, layers: [{ name: 'Daily', participants: [ann.id, ben.id], shift: { unit: 'day', length: 1 }, handoffTime: '09:00', startDate: today }] } });
  await w.t.api('POST', '/api/v1/escalation-policies', { body: { name: 'Core', teamId: 'core', steps: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: 'core' }] }] } });
  await w.t.api('POST', '/api/v1/services', { body: { name: 'Billing', teamId: 'core', escalationPolicyId: 'core' } });
  key = (await w.t.api('POST', '/api/v1/services/billing/integrations', { body: { name: 'Prom', type: 'opsgenie' } })).body.key;
  await w.t.api('PATCH', '/api/v1/settings/incidents', { body: { companyEmail: 'company@example.com' } });
  await w.advance(1000);
});
afterAll(async () => {
  await w?.close();
  await jira?.close();
});

describe('post-mortems', () => {
  let pmId: string;
  let incidentId: string;

  it('creates a draft with the incident timeline when a P0 resolves', async () => {
    const inc = await w.t.api('POST', '/api/v1/incidents', { token: ann.token, body: { title: 'Invoices double-charged', severity: 'P0', serviceIds: ['billing'] } });
    incidentId = inc.body.id;
    await w.t.api('POST', `/api/v1/incidents/${incidentId}/notes`, { token: ann.token, body: { note: 'Retry storm from the payment worker' } });
    await w.advance(20 * 60_000);
    await w.t.api('POST', `/api/v1/incidents/${incidentId}/status`, { token: ann.token, body: { status: 'resolved', reason: 'Deduplicated charges refunded' } });
    await w.advance(1000);
    const list = await w.t.api('GET', '/api/v1/postmortems');
    expect(list.body.data).toHaveLength(1);
    pmId = list.body.data[0].id;
    const pm = (await w.t.api('GET', `/api/v1/postmortems/${pmId}`)).body.postmortem;
    expect(pm).toMatchObject({ status: 'draft', ownerId: ann.id, severity: 'P0' });
    expect(pm.sections.timeline).toContain('declared the incident (P0)');
    expect(pm.sections.timeline).toContain('Retry storm from the payment worker');
    expect(pm.sections.timeline).toContain('investigating → resolved');
  });

  it('refuses to publish an empty post-mortem, and an action item without an owner', async () => {
    const res = await w.t.api('POST', `/api/v1/postmortems/${pmId}/status`, { token: ann.token, body: { status: 'published' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('postmortem_empty');
    const noOwner = await w.t.api('POST', `/api/v1/postmortems/${pmId}/action-items`, { token: ann.token, body: { title: 'Add idempotency keys', ownerId: '' } });
    expect(noOwner.status).toBe(400);
  });

  it('turns action items into Jira tickets and follows their status back', async () => {
    await w.t.api('PATCH', `/api/v1/postmortems/${pmId}`, {
      token: ann.token,
      body: { sections: { summary: 'Customers were charged twice for some invoices.', rootCause: 'The payment worker retried without an idempotency key after a timeout.' }, tags: ['payments'] },
    });
    const item = await w.t.api('POST', `/api/v1/postmortems/${pmId}/action-items`, { token: ann.token, body: { title: 'Add idempotency keys to charges', ownerId: 'ben@example.com', createTicket: true } });
    expect(item.status).toBe(201);
    await w.advance(1000);
    expect(jira.createdIssues().map((i) => i.fields.summary)).toEqual(['Add idempotency keys to charges']);
    const key = jira.createdIssues()[0]!.key;
    const got = (await w.t.api('GET', `/api/v1/postmortems/${pmId}`)).body.actionItems[0];
    expect(got).toMatchObject({ jiraKey: key, status: 'open' });
    await fetch(`${jira.url}/rest/api/3/issue/${key}/transitions`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('bot@example.com:jira-token').toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify({ transition: { id: '31' } }) });
    await w.advance(61 * 60_000); // the reconciler follows tickets
    const after = (await w.t.api('GET', `/api/v1/postmortems/${pmId}`)).body.actionItems[0];
    expect(after).toMatchObject({ status: 'done', jiraStatus: 'Done' });
  });

  it('publishing a P0 post-mortem emails it to the company as HTML', async () => {
    const res = await w.t.api('POST', `/api/v1/postmortems/${pmId}/status`, { token: ann.token, body: { status: 'published' } });
    expect(res.status).toBe(200);
    await w.advance(1000);
    const mail = await w.smtp.waitFor((m) => m.to.includes('company@example.com') && m.subject.startsWith('Post-mortem:'));
    expect(mail.html).toContain('<h2>Root cause</h2>');
    expect(mail.html).toContain('idempotency key');
  });

  it('finds the post-mortem by a word of its root cause, and exports it', async () => {
    const hit = await w.t.api('GET', '/api/v1/postmortems?q=idempotency');
    expect(hit.body.data.map((p: { id: string }) => p.id)).toEqual([pmId]);
    expect((await w.t.api('GET', '/api/v1/postmortems?q=kubernetes')).body.data).toEqual([]);
    expect((await w.t.api('GET', '/api/v1/postmortems?q=idempotency&severity=P1')).body.data).toEqual([]);
    const md = await fetch(`${w.t.baseUrl}/api/v1/postmortems/${pmId}/export?format=md`, { headers: { authorization: `Bearer ${w.t.adminToken}` } });
    expect(await md.text()).toContain('## Root cause');
  });
});

describe('shift reports', () => {
  it('drafts a report at hand-off that fills itself, is sent to the team, and is shown to the next on-call', async () => {
    // Tomorrow 09:00 Ben takes over: his draft appears.
    const nine = Date.parse(`${new Date(w.clock.now() + 24 * H).toISOString().slice(0, 10)}T09:00:00Z`);
    await w.advanceTo(nine + 1000);
    const drafts = await w.t.api('GET', '/api/v1/reports?user=me', { token: ben.token });
    expect(drafts.body.data).toHaveLength(1);
    const reportId = drafts.body.data[0].id;
    // During Ben's shift: an alert, an incident, a hand-over item.
    await w.t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body: { message: 'Invoice queue backlog', alias: 'queue' } });
    await w.t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body: { message: 'Invoice queue backlog', alias: 'queue' } });
    const inc = await w.t.api('POST', '/api/v1/incidents', { token: ben.token, body: { title: 'Slow invoice exports', severity: 'P3', serviceIds: ['billing'] } });
    const task = await w.t.api('POST', '/api/v1/backlog', { token: ben.token, body: { title: 'Remove the legacy export path' } });
    expect(task.status).toBe(201);
    expect((await w.t.api('POST', `/api/v1/backlog/${task.body.id}/pick`, { token: ben.token, body: {} })).status).toBe(200);
    await w.advance(H);
    expect((await w.t.api('POST', `/api/v1/backlog/${task.body.id}/done`, { token: ben.token, body: {} })).status).toBe(200);
    await w.advance(2 * H);
    const live = await w.t.api('GET', `/api/v1/reports/${reportId}`, { token: ben.token });
    expect(live.body.content.alerts).toMatchObject({ total: 1, byService: [{ service: 'Billing', count: 1 }] });
    expect(live.body.content.alerts.noisiest[0]).toMatchObject({ message: 'Invoice queue backlog', count: 2 });
    expect(live.body.content.stillOpen.map((i: { id: string }) => i.id)).toEqual([inc.body.id]);
    expect(live.body.content.backlogDone.map((b: { title: string }) => b.title)).toEqual(['Remove the legacy export path']);
    // Someone else cannot send it.
    const notYours = await w.t.api('POST', `/api/v1/reports/${reportId}/send`, { token: ann.token });
    expect(notYours.status).toBe(403);
    await w.t.api('PATCH', `/api/v1/reports/${reportId}`, { token: ben.token, body: { notes: 'Quiet night apart from exports.', handover: [{ text: 'Watch the export queue', done: false }] } });
    const sent = await w.t.api('POST', `/api/v1/reports/${reportId}/send`, { token: ben.token });
    expect(sent.status).toBe(200);
    await w.advance(1000);
    const mails = w.smtp.messages.filter((m) => m.subject.startsWith('On-call report'));
    expect(mails.flatMap((m) => m.to).sort()).toEqual(['ann@example.com', 'ben@example.com']);
    expect(mails[0]!.text).toContain('Watch the export queue');
    expect(mails[0]!.text).toContain('Slow invoice exports');
    expect(mails[0]!.text).toContain('Remove the legacy export path');
    // The next shift (Ann) starts: her draft links Ben's report.
    await w.advance(22 * H);
    const annDrafts = await w.t.api('GET', '/api/v1/reports?user=me&status=draft', { token: ann.token });
    const next = annDrafts.body.data.find((x: { shiftStart: number }) => x.shiftStart > nine);
    expect(next.previousReportId).toBe(reportId);
    const withPrev = await w.t.api('GET', `/api/v1/reports/${next.id}`, { token: ann.token });
    expect(withPrev.body.previous.content.notes).toContain('Quiet night');
  });

  it('reminds an engineer whose report is not sent before the shift ends', async () => {
    const before = w.smtp.messages.filter((m) => m.subject.includes('not sent yet')).length;
    await w.advance(24 * H);
    expect(w.smtp.messages.filter((m) => m.subject.includes('not sent yet')).length).toBeGreaterThan(before);
  });
});

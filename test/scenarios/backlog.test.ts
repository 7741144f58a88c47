/**
 * The better-engineering backlog: tasks read from a (fake) Jira project by JQL, synced on demand
 * and periodically, next to local tasks. When nothing is open for the on-call, the top of the
 * backlog is suggested; they pick a task from Slack and finish it during their shift: recorded with
 * doneBy / doneAt inside the shift window, and the Jira issue moved to Done (best effort, recorded).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startWorld, type World } from '../helpers/world.js';
import { startFakeJira, type FakeJira } from '../fakes/jira.js';
import { backlogSuggestionLine } from '../../src/core/backlog/backlog.js';

const HOUR = 3_600_000;
const KIM = 'U0KIM00001';
const JQL = 'project = ENG AND statusCategory != Done';
let w: World;
let jira: FakeJira;
let kim: { id: string; token: string; email: string };
let shift: { start: number; end: number };

const tasks = async (q = '') => (await w.t.api('GET', `/api/v1/backlog${q}`, { token: kim.token })).body.data as Array<Record<string, any>>;
const task = async (ref: string) => (await w.t.api('GET', `/api/v1/backlog/${ref}`, { token: kim.token })).body;
const suggestion = async () => (await w.t.api('GET', '/api/v1/backlog/suggestion', { token: kim.token })).body;
const ts = () => ({ timestampSeconds: Math.floor(w.clock.now() / 1000) });

beforeAll(async () => {
  jira = await startFakeJira({ email: 'vigil@example.com', apiToken: 'jira-api-token' });
  jira.addIssue({
    key: 'ENG-1',
    summary: 'Remove the flaky checkout test',
    priority: 'High',
    labels: ['better-engineering'],
    description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'It fails one run in ten.' }] }] },
  });
  jira.addIssue({ key: 'ENG-2', summary: 'Upgrade to Node 22', priority: 'Low' });
  jira.addIssue({ key: 'ENG-3', summary: 'Already finished', status: 'Done' });
  jira.addIssue({ key: 'OPS-1', summary: 'Another project' });
  w = await startWorld({ config: { jira: { baseUrl: jira.url, email: 'vigil@example.com', apiToken: 'jira-api-token', backlogJql: JQL } } });
  kim = await w.t.createUserWithToken('responder', 'kim@example.com');
  await w.t.api('PATCH', `/api/v1/users/${kim.id}`, { body: { slackUserId: KIM } });
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Web', memberIds: [kim.id] } });
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
  const from = new Date(w.clock.now() - 2 * 86_400_000).toISOString();
  const final = (await w.t.api('GET', `/api/v1/schedules/web-oncall/shifts?from=${from}`)).body.final as Array<{ userId: string; start: number; end: number }>;
  shift = final.find((s) => s.start <= w.clock.now() && s.end > w.clock.now() && s.userId === kim.id)!;
  expect(shift).toBeDefined();
});
afterAll(async () => {
  await w?.close();
  await jira?.close();
});

describe('the backlog', () => {
  it('holds local tasks and the Jira project’s tasks (synced on demand, upserted by key)', async () => {
    const local = await w.t.api('POST', '/api/v1/backlog', {
      token: kim.token,
      body: { title: 'Write the payments runbook', team: 'web', priority: 'medium', labels: ['docs'] },
    });
    expect(local.status).toBe(201);
    expect(local.body).toMatchObject({ reference: 'BE-1', source: 'local', status: 'todo', teamId: expect.any(String) });
    const sync = await w.t.api('POST', '/api/v1/backlog/sync', { token: kim.token });
    expect(sync.body).toEqual({ total: 2, created: 2, updated: 0, archived: 0 });
    expect(jira.calls().some((c) => c.path === '/rest/api/3/search/jql' && (c.body as { jql?: string })?.jql === JQL)).toBe(true);
    // Highest priority first.
    expect((await tasks()).map((t) => t.reference)).toEqual(['ENG-1', 'BE-1', 'ENG-2']);
    expect((await tasks())[0]).toMatchObject({
      source: 'jira',
      jiraUrl: `${jira.url}/browse/ENG-1`,
      jiraStatus: 'To Do',
      priority: 'high',
      labels: ['better-engineering'],
      description: 'It fails one run in ten.',
    });
    // A second sync updates in place.
    expect((await w.t.api('POST', '/api/v1/backlog/sync', { token: kim.token })).body).toMatchObject({ total: 2, created: 0 });
    expect(await tasks()).toHaveLength(3);
    // Jira owns what it holds.
    const edit = await w.t.api('PATCH', '/api/v1/backlog/ENG-2', { token: kim.token, body: { title: 'Mine now' } });
    expect(edit.status).toBe(400);
    expect(edit.body.error.code).toBe('jira_owned');
  });

  it('suggests the top of the backlog only when nothing is open for the on-call', async () => {
    expect(await suggestion()).toMatchObject({ busy: false, task: { reference: 'ENG-1' } });
    // The line the Slack `/oncall` answer adds.
    expect(await w.t.vigil.core.uow.run((r) => backlogSuggestionLine(r, kim.id, 'https://vigil.example.com'))).toContain(
      'ENG-1 Remove the flaky checkout test',
    );
    const inc = await w.t.api('POST', '/api/v1/incidents', { token: kim.token, body: { title: 'Checkout is slow', severity: 'P3' } });
    const busy = await suggestion();
    expect(busy).toMatchObject({ busy: true, task: null });
    expect(busy.reasons.join(' ')).toContain('Checkout is slow');
    expect(await w.t.vigil.core.uow.run((r) => backlogSuggestionLine(r, kim.id, 'https://vigil.example.com'))).toBeUndefined();
    await w.t.api('POST', `/api/v1/incidents/${inc.body.id}/status`, { token: kim.token, body: { status: 'resolved' } });
    await w.advance(5000);
    expect(await suggestion()).toMatchObject({ busy: false, task: { reference: 'ENG-1' } });
  });

  it('the on-call picks the top task from Slack `/backlog`', async () => {
    const reply = await w.slack.sendSlashCommand(
      `${w.t.baseUrl}/slack/commands`,
      SIGNING_SECRET,
      { command: '/backlog', text: '', user_id: KIM, channel_id: 'C0GENERAL1' },
      ts(),
    );
    expect(reply.json.text).toContain('Nothing is open for you');
    const buttons = (reply.json.blocks as any[]).filter((b) => b.accessory?.action_id === 'backlog.pick');
    expect(buttons.map((b) => b.text.text)).toEqual([expect.stringContaining('ENG-1'), expect.stringContaining('BE-1'), expect.stringContaining('ENG-2')]);
    const pick = buttons[0].accessory;
    const res = await w.slack.sendInteraction(
      `${w.t.baseUrl}/slack/interactions`,
      SIGNING_SECRET,
      { user: { id: KIM, username: 'kim' }, channel: { id: 'C0GENERAL1' }, actions: [{ type: 'button', action_id: pick.action_id, value: pick.value }] },
      ts(),
    );
    expect(res.status).toBe(200);
    await w.slack.waitFor(() => w.slack.responses().find((r) => String(r.body.text).includes('You picked ENG-1')));
    expect((await task('ENG-1')).task).toMatchObject({ status: 'in_progress', assigneeId: kim.id, pickedAt: w.clock.now() });
    // Now it is theirs: carry on with it rather than a new one.
    expect((await suggestion()).inProgress.map((t: { reference: string }) => t.reference)).toEqual(['ENG-1']);
  });

  it('the periodic sync brings new Jira tasks', async () => {
    jira.addIssue({ key: 'ENG-4', summary: 'Delete the legacy cron jobs', priority: 'Medium' });
    await w.advance(2 * HOUR);
    expect((await tasks()).map((t) => t.reference)).toContain('ENG-4');
  });

  it('finished during the shift: doneBy and doneAt recorded, the Jira issue moved to Done', async () => {
    const done = await w.t.api('POST', '/api/v1/backlog/ENG-1/done', { token: kim.token });
    expect(done.status).toBe(200);
    const at = w.clock.now();
    expect(done.body).toMatchObject({ status: 'done', doneBy: kim.id, doneAt: at });
    expect(at).toBeGreaterThanOrEqual(shift.start);
    expect(at).toBeLessThan(shift.end);
    await w.advance(1000);
    expect(jira.issue('ENG-1')!.status).toBe('Done');
    expect((await task('ENG-1')).timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['backlog.imported', 'backlog.picked', 'backlog.done', 'backlog.jira_transitioned']),
    );

    const inShift = await w.t.vigil.core.uow.run((r) => r.backlog.doneBetween(kim.id, shift.start, shift.end));
    expect(inShift.map((t) => t.jiraKey)).toEqual(['ENG-1']);
    expect(await w.t.vigil.core.uow.run((r) => r.backlog.doneBetween(kim.id, shift.end, shift.end + 7 * 24 * HOUR))).toEqual([]);
    // Done in Jira, so the query no longer returns it: it stays done (history), not archived.
    await w.t.api('POST', '/api/v1/backlog/sync', { token: kim.token });
    expect((await task('ENG-1')).task).toMatchObject({ status: 'done', archived: false, doneBy: kim.id });
  });

  it('a Jira transition that fails is recorded; the task stays done', async () => {
    await w.t.api('POST', '/api/v1/backlog/ENG-4/pick', { token: kim.token });
    jira.failNext('/rest/api/3/issue/ENG-4/transitions', 403, { errorMessages: ['You do not have permission to transition this issue.'], errors: {} });
    expect((await w.t.api('PATCH', '/api/v1/backlog/ENG-4', { token: kim.token, body: { status: 'done' } })).body).toMatchObject({
      status: 'done',
      doneBy: kim.id,
    });
    await w.advance(1000);
    const t = await task('ENG-4');
    expect(t.task.status).toBe('done');
    expect(t.timeline.find((e: { type: string }) => e.type === 'backlog.jira_transition_failed').data.error).toContain('permission');
    expect(jira.issue('ENG-4')!.status).toBe('To Do');
  });

  it('a Jira task that leaves the query is hidden; local tasks are done by PATCH too', async () => {
    jira.issue('ENG-2')!.status = 'Done';
    expect((await w.t.api('POST', '/api/v1/backlog/sync', { token: kim.token })).body).toMatchObject({ archived: 1 });
    expect((await tasks()).map((t) => t.reference)).toEqual(['BE-1']);
    const local = await w.t.api('PATCH', '/api/v1/backlog/BE-1', { token: kim.token, body: { status: 'done' } });
    expect(local.body).toMatchObject({ status: 'done', doneBy: kim.id, assigneeId: kim.id });
    expect((await tasks('?status=done')).map((t) => t.reference).sort()).toEqual(['BE-1', 'ENG-1', 'ENG-4']);
    expect((await w.t.vigil.core.uow.run((r) => r.backlog.doneBetween(kim.id, shift.start, shift.end))).map((t) => t.title)).toEqual([
      'Remove the flaky checkout test',
      'Delete the legacy cron jobs',
      'Write the payments runbook',
    ]);
    expect(await suggestion()).toMatchObject({ busy: false, task: null, inProgress: [] });
  });
});

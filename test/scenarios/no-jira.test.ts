/**
 * A team without Jira. Triage's "Bug" files a task in Vigil's own backlog (BE-n) with the error's
 * details, instead of failing; the sprint check (API and `vigil availability`) still shows each
 * engineer's on-call hours for the next 14 days and says plainly that Jira is off.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSentry, type FakeSentry } from '../fakes/sentry.js';
import { startWorld, type World } from '../helpers/world.js';

const run = promisify(execFile);
const SECRET = 'sentry-client-secret-0123456789';
const H = 3_600_000;
let w: World;
let sentry: FakeSentry;
let kim: { id: string; token: string; email: string };
let lee: { id: string; token: string; email: string };
let hookUrl: string;

beforeAll(async () => {
  sentry = await startFakeSentry({ token: 'sntrys_token', org: 'acme' });
  w = await startWorld({ config: { sentry: { apiUrl: sentry.url, token: 'sntrys_token', org: 'acme' } } });
  kim = await w.t.createUserWithToken('responder', 'kim@example.com');
  lee = await w.t.createUserWithToken('responder', 'lee@example.com');
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Web', memberIds: [kim.id, lee.id] } });
  await w.t.api('POST', '/api/v1/services', { body: { name: 'Storefront', teamId: 'web' } });
  const integ = await w.t.api('POST', '/api/v1/services/storefront/integrations', { body: { name: 'Sentry', type: 'sentry', signingSecret: SECRET } });
  hookUrl = `${w.t.baseUrl}/hooks/sentry/${integ.body.key}`;
  // Kim and Lee take daily turns, starting now.
  const s = await w.t.api('POST', '/api/v1/schedules', {
    body: { name: 'Web on-call', teamId: 'web', timeZone: 'UTC', layers: [{ name: 'Daily', participants: [kim.id, lee.id], shift: { unit: 'day', length: 1 }, handoffTime: '09:00' }] },
  });
  expect(s.status).toBe(201);
});
afterAll(async () => {
  await w?.close();
  await sentry?.close();
});

describe('triage without Jira', () => {
  it('"Bug" files a task in the local backlog with the error’s details', async () => {
    sentry.createIssue({ id: '2001', title: 'TypeError: price is NaN', culprit: 'cart/total.js in sum', count: 4, userCount: 3, at: w.clock.now() });
    expect((await sentry.send(hookUrl, sentry.issueHook('created', '2001'), { resource: 'issue', secret: SECRET })).status).toBe(200);
    const item = (await w.t.api('GET', '/api/v1/triage')).body.data[0];
    const res = await w.t.api('POST', `/api/v1/triage/${item.id}/bug`, { token: kim.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.ticket).toMatchObject({ key: expect.stringMatching(/^BE-\d+$/), local: true });
    expect(res.body.item).toMatchObject({ decision: 'bug', decidedBy: kim.id, jiraKey: null });
    const tasks = (await w.t.api('GET', '/api/v1/backlog?status=all')).body.data as Array<{ title: string; description: string; labels: string[]; source: string; number: number; priority: string }>;
    const task = tasks.find((t) => t.title === '[Sentry] TypeError: price is NaN')!;
    expect(task).toMatchObject({ source: 'local', labels: ['bug', 'sentry'], priority: 'medium' });
    expect(`BE-${task.number}`).toBe(res.body.ticket.key);
    expect(task.description).toContain('Culprit: cart/total.js in sum');
    expect(task.description).toContain(`/triage/${item.id}`);
    // Decided once: a second "Bug" is refused and makes no second task.
    expect((await w.t.api('POST', `/api/v1/triage/${item.id}/bug`, { token: kim.token })).status).toBeGreaterThanOrEqual(400);
    expect(((await w.t.api('GET', '/api/v1/backlog?status=all')).body.data as unknown[]).length).toBe(tasks.length);
  });
});

describe('the sprint check without Jira', () => {
  it('shows on-call hours per engineer for the next 14 days and says Jira is off', async () => {
    const res = await w.t.api('GET', '/api/v1/availability/sprint?team=web');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ window: 'default', from: w.clock.now(), to: w.clock.now() + 14 * 24 * H, jira: { enabled: false }, sprints: [], conflicts: [] });
    expect(res.body.jira.note).toMatch(/Jira is off/);
    const hours = Object.fromEntries(res.body.engineers.map((e: { email: string; onCallHours: number }) => [e.email, e.onCallHours]));
    // 14 days of daily turns, the first starting now (09:00): 7 days each.
    expect(hours).toEqual({ 'kim@example.com': 7 * 24, 'lee@example.com': 7 * 24 });
    // The old conflicts endpoint says why it has nothing.
    const conflicts = await w.t.api('GET', '/api/v1/availability/conflicts?team=web');
    expect(conflicts.status).toBe(400);
    expect(conflicts.body.error.code).toBe('jira_not_configured');
  });

  it('`vigil availability` prints the hours and that Jira is off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-nojira-'));
    const out = await run(process.execPath, ['bin/vigil.js', '--url', w.t.baseUrl, '--token', w.t.adminToken, 'availability', '--team', 'web'], {
      env: { ...process.env, VIGIL_CLI_CONFIG_DIR: dir },
    });
    expect(out.stdout).toContain('Jira is off (not configured)');
    expect(out.stdout).toMatch(/Kim[^\n]*168\.0/i);
    expect(out.stdout).toContain('(the next 14 days)');
    const asJson = JSON.parse((await run(process.execPath, ['bin/vigil.js', '--url', w.t.baseUrl, '--token', w.t.adminToken, 'availability', '--team', 'web', '--json'], { env: { ...process.env, VIGIL_CLI_CONFIG_DIR: dir } })).stdout);
    expect(asJson.jira.enabled).toBe(false);
  });
});

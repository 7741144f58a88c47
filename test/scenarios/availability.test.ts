/**
 * Sprint availability: engineers on call are kept out of product sprints. Against a fake Jira with
 * one planted conflict, Vigil finds that one and no others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/shared/clock.js';
import { startFakeJira, type FakeJira } from '../fakes/jira.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const D = 86_400_000;
// Sprints: S1 active 2027-01-04 .. 2027-01-18, S2 future 2027-01-18 .. 2027-02-01.
const S1 = { start: '2027-01-04T09:00:00.000Z', end: '2027-01-18T09:00:00.000Z' };
const S2 = { start: '2027-01-18T09:00:00.000Z', end: '2027-02-01T09:00:00.000Z' };

let t: TestApp;
let jira: FakeJira;
const user = (name: string) => ({ accountId: `acc-${name}`, emailAddress: `${name}@example.com`, displayName: name });

beforeAll(async () => {
  jira = await startFakeJira({ email: 'bot@example.com', apiToken: 'jira-token' });
  t = await startTestApp({ clock: new FakeClock(Date.UTC(2027, 0, 5, 12)), manualEngine: true, config: { jira: { baseUrl: jira.url, email: 'bot@example.com', apiToken: 'jira-token' } } });
  for (const n of ['gus', 'hal', 'ivy']) await t.createUserWithToken('responder', `${n}@example.com`);
  await t.api('POST', '/api/v1/teams', { body: { name: 'Payments', memberIds: [], jiraBoardIds: [7] } });
  const users = (await t.api('GET', '/api/v1/users')).body.data as Array<{ id: string; email: string }>;
  const id = (e: string) => users.find((u) => u.email === e)!.id;
  await t.api('PATCH', '/api/v1/teams/payments', { body: { memberIds: [id('gus@example.com'), id('hal@example.com'), id('ivy@example.com')] } });
  // Gus is on call the week of 2027-01-25 (inside S2 only); Hal the week of 2027-02-08 (after both).
  await t.api('POST', '/api/v1/schedules', {
    body: {
      name: 'Payments primary',
      teamId: 'payments',
      timeZone: 'UTC',
      layers: [{ name: 'Weekly', participants: ['gus@example.com', 'hal@example.com'], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: '2027-01-25', endDate: '2027-02-15' }],
    },
  });
  jira.addBoard(7, 'Payments board');
  jira.addSprint(7, { id: 101, name: 'Sprint 1', state: 'active', startDate: S1.start, endDate: S1.end });
  jira.addSprint(7, { id: 102, name: 'Sprint 2', state: 'future', startDate: S2.start, endDate: S2.end });
  jira.addIssue({ key: 'PAY-1', summary: 'Refunds API', sprintId: 101, assignee: user('gus') }); // S1: Gus not on call
  jira.addIssue({ key: 'PAY-2', summary: 'Checkout redesign', sprintId: 102, assignee: user('gus') }); // S2: Gus on call -> conflict
  jira.addIssue({ key: 'PAY-3', summary: 'Ledger export', sprintId: 102, assignee: user('hal') }); // S2: Hal on call only after it
  jira.addIssue({ key: 'PAY-4', summary: 'Unassigned', sprintId: 102, assignee: null });
  jira.addIssue({ key: 'PAY-5', summary: 'Fraud rules', sprintId: 102, assignee: user('ivy') }); // Ivy never on call
});
afterAll(async () => {
  await t?.close();
  await jira?.close();
});

describe('sprint availability', () => {
  it('reports on-call hours and who can be allocated in a sprint window', async () => {
    const res = await t.api('GET', `/api/v1/availability?team=payments&from=${S2.start}&to=${S2.end}`);
    expect(res.status).toBe(200);
    const byEmail = Object.fromEntries(res.body.data.map((m: { email: string; onCallHours: number; allocatable: boolean }) => [m.email, [m.onCallHours, m.allocatable]]));
    expect(byEmail).toEqual({ 'gus@example.com': [7 * 24, false], 'hal@example.com': [0, true], 'ivy@example.com': [0, true] });
  });

  it('finds the planted Jira conflict and no false ones', async () => {
    const res = await t.api('GET', '/api/v1/availability/conflicts?team=payments');
    expect(res.status).toBe(200);
    expect(res.body.sprints.map((s: { name: string }) => s.name)).toEqual(['Sprint 1', 'Sprint 2']);
    expect(res.body.conflicts.map((c: { issue: { key: string }; user: { email: string }; sprint: { name: string }; onCallHours: number }) => [c.issue.key, c.user.email, c.sprint.name, c.onCallHours])).toEqual([
      ['PAY-2', 'gus@example.com', 'Sprint 2', 7 * 24],
    ]);
    expect(jira.calls().every((c) => c.authorization?.startsWith('Basic '))).toBe(true);
  });

  it('explains what is missing', async () => {
    await t.api('POST', '/api/v1/teams', { body: { name: 'No Boards' } });
    const res = await t.api('GET', '/api/v1/availability/conflicts?team=no-boards');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('no_jira_boards');
    const bad = await t.api('GET', `/api/v1/availability?team=payments&from=${S2.end}&to=${S2.start}`);
    expect(bad.body.error.code).toBe('invalid_range');
    expect((await t.api('GET', '/api/v1/availability?team=nope&from=2027-01-01T00:00:00Z&to=2027-01-02T00:00:00Z')).status).toBe(404);
    void D;
  });
});

describe('the sprint check', () => {
  it('with Jira on: the active sprint is the window, with hours per engineer and the conflicts', async () => {
    const res = await t.api('GET', '/api/v1/availability/sprint?team=payments');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ window: 'jira_sprint', from: Date.parse(S1.start), to: Date.parse(S1.end), jira: { enabled: true, boards: [7], note: null } });
    expect(res.body.engineers.map((e: { email: string; onCallHours: number }) => [e.email, e.onCallHours])).toEqual([
      ['gus@example.com', 0],
      ['hal@example.com', 0],
      ['ivy@example.com', 0],
    ]);
    expect(res.body.conflicts.map((c: { issue: { key: string } }) => c.issue.key)).toEqual(['PAY-2']);
    const s2 = await t.api('GET', `/api/v1/availability/sprint?team=payments&from=${S2.start}&to=${S2.end}`);
    expect(s2.body.window).toBe('requested');
    expect(s2.body.engineers.find((e: { email: string }) => e.email === 'gus@example.com')).toMatchObject({ onCallHours: 7 * 24, allocatable: false });
    expect((await t.api('GET', `/api/v1/availability/sprint?team=payments&from=${S2.start}`)).status).toBe(400);
  });
});

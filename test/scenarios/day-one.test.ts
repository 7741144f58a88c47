/**
 * Day one of a new schedule. A team lead makes a weekly rotation with the defaults on a Tuesday
 * afternoon (hand-off Mondays 09:00, no start date): somebody is on call at once, not next Monday.
 * The on-call Slack user group holds them and their shift report draft exists straight away;
 * nobody "handed off", so no hand-off is announced. The first regular hand-off on Monday moves the
 * group and starts the next report as usual. Changing the schedule (the user group added later, a
 * new rotation order) puts the group and the running shift's report right at once too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

const H = 3_600_000;
// Tuesday 5 January 2027, 14:00 UTC.
const TUESDAY = Date.UTC(2027, 0, 5, 14, 0, 0);
const NEXT_MONDAY_9 = Date.UTC(2027, 0, 11, 9, 0, 0);

type U = { id: string; token: string; email: string };
let w: World;
let ana: U;
let bo: U;
let cy: U;
const SLACK = { ana: 'U0ANA00001', bo: 'U0BO000001', cy: 'U0CY000001' };

const drafts = async (u: U) => (await w.t.api('GET', '/api/v1/reports?user=me', { token: u.token })).body.data as Array<{ id: string; shiftStart: number; shiftEnd: number | null; status: string }>;
const onCall = async (slug: string) => (await w.t.api('GET', `/api/v1/schedules/${slug}/oncall`)).body;

beforeAll(async () => {
  w = await startWorld({ start: TUESDAY });
  ana = await w.t.createUserWithToken('responder', 'ana@example.com');
  bo = await w.t.createUserWithToken('responder', 'bo@example.com');
  cy = await w.t.createUserWithToken('responder', 'cy@example.com');
  for (const [u, slack] of [
    [ana, SLACK.ana],
    [bo, SLACK.bo],
    [cy, SLACK.cy],
  ] as const)
    await w.t.api('PATCH', `/api/v1/users/${u.id}`, { body: { slackUserId: slack } });
  await w.t.api('POST', '/api/v1/teams', { body: { name: 'Payments', memberIds: [ana.id, bo.id, cy.id] } });
  w.slack.addUserGroup({ id: 'S0PAYONCAL', handle: 'payments-oncall', name: 'Payments on-call', users: [] });
  w.slack.addUserGroup({ id: 'S0CHKONCAL', handle: 'checkout-oncall', name: 'Checkout on-call', users: [] });
});
afterAll(async () => w?.close());

describe('a weekly schedule made with the defaults', () => {
  it('has somebody on call from the moment it is created', async () => {
    const res = await w.t.api('POST', '/api/v1/schedules', {
      body: {
        name: 'Payments',
        teamId: 'payments',
        timeZone: 'UTC',
        slackUserGroupId: 'S0PAYONCAL',
        slackHandoffChannel: 'C0PAYHAND1',
        layers: [{ name: 'Weekly', participants: [ana.id, bo.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', handoffWeekday: 1 }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // The rotation counts its hand-offs from Monday 4 January and takes effect now.
    expect(res.body.layers[0]).toMatchObject({ startDate: '2027-01-04', startAt: TUESDAY });
    const now = await onCall('payments');
    expect(now.gap).toBe(false);
    expect(now.onCall).toEqual([expect.objectContaining({ userId: ana.id, until: NEXT_MONDAY_9 })]);
    // Nothing before the schedule existed.
    const before = await w.t.api('GET', `/api/v1/schedules/payments/shifts?from=${TUESDAY - 24 * H}&to=${TUESDAY + H}`);
    expect(before.body.final).toEqual([expect.objectContaining({ userId: ana.id, start: TUESDAY })]);
    expect(before.body.gaps).toEqual([{ start: TUESDAY - 24 * H, end: TUESDAY }]);
  });

  it('puts the on-call in the Slack user group and drafts their shift report at once', async () => {
    await w.settle();
    expect(w.slack.userGroupMembers('S0PAYONCAL')).toEqual([SLACK.ana]);
    const mine = await drafts(ana);
    expect(mine).toEqual([expect.objectContaining({ status: 'draft', shiftStart: TUESDAY, shiftEnd: NEXT_MONDAY_9 })]);
    expect(await drafts(bo)).toEqual([]);
    // Nobody handed anything off: no announcement.
    expect(w.slack.messages('C0PAYHAND1')).toEqual([]);
  });

  it('hands off on Monday at 09:00 as usual: the group follows, the next report starts', async () => {
    await w.advanceTo(NEXT_MONDAY_9 + 1000);
    expect(w.slack.userGroupMembers('S0PAYONCAL')).toEqual([SLACK.bo]);
    expect(await drafts(bo)).toEqual([expect.objectContaining({ shiftStart: NEXT_MONDAY_9 })]);
    expect(await drafts(ana)).toHaveLength(1);
    expect(String(w.slack.messages('C0PAYHAND1').at(-1)?.args.text)).toMatch(/bo/i);
  });
});

describe('changing a schedule', () => {
  it('a user group added later is filled at once, not at the next hand-off', async () => {
    const res = await w.t.api('POST', '/api/v1/schedules', {
      body: { name: 'Checkout', teamId: 'payments', timeZone: 'UTC', layers: [{ name: 'Daily', participants: [cy.id], shift: { unit: 'day', length: 1 }, handoffTime: '09:00' }] },
    });
    expect(res.status).toBe(201);
    await w.settle();
    expect(w.slack.userGroupMembers('S0CHKONCAL')).toEqual([]);
    expect((await w.t.api('PATCH', '/api/v1/schedules/checkout', { body: { slackUserGroupId: 'S0CHKONCAL' } })).status).toBe(200);
    await w.settle();
    expect(w.slack.userGroupMembers('S0CHKONCAL')).toEqual([SLACK.cy]);
  });

  it('a new rotation order puts the new on-call in the group and drafts their report at once', async () => {
    const current = (await w.t.api('GET', '/api/v1/schedules/payments')).body;
    const layers = (current.schedule ?? current).layers as Array<Record<string, unknown>>;
    const res = await w.t.api('PATCH', '/api/v1/schedules/payments', { body: { layers: [{ ...layers[0], participants: [cy.id, ana.id] }] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The layer keeps its start; this week (the second) now belongs to Ana, who follows Cy.
    expect(res.body.layers[0]).toMatchObject({ startDate: '2027-01-04', startAt: TUESDAY });
    await w.settle();
    expect(w.slack.userGroupMembers('S0PAYONCAL')).toEqual([SLACK.ana]);
    const anas = await drafts(ana);
    expect(anas.map((d) => d.shiftStart)).toContain(NEXT_MONDAY_9);
    // Editing again without a change in who is on call drafts nothing more.
    expect((await w.t.api('PATCH', '/api/v1/schedules/payments', { body: { description: 'Payments primary' } })).status).toBe(200);
    await w.settle();
    expect(await drafts(ana)).toHaveLength(anas.length);
  });
});

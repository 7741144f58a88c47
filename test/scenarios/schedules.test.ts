/**
 * A three-person weekly rotation, an override and an accepted swap: the final schedule, who is on
 * call, the iCalendar feed and the hand-off events all tell the same story.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/shared/clock.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const H = 3_600_000;
const D = 24 * H;
// Monday 2027-01-04 10:00 in New York is 15:00Z.
const MONDAY_10_NY = Date.UTC(2027, 0, 4, 15);

let t: TestApp;
const clock = new FakeClock(MONDAY_10_NY - 2 * D);
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({ clock, manualEngine: true });
  for (const name of ['ann', 'bob', 'cid']) {
    const u = await t.createUserWithToken('responder', `${name}@example.com`);
    ids[name] = u.id;
    tokens[name] = u.token;
  }
  await t.api('POST', '/api/v1/teams', { body: { name: 'Payments', memberIds: Object.values(ids) } });
});
afterAll(async () => t?.close());

async function onCallNow(): Promise<string[]> {
  const res = await t.api('GET', '/api/v1/schedules/payments-primary/oncall');
  return res.body.onCall.map((o: { user: { email: string } }) => o.user.email.split('@')[0]);
}

describe('schedules: rotation, override, swap', () => {
  it('creates a weekly rotation handing off Monday 10:00 New York time', async () => {
    const res = await t.api('POST', '/api/v1/schedules', {
      body: {
        name: 'Payments primary',
        teamId: 'payments',
        timeZone: 'America/New_York',
        reminderMinutes: 30,
        layers: [{ name: 'Weekly', participants: ['ann@example.com', 'bob@example.com', 'cid@example.com'], shift: { unit: 'week', length: 1 }, handoffTime: '10:00', handoffWeekday: 1, startDate: '2026-12-28' }],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.slug).toBe('payments-primary');
    // 2026-12-28 -> ann, 2027-01-04 -> bob, 2027-01-11 -> cid.
    expect(await onCallNow()).toEqual(['ann']);
  });

  it('adds an override and a swap that show in the final schedule', async () => {
    // Cid covers Wednesday 2027-01-06 all day for Bob.
    const ov = await t.api('POST', '/api/v1/schedules/payments-primary/overrides', {
      body: { userId: 'cid@example.com', replacesUserId: 'bob@example.com', start: '2027-01-06T05:00:00Z', end: '2027-01-07T05:00:00Z', reason: 'dentist' },
    });
    expect(ov.status).toBe(201);
    // Bob offers Friday 2027-01-08 to others; Ann takes it.
    const swap = await t.api('POST', '/api/v1/schedules/payments-primary/swaps', { token: tokens.bob, body: { start: '2027-01-08T05:00:00Z', end: '2027-01-09T05:00:00Z', note: 'wedding' } });
    expect(swap.status).toBe(201);
    const open = await t.api('GET', '/api/v1/swaps', { token: tokens.ann });
    expect(open.body.data.map((s: { id: string }) => s.id)).toEqual([swap.body.id]);
    const accepted = await t.api('POST', `/api/v1/swaps/${swap.body.id}/accept`, { token: tokens.ann });
    expect(accepted.status).toBe(200);
    expect(accepted.body.override.userId).toBe(ids.ann);

    const shifts = await t.api('GET', `/api/v1/schedules/payments-primary/shifts?from=${MONDAY_10_NY}&to=${MONDAY_10_NY + 7 * D}`);
    const seq = shifts.body.final.map((s: { user: { email: string }; start: number; end: number; source: string }) => [s.user.email.split('@')[0], new Date(s.start).toISOString(), s.source]);
    expect(seq).toEqual([
      ['bob', '2027-01-04T15:00:00.000Z', 'rotation'],
      ['cid', '2027-01-06T05:00:00.000Z', 'override'],
      ['bob', '2027-01-07T05:00:00.000Z', 'rotation'],
      ['ann', '2027-01-08T05:00:00.000Z', 'override'],
      ['bob', '2027-01-09T05:00:00.000Z', 'rotation'],
    ]);
    expect(shifts.body.gaps).toEqual([]);
  });

  it('fires each hand-off once, as time passes, and answers who is on call', async () => {
    const expected: Array<[string, string[]]> = [
      ['2027-01-04T15:00:00.000Z', ['bob']],
      ['2027-01-06T05:00:00.000Z', ['cid']],
      ['2027-01-07T05:00:00.000Z', ['bob']],
      ['2027-01-08T05:00:00.000Z', ['ann']],
      ['2027-01-09T05:00:00.000Z', ['bob']],
      ['2027-01-11T15:00:00.000Z', ['cid']],
    ];
    for (const [iso, who] of expected) {
      await t.vigil.engine.advanceTo(clock, Date.parse(iso) + 1000);
      expect([iso, await onCallNow()]).toEqual([iso, who]);
    }
    // Run the reconciler and every due job again: nothing fires twice.
    await t.vigil.engine.advance(2 * 60_000);
    const timeline = await t.api('GET', '/api/v1/schedules/payments-primary/timeline');
    const started = timeline.body.data
      .filter((e: { type: string }) => e.type === 'shift.started')
      .map((e: { at: number; data: { userId: string } }) => [new Date(e.at).toISOString(), Object.entries(ids).find(([, id]) => id === e.data.userId)![0]]);
    expect(started).toEqual(expected.map(([iso, who]) => [iso, who[0]]));
    const ended = timeline.body.data.filter((e: { type: string }) => e.type === 'shift.ended');
    expect(ended).toHaveLength(expected.length);
  });

  it('reminds the incoming on-call before their shift', async () => {
    const res = await t.api('GET', `/api/v1/users/${ids.cid}/timeline`);
    const reminders = res.body.data.filter((e: { type: string }) => e.type === 'shift.reminder');
    expect(reminders.map((e: { data: { start: number } }) => new Date(e.data.start).toISOString())).toEqual(['2027-01-06T05:00:00.000Z', '2027-01-11T15:00:00.000Z']);
  });

  it('serves the same shifts in the iCalendar feed, with stable UIDs', async () => {
    clock.set(MONDAY_10_NY);
    const feed = await t.api('POST', '/api/v1/calendar-feeds', { body: { scheduleId: 'payments-primary' } });
    expect(feed.status).toBe(201);
    const path = new URL(feed.body.url).pathname;
    const first = await fetch(`${t.baseUrl}${path}`);
    expect(first.headers.get('content-type')).toContain('text/calendar');
    const text = await first.text();
    const comp = new ICAL.Component(ICAL.parse(text));
    const events = comp.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const inWeek = events
      .filter((e) => e.startDate.toJSDate().getTime() >= MONDAY_10_NY && e.startDate.toJSDate().getTime() < MONDAY_10_NY + 7 * D)
      .map((e) => [e.summary.replace('On call: ', ''), e.startDate.toJSDate().toISOString()]);
    expect(inWeek).toEqual([
      ['bob', '2027-01-04T15:00:00.000Z'],
      ['cid', '2027-01-06T05:00:00.000Z'],
      ['bob', '2027-01-07T05:00:00.000Z'],
      ['ann', '2027-01-08T05:00:00.000Z'],
      ['bob', '2027-01-09T05:00:00.000Z'],
    ]);
    const again = await (await fetch(`${t.baseUrl}${path}`)).text();
    const uids = (s: string) => [...s.matchAll(/^UID:(.*)$/gm)].map((m) => m[1]);
    expect(uids(again)).toEqual(uids(text));
    // Revoked feeds stop answering.
    await t.api('DELETE', `/api/v1/calendar-feeds/${feed.body.feed.id}`);
    expect((await fetch(`${t.baseUrl}${path}`)).status).toBe(404);
  });

  it("lists a user's upcoming shifts", async () => {
    const res = await t.api('GET', `/api/v1/users/me/shifts?from=${MONDAY_10_NY}&to=${MONDAY_10_NY + 14 * D}`, { token: tokens.ann });
    expect(res.body.data.map((s: { start: number; source: string }) => [new Date(s.start).toISOString(), s.source])).toEqual([['2027-01-08T05:00:00.000Z', 'override']]);
  });

  it('answers who is on call for every schedule', async () => {
    clock.set(MONDAY_10_NY + 1000);
    const res = await t.api('GET', '/api/v1/oncall');
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0].onCall[0].user.email).toBe('bob@example.com');
    expect(res.body.data[0].next[0].user.email).toBe('cid@example.com');
  });
});

describe('schedules: bad input gets a clear 4xx', () => {
  const layer = { name: 'L', participants: ['ann@example.com'], shift: { unit: 'week', length: 1 }, handoffTime: '10:00', startDate: '2027-01-04' };
  it.each([
    ['an unknown time zone', { name: 'S1', teamId: 'payments', timeZone: 'Mars/Base' }, 'invalid_time_zone'],
    ['a hand-off at 25:00', { name: 'S2', teamId: 'payments', timeZone: 'UTC', layers: [{ ...layer, handoffTime: '25:00' }] }, 'invalid_handoff_time'],
    ['an unknown participant', { name: 'S3', teamId: 'payments', timeZone: 'UTC', layers: [{ ...layer, participants: ['nobody@example.com'] }] }, 'unknown_user'],
    ['an unknown team', { name: 'S4', teamId: 'nope', timeZone: 'UTC' }, 'unknown_team'],
    ['a zero-length shift', { name: 'S5', teamId: 'payments', timeZone: 'UTC', layers: [{ ...layer, shift: { unit: 'week', length: 0 } }] }, 'validation_failed'],
  ])('refuses %s', async (_name, body, code) => {
    const res = await t.api('POST', '/api/v1/schedules', { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it('refuses an override ending before it starts', async () => {
    const res = await t.api('POST', '/api/v1/schedules/payments-primary/overrides', { body: { userId: 'ann@example.com', start: '2027-02-02T00:00:00Z', end: '2027-02-01T00:00:00Z' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_override');
    expect(res.body.error.message).toMatch(/after start/);
  });

  it('refuses a swap of a shift that is not yours', async () => {
    const res = await t.api('POST', '/api/v1/schedules/payments-primary/swaps', { token: tokens.ann, body: { start: MONDAY_10_NY + 2 * H, end: MONDAY_10_NY + 5 * H } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('not_your_shift');
  });

  it('refuses a bad range and an unknown schedule', async () => {
    expect((await t.api('GET', '/api/v1/schedules/payments-primary/shifts?from=2027-02-01T00:00:00Z&to=2027-01-01T00:00:00Z')).body.error.code).toBe('invalid_range');
    expect((await t.api('GET', '/api/v1/schedules/payments-primary/shifts?from=yesterday')).body.error.code).toBe('invalid_time');
    expect((await t.api('GET', '/api/v1/schedules/nope/oncall')).status).toBe(404);
  });
});

/**
 * The pure mappers on purpose-built accounts: what cannot be expressed is listed with a reason, never
 * dropped; conversions of rotations, restrictions and escalation delays. Plus the source HTTP reader's
 * retries and the verification comparer.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SourceClient } from '../../src/migrate/http.js';
import { mapOpsGenie } from '../../src/migrate/opsgenie/mapper.js';
import type { OgRotation, OgSchedule, OpsGenieAccount } from '../../src/migrate/opsgenie/types.js';
import { mapPagerDuty } from '../../src/migrate/pagerduty/mapper.js';
import type { PagerDutyAccount, PdScheduleLayer } from '../../src/migrate/pagerduty/types.js';
import { compareOnCall, gridInstants, groupDifferences, hourlyInstants, mergeInstants, nextOffsetChange, verifyWindow } from '../../src/migrate/verify.js';
import { keepExistingRoles } from '../../src/migrate/run.js';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const ada = { type: 'user', id: 'u1', username: 'ada@x.example' };
const bob = { type: 'user', id: 'u2', username: 'bob@x.example' };

function ogAccount(schedule: Partial<OgSchedule> & { rotations: OgRotation[] }, extra: Partial<OpsGenieAccount> = {}): OpsGenieAccount {
  return {
    users: [
      { id: 'u1', username: 'ada@x.example', fullName: 'Ada', role: { name: 'User' }, timeZone: 'Europe/Berlin' },
      { id: 'u2', username: 'bob@x.example', fullName: 'Bob', role: { name: 'Custom Ops' }, timeZone: 'Mars/Base' },
      { id: 'u3', username: 'not-an-email', fullName: 'Robot' },
    ],
    teams: [{ id: 't1', name: 'Ops', members: [{ user: { id: 'u1' }, role: 'admin' }, { user: { id: 'u2' } }] }],
    schedules: [{ id: 's1', name: 'Ops', timezone: 'Europe/Berlin', enabled: true, ownerTeam: { id: 't1' }, overrides: [], ...schedule }],
    escalations: [],
    integrations: [],
    heartbeats: [],
    maintenance: [],
    ...extra,
  };
}

const rot = (r: Partial<OgRotation>): OgRotation => ({
  id: 'r1',
  name: 'Main',
  startDate: '2026-01-05T08:00:00Z',
  type: 'weekly',
  length: 1,
  participants: [ada, bob],
  ...r,
});

describe('OpsGenie mapper', () => {
  it('converts rotations: hand-off time, weekday and restrictions in the schedule zone', () => {
    const m = mapOpsGenie(
      ogAccount({
        rotations: [
          rot({ id: 'r1', name: 'Days', timeRestriction: { type: 'time-of-day', restriction: { startHour: 8, startMin: 30, endHour: 20, endMin: 0 } } }),
          rot({
            id: 'r2',
            name: 'Nights',
            type: 'daily',
            length: 3,
            startDate: '2026-01-05T19:00:00Z',
            timeRestriction: { type: 'time-of-day', restriction: { startHour: 20, startMin: 0, endHour: 8, endMin: 30 } },
          }),
        ],
      }),
      { now: NOW },
    );
    expect(m.document.schedules![0]!.layers).toEqual([
      {
        name: 'Days',
        participants: ['ada@x.example', 'bob@x.example'],
        shift: { unit: 'week', length: 1 },
        handoffTime: '09:00',
        handoffWeekday: 1,
        startDate: '2026-01-05',
        restrictions: [{ type: 'time_of_day', start: '08:30', end: '20:00' }],
        mode: 'combine',
      },
      {
        name: 'Nights',
        participants: ['ada@x.example', 'bob@x.example'],
        shift: { unit: 'day', length: 3 },
        handoffTime: '20:00',
        startDate: '2026-01-05',
        restrictions: [{ type: 'time_of_day', start: '20:00', end: '08:30' }],
        mode: 'combine',
      },
    ]);
    expect(m.unmapped.filter((u) => u.kind === 'schedule')).toEqual([]);
  });

  it('lists rotations, users and rules it cannot express, each with a reason', () => {
    const m = mapOpsGenie(
      ogAccount({
        rotations: [
          rot({ id: 'r1', name: 'Team slot', participants: [ada, { type: 'team', id: 't1', name: 'Ops' }] }),
          rot({ id: 'r2', name: 'Yearly', length: 60 }),
          rot({ id: 'r3', name: 'Gap slot', participants: [ada, { type: 'none' }] }),
          rot({ id: 'r4', name: 'Old', endDate: '2026-02-01T00:00:00Z' }),
          rot({ id: 'r5', name: 'Odd second', startDate: '2026-01-05T08:00:30Z' }),
        ],
      }),
      { now: NOW },
    );
    const reasons = m.unmapped.map((u) => `${u.status} ${u.source}: ${u.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'skipped user "not-an-email": the username is not an email address; Vigil identifies people by email',
        'approximated user "bob@x.example": custom role "Custom Ops" imported as responder (Vigil roles: admin, responder, stakeholder)',
        'approximated user "bob@x.example": time zone "Mars/Base" is not an IANA zone; set to UTC',
        'skipped schedule "Ops" rotation "Team slot": a team participant ("Ops") is not expressible: a Vigil rotation rotates through people only',
        expect.stringContaining('skipped schedule "Ops" rotation "Yearly": a shift of 60 week(s) is not expressible'),
        expect.stringContaining('skipped schedule "Ops" rotation "Gap slot": it has an empty ("none") slot'),
        'skipped schedule "Ops" rotation "Old": ended 2026-02-01T00:00:00Z (history only)',
        'approximated schedule "Ops" rotation "Odd second": hand-off at 09:00:30 rounded down to 09:00: Vigil hand-offs are whole minutes',
      ]),
    );
    expect(m.document.schedules![0]!.layers.map((l) => l.name)).toEqual(['Odd second']);
  });

  it('maps rotations on call at the same time to combining layers: OpsGenie pages both, and so does Vigil', () => {
    const m = mapOpsGenie(ogAccount({ rotations: [rot({ id: 'r1', name: 'Primary' }), rot({ id: 'r2', name: 'Shadow', participants: [bob] })] }), { now: NOW });
    expect(m.document.schedules![0]!.layers.map((l) => l.mode)).toEqual(['combine', 'combine']);
    expect(m.unmapped.filter((u) => u.kind === 'schedule')).toEqual([]);
  });

  it('turns an override of one rotation into an override of that layer only', () => {
    const restricted = rot({
      id: 'r1',
      name: 'Business',
      timeRestriction: {
        type: 'weekday-and-time-of-day',
        restrictions: [{ startDay: 'tuesday', startHour: 9, startMin: 0, endDay: 'tuesday', endHour: 17, endMin: 0 }],
      },
    });
    const m = mapOpsGenie(
      ogAccount({
        rotations: [restricted, rot({ id: 'r2', name: 'Shadow', participants: [bob] })],
        overrides: [{ alias: 'o1', user: bob, startDate: '2026-03-09T00:00:00Z', endDate: '2026-03-12T00:00:00Z', rotations: [{ id: 'r1' }] }],
      }),
      { now: NOW },
    );
    expect(m.document.schedules![0]!.overrides).toEqual([
      { user: 'bob@x.example', start: '2026-03-09T00:00:00Z', end: '2026-03-12T00:00:00Z', layer: 'Business', reason: 'OpsGenie override o1' },
    ]);
  });

  it('turns absolute rule delays into step waits', () => {
    const m = mapOpsGenie(
      ogAccount(
        { rotations: [rot({})] },
        {
          escalations: [
            {
              id: 'e1',
              name: 'Ops_escalation',
              ownerTeam: { id: 't1' },
              rules: [
                { delay: { timeAmount: 0 }, recipient: { type: 'schedule', id: 's1' } },
                { delay: { timeAmount: 5 }, recipient: ada },
                { delay: { timeAmount: 5 }, recipient: bob },
                { delay: { timeAmount: 1, timeUnit: 'hours' }, recipient: { type: 'team', id: 't1' }, notifyType: 'all' },
              ],
              repeat: { waitInterval: 10, count: 12 },
            },
          ],
        },
      ),
      { now: NOW },
    );
    expect(m.document.escalationPolicies).toEqual([
      {
        slug: 'ops-escalation',
        name: 'Ops_escalation',
        team: 'ops',
        repeat: 9,
        steps: [
          { delayMinutes: 5, targets: [{ schedule: 'ops' }] },
          { delayMinutes: 55, targets: [{ user: 'ada@x.example' }, { user: 'bob@x.example' }] },
          { delayMinutes: 10, targets: [{ team: 'ops' }] },
        ],
      },
    ]);
    expect(m.unmapped.map((u) => u.reason)).toContain('repeats 12 times; Vigil repeats a policy at most 9 times');
  });
});

function pdAccount(layers: PdScheduleLayer[]): PagerDutyAccount {
  return {
    users: [
      { id: 'P1', name: 'Ada', email: 'ada@x.example', time_zone: 'Europe/Berlin', role: 'user' },
      { id: 'P2', name: 'Bob', email: 'bob@x.example', time_zone: 'Europe/Berlin', role: 'read_only_user' },
    ],
    teams: [],
    schedules: [{ id: 'S1', name: 'Ops', time_zone: 'Europe/Berlin', schedule_layers: layers, overrides: [] }],
    escalationPolicies: [],
    services: [],
    maintenanceWindows: [],
  };
}

const layer = (l: Partial<PdScheduleLayer>): PdScheduleLayer => ({
  name: 'L',
  start: '2026-01-05T09:00:00+01:00',
  rotation_virtual_start: '2026-01-05T09:00:00+01:00',
  rotation_turn_length_seconds: 86400,
  users: [{ user: { id: 'P1' } }, { user: { id: 'P2' } }],
  restrictions: [],
  ...l,
});

describe('PagerDuty mapper', () => {
  it('converts turn lengths and restrictions, and skips what does not fit', () => {
    const m = mapPagerDuty(
      pdAccount([
        layer({ name: 'Nights', restrictions: [{ type: 'daily_restriction', start_time_of_day: '22:00:00', duration_seconds: 8 * 3600 }] }),
        layer({
          name: 'Weekend',
          rotation_turn_length_seconds: 14 * 86400,
          restrictions: [{ type: 'weekly_restriction', start_day_of_week: 5, start_time_of_day: '18:00:00', duration_seconds: 62 * 3600 }],
        }),
        layer({ name: 'Ninety minutes', rotation_turn_length_seconds: 5400 }),
        layer({
          name: 'Whole day',
          rotation_turn_length_seconds: 8 * 3600,
          restrictions: [{ type: 'daily_restriction', start_time_of_day: '00:00:00', duration_seconds: 86400 }],
        }),
      ]),
      { now: NOW },
    );
    expect(m.document.schedules![0]!.layers).toEqual([
      {
        name: 'Nights',
        participants: ['ada@x.example', 'bob@x.example'],
        shift: { unit: 'day', length: 1 },
        handoffTime: '09:00',
        startDate: '2026-01-05',
        restrictions: [{ type: 'time_of_day', start: '22:00', end: '06:00' }],
      },
      {
        name: 'Weekend',
        participants: ['ada@x.example', 'bob@x.example'],
        shift: { unit: 'week', length: 2 },
        handoffTime: '09:00',
        handoffWeekday: 1,
        startDate: '2026-01-05',
        restrictions: [{ type: 'weekly', startWeekday: 5, startTime: '18:00', endWeekday: 1, endTime: '08:00' }],
      },
      {
        name: 'Whole day',
        participants: ['ada@x.example', 'bob@x.example'],
        shift: { unit: 'hour', length: 8 },
        handoffTime: '09:00',
        startDate: '2026-01-05',
      },
    ]);
    expect(m.unmapped).toContainEqual({
      kind: 'rotation',
      source: 'schedule "Ops" layer "Ninety minutes"',
      status: 'skipped',
      reason: 'a turn of 5400 s is not expressible: Vigil shifts are whole hours, days or weeks',
    });
    expect(m.document.users!.find((u) => u.email === 'bob@x.example')!.role).toBe('stakeholder');
  });

  it('anchors a layer that starts later at the hand-off before its start, with the participants rotated', () => {
    const m = mapPagerDuty(pdAccount([layer({ start: '2026-03-10T12:00:00+01:00', users: [{ user: { id: 'P1' } }, { user: { id: 'P2' } }] })]), { now: NOW });
    // Turn 64 (even) starts 2026-03-10 09:00: Ada; the layer starts mid-turn, which Vigil cannot express.
    expect(m.document.schedules![0]!.layers[0]).toMatchObject({
      startDate: '2026-03-10',
      handoffTime: '09:00',
      participants: ['ada@x.example', 'bob@x.example'],
    });
    expect(m.unmapped.map((u) => u.reason)).toContainEqual(expect.stringContaining('in the middle of a turn'));
    const odd = mapPagerDuty(pdAccount([layer({ start: '2026-03-11T09:00:00+01:00' })]), { now: NOW });
    expect(odd.document.schedules![0]!.layers[0]).toMatchObject({ startDate: '2026-03-11', participants: ['bob@x.example', 'ada@x.example'] });
  });
});

describe('import helpers', () => {
  it('leaves the role of people who are in Vigil already alone', () => {
    const doc = keepExistingRoles(
      {
        version: 1,
        users: [
          { email: 'ada@x.example', name: 'Ada', role: 'stakeholder' },
          { email: 'new@x.example', name: 'New', role: 'admin' },
        ],
      },
      [{ email: 'Ada@x.example' }],
    );
    expect(doc.users).toEqual([
      { email: 'ada@x.example', name: 'Ada' },
      { email: 'new@x.example', name: 'New', role: 'admin' },
    ]);
  });

  it('compares at every instant given and groups adjacent differences into time ranges', () => {
    const instants = hourlyInstants(Date.parse('2026-03-02T10:10:00Z'), 1);
    expect(instants).toHaveLength(168);
    expect(new Date(instants[0]!).toISOString()).toBe('2026-03-02T11:30:00.000Z');
    const link = { slug: 'ops', name: 'Ops', sourceId: 's1', timeZone: 'UTC' };
    const source = instants.map((_, i) => (i >= 3 && i < 6 ? ['Bob@x.example'] : ['ada@x.example']));
    const vigil = instants.map(() => ['ada@x.example']);
    const diffs = compareOnCall(link, instants, source, vigil);
    expect(diffs).toHaveLength(3);
    expect(groupDifferences(diffs)).toEqual([
      {
        schedule: 'ops',
        name: 'Ops',
        from: '2026-03-02T14:30:00.000Z',
        to: '2026-03-02T17:30:00.000Z',
        minutes: 180,
        hours: 3,
        source: ['bob@x.example'],
        vigil: ['ada@x.example'],
      },
    ]);
  });

  it('verifies on a 15-minute grid plus every hand-off, over a window that holds the next DST change', () => {
    // 2026-03-02 in Berlin: the next clock change is 2026-03-29 01:00Z, past the default 4 weeks... by a day.
    const now = Date.parse('2026-03-02T10:10:00Z');
    expect(nextOffsetChange('Europe/Berlin', now)).toBe(Date.parse('2026-03-29T01:00:00Z'));
    expect(nextOffsetChange('America/New_York', now)).toBe(Date.parse('2026-03-08T07:00:00Z'));
    expect(nextOffsetChange('UTC', now)).toBeUndefined();
    const w = verifyWindow({ now, zones: ['Europe/Berlin', 'UTC'] });
    expect(new Date(w.from).toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(w.to).toBeGreaterThan(Date.parse('2026-03-29T01:00:00Z'));
    expect(w.dstChanges).toEqual({ 'Europe/Berlin': '2026-03-29T01:00:00.000Z' });
    // Dates given: the window is exactly that.
    const fixed = verifyWindow({ now, from: Date.parse('2026-03-20T00:00:00Z'), to: Date.parse('2026-03-21T00:00:00Z'), zones: ['Europe/Berlin'] });
    expect([fixed.from, fixed.to]).toEqual([Date.parse('2026-03-20T00:00:00Z'), Date.parse('2026-03-21T00:00:00Z')]);
    const grid = gridInstants(fixed.from, fixed.to);
    expect(grid).toHaveLength(96);
    const all = mergeInstants(fixed.from, fixed.to, grid, [Date.parse('2026-03-20T09:07:00Z'), Date.parse('2026-03-22T00:00:00Z')]);
    expect(all).toHaveLength(97);
    // A difference at 09:07 lasts until the next instant checked, 09:15.
    const link = { slug: 'ops', name: 'Ops', sourceId: 's1', timeZone: 'Europe/Berlin' };
    const i = all.indexOf(Date.parse('2026-03-20T09:07:00Z'));
    const d = compareOnCall(link, all, all.map((_, j) => (j === i ? ['bob@x.example'] : [])), all.map(() => []), fixed.to);
    expect(groupDifferences(d)).toMatchObject([{ from: '2026-03-20T09:07:00.000Z', to: '2026-03-20T09:15:00.000Z', minutes: 8, source: ['bob@x.example'], vigil: [] }]);
  });

  it('waits as told on 429 and retries 5xx, then gives up with a clear message', async () => {
    let calls = 0;
    const server = createServer((req, res) => {
      calls++;
      if (req.url === '/limited' && calls === 1) return res.writeHead(429, { 'retry-after': '7' }).end('{}');
      if (req.url === '/limited') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (req.url === '/pd-limited' && calls <= 3)
        return res.writeHead(429, { 'ratelimit-reset': '3' }).end('{"error":{"message":"Rate Limit Exceeded","code":2020}}');
      if (req.url === '/pd-limited') return res.writeHead(200).end('{"ok":1}');
      res.writeHead(503).end('down');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const waits: number[] = [];
    const client = new SourceClient({
      vendor: 'X',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      headers: {},
      maxRetries: 2,
      sleep: async (ms) => void waits.push(ms),
    });
    try {
      expect(await client.get('/limited')).toEqual({ ok: true });
      expect(waits).toEqual([7000]);
      expect(await client.get('/pd-limited')).toEqual({ ok: 1 });
      expect(waits).toEqual([7000, 3000]);
      await expect(client.get('/down')).rejects.toThrow('X answered 503 to GET /down 3 times');
    } finally {
      server.close();
    }
  });
});

import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.js';
import type { Layer, Restriction, Shift } from './model.js';
import { clearZoneCache, isoWeekdayOfDay, layerShifts, parseDate, restrictionWindows, validateLayer, zoneOffsets } from './rotation.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const utc = (iso: string): number => Date.parse(iso);
/** A local wall time that exists exactly once. */
const wall = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();
const fmt = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-MM-dd HH:mm');

function mkLayer(p: Partial<Layer> = {}): Layer {
  return {
    id: 'l1',
    name: 'Primary',
    participants: ['alice', 'bob', 'carol'],
    shift: { unit: 'week', length: 1 },
    handoffTime: '10:00',
    startDate: '2026-01-05',
    ...p,
  };
}

const triples = (shifts: Shift[]): [string, string, string][] => shifts.map((s) => [s.userId, new Date(s.start).toISOString(), new Date(s.end).toISOString()]);

function expectInvalid(fn: () => unknown, code: string, messagePart?: RegExp): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const err = e as DomainError;
    expect(err.kind).toBe('invalid');
    expect(err.code).toBe(code);
    if (messagePart) expect(err.message).toMatch(messagePart);
    return err;
  }
  throw new Error(`expected invalid(${code}) to be thrown`);
}

describe('zone resolver', () => {
  it.each([
    ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:30:00.000Z', 'gap: 02:30 does not exist, moves to 03:30 EDT'],
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z', 'ambiguous: earlier occurrence (EDT)'],
    ['Europe/Berlin', '2026-03-29T02:30', '2026-03-29T01:30:00.000Z', 'gap: moves to 03:30 CEST'],
    ['Europe/Berlin', '2026-10-25T02:30', '2026-10-25T00:30:00.000Z', 'ambiguous: earlier occurrence (CEST)'],
    ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:45:00.000Z', '30-minute DST gap'],
    ['Asia/Kathmandu', '2026-06-01T10:00', '2026-06-01T04:15:00.000Z', '+05:45'],
    ['UTC', '2026-06-01T10:00', '2026-06-01T10:00:00.000Z', 'UTC'],
  ])('%s %s -> %s (%s)', (zone, localIso, expected) => {
    const z = zoneOffsets(zone);
    const localMs = Date.parse(`${localIso}:00Z`);
    expect(new Date(z.toInstant(localMs)).toISOString()).toBe(expected);
  });

  it('agrees with luxon for unambiguous wall times and instants across a year', () => {
    for (const zone of ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Pacific/Chatham', 'America/St_Johns']) {
      const z = zoneOffsets(zone);
      for (let t = utc('2026-01-01T00:00:00Z'); t < utc('2027-01-01T00:00:00Z'); t += 7 * HOUR + 13 * 60_000) {
        const dt = DateTime.fromMillis(t, { zone });
        expect(z.offsetAt(t)).toBe(dt.offset);
        const local = t + dt.offset * 60_000;
        // Unambiguous when the offsets a day before and after agree.
        if (z.offsetAt(local - DAY) === z.offsetAt(local + DAY)) expect(z.toInstant(local)).toBe(t);
      }
    }
  });

  it('weekday and date helpers', () => {
    expect(isoWeekdayOfDay(0)).toBe(4); // 1970-01-01 was a Thursday
    expect(isoWeekdayOfDay(parseDate('2026-03-02')!)).toBe(1);
    expect(isoWeekdayOfDay(parseDate('1969-12-28')!)).toBe(7);
    expect(parseDate('2026-02-29')).toBeUndefined();
    expect(parseDate('2028-02-29')).toBe(Date.UTC(2028, 1, 29) / DAY);
  });
});

describe('layerShifts: shift lengths', () => {
  const cases: { name: string; zone: string; layer: Partial<Layer>; from: string; to: string; expected: [string, string, string][] }[] = [
    {
      name: 'weekly, 3 people, Monday 10:00 UTC',
      zone: 'UTC',
      layer: { startDate: '2026-01-05' },
      from: '2026-01-05T10:00:00Z',
      to: '2026-01-26T10:00:00Z',
      expected: [
        ['alice', '2026-01-05T10:00:00.000Z', '2026-01-12T10:00:00.000Z'],
        ['bob', '2026-01-12T10:00:00.000Z', '2026-01-19T10:00:00.000Z'],
        ['carol', '2026-01-19T10:00:00.000Z', '2026-01-26T10:00:00.000Z'],
      ],
    },
    {
      name: 'weekly, window in the middle of shifts is clipped, rotation wraps',
      zone: 'UTC',
      layer: { startDate: '2026-01-05' },
      from: '2026-01-22T00:00:00Z',
      to: '2026-02-03T00:00:00Z',
      expected: [
        ['carol', '2026-01-22T00:00:00.000Z', '2026-01-26T10:00:00.000Z'],
        ['alice', '2026-01-26T10:00:00.000Z', '2026-02-02T10:00:00.000Z'],
        ['bob', '2026-02-02T10:00:00.000Z', '2026-02-03T00:00:00.000Z'],
      ],
    },
    {
      name: 'daily 09:00 Asia/Tokyo (UTC+9)',
      zone: 'Asia/Tokyo',
      layer: { shift: { unit: 'day', length: 1 }, handoffTime: '09:00', startDate: '2026-02-01', participants: ['alice', 'bob'] },
      from: '2026-02-01T00:00:00Z',
      to: '2026-02-04T00:00:00Z',
      expected: [
        ['alice', '2026-02-01T00:00:00.000Z', '2026-02-02T00:00:00.000Z'],
        ['bob', '2026-02-02T00:00:00.000Z', '2026-02-03T00:00:00.000Z'],
        ['alice', '2026-02-03T00:00:00.000Z', '2026-02-04T00:00:00.000Z'],
      ],
    },
    {
      name: '12-hour shifts from 08:00 UTC',
      zone: 'UTC',
      layer: { shift: { unit: 'hour', length: 12 }, handoffTime: '08:00', startDate: '2026-04-01', participants: ['alice', 'bob'] },
      from: '2026-04-01T00:00:00Z',
      to: '2026-04-03T08:00:00Z',
      expected: [
        ['alice', '2026-04-01T08:00:00.000Z', '2026-04-01T20:00:00.000Z'],
        ['bob', '2026-04-01T20:00:00.000Z', '2026-04-02T08:00:00.000Z'],
        ['alice', '2026-04-02T08:00:00.000Z', '2026-04-02T20:00:00.000Z'],
        ['bob', '2026-04-02T20:00:00.000Z', '2026-04-03T08:00:00.000Z'],
      ],
    },
    {
      name: 'custom 3-day shifts, participant listed twice',
      zone: 'UTC',
      layer: { shift: { unit: 'day', length: 3 }, handoffTime: '00:00', startDate: '2026-05-01', participants: ['alice', 'bob', 'alice', 'carol'] },
      from: '2026-05-01T00:00:00Z',
      to: '2026-05-16T00:00:00Z',
      expected: [
        ['alice', '2026-05-01T00:00:00.000Z', '2026-05-04T00:00:00.000Z'],
        ['bob', '2026-05-04T00:00:00.000Z', '2026-05-07T00:00:00.000Z'],
        ['alice', '2026-05-07T00:00:00.000Z', '2026-05-10T00:00:00.000Z'],
        ['carol', '2026-05-10T00:00:00.000Z', '2026-05-13T00:00:00.000Z'],
        ['alice', '2026-05-13T00:00:00.000Z', '2026-05-16T00:00:00.000Z'],
      ],
    },
    {
      name: 'two-week shifts handing off on Wednesdays: first Wednesday on/after startDate',
      zone: 'UTC',
      layer: { shift: { unit: 'week', length: 2 }, handoffWeekday: 3, handoffTime: '12:00', startDate: '2026-01-05', participants: ['alice', 'bob'] },
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-05T00:00:00Z',
      expected: [
        ['alice', '2026-01-07T12:00:00.000Z', '2026-01-21T12:00:00.000Z'],
        ['bob', '2026-01-21T12:00:00.000Z', '2026-02-04T12:00:00.000Z'],
        ['alice', '2026-02-04T12:00:00.000Z', '2026-02-05T00:00:00.000Z'],
      ],
    },
    {
      name: 'handoffWeekday equal to the weekday of startDate starts that day',
      zone: 'UTC',
      layer: { handoffWeekday: 1, startDate: '2026-01-05', participants: ['alice', 'bob'] },
      from: '2026-01-05T00:00:00Z',
      to: '2026-01-13T00:00:00Z',
      expected: [
        ['alice', '2026-01-05T10:00:00.000Z', '2026-01-12T10:00:00.000Z'],
        ['bob', '2026-01-12T10:00:00.000Z', '2026-01-13T00:00:00.000Z'],
      ],
    },
    {
      name: 'endDate stops the layer at handoffTime on that date',
      zone: 'UTC',
      layer: { shift: { unit: 'day', length: 1 }, startDate: '2026-01-05', endDate: '2026-01-07', participants: ['alice', 'bob'] },
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-10T00:00:00Z',
      expected: [
        ['alice', '2026-01-05T10:00:00.000Z', '2026-01-06T10:00:00.000Z'],
        ['bob', '2026-01-06T10:00:00.000Z', '2026-01-07T10:00:00.000Z'],
      ],
    },
    {
      name: 'window entirely before the layer starts is empty',
      zone: 'UTC',
      layer: { startDate: '2026-01-05' },
      from: '2025-12-01T00:00:00Z',
      to: '2026-01-05T10:00:00Z',
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ zone, layer, from, to, expected }) => {
    expect(triples(layerShifts(mkLayer(layer), zone, utc(from), utc(to)))).toEqual(expected);
  });

  it('a single participant gets back-to-back shifts (merged later by finalSchedule)', () => {
    const s = layerShifts(mkLayer({ participants: ['solo'] }), 'UTC', utc('2026-01-05T10:00:00Z'), utc('2026-01-19T10:00:00Z'));
    expect(s.map((x) => x.userId)).toEqual(['solo', 'solo']);
    expect(s[0]!.end).toBe(s[1]!.start);
  });

  it('empty or reversed window gives no shifts', () => {
    expect(layerShifts(mkLayer(), 'UTC', utc('2026-02-01T00:00:00Z'), utc('2026-02-01T00:00:00Z'))).toEqual([]);
    expect(layerShifts(mkLayer(), 'UTC', utc('2026-02-02T00:00:00Z'), utc('2026-02-01T00:00:00Z'))).toEqual([]);
  });
});

describe('layerShifts: DST keeps the local hand-off time', () => {
  // Weekly Monday 10:00 hand-offs. 2026: US DST Mar 8 / Nov 1; EU DST Mar 29 / Oct 25.
  const cases = [
    {
      zone: 'America/New_York',
      from: '2026-03-02',
      starts: ['2026-03-02T15:00:00.000Z', '2026-03-09T14:00:00.000Z', '2026-03-16T14:00:00.000Z'],
      hours: [167, 168],
    },
    {
      zone: 'America/New_York',
      from: '2026-10-26',
      starts: ['2026-10-26T14:00:00.000Z', '2026-11-02T15:00:00.000Z', '2026-11-09T15:00:00.000Z'],
      hours: [169, 168],
    },
    {
      zone: 'Europe/Berlin',
      from: '2026-03-23',
      starts: ['2026-03-23T09:00:00.000Z', '2026-03-30T08:00:00.000Z', '2026-04-06T08:00:00.000Z'],
      hours: [167, 168],
    },
    {
      zone: 'Europe/Berlin',
      from: '2026-10-19',
      starts: ['2026-10-19T08:00:00.000Z', '2026-10-26T09:00:00.000Z', '2026-11-02T09:00:00.000Z'],
      hours: [169, 168],
    },
  ];
  it.each(cases)('weekly Monday 10:00 in $zone from $from', ({ zone, from, starts, hours }) => {
    const layer = mkLayer({ startDate: '2026-01-05', handoffWeekday: 1, participants: ['alice', 'bob'] });
    const a = wall(`${from}T10:00`, zone);
    const shifts = layerShifts(layer, zone, a, a + 21 * DAY);
    expect(shifts.slice(0, 3).map((s) => new Date(s.start).toISOString())).toEqual(starts);
    for (const s of shifts) expect(fmt(s.start, zone)).toMatch(/^Mon .* 10:00$/);
    expect(shifts.slice(0, 2).map((s) => (s.end - s.start) / HOUR)).toEqual(hours);
  });

  it.each([
    ['America/New_York', '2026-03-07', [23, 24, 24]],
    ['America/New_York', '2026-10-31', [25, 24, 24]],
    ['Europe/Berlin', '2026-03-28', [23, 24, 24]],
    ['Europe/Berlin', '2026-10-24', [25, 24, 24]],
  ] as const)('daily 09:00 in %s around %s keeps 09:00 local', (zone, day, hours) => {
    const layer = mkLayer({ shift: { unit: 'day', length: 1 }, handoffTime: '09:00', startDate: '2026-01-01', participants: ['a', 'b', 'c'] });
    const from = wall(`${day}T09:00`, zone);
    const shifts = layerShifts(layer, zone, from - DAY, from + 4 * DAY);
    const fromIdx = shifts.findIndex((s) => s.start === from);
    expect(shifts.slice(fromIdx, fromIdx + 3).map((s) => (s.end - s.start) / HOUR)).toEqual([...hours]);
    for (const s of shifts.slice(1)) expect(fmt(s.start, zone)).toMatch(/ 09:00$/);
  });

  it('a hand-off inside the spring-forward gap moves forward by the gap, then returns to the set time', () => {
    const layer = mkLayer({ handoffTime: '02:30', handoffWeekday: 7, startDate: '2026-03-01', participants: ['a', 'b'] });
    const s = layerShifts(layer, 'America/New_York', utc('2026-03-01T00:00:00Z'), utc('2026-03-22T12:00:00Z'));
    expect(s.map((x) => fmt(x.start, 'America/New_York'))).toEqual([
      'Sun 2026-03-01 02:30',
      'Sun 2026-03-08 03:30',
      'Sun 2026-03-15 02:30',
      'Sun 2026-03-22 02:30',
    ]);
  });

  it('a hand-off in the repeated fall-back hour uses the first occurrence, whatever the current date', () => {
    const layer = mkLayer({ handoffTime: '01:30', handoffWeekday: 7, startDate: '2026-10-18', participants: ['a', 'b'] });
    const s = layerShifts(layer, 'America/New_York', utc('2026-10-18T00:00:00Z'), utc('2026-11-09T00:00:00Z'));
    expect(s.map((x) => new Date(x.start).toISOString())).toEqual([
      '2026-10-18T05:30:00.000Z',
      '2026-10-25T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, not 01:30 EST
      '2026-11-08T06:30:00.000Z',
    ]);
  });

  it("'hour' shifts are absolute: 12 real hours, so the local time drifts across DST", () => {
    const layer = mkLayer({ shift: { unit: 'hour', length: 12 }, handoffTime: '08:00', startDate: '2026-03-06', participants: ['a', 'b'] });
    const s = layerShifts(layer, 'America/New_York', utc('2026-03-07T00:00:00Z'), utc('2026-03-09T00:00:00Z'));
    for (const x of s.slice(1, -1)) expect(x.end - x.start).toBe(12 * HOUR);
    // 08:00 EST = 13:00Z; after the change 13:00Z is 09:00 EDT.
    expect(s.map((x) => fmt(x.start, 'America/New_York').slice(-5))).toEqual(['19:00', '20:00', '08:00', '20:00', '09:00']);
  });
});

describe('layerShifts: restrictions', () => {
  const businessHours: Restriction[] = [1, 2, 3, 4, 5].map((d) => ({
    type: 'weekly',
    startWeekday: d as 1,
    startTime: '09:00',
    endWeekday: d as 1,
    endTime: '17:00',
  }));

  it('business hours Mon-Fri 09:00-17:00 across the Berlin DST change', () => {
    const zone = 'Europe/Berlin';
    const layer = mkLayer({ handoffTime: '09:00', handoffWeekday: 1, startDate: '2026-03-02', participants: ['a', 'b'], restrictions: businessHours });
    const shifts = layerShifts(layer, zone, wall('2026-03-23T00:00', zone), wall('2026-04-06T00:00', zone));
    expect(shifts).toHaveLength(10);
    expect(shifts.map((s) => `${s.userId} ${fmt(s.start, zone)}-${fmt(s.end, zone).slice(-5)}`)).toEqual([
      'b Mon 2026-03-23 09:00-17:00',
      'b Tue 2026-03-24 09:00-17:00',
      'b Wed 2026-03-25 09:00-17:00',
      'b Thu 2026-03-26 09:00-17:00',
      'b Fri 2026-03-27 09:00-17:00',
      'a Mon 2026-03-30 09:00-17:00',
      'a Tue 2026-03-31 09:00-17:00',
      'a Wed 2026-04-01 09:00-17:00',
      'a Thu 2026-04-02 09:00-17:00',
      'a Fri 2026-04-03 09:00-17:00',
    ]);
    for (const s of shifts) expect(s.end - s.start).toBe(8 * HOUR);
  });

  it('overnight 22:00-06:00 daily window, shortened by the spring-forward night', () => {
    const zone = 'America/New_York';
    const layer = mkLayer({
      shift: { unit: 'day', length: 1 },
      handoffTime: '22:00',
      startDate: '2026-03-01',
      participants: ['a', 'b'],
      restrictions: [{ type: 'time_of_day', start: '22:00', end: '06:00' }],
    });
    const shifts = layerShifts(layer, zone, wall('2026-03-06T12:00', zone), wall('2026-03-09T12:00', zone));
    expect(shifts.map((s) => `${s.userId} ${fmt(s.start, zone)} ${(s.end - s.start) / HOUR}h`)).toEqual([
      'b Fri 2026-03-06 22:00 8h',
      'a Sat 2026-03-07 22:00 7h',
      'b Sun 2026-03-08 22:00 8h',
    ]);
  });

  it('a daily window splits shifts that hand off inside it', () => {
    const layer = mkLayer({
      shift: { unit: 'day', length: 1 },
      handoffTime: '12:00',
      startDate: '2026-01-01',
      participants: ['a', 'b'],
      restrictions: [{ type: 'time_of_day', start: '09:00', end: '17:00' }],
    });
    const shifts = layerShifts(layer, 'UTC', utc('2026-01-02T00:00:00Z'), utc('2026-01-03T00:00:00Z'));
    expect(triples(shifts)).toEqual([
      ['a', '2026-01-02T09:00:00.000Z', '2026-01-02T12:00:00.000Z'],
      ['b', '2026-01-02T12:00:00.000Z', '2026-01-02T17:00:00.000Z'],
    ]);
  });

  it('a weekend window Fri 18:00 - Mon 08:00 spans days', () => {
    const layer = mkLayer({ participants: ['w'], restrictions: [{ type: 'weekly', startWeekday: 5, startTime: '18:00', endWeekday: 1, endTime: '08:00' }] });
    const shifts = layerShifts(layer, 'UTC', utc('2026-01-05T00:00:00Z'), utc('2026-01-26T00:00:00Z'));
    // Weekly shifts hand off Monday 10:00, after the window closes: one piece per weekend.
    expect(triples(shifts)).toEqual([
      ['w', '2026-01-09T18:00:00.000Z', '2026-01-12T08:00:00.000Z'],
      ['w', '2026-01-16T18:00:00.000Z', '2026-01-19T08:00:00.000Z'],
      ['w', '2026-01-23T18:00:00.000Z', '2026-01-26T00:00:00.000Z'],
    ]);
  });

  it('a weekly window with the same weekday and an earlier end wraps around the week', () => {
    const w = restrictionWindows(
      [{ type: 'weekly', startWeekday: 3, startTime: '12:00', endWeekday: 3, endTime: '08:00' }],
      'UTC',
      utc('2026-01-05T00:00:00Z'),
      utc('2026-01-19T00:00:00Z'),
    );
    expect(w.map((x) => [new Date(x.start).toISOString(), new Date(x.end).toISOString()])).toEqual([
      ['2026-01-05T00:00:00.000Z', '2026-01-07T08:00:00.000Z'],
      ['2026-01-07T12:00:00.000Z', '2026-01-14T08:00:00.000Z'],
      ['2026-01-14T12:00:00.000Z', '2026-01-19T00:00:00.000Z'],
    ]);
  });

  it('overlapping windows are merged', () => {
    const w = restrictionWindows(
      [
        { type: 'time_of_day', start: '08:00', end: '12:00' },
        { type: 'time_of_day', start: '11:00', end: '14:00' },
        { type: 'time_of_day', start: '14:00', end: '15:00' },
      ],
      'UTC',
      utc('2026-01-05T00:00:00Z'),
      utc('2026-01-06T00:00:00Z'),
    );
    expect(w).toEqual([{ start: utc('2026-01-05T08:00:00Z'), end: utc('2026-01-05T15:00:00Z') }]);
  });
});

describe('layerShifts: long-running rotations', () => {
  it('computes the shift at `from` directly for a rotation started years ago', () => {
    clearZoneCache();
    const zone = 'Europe/Berlin';
    const people = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const layer = mkLayer({ shift: { unit: 'day', length: 1 }, handoffTime: '08:00', startDate: '2019-01-01', participants: people });
    const t0 = performance.now();
    const shifts = layerShifts(layer, zone, wall('2026-06-01T00:00', zone), wall('2026-06-08T00:00', zone));
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(50);
    expect(shifts).toHaveLength(8);
    const start = parseDate('2019-01-01')!;
    for (const s of shifts) {
      const localDay = Math.floor((s.start + DateTime.fromMillis(s.start, { zone }).offset * 60_000) / DAY);
      const onDay = fmt(s.start, zone).endsWith('08:00') ? localDay : localDay - 1;
      expect(s.userId).toBe(people[(onDay - start) % 7]);
    }
  });

  it('hour rotations started long ago', () => {
    const layer = mkLayer({ shift: { unit: 'hour', length: 8 }, handoffTime: '00:00', startDate: '2000-01-01', participants: ['a', 'b', 'c', 'd'] });
    const from = utc('2026-06-01T00:00:00Z');
    const s = layerShifts(layer, 'UTC', from, from + DAY);
    const k0 = (from - utc('2000-01-01T00:00:00Z')) / (8 * HOUR);
    expect(s.map((x) => x.userId)).toEqual([0, 1, 2].map((i) => ['a', 'b', 'c', 'd'][(k0 + i) % 4]));
  });
});

describe('validateLayer', () => {
  const cases: [string, string, Partial<Layer>, string, RegExp][] = [
    ['unknown zone', 'Mars/Olympus_Mons', {}, 'invalid_time_zone', /Mars\/Olympus_Mons/],
    ['handoff 25:00', 'UTC', { handoffTime: '25:00' }, 'invalid_handoff_time', /25:00/],
    ['handoff 9:00 (not HH:MM)', 'UTC', { handoffTime: '9:00' }, 'invalid_handoff_time', /HH:MM/],
    ['no participants', 'UTC', { participants: [] }, 'invalid_rotation', /participants/],
    ['empty participant id', 'UTC', { participants: ['a', ''] }, 'invalid_rotation', /participants\[1\]/],
    ['length 0', 'UTC', { shift: { unit: 'day', length: 0 } }, 'invalid_rotation', /shift.length/],
    ['fractional length', 'UTC', { shift: { unit: 'hour', length: 1.5 } }, 'invalid_rotation', /whole number/],
    ['unknown unit', 'UTC', { shift: { unit: 'month' as 'day', length: 1 } }, 'invalid_rotation', /shift.unit/],
    ['impossible startDate', 'UTC', { startDate: '2026-02-30' }, 'invalid_rotation', /startDate/],
    ['endDate before startDate', 'UTC', { startDate: '2026-03-01', endDate: '2026-02-01' }, 'invalid_rotation', /endDate/],
    ['handoffWeekday 8', 'UTC', { handoffWeekday: 8 as 1 }, 'invalid_rotation', /handoffWeekday/],
    ['handoffWeekday on daily shifts', 'UTC', { handoffWeekday: 1, shift: { unit: 'day', length: 1 } }, 'invalid_rotation', /weekly/],
    ['restriction 24:00', 'UTC', { restrictions: [{ type: 'time_of_day', start: '24:00', end: '06:00' }] }, 'invalid_restriction', /restrictions\[0\].start/],
    ['empty daily window', 'UTC', { restrictions: [{ type: 'time_of_day', start: '09:00', end: '09:00' }] }, 'invalid_restriction', /restrictions\[0\]/],
    [
      'full-week weekly window',
      'UTC',
      { restrictions: [{ type: 'weekly', startWeekday: 1, startTime: '09:00', endWeekday: 1, endTime: '09:00' }] },
      'invalid_restriction',
      /weekly window/,
    ],
    [
      'weekly window weekday 0',
      'UTC',
      { restrictions: [{ type: 'weekly', startWeekday: 0 as 1, startTime: '09:00', endWeekday: 1, endTime: '10:00' }] },
      'invalid_restriction',
      /startWeekday/,
    ],
    ['unknown restriction type', 'UTC', { restrictions: [{ type: 'monthly' } as unknown as Restriction] }, 'invalid_restriction', /type/],
  ];
  it.each(cases)('%s -> %s', (_name, zone, patch, code, message) => {
    const err = expectInvalid(() => validateLayer(mkLayer(patch), zone), code, message);
    expect(err.details).toBeTypeOf('object');
  });

  it('messages name the layer', () => {
    expectInvalid(
      () => validateLayer(mkLayer({ name: 'Primary', handoffTime: '25:00' }), 'UTC'),
      'invalid_handoff_time',
      /Layer "Primary": handoffTime "25:00" must be HH:MM/,
    );
  });

  it('layerShifts validates too', () => {
    expectInvalid(() => layerShifts(mkLayer({ participants: [] }), 'UTC', 0, DAY), 'invalid_rotation');
    expectInvalid(() => layerShifts(mkLayer(), 'UTC', Number.NaN, DAY), 'invalid_range');
  });

  it('accepts null optional fields (as stored rows have them)', () => {
    expect(() => validateLayer(mkLayer({ endDate: null, handoffWeekday: null, restrictions: null }), 'UTC')).not.toThrow();
    expect(() => validateLayer(mkLayer({ restrictions: [] }), 'UTC')).not.toThrow();
  });
});

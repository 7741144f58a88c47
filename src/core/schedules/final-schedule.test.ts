import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.js';
import { finalSchedule, handoffsBetween, onCallAt, upcomingShiftsForUser, validateOverride, validateSchedule } from './final-schedule.js';
import type { FinalShift, Layer, Override, Restriction, Schedule } from './model.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const utc = (iso: string): number => Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', '').replace('2026-', '');

/** Compact rendering: "user source[/origin] start-end". */
function show(shifts: FinalShift[]): string[] {
  return shifts.map((s) => {
    const origin = s.source === 'override' ? `override:${s.overrideId}${s.replacedUserId ? `>${s.replacedUserId}` : ''}` : `layer:${s.layerId}`;
    return `${s.userId} ${origin} ${iso(s.start)}..${iso(s.end)}`;
  });
}

const weekly = (p: Partial<Layer> = {}): Layer => ({
  id: 'primary',
  name: 'Primary',
  participants: ['alice', 'bob'],
  shift: { unit: 'week', length: 1 },
  handoffTime: '00:00',
  handoffWeekday: 1,
  startDate: '2026-01-05',
  ...p,
});

const businessHours: Restriction[] = [1, 2, 3, 4, 5].map((d) => ({
  type: 'weekly',
  startWeekday: d as 1,
  startTime: '09:00',
  endWeekday: d as 1,
  endTime: '17:00',
}));

const sched = (layers: Layer[], overrides: Override[] = [], timeZone = 'UTC'): Schedule => ({ id: 's1', timeZone, layers, overrides });

function expectInvalid(fn: () => unknown, code: string, messagePart?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DomainError);
  expect((caught as DomainError).code).toBe(code);
  if (messagePart) expect((caught as DomainError).message).toMatch(messagePart);
}

describe('finalSchedule: layers', () => {
  const cases: { name: string; schedule: Schedule; from: string; to: string; shifts: string[]; gaps?: string[] }[] = [
    {
      name: 'one layer: contiguous, no gaps',
      schedule: sched([weekly()]),
      from: '2026-01-05T00:00',
      to: '2026-01-19T00:00',
      shifts: ['alice layer:primary 01-05T00:00..01-12T00:00', 'bob layer:primary 01-12T00:00..01-19T00:00'],
    },
    {
      name: 'higher layer restricted to business hours; the lower layer shows through elsewhere',
      schedule: sched([
        weekly(),
        {
          ...weekly({ id: 'day', participants: ['carol', 'dave'], shift: { unit: 'day', length: 1 }, handoffWeekday: null, handoffTime: '09:00' }),
          restrictions: businessHours,
        },
      ]),
      from: '2026-01-09T00:00', // Friday
      to: '2026-01-13T00:00', // Tuesday
      shifts: [
        'alice layer:primary 01-09T00:00..01-09T09:00',
        'carol layer:day 01-09T09:00..01-09T17:00', // daily from Jan 5: carol, dave, carol, dave, carol (Jan 9)
        'alice layer:primary 01-09T17:00..01-12T00:00',
        'bob layer:primary 01-12T00:00..01-12T09:00',
        'dave layer:day 01-12T09:00..01-12T17:00',
        'bob layer:primary 01-12T17:00..01-13T00:00',
      ],
    },
    {
      name: 'restricted layer alone leaves gaps',
      schedule: sched([{ ...weekly({ participants: ['carol'] }), restrictions: [{ type: 'time_of_day', start: '22:00', end: '06:00' }] }]),
      from: '2026-01-06T00:00',
      to: '2026-01-08T00:00',
      shifts: ['carol layer:primary 01-06T00:00..01-06T06:00', 'carol layer:primary 01-06T22:00..01-07T06:00', 'carol layer:primary 01-07T22:00..01-08T00:00'],
      gaps: ['01-06T06:00..01-06T22:00', '01-07T06:00..01-07T22:00'],
    },
    {
      name: 'higher layer that has ended lets the lower one through',
      schedule: sched([
        weekly(),
        weekly({ id: 'temp', participants: ['erin'], startDate: '2026-01-05', endDate: '2026-01-07', handoffWeekday: null, shift: { unit: 'day', length: 1 } }),
      ]),
      from: '2026-01-05T00:00',
      to: '2026-01-09T00:00',
      shifts: ['erin layer:temp 01-05T00:00..01-07T00:00', 'alice layer:primary 01-07T00:00..01-09T00:00'],
    },
    {
      name: 'before any layer starts: a gap',
      schedule: sched([weekly()]),
      from: '2026-01-01T00:00',
      to: '2026-01-06T00:00',
      shifts: ['alice layer:primary 01-05T00:00..01-06T00:00'],
      gaps: ['01-01T00:00..01-05T00:00'],
    },
    {
      name: 'same user back to back merges into one shift (single participant)',
      schedule: sched([weekly({ participants: ['solo'] })]),
      from: '2026-01-05T00:00',
      to: '2026-02-02T00:00',
      shifts: ['solo layer:primary 01-05T00:00..02-02T00:00'],
    },
    {
      name: 'a participant listed twice in a row holds one merged shift',
      schedule: sched([weekly({ participants: ['alice', 'alice', 'bob'] })]),
      from: '2026-01-05T00:00',
      to: '2026-01-26T00:00',
      shifts: ['alice layer:primary 01-05T00:00..01-19T00:00', 'bob layer:primary 01-19T00:00..01-26T00:00'],
    },
    {
      name: 'no layers: one gap',
      schedule: sched([]),
      from: '2026-01-05T00:00',
      to: '2026-01-06T00:00',
      shifts: [],
      gaps: ['01-05T00:00..01-06T00:00'],
    },
  ];

  it.each(cases)('$name', ({ schedule, from, to, shifts, gaps }) => {
    const r = finalSchedule(schedule, utc(from), utc(to));
    expect(show(r.shifts)).toEqual(shifts);
    expect(r.gaps.map((g) => `${iso(g.start)}..${iso(g.end)}`)).toEqual(gaps ?? []);
  });
});

describe('finalSchedule: overrides', () => {
  const base = weekly(); // alice Jan 5-12, bob Jan 12-19, alice Jan 19-26
  const o = (id: string, userId: string, from: string, to: string, replacesUserId?: string): Override => ({
    id,
    userId,
    start: utc(from),
    end: utc(to),
    ...(replacesUserId ? { replacesUserId } : {}),
  });

  const cases: { name: string; layers?: Layer[]; overrides: Override[]; from: string; to: string; shifts: string[]; gaps?: string[] }[] = [
    {
      name: 'whole shift replaced',
      overrides: [o('o1', 'zoe', '2026-01-12T00:00', '2026-01-19T00:00')],
      from: '2026-01-05T00:00',
      to: '2026-01-26T00:00',
      shifts: ['alice layer:primary 01-05T00:00..01-12T00:00', 'zoe override:o1>bob 01-12T00:00..01-19T00:00', 'alice layer:primary 01-19T00:00..01-26T00:00'],
    },
    {
      name: 'partial: an evening in the middle of a shift',
      overrides: [o('o1', 'zoe', '2026-01-07T18:00', '2026-01-08T08:00')],
      from: '2026-01-07T00:00',
      to: '2026-01-09T00:00',
      shifts: [
        'alice layer:primary 01-07T00:00..01-07T18:00',
        'zoe override:o1>alice 01-07T18:00..01-08T08:00',
        'alice layer:primary 01-08T08:00..01-09T00:00',
      ],
    },
    {
      name: 'across a hand-off: pieces say whom they replace',
      overrides: [o('o1', 'zoe', '2026-01-11T12:00', '2026-01-12T12:00')],
      from: '2026-01-11T00:00',
      to: '2026-01-13T00:00',
      shifts: [
        'alice layer:primary 01-11T00:00..01-11T12:00',
        'zoe override:o1>alice 01-11T12:00..01-12T00:00',
        'zoe override:o1>bob 01-12T00:00..01-12T12:00',
        'bob layer:primary 01-12T12:00..01-13T00:00',
      ],
    },
    {
      name: 'replacesUserId only takes that user’s part of the window',
      overrides: [o('o1', 'zoe', '2026-01-11T00:00', '2026-01-13T00:00', 'bob')],
      from: '2026-01-11T00:00',
      to: '2026-01-13T00:00',
      shifts: ['alice layer:primary 01-11T00:00..01-12T00:00', 'zoe override:o1>bob 01-12T00:00..01-13T00:00'],
    },
    {
      name: 'replacesUserId for someone not on call changes nothing',
      overrides: [o('o1', 'zoe', '2026-01-06T00:00', '2026-01-07T00:00', 'bob')],
      from: '2026-01-06T00:00',
      to: '2026-01-07T00:00',
      shifts: ['alice layer:primary 01-06T00:00..01-07T00:00'],
    },
    {
      name: 'an override fills a gap (no replacedUserId)',
      layers: [{ ...weekly({ participants: ['carol'] }), restrictions: businessHours }],
      overrides: [o('o1', 'zoe', '2026-01-05T16:00', '2026-01-05T20:00')],
      from: '2026-01-05T08:00',
      to: '2026-01-05T21:00',
      shifts: ['carol layer:primary 01-05T09:00..01-05T16:00', 'zoe override:o1>carol 01-05T16:00..01-05T17:00', 'zoe override:o1 01-05T17:00..01-05T20:00'],
      gaps: ['01-05T08:00..01-05T09:00', '01-05T20:00..01-05T21:00'],
    },
    {
      name: 'replacesUserId never fills gaps',
      layers: [{ ...weekly({ participants: ['carol'] }), restrictions: businessHours }],
      overrides: [o('o1', 'zoe', '2026-01-05T16:00', '2026-01-05T20:00', 'carol')],
      from: '2026-01-05T08:00',
      to: '2026-01-05T21:00',
      shifts: ['carol layer:primary 01-05T09:00..01-05T16:00', 'zoe override:o1>carol 01-05T16:00..01-05T17:00'],
      gaps: ['01-05T08:00..01-05T09:00', '01-05T17:00..01-05T21:00'],
    },
    {
      name: 'overlapping overrides: the later one wins',
      overrides: [o('o1', 'zoe', '2026-01-06T00:00', '2026-01-06T12:00'), o('o2', 'yan', '2026-01-06T06:00', '2026-01-06T18:00')],
      from: '2026-01-06T00:00',
      to: '2026-01-07T00:00',
      shifts: [
        'zoe override:o1>alice 01-06T00:00..01-06T06:00',
        'yan override:o2>zoe 01-06T06:00..01-06T12:00',
        'yan override:o2>alice 01-06T12:00..01-06T18:00',
        'alice layer:primary 01-06T18:00..01-07T00:00',
      ],
    },
    {
      name: 'a later replacesUserId override can hand on an earlier override',
      overrides: [o('o1', 'zoe', '2026-01-06T00:00', '2026-01-06T12:00'), o('o2', 'yan', '2026-01-05T00:00', '2026-01-07T00:00', 'zoe')],
      from: '2026-01-06T00:00',
      to: '2026-01-07T00:00',
      shifts: ['yan override:o2>zoe 01-06T00:00..01-06T12:00', 'alice layer:primary 01-06T12:00..01-07T00:00'],
    },
    {
      name: 'override outside the window is ignored, one straddling it is clipped',
      overrides: [o('o1', 'zoe', '2026-02-01T00:00', '2026-02-02T00:00'), o('o2', 'yan', '2026-01-05T00:00', '2026-01-06T06:00')],
      from: '2026-01-06T00:00',
      to: '2026-01-07T00:00',
      shifts: ['yan override:o2>alice 01-06T00:00..01-06T06:00', 'alice layer:primary 01-06T06:00..01-07T00:00'],
    },
  ];

  it.each(cases)('$name', ({ layers, overrides, from, to, shifts, gaps }) => {
    const r = finalSchedule(sched(layers ?? [base], overrides), utc(from), utc(to));
    expect(show(r.shifts)).toEqual(shifts);
    expect(r.gaps.map((g) => `${iso(g.start)}..${iso(g.end)}`)).toEqual(gaps ?? []);
  });
});

describe('onCallAt, upcomingShiftsForUser, handoffsBetween', () => {
  const s = sched(
    [
      weekly(),
      {
        ...weekly({ id: 'night', participants: ['nina'], handoffWeekday: null, shift: { unit: 'day', length: 1 } }),
        restrictions: [{ type: 'time_of_day', start: '22:00', end: '06:00' }],
      },
    ],
    [{ id: 'o1', userId: 'zoe', start: utc('2026-01-06T12:00'), end: utc('2026-01-06T14:00') }],
  );

  it.each([
    ['2026-01-06T11:59', ['alice']],
    ['2026-01-06T12:00', ['zoe']],
    ['2026-01-06T13:59', ['zoe']],
    ['2026-01-06T14:00', ['alice']],
    ['2026-01-06T22:00', ['nina']],
    ['2026-01-07T05:59', ['nina']],
    ['2026-01-07T06:00', ['alice']],
    ['2026-01-12T03:00', ['nina']],
    ['2026-01-12T07:00', ['bob']],
    ['2026-01-01T00:00', []],
  ])('onCallAt %s -> %j', (at, users) => {
    expect(onCallAt(s, utc(at))).toEqual(users);
  });

  it('onCallAt on a gap-only schedule', () => {
    expect(onCallAt(sched([]), utc('2026-01-06T00:00'))).toEqual([]);
  });

  it('upcomingShiftsForUser', () => {
    expect(show(upcomingShiftsForUser(s, 'alice', utc('2026-01-06T00:00'), utc('2026-01-07T12:00')))).toEqual([
      'alice layer:primary 01-06T06:00..01-06T12:00',
      'alice layer:primary 01-06T14:00..01-06T22:00',
      'alice layer:primary 01-07T06:00..01-07T12:00',
    ]);
    expect(upcomingShiftsForUser(s, 'nobody', utc('2026-01-06T00:00'), utc('2026-01-07T00:00'))).toEqual([]);
  });

  it('handoffsBetween lists every change of the on-call set, override begin/end included', () => {
    const h = handoffsBetween(s, utc('2026-01-06T00:00'), utc('2026-01-07T12:00'));
    expect(h.map((x) => `${iso(x.at)} ${x.from.join(',') || '-'}>${x.to.join(',') || '-'}`)).toEqual([
      '01-06T06:00 nina>alice',
      '01-06T12:00 alice>zoe',
      '01-06T14:00 zoe>alice',
      '01-06T22:00 alice>nina',
      '01-07T06:00 nina>alice',
    ]);
  });

  it('handoffsBetween includes a change at `from` and excludes one at `to`, so consecutive windows report each once', () => {
    const at = utc('2026-01-06T12:00');
    expect(handoffsBetween(s, at, at + 1).map((x) => x.at)).toEqual([at]);
    expect(handoffsBetween(s, at - HOUR, at)).toEqual([]);
    const from = utc('2026-01-05T00:00');
    const whole = handoffsBetween(s, from, from + 14 * DAY);
    const pieces = [];
    for (let t = from; t < from + 14 * DAY; t += 7 * HOUR + 17 * 60_000)
      pieces.push(...handoffsBetween(s, t, Math.min(t + 7 * HOUR + 17 * 60_000, from + 14 * DAY)));
    expect(pieces).toEqual(whole);
  });

  it('handoffsBetween reports gaps starting and ending', () => {
    const g = sched([{ ...weekly({ participants: ['carol'] }), restrictions: businessHours }]);
    const h = handoffsBetween(g, utc('2026-01-05T00:00'), utc('2026-01-06T00:00'));
    expect(h).toEqual([
      { at: utc('2026-01-05T09:00'), from: [], to: ['carol'] },
      { at: utc('2026-01-05T17:00'), from: ['carol'], to: [] },
    ]);
  });

  it('no handoff when the same person stays on call through an override of the same person', () => {
    const t = sched([weekly()], [{ id: 'o1', userId: 'alice', start: utc('2026-01-12T00:00'), end: utc('2026-01-12T12:00'), replacesUserId: 'bob' }]);
    const h = handoffsBetween(t, utc('2026-01-11T00:00'), utc('2026-01-13T00:00'));
    expect(h).toEqual([{ at: utc('2026-01-12T12:00'), from: ['alice'], to: ['bob'] }]);
  });

  it('works in a zone with DST (New York, weekly Monday 09:00)', () => {
    const ny = sched([weekly({ handoffTime: '09:00', startDate: '2026-03-02' })], [], 'America/New_York');
    const h = handoffsBetween(ny, utc('2026-03-01T00:00'), utc('2026-03-17T00:00'));
    expect(h.map((x) => new Date(x.at).toISOString())).toEqual(['2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-16T13:00:00.000Z']);
  });
});

describe('validation', () => {
  const good: Override = { id: 'o1', userId: 'zoe', start: utc('2026-01-06T00:00'), end: utc('2026-01-07T00:00') };
  it.each([
    ['end before start', { ...good, end: good.start - 1 }, /end .* must be after start/],
    ['end equal to start', { ...good, end: good.start }, /must be after start/],
    ['NaN start', { ...good, start: Number.NaN }, /start must be an instant/],
    ['missing userId', { ...good, userId: '' }, /userId/],
    ['missing id', { ...good, id: '' }, /id must be/],
    ['replacing oneself', { ...good, replacesUserId: 'zoe' }, /cannot override their own/],
  ] as [string, Override, RegExp][])('validateOverride: %s', (_name, ov, message) => {
    expectInvalid(() => validateOverride(ov), 'invalid_override', message);
  });

  it('validateOverride accepts a good one and null replacesUserId', () => {
    expect(() => validateOverride(good)).not.toThrow();
    expect(() => validateOverride({ ...good, replacesUserId: null })).not.toThrow();
  });

  it.each([
    ['unknown zone', { ...sched([weekly()]), timeZone: 'Nowhere/City' }, 'invalid_time_zone'],
    ['unknown zone, no layers', { ...sched([]), timeZone: 'Nowhere/City' }, 'invalid_time_zone'],
    ['duplicate layer ids', sched([weekly(), weekly()]), 'invalid_schedule'],
    ['duplicate override ids', sched([weekly()], [good, good]), 'invalid_schedule'],
    ['bad layer', sched([weekly({ handoffTime: '25:00' })]), 'invalid_handoff_time'],
    ['empty participants', sched([weekly({ participants: [] })]), 'invalid_rotation'],
    ['bad override', sched([weekly()], [{ ...good, end: good.start - HOUR }]), 'invalid_override'],
    ['missing id', { ...sched([]), id: '' }, 'invalid_schedule'],
  ] as [string, Schedule, string][])('validateSchedule: %s -> %s', (_name, schedule, code) => {
    expectInvalid(() => validateSchedule(schedule), code);
  });

  it('finalSchedule, onCallAt and handoffsBetween refuse bad schedules', () => {
    const bad = sched([weekly()], [{ ...good, end: good.start }]);
    expectInvalid(() => finalSchedule(bad, good.start, good.end), 'invalid_override');
    expectInvalid(() => onCallAt({ ...sched([weekly()]), timeZone: 'Bad/Zone' }, good.start), 'invalid_time_zone');
    expectInvalid(() => onCallAt(sched([]), Number.POSITIVE_INFINITY), 'invalid_range');
    expectInvalid(() => handoffsBetween(sched([weekly({ participants: [] })]), 0, DAY), 'invalid_rotation');
  });

  it('an empty window is empty', () => {
    expect(finalSchedule(sched([weekly()]), utc('2026-01-06T00:00'), utc('2026-01-06T00:00'))).toEqual({ shifts: [], gaps: [] });
    expect(handoffsBetween(sched([weekly()]), utc('2026-01-06T00:00'), utc('2026-01-05T00:00'))).toEqual([]);
  });
});

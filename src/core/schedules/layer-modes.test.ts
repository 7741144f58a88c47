/**
 * Layer modes (combine / override) and layer-scoped overrides: worked examples, then properties over
 * random schedules (fast-check) against an obvious per-instant reference built on layerShifts only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.js';
import { finalSchedule, handoffsBetween, onCallAt, validateSchedule } from './final-schedule.js';
import type { Layer, LayerMode, Override, Schedule } from './model.js';
import { layerShifts } from './rotation.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const utc = (s: string): number => Date.parse(`${s}Z`);

const layer = (p: Partial<Layer> & { id: string }): Layer => ({
  name: p.id,
  participants: ['alice', 'bob'],
  shift: { unit: 'week', length: 1 },
  handoffTime: '00:00',
  handoffWeekday: 1,
  startDate: '2026-01-05',
  ...p,
});

const weekdays917 = [1, 2, 3, 4, 5].map((d) => ({ type: 'weekly' as const, startWeekday: d as 1, startTime: '09:00', endWeekday: d as 1, endTime: '17:00' }));

const sched = (layers: Layer[], overrides: Override[] = [], timeZone = 'UTC'): Schedule => ({ id: 's', timeZone, layers, overrides });

describe('layer modes', () => {
  // A 24/7 weekly rotation plus a business-hours rotation that combines with it (OpsGenie's model).
  const allDay = layer({ id: 'all', participants: ['alice', 'bob'] });
  const biz = layer({ id: 'biz', participants: ['carol', 'dan'], shift: { unit: 'day', length: 1 }, handoffTime: '09:00', handoffWeekday: null, restrictions: weekdays917, mode: 'combine' });

  it('a combining layer adds its person to the layers below it', () => {
    const s = sched([allDay, biz]);
    expect(onCallAt(s, utc('2026-01-05T10:00'))).toEqual(['alice', 'carol']);
    expect(onCallAt(s, utc('2026-01-06T10:00'))).toEqual(['alice', 'dan']);
    expect(onCallAt(s, utc('2026-01-05T18:00'))).toEqual(['alice']);
    expect(onCallAt(s, utc('2026-01-10T10:00'))).toEqual(['alice']); // Saturday
  });

  it('an overriding layer (the default) replaces what is below it, as before', () => {
    const s = sched([allDay, { ...biz, mode: 'override' }]);
    expect(onCallAt(s, utc('2026-01-05T10:00'))).toEqual(['carol']);
    expect(onCallAt(s, utc('2026-01-05T18:00'))).toEqual(['alice']);
    const noMode = sched([allDay, { ...biz, mode: undefined }]);
    expect(onCallAt(noMode, utc('2026-01-05T10:00'))).toEqual(['carol']);
  });

  it('an overriding layer above combining layers replaces all of them', () => {
    const holiday = layer({ id: 'holiday', participants: ['erin'], shift: { unit: 'day', length: 1 }, handoffWeekday: null, startDate: '2026-01-06', endDate: '2026-01-07' });
    const s = sched([allDay, biz, holiday]);
    expect(onCallAt(s, utc('2026-01-06T10:00'))).toEqual(['erin']);
    expect(onCallAt(s, utc('2026-01-07T10:00'))).toEqual(['alice', 'carol']);
  });

  it('lists overlapping shifts with the layer each person comes from, and reports hand-offs of sets', () => {
    const s = sched([allDay, biz]);
    const f = finalSchedule(s, utc('2026-01-05T00:00'), utc('2026-01-06T00:00'));
    expect(f.gaps).toEqual([]);
    expect(f.shifts.map((x) => `${x.userId}/${x.layerId} ${new Date(x.start).toISOString().slice(11, 16)}-${new Date(x.end).toISOString().slice(11, 16)}`)).toEqual([
      'alice/all 00:00-00:00',
      'carol/biz 09:00-17:00',
    ]);
    const h = handoffsBetween(s, utc('2026-01-05T01:00'), utc('2026-01-06T00:00'));
    expect(h).toEqual([
      { at: utc('2026-01-05T09:00'), from: ['alice'], to: ['alice', 'carol'] },
      { at: utc('2026-01-05T17:00'), from: ['alice', 'carol'], to: ['alice'] },
    ]);
  });

  it('someone on call in two combining layers at once is listed once', () => {
    const s = sched([allDay, { ...biz, participants: ['alice'] }]);
    expect(onCallAt(s, utc('2026-01-05T10:00'))).toEqual(['alice']);
    const f = finalSchedule(s, utc('2026-01-05T08:00'), utc('2026-01-05T18:00'));
    expect(f.shifts.filter((x) => x.start <= utc('2026-01-05T10:00') && x.end > utc('2026-01-05T10:00'))).toHaveLength(1);
    expect(handoffsBetween(s, utc('2026-01-05T08:00'), utc('2026-01-05T18:00'))).toEqual([]);
  });

  it('refuses an unknown mode', () => {
    try {
      validateSchedule(sched([{ ...allDay, mode: 'both' as LayerMode }]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('invalid_rotation');
      expect((e as DomainError).message).toContain('mode');
    }
  });
});

describe('layer-scoped overrides', () => {
  const allDay = layer({ id: 'all', participants: ['alice', 'bob'] });
  const biz = layer({ id: 'biz', participants: ['carol', 'dan'], shift: { unit: 'day', length: 1 }, handoffTime: '09:00', handoffWeekday: null, restrictions: weekdays917, mode: 'combine' });
  const o = (p: Partial<Override>): Override => ({ id: 'o1', userId: 'gina', start: utc('2026-01-05T00:00'), end: utc('2026-01-07T00:00'), ...p });

  it('replaces only that layer’s person, only while that layer is on call', () => {
    const s = sched([allDay, biz], [o({ layerId: 'biz' })]);
    expect(onCallAt(s, utc('2026-01-05T10:00'))).toEqual(['alice', 'gina']);
    expect(onCallAt(s, utc('2026-01-05T20:00'))).toEqual(['alice']); // biz is off: so is the override
    expect(onCallAt(s, utc('2026-01-07T10:00'))).toEqual(['alice', 'carol']);
    const f = finalSchedule(s, utc('2026-01-05T09:00'), utc('2026-01-05T17:00'));
    expect(f.shifts.find((x) => x.userId === 'gina')).toMatchObject({ source: 'override', overrideId: 'o1', layerId: 'biz', replacedUserId: 'carol' });
  });

  it('is hidden where an overriding layer above it has coverage', () => {
    const top = layer({ id: 'top', participants: ['erin'], shift: { unit: 'day', length: 1 }, handoffWeekday: null, startDate: '2026-01-05', endDate: '2026-01-06' });
    const s = sched([allDay, top], [o({ layerId: 'all' })]);
    expect(onCallAt(s, utc('2026-01-05T10:00'))).toEqual(['erin']);
    expect(onCallAt(s, utc('2026-01-06T10:00'))).toEqual(['gina']);
  });

  it('with replacesUserId, replaces only that person in that layer', () => {
    const s = sched([allDay, biz], [o({ layerId: 'biz', replacesUserId: 'dan' })]);
    expect(onCallAt(s, utc('2026-01-05T10:00'))).toEqual(['alice', 'carol']);
    expect(onCallAt(s, utc('2026-01-06T10:00'))).toEqual(['alice', 'gina']);
  });

  it('a whole-schedule override still replaces everyone; one with replacesUserId only that person', () => {
    const whole = sched([allDay, biz], [o({})]);
    expect(onCallAt(whole, utc('2026-01-05T10:00'))).toEqual(['gina']);
    const f = finalSchedule(whole, utc('2026-01-05T10:00'), utc('2026-01-05T11:00'));
    expect(f.shifts).toEqual([{ userId: 'gina', start: utc('2026-01-05T10:00'), end: utc('2026-01-05T11:00'), source: 'override', overrideId: 'o1', replacedUserId: 'alice', replacedUserIds: ['alice', 'carol'] }]);
    const one = sched([allDay, biz], [o({ replacesUserId: 'carol' })]);
    expect(onCallAt(one, utc('2026-01-05T10:00'))).toEqual(['alice', 'gina']);
    const self = sched([allDay, biz], [o({ userId: 'alice', replacesUserId: 'carol' })]);
    expect(onCallAt(self, utc('2026-01-05T10:00'))).toEqual(['alice']);
  });

  it('an override naming a layer that is not in the schedule is refused by validation and ignored by the math', () => {
    const s = sched([allDay], [o({ layerId: 'gone' })]);
    expect(() => validateSchedule(s)).toThrow(/no layer "gone"/);
    expect(onCallAt(s, utc('2026-01-05T10:00'))).toEqual(['alice']);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Reference: per instant, each layer's person from layerShifts, then modes, then overrides. */
function refOnCall(s: Schedule, t: number): string[] {
  const perLayer = s.layers.map((l) => {
    let u = layerShifts(l, s.timeZone, t, t + 1)[0]?.userId;
    if (u !== undefined) for (const o of s.overrides) if (o.layerId === l.id && o.start <= t && t < o.end && (!o.replacesUserId || o.replacesUserId === u)) u = o.userId;
    return u;
  });
  let cur: string[] = [];
  s.layers.forEach((l, i) => {
    const u = perLayer[i];
    if (u === undefined) return;
    cur = l.mode === 'combine' ? [...cur, u] : [u];
  });
  for (const o of s.overrides) {
    if (o.layerId || !(o.start <= t && t < o.end)) continue;
    if (!o.replacesUserId) cur = [o.userId];
    else if (cur.includes(o.replacesUserId)) cur = cur.map((u) => (u === o.replacesUserId ? o.userId : u));
  }
  return [...new Set(cur)].sort();
}

const PEOPLE = ['ann', 'ben', 'cat', 'dev', 'eve'];
const BASE = utc('2026-03-02T00:00');

const arbLayer = (i: number) =>
  fc.record({
    participants: fc.array(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 3 }),
    unit: fc.constantFrom('hour' as const, 'day' as const),
    length: fc.integer({ min: 1, max: 8 }),
    handoff: fc.integer({ min: 0, max: 23 }),
    startDay: fc.integer({ min: 0, max: 3 }),
    restricted: fc.boolean(),
    rs: fc.integer({ min: 0, max: 23 }),
    re: fc.integer({ min: 0, max: 23 }),
    mode: fc.constantFrom<LayerMode | undefined>('combine', 'override', undefined),
  }).map((r): Layer => ({
    id: `L${i}`,
    name: `L${i}`,
    participants: r.participants,
    shift: { unit: r.unit, length: r.length },
    handoffTime: `${String(r.handoff).padStart(2, '0')}:00`,
    startDate: new Date(BASE + r.startDay * DAY).toISOString().slice(0, 10),
    ...(r.restricted && r.rs !== r.re ? { restrictions: [{ type: 'time_of_day' as const, start: `${String(r.rs).padStart(2, '0')}:00`, end: `${String(r.re).padStart(2, '0')}:30` }] } : {}),
    ...(r.mode ? { mode: r.mode } : {}),
  }));

const arbSchedule = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York'))
  .chain(([n, zone]) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, i) => arbLayer(i))),
      fc.array(
        fc.record({
          user: fc.constantFrom(...PEOPLE),
          startH: fc.integer({ min: 0, max: 24 * 8 }),
          lenH: fc.integer({ min: 1, max: 48 }),
          layer: fc.integer({ min: -1, max: n - 1 }),
          replaces: fc.option(fc.constantFrom(...PEOPLE), { nil: undefined }),
        }),
        { maxLength: 4 },
      ),
      fc.constant(zone),
    ),
  )
  .map(([layers, os, zone]): Schedule => ({
    id: 's',
    timeZone: zone,
    layers,
    overrides: os
      .filter((o) => o.replaces !== o.user)
      .map((o, i) => ({
        id: `o${i}`,
        userId: o.user,
        start: BASE + o.startH * HOUR,
        end: BASE + (o.startH + o.lenH) * HOUR,
        ...(o.layer >= 0 ? { layerId: `L${o.layer}` } : {}),
        ...(o.replaces ? { replacesUserId: o.replaces } : {}),
      })),
  }));

describe('properties of combined layers and scoped overrides', () => {
  const from = BASE;
  const to = BASE + 10 * DAY;
  const samples = Array.from({ length: (10 * 24 * 60) / 45 }, (_, i) => from + i * 45 * 60_000 + 7 * 60_000);

  it('onCallAt agrees with the per-instant reference', () => {
    fc.assert(
      fc.property(arbSchedule, (s) => {
        for (const t of samples) expect(onCallAt(s, t).slice().sort()).toEqual(refOnCall(s, t));
      }),
      { numRuns: 60, seed: 18 },
    );
  });

  it('the final schedule lists each person once per instant, covers the window, and agrees with onCallAt', () => {
    fc.assert(
      fc.property(arbSchedule, (s) => {
        const f = finalSchedule(s, from, to);
        for (const t of samples) {
          const at = f.shifts.filter((x) => x.start <= t && t < x.end).map((x) => x.userId);
          expect(new Set(at).size).toBe(at.length);
          expect(at.sort()).toEqual(onCallAt(s, t).slice().sort());
          expect(f.gaps.some((g) => g.start <= t && t < g.end)).toBe(at.length === 0);
        }
        for (let i = 1; i < f.shifts.length; i++) expect(f.shifts[i]!.start).toBeGreaterThanOrEqual(f.shifts[i - 1]!.start);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('hand-offs are exactly the instants where the set of people changes, reported once over split windows', () => {
    fc.assert(
      fc.property(arbSchedule, fc.integer({ min: 1, max: 9 }), (s, cutDay) => {
        const all = handoffsBetween(s, from, to);
        const cut = from + cutDay * DAY + 5 * 60_000;
        expect([...handoffsBetween(s, from, cut), ...handoffsBetween(s, cut, to)]).toEqual(all);
        for (const h of all) {
          expect(h.from.slice().sort()).toEqual(onCallAt(s, h.at - 1).slice().sort());
          expect(h.to.slice().sort()).toEqual(onCallAt(s, h.at).slice().sort());
          expect(h.from.slice().sort()).not.toEqual(h.to.slice().sort());
        }
        // Between hand-offs nobody changes.
        const ats = [from, ...all.map((h) => h.at), to];
        for (let i = 0; i + 1 < ats.length; i++) {
          const mid = Math.floor((ats[i]! + ats[i + 1]!) / 2);
          expect(onCallAt(s, mid).slice().sort()).toEqual(onCallAt(s, ats[i]!).slice().sort());
        }
      }),
      { numRuns: 40, seed: 3 },
    );
  });

  it('with every layer overriding and no layer-scoped override, nobody is ever on call with someone else', () => {
    fc.assert(
      fc.property(arbSchedule, (s0) => {
        const s: Schedule = { ...s0, layers: s0.layers.map((l) => ({ ...l, mode: 'override' })), overrides: s0.overrides.filter((o) => !o.layerId) };
        for (const t of samples) expect(onCallAt(s, t).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 40, seed: 11 },
    );
  });
});

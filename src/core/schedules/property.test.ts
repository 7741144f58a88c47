/**
 * Property-style checks over ~200 random schedules (seeded, reproducible), against a slow reference
 * written directly with luxon DateTime (no shared arithmetic with rotation.ts).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { finalSchedule, handoffsBetween, onCallAt } from './final-schedule.js';
import type { IsoWeekday, Layer, Override, Restriction, Schedule, Shift } from './model.js';
import { layerShifts } from './rotation.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Australia/Sydney',
  'Australia/Lord_Howe', // 30-minute DST
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham', // +12:45 / +13:45
  'America/St_Johns', // -03:30
  'America/Santiago', // changes at midnight
];

// ---------------------------------------------------------------------------------------------
// Reference implementation (slow, obvious)

/** The instant of a wall time: the earliest instant showing it, or luxon's forward shift over a gap. */
function refInstant(zone: string, y: number, mo: number, d: number, h: number, mi: number): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  const offsets = new Set([-2, -1, 0, 1, 2].map((k) => DateTime.fromMillis(naive + k * DAY, { zone }).offset));
  const valid = [...offsets]
    .map((o) => naive - o * MINUTE)
    .filter((t) => {
      const x = DateTime.fromMillis(t, { zone });
      return x.year === y && x.month === mo && x.day === d && x.hour === h && x.minute === mi;
    });
  if (valid.length > 0) return Math.min(...valid);
  return DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi }, { zone }).toMillis();
}

const naiveDayInstant = (zone: string, naiveDay: number, hhmm: string): number => {
  const dt = new Date(naiveDay);
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return refInstant(zone, dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate(), h, m);
};

interface RefShift {
  userId: string;
  start: number;
  end: number;
}

/** The layer's rotation shifts overlapping [from, to), clipped, ignoring restrictions. */
function refRotation(layer: Layer, zone: string, from: number, to: number): RefShift[] {
  const [y, m, d] = layer.startDate.split('-').map(Number) as [number, number, number];
  const n = layer.participants.length;
  const starts: [number, number][] = [];
  if (layer.shift.unit === 'hour') {
    const anchor = refInstant(zone, y, m, d, ...(layer.handoffTime.split(':').map(Number) as [number, number]));
    const step = layer.shift.length * HOUR;
    for (let k = 0; anchor + k * step <= to + step; k++) if (anchor + (k + 1) * step >= from) starts.push([k, anchor + k * step]);
  } else {
    let anchor = Date.UTC(y, m - 1, d);
    const wd = layer.handoffWeekday;
    if (layer.shift.unit === 'week' && wd) anchor += ((wd - DateTime.fromMillis(anchor, { zone: 'utc' }).weekday + 7) % 7) * DAY;
    const stepDays = layer.shift.unit === 'week' ? 7 * layer.shift.length : layer.shift.length;
    const localDay = (t: number): number => Math.floor((t + DateTime.fromMillis(t, { zone }).offset * MINUTE) / DAY) * DAY;
    const low = localDay(from) - (stepDays + 3) * DAY;
    const high = localDay(to) + (stepDays + 3) * DAY;
    for (let k = 0; anchor + k * stepDays * DAY <= high; k++) {
      const day = anchor + k * stepDays * DAY;
      if (day >= low) starts.push([k, naiveDayInstant(zone, day, layer.handoffTime)]);
    }
  }
  let end = Infinity;
  if (layer.endDate) {
    const [ey, em, ed] = layer.endDate.split('-').map(Number) as [number, number, number];
    end = naiveDayInstant(zone, Date.UTC(ey, em - 1, ed), layer.handoffTime);
  }
  const out: RefShift[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const [k, s] = starts[i]!;
    const e = Math.min(starts[i + 1]![1], end, to);
    const a = Math.max(s, from);
    if (e > a) out.push({ userId: layer.participants[k % n]!, start: a, end: e });
  }
  return out;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** Whether the instant falls inside the restrictions, judged from its wall clock. */
function refInWindow(restrictions: Restriction[] | null | undefined, zone: string, t: number): boolean {
  if (!restrictions || restrictions.length === 0) return true;
  const x = DateTime.fromMillis(t, { zone });
  const mins = x.hour * 60 + x.minute;
  return restrictions.some((r) => {
    if (r.type === 'time_of_day') {
      const s = minutesOf(r.start);
      const e = minutesOf(r.end);
      return s < e ? mins >= s && mins < e : mins >= s || mins < e;
    }
    const p = (x.weekday - 1) * 1440 + mins;
    const ps = (r.startWeekday - 1) * 1440 + minutesOf(r.startTime);
    let span = (r.endWeekday - r.startWeekday + 7) % 7;
    if (span === 0 && minutesOf(r.endTime) <= minutesOf(r.startTime)) span = 7;
    const len = span * 1440 + minutesOf(r.endTime) - minutesOf(r.startTime);
    return (p - ps + 10080) % 10080 < len;
  });
}

function refOnCall(schedule: Schedule, refs: RefShift[][], t: number): string | null {
  let cur: string | null = null;
  for (let i = schedule.layers.length - 1; i >= 0; i--) {
    const s = refs[i]!.find((x) => x.start <= t && t < x.end);
    if (s && refInWindow(schedule.layers[i]!.restrictions, schedule.timeZone, t)) {
      cur = s.userId;
      break;
    }
  }
  for (const o of schedule.overrides) {
    if (o.start <= t && t < o.end && (!o.replacesUserId || o.replacesUserId === cur)) cur = o.userId;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Generators

const pad = (n: number): string => String(n).padStart(2, '0');
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function randomSchedule(seed: number): { schedule: Schedule; from: number; to: number; rnd: () => number } {
  const rnd = prng(seed * 7919 + 17);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const zone = pick(ZONES);
  const from = Date.UTC(2026, 0, 1) + Math.floor(rnd() * 500 * DAY);
  const to = from + int(1, 40 * 24) * HOUR + int(0, 3_599_999);
  const pool = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
  const layers: Layer[] = [];
  const nLayers = int(1, 3);
  for (let i = 0; i < nLayers; i++) {
    const unit = pick(['hour', 'day', 'week'] as const);
    const length = unit === 'hour' ? pick([1, 4, 6, 8, 12, 24, 36]) : unit === 'day' ? pick([1, 2, 3, 7]) : pick([1, 2, 3]);
    const startDay = Math.floor(from / DAY) * DAY - int(-10, 400) * DAY;
    const layer: Layer = {
      id: `L${i}`,
      name: `Layer ${i}`,
      participants: Array.from({ length: int(1, 5) }, () => pick(pool)),
      shift: { unit, length },
      handoffTime: `${pad(int(0, 23))}:${pad(pick([0, 0, 15, 30, 45, int(0, 59)]))}`,
      startDate: isoDate(startDay),
    };
    if (unit === 'week' && rnd() < 0.6) layer.handoffWeekday = int(1, 7) as IsoWeekday;
    if (rnd() < 0.2) layer.endDate = isoDate(startDay + int(8, 500) * DAY);
    if (rnd() < 0.35) {
      const time = (): string => `${pad(int(4, 22))}:${pad(pick([0, 15, 30, 45]))}`;
      if (rnd() < 0.5) {
        let s = time();
        let e = time();
        while (e === s) e = time();
        layer.restrictions = [{ type: 'time_of_day', start: s, end: e }];
        if (rnd() < 0.3) {
          s = time();
          e = time();
          if (s !== e) layer.restrictions.push({ type: 'time_of_day', start: s, end: e });
        }
      } else {
        layer.restrictions = Array.from({ length: int(1, 3) }, () => {
          const startWeekday = int(1, 7) as IsoWeekday;
          const endWeekday = (rnd() < 0.5 ? startWeekday : int(1, 7)) as IsoWeekday;
          const startTime = time();
          let endTime = time();
          while (endWeekday === startWeekday && endTime === startTime) endTime = time();
          return { type: 'weekly', startWeekday, startTime, endWeekday, endTime } as Restriction;
        });
      }
    }
    layers.push(layer);
  }
  const overrides: Override[] = Array.from({ length: int(0, 6) }, (_, j) => {
    const start = from - 5 * DAY + Math.floor(rnd() * (to - from + 5 * DAY));
    const userId = pick(['o0', 'o1', 'u0', 'u1']);
    const o: Override = { id: `O${j}`, userId, start, end: start + int(1, 120) * HOUR + int(0, 59) * MINUTE };
    if (rnd() < 0.4) {
      const r = pick(pool);
      if (r !== userId) o.replacesUserId = r;
    }
    return o;
  });
  return { schedule: { id: `s${seed}`, timeZone: zone, layers, overrides }, from, to, rnd };
}

// ---------------------------------------------------------------------------------------------

function expectSortedDisjoint(list: { start: number; end: number }[], from: number, to: number): void {
  const problems: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (!(s.end > s.start)) problems.push(`#${i} empty`);
    if (s.start < from || s.end > to) problems.push(`#${i} outside the window`);
    if (i > 0 && s.start < list[i - 1]!.end) problems.push(`#${i} overlaps #${i - 1}`);
  }
  expect(problems).toEqual([]);
}

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

describe('random schedules (seeded)', () => {
  it.each(SEEDS)('seed %i', (seed) => {
    const { schedule, from, to, rnd } = randomSchedule(seed);
    const zone = schedule.timeZone;
    const ctx = JSON.stringify({ zone, from: new Date(from).toISOString(), to: new Date(to).toISOString(), layers: schedule.layers });

    // 1. Each layer: sorted, disjoint, within the window; equal to the reference without restrictions.
    const refs: RefShift[][] = [];
    for (const layer of schedule.layers) {
      const got: Shift[] = layerShifts(layer, zone, from, to);
      expectSortedDisjoint(got, from, to);
      const ref = refRotation(layer, zone, from, to);
      refs.push(ref);
      if (!layer.restrictions) {
        expect(
          got.map((s) => ({ userId: s.userId, start: s.start, end: s.end })),
          ctx,
        ).toEqual(ref);
        // contiguous: no gaps inside the layer's active span
        expect(got.filter((x, i) => i > 0 && x.start !== got[i - 1]!.end)).toEqual([]);
      } else {
        for (const s of got) {
          const r = ref.find((x) => x.start <= s.start && s.end <= x.end);
          expect(r?.userId, ctx).toBe(s.userId);
          expect(refInWindow(layer.restrictions, zone, s.start), ctx).toBe(true);
          expect(refInWindow(layer.restrictions, zone, s.end - 1), ctx).toBe(true);
        }
        for (let i = 0; i < 30; i++) {
          const t = from + Math.floor(rnd() * (to - from));
          const covered = got.some((s) => s.start <= t && t < s.end);
          const expected = ref.some((s) => s.start <= t && t < s.end) && refInWindow(layer.restrictions, zone, t);
          expect(covered, `${ctx} at ${new Date(t).toISOString()}`).toBe(expected);
        }
      }
    }

    // 2. Final schedule: shifts and gaps partition [from, to); no mergeable neighbours left.
    const final = finalSchedule(schedule, from, to);
    expectSortedDisjoint(final.shifts, from, to);
    expectSortedDisjoint(final.gaps, from, to);
    const all = [...final.shifts.map((s) => ({ ...s, u: s.userId as string | null })), ...final.gaps.map((g) => ({ ...g, u: null }))].sort(
      (a, b) => a.start - b.start,
    );
    expect(all[0]!.start).toBe(from);
    expect(all[all.length - 1]!.end).toBe(to);
    expect(all.filter((x, i) => i > 0 && x.start !== all[i - 1]!.end)).toEqual([]);
    const mergeable = final.shifts.filter((b, i) => {
      const a = final.shifts[i - 1];
      return (
        a !== undefined &&
        a.end === b.start &&
        a.userId === b.userId &&
        a.source === b.source &&
        a.layerId === b.layerId &&
        a.overrideId === b.overrideId &&
        a.replacedUserId === b.replacedUserId
      );
    });
    expect(mergeable).toEqual([]);
    expect(final.gaps.filter((g, i) => i > 0 && g.start <= final.gaps[i - 1]!.end)).toEqual([]);

    // 3. onCallAt agrees with the final schedule and with the reference, at random instants and edges.
    const lookup = (t: number): string[] => {
      const s = final.shifts.find((x) => x.start <= t && t < x.end);
      return s ? [s.userId] : [];
    };
    const probes = [from, to - 1];
    for (let i = 0; i < 30 && all.length > 0; i++) {
      const s = all[Math.floor(rnd() * all.length)]!;
      probes.push(s.start, Math.max(from, s.start - 1), s.end - 1);
    }
    for (let i = 0; i < 25; i++) probes.push(from + Math.floor(rnd() * (to - from)));
    for (const t of probes) {
      const at = onCallAt(schedule, t);
      expect(at, `${ctx} at ${new Date(t).toISOString()}`).toEqual(lookup(t));
      const ref = refOnCall(schedule, refs, t);
      expect(at, `${ctx} reference at ${new Date(t).toISOString()}`).toEqual(ref === null ? [] : [ref]);
    }

    // 4. handoffsBetween agrees with the shift boundaries, and splitting the window changes nothing.
    const expected: { at: number; from: string[]; to: string[] }[] = [];
    let prev = onCallAt(schedule, from - 1);
    for (const s of all) {
      const cur = s.u === null ? [] : [s.u];
      if (cur.join() !== prev.join()) expected.push({ at: s.start, from: prev, to: cur });
      prev = cur;
    }
    const h = handoffsBetween(schedule, from, to);
    expect(h, ctx).toEqual(expected);
    const mid = from + Math.floor(rnd() * (to - from));
    expect([...handoffsBetween(schedule, from, mid), ...handoffsBetween(schedule, mid, to)]).toEqual(h);
  });
});

/**
 * Rotation math: the shifts of one layer in a window, computed directly (O(shifts in the window)).
 *
 * Wall-clock times are resolved in the schedule's IANA zone with luxon's zone data (IANAZone.offset).
 * We do not call DateTime.fromObject per shift: its answer for an ambiguous wall time (the repeated
 * hour when clocks go back) depends on the machine's current date (it seeds its guess with
 * Settings.now()), and it costs ~20 µs a call. The resolver below is deterministic:
 *   - a wall time that happens twice (fall back) resolves to the EARLIER instant;
 *   - a wall time that does not exist (spring forward) moves forward by the gap (02:30 -> 03:30).
 * Offsets are memoised per zone and per UTC day. The memo assumes a zone never changes offset twice
 * within 48 hours; the closest pair of transitions in tzdb since 1970 is ~166 hours apart.
 */
import { IANAZone } from 'luxon';
import { invalid } from '../shared/errors.js';
import { assertTimeZone, MAX_SPAN_MS } from '../shared/validate.js';
import type { Interval, IsoWeekday, Layer, Restriction, Shift, ShiftUnit } from './model.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Zone offsets

interface BucketTransition {
  at: number;
  before: number;
  after: number;
}

/** Memo of a zone's UTC offsets (minutes), one entry per UTC day touched. */
export class ZoneOffsets {
  private readonly zone: IANAZone;
  private readonly edges = new Map<number, number>();
  private readonly buckets = new Map<number, number | BucketTransition>();
  private static readonly MAX_BUCKETS = 50_000;

  constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
  }

  /** Offset (minutes east of UTC) in effect at the instant `ts`. */
  offsetAt(ts: number): number {
    const b = Math.floor(ts / DAY);
    const e = this.buckets.get(b) ?? this.fill(b);
    if (typeof e === 'number') return e;
    return ts < e.at ? e.before : e.after;
  }

  /** Wall-clock milliseconds (the local date and time written as if it were UTC) at `ts`. */
  toLocal(ts: number): number {
    return ts + this.offsetAt(ts) * MINUTE;
  }

  /** The instant a wall-clock time (as from `toLocal`) happens; earlier one if twice, shifted past a gap. */
  toInstant(local: number): number {
    const before = this.offsetAt(local - DAY);
    const after = this.offsetAt(local + DAY);
    if (before === after) return local - before * MINUTE;
    const tBefore = local - before * MINUTE;
    const tAfter = local - after * MINUTE;
    const okBefore = this.offsetAt(tBefore) === before;
    const okAfter = this.offsetAt(tAfter) === after;
    if (okBefore && okAfter) return Math.min(tBefore, tAfter);
    if (okAfter) return tAfter;
    // Valid with the old offset only, or a gap: reading it with the pre-transition offset moves it forward.
    return tBefore;
  }

  private edge(b: number): number {
    let o = this.edges.get(b);
    if (o === undefined) {
      o = this.zone.offset(b * DAY);
      this.edges.set(b, o);
    }
    return o;
  }

  private fill(b: number): number | BucketTransition {
    const o1 = this.edge(b);
    const o2 = this.edge(b + 1);
    let e: number | BucketTransition;
    if (o1 === o2) {
      e = o1;
    } else {
      let lo = b * DAY;
      let hi = (b + 1) * DAY;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.zone.offset(mid) === o1) lo = mid;
        else hi = mid;
      }
      e = { at: hi, before: o1, after: o2 };
    }
    if (this.buckets.size >= ZoneOffsets.MAX_BUCKETS) {
      this.buckets.clear();
      this.edges.clear();
    }
    this.buckets.set(b, e);
    return e;
  }
}

const zoneCache = new Map<string, ZoneOffsets>();

/** The (memoised) offsets of a valid IANA zone. Throws invalid_time_zone otherwise. */
export function zoneOffsets(zone: string): ZoneOffsets {
  let z = zoneCache.get(zone);
  if (!z) {
    assertTimeZone(zone, 'timeZone');
    z = new ZoneOffsets(zone);
    zoneCache.set(zone, z);
  }
  return z;
}

/** Drops the offset memo (benchmarks use it to measure a cold start). */
export function clearZoneCache(): void {
  zoneCache.clear();
}

// ---------------------------------------------------------------------------------------------
// Parsing helpers

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};

/** Minutes after midnight for 'HH:MM' (00:00-23:59), or undefined. */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== 'string' || s.length !== 5 || s.charCodeAt(2) !== 58) return undefined;
  const h = digit(s, 0) * 10 + digit(s, 1);
  const m = digit(s, 3) * 10 + digit(s, 4);
  return h >= 0 && h <= 23 && m >= 0 && m <= 59 ? h * 60 + m : undefined;
}

/** Days since 1970-01-01 for 'YYYY-MM-DD' (a real calendar date, years 1900-2999), or undefined. */
export function parseDate(s: unknown): number | undefined {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const mo = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (!(y >= 1900 && y <= 2999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31)) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  if (new Date(ms).getUTCDate() !== d) return undefined;
  return ms / DAY;
}

/** ISO weekday (Mon = 1) of a day number (days since 1970-01-01, a Thursday). */
export const isoWeekdayOfDay = (day: number): IsoWeekday => ((((day % 7) + 7 + 3) % 7) + 1) as IsoWeekday;

const isWeekday = (v: unknown): v is IsoWeekday => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 7;

const MAX_LENGTH: Record<ShiftUnit, number> = { hour: 24 * 366, day: 366, week: 52 };

// ---------------------------------------------------------------------------------------------
// Compilation and validation

type CompiledRestriction =
  | { kind: 'daily'; startMin: number; endMin: number; endDayOffset: number }
  | { kind: 'weekly'; startWeekday: IsoWeekday; startMin: number; spanDays: number; endMin: number };

/** A validated layer with its arithmetic precomputed. */
export class CompiledLayer {
  /** First shift start (instant). */
  readonly firstStart: number;
  /** Where the layer begins covering: the first shift start, or the layer's startAt when later. */
  readonly begin: number;
  /** Exclusive end of the layer (instant), Infinity when open-ended. */
  readonly end: number;
  private readonly stepMs: number;
  private readonly stepDays: number;

  constructor(
    readonly layer: Layer,
    readonly zone: ZoneOffsets,
    readonly participants: readonly string[],
    readonly unit: ShiftUnit,
    length: number,
    /** Local day (days since 1970-01-01) of shift 0. */
    private readonly anchorDay: number,
    private readonly handoffMs: number,
    endDay: number | undefined,
    readonly restrictions: readonly CompiledRestriction[] | null,
    /** True when the layer combines with the layers below it instead of replacing them. */
    readonly combines: boolean = false,
  ) {
    this.stepMs = length * HOUR;
    this.stepDays = unit === 'week' ? 7 * length : length;
    this.firstStart = zone.toInstant(anchorDay * DAY + handoffMs);
    this.end = endDay === undefined ? Infinity : zone.toInstant(endDay * DAY + handoffMs);
    this.begin = typeof layer.startAt === 'number' ? Math.max(this.firstStart, layer.startAt) : this.firstStart;
  }

  /** Start instant of shift k (k >= 0). Day and week shifts start at the hand-off wall time. */
  startOf(k: number): number {
    if (this.unit === 'hour') return this.firstStart + k * this.stepMs;
    return this.zone.toInstant((this.anchorDay + k * this.stepDays) * DAY + this.handoffMs);
  }

  /** The k with startOf(k) <= t < startOf(k + 1), for t >= firstStart; computed, not iterated. */
  indexAt(t: number): number {
    if (this.unit === 'hour') return Math.max(0, Math.floor((t - this.firstStart) / this.stepMs));
    const localDay = Math.floor(this.zone.toLocal(t) / DAY);
    let k = Math.max(0, Math.floor((localDay - this.anchorDay) / this.stepDays));
    while (k > 0 && this.startOf(k) > t) k--;
    while (this.startOf(k + 1) <= t) k++;
    return k;
  }
}

function fail(code: string, layer: Partial<Layer> | undefined, field: string, message: string): never {
  const label = layer && typeof layer.name === 'string' && layer.name ? layer.name : layer && typeof layer.id === 'string' ? layer.id : '?';
  throw invalid(code, `Layer "${label}": ${message}`, { field, layerId: layer?.id });
}

function compileRestriction(layer: Layer, r: Restriction, i: number): CompiledRestriction {
  const field = `restrictions[${i}]`;
  if (!r || typeof r !== 'object') fail('invalid_restriction', layer, field, `${field} must be an object.`);
  if (r.type === 'time_of_day') {
    const s = parseTime(r.start);
    const e = parseTime(r.end);
    if (s === undefined) fail('invalid_restriction', layer, `${field}.start`, `${field}.start "${String(r.start)}" must be HH:MM (00:00-23:59).`);
    if (e === undefined) fail('invalid_restriction', layer, `${field}.end`, `${field}.end "${String(r.end)}" must be HH:MM (00:00-23:59).`);
    if (s === e)
      fail(
        'invalid_restriction',
        layer,
        field,
        `${field} starts and ends at ${r.start}; a daily window must not be empty or the whole day (drop the restriction instead).`,
      );
    return { kind: 'daily', startMin: s, endMin: e, endDayOffset: e > s ? 0 : 1 };
  }
  if (r.type === 'weekly') {
    if (!isWeekday(r.startWeekday)) fail('invalid_restriction', layer, `${field}.startWeekday`, `${field}.startWeekday must be 1 (Monday) to 7 (Sunday).`);
    if (!isWeekday(r.endWeekday)) fail('invalid_restriction', layer, `${field}.endWeekday`, `${field}.endWeekday must be 1 (Monday) to 7 (Sunday).`);
    const s = parseTime(r.startTime);
    const e = parseTime(r.endTime);
    if (s === undefined) fail('invalid_restriction', layer, `${field}.startTime`, `${field}.startTime "${String(r.startTime)}" must be HH:MM (00:00-23:59).`);
    if (e === undefined) fail('invalid_restriction', layer, `${field}.endTime`, `${field}.endTime "${String(r.endTime)}" must be HH:MM (00:00-23:59).`);
    let spanDays = (r.endWeekday - r.startWeekday + 7) % 7;
    if (spanDays === 0 && e <= s) {
      if (e === s)
        fail(
          'invalid_restriction',
          layer,
          field,
          `${field} starts and ends at the same weekday and time; a weekly window must not be empty or the whole week.`,
        );
      spanDays = 7;
    }
    return { kind: 'weekly', startWeekday: r.startWeekday, startMin: s, spanDays, endMin: e };
  }
  return fail('invalid_restriction', layer, `${field}.type`, `${field}.type must be "time_of_day" or "weekly".`);
}

/** Validates a layer and precomputes its arithmetic. Throws `invalid(...)` with a clear code. */
export function compileLayer(layer: Layer, timeZone: string): CompiledLayer {
  const zone = zoneOffsets(timeZone);
  if (!layer || typeof layer !== 'object') throw invalid('invalid_rotation', 'A layer must be an object.', { field: 'layer' });
  if (typeof layer.id !== 'string' || !layer.id) fail('invalid_rotation', layer, 'id', 'id must be a non-empty string.');
  if (typeof layer.name !== 'string') fail('invalid_rotation', layer, 'name', 'name must be a string.');
  const p = layer.participants;
  if (!Array.isArray(p) || p.length === 0) fail('invalid_rotation', layer, 'participants', 'participants must list at least one user.');
  if (p.length > 1000) fail('invalid_rotation', layer, 'participants', 'participants must list at most 1000 entries.');
  for (let i = 0; i < p.length; i++) {
    const u = p[i];
    if (typeof u !== 'string' || !u) fail('invalid_rotation', layer, `participants[${i}]`, `participants[${i}] must be a user id.`);
  }
  const shift = layer.shift;
  if (!shift || typeof shift !== 'object') fail('invalid_rotation', layer, 'shift', 'shift must be { unit, length }.');
  const unit = shift.unit;
  if (unit !== 'hour' && unit !== 'day' && unit !== 'week')
    fail('invalid_rotation', layer, 'shift.unit', `shift.unit "${String(unit)}" must be "hour", "day" or "week".`);
  const length = shift.length;
  if (!Number.isInteger(length) || length < 1 || length > MAX_LENGTH[unit]) {
    fail('invalid_rotation', layer, 'shift.length', `shift.length must be a whole number of ${unit}s from 1 to ${MAX_LENGTH[unit]}.`);
  }
  const handoffMin = parseTime(layer.handoffTime);
  if (handoffMin === undefined) {
    fail('invalid_handoff_time', layer, 'handoffTime', `handoffTime "${String(layer.handoffTime)}" must be HH:MM between 00:00 and 23:59.`);
  }
  const wd = layer.handoffWeekday ?? undefined;
  if (wd !== undefined) {
    if (unit !== 'week') fail('invalid_rotation', layer, 'handoffWeekday', 'handoffWeekday only applies to weekly shifts.');
    if (!isWeekday(wd)) fail('invalid_rotation', layer, 'handoffWeekday', 'handoffWeekday must be 1 (Monday) to 7 (Sunday).');
  }
  const startDay = parseDate(layer.startDate);
  if (startDay === undefined) fail('invalid_rotation', layer, 'startDate', `startDate "${String(layer.startDate)}" must be a date YYYY-MM-DD.`);
  let endDay: number | undefined;
  if (layer.endDate !== undefined && layer.endDate !== null) {
    endDay = parseDate(layer.endDate);
    if (endDay === undefined) fail('invalid_rotation', layer, 'endDate', `endDate "${String(layer.endDate)}" must be a date YYYY-MM-DD.`);
  }
  if (layer.startAt !== undefined && layer.startAt !== null && (!Number.isSafeInteger(layer.startAt) || layer.startAt < 0))
    fail('invalid_rotation', layer, 'startAt', 'startAt must be an instant in epoch milliseconds.');
  const mode = layer.mode ?? 'override';
  if (mode !== 'override' && mode !== 'combine') fail('invalid_rotation', layer, 'mode', `mode "${String(layer.mode)}" must be "override" or "combine".`);
  let restrictions: CompiledRestriction[] | null = null;
  if (layer.restrictions !== undefined && layer.restrictions !== null) {
    if (!Array.isArray(layer.restrictions)) fail('invalid_restriction', layer, 'restrictions', 'restrictions must be a list.');
    if (layer.restrictions.length > 100) fail('invalid_restriction', layer, 'restrictions', 'restrictions must have at most 100 windows.');
    if (layer.restrictions.length > 0) {
      restrictions = [];
      for (let i = 0; i < layer.restrictions.length; i++) restrictions.push(compileRestriction(layer, layer.restrictions[i]!, i));
    }
  }

  const anchorDay = unit === 'week' && wd !== undefined ? startDay + ((wd - isoWeekdayOfDay(startDay) + 7) % 7) : startDay;
  const c = new CompiledLayer(layer, zone, p, unit, length, anchorDay, handoffMin * MINUTE, endDay, restrictions, mode === 'combine');
  if (c.end <= c.begin) fail('invalid_rotation', layer, 'endDate', `endDate ${layer.endDate} must be after the first shift starts (${layer.startDate}).`);
  return c;
}

/** The first shift start of a layer, or undefined when the layer is not valid. */
export function layerFirstStart(layer: Layer, zone: string): number | undefined {
  try {
    return compileLayer(layer, zone).firstStart;
  } catch {
    return undefined;
  }
}

/** Throws `invalid(...)` (invalid_time_zone, invalid_rotation, invalid_handoff_time, invalid_restriction) when bad. */
export function validateLayer(layer: Layer, zone: string): void {
  compileLayer(layer, zone);
}

export function assertRange(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw invalid('invalid_range', `from and to must be instants in epoch milliseconds (got ${from}, ${to}).`, { field: 'from' });
  }
  // Expansion work grows with the window: no window may be longer than the cap.
  if (to - from > MAX_SPAN_MS.expansion) {
    throw invalid('invalid_range', `A schedule can be expanded over at most ${Math.round(MAX_SPAN_MS.expansion / 86_400_000)} days at once.`, { field: 'to' });
  }
}

// ---------------------------------------------------------------------------------------------
// Restriction windows

function byStart(a: Interval, b: Interval): number {
  return a.start - b.start;
}

/** Sorts and merges overlapping or touching intervals (in place on a copy). */
export function mergeIntervals(list: Interval[]): Interval[] {
  if (list.length < 2) return list.slice();
  const sorted = list.slice().sort(byStart);
  const out: Interval[] = [{ ...sorted[0]! }];
  for (let i = 1; i < sorted.length; i++) {
    const cur = sorted[i]!;
    const last = out[out.length - 1]!;
    if (cur.start <= last.end) {
      if (cur.end > last.end) last.end = cur.end;
    } else out.push({ ...cur });
  }
  return out;
}

function pushClipped(out: Interval[], s: number, e: number, from: number, to: number): void {
  const a = s > from ? s : from;
  const b = e < to ? e : to;
  if (b > a) out.push({ start: a, end: b });
}

function windowsOf(rs: readonly CompiledRestriction[], zone: ZoneOffsets, from: number, to: number): Interval[] {
  const localFrom = zone.toLocal(from);
  const localTo = zone.toLocal(to);
  const firstDay = Math.floor(localFrom / DAY);
  const lastDay = Math.floor(localTo / DAY);
  // Windows whose wall-clock span misses [localFrom, localTo] by more than a day cannot touch [from, to).
  const lo = localFrom - DAY;
  const hi = localTo + DAY;
  const raw: Interval[] = [];
  for (const r of rs) {
    if (r.kind === 'daily') {
      for (let d = firstDay - 1; d <= lastDay; d++) {
        const ls = d * DAY + r.startMin * MINUTE;
        const le = (d + r.endDayOffset) * DAY + r.endMin * MINUTE;
        if (le < lo || ls > hi) continue;
        pushClipped(raw, zone.toInstant(ls), zone.toInstant(le), from, to);
      }
    } else {
      const d0 = firstDay - 8;
      for (let d = d0 + ((r.startWeekday - isoWeekdayOfDay(d0) + 7) % 7); d <= lastDay; d += 7) {
        const ls = d * DAY + r.startMin * MINUTE;
        const le = (d + r.spanDays) * DAY + r.endMin * MINUTE;
        if (le < lo || ls > hi) continue;
        pushClipped(raw, zone.toInstant(ls), zone.toInstant(le), from, to);
      }
    }
  }
  return mergeIntervals(raw);
}

/** The instants [from, to) covered by a list of restrictions, merged and sorted. */
export function restrictionWindows(restrictions: Restriction[], timeZone: string, from: number, to: number): Interval[] {
  assertRange(from, to);
  const zone = zoneOffsets(timeZone);
  const fake = { id: '?', name: 'restrictions' } as Layer;
  const rs: CompiledRestriction[] = [];
  for (let i = 0; i < restrictions.length; i++) rs.push(compileRestriction(fake, restrictions[i]!, i));
  return to > from ? windowsOf(rs, zone, from, to) : [];
}

// ---------------------------------------------------------------------------------------------
// Shifts

/** Shifts of a compiled layer intersected with [from, to). */
export function compiledLayerShifts(c: CompiledLayer, from: number, to: number): Shift[] {
  const lo = Math.max(from, c.begin);
  const hi = Math.min(to, c.end);
  if (!(hi > lo)) return [];
  const layerId = c.layer.id;
  const n = c.participants.length;
  const shifts: Shift[] = [];
  let k = c.indexAt(lo);
  let s = c.startOf(k);
  while (s < hi) {
    const e = c.startOf(k + 1);
    if (e > s && e > lo) {
      shifts.push({ userId: c.participants[k % n]!, start: Math.max(s, lo), end: Math.min(e, hi), layerId, source: 'rotation' });
    }
    k++;
    s = e;
  }
  if (!c.restrictions) return shifts;
  const windows = windowsOf(c.restrictions, c.zone, lo, hi);
  const out: Shift[] = [];
  let j = 0;
  for (const sh of shifts) {
    while (j < windows.length && windows[j]!.end <= sh.start) j++;
    for (let m = j; m < windows.length && windows[m]!.start < sh.end; m++) {
      const a = Math.max(sh.start, windows[m]!.start);
      const b = Math.min(sh.end, windows[m]!.end);
      if (b > a) out.push({ ...sh, start: a, end: b });
    }
  }
  return out;
}

/**
 * The layer's own shifts intersected with [from, to), sorted, never overlapping. Without restrictions
 * they are contiguous from the layer's first start (or `from`) to its end (or `to`).
 */
export function layerShifts(layer: Layer, zone: string, from: number, to: number): Shift[] {
  assertRange(from, to);
  return compiledLayerShifts(compileLayer(layer, zone), from, to);
}

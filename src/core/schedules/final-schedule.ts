/**
 * The final (effective) schedule: layers merged by precedence, then overrides applied.
 *
 * - Layers: a higher index wins wherever it has coverage; where it has none (before its start, after its
 *   end, outside its restrictions) the layers below show through.
 * - Overrides apply in array order on top of that, so a later override wins where two overlap. An override
 *   with replacesUserId only takes the intervals where that user is on call at that point; one without it
 *   takes its whole window, gaps included.
 * - Adjacent pieces with the same user and the same origin (same layer, or same override replacing the same
 *   person) merge into one shift.
 */
import { invalid } from '../shared/errors.js';
import { assertTimeZone } from '../shared/validate.js';
import type { FinalSchedule, FinalShift, Gap, Handoff, Override, Schedule, Shift } from './model.js';
import { assertRange, compileLayer, compiledLayerShifts, type CompiledLayer } from './rotation.js';

interface Seg {
  start: number;
  end: number;
  /** null over a gap. */
  userId: string | null;
  source: 'rotation' | 'override' | 'gap';
  layerId?: string;
  overrideId?: string;
  replacedUserId?: string;
}

const sameOrigin = (a: Seg, b: Seg): boolean =>
  a.userId === b.userId && a.source === b.source && a.layerId === b.layerId && a.overrideId === b.overrideId && a.replacedUserId === b.replacedUserId;

// ---------------------------------------------------------------------------------------------
// Validation

function overrideLabel(o: Partial<Override> | undefined): string {
  return o && typeof o.id === 'string' && o.id ? `Override "${o.id}"` : 'Override';
}

function badOverride(o: Partial<Override> | undefined, field: string, message: string): never {
  throw invalid('invalid_override', `${overrideLabel(o)}: ${message}`, { field, overrideId: o?.id });
}

/** Throws invalid_override unless the override is well formed (end > start, ids present...). */
export function validateOverride(override: Override): void {
  const o = override;
  if (!o || typeof o !== 'object') badOverride(undefined, 'override', 'must be an object.');
  if (typeof o.id !== 'string' || !o.id) badOverride(o, 'id', 'id must be a non-empty string.');
  if (typeof o.userId !== 'string' || !o.userId) badOverride(o, 'userId', 'userId (who covers) must be a user id.');
  if (!Number.isFinite(o.start)) badOverride(o, 'start', 'start must be an instant in epoch milliseconds.');
  if (!Number.isFinite(o.end)) badOverride(o, 'end', 'end must be an instant in epoch milliseconds.');
  if (o.end <= o.start) badOverride(o, 'end', `end (${o.end}) must be after start (${o.start}).`);
  if (o.replacesUserId !== undefined && o.replacesUserId !== null) {
    if (typeof o.replacesUserId !== 'string' || !o.replacesUserId) badOverride(o, 'replacesUserId', 'replacesUserId must be a user id when present.');
    if (o.replacesUserId === o.userId) badOverride(o, 'replacesUserId', 'a user cannot override their own shifts (replacesUserId equals userId).');
  }
}

/** Throws `invalid(...)` for a bad schedule: zone, duplicate ids, any bad layer or override. */
export function validateSchedule(schedule: Schedule): void {
  if (!schedule || typeof schedule !== 'object') throw invalid('invalid_schedule', 'A schedule must be an object.', { field: 'schedule' });
  if (typeof schedule.id !== 'string' || !schedule.id) throw invalid('invalid_schedule', 'Schedule id must be a non-empty string.', { field: 'id' });
  assertTimeZone(schedule.timeZone, 'timeZone');
  if (!Array.isArray(schedule.layers)) throw invalid('invalid_schedule', 'layers must be a list.', { field: 'layers' });
  if (schedule.layers.length > 100) throw invalid('invalid_schedule', 'A schedule may have at most 100 layers.', { field: 'layers' });
  if (!Array.isArray(schedule.overrides)) throw invalid('invalid_schedule', 'overrides must be a list.', { field: 'overrides' });
  const layerIds = new Set<string>();
  for (const layer of schedule.layers) {
    compileLayer(layer, schedule.timeZone);
    if (layerIds.has(layer.id)) throw invalid('invalid_schedule', `Two layers have the id "${layer.id}".`, { field: 'layers', layerId: layer.id });
    layerIds.add(layer.id);
  }
  const overrideIds = new Set<string>();
  for (const o of schedule.overrides) {
    validateOverride(o);
    if (overrideIds.has(o.id)) throw invalid('invalid_schedule', `Two overrides have the id "${o.id}".`, { field: 'overrides', overrideId: o.id });
    overrideIds.add(o.id);
  }
}

// ---------------------------------------------------------------------------------------------
// Timeline

/** Layers merged by precedence over [from, to): contiguous segments, gaps included. */
function layeredTimeline(layers: readonly CompiledLayer[], from: number, to: number): Seg[] {
  const per: Shift[][] = [];
  for (const c of layers) per.push(compiledLayerShifts(c, from, to));
  let count = 2;
  for (const l of per) count += 2 * l.length;
  const bounds = new Float64Array(count);
  let n = 0;
  bounds[n++] = from;
  bounds[n++] = to;
  for (const l of per) {
    for (const s of l) {
      bounds[n++] = s.start;
      bounds[n++] = s.end;
    }
  }
  bounds.sort();
  const ptr = new Array<number>(per.length).fill(0);
  const out: Seg[] = [];
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const a = bounds[i]!;
    if (a === prev) continue;
    prev = a;
    if (a >= to) break;
    // next distinct boundary
    let j = i + 1;
    while (bounds[j] === a) j++;
    const b = bounds[j]!;
    let winner: Shift | undefined;
    for (let L = per.length - 1; L >= 0; L--) {
      const list = per[L]!;
      let p = ptr[L]!;
      while (p < list.length && list[p]!.end <= a) p++;
      ptr[L] = p;
      const s = list[p];
      if (s && s.start <= a) {
        winner = s;
        break;
      }
    }
    const last = out[out.length - 1];
    if (winner) {
      if (last && last.source === 'rotation' && last.userId === winner.userId && last.layerId === winner.layerId) last.end = b;
      else out.push({ start: a, end: b, userId: winner.userId, source: 'rotation', layerId: winner.layerId });
    } else if (last && last.source === 'gap') last.end = b;
    else out.push({ start: a, end: b, userId: null, source: 'gap' });
  }
  return out;
}

function applyOverride(tl: Seg[], o: Override, from: number, to: number): void {
  const s = Math.max(o.start, from);
  const e = Math.min(o.end, to);
  if (!(e > s)) return;
  const only = o.replacesUserId ?? undefined;
  let lo = 0;
  let hi = tl.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tl[mid]!.end <= s) lo = mid + 1;
    else hi = mid;
  }
  const first = lo;
  let i = lo;
  let changed = false;
  const pieces: Seg[] = [];
  for (; i < tl.length && tl[i]!.start < e; i++) {
    const g = tl[i]!;
    if (only !== undefined && g.userId !== only) {
      pieces.push(g);
      continue;
    }
    changed = true;
    if (g.start < s) pieces.push({ ...g, end: s });
    const piece: Seg = { start: Math.max(g.start, s), end: Math.min(g.end, e), userId: o.userId, source: 'override', overrideId: o.id };
    if (g.userId !== null) piece.replacedUserId = g.userId;
    pieces.push(piece);
    if (g.end > e) pieces.push({ ...g, start: e });
  }
  if (changed) tl.splice(first, i - first, ...pieces);
}

function mergeAdjacent(tl: Seg[]): Seg[] {
  const out: Seg[] = [];
  for (const g of tl) {
    const last = out[out.length - 1];
    if (last && last.end === g.start && sameOrigin(last, g)) last.end = g.end;
    else out.push({ ...g });
  }
  return out;
}

/** The effective timeline over [from, to): contiguous segments covering it exactly. */
function timeline(schedule: Schedule, from: number, to: number): Seg[] {
  assertRange(from, to);
  if (!(to > from)) return [];
  const layers: CompiledLayer[] = [];
  for (const l of schedule.layers) layers.push(compileLayer(l, schedule.timeZone));
  if (layers.length === 0) assertTimeZone(schedule.timeZone, 'timeZone');
  const tl = layeredTimeline(layers, from, to);
  for (const o of schedule.overrides) {
    validateOverride(o);
    if (o.end > from && o.start < to) applyOverride(tl, o, from, to);
  }
  return mergeAdjacent(tl);
}

function toFinalShift(g: Seg): FinalShift {
  const s: FinalShift = { userId: g.userId!, start: g.start, end: g.end, source: g.source === 'override' ? 'override' : 'rotation' };
  if (g.layerId !== undefined) s.layerId = g.layerId;
  if (g.overrideId !== undefined) s.overrideId = g.overrideId;
  if (g.replacedUserId !== undefined) s.replacedUserId = g.replacedUserId;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Who is on call over [from, to): shifts and gaps, both sorted, together covering [from, to) exactly. */
export function finalSchedule(schedule: Schedule, from: number, to: number): FinalSchedule {
  const shifts: FinalShift[] = [];
  const gaps: Gap[] = [];
  for (const g of timeline(schedule, from, to)) {
    if (g.userId === null) gaps.push({ start: g.start, end: g.end });
    else shifts.push(toFinalShift(g));
  }
  return { shifts, gaps };
}

/** User ids on call at `instant` (one, or none over a gap). */
export function onCallAt(schedule: Schedule, instant: number): string[] {
  const tl = timeline(schedule, instant, instant + 1);
  const u = tl[0]?.userId;
  return u ? [u] : [];
}

/** The final-schedule pieces of one user over [from, to). */
export function upcomingShiftsForUser(schedule: Schedule, userId: string, from: number, to: number): FinalShift[] {
  return timeline(schedule, from, to)
    .filter((g) => g.userId === userId)
    .map(toFinalShift);
}

/**
 * Instants `at` with from <= at < to where the set of on-call users changes (rotation hand-offs,
 * override begin/end, gaps starting or ending). Consecutive windows [a, b), [b, c) report every change
 * exactly once.
 */
export function handoffsBetween(schedule: Schedule, from: number, to: number): Handoff[] {
  assertRange(from, to);
  if (!(to > from)) return [];
  const tl = timeline(schedule, from - 1, to);
  const out: Handoff[] = [];
  for (let i = 1; i < tl.length; i++) {
    const a = tl[i - 1]!.userId;
    const b = tl[i]!.userId;
    if (a !== b) out.push({ at: tl[i]!.start, from: a === null ? [] : [a], to: b === null ? [] : [b] });
  }
  return out;
}

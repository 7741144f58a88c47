/**
 * The final (effective) schedule: layers merged by their mode, then overrides applied.
 *
 * - Layers, bottom (index 0) to top: where a layer has coverage, an `override` layer (the default)
 *   replaces whoever the layers below put on call, a `combine` layer adds its person to them. Where a
 *   layer has no coverage (before its start, after its end, outside its restrictions) it changes
 *   nothing. So with every layer combining, everyone on call in any layer is on call (OpsGenie); with
 *   every layer overriding, the highest layer with coverage wins (PagerDuty).
 * - An override with a layerId replaces that layer's person only, where that layer is on call (and, with
 *   replacesUserId, only where that person is), before the layers are merged.
 * - The other overrides apply in array order on top of that, so a later override wins where two
 *   overlap. One with replacesUserId replaces that person where they are on call and leaves the others;
 *   one without takes its whole window, gaps included, and everyone in it.
 * - Each person is on call at most once at any instant; adjacent pieces with the same user and the same
 *   origin (same layer, or same override replacing the same people) merge into one shift.
 */
import { invalid } from '../shared/errors.js';
import { assertTimeZone } from '../shared/validate.js';
import type { FinalSchedule, FinalShift, Gap, Handoff, Override, Schedule } from './model.js';
import { assertRange, compileLayer, compiledLayerShifts, type CompiledLayer } from './rotation.js';

/** One person on call in a segment, and where they come from. */
interface Member {
  userId: string;
  source: 'rotation' | 'override';
  layerId?: string;
  overrideId?: string;
  replacedUserId?: string;
  replacedUserIds?: string[];
}

/** A stretch of time with the same people on call (none over a gap). */
interface Seg {
  start: number;
  end: number;
  members: Member[];
}

/** A piece of one layer's coverage, possibly replaced by a layer-scoped override. */
interface Piece {
  start: number;
  end: number;
  userId: string;
  layerId: string;
  overrideId?: string;
  replacedUserId?: string;
}

const originKey = (m: Member): string =>
  `${m.userId}\u0000${m.source}\u0000${m.layerId ?? ''}\u0000${m.overrideId ?? ''}\u0000${m.replacedUserId ?? ''}\u0000${m.replacedUserIds?.join(',') ?? ''}`;

const sameMembers = (a: Member[], b: Member[]): boolean => a.length === b.length && a.every((m, i) => originKey(m) === originKey(b[i]!));

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
  if (o.layerId !== undefined && o.layerId !== null && (typeof o.layerId !== 'string' || !o.layerId)) badOverride(o, 'layerId', 'layerId must be a layer id when present.');
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
    if (o.layerId && !layerIds.has(o.layerId)) badOverride(o, 'layerId', `no layer "${o.layerId}" in this schedule.`);
    overrideIds.add(o.id);
  }
}

// ---------------------------------------------------------------------------------------------
// Timeline

/** A layer-scoped override applied to that layer's pieces (sorted, never overlapping). */
function applyLayerOverride(pieces: Piece[], o: Override, from: number, to: number): Piece[] {
  const s = Math.max(o.start, from);
  const e = Math.min(o.end, to);
  if (!(e > s)) return pieces;
  const only = o.replacesUserId ?? undefined;
  const out: Piece[] = [];
  for (const p of pieces) {
    if (p.end <= s || p.start >= e || (only !== undefined && p.userId !== only)) {
      out.push(p);
      continue;
    }
    if (p.start < s) out.push({ ...p, end: s });
    out.push({ start: Math.max(p.start, s), end: Math.min(p.end, e), userId: o.userId, layerId: p.layerId, overrideId: o.id, replacedUserId: p.userId });
    if (p.end > e) out.push({ ...p, start: e });
  }
  return out;
}

function memberOf(p: Piece): Member {
  if (p.overrideId === undefined) return { userId: p.userId, source: 'rotation', layerId: p.layerId };
  return { userId: p.userId, source: 'override', layerId: p.layerId, overrideId: p.overrideId, replacedUserId: p.replacedUserId! };
}

/** Layers merged by their modes over [from, to): contiguous segments, gaps included. */
function layeredTimeline(layers: readonly CompiledLayer[], layerOverrides: readonly Override[], from: number, to: number): Seg[] {
  const per: Piece[][] = [];
  for (const c of layers) {
    let pieces: Piece[] = compiledLayerShifts(c, from, to).map((sh) => ({ start: sh.start, end: sh.end, userId: sh.userId, layerId: sh.layerId }));
    for (const o of layerOverrides) if (o.layerId === c.layer.id) pieces = applyLayerOverride(pieces, o, from, to);
    per.push(pieces);
  }
  let count = 2;
  for (const l of per) count += 2 * l.length;
  const bounds = new Float64Array(count);
  let n = 0;
  bounds[n++] = from;
  bounds[n++] = to;
  for (const l of per) {
    for (const p of l) {
      bounds[n++] = p.start;
      bounds[n++] = p.end;
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
    let j = i + 1;
    while (bounds[j] === a) j++;
    const b = bounds[j]!;
    // Top-down: collect until the first overriding layer with coverage (it hides everything below).
    const topDown: Member[] = [];
    const seen = new Set<string>();
    for (let L = per.length - 1; L >= 0; L--) {
      const list = per[L]!;
      let p = ptr[L]!;
      while (p < list.length && list[p]!.end <= a) p++;
      ptr[L] = p;
      const piece = list[p];
      if (!piece || piece.start > a) continue;
      if (!seen.has(piece.userId)) {
        seen.add(piece.userId);
        topDown.push(memberOf(piece));
      }
      if (!layers[L]!.combines) break;
    }
    const members = topDown.reverse();
    const last = out[out.length - 1];
    if (last && sameMembers(last.members, members)) last.end = b;
    else out.push({ start: a, end: b, members });
  }
  return out;
}

function overrideMember(o: Override, replaced: string[]): Member {
  const m: Member = { userId: o.userId, source: 'override', overrideId: o.id };
  if (replaced.length > 0) m.replacedUserId = replaced[0]!;
  if (replaced.length > 1) m.replacedUserIds = replaced;
  return m;
}

/** The members of a segment once a whole-schedule override applies to it (undefined: unchanged). */
function overriddenMembers(members: Member[], o: Override): Member[] | undefined {
  const only = o.replacesUserId ?? undefined;
  if (only === undefined) return [overrideMember(o, members.map((m) => m.userId))];
  if (!members.some((m) => m.userId === only)) return undefined;
  const out: Member[] = [];
  for (const m of members) {
    if (m.userId === only) out.push(overrideMember(o, [only]));
    else if (m.userId !== o.userId) out.push(m);
  }
  return out;
}

function applyOverride(tl: Seg[], o: Override, from: number, to: number): void {
  const s = Math.max(o.start, from);
  const e = Math.min(o.end, to);
  if (!(e > s)) return;
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
    const members = overriddenMembers(g.members, o);
    if (!members) {
      pieces.push(g);
      continue;
    }
    changed = true;
    if (g.start < s) pieces.push({ ...g, end: s });
    pieces.push({ start: Math.max(g.start, s), end: Math.min(g.end, e), members });
    if (g.end > e) pieces.push({ ...g, start: e });
  }
  if (changed) tl.splice(first, i - first, ...pieces);
}

function mergeAdjacent(tl: Seg[]): Seg[] {
  const out: Seg[] = [];
  for (const g of tl) {
    const last = out[out.length - 1];
    if (last && last.end === g.start && sameMembers(last.members, g.members)) last.end = g.end;
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
  const layerOverrides: Override[] = [];
  const scheduleOverrides: Override[] = [];
  for (const o of schedule.overrides) {
    validateOverride(o);
    if (!(o.end > from && o.start < to)) continue;
    // An override of a layer that no longer exists changes nothing.
    if (o.layerId) layerOverrides.push(o);
    else scheduleOverrides.push(o);
  }
  const tl = layeredTimeline(layers, layerOverrides, from, to);
  for (const o of scheduleOverrides) applyOverride(tl, o, from, to);
  return mergeAdjacent(tl);
}

function toFinalShift(m: Member, start: number, end: number): FinalShift {
  const s: FinalShift = { userId: m.userId, start, end, source: m.source };
  if (m.layerId !== undefined) s.layerId = m.layerId;
  if (m.overrideId !== undefined) s.overrideId = m.overrideId;
  if (m.replacedUserId !== undefined) s.replacedUserId = m.replacedUserId;
  if (m.replacedUserIds !== undefined) s.replacedUserIds = [...m.replacedUserIds];
  return s;
}

/** Segments -> shifts (one per person and origin, merged over adjacent segments) and gaps. */
function toFinal(tl: Seg[]): FinalSchedule {
  const shifts: FinalShift[] = [];
  const gaps: Gap[] = [];
  const open = new Map<string, FinalShift>();
  for (const g of tl) {
    if (g.members.length === 0) {
      const last = gaps[gaps.length - 1];
      if (last && last.end === g.start) last.end = g.end;
      else gaps.push({ start: g.start, end: g.end });
      continue;
    }
    for (const m of g.members) {
      const key = originKey(m);
      const cur = open.get(key);
      if (cur && cur.end === g.start) cur.end = g.end;
      else {
        const sh = toFinalShift(m, g.start, g.end);
        shifts.push(sh);
        open.set(key, sh);
      }
    }
  }
  return { shifts, gaps };
}

const usersOf = (g: Seg | undefined): string[] => (g ? g.members.map((m) => m.userId) : []);
const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && a.every((u) => b.includes(u));

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Who is on call over [from, to): shifts (sorted by start; they overlap where several people are on
 * call at once) and gaps (sorted), together covering [from, to).
 */
export function finalSchedule(schedule: Schedule, from: number, to: number): FinalSchedule {
  return toFinal(timeline(schedule, from, to));
}

/** User ids on call at `instant` (none over a gap; several where layers combine). */
export function onCallAt(schedule: Schedule, instant: number): string[] {
  return usersOf(timeline(schedule, instant, instant + 1)[0]);
}

/** The final-schedule pieces of one user over [from, to). */
export function upcomingShiftsForUser(schedule: Schedule, userId: string, from: number, to: number): FinalShift[] {
  return finalSchedule(schedule, from, to).shifts.filter((s) => s.userId === userId);
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
    const a = usersOf(tl[i - 1]);
    const b = usersOf(tl[i]);
    if (!sameSet(a, b)) out.push({ at: tl[i]!.start, from: a, to: b });
  }
  return out;
}

/**
 * Schedules as stored and managed: a team's schedule with rotation layers, overrides, swap requests
 * and calendar feeds. The math lives in rotation.ts / final-schedule.ts; this file holds the use
 * cases and the ports they need.
 */
import { HANDOFF_JOB, RUNNING_SHIFT_JOB, REMINDER_JOB } from '../shared/jobs.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId, newSecret } from '../shared/ids.js';
import { SYSTEM_ACTOR, type Actor, type CoreDeps, type Repos, type TimelineEvent } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { assertInstant, assertSpan, assertTimeZone, MAX_SPAN_MS, requireText, slugify } from '../shared/validate.js';
import { findTeam } from '../teams/teams.js';
import { resolveUserRef } from '../users/users.js';
import { finalSchedule, handoffsBetween, validateOverride, validateSchedule } from './final-schedule.js';
import { layerFirstStart, layerShifts } from './rotation.js';
import { scheduleToICalendar } from './ical.js';
import type { FinalSchedule, FinalShift, Layer, Override, Schedule } from './model.js';
import { actorOf, hashSecret, type Principal } from '../auth/auth.js';
import { requireOverrideRight, requireTeamAdmin, requireTeamMember } from '../auth/permissions.js';
import { audit } from '../audit/audit.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Overrides and swaps are looked up this far around a queried window (an override may be long). */
const MAX_OVERRIDE_MS = 366 * DAY;

export interface ScheduleRecord {
  id: string;
  teamId: string;
  slug: string;
  name: string;
  description: string;
  timeZone: string;
  /** Minutes before a shift starts that the incoming on-call is reminded. 0 disables. */
  reminderMinutes: number;
  layers: Layer[];
  /** Slack user group (e.g. @team-oncall, id S0...) whose members follow the on-call. */
  slackUserGroupId: string | null;
  /** Slack channel id where hand-offs are announced. */
  slackHandoffChannel: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface OverrideRecord extends Override {
  scheduleId: string;
  reason: string;
  swapRequestId: string | null;
  createdBy: string | null;
  createdAt: number;
}

export type SwapStatus = 'open' | 'accepted' | 'cancelled';

export interface SwapRequest {
  id: string;
  scheduleId: string;
  requesterId: string;
  start: number;
  end: number;
  note: string;
  status: SwapStatus;
  takerId: string | null;
  overrideId: string | null;
  createdAt: number;
  resolvedAt: number | null;
}

export interface CalendarFeed {
  id: string;
  kind: 'schedule' | 'user';
  targetId: string;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface SchedulesRepo {
  insert(s: ScheduleRecord): Promise<void>;
  update(s: ScheduleRecord): Promise<void>;
  delete(id: string): Promise<void>;
  findById(id: string): Promise<ScheduleRecord | undefined>;
  findBySlug(slug: string): Promise<ScheduleRecord | undefined>;
  list(options?: { teamId?: string }): Promise<ScheduleRecord[]>;
  insertOverride(o: OverrideRecord): Promise<void>;
  deleteOverride(id: string): Promise<void>;
  findOverride(id: string): Promise<OverrideRecord | undefined>;
  /** Overrides of these schedules that overlap [from, to). */
  listOverrides(scheduleIds: string[], from: number, to: number): Promise<OverrideRecord[]>;
  insertSwap(s: SwapRequest): Promise<void>;
  updateSwap(s: SwapRequest): Promise<void>;
  findSwap(id: string): Promise<SwapRequest | undefined>;
  listSwaps(options: { scheduleId?: string; status?: SwapStatus }): Promise<SwapRequest[]>;
  insertFeed(feed: CalendarFeed, tokenHash: string): Promise<void>;
  findFeedByHash(tokenHash: string): Promise<CalendarFeed | undefined>;
  findFeed(id: string): Promise<CalendarFeed | undefined>;
  listFeeds(createdBy?: string): Promise<CalendarFeed[]>;
  revokeFeed(id: string, at: number): Promise<void>;
  /** The hand-off cursor, locked for this transaction (FOR UPDATE on PostgreSQL). */
  lockHandoffCursor(scheduleId: string): Promise<number | undefined>;
  setHandoffCursor(scheduleId: string, processedUntil: number): Promise<void>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    schedules: SchedulesRepo;
  }
}

// ---------------------------------------------------------------------------------------------
// Input

/**
 * A layer as given. Without startDate the rotation starts now: its hand-off times count from the
 * latest hand-off at or before now, and it takes effect now (startAt), so somebody is on call at
 * once. A layer of the same id or name that exists already keeps its start.
 */
export type LayerInput = Omit<Layer, 'id' | 'startDate'> & { id?: string; startDate?: string };

export interface ScheduleInput {
  name: string;
  slug?: string;
  description?: string;
  teamId: string;
  timeZone: string;
  reminderMinutes?: number;
  layers?: LayerInput[];
  slackUserGroupId?: string | null;
  slackHandoffChannel?: string | null;
}

export interface OverrideInput {
  userId: string;
  start: number;
  end: number;
  replacesUserId?: string | null;
  /** A layer id or name: replace only that layer's person (where that layer is on call). */
  layerId?: string | null;
  reason?: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers

export { resolveUserRef } from '../users/users.js';

export async function findSchedule(r: Repos, idOrSlug: string): Promise<ScheduleRecord> {
  const s = (await r.schedules.findById(idOrSlug)) ?? (await r.schedules.findBySlug(idOrSlug));
  if (!s) throw notFound('schedule', idOrSlug);
  return s;
}

function checkSlug(slug: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw invalid('invalid_slug', `slug "${slug}" must be lowercase letters, digits and dashes.`, { field: 'slug' });
  return slug;
}

function checkSlackId(v: string | null | undefined, field: string, pattern: RegExp): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (!pattern.test(v)) throw invalid('invalid_slack_id', `${field}: "${v}" is not a Slack id of the right kind.`, { field });
  return v;
}

function checkReminder(m: number | undefined): number {
  if (m === undefined) return 60;
  if (!Number.isInteger(m) || m < 0 || m > 7 * 24 * 60) throw invalid('invalid_field', 'reminderMinutes must be a whole number of minutes from 0 to 10080.', { field: 'reminderMinutes' });
  return m;
}

/** The latest local date whose first shift (by this layer's hand-off rules) starts at or before now. */
function startDateForNow(l: Omit<Layer, 'startDate'>, timeZone: string, now: number): string {
  for (let back = 0; back <= 8; back++) {
    const date = new Date(now - back * DAY).toLocaleDateString('en-CA', { timeZone });
    const first = layerFirstStart({ ...l, startDate: date, startAt: null }, timeZone);
    if (first !== undefined && first <= now) return date;
  }
  return new Date(now - 8 * DAY).toLocaleDateString('en-CA', { timeZone });
}

async function normalizeLayers(r: Repos, layers: LayerInput[], timeZone: string, now: number, existing: Layer[] = []): Promise<Layer[]> {
  const out: Layer[] = [];
  for (const [i, l] of layers.entries()) {
    const participants = await Promise.all((l.participants ?? []).map((p, j) => resolveUserRef(r, p, `layers[${i}].participants[${j}]`)));
    const id = l.id ?? newId(now);
    const name = l.name ?? `Layer ${i + 1}`;
    let { startDate, startAt } = l;
    const same = existing.find((e) => (l.id !== undefined && e.id === l.id) || e.name === name);
    // Given the same start date (an export applied again, an edit form), the layer keeps its startAt.
    if (startAt === undefined && same && startDate === same.startDate) startAt = same.startAt ?? null;
    if (startDate === undefined || startDate === '') {
      if (same) {
        startDate = same.startDate;
        if (startAt === undefined) startAt = same.startAt ?? null;
      } else {
        startDate = startDateForNow({ ...l, id, name, participants }, timeZone, now);
        if (startAt === undefined) startAt = now;
      }
    }
    const { mode, ...rest } = l;
    // 'override' is the default: stored layers carry a mode only when they combine.
    out.push({ ...rest, ...(mode !== undefined && mode !== null && mode !== 'override' ? { mode } : {}), id, name, participants, startDate, ...(startAt !== undefined && startAt !== null ? { startAt } : {}) });
  }
  // Validate as a whole (zone, each layer, unique ids).
  validateSchedule({ id: 'validation', timeZone, layers: out, overrides: [] });
  return out;
}

/** The schedule as the math sees it, with the overrides overlapping [from, to). */
export async function loadSchedule(r: Repos, s: ScheduleRecord, from: number, to: number): Promise<Schedule> {
  const overrides = await r.schedules.listOverrides([s.id], from, to);
  return toMathSchedule(s, overrides);
}

export function toMathSchedule(s: ScheduleRecord, overrides: OverrideRecord[]): Schedule {
  return {
    id: s.id,
    timeZone: s.timeZone,
    layers: s.layers,
    overrides: [...overrides]
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      .map((o) => ({ id: o.id, userId: o.userId, start: o.start, end: o.end, replacesUserId: o.replacesUserId ?? null, layerId: o.layerId ?? null })),
  };
}

export async function finalScheduleOf(r: Repos, s: ScheduleRecord, from: number, to: number): Promise<FinalSchedule> {
  return finalSchedule(await loadSchedule(r, s, from - MAX_OVERRIDE_MS, to), from, to);
}

/** After any change to a schedule: make sure its next hand-off is queued. */
export async function planHandoffs(r: Repos, s: ScheduleRecord, now: number): Promise<void> {
  if ((await r.schedules.lockHandoffCursor(s.id)) === undefined) await r.schedules.setHandoffCursor(s.id, now);
  const next = await nextHandoffAt(r, s, now);
  if (next !== undefined) {
    await r.jobs.enqueue({ kind: HANDOFF_JOB, payload: { scheduleId: s.id }, runAt: next, dedupeKey: `handoff:${s.id}:${next}` });
  }
  await planReminders(r, s, now);
}

export { HANDOFF_JOB } from '../shared/jobs.js';
/** After a schedule is created or changed: the running shift gets its user group and report at once. */
export { RUNNING_SHIFT_JOB } from '../shared/jobs.js';

async function queueRunningShiftSync(r: Repos, scheduleId: string, now: number): Promise<void> {
  // Every change is its own: two changes in one millisecond both sync.
  const changeId = newId(now);
  await r.jobs.enqueue({ kind: RUNNING_SHIFT_JOB, payload: { scheduleId, changeId }, runAt: now, dedupeKey: `running-shift:${scheduleId}:${changeId}` });
}

/**
 * The shift running now, made known as if its hand-off had just been processed: `shift.started` for
 * each person on call (keyed like the hand-off's own event, so a shift is started once, and the
 * report draft is made for it) and `schedule.changed` (the Slack user group follows). No hand-off
 * announcement: nobody handed anything off.
 */
export async function syncRunningShift(
  r: Repos,
  scheduleId: string,
  changeId: string,
  now: number,
  publish: (r: Repos, type: string, payload: Record<string, unknown>, key: string) => Promise<void>,
): Promise<Array<{ userId: string; since: number }>> {
  const s = await r.schedules.findById(scheduleId);
  if (!s) return [];
  const { shifts } = await finalScheduleOf(r, s, now - 45 * DAY, now + 1);
  const onCall: Array<{ userId: string; since: number }> = [];
  for (const c of shifts.filter((sh) => sh.start <= now && sh.end > now)) {
    if (onCall.some((o) => o.userId === c.userId)) continue;
    let since = c.start;
    for (let prev = shifts.find((sh) => sh.userId === c.userId && sh.end === since); prev; prev = shifts.find((sh) => sh.userId === c.userId && sh.end === since)) since = prev.start;
    onCall.push({ userId: c.userId, since });
  }
  const to = onCall.map((o) => o.userId);
  for (const o of onCall) {
    await publish(r, 'shift.started', { scheduleId: s.id, scheduleName: s.name, at: o.since, from: [], to, userId: o.userId, reason: 'schedule_changed' }, `${s.id}:${o.since}:${o.userId}`);
  }
  await publish(r, 'schedule.changed', { scheduleId: s.id, scheduleName: s.name, onCall }, `${s.id}:${changeId}`);
  return onCall;
}
export { REMINDER_JOB } from '../shared/jobs.js';
/** How far ahead hand-offs are looked for; the reconciler re-plans before that runs out. */
const LOOKAHEAD_MS = 35 * DAY;

export async function nextHandoffAt(r: Repos, s: ScheduleRecord, now: number): Promise<number | undefined> {
  const schedule = await loadSchedule(r, s, now - MAX_OVERRIDE_MS, now + LOOKAHEAD_MS);
  const h = handoffsBetween(schedule, now + 1, now + LOOKAHEAD_MS).find((x) => x.at > now);
  return h?.at;
}

async function planReminders(r: Repos, s: ScheduleRecord, now: number): Promise<void> {
  if (s.reminderMinutes <= 0) return;
  const lead = s.reminderMinutes * 60_000;
  const final = await finalScheduleOf(r, s, now, now + lead + 2 * DAY);
  for (const shift of final.shifts) {
    if (shift.start <= now) continue;
    const runAt = Math.max(now, shift.start - lead);
    await r.jobs.enqueue({
      kind: REMINDER_JOB,
      payload: { scheduleId: s.id, userId: shift.userId, start: shift.start, end: shift.end },
      runAt,
      dedupeKey: `reminder:${s.id}:${shift.userId}:${shift.start}`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Use cases: schedules

/** The signed-in principal a use case acts for. */
function principalIn(ctx: Ctx): Principal {
  if (!ctx.principal) throw forbidden('Sign in to change schedules.');
  return ctx.principal;
}

export async function createSchedule(deps: CoreDeps, ctx: Ctx, input: ScheduleInput): Promise<ScheduleRecord> {
  const who = principalIn(ctx);
  const now = ctx.now;
  assertTimeZone(input.timeZone);
  return deps.uow.run(async (r) => insertSchedule(r, who, input, now));
}

export async function insertSchedule(r: Repos, who: Principal, input: ScheduleInput, now: number): Promise<ScheduleRecord> {
  const actor = actorOf(who);
  assertTimeZone(input.timeZone);
  const name = requireText(input.name, 'name');
  const slug = checkSlug(input.slug ?? slugify(name));
  const team = await findTeam(r, input.teamId);
  if (!team) throw invalid('unknown_team', `teamId: no team "${input.teamId}".`, { field: 'teamId' });
  await requireTeamAdmin(r, who, team.id, 'create a schedule for this team');
  if (await r.schedules.findBySlug(slug)) throw conflict('schedule_exists', `A schedule with slug "${slug}" exists already.`, { field: 'slug' });
  const record: ScheduleRecord = {
    id: newId(now),
    teamId: team.id,
    slug,
    name,
    description: input.description ?? '',
    timeZone: input.timeZone,
    reminderMinutes: checkReminder(input.reminderMinutes),
    layers: await normalizeLayers(r, input.layers ?? [], input.timeZone, now),
    slackUserGroupId: checkSlackId(input.slackUserGroupId, 'slackUserGroupId', /^S[A-Z0-9]{2,20}$/),
    slackHandoffChannel: checkSlackId(input.slackHandoffChannel, 'slackHandoffChannel', /^[CG][A-Z0-9]{2,20}$/),
    createdAt: now,
    updatedAt: now,
  };
  await r.schedules.insert(record);
  await r.events.append({ entityType: 'schedule', entityId: record.id, type: 'schedule.created', actor, data: { name, slug, teamId: team.id } });
  await audit(r, actor, { action: 'schedule.created', entityType: 'schedule', entityId: record.id, teamId: team.id, before: null, after: record });
  await planHandoffs(r, record, now);
  await queueRunningShiftSync(r, record.id, now);
  return record;
}

export async function saveSchedule(r: Repos, who: Principal, current: ScheduleRecord, patch: Partial<ScheduleInput>, now: number): Promise<{ schedule: ScheduleRecord; changed: string[] }> {
  const actor = actorOf(who);
  await requireTeamAdmin(r, who, current.teamId, 'change this schedule');
  const timeZone = patch.timeZone ?? current.timeZone;
  assertTimeZone(timeZone);
  let teamId = current.teamId;
  if (patch.teamId !== undefined) {
    const team = await findTeam(r, patch.teamId);
    if (!team) throw invalid('unknown_team', `teamId: no team "${patch.teamId}".`, { field: 'teamId' });
    teamId = team.id;
    if (teamId !== current.teamId) await requireTeamAdmin(r, who, teamId, 'give a schedule to this team');
  }
  const next: ScheduleRecord = {
    ...current,
    teamId,
    name: patch.name !== undefined ? requireText(patch.name, 'name') : current.name,
    slug: patch.slug !== undefined ? checkSlug(patch.slug) : current.slug,
    description: patch.description ?? current.description,
    timeZone,
    reminderMinutes: patch.reminderMinutes !== undefined ? checkReminder(patch.reminderMinutes) : current.reminderMinutes,
    layers: patch.layers !== undefined ? await normalizeLayers(r, patch.layers, timeZone, now, current.layers) : current.layers,
    slackUserGroupId: patch.slackUserGroupId !== undefined ? checkSlackId(patch.slackUserGroupId, 'slackUserGroupId', /^S[A-Z0-9]{2,20}$/) : current.slackUserGroupId,
    slackHandoffChannel: patch.slackHandoffChannel !== undefined ? checkSlackId(patch.slackHandoffChannel, 'slackHandoffChannel', /^[CG][A-Z0-9]{2,20}$/) : current.slackHandoffChannel,
    updatedAt: now,
  };
  if (patch.layers === undefined && patch.timeZone !== undefined) validateSchedule({ id: next.id, timeZone, layers: next.layers, overrides: [] });
  if (next.slug !== current.slug && (await r.schedules.findBySlug(next.slug))) throw conflict('schedule_exists', `A schedule with slug "${next.slug}" exists already.`, { field: 'slug' });
  const changed = (['teamId', 'name', 'slug', 'description', 'timeZone', 'reminderMinutes', 'slackUserGroupId', 'slackHandoffChannel'] as const).filter((k) => current[k] !== next[k]) as string[];
  if (JSON.stringify(stripIds(current.layers)) !== JSON.stringify(stripIds(next.layers))) changed.push('layers');
  if (changed.length === 0) return { schedule: current, changed };
  await r.schedules.update(next);
  await r.events.append({ entityType: 'schedule', entityId: next.id, type: 'schedule.updated', actor, data: { changed } });
  await audit(r, actor, { action: 'schedule.updated', entityType: 'schedule', entityId: next.id, teamId: next.teamId, before: current, after: next });
  await planHandoffs(r, next, now);
  await queueRunningShiftSync(r, next.id, now);
  return { schedule: next, changed };
}

/** Layers compared without generated ids (config apply gives none). */
function stripIds(layers: Layer[]): unknown[] {
  return layers.map((l) => ({ ...l, id: undefined }));
}

/** Updates the schedule `ref` (layers are replaced as a whole). */
export async function updateSchedule(deps: CoreDeps, ctx: Ctx, input: { ref: string; patch: Partial<ScheduleInput> }): Promise<ScheduleRecord> {
  const who = principalIn(ctx);
  return deps.uow.run(async (r) => (await saveSchedule(r, who, await findSchedule(r, input.ref), input.patch, ctx.now)).schedule);
}

export async function deleteSchedule(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<void> {
  const who = principalIn(ctx);
  const actor = actorOf(who);
  await deps.uow.run(async (r) => {
    const s = await findSchedule(r, input.ref);
    await requireTeamAdmin(r, who, s.teamId, 'delete this schedule');
    await r.schedules.delete(s.id);
    await r.jobs.cancelPending(`handoff:${s.id}:`);
    await r.jobs.cancelPending(`reminder:${s.id}:`);
    await r.events.append({ entityType: 'schedule', entityId: s.id, type: 'schedule.deleted', actor, data: { name: s.name } });
    await audit(r, actor, { action: 'schedule.deleted', entityType: 'schedule', entityId: s.id, teamId: s.teamId, before: s, after: null });
  });
}

// ---------------------------------------------------------------------------------------------
// Use cases: overrides

export async function insertOverride(r: Repos, who: Principal, s: ScheduleRecord, input: OverrideInput, now: number, swapRequestId: string | null = null): Promise<OverrideRecord> {
  const actor = actorOf(who);
  const userId = await resolveUserRef(r, input.userId, 'userId');
  const replacesUserId = input.replacesUserId ? await resolveUserRef(r, input.replacesUserId, 'replacesUserId') : null;
  await requireOverrideRight(r, who, s.teamId, { userId, replacesUserId }, 'add an override');
  let layerId: string | null = null;
  if (input.layerId) {
    const layer = s.layers.find((l) => l.id === input.layerId) ?? s.layers.find((l) => l.name === input.layerId);
    if (!layer) throw invalid('unknown_layer', `layerId: schedule ${s.name} has no layer "${input.layerId}" (give a layer id or name).`, { field: 'layerId' });
    layerId = layer.id;
  }
  const o: OverrideRecord = {
    id: newId(now),
    scheduleId: s.id,
    userId,
    replacesUserId,
    layerId,
    start: input.start,
    end: input.end,
    reason: input.reason ?? '',
    swapRequestId,
    createdBy: actor.id,
    createdAt: now,
  };
  assertInstant(o.start, 'start');
  assertInstant(o.end, 'end');
  validateOverride(o);
  if (o.end - o.start > MAX_OVERRIDE_MS) throw invalid('invalid_override', 'An override may last at most 366 days.', { field: 'end' });
  if (o.end <= now) throw invalid('invalid_override', 'The override ends in the past; only current and future overrides can be added.', { field: 'end' });
  await r.schedules.insertOverride(o);
  await r.events.append({
    entityType: 'schedule',
    entityId: s.id,
    type: 'override.created',
    actor,
    data: { overrideId: o.id, userId, replacesUserId, layerId, start: o.start, end: o.end, reason: o.reason, swapRequestId },
  });
  await audit(r, actor, { action: 'override.created', entityType: 'override', entityId: o.id, teamId: s.teamId, before: null, after: o });
  await planHandoffs(r, s, now);
  if (o.start <= now) await queueRunningShiftSync(r, s.id, now);
  return o;
}

/** Adds an override to the schedule `schedule`. */
export async function addOverride(deps: CoreDeps, ctx: Ctx, input: { schedule: string; override: OverrideInput }): Promise<OverrideRecord> {
  const who = principalIn(ctx);
  return deps.uow.run(async (r) => insertOverride(r, who, await findSchedule(r, input.schedule), input.override, ctx.now));
}

export async function removeOverride(deps: CoreDeps, ctx: Ctx, input: { schedule: string; overrideId: string }): Promise<void> {
  const who = principalIn(ctx);
  const { overrideId } = input;
  const actor = actorOf(who);
  await deps.uow.run(async (r) => {
    const s = await findSchedule(r, input.schedule);
    const o = await r.schedules.findOverride(overrideId);
    if (!o || o.scheduleId !== s.id) throw notFound('override', overrideId);
    await requireOverrideRight(r, who, s.teamId, o, 'remove an override');
    await r.schedules.deleteOverride(o.id);
    await r.events.append({ entityType: 'schedule', entityId: s.id, type: 'override.deleted', actor, data: { overrideId, userId: o.userId, start: o.start, end: o.end } });
    await audit(r, actor, { action: 'override.deleted', entityType: 'override', entityId: o.id, teamId: s.teamId, before: o, after: null });
    await planHandoffs(r, s, deps.clock.now());
    if (o.start <= deps.clock.now() && o.end > deps.clock.now()) await queueRunningShiftSync(r, s.id, deps.clock.now());
  });
}

// ---------------------------------------------------------------------------------------------
// Use cases: swap requests

/** Offers one of the principal's shifts (or part of it) on the schedule `schedule` to others. */
export async function requestSwap(deps: CoreDeps, ctx: Ctx, input: { schedule: string; start: number; end: number; note?: string }): Promise<SwapRequest> {
  const principal = principalIn(ctx);
  const scheduleRef = input.schedule;
  const now = ctx.now;
  if (!(input.end > input.start)) throw invalid('invalid_swap', 'end must be after start.', { field: 'end' });
  assertSpan(input.start, input.end, MAX_SPAN_MS.swap, 'A swap request');
  if (input.end <= now) throw invalid('invalid_swap', 'Only current or future shifts can be swapped.', { field: 'end' });
  return deps.uow.run(async (r) => {
    const s = await findSchedule(r, scheduleRef);
    const final = await finalScheduleOf(r, s, input.start, input.end);
    const covered = coveredBy(final.shifts, principal.user.id, input.start, input.end);
    if (!covered) {
      throw invalid('not_your_shift', `You (${principal.user.email}) are not on call for all of that time on ${s.name}; you can only give away your own shifts.`, {
        field: 'start',
      });
    }
    const swap: SwapRequest = {
      id: newId(now),
      scheduleId: s.id,
      requesterId: principal.user.id,
      start: input.start,
      end: input.end,
      note: input.note ?? '',
      status: 'open',
      takerId: null,
      overrideId: null,
      createdAt: now,
      resolvedAt: null,
    };
    await r.schedules.insertSwap(swap);
    await r.events.append({ entityType: 'schedule', entityId: s.id, type: 'swap.requested', actor: { type: 'user', id: principal.user.id }, data: { swapId: swap.id, start: swap.start, end: swap.end, note: swap.note } });
    await deps.publish(r, 'swap.requested', { swapId: swap.id, scheduleId: s.id, scheduleName: s.name, teamId: s.teamId, requesterId: swap.requesterId, start: swap.start, end: swap.end, note: swap.note }, swap.id);
    return swap;
  });
}


function coveredBy(shifts: FinalShift[], userId: string, start: number, end: number): boolean {
  let cursor = start;
  for (const sh of [...shifts].sort((a, b) => a.start - b.start)) {
    if (sh.userId !== userId || sh.end <= cursor || sh.start > cursor) continue;
    cursor = sh.end;
    if (cursor >= end) return true;
  }
  return cursor >= end;
}

export async function acceptSwap(deps: CoreDeps, ctx: Ctx, input: { swapId: string }): Promise<{ swap: SwapRequest; override: OverrideRecord }> {
  const principal = principalIn(ctx);
  const { swapId } = input;
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    const swap = await r.schedules.findSwap(swapId);
    if (!swap) throw notFound('swap_request', swapId);
    if (swap.status !== 'open') throw conflict('swap_not_open', `This swap request is ${swap.status}.`);
    if (swap.requesterId === principal.user.id) throw invalid('invalid_swap', 'You cannot take your own shift.');
    if (swap.end <= now) throw conflict('swap_expired', 'This shift is over.');
    const s = await findSchedule(r, swap.scheduleId);
    await requireTeamMember(r, principal, s.teamId, 'take a shift on this schedule');
    const actor: Actor = { type: 'user', id: principal.user.id };
    const override = await insertOverride(r, principal, s, { userId: principal.user.id, replacesUserId: swap.requesterId, start: Math.max(swap.start, now), end: swap.end, reason: `swap ${swap.id}` }, now, swap.id);
    const done: SwapRequest = { ...swap, status: 'accepted', takerId: principal.user.id, overrideId: override.id, resolvedAt: now };
    await r.schedules.updateSwap(done);
    await r.events.append({ entityType: 'schedule', entityId: s.id, type: 'swap.accepted', actor, data: { swapId, takerId: principal.user.id, overrideId: override.id } });
    await deps.publish(r, 'swap.accepted', { swapId, scheduleId: s.id, scheduleName: s.name, requesterId: swap.requesterId, takerId: principal.user.id, start: swap.start, end: swap.end }, swapId);
    return { swap: done, override };
  });
}

export async function cancelSwap(deps: CoreDeps, ctx: Ctx, input: { swapId: string }): Promise<SwapRequest> {
  const principal = principalIn(ctx);
  const { swapId } = input;
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    const swap = await r.schedules.findSwap(swapId);
    if (!swap) throw notFound('swap_request', swapId);
    if (swap.requesterId !== principal.user.id && principal.user.role !== 'admin') throw forbidden('Only the requester or an admin can cancel a swap request.');
    if (swap.status !== 'open') throw conflict('swap_not_open', `This swap request is ${swap.status}.`);
    const done: SwapRequest = { ...swap, status: 'cancelled', resolvedAt: now };
    await r.schedules.updateSwap(done);
    await r.events.append({ entityType: 'schedule', entityId: swap.scheduleId, type: 'swap.cancelled', actor: { type: 'user', id: principal.user.id }, data: { swapId } });
    return done;
  });
}

// ---------------------------------------------------------------------------------------------
// Use cases: calendar feeds

/** A secret iCalendar feed of a schedule, or of a user's shifts (`userId` may be `me`). */
export async function createFeed(deps: CoreDeps, ctx: Ctx, given: { scheduleId?: string; userId?: string }): Promise<{ feed: CalendarFeed; secret: string }> {
  const principal = principalIn(ctx);
  const userId = given.userId === 'me' ? principal.user.id : given.userId;
  const input = { ...(given.scheduleId ? { scheduleId: given.scheduleId } : {}), ...(userId ? { userId } : {}) };
  const now = ctx.now;
  if ((input.scheduleId === undefined) === (input.userId === undefined)) throw invalid('invalid_feed', 'Give exactly one of scheduleId or userId.');
  return deps.uow.run(async (r) => {
    let kind: CalendarFeed['kind'];
    let targetId: string;
    if (input.scheduleId !== undefined) {
      kind = 'schedule';
      targetId = (await findSchedule(r, input.scheduleId)).id;
    } else {
      kind = 'user';
      targetId = await resolveUserRef(r, input.userId!, 'userId');
      if (targetId !== principal.user.id && principal.user.role !== 'admin') throw forbidden('You can create a calendar feed of your own shifts only.');
    }
    const secret = newSecret('vgc_', 24);
    const feed: CalendarFeed = { id: newId(now), kind, targetId, createdBy: principal.user.id, createdAt: now, revokedAt: null };
    await r.schedules.insertFeed(feed, hashSecret(secret));
    await r.events.append({ entityType: 'user', entityId: principal.user.id, type: 'calendar_feed.created', actor: { type: 'user', id: principal.user.id }, data: { feedId: feed.id, kind, targetId } });
    return { feed, secret };
  });
}

export async function revokeFeed(deps: CoreDeps, ctx: Ctx, input: { feedId: string }): Promise<CalendarFeed> {
  const principal = principalIn(ctx);
  const { feedId } = input;
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    const feed = await r.schedules.findFeed(feedId);
    if (!feed || (feed.createdBy !== principal.user.id && principal.user.role !== 'admin')) throw notFound('calendar_feed', feedId);
    if (feed.revokedAt === null) await r.schedules.revokeFeed(feed.id, now);
    return { ...feed, revokedAt: feed.revokedAt ?? now };
  });
}

// ---------------------------------------------------------------------------------------------
// Queries

export interface OnCallNow {
  schedule: { id: string; slug: string; name: string; teamId: string; timeZone: string };
  /** Everyone on call now (several where layers combine), with the layer (and override) each comes from. */
  onCall: Array<{ userId: string; until: number; source: FinalShift['source']; layerId: string | null; layerName: string | null; overrideId: string | null }>;
  next: Array<{ userId: string; start: number; end: number }>;
  /** True when nobody is on call right now. */
  gap: boolean;
}

/** Who is on call now (and next) for these schedules. */
export async function whoIsOnCall(r: Repos, schedules: ScheduleRecord[], now: number): Promise<OnCallNow[]> {
  if (schedules.length === 0) return [];
  const overrides = await r.schedules.listOverrides(
    schedules.map((s) => s.id),
    now - MAX_OVERRIDE_MS,
    now + 30 * DAY,
  );
  const bySchedule = new Map<string, OverrideRecord[]>();
  for (const o of overrides) {
    const list = bySchedule.get(o.scheduleId) ?? [];
    list.push(o);
    bySchedule.set(o.scheduleId, list);
  }
  return schedules.map((s) => {
    const math = toMathSchedule(s, bySchedule.get(s.id) ?? []);
    const { shifts } = finalSchedule(math, now, now + 30 * DAY);
    const current = shifts.filter((sh) => sh.start <= now && sh.end > now);
    const currentIds = new Set(current.map((c) => c.userId));
    const upcoming = shifts.filter((sh) => sh.start > now && !currentIds.has(sh.userId));
    const firstStart = upcoming[0]?.start;
    return {
      schedule: { id: s.id, slug: s.slug, name: s.name, teamId: s.teamId, timeZone: s.timeZone },
      onCall: current.map((c) => ({
        userId: c.userId,
        until: extendUntil(shifts, c),
        source: c.source,
        layerId: c.layerId ?? null,
        layerName: s.layers.find((l) => l.id === c.layerId)?.name ?? null,
        overrideId: c.overrideId ?? null,
      })),
      next: upcoming.filter((u) => u.start === firstStart).map((u) => ({ userId: u.userId, start: u.start, end: u.end })),
      gap: current.length === 0,
    };
  });
}

/** A user's shift may continue in the next piece (e.g. an override ends and their rotation resumes). */
function extendUntil(shifts: FinalShift[], piece: FinalShift): number {
  let until = piece.end;
  for (const sh of shifts) if (sh.userId === piece.userId && sh.start === until) until = sh.end;
  return until;
}

/** Process the hand-offs of one schedule up to `now`, exactly once. */
export async function processHandoffs(r: Repos, scheduleId: string, now: number, publish: (r: Repos, type: string, payload: Record<string, unknown>, key: string) => Promise<void>): Promise<number> {
  const s = await r.schedules.findById(scheduleId);
  if (!s) return 0;
  const cursor = await r.schedules.lockHandoffCursor(s.id);
  if (cursor === undefined) {
    await r.schedules.setHandoffCursor(s.id, now);
    await planHandoffs(r, s, now);
    return 0;
  }
  if (cursor >= now) return 0;
  const schedule = await loadSchedule(r, s, cursor - MAX_OVERRIDE_MS, now + 1);
  const handoffs = handoffsBetween(schedule, cursor, now + 1).filter((h) => h.at > cursor && h.at <= now);
  for (const h of handoffs) {
    const ended = h.from.filter((u) => !h.to.includes(u));
    const started = h.to.filter((u) => !h.from.includes(u));
    const data = { scheduleId: s.id, scheduleName: s.name, at: h.at, from: h.from, to: h.to };
    for (const userId of ended) {
      await r.events.append({ entityType: 'schedule', entityId: s.id, type: 'shift.ended', actor: SYSTEM_ACTOR, data: { ...data, userId }, at: h.at });
      await publish(r, 'shift.ended', { ...data, userId }, `${s.id}:${h.at}:${userId}`);
    }
    for (const userId of started) {
      await r.events.append({ entityType: 'schedule', entityId: s.id, type: 'shift.started', actor: SYSTEM_ACTOR, data: { ...data, userId }, at: h.at });
      await publish(r, 'shift.started', { ...data, userId }, `${s.id}:${h.at}:${userId}`);
    }
    await publish(r, 'schedule.handoff', data, `${s.id}:${h.at}`);
  }
  await r.schedules.setHandoffCursor(s.id, now);
  await planHandoffs(r, s, now);
  return handoffs.length;
}

/** The reminder job: tells the incoming on-call their shift starts soon, if it still does. */
export async function remindShift(deps: CoreDeps, _ctx: Ctx, payload: { scheduleId: string; userId: string; start: number; end: number }): Promise<void> {
  await deps.uow.run(async (r) => {
    const s = await r.schedules.findById(payload.scheduleId);
    if (!s) return;
    const final = await finalScheduleOf(r, s, payload.start, payload.start + 1);
    if (!final.shifts.some((sh) => sh.userId === payload.userId && sh.start <= payload.start && sh.end > payload.start)) return;
    const data = { scheduleId: s.id, scheduleName: s.name, start: payload.start, end: payload.end, userId: payload.userId };
    await r.events.append({ entityType: 'user', entityId: payload.userId, type: 'shift.reminder', actor: SYSTEM_ACTOR, data });
    await deps.publish(r, 'shift.reminder', data, `${s.id}:${payload.userId}:${payload.start}`);
  });
}

/** The reconciler: catch up on missed hand-offs and keep every schedule's next hand-off queued. */
export async function reconcileSchedules(deps: CoreDeps, _ctx: Ctx): Promise<void> {
  const ids = await deps.uow.run(async (r) => (await r.schedules.list()).map((s) => s.id));
  for (const id of ids) await deps.uow.run((r) => processHandoffs(r, id, deps.clock.now(), deps.publish));
}

/** The hand-off job: processes the hand-offs of one schedule up to now, exactly once. */
export async function processScheduleHandoffs(deps: CoreDeps, ctx: Ctx, input: { scheduleId: string }): Promise<void> {
  await deps.uow.run((r) => processHandoffs(r, input.scheduleId, ctx.now, deps.publish));
}

/** After a schedule changed: its running shift is made known at once (see {@link syncRunningShift}). */
export async function publishRunningShift(deps: CoreDeps, ctx: Ctx, input: { scheduleId: string; changeId: string }): Promise<void> {
  await deps.uow.run((r) => syncRunningShift(r, input.scheduleId, input.changeId, ctx.now, deps.publish));
}

// ---------------------------------------------------------------------------------------------
// Queries: the shapes the routes answer.

export interface UserRef {
  id: string;
  name: string;
  email: string;
}

async function userMap(r: Repos): Promise<Map<string, UserRef>> {
  return new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, { id: u.id, name: u.name, email: u.email }]));
}

/** Who is on call, with the name and email of each person. */
export function withUsers(list: OnCallNow[], users: Map<string, UserRef>) {
  return list.map((o) => ({
    ...o,
    onCall: o.onCall.map((c) => ({ ...c, user: users.get(c.userId) })),
    next: o.next.map((n) => ({ ...n, user: users.get(n.userId) })),
  }));
}

async function teamIdOf(r: Repos, ref: string): Promise<string> {
  const team = await findTeam(r, ref);
  if (!team) throw invalid('unknown_team', `team: no team "${ref}".`, { field: 'team' });
  return team.id;
}

/** Schedules, optionally of one team (id or slug). */
export async function listSchedules(deps: CoreDeps, _ctx: Ctx, input: { team?: string }): Promise<{ data: ScheduleRecord[] }> {
  return deps.uow.run(async (r) => {
    const teamId = input.team ? await teamIdOf(r, input.team) : undefined;
    return { data: await r.schedules.list(teamId ? { teamId } : {}) };
  });
}

/** A schedule by id or slug. */
export async function getSchedule(deps: CoreDeps, _ctx: Ctx, input: { ref: string }): Promise<ScheduleRecord> {
  return deps.uow.run((r) => findSchedule(r, input.ref));
}

/** The final schedule in [from, to), each layer's shifts, the overrides and the gaps, with people's names. */
export async function scheduleShifts(deps: CoreDeps, _ctx: Ctx, input: { ref: string; from: number; to: number }) {
  const { from, to } = input;
  return deps.uow.run(async (r) => {
    const s = await findSchedule(r, input.ref);
    const users = await userMap(r);
    const final = await finalScheduleOf(r, s, from, to);
    const overrides = await r.schedules.listOverrides([s.id], from, to);
    return {
      schedule: s,
      from,
      to,
      final: final.shifts.map((sh) => ({ ...sh, user: users.get(sh.userId) })),
      gaps: final.gaps,
      layers: s.layers.map((l) => ({ id: l.id, name: l.name, shifts: layerShifts(l, s.timeZone, from, to).map((sh) => ({ ...sh, user: users.get(sh.userId) })) })),
      overrides,
    };
  });
}

/** Who is on call for a schedule at `at`, and who is next. */
export async function scheduleOnCall(deps: CoreDeps, _ctx: Ctx, input: { ref: string; at: number }) {
  return deps.uow.run(async (r) => {
    const s = await findSchedule(r, input.ref);
    return withUsers(await whoIsOnCall(r, [s], input.at), await userMap(r))[0]!;
  });
}

/** Who is on call now for every schedule (optionally one team's). */
export async function onCallNow(deps: CoreDeps, ctx: Ctx, input: { team?: string }) {
  return deps.uow.run(async (r) => {
    const schedules = input.team ? await r.schedules.list({ teamId: await teamIdOf(r, input.team) }) : await r.schedules.list();
    return { data: withUsers(await whoIsOnCall(r, schedules, ctx.now), await userMap(r)) };
  });
}

/** A schedule's timeline: changes, overrides, swaps, hand-offs. */
export async function scheduleTimeline(deps: CoreDeps, _ctx: Ctx, input: { ref: string }): Promise<{ data: TimelineEvent[] }> {
  return deps.uow.run(async (r) => {
    const s = await findSchedule(r, input.ref);
    return { data: await r.events.list('schedule', s.id, { limit: 1000 }) };
  });
}

/** A schedule's overrides overlapping [from, to). */
export async function listOverrides(deps: CoreDeps, _ctx: Ctx, input: { ref: string; from: number; to: number }): Promise<{ data: OverrideRecord[] }> {
  return deps.uow.run(async (r) => ({ data: await r.schedules.listOverrides([(await findSchedule(r, input.ref)).id], input.from, input.to) }));
}

/** Swap requests in a status (default: open), optionally of one schedule. */
export async function listSwaps(deps: CoreDeps, _ctx: Ctx, input: { status?: SwapStatus; schedule?: string }): Promise<{ data: SwapRequest[] }> {
  return deps.uow.run(async (r) => {
    const scheduleId = input.schedule ? (await findSchedule(r, input.schedule)).id : undefined;
    return { data: await r.schedules.listSwaps({ status: input.status ?? 'open', ...(scheduleId ? { scheduleId } : {}) }) };
  });
}

export type UserShift = { userId: string; start: number; end: number; source: 'rotation' | 'override'; scheduleId: string; scheduleName: string };

async function shiftsOf(r: Repos, userId: string, from: number, to: number): Promise<UserShift[]> {
  const out: Array<Record<string, unknown> & { start: number }> = [];
  const users = await userMap(r);
  for (const s of await r.schedules.list()) {
    const final = await finalScheduleOf(r, s, from, to);
    for (const sh of final.shifts) if (sh.userId === userId) out.push({ ...sh, user: users.get(sh.userId), scheduleId: s.id, scheduleName: s.name });
  }
  return out.sort((a, b) => a.start - b.start) as UserShift[];
}

/** A user's shifts (`me`, an id or an email) across all schedules in [from, to). */
export async function userShifts(deps: CoreDeps, ctx: Ctx, input: { user: string; from: number; to: number }): Promise<{ data: UserShift[] }> {
  const me = ctx.principal?.user.id ?? ctx.user?.id;
  return deps.uow.run(async (r) => {
    const userId = input.user === 'me' && me ? me : await resolveUserRef(r, input.user, 'id');
    return { data: await shiftsOf(r, userId, input.from, input.to) };
  });
}

/** The signed-in person's calendar feeds. */
export async function listFeeds(deps: CoreDeps, ctx: Ctx): Promise<{ data: CalendarFeed[] }> {
  const p = principalIn(ctx);
  return deps.uow.run(async (r) => ({ data: await r.schedules.listFeeds(p.user.id) }));
}

/**
 * The iCalendar text of the feed at a secret URL: 7 days back to 90 days ahead, from a stable
 * window start (UTC midnight) so event UIDs stay the same between fetches. Undefined when the feed
 * does not exist or was revoked.
 */
export async function calendarFeed(deps: CoreDeps, ctx: Ctx, input: { secret: string }): Promise<string | undefined> {
  const now = ctx.now;
  const from = Math.floor((now - 7 * DAY) / DAY) * DAY;
  const to = from + 98 * DAY;
  return deps.uow.run(async (r) => {
    const feed = await r.schedules.findFeedByHash(hashSecret(input.secret));
    if (!feed || feed.revokedAt !== null) return undefined;
    const users = await userMap(r);
    const userNames = Object.fromEntries([...users.values()].map((u) => [u.id, u.name]));
    if (feed.kind === 'schedule') {
      const s = await r.schedules.findById(feed.targetId);
      if (!s) return undefined;
      const final = await finalScheduleOf(r, s, from, to);
      return scheduleToICalendar({ name: `On call: ${s.name}`, shifts: final.shifts, now, calendarId: `schedule-${s.id}`, userNames });
    }
    const shifts = await shiftsOf(r, feed.targetId, from, to);
    const name = users.get(feed.targetId)?.name ?? 'me';
    return scheduleToICalendar({ name: `On-call shifts of ${name}`, shifts, now, calendarId: `user-${feed.targetId}`, userNames });
  });
}

// ---------------------------------------------------------------------------------------------
// Reads by id or name (the drop-in OpsGenie read API), with the names a view shows.

/** A schedule by id (or slug), or by name (exact, then slug, then case-insensitive name). */
async function findScheduleBy(r: Repos, ref: string, type: 'id' | 'name'): Promise<ScheduleRecord | undefined> {
  if (type === 'id') return (await r.schedules.findById(ref)) ?? (await r.schedules.findBySlug(ref));
  const all = await r.schedules.list();
  return all.find((x) => x.name === ref) ?? all.find((x) => x.slug === ref) ?? all.find((x) => x.name.toLowerCase() === ref.toLowerCase());
}

/** A schedule with its team's id and name (absent when the team is gone). */
export interface ScheduleWithTeam {
  schedule: ScheduleRecord;
  team?: { id: string; name: string };
}

async function withTeam(r: Repos, schedule: ScheduleRecord): Promise<ScheduleWithTeam> {
  const team = await r.teams.findById(schedule.teamId);
  return { schedule, ...(team ? { team: { id: team.id, name: team.name } } : {}) };
}

/** Who is on call for one schedule at `at`: each person once, with their id and email. */
async function onCallUsers(r: Repos, s: ScheduleRecord, at: number): Promise<Array<{ id: string; email: string }>> {
  const [now] = await whoIsOnCall(r, [s], at);
  const users = await Promise.all((now?.onCall ?? []).map((o) => r.users.findById(o.userId)));
  const seen = new Set<string>();
  return users.flatMap((u) => (u && !seen.has(u.id) && seen.add(u.id) ? [{ id: u.id, email: u.email }] : []));
}

/** Every schedule, with its team. */
export async function schedulesWithTeams(deps: CoreDeps, _ctx: Ctx, _input: Record<string, never> = {}): Promise<ScheduleWithTeam[]> {
  return deps.uow.run(async (r) => Promise.all((await r.schedules.list()).map((s) => withTeam(r, s))));
}

/** A schedule by id or name, with its team; undefined when none. */
export async function scheduleWithTeam(deps: CoreDeps, _ctx: Ctx, input: { ref: string; type: 'id' | 'name' }): Promise<ScheduleWithTeam | undefined> {
  return deps.uow.run(async (r) => {
    const s = await findScheduleBy(r, input.ref, input.type);
    return s ? withTeam(r, s) : undefined;
  });
}

/** Who is on call at `at` for every schedule. */
export async function onCallUsersBySchedule(deps: CoreDeps, _ctx: Ctx, input: { at: number }): Promise<Array<{ schedule: ScheduleRecord; onCall: Array<{ id: string; email: string }> }>> {
  return deps.uow.run(async (r) => Promise.all((await r.schedules.list()).map(async (schedule) => ({ schedule, onCall: await onCallUsers(r, schedule, input.at) }))));
}

/** Who is on call at `at` for a schedule by id or name; undefined when there is no such schedule. */
export async function scheduleOnCallUsers(deps: CoreDeps, _ctx: Ctx, input: { ref: string; type: 'id' | 'name'; at: number }): Promise<{ schedule: ScheduleRecord; onCall: Array<{ id: string; email: string }> } | undefined> {
  return deps.uow.run(async (r) => {
    const schedule = await findScheduleBy(r, input.ref, input.type);
    return schedule ? { schedule, onCall: await onCallUsers(r, schedule, input.at) } : undefined;
  });
}

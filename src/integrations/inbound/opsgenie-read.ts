/**
 * The read side of the OpsGenie API (wire-contracts §1.3, §1.8, §1.9, §1.10): Vigil objects -> the
 * OpsGenie shapes scripts, Slack bots, the SDKs and the Terraform provider read. Pure.
 */
import { OpsGenieValidationError, UNPROCESSABLE_MESSAGE } from './opsgenie.js';
import { parseInstant } from './generic.js';

const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);
const iso = (ms: number): string => new Date(ms).toISOString();

/** `identifierType` / `scheduleIdentifierType` of the configuration APIs: `id` (default) or `name`. */
export function parseNameOrId(raw: unknown, field = 'identifierType'): 'id' | 'name' {
  const v = first(raw);
  if (v === undefined || v === null || v === '') return 'id';
  const t = String(v).trim().toLowerCase();
  if (t !== 'id' && t !== 'name') throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, { [field]: 'should be one of [ id, name ]' });
  return t;
}

export interface ReadPaging {
  offset: number;
  limit: number;
  order: 'asc' | 'desc';
}

/** `offset`, `limit` (1..100, default 20), `order` (asc|desc, default desc) of the notes and logs lists. */
export function parseReadPaging(query: Record<string, unknown>): ReadPaging {
  const errors: Record<string, string> = {};
  const int = (key: string, dflt: number, min: number, max: number): number => {
    const v = first(query[key]);
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      errors[key] = `should be a whole number from ${min} to ${max}`;
      return dflt;
    }
    return n;
  };
  const offset = int('offset', 0, 0, 1_000_000);
  const limit = int('limit', 20, 1, 100);
  const rawOrder = first(query.order);
  const order = rawOrder === undefined || rawOrder === '' ? 'desc' : String(rawOrder).toLowerCase();
  if (order !== 'asc' && order !== 'desc') errors.order = 'should be one of [ asc, desc ]';
  if (Object.keys(errors).length > 0) throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, errors);
  return { offset, limit, order: order as 'asc' | 'desc' };
}

/** `date` of the on-call API: an ISO-8601 instant, default now. */
export function parseOnCallDate(raw: unknown, now: number): number {
  const v = first(raw);
  if (v === undefined || v === null || v === '') return now;
  const ms = typeof v === 'string' ? parseInstant(v) : undefined;
  if (ms === undefined) throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, { date: 'should be an ISO-8601 date-time' });
  return ms;
}

/** `flat=true|false` (default false). */
export function parseFlat(raw: unknown): boolean {
  const v = first(raw);
  if (v === undefined || v === null || v === '') return false;
  const t = String(v).toLowerCase();
  if (t !== 'true' && t !== 'false') throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, { flat: 'should be true or false' });
  return t === 'true';
}

/** One entry of an alert's timeline, as Vigil stores it. */
export interface TimelineEntry {
  id: string;
  type: string;
  at: number;
  data: Record<string, unknown>;
  /** Who did it: a user's email, an integration's name, or "System". */
  owner: string;
}

const NOTE_TYPES = new Set(['alert.note', 'alert.acknowledged', 'alert.closed', 'alert.unacknowledged']);

/** The notes of an alert: notes added on their own or with an action (OpsGenie lists both). */
export function notesOf(entries: TimelineEntry[]): Array<{ note: string; owner: string; createdAt: string; offset: string }> {
  return entries
    .filter((e) => NOTE_TYPES.has(e.type) && typeof e.data.note === 'string' && e.data.note !== '')
    .map((e) => ({ note: e.data.note as string, owner: typeof e.data.user === 'string' ? e.data.user : e.owner, createdAt: iso(e.at), offset: e.id }));
}

const LOG_TYPES: Record<string, string> = {
  'alert.created': 'system',
  'alert.deduplicated': 'system',
  'alert.acknowledged': 'alertAction',
  'alert.closed': 'alertAction',
  'alert.note': 'alertAction',
  'alert.snoozed': 'alertAction',
  'alert.assigned': 'alertAction',
  'alert.escalated': 'system',
};

/** The log of an alert: every timeline entry, in OpsGenie's `{log, type, owner, createdAt, offset}`. */
export function logsOf(entries: TimelineEntry[]): Array<{ log: string; type: string; owner: string; createdAt: string; offset: string }> {
  return entries.map((e) => {
    const what = e.type.replace(/^alert\./, '').replace(/_/g, ' ');
    const note = typeof e.data.note === 'string' && e.data.note !== '' ? `: ${e.data.note}` : '';
    return { log: `${what.charAt(0).toUpperCase()}${what.slice(1)}${note}`, type: LOG_TYPES[e.type] ?? 'system', owner: e.owner, createdAt: iso(e.at), offset: e.id };
  });
}

/** Pages the list by `offset` (an entry id, as OpsGenie's offsets are opaque) or position. */
export function pageOf<T extends { offset: string }>(items: T[], paging: ReadPaging): T[] {
  const ordered = paging.order === 'asc' ? items : [...items].reverse();
  return ordered.slice(paging.offset, paging.offset + paging.limit);
}

export interface UserRef {
  id: string;
  email: string;
}

export function recipientsOf(pages: Array<{ user: UserRef; status: string; createdAt: number; acknowledgedAt: number | null; acknowledgedVia: string | null }>) {
  return pages.map((p) => ({
    user: { id: p.user.id, username: p.user.email },
    state: p.status === 'acknowledged' ? 'action' : p.status === 'open' ? 'notified' : p.status,
    method: p.status === 'acknowledged' ? 'Acknowledge' : (p.acknowledgedVia ?? 'Notify'),
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.acknowledgedAt ?? p.createdAt),
  }));
}

export interface ScheduleView {
  id: string;
  name: string;
  description: string;
  timeZone: string;
  team?: { id: string; name: string };
  layers: Array<{ id: string; name: string }>;
}

export function formatSchedule(s: ScheduleView, expandRotations: boolean) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    timezone: s.timeZone,
    enabled: true,
    ...(s.team ? { ownerTeam: { id: s.team.id, name: s.team.name } } : {}),
    rotations: expandRotations ? s.layers.map((l) => ({ id: l.id, name: l.name })) : [],
  };
}

/** `GET /v2/schedules/{id}/on-calls` (`flat=false`: participants; `flat=true`: usernames). */
export function formatOnCalls(s: { id: string; name: string }, onCall: UserRef[], flat: boolean) {
  const parent = { id: s.id, name: s.name, enabled: true };
  if (flat) return { _parent: parent, onCallRecipients: onCall.map((u) => u.email) };
  return { _parent: parent, onCallParticipants: onCall.map((u) => ({ id: u.id, name: u.email, type: 'user' })) };
}

export function formatTeam(t: { id: string; name: string; description: string }, members: Array<UserRef & { lead: boolean }>) {
  return { id: t.id, name: t.name, description: t.description, members: members.map((m) => ({ user: { id: m.id, username: m.email }, role: m.lead ? 'admin' : 'user' })) };
}

export function formatHeartbeat(h: { name: string; intervalSeconds: number; enabled: boolean; state: string; lastPingAt: number | null; priority: string }, serviceName: string) {
  const minutes = h.intervalSeconds / 60;
  const unit = Number.isInteger(minutes / 1440) ? { interval: minutes / 1440, intervalUnit: 'days' } : Number.isInteger(minutes / 60) ? { interval: minutes / 60, intervalUnit: 'hours' } : { interval: Math.max(1, Math.round(minutes)), intervalUnit: 'minutes' };
  return {
    name: h.name,
    description: `Heartbeat of ${serviceName}`,
    ...unit,
    enabled: h.enabled,
    expired: h.state === 'expired',
    ...(h.lastPingAt !== null ? { lastPingTime: iso(h.lastPingAt) } : {}),
    alertPriority: h.priority,
  };
}

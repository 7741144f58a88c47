/**
 * A fake OpsGenie REST API: a real HTTP server on 127.0.0.1 serving the configuration objects the
 * importer reads (wire-contracts.md 1.8-1.10) and the who-is-on-call API, for a seeded account.
 *
 *   GET /v2/users?limit&offset             {data, paging{next,first,last}, totalCount}   (pages of `pageSize`)
 *   GET /v2/users/{id|username}?expand=contact        data + userContacts
 *   GET /v2/users/{id}/notification-rules   data[] (no steps)  ; GET .../notification-rules/{ruleId}  data with steps
 *   GET /v2/teams ; GET /v2/teams/{id|name}           members only in the single-team answer
 *   GET /v2/schedules?expand=rotation ; GET /v2/schedules/{id}
 *   GET /v2/schedules/{id}/overrides
 *   GET /v2/schedules/{id}/on-calls?date&flat&scheduleIdentifierType=id|name
 *   GET /v2/schedules/{id}/timeline?date&interval&intervalUnit=days|weeks|months   finalTimeline.rotations[].periods[]
 *   GET /v2/escalations ; GET /v2/integrations ; GET /v2/integrations/{id} (apiKey for API-based types)
 *   GET /v2/heartbeats ; GET /v2/maintenance?type=non-expired ; GET /v2/maintenance/{id}
 *
 * Auth: `Authorization: GenieKey <apiKey>`, else 401 `{message,took,requestId}`. `failNext` injects
 * 429 (with Retry-After) or 5xx answers.
 *
 * Who is on call is computed here from the schedule definition, independently of Vigil's rotation
 * code (luxon calendar arithmetic instead of Vigil's offset tables), with OpsGenie's semantics:
 * a rotation's shift k starts at startDate + k x length (hourly: absolute hours; daily/weekly: the same
 * wall-clock time in the schedule's zone), its time restriction masks it, the participants of every
 * rotation on call at that moment are on call together, an override of the whole schedule replaces
 * everyone for its window (gaps included), an override of some rotations replaces their participant
 * where those rotations are on call.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import type { OgRecipient, OgRotation, OgSchedule, OgTimeRestriction, OpsGenieAccount } from '../../src/migrate/opsgenie/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// Who is on call (independent computation)

const WEEKDAY: Record<string, number> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 };

/** Is `t` inside the rotation's time restriction (wall clock in `zone`)? */
export function ogRestrictionAllows(tr: OgTimeRestriction | undefined, zone: string, t: number): boolean {
  if (!tr) return true;
  const local = DateTime.fromMillis(t, { zone });
  const m = local.hour * 60 + local.minute + local.second / 60;
  if (tr.type === 'time-of-day') {
    const r = tr.restriction;
    const s = r.startHour * 60 + r.startMin;
    const e = (r.endHour * 60 + r.endMin) % 1440;
    if (s === e) return true;
    return s < e ? m >= s && m < e : m >= s || m < e;
  }
  const mw = (local.weekday - 1) * 1440 + m;
  return tr.restrictions.some((r) => {
    const sw = (WEEKDAY[r.startDay]! - 1) * 1440 + r.startHour * 60 + r.startMin;
    const ew = ((WEEKDAY[r.endDay]! - 1) * 1440 + r.endHour * 60 + r.endMin) % (7 * 1440);
    if (sw === ew) return true;
    return sw < ew ? mw >= sw && mw < ew : mw >= sw || mw < ew;
  });
}

/** The participant of a rotation on call at `t`, or undefined (before start, after end, restricted). */
export function ogRotationAt(rot: OgRotation, zone: string, t: number): OgRecipient | undefined {
  const start = Date.parse(rot.startDate);
  if (t < start) return undefined;
  if (rot.endDate && t >= Date.parse(rot.endDate)) return undefined;
  if (!ogRestrictionAllows(rot.timeRestriction, zone, t)) return undefined;
  const len = rot.length ?? 1;
  let k: number;
  if (rot.type === 'hourly') k = Math.floor((t - start) / (len * HOUR));
  else {
    const days = len * (rot.type === 'weekly' ? 7 : 1);
    const first = DateTime.fromMillis(start, { zone });
    const startOf = (i: number) => first.plus({ days: i * days }).toMillis();
    k = Math.floor((t - start) / (days * DAY));
    while (k > 0 && startOf(k) > t) k--;
    while (startOf(k + 1) <= t) k++;
  }
  const n = rot.participants.length;
  return n ? rot.participants[k % n] : undefined;
}

const nameOf = (r: OgRecipient): string => r.username ?? r.name ?? r.id ?? '?';

/** Usernames (or team/escalation names) on call for a schedule at `t`. */
export function ogOnCallAt(schedule: OgSchedule, t: number): string[] {
  const zone = schedule.timezone;
  const base = new Map<string, OgRecipient>();
  for (const rot of schedule.rotations ?? []) {
    const p = ogRotationAt(rot, zone, t);
    if (p && p.type !== 'none') base.set(rot.id, p);
  }
  let whole: OgRecipient | undefined;
  for (const o of schedule.overrides ?? []) {
    if (!(Date.parse(o.startDate) <= t && t < Date.parse(o.endDate))) continue;
    if (!o.rotations || o.rotations.length === 0) whole = o.user;
    else for (const r of o.rotations) if (base.has(r.id)) base.set(r.id, o.user);
  }
  if (whole) return [nameOf(whole)];
  return [...new Set([...base.values()].map(nameOf))];
}

/** A rotation's participant at `t` once rotation-scoped overrides apply (as OpsGenie's timeline shows it). */
function ogRotationWithOverrides(schedule: OgSchedule, rot: OgRotation, t: number): OgRecipient | undefined {
  let p = ogRotationAt(rot, schedule.timezone, t);
  if (!p || p.type === 'none') return undefined;
  for (const o of schedule.overrides ?? []) {
    if (!(Date.parse(o.startDate) <= t && t < Date.parse(o.endDate))) continue;
    if (o.rotations?.some((r) => r.id === rot.id)) p = o.user;
  }
  return p;
}

/** Instants in [from, to) where a rotation may change hands: shift starts, restriction edges, overrides. */
function rotationEdges(schedule: OgSchedule, rot: OgRotation, from: number, to: number): number[] {
  const zone = schedule.timezone;
  const out = [from, Date.parse(rot.startDate), ...(rot.endDate ? [Date.parse(rot.endDate)] : [])];
  const start = Date.parse(rot.startDate);
  const len = rot.length ?? 1;
  if (rot.type === 'hourly') {
    for (let k = Math.max(0, Math.floor((from - start) / (len * HOUR))); start + k * len * HOUR < to; k++) out.push(start + k * len * HOUR);
  } else {
    const days = len * (rot.type === 'weekly' ? 7 : 1);
    const first = DateTime.fromMillis(start, { zone });
    for (let k = Math.max(0, Math.floor((from - start) / (days * DAY)) - 1); ; k++) {
      const t = first.plus({ days: k * days }).toMillis();
      if (t >= to) break;
      out.push(t);
    }
  }
  const tr = rot.timeRestriction;
  if (tr) {
    for (let d = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 }); d.toMillis() < to; d = d.plus({ days: 1 })) {
      const at = (h: number, m: number) => d.set({ hour: h % 24, minute: m }).plus({ days: h >= 24 ? 1 : 0 }).toMillis();
      if (tr.type === 'time-of-day') out.push(at(tr.restriction.startHour, tr.restriction.startMin), at(tr.restriction.endHour, tr.restriction.endMin));
      else
        for (const r of tr.restrictions) {
          if (WEEKDAY[r.startDay] === d.weekday) out.push(at(r.startHour, r.startMin));
          if (WEEKDAY[r.endDay] === d.weekday) out.push(at(r.endHour, r.endMin));
        }
    }
  }
  for (const o of schedule.overrides ?? []) out.push(Date.parse(o.startDate), Date.parse(o.endDate));
  return [...new Set(out.filter((t) => t >= from && t < to))].sort((a, b) => a - b);
}

/**
 * The schedule's timeline as `GET /v2/schedules/{id}/timeline` answers it: per rotation, the periods
 * of each participant (rotation-scoped overrides applied, type "override"), plus the whole-schedule
 * overrides as their own rotation-like row.
 */
export function ogTimeline(schedule: OgSchedule, from: number, to: number) {
  const rotations = (schedule.rotations ?? []).map((rot) => {
    const periods: Array<{ startDate: string; endDate: string; type: string; recipient: OgRecipient }> = [];
    const edges = [...rotationEdges(schedule, rot, from, to), to];
    let cur: { start: number; who: OgRecipient; type: string } | undefined;
    const close = (end: number) => {
      if (cur) periods.push({ startDate: new Date(cur.start).toISOString(), endDate: new Date(end).toISOString(), type: cur.type, recipient: cur.who });
      cur = undefined;
    };
    for (let i = 0; i + 1 < edges.length; i++) {
      const t = edges[i]!;
      const who = ogRotationWithOverrides(schedule, rot, t);
      const base = ogRotationAt(rot, schedule.timezone, t);
      const type = who && base && who !== base ? 'override' : 'historical';
      if (cur && who && nameOf(cur.who) === nameOf(who) && cur.type === type) continue;
      close(t);
      if (who) cur = { start: t, who, type };
    }
    close(to);
    return { id: rot.id, name: rot.name, order: 1, periods };
  });
  const whole = (schedule.overrides ?? [])
    .filter((o) => !o.rotations || o.rotations.length === 0)
    .filter((o) => Date.parse(o.endDate) > from && Date.parse(o.startDate) < to)
    .map((o) => ({ startDate: new Date(Math.max(from, Date.parse(o.startDate))).toISOString(), endDate: new Date(Math.min(to, Date.parse(o.endDate))).toISOString(), type: 'override', recipient: o.user }));
  return { startDate: new Date(from).toISOString(), endDate: new Date(to).toISOString(), finalTimeline: { rotations: [...rotations, ...(whole.length ? [{ id: 'overrides', name: 'Overrides', order: 0, periods: whole }] : [])] } };
}

// ---------------------------------------------------------------------------------------------
// The seeded account: Acme, three teams in Berlin, Rome and New York

const user = (id: string, username: string): OgRecipient => ({ type: 'user', id, username });
const weekdays = (startHour: number, endHour: number) =>
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((d) => ({ startDay: d, startHour, startMin: 0, endDay: d, endHour, endMin: 0 }));

/** The next instant after `now` where `zone` changes its UTC offset (luxon, hour by hour). */
export function nextDstChange(zone: string, now: number): number {
  const o0 = DateTime.fromMillis(now, { zone }).offset;
  let t = Math.floor(now / HOUR) * HOUR;
  while (DateTime.fromMillis(t, { zone }).offset === o0) t += HOUR;
  return t;
}

export function seedOpsGenieAccount(now: number): OpsGenieAccount {
  const hour = Math.floor(now / HOUR) * HOUR;
  // Europe/Berlin's next clock change: the SRE schedule has overrides around it.
  const dst = nextDstChange('Europe/Berlin', now);
  const at = (ms: number) => new Date(ms).toISOString();
  const U = {
    ada: user('u-ada', 'ada@acme.example'),
    bob: user('u-bob', 'bob@acme.example'),
    erin: user('u-erin', 'erin@acme.example'),
    carla: user('u-carla', 'carla@acme.example'),
    dan: user('u-dan', 'dan@acme.example'),
    frank: user('u-frank', 'frank@acme.example'),
    gina: user('u-gina', 'gina@acme.example'),
  };
  return {
    users: [
      {
        id: 'u-ada',
        username: 'ada@acme.example',
        fullName: 'Ada Lovelace',
        role: { id: 'r-admin', name: 'Admin' },
        timeZone: 'Europe/Berlin',
        userContacts: [
          { id: 'c-ada-1', contactMethod: 'email', to: 'ada@acme.example', enabled: true },
          { id: 'c-ada-2', contactMethod: 'sms', to: '49-15112345678', enabled: true },
          { id: 'c-ada-3', contactMethod: 'mobile', to: "Ada's phone", enabled: true },
        ],
        notificationRules: [
          {
            id: 'nr-ada-1',
            name: 'New alert',
            actionType: 'create-alert',
            order: 1,
            enabled: true,
            criteria: { type: 'match-all' },
            steps: [
              { id: 'st-1', contact: { method: 'email', to: 'ada@acme.example' }, sendAfter: { timeAmount: 0, timeUnit: 'minutes' }, enabled: true },
              { id: 'st-2', contact: { method: 'sms', to: '49-15112345678' }, sendAfter: { timeAmount: 5, timeUnit: 'minutes' }, enabled: true },
            ],
          },
          { id: 'nr-ada-2', name: 'On-call starts', actionType: 'schedule-start', order: 2, enabled: true, notificationTime: ['just-before'], steps: [] },
        ],
      },
      {
        id: 'u-bob',
        username: 'bob@acme.example',
        fullName: 'Bob Builder',
        role: { name: 'User' },
        timeZone: 'Europe/Berlin',
        userContacts: [
          { contactMethod: 'email', to: 'bob@acme.example', enabled: true },
          { contactMethod: 'voice', to: '49-3012345678', enabled: true },
        ],
        notificationRules: [
          {
            id: 'nr-bob-1',
            name: 'P1 only',
            actionType: 'create-alert',
            enabled: true,
            criteria: { type: 'match-any-condition', conditions: [{ field: 'priority', operation: 'equals', expectedValue: 'P1' }] },
            steps: [{ contact: { method: 'voice', to: '49-3012345678' }, sendAfter: { timeAmount: 0 }, enabled: true }],
          },
        ],
      },
      {
        id: 'u-erin',
        username: 'erin@acme.example',
        fullName: 'Erin Hale',
        role: { name: 'User' },
        timeZone: 'Europe/Berlin',
        userContacts: [{ contactMethod: 'email', to: 'erin@acme.example', enabled: true }],
        notificationRules: [
          {
            id: 'nr-erin-1',
            name: 'New alert',
            actionType: 'create-alert',
            enabled: true,
            criteria: { type: 'match-all' },
            steps: [{ contact: { method: 'email', to: 'erin@acme.example' }, sendAfter: { timeAmount: 0 } }],
          },
          {
            id: 'nr-erin-2',
            name: 'Acked',
            actionType: 'acknowledged-alert',
            enabled: true,
            steps: [{ contact: { method: 'email', to: 'erin@acme.example' } }],
          },
        ],
      },
      {
        id: 'u-carla',
        username: 'carla@acme.example',
        fullName: 'Carla Diaz',
        role: { name: 'Admin' },
        timeZone: 'America/New_York',
        userContacts: [
          { contactMethod: 'email', to: 'carla@acme.example', enabled: true },
          { contactMethod: 'sms', to: '1-2125550123', enabled: true },
        ],
        notificationRules: [],
      },
      {
        id: 'u-dan',
        username: 'dan@acme.example',
        fullName: 'Dan Brown',
        role: { name: 'User' },
        timeZone: 'America/New_York',
        userContacts: [{ contactMethod: 'email', to: 'dan@acme.example', enabled: true }],
        notificationRules: [],
      },
      {
        id: 'u-frank',
        username: 'frank@acme.example',
        fullName: 'Frank Li',
        role: { name: 'Stakeholder' },
        timeZone: 'America/New_York',
        userContacts: [],
        notificationRules: [],
      },
      {
        id: 'u-gina',
        username: 'gina@acme.example',
        fullName: 'Gina Rossi',
        role: { name: 'Owner' },
        timeZone: 'Europe/Rome',
        userContacts: [{ contactMethod: 'email', to: 'gina@acme.example', enabled: true }],
        notificationRules: [],
      },
    ],
    teams: [
      {
        id: 't-platform',
        name: 'Platform',
        description: 'Runs the platform',
        members: [
          { user: { id: 'u-ada', username: 'ada@acme.example' }, role: 'admin' },
          { user: { id: 'u-bob', username: 'bob@acme.example' }, role: 'user' },
          { user: { id: 'u-erin', username: 'erin@acme.example' }, role: 'user' },
        ],
      },
      {
        id: 't-payments',
        name: 'Payments',
        description: 'Checkout and billing',
        members: [
          { user: { id: 'u-carla', username: 'carla@acme.example' }, role: 'admin' },
          { user: { id: 'u-dan', username: 'dan@acme.example' }, role: 'user' },
          { user: { id: 'u-frank', username: 'frank@acme.example' }, role: 'user' },
        ],
      },
      {
        id: 't-data',
        name: 'Data',
        members: [
          { user: { id: 'u-gina', username: 'gina@acme.example' }, role: 'admin' },
          { user: { id: 'u-ada', username: 'ada@acme.example' }, role: 'user' },
        ],
      },
    ],
    schedules: [
      {
        id: 's-platform',
        name: 'Platform On-Call',
        description: 'Business hours in Berlin, after hours and weekends',
        timezone: 'Europe/Berlin',
        enabled: true,
        ownerTeam: { id: 't-platform', name: 'Platform' },
        rotations: [
          {
            id: 'r-biz',
            name: 'Business hours',
            startDate: '2025-01-06T08:00:00Z', // Monday 09:00 in Berlin
            type: 'weekly',
            length: 1,
            participants: [U.ada, U.bob, U.erin],
            timeRestriction: { type: 'weekday-and-time-of-day', restrictions: weekdays(9, 17) },
          },
          {
            id: 'r-after',
            name: 'After hours',
            startDate: '2025-01-06T16:00:00Z', // Monday 17:00 in Berlin
            type: 'daily',
            length: 1,
            participants: [U.bob, U.erin, U.ada],
            timeRestriction: {
              type: 'weekday-and-time-of-day',
              restrictions: [
                { startDay: 'monday', startHour: 17, startMin: 0, endDay: 'tuesday', endHour: 9, endMin: 0 },
                { startDay: 'tuesday', startHour: 17, startMin: 0, endDay: 'wednesday', endHour: 9, endMin: 0 },
                { startDay: 'wednesday', startHour: 17, startMin: 0, endDay: 'thursday', endHour: 9, endMin: 0 },
                { startDay: 'thursday', startHour: 17, startMin: 0, endDay: 'friday', endHour: 9, endMin: 0 },
                { startDay: 'friday', startHour: 17, startMin: 0, endDay: 'monday', endHour: 9, endMin: 0 },
              ],
            },
          },
        ],
        overrides: [
          { alias: 'erin-covers', user: U.erin, startDate: at(hour + 50 * HOUR), endDate: at(hour + 70 * HOUR), rotations: [] },
          {
            alias: 'gina-business-hours',
            user: U.gina,
            startDate: at(hour + 4 * DAY),
            endDate: at(hour + 6 * DAY),
            rotations: [{ id: 'r-biz', name: 'Business hours' }],
          },
          { alias: 'old-swap', user: U.bob, startDate: at(hour - 3 * DAY), endDate: at(hour - 2 * DAY), rotations: [] },
        ],
      },
      {
        id: 's-payments',
        name: 'Payments Primary',
        timezone: 'America/New_York',
        enabled: true,
        ownerTeam: { id: 't-payments', name: 'Payments' },
        rotations: [
          {
            id: 'r-pay-day',
            name: 'Daytime',
            startDate: '2025-01-06T15:00:00Z', // Monday 10:00 in New York
            type: 'weekly',
            length: 1,
            participants: [U.carla, U.dan],
            timeRestriction: { type: 'time-of-day', restriction: { startHour: 6, startMin: 0, endHour: 22, endMin: 0 } },
          },
          {
            id: 'r-pay-night',
            name: 'Nights',
            startDate: '2025-01-07T03:00:00Z', // Monday 22:00 in New York
            type: 'daily',
            length: 2,
            participants: [U.dan, U.carla, U.frank],
            timeRestriction: { type: 'time-of-day', restriction: { startHour: 22, startMin: 0, endHour: 6, endMin: 0 } },
          },
        ],
        overrides: [{ alias: 'dan-covers', user: U.dan, startDate: at(hour + 6 * DAY), endDate: at(hour + 6 * DAY + 8 * HOUR), rotations: [] }],
      },
      {
        id: 's-data',
        name: 'Data Pipelines',
        timezone: 'Europe/Rome',
        enabled: true,
        ownerTeam: { id: 't-data', name: 'Data' },
        rotations: [
          {
            id: 'r-data',
            name: 'Twelve hours',
            startDate: '2025-01-06T06:00:00Z',
            type: 'hourly',
            length: 12,
            participants: [U.gina, U.ada],
            timeRestriction: { type: 'time-of-day', restriction: { startHour: 7, startMin: 0, endHour: 23, endMin: 0 } },
          },
        ],
        overrides: [],
      },
      {
        // Two rotations on call at once (a 24/7 daily rotation and weekday office hours), overrides of
        // one rotation only, and overrides across the next clock change in Berlin.
        id: 's-sre',
        name: 'SRE',
        timezone: 'Europe/Berlin',
        enabled: true,
        ownerTeam: { id: 't-data', name: 'Data' },
        rotations: [
          {
            id: 'r-sre-247',
            name: '24/7',
            startDate: '2025-01-06T00:00:00Z', // 01:00 in Berlin, every day
            type: 'daily',
            length: 1,
            participants: [U.erin, U.ada, U.bob],
          },
          {
            id: 'r-sre-office',
            name: 'Office hours',
            startDate: '2025-01-06T08:00:00Z', // Monday 09:00 in Berlin
            type: 'weekly',
            length: 1,
            participants: [U.gina, U.dan],
            timeRestriction: { type: 'weekday-and-time-of-day', restrictions: weekdays(9, 17) },
          },
        ],
        overrides: [
          {
            alias: 'dan-office-before-dst',
            user: U.dan,
            startDate: at(dst - 4 * DAY + 9 * HOUR),
            endDate: at(dst - 2 * DAY + 11 * HOUR + 20 * 60_000),
            rotations: [{ id: 'r-sre-office', name: 'Office hours' }],
          },
          { alias: 'bob-over-the-change', user: U.bob, startDate: at(dst - 5 * HOUR), endDate: at(dst + 7 * HOUR), rotations: [] },
          {
            alias: 'gina-nights-after-dst',
            user: U.gina,
            startDate: at(dst + DAY + 18 * HOUR),
            endDate: at(dst + 2 * DAY + 5 * HOUR + 5 * 60_000),
            rotations: [{ id: 'r-sre-247', name: '24/7' }],
          },
        ],
      },
      {
        id: 's-legacy',
        name: 'Legacy NOC',
        timezone: 'UTC',
        enabled: false,
        ownerTeam: { id: 't-platform', name: 'Platform' },
        rotations: [
          {
            id: 'r-legacy',
            name: 'NOC',
            startDate: '2024-01-01T00:00:00Z',
            type: 'weekly',
            length: 1,
            participants: [{ type: 'team', id: 't-platform', name: 'Platform' }],
          },
        ],
        overrides: [],
      },
    ],
    escalations: [
      {
        id: 'e-platform',
        name: 'Platform_escalation',
        ownerTeam: { id: 't-platform', name: 'Platform' },
        rules: [
          {
            condition: 'if-not-acked',
            notifyType: 'default',
            delay: { timeAmount: 0, timeUnit: 'minutes' },
            recipient: { type: 'schedule', id: 's-platform', name: 'Platform On-Call' },
          },
          { condition: 'if-not-acked', notifyType: 'default', delay: { timeAmount: 10, timeUnit: 'minutes' }, recipient: U.gina },
          {
            condition: 'if-not-acked',
            notifyType: 'default',
            delay: { timeAmount: 10, timeUnit: 'minutes' },
            recipient: { type: 'team', id: 't-platform', name: 'Platform' },
          },
          {
            condition: 'if-not-acked',
            notifyType: 'next',
            delay: { timeAmount: 30, timeUnit: 'minutes' },
            recipient: { type: 'schedule', id: 's-platform', name: 'Platform On-Call' },
          },
        ],
        repeat: { waitInterval: 15, count: 2, resetRecipientStates: false, closeAlertAfterAll: false },
      },
      {
        id: 'e-payments',
        name: 'Payments_escalation',
        ownerTeam: { id: 't-payments', name: 'Payments' },
        rules: [
          {
            condition: 'if-not-acked',
            notifyType: 'default',
            delay: { timeAmount: 0 },
            recipient: { type: 'schedule', id: 's-payments', name: 'Payments Primary' },
          },
          { condition: 'if-not-closed', notifyType: 'default', delay: { timeAmount: 5 }, recipient: U.carla },
          {
            condition: 'if-not-acked',
            notifyType: 'default',
            delay: { timeAmount: 15 },
            recipient: { type: 'escalation', id: 'e-platform', name: 'Platform_escalation' },
          },
        ],
      },
      {
        id: 'e-data',
        name: 'Data_escalation',
        ownerTeam: { id: 't-data', name: 'Data' },
        rules: [
          { condition: 'if-not-acked', notifyType: 'default', delay: { timeAmount: 5 }, recipient: { type: 'schedule', id: 's-data', name: 'Data Pipelines' } },
          { condition: 'if-not-acked', notifyType: 'default', delay: { timeAmount: 1, timeUnit: 'hours' }, recipient: U.gina },
        ],
      },
      { id: 'e-security', name: 'Security', rules: [{ condition: 'if-not-acked', notifyType: 'default', delay: { timeAmount: 0 }, recipient: U.gina }] },
    ],
    integrations: [
      {
        id: 'i-prom',
        name: 'Platform Prometheus',
        type: 'Prometheus',
        enabled: true,
        ownerTeam: { id: 't-platform', name: 'Platform' },
        apiKey: 'c4b1e5f2-7a3d-4e8b-9f10-2d3c4b5a6e71',
        responders: [{ type: 'team', id: 't-platform' }],
      },
      {
        id: 'i-graf',
        name: 'Payments Grafana',
        type: 'Grafana',
        enabled: true,
        ownerTeam: { id: 't-payments', name: 'Payments' },
        apiKey: '5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
        responders: [{ type: 'escalation', id: 'e-payments' }],
      },
      {
        id: 'i-api',
        name: 'Data API',
        type: 'API',
        enabled: true,
        ownerTeam: { id: 't-data', name: 'Data' },
        apiKey: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        responders: [
          { type: 'team', id: 't-data' },
          { type: 'user', id: 'u-gina' },
        ],
      },
      {
        id: 'i-email',
        name: 'Ops mailbox',
        type: 'Email',
        enabled: true,
        ownerTeam: { id: 't-platform', name: 'Platform' },
        emailAddress: 'ops@acme.app.opsgenie.com',
      },
      {
        id: 'i-sentry',
        name: 'Payments Sentry',
        type: 'Sentry',
        enabled: true,
        ownerTeam: { id: 't-payments', name: 'Payments' },
        responders: [{ type: 'team', id: 't-payments' }],
      },
    ],
    heartbeats: [
      {
        name: 'nightly-backup',
        description: 'Backup job',
        interval: 1,
        intervalUnit: 'days',
        enabled: true,
        expired: false,
        ownerTeam: { id: 't-data', name: 'Data' },
        alertPriority: 'P2',
        alertMessage: 'nightly-backup is expired',
      },
      {
        name: 'etl-watchdog',
        interval: 30,
        intervalUnit: 'minutes',
        enabled: true,
        expired: false,
        ownerTeam: { id: 't-data', name: 'Data' },
        alertPriority: 'P3',
      },
      { name: 'quarterly-export', interval: 30, intervalUnit: 'days', enabled: true, expired: false, ownerTeam: { id: 't-data', name: 'Data' } },
    ],
    maintenance: [
      {
        id: 'm-prom',
        status: 'planned',
        description: 'Prometheus migration',
        time: { type: 'schedule', startDate: at(hour + 5 * DAY), endDate: at(hour + 5 * DAY + 4 * HOUR) },
        rules: [
          { state: 'disabled', entity: { id: 'i-prom', type: 'integration' } },
          { state: 'disabled', entity: { id: 'p-noisy', type: 'policy' } },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The server

export interface FakeOpsGenie {
  url: string;
  apiKey: string;
  /** The account (mutable: tests change it to see updates flow through). */
  account: OpsGenieAccount;
  requests: Array<{ method: string; path: string; status: number }>;
  /** The next `times` requests whose path starts with `pathPrefix` ('*' for any) get this answer. */
  failNext(pathPrefix: string, answer: { status: number; retryAfter?: number }, times?: number): void;
  /** Usernames on call for a schedule (by id) at an instant. */
  onCallAt(scheduleId: string, at: number): string[];
  close(): Promise<void>;
}

export async function startFakeOpsGenie(options: { apiKey?: string; now?: number; pageSize?: number; account?: OpsGenieAccount } = {}): Promise<FakeOpsGenie> {
  const apiKey = options.apiKey ?? 'og-read-key-0123456789';
  const account = options.account ?? seedOpsGenieAccount(options.now ?? Date.now());
  const pageSize = options.pageSize ?? 2;
  const requests: FakeOpsGenie['requests'] = [];
  const failures: Array<{ prefix: string; status: number; retryAfter?: number; times: number }> = [];
  let baseUrl = '';

  const send = (res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const requestId = randomUUID();
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...(status < 300 ? { 'x-ratelimit-state': 'OK' } : {}),
      ...headers,
    });
    res.end(JSON.stringify({ ...body, took: 0.01, requestId }));
  };
  const notFound = (res: ServerResponse, what: string) => send(res, 404, { message: `${what} does not exist` });

  const findUser = (ref: string) => account.users.find((u) => u.id === ref || u.username.toLowerCase() === ref.toLowerCase());
  const findSchedule = (ref: string, type: string | null) => account.schedules.find((s) => (type === 'name' ? s.name === ref : s.id === ref || s.name === ref));
  const findTeam = (ref: string, type: string | null) => account.teams.find((t) => (type === 'name' ? t.name === ref : t.id === ref || t.name === ref));

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const status = (code: number) => requests.push({ method: req.method ?? 'GET', path: `${path}${url.search}`, status: code });
    const failure = failures.find((f) => f.times > 0 && (f.prefix === '*' || path.startsWith(f.prefix)));
    if (failure) {
      failure.times -= 1;
      status(failure.status);
      return send(
        res,
        failure.status,
        { message: failure.status === 429 ? 'You are making too many requests! To avoid errors, we recommend you limit requests.' : 'Internal error' },
        failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
      );
    }
    if ((req.headers.authorization ?? '') !== `GenieKey ${apiKey}`) {
      status(401);
      return send(res, 401, { message: 'Could not authenticate' });
    }
    if (req.method !== 'GET') {
      status(405);
      return send(res, 405, { message: 'Only reads are faked' });
    }
    const ok = (body: Record<string, unknown>) => {
      status(200);
      send(res, 200, body);
    };
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent); // v2, users, ...
    if (parts[0] !== 'v2') return notFound(res, 'Endpoint');
    const [, kind, id, sub, subId] = parts;

    if (kind === 'users') {
      if (!id) {
        const limit = Math.min(pageSize, Number(url.searchParams.get('limit') ?? 100));
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const sorted = [...account.users].sort((a, b) => a.username.localeCompare(b.username));
        const page = sorted.slice(offset, offset + limit).map(({ userContacts: _c, notificationRules: _r, ...u }) => u);
        const link = (o: number) => `${baseUrl}/v2/users?limit=${limit}&offset=${o}&sort=username&order=asc`;
        const paging: Record<string, string> = { first: link(0), last: link(Math.max(0, Math.floor((sorted.length - 1) / limit) * limit)) };
        if (offset + limit < sorted.length) paging.next = link(offset + limit);
        return ok({ data: page, paging, totalCount: sorted.length });
      }
      const u = findUser(id);
      if (!u) return notFound(res, 'User');
      if (!sub) {
        const { notificationRules: _r, userContacts, ...rest } = u;
        return ok({ data: { ...rest, ...(url.searchParams.get('expand') === 'contact' ? { userContacts: userContacts ?? [] } : {}) } });
      }
      if (sub === 'contacts') return ok({ data: u.userContacts ?? [] });
      if (sub === 'notification-rules') {
        const rules = u.notificationRules ?? [];
        if (!subId) return ok({ data: rules.map(({ steps: _s, criteria: _c, ...r }) => r) });
        const rule = rules.find((r) => r.id === subId);
        return rule ? ok({ data: rule }) : notFound(res, 'Notification rule');
      }
      return notFound(res, 'Endpoint');
    }
    if (kind === 'teams') {
      if (!id) return ok({ data: account.teams.map(({ members: _m, ...t }) => t) });
      const t = findTeam(id, url.searchParams.get('identifierType'));
      return t ? ok({ data: t }) : notFound(res, 'Team');
    }
    if (kind === 'schedules') {
      if (!id) {
        const expand = url.searchParams.get('expand') === 'rotation';
        return ok({ data: account.schedules.map(({ overrides: _o, rotations, ...s }) => ({ ...s, ...(expand ? { rotations } : {}) })) });
      }
      const s = findSchedule(id, url.searchParams.get('scheduleIdentifierType') ?? url.searchParams.get('identifierType'));
      if (!s) return notFound(res, 'Schedule');
      if (!sub) {
        const { overrides: _o, ...rest } = s;
        return ok({ data: rest });
      }
      if (sub === 'overrides') return ok({ data: s.overrides ?? [] });
      if (sub === 'rotations') return ok({ data: s.rotations ?? [] });
      if (sub === 'timeline') {
        const dateParam = url.searchParams.get('date');
        const from = dateParam ? Date.parse(dateParam) : Date.now();
        const interval = Number(url.searchParams.get('interval') ?? 1);
        const unit = url.searchParams.get('intervalUnit') ?? 'weeks';
        const span = unit === 'days' ? DAY : unit === 'months' ? 30 * DAY : 7 * DAY;
        if (!Number.isFinite(from) || !Number.isInteger(interval) || interval < 1 || !['days', 'weeks', 'months'].includes(unit)) {
          status(422);
          return send(res, 422, { message: 'date, interval or intervalUnit is invalid' });
        }
        return ok({ data: ogTimeline(s, from, from + interval * span) });
      }
      if (sub === 'on-calls') {
        const dateParam = url.searchParams.get('date');
        const t = dateParam ? Date.parse(dateParam) : Date.now();
        if (!Number.isFinite(t)) {
          status(422);
          return send(res, 422, { message: 'date is invalid', errors: { date: 'must be an ISO date-time' } });
        }
        const names = ogOnCallAt(s, t);
        const parent = { id: s.id, name: s.name, enabled: s.enabled !== false };
        if (url.searchParams.get('flat') === 'true') return ok({ data: { _parent: parent, onCallRecipients: names } });
        return ok({
          data: { _parent: parent, onCallParticipants: names.map((n) => ({ id: findUser(n)?.id ?? n, name: n, type: findUser(n) ? 'user' : 'team' })) },
        });
      }
      return notFound(res, 'Endpoint');
    }
    if (kind === 'escalations') {
      if (!id) return ok({ data: account.escalations });
      const e = account.escalations.find((x) => x.id === id || x.name === id);
      return e ? ok({ data: e }) : notFound(res, 'Escalation');
    }
    if (kind === 'integrations') {
      if (!id)
        return ok({
          data: account.integrations.map((i) => ({ id: i.id, name: i.name, enabled: i.enabled, type: i.type, teamId: i.ownerTeam?.id, version: 'v1' })),
        });
      const i = account.integrations.find((x) => x.id === id);
      return i ? ok({ data: i }) : notFound(res, 'Integration');
    }
    if (kind === 'heartbeats') {
      if (!id) return ok({ data: { heartbeats: account.heartbeats } });
      const h = account.heartbeats.find((x) => x.name === id);
      return h ? ok({ data: h }) : notFound(res, 'Heartbeat');
    }
    if (kind === 'maintenance') {
      if (!id) {
        const type = url.searchParams.get('type');
        const list = account.maintenance.filter((m) => type !== 'non-expired' || !m.time.endDate || Date.parse(m.time.endDate) > Date.now());
        return ok({ data: list.map(({ rules: _r, ...m }) => m) });
      }
      const m = account.maintenance.find((x) => x.id === id);
      return m ? ok({ data: m }) : notFound(res, 'Maintenance');
    }
    return notFound(res, 'Endpoint');
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: (err as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    apiKey,
    account,
    requests,
    failNext(prefix, answer, times = 1) {
      failures.push({ prefix, status: answer.status, ...(answer.retryAfter !== undefined ? { retryAfter: answer.retryAfter } : {}), times });
    },
    onCallAt(scheduleId, at) {
      const s = account.schedules.find((x) => x.id === scheduleId);
      return s ? ogOnCallAt(s, at) : [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

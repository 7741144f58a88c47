/**
 * A fake PagerDuty REST API v2: a real HTTP server on 127.0.0.1 serving the objects the importer reads
 * (wire-contracts.md 2.3) for a seeded account, with PagerDuty's offset pagination (`limit` capped at
 * `pageSize`, `offset`, `more`, `total` when `total=true`).
 *
 *   GET /users?include[]=contact_methods&include[]=notification_rules ; GET /users/{id}/contact_methods
 *   GET /teams ; GET /teams/{id}/members
 *   GET /schedules ; GET /schedules/{id}?since&until&time_zone   (final_schedule rendered for the window)
 *   GET /schedules/{id}/overrides?since&until (both required)
 *   GET /oncalls?schedule_ids[]&since&until
 *   GET /escalation_policies ; GET /services?include[]=integrations ; GET /maintenance_windows?filter=open
 *
 * Auth: `Authorization: Token token=<token>`, else 401. `failNext` injects 429 (Rate Limit Exceeded,
 * code 2020, with `ratelimit-reset`) or 5xx answers.
 *
 * The final schedule is computed here from the layers, independently of Vigil's rotation code (luxon
 * calendar arithmetic): turn k of a layer starts at rotation_virtual_start + k turns (whole days: the
 * same wall-clock time in the schedule's zone; otherwise absolute seconds) and goes to
 * users[k mod n]; the layer covers [start, end) masked by its restrictions (daily: from
 * start_time_of_day for duration_seconds of wall-clock time; weekly: from start_day_of_week); a later
 * layer wins where it has coverage; an override replaces the whole window (a later one wins).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import type { PagerDutyAccount, PdRef, PdRenderedEntry, PdRestriction, PdSchedule, PdScheduleLayer } from '../../src/migrate/pagerduty/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// The final schedule (independent computation)

const tod = (s: string): { hour: number; minute: number; second: number } => {
  const [h, m, sec] = s.split(':').map(Number);
  return { hour: h ?? 0, minute: m ?? 0, second: sec ?? 0 };
};

/** `dt` plus `seconds` of wall-clock time (a restriction from 22:00 for 8 h ends at 06:00, DST or not). */
function wallPlus(dt: DateTime, seconds: number): DateTime {
  const days = Math.floor(seconds / 86400);
  const total = dt.hour * 3600 + dt.minute * 60 + dt.second + (seconds - days * 86400);
  const extra = Math.floor(total / 86400);
  const rest = total - extra * 86400;
  return dt.plus({ days: days + extra }).set({ hour: Math.floor(rest / 3600), minute: Math.floor((rest % 3600) / 60), second: rest % 60, millisecond: 0 });
}

/** The restriction windows (instants) that may contain `t`. */
function restrictionWindows(r: PdRestriction, zone: string, t: number): Array<{ start: number; end: number }> {
  const local = DateTime.fromMillis(t, { zone });
  const time = tod(r.start_time_of_day);
  const out: Array<{ start: number; end: number }> = [];
  if (r.type === 'daily_restriction') {
    for (let d = -1; d <= 0; d++) {
      const s = local
        .startOf('day')
        .plus({ days: d })
        .set({ ...time, millisecond: 0 });
      out.push({ start: s.toMillis(), end: wallPlus(s, r.duration_seconds).toMillis() });
    }
  } else {
    const wd = r.start_day_of_week ?? 1;
    const back = (local.weekday - wd + 7) % 7;
    for (const extra of [7, 0]) {
      const s = local
        .startOf('day')
        .minus({ days: back + extra })
        .set({ ...time, millisecond: 0 });
      out.push({ start: s.toMillis(), end: wallPlus(s, r.duration_seconds).toMillis() });
    }
  }
  return out;
}

const isDayTurn = (l: PdScheduleLayer) => l.rotation_turn_length_seconds % 86400 === 0;

/** Start instant of turn k of a layer (k may be negative). */
function turnStart(l: PdScheduleLayer, zone: string, k: number): number {
  const vs = Date.parse(l.rotation_virtual_start);
  if (!isDayTurn(l)) return vs + k * l.rotation_turn_length_seconds * 1000;
  return DateTime.fromMillis(vs, { zone })
    .plus({ days: k * (l.rotation_turn_length_seconds / 86400) })
    .toMillis();
}

function turnIndex(l: PdScheduleLayer, zone: string, t: number): number {
  const vs = Date.parse(l.rotation_virtual_start);
  let k = Math.floor((t - vs) / (l.rotation_turn_length_seconds * 1000));
  while (turnStart(l, zone, k) > t) k--;
  while (turnStart(l, zone, k + 1) <= t) k++;
  return k;
}

/** The user of a layer at `t`, or undefined where the layer has no coverage. */
export function pdLayerAt(l: PdScheduleLayer, zone: string, t: number): PdRef | undefined {
  if (t < Date.parse(l.start)) return undefined;
  if (l.end && t >= Date.parse(l.end)) return undefined;
  if (l.restrictions && l.restrictions.length && !l.restrictions.some((r) => restrictionWindows(r, zone, t).some((w) => w.start <= t && t < w.end)))
    return undefined;
  const n = l.users.length;
  if (!n) return undefined;
  const k = turnIndex(l, zone, t);
  return l.users[((k % n) + n) % n]!.user;
}

/** Who is on call for a schedule at `t` (user reference), or undefined in a gap. */
export function pdOnCallAt(s: PdSchedule, t: number): PdRef | undefined {
  let who: PdRef | undefined;
  const layers = s.schedule_layers ?? [];
  for (let i = layers.length - 1; i >= 0 && !who; i--) who = pdLayerAt(layers[i]!, s.time_zone, t);
  for (const o of s.overrides ?? []) if (Date.parse(o.start) <= t && t < Date.parse(o.end)) who = o.user;
  return who;
}

/** The final schedule of [since, until) as rendered entries. */
export function pdRender(s: PdSchedule, since: number, until: number): PdRenderedEntry[] {
  const zone = s.time_zone;
  const cuts = new Set<number>([since, until]);
  const add = (t: number) => {
    if (t > since && t < until) cuts.add(t);
  };
  for (const l of s.schedule_layers ?? []) {
    add(Date.parse(l.start));
    if (l.end) add(Date.parse(l.end));
    for (let k = turnIndex(l, zone, since); ; k++) {
      const t = turnStart(l, zone, k);
      if (t >= until) break;
      add(t);
    }
    for (const r of l.restrictions ?? []) {
      for (let t = since - 8 * DAY; t < until + DAY; t += DAY) {
        for (const w of restrictionWindows(r, zone, t)) {
          add(w.start);
          add(w.end);
        }
      }
    }
  }
  for (const o of s.overrides ?? []) {
    add(Date.parse(o.start));
    add(Date.parse(o.end));
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const entries: Array<{ start: number; end: number; user: PdRef }> = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    const who = pdOnCallAt(s, a);
    if (!who) continue;
    const last = entries[entries.length - 1];
    if (last && last.end === a && last.user.id === who.id) last.end = b;
    else entries.push({ start: a, end: b, user: who });
  }
  const fmt = (ms: number) => DateTime.fromMillis(ms, { zone: 'UTC' }).toISO({ suppressMilliseconds: true })!;
  return entries.map((e) => ({ start: fmt(e.start), end: fmt(e.end), user: e.user }));
}

// ---------------------------------------------------------------------------------------------
// The seeded account: Globex, SRE in Berlin and Checkout in New York

const ref = (type: string, id: string, summary: string): PdRef => ({ id, type, summary });

export function seedPagerDutyAccount(now: number): PagerDutyAccount {
  const hour = Math.floor(now / HOUR) * HOUR;
  const at = (ms: number) => new Date(ms).toISOString();
  const U = {
    pia: ref('user_reference', 'PPIA001', 'Pia Alvarez'),
    quinn: ref('user_reference', 'PQUI002', 'Quinn Baker'),
    ravi: ref('user_reference', 'PRAV003', 'Ravi Chen'),
    sara: ref('user_reference', 'PSAR004', 'Sara Diaz'),
    tom: ref('user_reference', 'PTOM005', 'Tom Evans'),
    uma: ref('user_reference', 'PUMA006', 'Uma Fox'),
    vic: ref('user_reference', 'PVIC007', 'Vic Gray'),
  };
  const T = { sre: ref('team_reference', 'PTSRE01', 'SRE'), checkout: ref('team_reference', 'PTCHK02', 'Checkout') };
  const email = (id: string, address: string) => ({ id, type: 'email_contact_method', summary: 'Work', label: 'Work', address });
  const pia = {
    phone: { id: 'PCPIA02', type: 'phone_contact_method', summary: 'Mobile', label: 'Mobile', address: '15123456789', country_code: 49 },
    sms: { id: 'PCPIA03', type: 'sms_contact_method', summary: 'Mobile', label: 'Mobile', address: '15123456789', country_code: 49 },
    push: { id: 'PCPIA04', type: 'push_notification_contact_method', summary: 'iPhone', label: 'iPhone', address: 'device-token' },
    mail: email('PCPIA01', 'pia@globex.example'),
  };
  const weekdayDaytime: PdRestriction[] = [1, 2, 3, 4, 5].map((d) => ({
    type: 'weekly_restriction',
    start_day_of_week: d,
    start_time_of_day: '09:00:00',
    duration_seconds: 8 * 3600,
  }));
  return {
    users: [
      {
        ...U.pia,
        type: 'user',
        name: 'Pia Alvarez',
        email: 'pia@globex.example',
        time_zone: 'Europe/Berlin',
        role: 'admin',
        teams: [T.sre],
        contact_methods: [pia.mail, pia.phone, pia.sms, pia.push],
        notification_rules: [
          { id: 'PNPIA01', type: 'assignment_notification_rule', start_delay_in_minutes: 0, urgency: 'high', contact_method: pia.push },
          { id: 'PNPIA02', type: 'assignment_notification_rule', start_delay_in_minutes: 3, urgency: 'high', contact_method: pia.sms },
          { id: 'PNPIA03', type: 'assignment_notification_rule', start_delay_in_minutes: 10, urgency: 'high', contact_method: pia.phone },
          { id: 'PNPIA04', type: 'assignment_notification_rule', start_delay_in_minutes: 0, urgency: 'low', contact_method: pia.mail },
        ],
      },
      {
        ...U.quinn,
        type: 'user',
        name: 'Quinn Baker',
        email: 'quinn@globex.example',
        time_zone: 'Europe/Berlin',
        role: 'user',
        teams: [T.sre],
        contact_methods: [email('PCQUI01', 'quinn@globex.example')],
        notification_rules: [],
      },
      {
        ...U.ravi,
        type: 'user',
        name: 'Ravi Chen',
        email: 'ravi@globex.example',
        time_zone: 'America/Chicago',
        role: 'user',
        teams: [T.sre],
        contact_methods: [email('PCRAV01', 'ravi@globex.example')],
        notification_rules: [],
      },
      {
        ...U.sara,
        type: 'user',
        name: 'Sara Diaz',
        email: 'sara@globex.example',
        time_zone: 'America/New_York',
        role: 'limited_user',
        teams: [T.checkout],
        contact_methods: [
          email('PCSAR01', 'sara@globex.example'),
          { id: 'PCSAR02', type: 'sms_contact_method', summary: 'Cell', label: 'Cell', address: '2125550199', country_code: 1 },
        ],
        notification_rules: [
          {
            id: 'PNSAR01',
            type: 'assignment_notification_rule',
            start_delay_in_minutes: 0,
            urgency: 'high',
            contact_method: { id: 'PCSAR02', type: 'sms_contact_method_reference' },
          },
        ],
      },
      {
        ...U.tom,
        type: 'user',
        name: 'Tom Evans',
        email: 'tom@globex.example',
        time_zone: 'America/New_York',
        role: 'user',
        teams: [T.checkout],
        contact_methods: [email('PCTOM01', 'tom@globex.example')],
        notification_rules: [],
      },
      {
        ...U.uma,
        type: 'user',
        name: 'Uma Fox',
        email: 'uma@globex.example',
        time_zone: 'Europe/London',
        role: 'observer',
        teams: [T.checkout],
        contact_methods: [],
        notification_rules: [],
      },
      {
        ...U.vic,
        type: 'user',
        name: 'Vic Gray',
        email: 'vic@globex.example',
        time_zone: 'Asia/Tokyo',
        role: 'owner',
        teams: [],
        contact_methods: [email('PCVIC01', 'vic@globex.example')],
        notification_rules: [],
      },
    ],
    teams: [
      {
        ...T.sre,
        type: 'team',
        name: 'SRE',
        description: 'Site reliability',
        members: [
          { user: U.pia, role: 'manager' },
          { user: U.quinn, role: 'responder' },
          { user: U.ravi, role: 'responder' },
        ],
      },
      {
        ...T.checkout,
        type: 'team',
        name: 'Checkout',
        description: null,
        members: [
          { user: U.sara, role: 'manager' },
          { user: U.tom, role: 'responder' },
          { user: U.uma, role: 'observer' },
        ],
      },
    ],
    schedules: [
      {
        id: 'PSRE001',
        type: 'schedule',
        summary: 'SRE Primary',
        name: 'SRE Primary',
        description: 'Weekly primary, weekday daytime cover',
        time_zone: 'Europe/Berlin',
        teams: [T.sre],
        schedule_layers: [
          {
            id: 'PLSRE01',
            name: 'Weekly',
            start: '2025-01-06T09:00:00+01:00',
            end: null,
            rotation_virtual_start: '2025-01-06T09:00:00+01:00',
            rotation_turn_length_seconds: 7 * 86400,
            users: [{ user: U.pia }, { user: U.quinn }, { user: U.ravi }],
            restrictions: [],
          },
          {
            id: 'PLSRE02',
            name: 'Weekday daytime',
            start: '2025-01-06T09:00:00+01:00',
            end: null,
            rotation_virtual_start: '2025-01-06T09:00:00+01:00',
            rotation_turn_length_seconds: 86400,
            users: [{ user: U.quinn }, { user: U.ravi }],
            restrictions: weekdayDaytime,
          },
        ],
        overrides: [{ id: 'POSRE01', start: at(hour + 3 * DAY), end: at(hour + 3 * DAY + 12 * HOUR), user: U.ravi }],
      },
      {
        id: 'PCHK001',
        type: 'schedule',
        summary: 'Checkout On-Call',
        name: 'Checkout On-Call',
        description: null,
        time_zone: 'America/New_York',
        teams: [T.checkout],
        schedule_layers: [
          {
            id: 'PLCHK01',
            name: 'Twelve hours',
            start: '2025-02-03T08:00:00-05:00',
            end: null,
            rotation_virtual_start: '2025-01-06T08:00:00-05:00',
            rotation_turn_length_seconds: 12 * 3600,
            users: [{ user: U.sara }, { user: U.tom }, { user: U.vic }],
            restrictions: [],
          },
          {
            id: 'PLCHK02',
            name: 'Weekend',
            start: '2025-01-04T00:00:00-05:00',
            end: null,
            rotation_virtual_start: '2025-01-04T00:00:00-05:00',
            rotation_turn_length_seconds: 7 * 86400,
            users: [{ user: U.tom }, { user: U.sara }],
            restrictions: [{ type: 'weekly_restriction', start_day_of_week: 6, start_time_of_day: '00:00:00', duration_seconds: 2 * 86400 }],
          },
          {
            id: 'PLCHK03',
            name: 'Old nights',
            start: '2024-06-01T20:00:00-04:00',
            end: '2025-03-01T20:00:00-05:00',
            rotation_virtual_start: '2024-06-01T20:00:00-04:00',
            rotation_turn_length_seconds: 86400,
            users: [{ user: U.uma }],
            restrictions: [{ type: 'daily_restriction', start_time_of_day: '20:00:00', duration_seconds: 12 * 3600 }],
          },
        ],
        overrides: [{ id: 'POCHK01', start: at(hour + 2 * DAY), end: at(hour + 2 * DAY + 6 * HOUR), user: U.tom }],
      },
    ],
    escalationPolicies: [
      {
        id: 'PEPSRE1',
        type: 'escalation_policy',
        summary: 'SRE',
        name: 'SRE',
        description: 'SRE escalation',
        num_loops: 2,
        on_call_handoff_notifications: 'if_has_services',
        teams: [T.sre],
        escalation_rules: [
          { id: 'PR1', escalation_delay_in_minutes: 10, targets: [ref('schedule_reference', 'PSRE001', 'SRE Primary')] },
          { id: 'PR2', escalation_delay_in_minutes: 15, targets: [U.pia, U.vic] },
        ],
      },
      {
        id: 'PEPCHK1',
        type: 'escalation_policy',
        summary: 'Checkout',
        name: 'Checkout',
        num_loops: 0,
        teams: [T.checkout],
        escalation_rules: [
          { id: 'PR3', escalation_delay_in_minutes: 5, targets: [ref('schedule_reference', 'PCHK001', 'Checkout On-Call')] },
          {
            id: 'PR4',
            escalation_delay_in_minutes: 10,
            targets: [ref('schedule_reference', 'PSRE001', 'SRE Primary')],
            escalation_rule_assignment_strategy: 'round_robin',
          },
        ],
      },
      {
        id: 'PEPORP1',
        type: 'escalation_policy',
        summary: 'Orphan',
        name: 'Orphan',
        num_loops: 0,
        teams: [],
        escalation_rules: [{ id: 'PR5', escalation_delay_in_minutes: 30, targets: [U.vic] }],
      },
    ],
    services: [
      {
        id: 'PSVCHK1',
        type: 'service',
        name: 'Checkout API',
        description: 'Payments front door',
        status: 'active',
        escalation_policy: ref('escalation_policy_reference', 'PEPCHK1', 'Checkout'),
        teams: [T.checkout],
        incident_urgency_rule: { type: 'constant', urgency: 'high' },
        acknowledgement_timeout: null,
        auto_resolve_timeout: null,
        integrations: [
          {
            id: 'PIPROM1',
            type: 'events_api_v2_inbound_integration',
            name: 'Prometheus',
            summary: 'Prometheus',
            integration_key: '8d0e6f1a2b3c4d5e6f708192a3b4c5d6',
          },
          {
            id: 'PINAG01',
            type: 'generic_events_api_inbound_integration',
            name: 'Legacy Nagios',
            summary: 'Legacy Nagios',
            integration_key: '0123456789abcdef0123456789abcdef',
          },
        ],
      },
      {
        id: 'PSVSRC1',
        type: 'service',
        name: 'Search',
        status: 'active',
        escalation_policy: ref('escalation_policy_reference', 'PEPSRE1', 'SRE'),
        teams: [T.sre],
        incident_urgency_rule: { type: 'use_support_hours' },
        acknowledgement_timeout: 1800,
        auto_resolve_timeout: 14400,
        integrations: [
          {
            id: 'PIGRAF1',
            type: 'events_api_v2_inbound_integration',
            name: 'Grafana',
            summary: 'Grafana',
            integration_key: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
          },
          { id: 'PIMAIL1', type: 'generic_email_inbound_integration', name: 'Email', summary: 'Email' },
        ],
      },
      {
        id: 'PSVOLD1',
        type: 'service',
        name: 'Legacy billing',
        status: 'disabled',
        escalation_policy: ref('escalation_policy_reference', 'PEPCHK1', 'Checkout'),
        teams: [T.checkout],
        integrations: [],
      },
    ],
    maintenanceWindows: [
      {
        id: 'PMW0001',
        type: 'maintenance_window',
        start_time: at(hour + 4 * DAY),
        end_time: at(hour + 4 * DAY + 2 * HOUR),
        description: 'Search reindex',
        services: [ref('service_reference', 'PSVSRC1', 'Search')],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// The server

export interface FakePagerDuty {
  url: string;
  token: string;
  account: PagerDutyAccount;
  requests: Array<{ method: string; path: string; status: number }>;
  /** The next `times` requests whose path starts with `pathPrefix` ('*' for any) get this answer. */
  failNext(pathPrefix: string, answer: { status: number; retryAfter?: number }, times?: number): void;
  /** Who is on call for a schedule (by id) at an instant: the user's email, or undefined in a gap. */
  onCallAt(scheduleId: string, at: number): string | undefined;
  close(): Promise<void>;
}

export async function startFakePagerDuty(
  options: { token?: string; now?: number; pageSize?: number; account?: PagerDutyAccount } = {},
): Promise<FakePagerDuty> {
  const token = options.token ?? 'pd-read-token-0123456789';
  const account = options.account ?? seedPagerDutyAccount(options.now ?? Date.now());
  const pageSize = options.pageSize ?? 2;
  const requests: FakePagerDuty['requests'] = [];
  const failures: Array<{ prefix: string; status: number; retryAfter?: number; times: number }> = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'ratelimit-limit': '960', 'ratelimit-remaining': '900', 'ratelimit-reset': '30', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, code: number) => send(res, status, { error: { message, code } });

  const emailOf = (id: string) => account.users.find((u) => u.id === id)?.email;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const log = (code: number) => requests.push({ method: req.method ?? 'GET', path: `${path}${url.search}`, status: code });
    const failure = failures.find((f) => f.times > 0 && (f.prefix === '*' || path.startsWith(f.prefix)));
    if (failure) {
      failure.times -= 1;
      log(failure.status);
      if (failure.status === 429)
        return send(
          res,
          429,
          { error: { message: 'Rate Limit Exceeded', code: 2020 } },
          { 'ratelimit-remaining': '0', 'ratelimit-reset': String(failure.retryAfter ?? 1) },
        );
      return error(res, failure.status, 'Internal Server Error', 2999);
    }
    if ((req.headers.authorization ?? '') !== `Token token=${token}`) {
      log(401);
      return error(res, 401, 'Unauthorized', 2006);
    }
    if (req.method !== 'GET') {
      log(405);
      return error(res, 405, 'Only reads are faked', 2000);
    }
    const ok = (body: unknown) => {
      log(200);
      send(res, 200, body);
    };
    const page = <T>(key: string, items: T[]) => {
      const limit = Math.min(pageSize, Math.max(1, Number(url.searchParams.get('limit') ?? 25)));
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const slice = items.slice(offset, offset + limit);
      ok({ [key]: slice, limit, offset, more: offset + limit < items.length, total: url.searchParams.get('total') === 'true' ? items.length : null });
    };
    const includes = url.searchParams.getAll('include[]');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [kind, id, sub] = parts;

    if (kind === 'users') {
      if (!id) {
        return page(
          'users',
          account.users.map((u) => ({
            ...u,
            contact_methods: includes.includes('contact_methods')
              ? u.contact_methods
              : (u.contact_methods ?? []).map((c) => ({ id: c.id, type: `${c.type}_reference`, summary: c.summary })),
            notification_rules: includes.includes('notification_rules')
              ? u.notification_rules
              : (u.notification_rules ?? []).map((r) => ({ id: r.id, type: 'assignment_notification_rule_reference' })),
          })),
        );
      }
      const u = account.users.find((x) => x.id === id);
      if (!u) return error(res, 404, 'Not Found', 2100);
      if (!sub) return ok({ user: u });
      if (sub === 'contact_methods') return ok({ contact_methods: u.contact_methods ?? [] });
      if (sub === 'notification_rules') return ok({ notification_rules: u.notification_rules ?? [] });
    }
    if (kind === 'teams') {
      if (!id)
        return page(
          'teams',
          account.teams.map(({ members: _m, ...t }) => t),
        );
      const t = account.teams.find((x) => x.id === id);
      if (!t) return error(res, 404, 'Not Found', 2100);
      if (sub === 'members') return page('members', t.members ?? []);
      const { members: _m, ...rest } = t;
      return ok({ team: rest });
    }
    if (kind === 'schedules') {
      if (!id)
        return page(
          'schedules',
          account.schedules.map(({ schedule_layers: _l, overrides: _o, ...s }) => ({ ...s, escalation_policies: [], users: [] })),
        );
      const s = account.schedules.find((x) => x.id === id);
      if (!s) return error(res, 404, 'Not Found', 2100);
      const since = url.searchParams.get('since');
      const until = url.searchParams.get('until');
      if (sub === 'overrides') {
        if (!since || !until) return error(res, 400, 'Invalid Input Provided', 2001);
        const a = Date.parse(since);
        const b = Date.parse(until);
        return ok({ overrides: (s.overrides ?? []).filter((o) => Date.parse(o.end) > a && Date.parse(o.start) < b) });
      }
      const { overrides: _o, ...rest } = s;
      const window = since && until ? { a: Date.parse(since), b: Date.parse(until) } : undefined;
      const entries = window ? pdRender(s, window.a, window.b) : [];
      return ok({
        schedule: {
          ...rest,
          final_schedule: { name: 'Final Schedule', rendered_schedule_entries: entries, rendered_coverage_percentage: null },
          overrides_subschedule: { name: 'Overrides', rendered_schedule_entries: [] },
        },
      });
    }
    if (kind === 'oncalls') {
      const ids = url.searchParams.getAll('schedule_ids[]');
      const since = Date.parse(url.searchParams.get('since') ?? new Date().toISOString());
      const until = Date.parse(url.searchParams.get('until') ?? new Date(since + 1).toISOString());
      const oncalls = account.schedules
        .filter((s) => ids.length === 0 || ids.includes(s.id))
        .flatMap((s) =>
          pdRender(s, since, until).map((e) => ({
            escalation_policy: account.escalationPolicies.find((p) => p.escalation_rules.some((r) => r.targets.some((t) => t.id === s.id))) ?? null,
            escalation_level: 1,
            schedule: { id: s.id, type: 'schedule_reference', summary: s.name },
            user: e.user,
            start: e.start,
            end: e.end,
          })),
        );
      return page('oncalls', oncalls);
    }
    if (kind === 'escalation_policies' && !id) return page('escalation_policies', account.escalationPolicies);
    if (kind === 'services' && !id) {
      return page(
        'services',
        account.services.map((s) => ({
          ...s,
          integrations: includes.includes('integrations')
            ? s.integrations
            : (s.integrations ?? []).map((i) => ({ id: i.id, type: `${i.type}_reference`, summary: i.summary })),
        })),
      );
    }
    if (kind === 'maintenance_windows' && !id) {
      const filter = url.searchParams.get('filter') ?? 'all';
      const nowMs = Date.now();
      return page(
        'maintenance_windows',
        account.maintenanceWindows.filter((m) => filter !== 'open' || Date.parse(m.end_time) > nowMs),
      );
    }
    log(404);
    return error(res, 404, 'Not Found', 2100);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: (err as Error).message, code: 2999 } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token,
    account,
    requests,
    failNext(prefix, answer, times = 1) {
      failures.push({ prefix, status: answer.status, ...(answer.retryAfter !== undefined ? { retryAfter: answer.retryAfter } : {}), times });
    },
    onCallAt(scheduleId, at) {
      const s = account.schedules.find((x) => x.id === scheduleId);
      const who = s ? pdOnCallAt(s, at) : undefined;
      return who ? emailOf(who.id) : undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

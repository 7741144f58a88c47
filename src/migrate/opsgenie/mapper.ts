/**
 * OpsGenie account -> vigil.yaml document (pure: no I/O; `now` is passed in).
 *
 * - users: username (an email) is the key; role owner/admin -> admin, user -> responder,
 *   stakeholder -> stakeholder; blocked -> inactive; the first SMS/voice number becomes the profile
 *   phone. Contact methods (email, SMS, voice) and the steps of "new alert" notification rules come
 *   over as they were (OpsGenie had verified them), in the `contacts` section; each person confirms them.
 * - teams: members; the first team admin is the lead.
 * - schedules: each rotation becomes a layer (hourly/daily/weekly x length; the start date-time gives
 *   the hand-off time, weekday and anchor; time restrictions become time_of_day / weekly windows).
 *   OpsGenie puts the participants of every rotation on call at once, so every layer combines
 *   (`mode: combine`). Overrides of the whole schedule map 1:1; an override of some rotations becomes
 *   one layer-scoped override per rotation (it replaces that rotation's person where it is on call).
 * - escalations: rules fire at an absolute delay after the alert; Vigil steps wait `delayMinutes`
 *   before the next one, so rules are grouped by delay and the differences become the step delays.
 * - integrations that speak the OpsGenie Alert API (API, Prometheus, Grafana) become one service each,
 *   with an `opsgenie` integration that keeps the API key; heartbeats go to a `<team>-heartbeats`
 *   service; maintenance windows that disable integrations go to those integrations' services.
 */
import type { Restriction } from '../../core/schedules/model.js';
import { hhmm, iso, Names, normEmail, Slugs, toE164, toLayer, Unmapped, validZone, vigilDocument } from '../common.js';
import type {
  MappingResult,
  UserTodo,
  VigilContactsDoc,
  VigilLayerDoc,
  VigilOverrideDoc,
  VigilPolicyDoc,
  VigilPriority,
  VigilRole,
  VigilScheduleDoc,
  VigilServiceDoc,
  VigilTargetDoc,
  VigilTeamDoc,
  VigilUserDoc,
} from '../types.js';
import type { OgEscalation, OgRecipient, OgTimeRestriction, OgUser, OpsGenieAccount } from './types.js';

export interface MapOptions {
  now: number;
  /** Unused since rotations combine exactly; kept so callers need not change. */
  horizonMs?: number;
}

const WEEKDAYS: Record<string, 1 | 2 | 3 | 4 | 5 | 6 | 7> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 };
/** OpsGenie integration types whose clients call the OpsGenie Alert API with a GenieKey: Vigil serves it. */
const ALERT_API_TYPES = new Set(['api', 'prometheus', 'alertmanager', 'grafana', 'defaultapi', 'terraform', 'oec', 'marid']);
const PRIORITIES = new Set(['P1', 'P2', 'P3', 'P4', 'P5']);
const FALLBACK_TEAM = 'opsgenie-imported';

const q = (s: string) => `"${s}"`;

function minutesOf(d: { timeAmount: number; timeUnit?: string } | undefined): number {
  if (!d || !Number.isFinite(d.timeAmount)) return 0;
  const unit = (d.timeUnit ?? 'minutes').toLowerCase();
  const factor = unit.startsWith('hour')
    ? 60
    : unit.startsWith('day')
      ? 1440
      : unit.startsWith('week')
        ? 10080
        : unit.startsWith('second')
          ? 1 / 60
          : unit.startsWith('milli')
            ? 1 / 60000
            : 1;
  return Math.round(d.timeAmount * factor);
}

function mapRole(name: string | undefined): { role: VigilRole; exact: boolean } {
  const n = (name ?? 'user').toLowerCase();
  if (n === 'owner' || n === 'admin') return { role: 'admin', exact: true };
  if (n === 'user') return { role: 'responder', exact: true };
  if (n === 'stakeholder' || n === 'observer') return { role: 'stakeholder', exact: true };
  return { role: 'responder', exact: false };
}

const CONTACT_LABEL: Record<string, string> = { email: 'email', sms: 'SMS', voice: 'voice call', mobile: 'mobile app push' };

/** OpsGenie time restrictions -> Vigil restrictions ([] = none); undefined when not expressible. */
export function ogRestrictions(tr: OgTimeRestriction | undefined, label: string, out: Unmapped): Restriction[] | undefined {
  if (!tr) return [];
  const minutes = (h: number, m: number) => h * 60 + m;
  if (tr.type === 'time-of-day') {
    const r = tr.restriction;
    const s = minutes(r.startHour, r.startMin);
    const e = minutes(r.endHour, r.endMin);
    if (s % 1440 === e % 1440) return [];
    return [{ type: 'time_of_day', start: hhmm(s), end: hhmm(e) }];
  }
  if (tr.type === 'weekday-and-time-of-day') {
    const list: Restriction[] = [];
    for (const r of tr.restrictions ?? []) {
      const sd = WEEKDAYS[String(r.startDay).toLowerCase()];
      let ed = WEEKDAYS[String(r.endDay).toLowerCase()];
      if (!sd || !ed) {
        out.skip('rotation', label, `time restriction with unknown weekday "${r.startDay}"/"${r.endDay}"`);
        return undefined;
      }
      const s = minutes(r.startHour, r.startMin);
      let e = minutes(r.endHour, r.endMin);
      if (e >= 1440) {
        e -= 1440;
        ed = ((ed % 7) + 1) as typeof ed;
      }
      if (sd === ed && s === e) return []; // the whole week
      list.push({ type: 'weekly', startWeekday: sd, startTime: hhmm(s), endWeekday: ed, endTime: hhmm(e) });
    }
    return list;
  }
  out.skip('rotation', label, `time restriction type "${(tr as { type: string }).type}" is unknown`);
  return undefined;
}

export function mapOpsGenie(account: OpsGenieAccount, options: MapOptions): MappingResult {
  const now = options.now;
  const out = new Unmapped();
  const todos: UserTodo[] = [];
  const contacts: VigilContactsDoc[] = [];

  // ---------------------------------------------------------------------------------------------
  // Users
  const users: VigilUserDoc[] = [];
  const emailById = new Map<string, string>();
  const emailByName = new Map<string, string>();
  for (const u of account.users) {
    const label = `user ${q(u.username)}`;
    const email = normEmail(u.username);
    if (!email) {
      out.skip('user', label, 'the username is not an email address; Vigil identifies people by email');
      continue;
    }
    if (users.some((x) => x.email === email)) {
      out.skip('user', label, `another user has the email ${email}: Vigil identifies people by email`);
      continue;
    }
    emailById.set(u.id, email);
    emailByName.set(u.username.toLowerCase(), email);
    const name = (u.fullName ?? '').trim().slice(0, 200) || email.split('@')[0]!;
    const role = mapRole(u.role?.name);
    if (!role.exact) out.approx('user', label, `custom role "${u.role?.name}" imported as responder (Vigil roles: admin, responder, stakeholder)`);
    let timeZone = 'UTC';
    if (validZone(u.timeZone)) timeZone = u.timeZone;
    else if (u.timeZone) out.approx('user', label, `time zone "${u.timeZone}" is not an IANA zone; set to UTC`);
    const phoneContact = (u.userContacts ?? []).find((c) => (c.contactMethod === 'sms' || c.contactMethod === 'voice') && c.enabled !== false && toE164(c.to));
    const phone = phoneContact ? toE164(phoneContact.to) : undefined;
    users.push({ email, name, timeZone, role: role.role, ...(phone ? { phone } : {}), ...(u.blocked ? { active: false } : {}) });
    const { todo, doc } = userContacts(u, email, name, out);
    if (todo.items.length) todos.push(todo);
    contacts.push(doc);
  }
  const emailOf = (r: OgRecipient | { id?: string; username?: string }): string | undefined =>
    (r.id ? emailById.get(r.id) : undefined) ??
    (r.username ? emailByName.get(r.username.toLowerCase()) : undefined) ??
    ('name' in r && r.name ? emailByName.get(String(r.name).toLowerCase()) : undefined);

  // ---------------------------------------------------------------------------------------------
  // Teams
  const teams: VigilTeamDoc[] = [];
  const teamSlugs = new Slugs();
  const teamById = new Map<string, { slug: string; name: string }>();
  const teamByName = new Map<string, { slug: string; name: string }>();
  for (const t of account.teams) {
    const slug = teamSlugs.take(t.name, `team-${t.id.slice(0, 8)}`);
    const members = [...new Set((t.members ?? []).map((m) => emailOf(m.user)).filter((e): e is string => !!e))];
    const lead = (t.members ?? [])
      .filter((m) => m.role === 'admin')
      .map((m) => emailOf(m.user))
      .find((e) => !!e);
    teams.push({ slug, name: t.name.slice(0, 200), ...(t.description ? { description: t.description } : {}), ...(lead ? { lead } : {}), members });
    teamById.set(t.id, { slug, name: t.name });
    teamByName.set(t.name.toLowerCase(), { slug, name: t.name });
  }
  let fallbackUsed = false;
  const teamOf = (ref: { id?: string; name?: string } | undefined | null, label: string, kind: 'schedule' | 'escalation' | 'service' | 'heartbeat'): string => {
    const t = (ref?.id ? teamById.get(ref.id) : undefined) ?? (ref?.name ? teamByName.get(ref.name.toLowerCase()) : undefined);
    if (t) return t.slug;
    fallbackUsed = true;
    out.approx(kind, label, `no owner team in OpsGenie: put in team "${FALLBACK_TEAM}" (Vigil needs one)`);
    return FALLBACK_TEAM;
  };

  // ---------------------------------------------------------------------------------------------
  // Schedules
  const schedules: VigilScheduleDoc[] = [];
  const links: MappingResult['schedules'] = [];
  const scheduleSlugs = new Slugs();
  const scheduleById = new Map<string, string>();
  const scheduleByName = new Map<string, string>();
  const schedulesOfTeam = new Map<string, string[]>();
  let rotationsRead = 0;
  let overridesRead = 0;
  for (const s of account.schedules) {
    const label = `schedule ${q(s.name)}`;
    rotationsRead += s.rotations?.length ?? 0;
    overridesRead += s.overrides?.length ?? 0;
    if (s.enabled === false) {
      out.skip('schedule', label, 'disabled in OpsGenie');
      continue;
    }
    if (!validZone(s.timezone)) {
      out.skip('schedule', label, `time zone "${s.timezone}" is not an IANA zone`);
      continue;
    }
    const zone = s.timezone;
    const team = teamOf(s.ownerTeam, label, 'schedule');
    const slug = scheduleSlugs.take(s.name, `schedule-${s.id.slice(0, 8)}`);
    const layers: VigilLayerDoc[] = [];
    const layerOfRotation = new Map<string, VigilLayerDoc>();
    const layerNames = new Names();
    for (const r of s.rotations ?? []) {
      const rl = `${label} rotation ${q(r.name)}`;
      const end = r.endDate ? Date.parse(r.endDate) : null;
      if (end !== null && Number.isFinite(end) && end <= now) {
        out.skip('rotation', rl, `ended ${iso(end)} (history only)`);
        continue;
      }
      const participants: string[] = [];
      let bad: string | undefined;
      for (const p of r.participants ?? []) {
        if (p.type === 'user') {
          const e = emailOf(p);
          if (e) participants.push(e);
          else bad = `participant ${p.username ?? p.id} was not imported`;
        } else if (p.type === 'none') bad = 'it has an empty ("none") slot: a Vigil rotation rotates through people only (add the gap as a restriction)';
        else bad = `a ${p.type} participant ("${p.name ?? p.id}") is not expressible: a Vigil rotation rotates through people only`;
      }
      if (bad) {
        out.skip('rotation', rl, bad);
        continue;
      }
      const unit = r.type === 'hourly' ? 'hour' : r.type === 'daily' ? 'day' : r.type === 'weekly' ? 'week' : undefined;
      if (!unit) {
        out.skip('rotation', rl, `rotation type "${r.type}" is not expressible (hourly, daily or weekly)`);
        continue;
      }
      const anchor = Date.parse(r.startDate);
      if (!Number.isFinite(anchor)) {
        out.skip('rotation', rl, `start date "${r.startDate}" is not a date-time`);
        continue;
      }
      const restrictions = ogRestrictions(r.timeRestriction, rl, out);
      if (!restrictions) continue;
      const layer = toLayer(
        {
          label: rl,
          name: layerNames.take(r.name || `Rotation ${layers.length + 1}`),
          participants,
          unit,
          length: r.length ?? 1,
          anchor,
          end,
          restrictions,
          zone,
        },
        out,
      );
      if (!layer) continue;
      layer.mode = 'combine';
      layers.push(layer);
      layerOfRotation.set(r.id, layer);
    }
    const overrides: VigilOverrideDoc[] = [];
    for (const o of s.overrides ?? []) {
      const ol = `${label} override ${q(o.alias)}`;
      const start = Date.parse(o.startDate);
      const end = Date.parse(o.endDate);
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
        out.skip('override', ol, 'start or end is not a date-time');
        continue;
      }
      if (end <= now) continue; // history: nothing to carry over
      const user = o.user?.type === 'user' || !o.user?.type ? emailOf(o.user ?? {}) : undefined;
      if (!user) {
        out.skip(
          'override',
          ol,
          o.user?.type && o.user.type !== 'user'
            ? `a ${o.user.type} override is not expressible: Vigil overrides put a person on call`
            : `user ${o.user?.username ?? o.user?.id} was not imported`,
        );
        continue;
      }
      const reason = `OpsGenie override ${o.alias}`.slice(0, 200);
      if (!o.rotations || o.rotations.length === 0) {
        overrides.push({ user, start: iso(start), end: iso(end), reason });
        continue;
      }
      // Only some rotations: replace exactly those rotations' person, where they are on call.
      let missing = false;
      for (const ref of o.rotations) {
        const layer = layerOfRotation.get(ref.id);
        if (!layer) {
          missing = true;
          continue;
        }
        overrides.push({ user, start: iso(start), end: iso(end), layer: layer.name, reason });
      }
      if (missing) out.skip('override', ol, 'a rotation it overrides was not imported; the override is kept only for the imported rotations');
    }
    schedules.push({
      slug,
      name: s.name.slice(0, 200),
      team,
      timeZone: zone,
      ...(s.description ? { description: s.description } : {}),
      layers,
      ...(overrides.length ? { overrides } : {}),
    });
    links.push({ slug, name: s.name, sourceId: s.id, timeZone: zone });
    scheduleById.set(s.id, slug);
    scheduleByName.set(s.name.toLowerCase(), slug);
    schedulesOfTeam.set(team, [...(schedulesOfTeam.get(team) ?? []), slug]);
  }

  // ---------------------------------------------------------------------------------------------
  // Escalations
  const policies: VigilPolicyDoc[] = [];
  const policySlugs = new Slugs();
  const policyById = new Map<string, string>();
  const policiesOfTeam = new Map<string, Array<{ slug: string; name: string }>>();
  for (const e of account.escalations) {
    const policy = mapEscalation(e);
    if (!policy) continue;
    policies.push(policy);
    policyById.set(e.id, policy.slug);
    policiesOfTeam.set(policy.team, [...(policiesOfTeam.get(policy.team) ?? []), { slug: policy.slug, name: e.name }]);
  }

  function mapEscalation(e: OgEscalation): VigilPolicyDoc | undefined {
    const label = `escalation ${q(e.name)}`;
    const team = teamOf(e.ownerTeam, label, 'escalation');
    const byDelay = new Map<number, VigilTargetDoc[]>();
    let notClosed = false;
    e.rules.forEach((rule, i) => {
      const rl = `${label} rule ${i + 1}`;
      const target = recipientTarget(rule.recipient, rule.notifyType ?? 'default', rl);
      if (!target) return;
      if (rule.condition === 'if-not-closed') notClosed = true;
      const d = minutesOf(rule.delay);
      const list = byDelay.get(d) ?? [];
      if (!list.some((t) => JSON.stringify(t) === JSON.stringify(target))) list.push(target);
      byDelay.set(d, list);
    });
    if (byDelay.size === 0) {
      out.skip('escalation', label, 'none of its rules could be imported');
      return undefined;
    }
    const delays = [...byDelay.keys()].sort((a, b) => a - b);
    if (delays[0]! > 0)
      out.approx('escalation', label, `the first rule waits ${delays[0]} min after the alert; Vigil notifies the first step when the alert opens`);
    if (notClosed) out.approx('escalation', label, 'rules with "if not closed" escalate in Vigil only until someone acknowledges');
    const rep = e.repeat ?? {};
    const repeating = (rep.count ?? 0) > 0;
    let repeat = repeating ? Math.min(9, rep.count ?? 0) : 0;
    if (repeating && (rep.count ?? 0) > 9) out.approx('escalation', label, `repeats ${rep.count} times; Vigil repeats a policy at most 9 times`);
    if (repeating && rep.closeAlertAfterAll) out.approx('escalation', label, 'closing the alert after the last repeat is not supported: the alert stays open');
    if (!Number.isFinite(repeat)) repeat = 0;
    const steps = delays.map((d, j) => {
      let wait = j + 1 < delays.length ? delays[j + 1]! - d : repeating ? (rep.waitInterval ?? 0) + (delays[0] ?? 0) : 30;
      if (wait < 1 || wait > 1440) {
        const clamped = Math.min(1440, Math.max(1, wait));
        out.approx('escalation', label, `a wait of ${wait} min after step ${j + 1} is outside Vigil's 1-1440 min: set to ${clamped}`);
        wait = clamped;
      }
      return { delayMinutes: wait, targets: byDelay.get(d)! };
    });
    return {
      slug: policySlugs.take(e.name, `escalation-${e.id.slice(0, 8)}`),
      name: e.name.slice(0, 200),
      team,
      ...(e.description ? { description: e.description } : {}),
      repeat,
      steps,
    };
  }

  function recipientTarget(r: OgRecipient, notifyType: string, rl: string): VigilTargetDoc | undefined {
    if (r.type === 'user') {
      const e = emailOf(r);
      if (!e) out.skip('escalation-rule', rl, `user ${r.username ?? r.id} was not imported`);
      return e ? { user: e } : undefined;
    }
    if (r.type === 'schedule') {
      const slug = (r.id ? scheduleById.get(r.id) : undefined) ?? (r.name ? scheduleByName.get(r.name.toLowerCase()) : undefined);
      if (!slug) {
        out.skip('escalation-rule', rl, `schedule "${r.name ?? r.id}" was not imported`);
        return undefined;
      }
      if (notifyType === 'next' || notifyType === 'previous') {
        out.skip('escalation-rule', rl, `notifies the ${notifyType} on-call of "${r.name ?? slug}": Vigil notifies who is on call now`);
        return undefined;
      }
      if (notifyType !== 'default') {
        out.skip('escalation-rule', rl, `notify type "${notifyType}" of a schedule is not expressible`);
        return undefined;
      }
      return { schedule: slug };
    }
    if (r.type === 'team') {
      const t = (r.id ? teamById.get(r.id) : undefined) ?? (r.name ? teamByName.get(r.name.toLowerCase()) : undefined);
      if (!t) {
        out.skip('escalation-rule', rl, `team "${r.name ?? r.id}" was not imported`);
        return undefined;
      }
      if (notifyType === 'users' || notifyType === 'all') return { team: t.slug };
      if (notifyType === 'admins') {
        const lead = teams.find((x) => x.slug === t.slug)?.lead;
        out.approx('escalation-rule', rl, `notifies the admins of team "${t.name}": imported as its lead${lead ? ` (${lead})` : ''}`);
        return lead ? { user: lead } : { team: t.slug };
      }
      const own = schedulesOfTeam.get(t.slug) ?? [];
      if (own.length === 1) {
        out.approx('escalation-rule', rl, `notifies team "${t.name}" through its routing rules: imported as its schedule "${own[0]}"`);
        return { schedule: own[0]! };
      }
      out.approx('escalation-rule', rl, `notifies team "${t.name}" through its routing rules: in Vigil this pages every member of the team`);
      return { team: t.slug };
    }
    if (r.type === 'escalation') {
      out.skip('escalation-rule', rl, `notifies another escalation ("${r.name ?? r.id}"): Vigil steps target people, schedules and teams; copy its steps`);
      return undefined;
    }
    out.skip('escalation-rule', rl, `recipient type "${r.type}" is not expressible`);
    return undefined;
  }

  const policyOfTeam = (teamSlug: string): string | undefined => {
    const list = policiesOfTeam.get(teamSlug) ?? [];
    const team = [...teamById.values()].find((t) => t.slug === teamSlug);
    return (team ? list.find((p) => p.name.toLowerCase() === `${team.name.toLowerCase()}_escalation`) : undefined)?.slug ?? list[0]?.slug;
  };

  // ---------------------------------------------------------------------------------------------
  // Integrations -> services
  const services: VigilServiceDoc[] = [];
  const serviceSlugs = new Slugs();
  const serviceOfIntegration = new Map<string, VigilServiceDoc>();
  for (const i of account.integrations) {
    const label = `integration ${q(i.name)} (${i.type})`;
    const type = i.type.toLowerCase();
    const vigilType = ALERT_API_TYPES.has(type) ? 'opsgenie' : type === 'sentry' ? 'sentry' : undefined;
    if (!vigilType) {
      out.skip(
        'integration',
        label,
        `${i.type} integrations call OpsGenie-specific endpoints: add a Vigil integration (alertmanager, grafana, generic webhook...) and point the tool at it`,
      );
      continue;
    }
    if (i.enabled === false) {
      out.skip('integration', label, 'disabled in OpsGenie');
      continue;
    }
    const team = teamOf(i.ownerTeam ?? (i.teamId ? { id: i.teamId } : undefined), label, 'service');
    let policy: string | undefined;
    const responders = i.responders ?? [];
    const esc = responders.find((r) => r.type === 'escalation');
    const teamResp = responders.find((r) => r.type === 'team');
    if (esc) policy = (esc.id ? policyById.get(esc.id) : undefined) ?? policies.find((p) => p.name.toLowerCase() === (esc.name ?? '').toLowerCase())?.slug;
    else if (teamResp) {
      const t = (teamResp.id ? teamById.get(teamResp.id) : undefined) ?? (teamResp.name ? teamByName.get(teamResp.name.toLowerCase()) : undefined);
      policy = t ? policyOfTeam(t.slug) : undefined;
    } else policy = policyOfTeam(team);
    const others = responders.filter((r) => r !== esc && r !== teamResp);
    if (others.length || (esc && teamResp))
      out.approx(
        'service',
        label,
        `alerts go to ${responders.length} responders in OpsGenie; a Vigil service routes through one escalation policy (${policy ?? 'none'})`,
      );
    if (!policy) out.approx('service', label, 'no escalation policy found for it: alerts will not page anyone until you set one');
    let key: string | undefined;
    if (vigilType === 'opsgenie') {
      if (i.apiKey && i.apiKey.length >= 16 && i.apiKey.length <= 200 && !/\s/.test(i.apiKey)) key = i.apiKey;
      else out.approx('integration', label, 'OpsGenie did not show its API key: Vigil creates a new key, give it to the clients');
    } else out.approx('integration', label, "Sentry must be pointed at Vigil's /hooks/sentry/<key> (a new key; OpsGenie's Sentry endpoint is not served)");
    const svc: VigilServiceDoc = {
      slug: serviceSlugs.take(i.name, `integration-${i.id.slice(0, 8)}`),
      name: i.name.slice(0, 200),
      team,
      description: `Imported from the OpsGenie ${i.type} integration "${i.name}"`,
      ...(policy ? { escalationPolicy: policy } : {}),
      integrations: [{ name: i.name.slice(0, 200), type: vigilType, ...(key ? { key } : {}) }],
    };
    services.push(svc);
    serviceOfIntegration.set(i.id, svc);
  }

  // Heartbeats -> one service per owner team.
  const heartbeatServices = new Map<string, VigilServiceDoc>();
  for (const h of account.heartbeats) {
    const label = `heartbeat ${q(h.name)}`;
    const unit = (h.intervalUnit ?? 'minutes').toLowerCase();
    const seconds = h.interval * (unit.startsWith('day') ? 86400 : unit.startsWith('hour') ? 3600 : 60);
    if (!Number.isFinite(seconds) || seconds > 7 * 86400) {
      out.skip('heartbeat', label, `interval ${h.interval} ${h.intervalUnit}: Vigil heartbeats expect a ping at least once a week`);
      continue;
    }
    if (h.name.length > 100) {
      out.skip('heartbeat', label, 'name longer than 100 characters');
      continue;
    }
    const team = teamOf(h.ownerTeam, label, 'heartbeat');
    let svc = heartbeatServices.get(team);
    if (!svc) {
      const teamName = [...teamById.values()].find((t) => t.slug === team)?.name ?? 'Imported';
      const policy = policyOfTeam(team);
      svc = {
        slug: serviceSlugs.take(`${team}-heartbeats`, 'heartbeats'),
        name: `${teamName} heartbeats`.slice(0, 200),
        team,
        description: 'Heartbeats imported from OpsGenie',
        ...(policy ? { escalationPolicy: policy } : {}),
        heartbeats: [],
      };
      heartbeatServices.set(team, svc);
      services.push(svc);
    }
    const priority = PRIORITIES.has(String(h.alertPriority)) ? (h.alertPriority as VigilPriority) : undefined;
    if (h.alertMessage && h.alertMessage !== `${h.name} is expired`)
      out.approx('heartbeat', label, `custom alert message "${h.alertMessage}" is not kept: Vigil names the heartbeat in its alert`);
    svc.heartbeats!.push({ name: h.name, intervalSeconds: Math.max(30, seconds), ...(priority ? { priority } : {}), enabled: h.enabled !== false });
  }

  // Maintenance windows -> the services of the integrations they disable.
  for (const m of account.maintenance) {
    const label = `maintenance ${q(m.description || m.id)}`;
    const start = Date.parse(m.time?.startDate ?? '');
    const end = Date.parse(m.time?.endDate ?? '');
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
      out.skip('maintenance', label, `time "${m.time?.type}" has no start and end`);
      continue;
    }
    if (end <= now) continue; // over: nothing to carry over
    for (const rule of m.rules ?? []) {
      if (rule.state !== 'disabled') continue;
      if (rule.entity.type !== 'integration') {
        out.skip('maintenance', label, `disables an OpsGenie ${rule.entity.type} (${rule.entity.id}): Vigil maintenance applies to services`);
        continue;
      }
      const svc = serviceOfIntegration.get(rule.entity.id);
      if (!svc) {
        out.skip('maintenance', label, `the integration it disables (${rule.entity.id}) was not imported`);
        continue;
      }
      svc.maintenance = [...(svc.maintenance ?? []), { start: iso(start), end: iso(end), ...(m.description ? { reason: m.description.slice(0, 500) } : {}) }];
    }
  }

  if (fallbackUsed) teams.push({ slug: FALLBACK_TEAM, name: 'Imported from OpsGenie', description: 'Objects that had no owner team in OpsGenie', members: [] });

  return {
    document: vigilDocument({ users, contacts, teams, schedules, policies, services }),
    unmapped: out.items,
    todos,
    schedules: links,
    read: {
      users: account.users.length,
      teams: account.teams.length,
      schedules: account.schedules.length,
      rotations: rotationsRead,
      overrides: overridesRead,
      escalations: account.escalations.length,
      integrations: account.integrations.length,
      heartbeats: account.heartbeats.length,
      maintenance: account.maintenance.length,
    },
  };
}

/** A person's contact methods and alert notification steps, as the `contacts` section carries them over. */
function userContacts(u: OgUser, email: string, name: string, out: Unmapped): { todo: UserTodo; doc: VigilContactsDoc } {
  const items: string[] = [];
  const label = `user ${q(email)}`;
  const doc: VigilContactsDoc = { user: email, importedFrom: 'OpsGenie', methods: [], rules: [] };
  const kindOf = (m: string): 'email' | 'sms' | 'voice' | undefined => (m === 'email' || m === 'sms' || m === 'voice' ? m : undefined);
  const addressOf = (m: string, to: string): string | undefined => (m === 'email' ? normEmail(to) : toE164(to));
  for (const c of u.userContacts ?? []) {
    if (c.enabled === false) continue;
    if (c.contactMethod === 'mobile') {
      out.skip('contact-method', label, 'mobile app push: Vigil has no mobile app (use Slack DM, SMS or voice)');
      continue;
    }
    const type = kindOf(c.contactMethod);
    const address = type ? addressOf(type, c.to) : undefined;
    if (!type || !address) {
      out.skip('contact-method', label, `${c.contactMethod} ${c.to}: not an email address or phone number Vigil can use`);
      continue;
    }
    if (doc.methods.some((m) => m.type === type && m.address === address)) continue;
    doc.methods.push({ type, address });
    items.push(`confirm ${CONTACT_LABEL[type]} ${address} (imported)`);
  }
  for (const r of u.notificationRules ?? []) {
    const rl = `${label} notification rule ${q(r.name)}`;
    if (r.enabled === false) continue;
    if (r.actionType === 'schedule-start' || r.actionType === 'schedule-end') {
      out.skip('notification-rule', rl, `"${r.actionType}" notifications: Vigil reminds the incoming on-call per schedule (reminderMinutes), not per person`);
      continue;
    }
    if (r.actionType !== 'create-alert') {
      out.skip('notification-rule', rl, `"${r.actionType}" notifications: Vigil pages people for new alerts only (alert updates go to Slack)`);
      continue;
    }
    const conditions = r.criteria && r.criteria.type !== 'match-all' ? (r.criteria.conditions ?? []) : [];
    if (conditions.length) {
      const text = conditions
        .map((c) => `${c.not ? 'not ' : ''}${c.field} ${c.operation} ${c.expectedValue ?? ''}`.trim())
        .join(r.criteria!.type === 'match-any-condition' ? ' or ' : ' and ');
      out.approx('notification-rule', rl, `condition "${text}": Vigil notification rules choose by urgency (high/low) only; imported for high urgency`);
    }
    if (r.timeRestriction) out.approx('notification-rule', rl, 'time restriction: use quiet hours in Vigil');
    if (r.repeat?.enabled) out.approx('notification-rule', rl, 'repeats: in Vigil the escalation policy repeats, not the person');
    const urgencies: Array<'high' | 'low'> = conditions.length ? ['high'] : ['high', 'low'];
    for (const st of r.steps ?? []) {
      if (st.enabled === false || st.contact.method === 'mobile') continue;
      const type = kindOf(st.contact.method);
      const address = type ? addressOf(type, st.contact.to) : undefined;
      if (!type || !address) continue;
      if (!doc.methods.some((m) => m.type === type && m.address === address)) doc.methods.push({ type, address });
      let after = minutesOf(st.sendAfter);
      if (after > 240) {
        out.approx('notification-rule', rl, `a step after ${after} min: Vigil rules wait at most 240 min`);
        after = 240;
      }
      for (const urgency of urgencies) if (!doc.rules.some((x) => x.urgency === urgency && x.type === type && x.address === address && x.delayMinutes === after)) doc.rules.push({ urgency, type, address, delayMinutes: after });
    }
  }
  return { todo: { email, name, items }, doc };
}

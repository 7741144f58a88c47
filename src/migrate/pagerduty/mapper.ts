/**
 * PagerDuty account -> vigil.yaml document (pure: no I/O; `now` is passed in).
 *
 * - users: email is the key; role owner/admin -> admin, observers and read-only roles -> stakeholder,
 *   others -> responder; the first phone/SMS number becomes the profile phone. Contact methods (email,
 *   phone -> voice, SMS) and notification rules come over as they were (PagerDuty had verified them), in
 *   the `contacts` section; each person confirms them.
 * - teams: members from /teams/{id}/members; the first manager is the lead.
 * - schedules: each layer becomes a Vigil layer. The turn length (seconds) becomes weeks, days or hours;
 *   the rotation is anchored at the hand-off at or before the layer's start (participants rotated so the
 *   same person is on call), restrictions become time_of_day / weekly windows. Layers keep their order
 *   (a later layer wins, in PagerDuty and in Vigil). Overrides map 1:1 (they replace the whole window).
 * - escalation policies: rules keep their delays (time before the next rule), num_loops -> repeat.
 * - services: Events API v2 integrations keep their integration (routing) keys; the incident urgency
 *   rule becomes the priority -> urgency map; open maintenance windows are attached.
 */
import type { Restriction } from '../../core/schedules/model.js';
import { zoneOffsets } from '../../core/schedules/rotation.js';
import { DAY, hhmm, iso, localParts, Names, normEmail, rotateLeft, Slugs, toE164, toLayer, Unmapped, validZone, vigilDocument } from '../common.js';
import type {
  MappingResult,
  UserTodo,
  VigilContactsDoc,
  VigilLayerDoc,
  VigilOverrideDoc,
  VigilPolicyDoc,
  VigilRole,
  VigilScheduleDoc,
  VigilServiceDoc,
  VigilTargetDoc,
  VigilTeamDoc,
  VigilUserDoc,
} from '../types.js';
import type { PagerDutyAccount, PdContactMethod, PdNotificationRule, PdRestriction, PdScheduleLayer, PdUser } from './types.js';

export interface MapOptions {
  now: number;
}

const FALLBACK_TEAM = 'pagerduty-imported';
const q = (s: string) => `"${s}"`;

function mapRole(role: string | undefined): { role: VigilRole; exact: boolean } {
  const r = (role ?? 'user').toLowerCase();
  if (r === 'owner' || r === 'admin' || r === 'account_owner') return { role: 'admin', exact: true };
  if (r === 'user' || r === 'limited_user' || r === 'manager' || r === 'responder') return { role: 'responder', exact: true };
  if (r === 'observer' || r === 'read_only_user' || r === 'read_only_limited_user' || r === 'restricted_access' || r === 'stakeholder')
    return { role: 'stakeholder', exact: true };
  return { role: 'responder', exact: false };
}

const CONTACT_KIND: Record<string, string> = {
  email_contact_method: 'email',
  phone_contact_method: 'voice call',
  sms_contact_method: 'SMS',
  push_notification_contact_method: 'mobile app push',
  whatsapp_contact_method: 'WhatsApp',
};

const isFull = (c: PdContactMethod | { id: string }): c is PdContactMethod => 'address' in c && typeof (c as PdContactMethod).address === 'string';


/** 'HH:MM:SS' -> seconds after midnight, or undefined. */
function secondsOfDay(s: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(s ?? '');
  if (!m) return undefined;
  const v = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
  return v < 86400 ? v : undefined;
}

/** PagerDuty restrictions -> Vigil restrictions ([] = none); undefined when not expressible. */
export function pdRestrictions(list: PdRestriction[] | undefined, label: string, out: Unmapped): Restriction[] | undefined {
  const result: Restriction[] = [];
  let rounded = false;
  for (const r of list ?? []) {
    const start = secondsOfDay(r.start_time_of_day);
    if (start === undefined || !Number.isFinite(r.duration_seconds) || r.duration_seconds <= 0) {
      out.skip('rotation', label, `restriction "${r.type}" at "${r.start_time_of_day}" is not readable`);
      return undefined;
    }
    if (start % 60 || r.duration_seconds % 60) rounded = true;
    const s = Math.floor(start / 60);
    const dur = Math.round(r.duration_seconds / 60);
    if (r.type === 'daily_restriction') {
      if (dur >= 1440) return []; // covers every moment
      result.push({ type: 'time_of_day', start: hhmm(s), end: hhmm(s + dur) });
    } else if (r.type === 'weekly_restriction') {
      const wd = r.start_day_of_week ?? 0;
      if (!Number.isInteger(wd) || wd < 1 || wd > 7) {
        out.skip('rotation', label, `weekly restriction with start_day_of_week ${String(r.start_day_of_week)}`);
        return undefined;
      }
      if (dur >= 7 * 1440) return [];
      const endOfWeek = (wd - 1) * 1440 + s + dur;
      const endWd = ((Math.floor(endOfWeek / 1440) % 7) + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
      result.push({ type: 'weekly', startWeekday: wd as 1 | 2 | 3 | 4 | 5 | 6 | 7, startTime: hhmm(s), endWeekday: endWd, endTime: hhmm(endOfWeek) });
    } else {
      out.skip('rotation', label, `restriction type "${r.type}" is unknown`);
      return undefined;
    }
  }
  if (rounded) out.approx('rotation', label, 'restriction times rounded to whole minutes');
  return result;
}

export function mapPagerDuty(account: PagerDutyAccount, options: MapOptions): MappingResult {
  const now = options.now;
  const out = new Unmapped();
  const todos: UserTodo[] = [];
  const contactDocs: VigilContactsDoc[] = [];

  // ---------------------------------------------------------------------------------------------
  // Users
  const users: VigilUserDoc[] = [];
  const emailById = new Map<string, string>();
  for (const u of account.users) {
    const label = `user ${q(u.email ?? u.name ?? u.id)}`;
    const email = normEmail(u.email);
    if (!email) {
      out.skip('user', label, 'no valid email address; Vigil identifies people by email');
      continue;
    }
    if (users.some((x) => x.email === email)) {
      out.skip('user', label, `another user has the email ${email}: Vigil identifies people by email`);
      continue;
    }
    emailById.set(u.id, email);
    const name = (u.name ?? '').trim().slice(0, 200) || email.split('@')[0]!;
    const role = mapRole(u.role);
    if (!role.exact) out.approx('user', label, `role "${u.role}" imported as responder (Vigil roles: admin, responder, stakeholder)`);
    let timeZone = 'UTC';
    if (validZone(u.time_zone)) timeZone = u.time_zone;
    else if (u.time_zone) out.approx('user', label, `time zone "${u.time_zone}" is not an IANA zone; set to UTC`);
    const contacts = (u.contact_methods ?? []).filter(isFull);
    const phoneContact = contacts.find((c) => (c.type === 'phone_contact_method' || c.type === 'sms_contact_method') && toE164(c.address, c.country_code));
    const phone = phoneContact ? toE164(phoneContact.address, phoneContact.country_code) : undefined;
    users.push({ email, name, timeZone, role: role.role, ...(phone ? { phone } : {}) });
    const { todo, doc } = userContacts(u, email, name, out);
    if (todo.items.length) todos.push(todo);
    contactDocs.push(doc);
  }
  const emailOf = (ref: { id: string } | undefined) => (ref ? emailById.get(ref.id) : undefined);

  // ---------------------------------------------------------------------------------------------
  // Teams
  const teams: VigilTeamDoc[] = [];
  const teamSlugs = new Slugs();
  const teamById = new Map<string, { slug: string; name: string }>();
  for (const t of account.teams) {
    const slug = teamSlugs.take(t.name, `team-${t.id.toLowerCase()}`);
    let members = (t.members ?? []).map((m) => emailOf(m.user)).filter((e): e is string => !!e);
    if (!t.members)
      members = account.users
        .filter((u) => (u.teams ?? []).some((x) => x.id === t.id))
        .map((u) => emailById.get(u.id))
        .filter((e): e is string => !!e);
    const lead = (t.members ?? [])
      .filter((m) => m.role === 'manager')
      .map((m) => emailOf(m.user))
      .find((e) => !!e);
    teams.push({
      slug,
      name: t.name.slice(0, 200),
      ...(t.description ? { description: t.description } : {}),
      ...(lead ? { lead } : {}),
      members: [...new Set(members)],
    });
    teamById.set(t.id, { slug, name: t.name });
  }
  let fallbackUsed = false;
  const teamOf = (refs: Array<{ id: string }> | undefined, label: string, kind: 'schedule' | 'escalation' | 'service', fallback?: string): string => {
    const found = (refs ?? []).map((r) => teamById.get(r.id)).find((t) => !!t);
    if (found) {
      if ((refs?.length ?? 0) > 1) out.approx(kind, label, `belongs to ${refs!.length} teams in PagerDuty; a Vigil ${kind} has one team: "${found.slug}"`);
      return found.slug;
    }
    if (fallback) return fallback;
    fallbackUsed = true;
    out.approx(kind, label, `no team in PagerDuty: put in team "${FALLBACK_TEAM}" (Vigil needs one)`);
    return FALLBACK_TEAM;
  };

  // ---------------------------------------------------------------------------------------------
  // Schedules
  const schedules: VigilScheduleDoc[] = [];
  const links: MappingResult['schedules'] = [];
  const scheduleSlugs = new Slugs();
  const scheduleById = new Map<string, { slug: string; team: string }>();
  let layersRead = 0;
  let overridesRead = 0;
  for (const s of account.schedules) {
    const label = `schedule ${q(s.name)}`;
    layersRead += s.schedule_layers?.length ?? 0;
    overridesRead += s.overrides?.length ?? 0;
    if (!validZone(s.time_zone)) {
      out.skip('schedule', label, `time zone "${s.time_zone}" is not an IANA zone`);
      continue;
    }
    const zone = s.time_zone;
    const team = teamOf(s.teams, label, 'schedule');
    const slug = scheduleSlugs.take(s.name, `schedule-${s.id.toLowerCase()}`);
    const names = new Names();
    const layers: VigilLayerDoc[] = [];
    (s.schedule_layers ?? []).forEach((l, i) => {
      const layer = mapLayer(l, `${label} layer ${q(l.name ?? String(i + 1))}`, zone, names.take(l.name || `Layer ${i + 1}`));
      if (layer) layers.push(layer);
    });
    const overrides: VigilOverrideDoc[] = [];
    for (const o of s.overrides ?? []) {
      const start = Date.parse(o.start);
      const end = Date.parse(o.end);
      const ol = `${label} override ${o.id ?? o.start}`;
      if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
        out.skip('override', ol, 'start or end is not a date-time');
        continue;
      }
      if (end <= now) continue;
      const user = emailOf(o.user);
      if (!user) {
        out.skip('override', ol, `user ${o.user?.summary ?? o.user?.id} was not imported`);
        continue;
      }
      overrides.push({ user, start: iso(start), end: iso(end), reason: `PagerDuty override${o.id ? ` ${o.id}` : ''}` });
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
    scheduleById.set(s.id, { slug, team });
  }

  function mapLayer(l: PdScheduleLayer, label: string, zone: string, name: string): VigilLayerDoc | undefined {
    const end = l.end ? Date.parse(l.end) : null;
    if (end !== null && Number.isFinite(end) && end <= now) {
      out.skip('rotation', label, `ended ${iso(end)} (history only)`);
      return undefined;
    }
    const participants: string[] = [];
    for (const m of l.users ?? []) {
      const e = emailOf(m.user);
      if (!e) {
        out.skip('rotation', label, `participant ${m.user?.summary ?? m.user?.id} was not imported`);
        return undefined;
      }
      participants.push(e);
    }
    const turn = l.rotation_turn_length_seconds;
    let unit: 'hour' | 'day' | 'week';
    let length: number;
    if (turn > 0 && turn % (7 * 86400) === 0) [unit, length] = ['week', turn / (7 * 86400)];
    else if (turn > 0 && turn % 86400 === 0) [unit, length] = ['day', turn / 86400];
    else if (turn > 0 && turn % 3600 === 0) [unit, length] = ['hour', turn / 3600];
    else {
      out.skip('rotation', label, `a turn of ${turn} s is not expressible: Vigil shifts are whole hours, days or weeks`);
      return undefined;
    }
    const vstart = Date.parse(l.rotation_virtual_start);
    const start = Date.parse(l.start);
    if (!Number.isFinite(vstart) || !Number.isFinite(start)) {
      out.skip('rotation', label, 'rotation_virtual_start or start is not a date-time');
      return undefined;
    }
    const restrictions = pdRestrictions(l.restrictions, label, out);
    if (!restrictions) return undefined;
    // Anchor at the hand-off at or before the layer's start; rotate the participants to match.
    const turnStart = (k: number): number => {
      if (unit === 'hour') return vstart + k * turn * 1000;
      const z = zoneOffsets(zone);
      return z.toInstant(z.toLocal(vstart) + k * (turn / 86400) * DAY);
    };
    let k = Math.floor((start - vstart) / (turn * 1000));
    while (turnStart(k) > start) k--;
    while (turnStart(k + 1) <= start) k++;
    const anchor = turnStart(k);
    if (anchor < start && start > now) {
      const p = localParts(start, zone);
      out.approx('rotation', label, `starts ${p.date} ${p.time} in the middle of a turn; in Vigil it starts at that turn's hand-off (${iso(anchor)})`);
    }
    return toLayer({ label, name, participants: rotateLeft(participants, k), unit, length, anchor, end, restrictions, zone }, out);
  }

  // ---------------------------------------------------------------------------------------------
  // Escalation policies
  const policies: VigilPolicyDoc[] = [];
  const policySlugs = new Slugs();
  const policyById = new Map<string, { slug: string; team: string }>();
  for (const p of account.escalationPolicies) {
    const label = `escalation policy ${q(p.name)}`;
    const steps: VigilPolicyDoc['steps'] = [];
    const scheduleTeams: string[] = [];
    p.escalation_rules.forEach((rule, i) => {
      const rl = `${label} rule ${i + 1}`;
      const targets: VigilTargetDoc[] = [];
      for (const t of rule.targets ?? []) {
        const type = (t.type ?? '').replace(/_reference$/, '');
        if (type === 'user') {
          const e = emailOf(t);
          if (e) targets.push({ user: e });
          else out.skip('escalation-rule', rl, `user ${t.summary ?? t.id} was not imported`);
        } else if (type === 'schedule') {
          const sch = scheduleById.get(t.id);
          if (sch) {
            targets.push({ schedule: sch.slug });
            scheduleTeams.push(sch.team);
          } else out.skip('escalation-rule', rl, `schedule ${t.summary ?? t.id} was not imported`);
        } else out.skip('escalation-rule', rl, `target type "${t.type}" is not expressible`);
      }
      const strategy =
        typeof rule.escalation_rule_assignment_strategy === 'string'
          ? rule.escalation_rule_assignment_strategy
          : rule.escalation_rule_assignment_strategy?.type;
      if (strategy === 'round_robin') out.approx('escalation-rule', rl, 'round robin assignment: Vigil notifies every target of a step');
      if (targets.length === 0) {
        out.skip('escalation-rule', rl, 'none of its targets could be imported');
        return;
      }
      let delay = rule.escalation_delay_in_minutes;
      if (!Number.isInteger(delay) || delay < 1 || delay > 1440) {
        const clamped = Math.min(1440, Math.max(1, Math.round(delay || 1)));
        out.approx('escalation-rule', rl, `a delay of ${delay} min is outside Vigil's 1-1440 min: set to ${clamped}`);
        delay = clamped;
      }
      steps.push({ delayMinutes: delay, targets });
    });
    if (steps.length === 0) {
      out.skip('escalation', label, 'none of its rules could be imported');
      continue;
    }
    let repeat = p.num_loops ?? 0;
    if (repeat > 9) {
      out.approx('escalation', label, `loops ${repeat} times; Vigil repeats a policy at most 9 times`);
      repeat = 9;
    }
    const team = teamOf(p.teams, label, 'escalation', (p.teams ?? []).length === 0 ? scheduleTeams[0] : undefined);
    const slug = policySlugs.take(p.name, `policy-${p.id.toLowerCase()}`);
    policies.push({ slug, name: p.name.slice(0, 200), team, ...(p.description ? { description: p.description } : {}), repeat: Math.max(0, repeat), steps });
    policyById.set(p.id, { slug, team });
  }

  // ---------------------------------------------------------------------------------------------
  // Services
  const services: VigilServiceDoc[] = [];
  const serviceSlugs = new Slugs();
  const serviceById = new Map<string, VigilServiceDoc>();
  for (const s of account.services) {
    const label = `service ${q(s.name)}`;
    if (s.status === 'disabled') {
      out.skip('service', label, 'disabled in PagerDuty');
      continue;
    }
    const policy = policyById.get(s.escalation_policy?.id);
    if (!policy)
      out.approx(
        'service',
        label,
        `its escalation policy (${s.escalation_policy?.summary ?? s.escalation_policy?.id}) was not imported: alerts will not page anyone until you set one`,
      );
    const team = teamOf(s.teams, label, 'service', (s.teams ?? []).length === 0 ? policy?.team : undefined);
    const integrations: NonNullable<VigilServiceDoc['integrations']> = [];
    const intNames = new Names();
    for (const i of s.integrations ?? []) {
      const il = `${label} integration ${q(i.name ?? i.summary ?? i.id)}`;
      const name = intNames.take(i.name ?? i.summary ?? 'Events API v2');
      if (i.type === 'events_api_v2_inbound_integration' || i.type === 'events_api_v2_inbound_integration_reference') {
        const key =
          i.integration_key && i.integration_key.length >= 16 && i.integration_key.length <= 200 && !/\s/.test(i.integration_key)
            ? i.integration_key
            : undefined;
        if (!key) out.approx('integration', il, 'PagerDuty did not show its integration key: Vigil creates a new routing key, give it to the clients');
        integrations.push({ name, type: 'pagerduty', ...(key ? { key } : {}) });
      } else if (i.type === 'generic_events_api_inbound_integration') {
        out.skip(
          'integration',
          il,
          'Events API v1 (generic/2010-04-15/create_event.json) is not served by Vigil: switch the client to Events API v2 (/v2/enqueue)',
        );
      } else if (i.type === 'generic_email_inbound_integration' || i.type === 'email_inbound_integration') {
        out.skip('integration', il, 'email integrations are not supported: send alerts over HTTP (Events API v2, Alertmanager, Grafana or a generic webhook)');
      } else {
        out.skip(
          'integration',
          il,
          `${i.type} uses a PagerDuty-specific endpoint: add a Vigil integration (pagerduty, alertmanager, grafana, generic webhook...) and point the tool at it`,
        );
      }
    }
    let urgency: VigilServiceDoc['urgency'];
    const rule = s.incident_urgency_rule;
    if (rule?.type === 'constant' && (rule.urgency === 'high' || rule.urgency === 'low'))
      urgency = { P1: rule.urgency, P2: rule.urgency, P3: rule.urgency, P4: rule.urgency, P5: rule.urgency };
    else if (rule)
      out.approx(
        'service',
        label,
        `incident urgency "${rule.type}${rule.urgency ? `/${rule.urgency}` : ''}": Vigil maps priority to urgency (default P1-P3 high, P4-P5 low)`,
      );
    if (s.acknowledgement_timeout) out.approx('service', label, `re-triggering ${s.acknowledgement_timeout} s after an acknowledgement is not supported`);
    if (s.auto_resolve_timeout) out.approx('service', label, `auto-resolving after ${s.auto_resolve_timeout} s is not supported`);
    const svc: VigilServiceDoc = {
      slug: serviceSlugs.take(s.name, `service-${s.id.toLowerCase()}`),
      name: s.name.slice(0, 200),
      team,
      ...(s.description ? { description: s.description } : {}),
      ...(policy ? { escalationPolicy: policy.slug } : {}),
      ...(urgency ? { urgency } : {}),
      ...(integrations.length ? { integrations } : {}),
    };
    services.push(svc);
    serviceById.set(s.id, svc);
  }

  for (const m of account.maintenanceWindows) {
    const label = `maintenance window ${q(m.description || m.id)}`;
    const start = Date.parse(m.start_time);
    const end = Date.parse(m.end_time);
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
      out.skip('maintenance', label, 'start or end is not a date-time');
      continue;
    }
    if (end <= now) continue;
    for (const ref of m.services ?? []) {
      const svc = serviceById.get(ref.id);
      if (!svc) {
        out.skip('maintenance', label, `service ${ref.summary ?? ref.id} was not imported`);
        continue;
      }
      svc.maintenance = [...(svc.maintenance ?? []), { start: iso(start), end: iso(end), ...(m.description ? { reason: m.description.slice(0, 500) } : {}) }];
    }
  }

  if (fallbackUsed) teams.push({ slug: FALLBACK_TEAM, name: 'Imported from PagerDuty', description: 'Objects that had no team in PagerDuty', members: [] });

  return {
    document: vigilDocument({ users, contacts: contactDocs, teams, schedules, policies, services }),
    unmapped: out.items,
    todos,
    schedules: links,
    read: {
      users: account.users.length,
      teams: account.teams.length,
      schedules: account.schedules.length,
      layers: layersRead,
      overrides: overridesRead,
      escalationPolicies: account.escalationPolicies.length,
      services: account.services.length,
      integrations: account.services.reduce((n, s) => n + (s.integrations?.length ?? 0), 0),
      maintenanceWindows: account.maintenanceWindows.length,
    },
  };
}

/** A person's contact methods and notification rules, as the `contacts` section carries them over. */
function userContacts(u: PdUser, email: string, name: string, out: Unmapped): { todo: UserTodo; doc: VigilContactsDoc } {
  const label = `user ${q(email)}`;
  const items: string[] = [];
  const doc: VigilContactsDoc = { user: email, importedFrom: 'PagerDuty', methods: [], rules: [] };
  const contacts = (u.contact_methods ?? []).filter(isFull);
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const TYPE: Record<string, 'email' | 'sms' | 'voice'> = { email_contact_method: 'email', phone_contact_method: 'voice', sms_contact_method: 'sms' };
  const methodOf = (c: PdContactMethod): { type: 'email' | 'sms' | 'voice'; address: string } | undefined => {
    const type = TYPE[c.type];
    if (!type) return undefined;
    const address = type === 'email' ? normEmail(c.address) : toE164(c.address, c.country_code);
    return address ? { type, address } : undefined;
  };
  for (const c of contacts) {
    if (c.type === 'push_notification_contact_method') {
      out.skip('contact-method', label, 'mobile app push: Vigil has no mobile app (use Slack DM, SMS or voice)');
      continue;
    }
    if (c.type === 'whatsapp_contact_method') {
      out.skip('contact-method', label, 'WhatsApp: Vigil reaches people by Slack DM, email, SMS or voice');
      continue;
    }
    const m = methodOf(c);
    if (!m) {
      out.skip('contact-method', label, `${CONTACT_KIND[c.type] ?? c.type} ${c.address}: not an email address or phone number Vigil can use`);
      continue;
    }
    if (doc.methods.some((x) => x.type === m.type && x.address === m.address)) continue;
    doc.methods.push({ ...m, ...(c.label ? { label: c.label.slice(0, 100) } : {}) });
    items.push(`confirm ${CONTACT_KIND[c.type] ?? c.type} ${m.address} (imported)`);
  }
  for (const r of (u.notification_rules ?? []) as Array<PdNotificationRule | { id: string }>) {
    if (!('contact_method' in r)) continue;
    const c = isFull(r.contact_method) ? r.contact_method : byId.get(r.contact_method.id);
    if (!c) continue;
    const m = methodOf(c);
    if (!m) continue;
    if (!doc.methods.some((x) => x.type === m.type && x.address === m.address)) doc.methods.push(m);
    const urgencies: Array<'high' | 'low'> = r.urgency === 'high' || r.urgency === 'low' ? [r.urgency] : ['high', 'low'];
    let after = r.start_delay_in_minutes;
    if (after > 240) {
      out.approx('notification-rule', label, `a notification after ${after} min: Vigil rules wait at most 240 min`);
      after = 240;
    }
    for (const urgency of urgencies) if (!doc.rules.some((x) => x.urgency === urgency && x.type === m.type && x.address === m.address && x.delayMinutes === after)) doc.rules.push({ urgency, ...m, delayMinutes: after });
  }
  return { todo: { email, name, items }, doc };
}

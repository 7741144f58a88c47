/**
 * Incidents: the on-call declares, sets the severity, acts as commander, mobilizes others and (at
 * the communication threshold) keeps the company informed. Everything is on the incident's
 * timeline; private incidents (security reports) are visible to their members only.
 */
import { UPDATE_REMINDER_JOB, CHANNEL_JOB, POSTMORTEM_JOB } from '../shared/jobs.js';
import { audit } from '../audit/audit.js';
import { canSeeIncident, shownToEveryone, incidentVisibilityFor, type IncidentViewer, type IncidentVisibility } from '../auth/permissions.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Ctx } from '../shared/context.js';
import { SYSTEM_ACTOR, type Actor, type Repos } from '../shared/ports.js';
import { requireText } from '../shared/validate.js';
import { createPage, type PageUnreached } from '../notifications/pages.js';
import { queueMessage } from '../notifications/outbox.js';
import { resolveTargets } from '../alerts/services.js';
import { whoIsOnCall } from '../schedules/schedules.js';
import type { User } from '../users/users.js';
import { findSeverity, type Severity } from './severities.js';

export const STATUSES = ['triage', 'investigating', 'identified', 'monitoring', 'resolved', 'cancelled'] as const;
export type IncidentStatus = (typeof STATUSES)[number];
export type MemberRole = 'commander' | 'comms' | 'responder' | 'member' | 'subscriber';

export interface Incident {
  id: string;
  number: number;
  title: string;
  summary: string;
  severity: string;
  status: IncidentStatus;
  private: boolean;
  commanderId: string | null;
  commsLeadId: string | null;
  declaredBy: string | null;
  serviceIds: string[];
  sourceType: string;
  sourceId: string | null;
  slackChannelId: string | null;
  startedAt: number;
  detectedAt: number;
  acknowledgedAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  lastUpdateAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface IncidentSettings {
  /** Company distribution list, e.g. partners@example.com. */
  companyEmail: string | null;
  /** Slack channel id of #announcements. */
  announcementsChannel: string | null;
  /** The engineering lead looped in with one action. */
  escalationContactUserId: string | null;
  /** The security owner and channel (security reports). */
  securityOwnerUserId: string | null;
  securityChannel: string | null;
  /** Slack user group of the on-call (e.g. @team-oncall), mentioned in security posts. */
  oncallUserGroup: string | null;
  /** The team's guidance on "bug or incident?", shown beside the triage queue. */
  triageGuidance: string;
}

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  companyEmail: null,
  announcementsChannel: null,
  escalationContactUserId: null,
  securityOwnerUserId: null,
  securityChannel: null,
  oncallUserGroup: null,
  triageGuidance: 'It is an incident when customers are affected now or soon (errors, slowness, data at risk). A bug is broken behaviour with no urgent customer impact: file a ticket.',
};

export interface IncidentFilter {
  status?: 'open' | IncidentStatus;
  /** Who looks: the one rule of core/auth/permissions.ts (private incidents need membership). */
  visibleTo: IncidentVisibility;
  serviceId?: string;
  severity?: string;
  from?: number;
  to?: number;
  q?: string;
  limit?: number;
}

export interface IncidentsRepo {
  listSeverities(): Promise<Severity[]>;
  findSeverity(key: string): Promise<Severity | undefined>;
  saveSeverity(s: Severity, at: number): Promise<void>;
  nextNumber(): Promise<number>;
  insert(i: Incident): Promise<void>;
  update(i: Incident): Promise<void>;
  find(id: string): Promise<Incident | undefined>;
  findByNumber(n: number): Promise<Incident | undefined>;
  findBySlackChannel(channelId: string): Promise<Incident | undefined>;
  list(filter: IncidentFilter): Promise<Incident[]>;
  addMember(incidentId: string, userId: string, role: MemberRole, at: number): Promise<void>;
  removeMember(incidentId: string, userId: string, role: MemberRole): Promise<void>;
  members(incidentId: string): Promise<Array<{ userId: string; role: MemberRole; addedAt: number }>>;
  subscribeService(serviceId: string, userId: string, at: number): Promise<void>;
  serviceSubscribers(serviceIds: string[]): Promise<string[]>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    incidents: IncidentsRepo;
  }
}

export async function getIncidentSettings(r: Repos): Promise<IncidentSettings> {
  const raw = await r.settings.get('incidents');
  return { ...DEFAULT_INCIDENT_SETTINGS, ...(raw ? (JSON.parse(raw) as Partial<IncidentSettings>) : {}) };
}

export async function setIncidentSettings(r: Repos, actor: Actor, patch: Partial<IncidentSettings>): Promise<IncidentSettings> {
  const next = { ...(await getIncidentSettings(r)), ...patch };
  for (const f of ['escalationContactUserId', 'securityOwnerUserId'] as const) {
    if (next[f] && !(await r.users.findById(next[f]!))) throw invalid('unknown_user', `${f}: no user "${next[f]}".`, { field: f });
  }
  for (const f of ['announcementsChannel', 'securityChannel'] as const) {
    if (next[f] && !/^[CG][A-Z0-9]{2,20}$/.test(next[f]!)) throw invalid('invalid_slack_id', `${f}: "${next[f]}" is not a Slack channel id (C...).`, { field: f });
  }
  if (next.oncallUserGroup && !/^S[A-Z0-9]{2,20}$/.test(next.oncallUserGroup)) throw invalid('invalid_slack_id', `oncallUserGroup: "${next.oncallUserGroup}" is not a Slack user group id (S...).`, { field: 'oncallUserGroup' });
  if (next.companyEmail && !/^[^\s@]+@[^\s@]+$/.test(next.companyEmail)) throw invalid('invalid_email', `companyEmail: "${next.companyEmail}" is not an email address.`, { field: 'companyEmail' });
  const before = await getIncidentSettings(r);
  await r.settings.set('incidents', JSON.stringify(next));
  await r.events.append({ entityType: 'settings', entityId: 'incidents', type: 'settings.updated', actor, data: patch as Record<string, unknown> });
  await audit(r, actor, { action: 'settings.updated', entityType: 'settings', entityId: 'incidents', before, after: next });
  return next;
}

/** @deprecated Use `Ctx` (core/shared/context.ts). */
export type IncidentContext = Ctx;

const label = (i: Incident) => `INC-${i.number}`;
export { UPDATE_REMINDER_JOB } from '../shared/jobs.js';
export { CHANNEL_JOB } from '../shared/jobs.js';
export { POSTMORTEM_JOB } from '../shared/jobs.js';

// ---------------------------------------------------------------------------------------------
// Visibility

/** Private incidents are visible to their members and the security owner only (admins included): the rule of core/auth/permissions.ts. */
export async function canSee(r: Repos, incident: Incident, userId: string): Promise<boolean> {
  return canSeeIncident(r, { id: userId }, incident);
}

/** The incidents a viewer (null: the system) may see, by the one rule, with the other filters applied in the query. */
export async function listIncidents(r: Repos, viewer: IncidentViewer | 'public', filter: Omit<IncidentFilter, 'visibleTo'>): Promise<Incident[]> {
  return r.incidents.list({ ...filter, visibleTo: await incidentVisibilityFor(r, viewer) });
}

export async function findIncident(r: Repos, ref: string, viewer: { id: string; isAdmin: boolean } | null): Promise<Incident> {
  const m = /^(?:INC-)?#?(\d+)$/i.exec(ref);
  const incident = m ? await r.incidents.findByNumber(Number(m[1])) : await r.incidents.find(ref);
  // A private incident the viewer may not see does not exist for them.
  if (!incident || (viewer && !(await canSee(r, incident, viewer.id)))) throw notFound('incident', ref);
  return incident;
}

// ---------------------------------------------------------------------------------------------
// Declare

export interface DeclareInput {
  title: string;
  summary?: string;
  severity: string;
  serviceIds?: string[];
  alertIds?: string[];
  commanderId?: string | null;
  private?: boolean;
  startedAt?: number;
  sourceType?: string;
  sourceId?: string | null;
  /** Members added at once (security owner, on-call). */
  members?: string[];
}

/** The commander by default: the on-call of the first affected service (its policy's first schedule). */
async function defaultCommander(r: Repos, serviceIds: string[], now: number): Promise<string | undefined> {
  for (const sid of serviceIds) {
    const service = await r.alerts.findService(sid);
    const policy = service?.escalationPolicyId ? await r.alerts.findPolicy(service.escalationPolicyId) : undefined;
    for (const t of policy?.steps[0]?.targets ?? []) {
      if (t.type !== 'schedule') continue;
      const s = await r.schedules.findById(t.id);
      const [o] = s ? await whoIsOnCall(r, [s], now) : [];
      if (o?.onCall[0]) return o.onCall[0].userId;
    }
  }
  return undefined;
}

export async function declareIncident(r: Repos, ctx: Ctx, input: DeclareInput): Promise<Incident> {
  const now = ctx.now;
  const title = requireText(input.title, 'title', 200);
  const severity = await findSeverity(r, input.severity);
  const serviceIds: string[] = [];
  for (const ref of input.serviceIds ?? []) {
    const s = await r.alerts.findService(ref);
    if (!s) throw invalid('unknown_service', `serviceIds: no service "${ref}".`, { field: 'serviceIds' });
    serviceIds.push(s.id);
  }
  const alerts = [];
  for (const ref of input.alertIds ?? []) {
    const a = /^#?\d+$/.test(ref) ? await r.alerts.findAlertByNumber(Number(ref.replace('#', ''))) : await r.alerts.findAlert(ref);
    if (!a) throw invalid('unknown_alert', `alertIds: no alert "${ref}".`, { field: 'alertIds' });
    alerts.push(a);
    if (!serviceIds.includes(a.serviceId)) serviceIds.push(a.serviceId);
  }
  let commanderId = input.commanderId ?? undefined;
  if (commanderId) {
    const u = commanderId.includes('@') ? await r.users.findByEmail(commanderId.toLowerCase()) : await r.users.findById(commanderId);
    if (!u) throw invalid('unknown_user', `commanderId: no user "${commanderId}".`, { field: 'commanderId' });
    commanderId = u.id;
  }
  commanderId ??= (await defaultCommander(r, serviceIds, now)) ?? ctx.user?.id;
  const startedAt = input.startedAt ?? Math.min(now, ...alerts.map((a) => a.firstAt));
  const incident: Incident = {
    id: newId(now),
    number: await r.incidents.nextNumber(),
    title,
    summary: input.summary ?? '',
    severity: severity.key,
    status: 'investigating',
    private: input.private ?? false,
    commanderId: commanderId ?? null,
    commsLeadId: null,
    declaredBy: ctx.user?.id ?? null,
    serviceIds,
    sourceType: input.sourceType ?? (alerts.length ? 'alert' : 'manual'),
    sourceId: input.sourceId ?? alerts[0]?.id ?? null,
    slackChannelId: null,
    startedAt,
    detectedAt: Math.min(now, ...alerts.map((a) => a.createdAt)),
    acknowledgedAt: ctx.user && commanderId === ctx.user.id ? now : null,
    mitigatedAt: null,
    resolvedAt: null,
    lastUpdateAt: now,
    createdAt: now,
    updatedAt: now,
  };
  await r.incidents.insert(incident);
  if (commanderId) await r.incidents.addMember(incident.id, commanderId, 'commander', now);
  if (ctx.user && ctx.user.id !== commanderId) await r.incidents.addMember(incident.id, ctx.user.id, 'member', now);
  for (const m of input.members ?? []) if (m !== commanderId) await r.incidents.addMember(incident.id, m, 'member', now);
  for (const a of alerts) {
    await r.alerts.updateAlert({ ...a, incidentId: incident.id, updatedAt: now });
    await r.events.append({ entityType: 'alert', entityId: a.id, type: 'alert.linked_to_incident', actor: ctx.actor, data: { incidentId: incident.id, number: incident.number } });
  }
  await r.events.append({
    entityType: 'incident',
    entityId: incident.id,
    type: 'incident.declared',
    actor: ctx.actor,
    data: { title, severity: severity.key, commanderId, serviceIds, alertIds: alerts.map((a) => a.id), private: incident.private },
  });
  if (commanderId && commanderId !== ctx.user?.id) {
    await createPage(r, now, { userId: commanderId, urgency: severity.urgency, subject: `You are commander of ${label(incident)} [${severity.key}] ${title}`, text: `${incident.summary}\n${ctx.publicUrl}/incidents/${incident.id}`, sourceType: 'incident', sourceId: incident.id });
  }
  if (severity.incidentChannel && shownToEveryone(incident)) await r.jobs.enqueue({ kind: CHANNEL_JOB, payload: { incidentId: incident.id }, dedupeKey: `incident-channel:${incident.id}` });
  if (severity.companyComms && shownToEveryone(incident)) await communicate(r, ctx, incident, severity, 'declared', incident.summary || title);
  await notifySubscribers(r, ctx, incident, `${label(incident)} declared: ${title}`);
  await scheduleReminder(r, incident, severity, now);
  return incident;
}

async function scheduleReminder(r: Repos, incident: Incident, severity: Severity, from: number): Promise<void> {
  const runAt = from + severity.updateCadenceMinutes * 60_000;
  await r.jobs.enqueue({ kind: UPDATE_REMINDER_JOB, payload: { incidentId: incident.id, lastUpdateAt: from, stage: 1 }, runAt, dedupeKey: `incident-reminder:${incident.id}:${from}:1` });
}

// ---------------------------------------------------------------------------------------------
// Communication

export type CommsKind = 'declared' | 'severity_raised' | 'update' | 'resolved';

const COMMS_TITLES: Record<CommsKind, string> = { declared: 'Incident declared', severity_raised: 'Severity raised', update: 'Update', resolved: 'Resolved' };

/** The incident's first post in the announcements channel: later posts are replies in its thread. */
export const announcementRefKey = (incidentId: string): string => `incident:${incidentId}:announcement`;

/**
 * Tells the company: an email to the list (one thread per incident) and a post tagging stakeholders.
 * The first post starts a Slack thread; later ones are replies in it, and a severity change is also
 * shown in the channel (`broadcast`).
 */
export async function communicate(r: Repos, ctx: Ctx, incident: Incident, severity: Severity, kind: CommsKind, text: string, options: { broadcast?: boolean } = {}): Promise<void> {
  const settings = await getIncidentSettings(r);
  const commander = incident.commanderId ? await r.users.findById(incident.commanderId) : undefined;
  const subject = `[${severity.key}] ${label(incident)} ${incident.title} — ${COMMS_TITLES[kind]}`;
  const body = [
    text,
    '',
    `Severity: ${severity.key} (${severity.name}) · Status: ${incident.status}`,
    `Commander: ${commander?.name ?? 'unassigned'}`,
    `${ctx.publicUrl}/incidents/${incident.id}`,
  ].join('\n');
  const sent: string[] = [];
  if (settings.companyEmail) {
    await queueMessage(r, ctx.now, { channel: 'email', address: settings.companyEmail, subject, body, extra: { threadKey: `incident-${incident.id}` }, entityType: 'incident', entityId: incident.id });
    sent.push(`email ${settings.companyEmail}`);
  }
  if (settings.announcementsChannel) {
    const mentions = severity.stakeholderGroups.map((g) => `<!subteam^${g}>`).join(' ');
    const key = announcementRefKey(incident.id);
    const first = kind === 'declared' || (kind === 'severity_raised' && !(await r.notifications.getMessageRef(key)));
    const thread = first ? { refKey: key } : { threadRefKey: key, ...(options.broadcast ? { broadcast: true } : {}) };
    await queueMessage(r, ctx.now, { channel: 'slack_channel', address: settings.announcementsChannel, subject, body: `${mentions ? `${mentions} ` : ''}${body}`, extra: thread, entityType: 'incident', entityId: incident.id });
    sent.push(`slack ${settings.announcementsChannel}`);
  }
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.communicated', actor: ctx.actor, data: { kind, text, to: sent, ...(sent.length ? {} : { warning: 'No company email list or announcements channel is configured.' }) } });
}

async function notifySubscribers(r: Repos, ctx: Ctx, incident: Incident, text: string): Promise<void> {
  if (!shownToEveryone(incident)) return;
  const members = (await r.incidents.members(incident.id)).filter((m) => m.role === 'subscriber').map((m) => m.userId);
  const byService = await r.incidents.serviceSubscribers(incident.serviceIds);
  for (const userId of new Set([...members, ...byService])) {
    const u = await r.users.findById(userId);
    if (!u) continue;
    await queueMessage(r, ctx.now, { channel: 'email', address: u.email, subject: text, body: `${text}\n${ctx.publicUrl}/incidents/${incident.id}`, extra: { threadKey: `incident-${incident.id}` }, entityType: 'incident', entityId: incident.id });
  }
}

// ---------------------------------------------------------------------------------------------
// Changes

const ORDER: Record<IncidentStatus, number> = { triage: 0, investigating: 1, identified: 2, monitoring: 3, resolved: 4, cancelled: 4 };

export async function setStatus(r: Repos, ctx: Ctx, incident: Incident, status: string, options: { reason?: string; reopen?: boolean } = {}): Promise<Incident> {
  if (!(STATUSES as readonly string[]).includes(status)) throw invalid('invalid_status', `status must be one of ${STATUSES.join(', ')}.`, { field: 'status' });
  const next = status as IncidentStatus;
  if (next === incident.status) return incident;
  if ((incident.status === 'resolved' || incident.status === 'cancelled') && !options.reopen) {
    throw conflict('incident_closed', `${label(incident)} is ${incident.status}; reopen it to change its status (reopen: true).`);
  }
  const now = ctx.now;
  const updated: Incident = {
    ...incident,
    status: next,
    mitigatedAt: incident.mitigatedAt ?? (ORDER[next] >= ORDER.monitoring && next !== 'cancelled' ? now : null),
    resolvedAt: next === 'resolved' ? now : ORDER[next] < 4 ? null : incident.resolvedAt,
    acknowledgedAt: incident.acknowledgedAt ?? now,
    updatedAt: now,
  };
  await r.incidents.update(updated);
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: options.reopen ? 'incident.reopened' : 'incident.status_changed', actor: ctx.actor, data: { from: incident.status, to: next, ...(options.reason ? { reason: options.reason } : {}) } });
  const severity = await findSeverity(r, updated.severity);
  if (next === 'resolved') {
    await r.jobs.cancelPending(`incident-reminder:${incident.id}:`);
    if (severity.companyComms && shownToEveryone(updated)) await communicate(r, ctx, updated, severity, 'resolved', options.reason ?? `${label(updated)} is resolved.`);
    await notifySubscribers(r, ctx, updated, `${label(updated)} resolved: ${updated.title}`);
    await r.jobs.enqueue({ kind: POSTMORTEM_JOB, payload: { incidentId: incident.id }, dedupeKey: `postmortem-needed:${incident.id}:${now}` });
  } else if (severity.companyComms && shownToEveryone(updated)) {
    await communicate(r, ctx, updated, severity, 'update', options.reason ?? `Status is now ${next}.`);
  }
  return updated;
}

export async function setSeverity(r: Repos, ctx: Ctx, incident: Incident, key: string, reason?: string): Promise<Incident> {
  const to = await findSeverity(r, key);
  const from = await findSeverity(r, incident.severity);
  if (to.key === from.key) return incident;
  if (incident.status === 'resolved' || incident.status === 'cancelled') throw conflict('incident_closed', `${label(incident)} is ${incident.status}.`);
  const updated = { ...incident, severity: to.key, updatedAt: ctx.now };
  await r.incidents.update(updated);
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.severity_changed', actor: ctx.actor, data: { from: from.key, to: to.key, ...(reason ? { reason } : {}) } });
  if (to.companyComms && shownToEveryone(updated)) await communicate(r, ctx, updated, to, from.companyComms ? 'update' : 'severity_raised', reason ?? `Severity changed from ${from.key} to ${to.key}.`, { broadcast: true });
  if (to.incidentChannel && !updated.slackChannelId && shownToEveryone(updated)) await r.jobs.enqueue({ kind: CHANNEL_JOB, payload: { incidentId: incident.id }, dedupeKey: `incident-channel:${incident.id}` });
  return updated;
}

/** A status update written by the comms lead (or commander): sent everywhere it must go. */
export async function postUpdate(r: Repos, ctx: Ctx, incident: Incident, text: string): Promise<Incident> {
  const body = requireText(text, 'text', 10_000);
  if (incident.status === 'resolved' || incident.status === 'cancelled') throw conflict('incident_closed', `${label(incident)} is ${incident.status}.`);
  const updated = { ...incident, lastUpdateAt: ctx.now, updatedAt: ctx.now };
  await r.incidents.update(updated);
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.update', actor: ctx.actor, data: { text: body } });
  const severity = await findSeverity(r, incident.severity);
  if (severity.companyComms && shownToEveryone(incident)) await communicate(r, ctx, updated, severity, 'update', body);
  await notifySubscribers(r, ctx, updated, `${label(updated)} update: ${body.slice(0, 120)}`);
  await r.jobs.cancelPending(`incident-reminder:${incident.id}:`);
  await scheduleReminder(r, updated, severity, ctx.now);
  return updated;
}

/** When the cadence passes with no update: nudge the comms lead, then the commander. */
export async function sendUpdateReminder(r: Repos, ctx: Ctx, payload: { incidentId: string; lastUpdateAt: number; stage: number }): Promise<void> {
  const incident = await r.incidents.find(payload.incidentId);
  if (!incident || incident.lastUpdateAt !== payload.lastUpdateAt || incident.status === 'resolved' || incident.status === 'cancelled') return;
  const severity = await findSeverity(r, incident.severity);
  const target = payload.stage === 1 ? (incident.commsLeadId ?? incident.commanderId) : incident.commanderId;
  if (!target) return;
  const user = await r.users.findById(target);
  if (!user) return;
  const minutes = Math.round((ctx.now - incident.lastUpdateAt) / 60_000);
  const lane = user.slackUserId ? { channel: 'slack_dm' as const, address: user.slackUserId } : { channel: 'email' as const, address: user.email };
  await queueMessage(r, ctx.now, {
    ...lane,
    subject: `${label(incident)} needs a status update`,
    body: `No update for ${minutes} minutes (the ${severity.key} cadence is ${severity.updateCadenceMinutes}). Post one: ${ctx.publicUrl}/incidents/${incident.id} or /incident update <text>`,
    entityType: 'incident',
    entityId: incident.id,
  });
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.update_overdue', actor: SYSTEM_ACTOR, data: { nudged: target, stage: payload.stage, minutes } });
  if (payload.stage === 1 && incident.commsLeadId && incident.commsLeadId !== incident.commanderId) {
    const runAt = ctx.now + Math.max(5, Math.round(severity.updateCadenceMinutes / 2)) * 60_000;
    await r.jobs.enqueue({ kind: UPDATE_REMINDER_JOB, payload: { ...payload, stage: 2 }, runAt, dedupeKey: `incident-reminder:${incident.id}:${payload.lastUpdateAt}:2` });
  }
}

export async function setRole(r: Repos, ctx: Ctx, incident: Incident, role: 'commander' | 'comms', userRef: string): Promise<Incident> {
  const user = userRef.includes('@') ? await r.users.findByEmail(userRef.toLowerCase()) : ((await r.users.findById(userRef)) ?? (await r.users.findBySlackId(userRef)));
  if (!user) throw invalid('unknown_user', `No user "${userRef}".`, { field: 'userId' });
  const updated = { ...incident, ...(role === 'commander' ? { commanderId: user.id } : { commsLeadId: user.id }), updatedAt: ctx.now };
  await r.incidents.update(updated);
  const previous = role === 'commander' ? incident.commanderId : incident.commsLeadId;
  if (previous) await r.incidents.removeMember(incident.id, previous, role);
  await r.incidents.addMember(incident.id, user.id, role, ctx.now);
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: role === 'commander' ? 'incident.commander_changed' : 'incident.comms_lead_changed', actor: ctx.actor, data: { from: previous, to: user.id, name: user.name } });
  if (user.id !== ctx.user?.id) {
    const severity = await findSeverity(r, incident.severity);
    await createPage(r, ctx.now, { userId: user.id, urgency: severity.urgency, subject: `You are ${role === 'commander' ? 'commander' : 'comms lead'} of ${label(incident)} ${incident.title}`, text: `${ctx.publicUrl}/incidents/${incident.id}`, sourceType: 'incident', sourceId: incident.id });
  }
  return updated;
}

/** Page people into the incident: a user, a team's on-call (its schedules), or an escalation policy's first step. */
export async function mobilize(r: Repos, ctx: Ctx, incident: Incident, target: { type: 'user' | 'team' | 'policy' | 'schedule'; id: string }, note?: string): Promise<string[]> {
  if (incident.status === 'resolved' || incident.status === 'cancelled') throw conflict('incident_closed', `${label(incident)} is ${incident.status}.`);
  let userIds: string[] = [];
  if (target.type === 'user') {
    const u = target.id.includes('@') ? await r.users.findByEmail(target.id.toLowerCase()) : ((await r.users.findById(target.id)) ?? (await r.users.findBySlackId(target.id)));
    if (u) userIds = [u.id];
  } else if (target.type === 'team') {
    const team = (await r.teams.findById(target.id)) ?? (await r.teams.findBySlug(target.id));
    if (!team) throw invalid('unknown_team', `No team "${target.id}".`, { field: 'target' });
    const schedules = await r.schedules.list({ teamId: team.id });
    const { users } = await resolveTargets(r, schedules.map((s) => ({ type: 'schedule' as const, id: s.id })), ctx.now);
    userIds = users.length ? users : team.leadUserId ? [team.leadUserId] : [];
  } else if (target.type === 'schedule') {
    const s = (await r.schedules.findById(target.id)) ?? (await r.schedules.findBySlug(target.id));
    if (!s) throw invalid('unknown_schedule', `No schedule "${target.id}".`, { field: 'target' });
    userIds = (await resolveTargets(r, [{ type: 'schedule', id: s.id }], ctx.now)).users;
  } else {
    const p = await r.alerts.findPolicy(target.id);
    if (!p) throw invalid('unknown_policy', `No escalation policy "${target.id}".`, { field: 'target' });
    userIds = (await resolveTargets(r, p.steps[0]?.targets ?? [], ctx.now)).users;
  }
  if (userIds.length === 0) throw invalid('nobody_to_page', `Nobody to page for ${target.type} "${target.id}" (no such user, or nobody on call).`, { field: 'target' });
  for (const userId of userIds) {
    await r.incidents.addMember(incident.id, userId, 'responder', ctx.now);
    await createPage(r, ctx.now, { userId, urgency: 'high', subject: `You are needed on ${label(incident)} [${incident.severity}] ${incident.title}`, text: `${note ? `${note}\n` : ''}${ctx.publicUrl}/incidents/${incident.id}`, sourceType: 'incident', sourceId: incident.id });
  }
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.paged', actor: ctx.actor, data: { target, userIds, ...(note ? { note } : {}) } });
  return userIds;
}

/**
 * A page into this incident reached nobody: it is on the incident's timeline (the incident page shows
 * who was not reached) and posted to the incident channel, or, without one, to the alerts channels of
 * the incident's services.
 */
export async function recordPageUnreached(r: Repos, ctx: Ctx, p: PageUnreached): Promise<void> {
  const incident = p.sourceId ? await r.incidents.find(p.sourceId) : undefined;
  if (!incident) return;
  const name = (await r.users.findById(p.userId))?.name ?? p.userId;
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.not_reached', actor: SYSTEM_ACTOR, data: { pageId: p.pageId, userId: p.userId, name, reason: p.reason, detail: p.detail } });
  if (incident.status === 'resolved' || incident.status === 'cancelled') return;
  const channels = incident.slackChannelId ? [incident.slackChannelId] : incident.private ? [] : (await Promise.all(incident.serviceIds.map((id) => r.alerts.findService(id)))).flatMap((s) => (s?.alertsChannel ? [s.alertsChannel] : []));
  for (const channel of new Set(channels)) {
    await queueMessage(r, ctx.now, {
      channel: 'slack_channel',
      address: channel,
      subject: `Not reached: ${name} for ${label(incident)} ${incident.title}`,
      body: `⚠️ ${name} was not reached (${p.detail}) for ${label(incident)} [${incident.severity}] ${incident.title}. Page someone else from the incident. ${ctx.publicUrl}/incidents/${incident.id}`,
      entityType: 'incident',
      entityId: incident.id,
    });
  }
}

export async function loopInEscalationContact(r: Repos, ctx: Ctx, incident: Incident): Promise<string[]> {
  const settings = await getIncidentSettings(r);
  if (!settings.escalationContactUserId) throw invalid('no_escalation_contact', 'No escalation contact is configured (incident settings: escalationContactUserId).');
  return mobilize(r, ctx, incident, { type: 'user', id: settings.escalationContactUserId }, 'You were looped in as the escalation contact.');
}

export async function addIncidentNote(r: Repos, ctx: Ctx, incident: Incident, text: string, source = 'web'): Promise<void> {
  const note = requireText(text, 'note', 10_000);
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.note', actor: ctx.actor, data: { note, source } });
}

export async function subscribe(r: Repos, ctx: Ctx, incident: Incident, userId: string): Promise<void> {
  await r.incidents.addMember(incident.id, userId, 'subscriber', ctx.now);
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.subscribed', actor: ctx.actor, data: { userId } });
}

export async function addMember(r: Repos, ctx: Ctx, incident: Incident, userRef: string): Promise<void> {
  const u = userRef.includes('@') ? await r.users.findByEmail(userRef.toLowerCase()) : await r.users.findById(userRef);
  if (!u) throw invalid('unknown_user', `No user "${userRef}".`, { field: 'userId' });
  await r.incidents.addMember(incident.id, u.id, 'member', ctx.now);
  await r.events.append({ entityType: 'incident', entityId: incident.id, type: 'incident.member_added', actor: ctx.actor, data: { userId: u.id, name: u.name } });
}

/** Whether the acknowledgement and response met the severity's targets. */
export function targetsMet(incident: Incident, severity: Severity, now: number): { ack: { minutes: number | null; met: boolean | null }; response: { minutes: number | null; met: boolean | null } } {
  const ackMin = incident.acknowledgedAt !== null ? (incident.acknowledgedAt - incident.startedAt) / 60_000 : null;
  const respMin = incident.mitigatedAt !== null ? (incident.mitigatedAt - incident.startedAt) / 60_000 : null;
  const elapsed = (now - incident.startedAt) / 60_000;
  return {
    ack: { minutes: ackMin, met: ackMin !== null ? ackMin <= severity.ackTargetMinutes : elapsed > severity.ackTargetMinutes ? false : null },
    response: { minutes: respMin, met: respMin !== null ? respMin <= severity.responseTargetMinutes : elapsed > severity.responseTargetMinutes ? false : null },
  };
}

export function assertCanRun(incident: Incident, user: User): void {
  if (user.role === 'stakeholder') throw forbidden('Stakeholders follow incidents; responders run them.');
  void incident;
}

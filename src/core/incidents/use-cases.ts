/**
 * The incidents use cases: what adapters (HTTP routes, Slack commands, engine jobs) call. Each opens
 * its own transaction and decides who may do it from the call's context; the steps they compose
 * (incidents.ts) take the bound repositories.
 */
import type { PostmortemStatus } from '../postmortems/postmortems.js';
import { requireAdmin, shownToEveryone } from '../auth/permissions.js';
import type { Principal } from '../auth/auth.js';
import type { Ctx } from '../shared/context.js';
import { forbidden, notFound, unauthenticated } from '../shared/errors.js';
import type { CoreDeps, Repos, TimelineEvent } from '../shared/ports.js';
import { notReachedFrom, type NotReached, type PageUnreached } from '../notifications/pages.js';
import type { Alert } from '../alerts/model.js';
import {
  addIncidentNote,
  addMember,
  assertCanRun,
  declareIncident,
  findIncident,
  getIncidentSettings,
  listIncidents,
  loopInEscalationContact,
  mobilize,
  postUpdate,
  setIncidentSettings,
  setRole,
  setSeverity,
  recordPageUnreached,
  sendUpdateReminder,
  setStatus,
  subscribe,
  targetsMet,
  type DeclareInput,
  type Incident,
  type IncidentSettings,
  type IncidentStatus,
  type MemberRole,
} from './incidents.js';
import { insights } from './insights.js';
import { findSeverity, validateSeverity, type Severity } from './severities.js';
import { audit } from '../audit/audit.js';

/** The principal of a signed-in call; use cases that need one refuse others. */
function signedIn(ctx: Ctx): Principal {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
}

/** Who looks at incidents: the person acting, or (none) Vigil itself, which sees everything. */
export const viewerOf = (ctx: Ctx): { id: string; isAdmin: boolean } | null => (ctx.user ? { id: ctx.user.id, isAdmin: ctx.user.role === 'admin' } : null);

/** Acting on an incident: stakeholders follow incidents, responders run them. */
function requireRunner(ctx: Ctx, incident: Incident): void {
  if (ctx.user) assertCanRun(incident, ctx.user);
}

// ---------------------------------------------------------------------------------------------
// Severity levels and settings

export async function listSeverityLevels(deps: CoreDeps, _ctx: Ctx, _input: Record<string, never> = {}): Promise<Severity[]> {
  return deps.uow.run((r) => r.incidents.listSeverities());
}

/** Creates or replaces a severity level (admins). */
export async function saveSeverityLevel(deps: CoreDeps, ctx: Ctx, s: Severity): Promise<Severity> {
  requireAdmin(signedIn(ctx), 'change severity levels');
  validateSeverity(s);
  const actor = ctx.actor;
  await deps.uow.run(async (r) => {
    const before = (await r.incidents.listSeverities()).find((x) => x.key === s.key) ?? null;
    await r.incidents.saveSeverity(s, ctx.now);
    await r.events.append({ entityType: 'settings', entityId: 'severities', type: 'severity.saved', actor, data: { key: s.key } });
    await audit(r, actor, { action: 'severity.saved', entityType: 'severity', entityId: s.key, before, after: s });
  });
  return s;
}

export async function readIncidentSettings(deps: CoreDeps, _ctx: Ctx, _input: Record<string, never> = {}): Promise<IncidentSettings> {
  return deps.uow.run((r) => getIncidentSettings(r));
}

/** Changes the incident settings (admins). */
export async function changeIncidentSettings(deps: CoreDeps, ctx: Ctx, patch: Partial<IncidentSettings>): Promise<IncidentSettings> {
  requireAdmin(signedIn(ctx), 'change the incident settings');
  return deps.uow.run((r) => setIncidentSettings(r, ctx.actor, patch));
}

// ---------------------------------------------------------------------------------------------
// Queries

export interface IncidentSearch {
  status?: string;
  severity?: string;
  /** A service id or slug. */
  service?: string;
  q?: string;
  limit?: number;
}

/** The incidents the caller may see, newest first. */
export async function searchIncidents(deps: CoreDeps, ctx: Ctx, input: IncidentSearch): Promise<Incident[]> {
  return deps.uow.run(async (r) => {
    const serviceId = input.service ? ((await r.alerts.findService(input.service))?.id ?? 'none') : undefined;
    return listIncidents(r, ctx.user ? { id: ctx.user.id } : null, {
      ...(input.status ? { status: input.status as 'open' | IncidentStatus } : {}),
      ...(input.severity ? { severity: input.severity.toUpperCase() } : {}),
      ...(serviceId ? { serviceId } : {}),
      ...(input.q ? { q: input.q } : {}),
      limit: input.limit ?? 100,
    });
  });
}

export interface IncidentDetail {
  incident: Incident;
  members: Array<{ userId: string; role: MemberRole; addedAt: number; name: string }>;
  targets: ReturnType<typeof targetsMet>;
  severity: Severity;
  alerts: Alert[];
  postmortem: { id: string; status: PostmortemStatus; dueAt: number | null } | null;
  timeline: TimelineEvent[];
  notReached: NotReached[];
}

/** An incident (id or INC-42) with its members, targets, alerts, post-mortem and timeline. */
export async function incidentDetail(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<IncidentDetail> {
  return deps.uow.run(async (r) => {
    const i = await findIncident(r, input.ref, viewerOf(ctx));
    const severity = await findSeverity(r, i.severity);
    const members = await Promise.all((await r.incidents.members(i.id)).map(async (m) => ({ ...m, name: (await r.users.findById(m.userId))?.name ?? m.userId })));
    const { data: alerts } = await r.alerts.listAlerts({ incidentId: i.id, limit: 1000 });
    const pm = await r.postmortems.findByIncident(i.id);
    const timeline = await r.events.list('incident', i.id, { limit: 5000 });
    return {
      incident: i,
      members,
      targets: targetsMet(i, severity, ctx.now),
      severity,
      alerts,
      postmortem: pm ? { id: pm.id, status: pm.status, dueAt: pm.dueAt } : null,
      timeline,
      notReached: await notReachedFrom(r, timeline),
    };
  });
}

/** MTTA and MTTR per severity, service and month, incidents per week, on-call load (the last 90 days by default). */
export async function incidentInsights(deps: CoreDeps, ctx: Ctx, input: { from?: number; to?: number }): Promise<Awaited<ReturnType<typeof insights>>> {
  const to = input.to ?? ctx.now + 1;
  const from = input.from ?? to - 90 * 86_400_000;
  const viewerId = ctx.user?.id;
  if (!viewerId) throw unauthenticated();
  return deps.uow.run((r) => insights(r, { from, to, viewerId }));
}

// ---------------------------------------------------------------------------------------------
// Changes

export async function declareNewIncident(deps: CoreDeps, ctx: Ctx, input: DeclareInput): Promise<Incident> {
  return deps.uow.run((r) => declareIncident(r, ctx, input));
}

/** Runs one change on an incident the caller may see and run; answers the incident as it is after. */
async function onIncident(deps: CoreDeps, ctx: Ctx, ref: string, change: (r: Repos, incident: Incident) => Promise<unknown>): Promise<Incident> {
  return deps.uow.run(async (r) => {
    const i = await findIncident(r, ref, viewerOf(ctx));
    requireRunner(ctx, i);
    await change(r, i);
    return (await r.incidents.find(i.id))!;
  });
}

export async function changeStatus(deps: CoreDeps, ctx: Ctx, input: { ref: string; status: string; reason?: string; reopen?: boolean }): Promise<Incident> {
  return onIncident(deps, ctx, input.ref, (r, i) => setStatus(r, ctx, i, input.status, { ...(input.reason ? { reason: input.reason } : {}), ...(input.reopen ? { reopen: true } : {}) }));
}

export async function changeSeverity(deps: CoreDeps, ctx: Ctx, input: { ref: string; severity: string; reason?: string }): Promise<Incident> {
  return onIncident(deps, ctx, input.ref, (r, i) => setSeverity(r, ctx, i, input.severity, input.reason));
}

export async function postStatusUpdate(deps: CoreDeps, ctx: Ctx, input: { ref: string; text: string }): Promise<Incident> {
  return onIncident(deps, ctx, input.ref, (r, i) => postUpdate(r, ctx, i, input.text));
}

export async function assignRole(deps: CoreDeps, ctx: Ctx, input: { ref: string; role: 'commander' | 'comms'; userId: string }): Promise<Incident> {
  return onIncident(deps, ctx, input.ref, (r, i) => setRole(r, ctx, i, input.role, input.userId));
}

export async function pageIntoIncident(deps: CoreDeps, ctx: Ctx, input: { ref: string; type: 'user' | 'team' | 'policy' | 'schedule'; id: string; note?: string }): Promise<Incident> {
  return onIncident(deps, ctx, input.ref, (r, i) => mobilize(r, ctx, i, { type: input.type, id: input.id }, input.note));
}

export async function loopInEscalation(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<Incident> {
  return onIncident(deps, ctx, input.ref, (r, i) => loopInEscalationContact(r, ctx, i));
}

export async function noteIncident(deps: CoreDeps, ctx: Ctx, input: { ref: string; note: string }): Promise<Incident> {
  return onIncident(deps, ctx, input.ref, (r, i) => addIncidentNote(r, ctx, i, input.note));
}

export async function addIncidentMember(deps: CoreDeps, ctx: Ctx, input: { ref: string; userId: string }): Promise<Incident> {
  return onIncident(deps, ctx, input.ref, (r, i) => addMember(r, ctx, i, input.userId));
}

/** Follow an incident (stakeholders too). */
export async function followIncident(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<void> {
  const userId = ctx.user?.id;
  if (!userId) throw unauthenticated();
  await deps.uow.run(async (r) => subscribe(r, ctx, await findIncident(r, input.ref, viewerOf(ctx)), userId));
}

/** Follow every incident of a service (stakeholders too). */
export async function followService(deps: CoreDeps, ctx: Ctx, input: { service: string }): Promise<void> {
  const userId = ctx.user?.id;
  if (!userId) throw unauthenticated();
  await deps.uow.run(async (r) => {
    const s = await r.alerts.findService(input.service);
    if (!s) throw forbidden('No such service.');
    await r.incidents.subscribeService(s.id, userId, ctx.now);
  });
}

// ---------------------------------------------------------------------------------------------
// Jobs and reactions

/** When the cadence passes with no update: nudge the comms lead, then the commander. */
export async function remindUpdate(deps: CoreDeps, ctx: Ctx, payload: { incidentId: string; lastUpdateAt: number; stage: number }): Promise<void> {
  await deps.uow.run((r) => sendUpdateReminder(r, ctx, payload));
}

/** A page into an incident reached nobody: on its timeline, and posted where responders look. */
export async function incidentPageUnreached(deps: CoreDeps, ctx: Ctx, p: PageUnreached): Promise<void> {
  await deps.uow.run((r) => recordPageUnreached(r, ctx, p));
}

/** A page about an incident was acknowledged: the commander's acknowledgement counts as the incident's. */
export async function incidentPageAcknowledged(deps: CoreDeps, ctx: Ctx, p: { sourceId: string; userId: string; via: string }): Promise<void> {
  await deps.uow.run(async (r) => {
    const i = await r.incidents.find(p.sourceId);
    if (!i) return;
    if (i.commanderId === p.userId && i.acknowledgedAt === null) await r.incidents.update({ ...i, acknowledgedAt: ctx.now, updatedAt: ctx.now });
    await r.events.append({ entityType: 'incident', entityId: i.id, type: 'incident.page_acknowledged', actor: { type: 'user', id: p.userId }, data: { userId: p.userId, via: p.via } });
  });
}

// ---------------------------------------------------------------------------------------------
// The incident channel (a Slack channel per incident of a level that asks for one)

/** The incident, when it should get a channel (it exists and is not private). */
export async function incidentForChannel(deps: CoreDeps, _ctx: Ctx, input: { incidentId: string }): Promise<Incident | undefined> {
  const incident = await deps.uow.run((r) => r.incidents.find(input.incidentId));
  return incident && shownToEveryone(incident) ? incident : undefined;
}

/** Records the incident's channel; answers whom to invite (their Slack ids) and the channel topic. */
export async function attachIncidentChannel(deps: CoreDeps, ctx: Ctx, input: { incidentId: string; channelId: string }): Promise<{ invite: string[]; topic: string }> {
  const { channelId } = input;
  return deps.uow.run(async (r) => {
    const incident = await r.incidents.find(input.incidentId);
    if (!incident) throw notFound('incident', input.incidentId);
    await r.incidents.update({ ...incident, slackChannelId: channelId, updatedAt: ctx.now });
    const ids = await Promise.all((await r.incidents.members(incident.id)).map(async (m) => (await r.users.findById(m.userId))?.slackUserId));
    const commander = incident.commanderId ? await r.users.findById(incident.commanderId) : undefined;
    return {
      invite: ids.filter((x): x is string => !!x),
      topic: `[${incident.severity}] ${incident.status} · commander: ${commander?.name ?? 'unassigned'} · ${ctx.publicUrl}/incidents/${incident.id}`,
    };
  });
}

/** The channel is ready (responders invited, topic set): on the incident's timeline. */
export async function incidentChannelReady(deps: CoreDeps, ctx: Ctx, input: { incidentId: string; channelId: string }): Promise<void> {
  await deps.uow.run((r) => r.events.append({ entityType: 'incident', entityId: input.incidentId, type: 'incident.slack_channel', actor: ctx.actor, data: { channelId: input.channelId } }));
}

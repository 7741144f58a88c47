/**
 * Error triage: every error issue reported by Sentry lands once in a queue (its repeated events
 * update its counts; a resolved issue seen again is flagged as a regression and comes back). The
 * on-call decides, from the web, the API or the Slack message's buttons: declare an incident (or
 * link it to an open one), file a bug in Jira, "I am fixing it", or noise (ignore / resolve it in
 * Sentry). Every decision is on the item's timeline, kept on the item (decision, decidedBy,
 * decidedAt), written to `triage_decisions` for the shift report, and published as
 * `triage.decided`.
 */
import { SENTRY_SYNC_JOB } from '../shared/jobs.js';
import { DomainError, conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { CoreDeps, Repos, TimelineEvent } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { queueMessage } from '../notifications/outbox.js';
import type { MessageAction } from '../notifications/channels.js';
import type { Alert, Integration, Service } from '../alerts/model.js';
import type { ActionEvent, TriggerEvent } from '../alerts/intake.js';
import { ingest } from '../alerts/alerts.js';
import { findIntegrationByKey } from '../alerts/services.js';
import { addIncidentNote, declareIncident, findIncident, getIncidentSettings, type Incident, type IncidentContext } from '../incidents/incidents.js';
import type { User } from '../users/users.js';
import { insertTask, taskRef } from '../backlog/backlog.js';

export const TRIAGE_DECISIONS = ['incident', 'bug', 'fixing', 'noise'] as const;
export type TriageDecision = (typeof TRIAGE_DECISIONS)[number];
/** open: waiting for a decision; decided; closed: resolved or ignored in Sentry without a decision. */
export type TriageState = 'open' | 'decided' | 'closed';
export type SentryStatus = 'unresolved' | 'resolved' | 'ignored';

export interface TriageItem {
  id: string;
  /** Short human number (#12). */
  number: number;
  serviceId: string;
  integrationId: string | null;
  /** Where the error comes from: `sentry`. */
  source: string;
  /** The issue's id at the source (Sentry issue id). */
  sourceId: string;
  /** Sentry's short id, e.g. `WEB-1A`. */
  shortId: string | null;
  title: string;
  culprit: string;
  level: string;
  platform: string | null;
  project: string | null;
  environment: string | null;
  /** The issue in Sentry's web UI. */
  webUrl: string | null;
  sentryStatus: SentryStatus;
  /** Who Sentry says is assigned (name or email). */
  sentryAssignee: string | null;
  state: TriageState;
  regression: boolean;
  regressedAt: number | null;
  events: number;
  usersAffected: number;
  firstSeen: number;
  lastSeen: number;
  decision: TriageDecision | null;
  decisionDetail: Record<string, unknown>;
  decidedBy: string | null;
  decidedAt: number | null;
  /** The Vigil user fixing it ("I am fixing it"), or the Sentry assignee when they are a Vigil user. */
  assigneeId: string | null;
  incidentId: string | null;
  jiraKey: string | null;
  jiraUrl: string | null;
  /** A decision that calls out (filing the Jira bug) holds the item for a moment. */
  claimedBy: string | null;
  claimedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

/** One decision, as the shift report lists them. */
export interface TriageDecisionRecord {
  id: string;
  itemId: string;
  itemNumber: number;
  title: string;
  decision: TriageDecision;
  detail: Record<string, unknown>;
  userId: string;
  at: number;
}

export interface TriageFilter {
  state?: TriageState | 'all';
  serviceId?: string;
  regression?: boolean;
  limit?: number;
}

export interface TriageRepo {
  nextNumber(): Promise<number>;
  insert(i: TriageItem): Promise<void>;
  update(i: TriageItem): Promise<void>;
  /** Locked for this transaction (PostgreSQL). */
  find(id: string): Promise<TriageItem | undefined>;
  findByNumber(n: number): Promise<TriageItem | undefined>;
  /** The item of this source issue on this service (locked for this transaction). */
  findBySource(serviceId: string, source: string, sourceId: string): Promise<TriageItem | undefined>;
  /** Newest activity first. */
  list(filter: TriageFilter): Promise<TriageItem[]>;
  insertDecision(d: TriageDecisionRecord): Promise<void>;
  /** The decisions `userId` made in [from, to), oldest first (the shift report). */
  decisionsBetween(userId: string, from: number, to: number): Promise<TriageDecisionRecord[]>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    triage: TriageRepo;
  }
}

// ---------------------------------------------------------------------------------------------
// Signals from the error tracker

/**
 * What an inbound adapter (src/integrations/inbound/sentry.ts) makes of a webhook: something
 * happened to one issue. Fields the payload does not carry are absent.
 */
export interface ErrorSignal {
  kind: 'created' | 'event' | 'resolved' | 'ignored' | 'unresolved' | 'assigned';
  source: 'sentry';
  issueId: string;
  shortId?: string;
  title?: string;
  culprit?: string;
  level?: string;
  platform?: string;
  project?: string;
  environment?: string;
  webUrl?: string;
  /** The tracker's own totals, when the payload carries them. */
  count?: number;
  userCount?: number;
  firstSeen?: number;
  lastSeen?: number;
  /** When this event happened (event alerts, the legacy plugin). */
  eventAt?: number;
  /** Sentry's substatus (`regressed`, `escalating`, `ongoing`, `new`...). */
  substatus?: string;
  /** The new assignee (`assigned`); null when unassigned. */
  assignee?: { name?: string; email?: string } | null;
  /** The alert rule that fired (event alerts, the legacy plugin). */
  rule?: string;
}

export { SENTRY_SYNC_JOB } from '../shared/jobs.js';
const CLAIM_MS = 60_000;

const ref = (i: TriageItem) => `#${i.number}${i.shortId ? ` (${i.shortId})` : ''}`;

export function decisionLabel(i: Pick<TriageItem, 'decision' | 'decisionDetail' | 'jiraKey'>): string {
  switch (i.decision) {
    case 'incident':
      return `incident INC-${String(i.decisionDetail.number ?? '?')}${i.decisionDetail.linked ? ' (linked)' : ''}`;
    case 'bug':
      return `bug ${i.jiraKey ?? (typeof i.decisionDetail.taskKey === 'string' ? `${i.decisionDetail.taskKey} (backlog)` : '')}`.trim();
    case 'fixing':
      return 'being fixed';
    case 'noise':
      return i.decisionDetail.action === 'resolve' ? 'noise (resolved)' : 'noise (ignored)';
    default:
      return 'undecided';
  }
}

/** The severity an error suggests when declared from a button: fatal P2, everything else P3. */
export const severityForLevel = (level: string): string => (level === 'fatal' ? 'P2' : 'P3');

/** Applies one signal in the current transaction; returns the item (undefined when there is nothing to track). */
async function applySignal(
  r: Repos,
  ctx: Ctx,
  service: Service,
  integrationId: string | null,
  s: ErrorSignal,
): Promise<{ item: TriageItem; created: boolean; regression: boolean } | undefined> {
  const now = ctx.now;
  const existing = await r.triage.findBySource(service.id, s.source, s.issueId);
  const seenAt = s.eventAt ?? s.lastSeen ?? now;
  if (!existing) {
    // An issue we never saw being resolved, ignored or assigned: nothing to triage.
    if (s.kind === 'resolved' || s.kind === 'ignored' || s.kind === 'assigned') return undefined;
    const regression = s.kind === 'unresolved' && s.substatus === 'regressed';
    const item: TriageItem = {
      id: newId(now),
      number: await r.triage.nextNumber(),
      serviceId: service.id,
      integrationId,
      source: s.source,
      sourceId: s.issueId,
      shortId: s.shortId ?? null,
      title: (s.title ?? s.culprit ?? `Issue ${s.issueId}`).slice(0, 500),
      culprit: (s.culprit ?? '').slice(0, 500),
      level: s.level ?? 'error',
      platform: s.platform ?? null,
      project: s.project ?? null,
      environment: s.environment ?? null,
      webUrl: s.webUrl ?? null,
      sentryStatus: 'unresolved',
      sentryAssignee: null,
      state: 'open',
      regression,
      regressedAt: regression ? now : null,
      events: Math.max(1, s.count ?? 1),
      usersAffected: s.userCount ?? 0,
      firstSeen: Math.min(s.firstSeen ?? seenAt, seenAt),
      lastSeen: Math.max(s.lastSeen ?? seenAt, seenAt),
      decision: null,
      decisionDetail: {},
      decidedBy: null,
      decidedAt: null,
      assigneeId: null,
      incidentId: null,
      jiraKey: null,
      jiraUrl: null,
      claimedBy: null,
      claimedUntil: null,
      createdAt: now,
      updatedAt: now,
    };
    await r.triage.insert(item);
    await r.events.append({
      entityType: 'triage_item',
      entityId: item.id,
      type: 'triage.created',
      actor: ctx.actor,
      data: {
        source: s.source,
        issueId: s.issueId,
        shortId: item.shortId,
        title: item.title,
        via: s.kind,
        ...(s.rule ? { rule: s.rule } : {}),
        ...(regression ? { regression } : {}),
      },
    });
    await postToChannel(r, ctx, item, service, regression ? 'regression' : 'new');
    return { item, created: true, regression };
  }

  let item: TriageItem = {
    ...existing,
    shortId: s.shortId ?? existing.shortId,
    title: s.title ? s.title.slice(0, 500) : existing.title,
    culprit: s.culprit !== undefined ? s.culprit.slice(0, 500) : existing.culprit,
    level: s.level ?? existing.level,
    platform: s.platform ?? existing.platform,
    project: s.project ?? existing.project,
    environment: s.environment ?? existing.environment,
    webUrl: s.webUrl ?? existing.webUrl,
    events: s.count !== undefined ? Math.max(existing.events, s.count) : s.kind === 'event' ? existing.events + 1 : existing.events,
    usersAffected: s.userCount !== undefined ? Math.max(existing.usersAffected, s.userCount) : existing.usersAffected,
    firstSeen: Math.min(existing.firstSeen, s.firstSeen ?? existing.firstSeen),
    lastSeen: Math.max(existing.lastSeen, s.lastSeen ?? 0, s.kind === 'event' ? seenAt : 0),
    updatedAt: now,
  };
  let regression = false;
  let reopened = false;
  switch (s.kind) {
    case 'created':
    case 'event':
      regression = existing.sentryStatus === 'resolved';
      break;
    case 'unresolved':
      regression = existing.sentryStatus === 'resolved' || s.substatus === 'regressed';
      if (!regression && (existing.state === 'closed' || existing.decision === 'noise' || existing.sentryStatus === 'ignored')) reopened = true;
      item.sentryStatus = 'unresolved';
      break;
    case 'resolved':
    case 'ignored':
      item.sentryStatus = s.kind;
      if (existing.state === 'open') {
        item = { ...item, state: 'closed', claimedBy: null, claimedUntil: null };
        await r.events.append({
          entityType: 'triage_item',
          entityId: item.id,
          type: s.kind === 'resolved' ? 'triage.resolved_in_sentry' : 'triage.ignored_in_sentry',
          actor: ctx.actor,
          data: { issueId: s.issueId },
        });
      }
      break;
    case 'assigned': {
      const who = s.assignee ? (s.assignee.email ?? s.assignee.name ?? null) : null;
      item.sentryAssignee = who;
      const user = s.assignee?.email ? await r.users.findByEmail(s.assignee.email.toLowerCase()) : undefined;
      if (user) item.assigneeId = user.id;
      await r.events.append({
        entityType: 'triage_item',
        entityId: item.id,
        type: 'triage.assigned_in_sentry',
        actor: ctx.actor,
        data: { assignee: who, ...(user ? { userId: user.id } : {}) },
      });
      break;
    }
  }
  if (regression) {
    item = { ...item, regression: true, regressedAt: now, sentryStatus: 'unresolved', state: 'open', claimedBy: null, claimedUntil: null };
    await r.events.append({
      entityType: 'triage_item',
      entityId: item.id,
      type: 'triage.regression',
      actor: ctx.actor,
      data: { issueId: s.issueId, previousDecision: existing.decision, via: s.kind },
    });
  } else if (reopened) {
    item = { ...item, state: 'open', claimedBy: null, claimedUntil: null };
    await r.events.append({
      entityType: 'triage_item',
      entityId: item.id,
      type: 'triage.reopened',
      actor: ctx.actor,
      data: { issueId: s.issueId, substatus: s.substatus ?? null },
    });
  }
  await r.triage.update(item);
  if (regression) await postToChannel(r, ctx, item, service, 'regression');
  return { item, created: false, regression };
}

/** Where a Sentry webhook delivery goes: the integration of its key, when it is a Sentry one. */
export type SentryHookTarget =
  | { found: true; integration: Integration; service: Service }
  | { found: false; reason: 'unknown_integration_key' }
  | { found: false; reason: 'wrong_integration_type'; type: string };

/** The enabled Sentry integration (and its service) an integration key names. */
export async function sentryHookTarget(deps: CoreDeps, _ctx: Ctx, input: { key: string }): Promise<SentryHookTarget> {
  const res = await deps.uow.run((r) => findIntegrationByKey(r, input.key));
  if (!res) return { found: false, reason: 'unknown_integration_key' };
  if (res.integration.type !== 'sentry') return { found: false, reason: 'wrong_integration_type', type: res.integration.type };
  return { found: true, ...res };
}

/** A Sentry metric or issue alert: an alert on the integration's service, like any intake event. */
export async function ingestSentryAlert(
  deps: CoreDeps,
  ctx: Ctx,
  input: { service: Service; integration: Integration; event: TriggerEvent | ActionEvent },
): Promise<Alert | null> {
  return deps.uow.run(async (r) => (await ingest(r, ctx, input.service, input.integration, input.event)).alert);
}

/**
 * Applies one signal from the error tracker in its own transaction; undefined when there is nothing
 * to track. Two deliveries of a new issue at once (PostgreSQL): the loser finds the winner's item.
 */
export async function recordSignal(
  deps: CoreDeps,
  ctx: Ctx,
  input: { service: Service; integrationId: string | null; signal: ErrorSignal },
): Promise<{ item: TriageItem; created: boolean; regression: boolean } | undefined> {
  const apply = () => deps.uow.run((r) => applySignal(r, ctx, input.service, input.integrationId, input.signal));
  try {
    return await apply();
  } catch (err) {
    if (!/unique|duplicate/i.test(String((err as Error).message))) throw err;
    return apply();
  }
}

/** The Slack message of an item's latest appearance in the queue (a regression posts anew). */
const messageKey = (i: TriageItem) => `triage:${i.id}:${i.regressedAt ?? i.createdAt}`;

function itemText(i: TriageItem, publicUrl: string): string[] {
  return [
    i.culprit ? `\`${i.culprit}\`` : '',
    `${i.level} · ${i.events} event${i.events === 1 ? '' : 's'} · ${i.usersAffected} user${i.usersAffected === 1 ? '' : 's'} affected${i.project ? ` · ${i.project}` : ''}${i.environment ? ` · ${i.environment}` : ''}`,
    i.webUrl ?? '',
    `${publicUrl}/triage/${i.id}`,
  ].filter(Boolean);
}

async function postToChannel(r: Repos, ctx: Ctx, item: TriageItem, service: Service, kind: 'new' | 'regression'): Promise<void> {
  if (!service.alertsChannel) return;
  const settings = await getIncidentSettings(r);
  const actions: MessageAction[] = [
    { id: 'triage.incident', label: 'Declare incident', value: item.id, style: 'danger' },
    { id: 'triage.bug', label: 'File a bug', value: item.id },
    { id: 'triage.fixing', label: 'I am fixing it', value: item.id, style: 'primary' },
    { id: 'triage.ignore', label: 'Ignore', value: item.id },
    { id: 'triage.resolve', label: 'Resolve', value: item.id },
  ];
  await queueMessage(r, ctx.now, {
    channel: 'slack_channel',
    address: service.alertsChannel,
    subject: `${kind === 'regression' ? 'Regression' : 'New error'} ${ref(item)}: ${item.title}`.slice(0, 150),
    body: [...itemText(item, ctx.publicUrl), `Bug or incident? ${settings.triageGuidance}`].join('\n'),
    extra: { actions, refKey: messageKey(item) },
    entityType: 'triage_item',
    entityId: item.id,
  });
}

async function updateChannelMessage(r: Repos, ctx: Ctx, item: TriageItem, who: string): Promise<void> {
  const service = await r.alerts.findService(item.serviceId);
  if (!service?.alertsChannel) return;
  await queueMessage(r, ctx.now, {
    channel: 'slack_channel',
    address: service.alertsChannel,
    subject: `${item.regression ? 'Regression' : 'Error'} ${ref(item)}: ${item.title}`.slice(0, 150),
    body: [...itemText(item, ctx.publicUrl), `Decided by ${who}: ${decisionLabel(item)}${item.jiraUrl ? ` ${item.jiraUrl}` : ''}`].join('\n'),
    entityType: 'triage_item',
    entityId: item.id,
    updateRefKey: messageKey(item),
  });
}

// ---------------------------------------------------------------------------------------------
// The queue

async function findTriageItem(r: Repos, idOrNumber: string): Promise<TriageItem> {
  const m = /^(?:TRI-)?#?(\d+)$/i.exec(idOrNumber.trim());
  const item = m ? await r.triage.findByNumber(Number(m[1])) : await r.triage.find(idOrNumber);
  if (!item) throw notFound('triage_item', idOrNumber);
  return item;
}

export interface TriageQueueInput {
  state?: TriageState | 'all';
  /** A service id or slug; an unknown one matches nothing. */
  service?: string;
  regression?: boolean;
  limit?: number;
}

/** The queue with the team's "bug or incident?" guidance shown beside it. */
export async function triageQueue(deps: CoreDeps, _ctx: Ctx, input: TriageQueueInput): Promise<{ guidance: string; items: TriageItem[] }> {
  return deps.uow.run(async (r) => {
    const serviceId = input.service ? ((await r.alerts.findService(input.service))?.id ?? 'none') : undefined;
    const settings = await getIncidentSettings(r);
    const filter: TriageFilter = {
      state: input.state ?? 'open',
      ...(serviceId ? { serviceId } : {}),
      ...(input.regression !== undefined ? { regression: input.regression } : {}),
      ...(input.limit !== undefined ? { limit: input.limit } : {}),
    };
    return { guidance: settings.triageGuidance, items: await r.triage.list(filter) };
  });
}

/** A triage item (id, number or #number) with its timeline. */
export async function getTriageItem(deps: CoreDeps, _ctx: Ctx, input: { ref: string }): Promise<{ item: TriageItem; timeline: TimelineEvent[] }> {
  return deps.uow.run(async (r) => {
    const item = await findTriageItem(r, input.ref);
    return { item, timeline: await r.events.list('triage_item', item.id, { limit: 2000 }) };
  });
}

function assertDecidable(item: TriageItem, now: number, userId: string): void {
  if (item.state !== 'open') {
    throw conflict(
      'triage_decided',
      item.state === 'decided'
        ? `${ref(item)} was already decided: ${decisionLabel(item)}.`
        : `${ref(item)} was ${item.sentryStatus} in Sentry; nothing to decide.`,
    );
  }
  if (item.claimedUntil !== null && item.claimedUntil > now && item.claimedBy !== userId)
    throw conflict('triage_decision_in_progress', `Someone is deciding ${ref(item)} right now.`);
}

function requireUser(ctx: Ctx): User {
  if (!ctx.user) throw invalid('user_required', 'A triage decision is made by a person.');
  if (ctx.user.role === 'stakeholder') throw forbidden('Stakeholders follow errors; responders triage them.');
  return ctx.user;
}

async function record(
  r: Repos,
  deps: CoreDeps,
  ctx: Ctx,
  item: TriageItem,
  decision: TriageDecision,
  detail: Record<string, unknown>,
  patch: Partial<TriageItem>,
): Promise<TriageItem> {
  const user = requireUser(ctx);
  const now = ctx.now;
  const updated: TriageItem = {
    ...item,
    ...patch,
    state: 'decided',
    decision,
    decisionDetail: detail,
    decidedBy: user.id,
    decidedAt: now,
    claimedBy: null,
    claimedUntil: null,
    updatedAt: now,
  };
  await r.triage.update(updated);
  const rec: TriageDecisionRecord = { id: newId(now), itemId: item.id, itemNumber: item.number, title: item.title, decision, detail, userId: user.id, at: now };
  await r.triage.insertDecision(rec);
  await r.events.append({
    entityType: 'triage_item',
    entityId: item.id,
    type: 'triage.decided',
    actor: ctx.actor,
    data: { decision, ...detail, by: user.id, name: user.name },
  });
  await deps.publish(
    r,
    'triage.decided',
    { decisionId: rec.id, itemId: item.id, decision, userId: user.id, at: now, serviceId: item.serviceId, title: item.title },
    rec.id,
  );
  await updateChannelMessage(r, ctx, updated, user.name);
  return updated;
}

/** (a) An incident: declared pre-filled from the error, or the error linked to an open incident. */
export async function decideIncident(
  deps: CoreDeps,
  ctx: Ctx,
  input: { item: string; severity?: string; incidentId?: string },
): Promise<{ item: TriageItem; incident: Incident }> {
  const user = requireUser(ctx);
  return deps.uow.run((r) => declareFromItem(r, deps, ctx, user, input));
}

async function declareFromItem(
  r: Repos,
  deps: CoreDeps,
  ctx: Ctx,
  user: User,
  input: { item: string; severity?: string; incidentId?: string },
): Promise<{ item: TriageItem; incident: Incident }> {
  const item = await findTriageItem(r, input.item);
  assertDecidable(item, ctx.now, user.id);
  const ictx: IncidentContext = { now: ctx.now, publicUrl: ctx.publicUrl, actor: ctx.actor, user };
  const errorLines = [`Sentry ${item.shortId ?? item.sourceId}: ${item.title}`, ...itemText(item, ctx.publicUrl)];
  if (input.incidentId) {
    const incident = await findIncident(r, input.incidentId, { id: user.id, isAdmin: user.role === 'admin' });
    if (incident.status === 'resolved' || incident.status === 'cancelled')
      throw conflict('incident_closed', `INC-${incident.number} is ${incident.status}; link the error to an open incident or declare a new one.`);
    await addIncidentNote(r, ictx, incident, `Error linked from triage:\n${errorLines.join('\n')}`, 'triage');
    const updated = await record(
      r,
      deps,
      ctx,
      item,
      'incident',
      { incidentId: incident.id, number: incident.number, linked: true },
      { incidentId: incident.id },
    );
    return { item: updated, incident };
  }
  const incident = await declareIncident(r, ictx, {
    title: item.title.slice(0, 200),
    severity: input.severity ?? severityForLevel(item.level),
    summary: errorLines.join('\n'),
    serviceIds: [item.serviceId],
    commanderId: user.id,
    sourceType: 'triage_item',
    sourceId: item.id,
  });
  const updated = await record(
    r,
    deps,
    ctx,
    item,
    'incident',
    { incidentId: incident.id, number: incident.number, linked: false, severity: incident.severity },
    { incidentId: incident.id },
  );
  return { item: updated, incident };
}

/** Where bugs are filed (Jira); the app wires it when Jira and VIGIL_JIRA_BUG_PROJECT are configured. */
export interface BugTracker {
  createBug(input: { summary: string; description: string; labels: string[] }): Promise<{ key: string; url: string }>;
}

/** The ports triage use cases may call out to, beside the core's. */
export interface TriageDeps extends CoreDeps {
  /** Files bugs in Jira; absent: bugs become tasks in Vigil's backlog. */
  bugs?: BugTracker;
  /** Sentry's issue API; absent: the sync job records that Sentry must be changed by hand. */
  sentry?: SentryIssues;
}

/**
 * (b) A bug: a Jira ticket with the error's details and link (the item is held while Jira answers),
 * or, when Jira is not configured, a task in Vigil's own backlog (BE-n), in one transaction.
 */
export async function decideBug(
  deps: TriageDeps,
  ctx: Ctx,
  input: { item: string },
): Promise<{ item: TriageItem; ticket: { key: string; url: string; local: boolean } }> {
  const user = requireUser(ctx);
  const bugs = deps.bugs;
  const itemRef = input.item;
  const actor = ctx.actor;
  if (!bugs) {
    return deps.uow.run(async (r) => {
      const item = await findTriageItem(r, itemRef);
      assertDecidable(item, ctx.now, user.id);
      const service = await r.alerts.findService(item.serviceId);
      const task = await insertTask(
        r,
        actor,
        {
          title: `[Sentry] ${item.title}`.slice(0, 300),
          description: bugDescription(item, user, ctx.publicUrl),
          priority: item.level === 'fatal' || item.regression ? 'high' : 'medium',
          labels: ['bug', 'sentry'],
          team: service?.teamId ?? null,
        },
        ctx.now,
      );
      const key = taskRef(task);
      const url = `${ctx.publicUrl}/backlog?task=${encodeURIComponent(task.id)}`;
      const updated = await record(r, deps, ctx, item, 'bug', { taskId: task.id, taskKey: key, url, local: true }, {});
      return { item: updated, ticket: { key, url, local: true } };
    });
  }
  const claimed = await deps.uow.run(async (r) => {
    const item = await findTriageItem(r, itemRef);
    assertDecidable(item, ctx.now, user.id);
    const next = { ...item, claimedBy: user.id, claimedUntil: ctx.now + CLAIM_MS, updatedAt: ctx.now };
    await r.triage.update(next);
    return next;
  });
  const description = bugDescription(claimed, user, ctx.publicUrl);
  let ticket: { key: string; url: string };
  try {
    ticket = await bugs.createBug({ summary: `[Sentry] ${claimed.title}`.slice(0, 250), description, labels: ['sentry', 'vigil-triage'] });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await deps.uow.run(async (r) => {
      const item = await r.triage.find(claimed.id);
      if (item && item.claimedBy === user.id) await r.triage.update({ ...item, claimedBy: null, claimedUntil: null, updatedAt: deps.clock.now() });
      await r.events.append({ entityType: 'triage_item', entityId: claimed.id, type: 'triage.bug_failed', actor, data: { error: message } });
    });
    throw new DomainError('unavailable', 'jira_failed', `Jira did not create the bug: ${message}`);
  }
  // Jira took its time: the decision is recorded when it is made, after Jira answered.
  const after: Ctx = { ...ctx, now: deps.clock.now() };
  const item = await deps.uow.run(async (r) => {
    const current = (await r.triage.find(claimed.id)) ?? claimed;
    return record(r, deps, after, current, 'bug', { jiraKey: ticket.key, url: ticket.url }, { jiraKey: ticket.key, jiraUrl: ticket.url });
  });
  return { item, ticket: { ...ticket, local: false } };
}

/** The bug's text: the error's details and the links back. */
function bugDescription(claimed: TriageItem, user: User, publicUrl: string): string {
  return [
    `Sentry ${claimed.shortId ?? claimed.sourceId}: ${claimed.title}`,
    '',
    claimed.culprit ? `Culprit: ${claimed.culprit}` : '',
    `Level: ${claimed.level} · Events: ${claimed.events} · Users affected: ${claimed.usersAffected}`,
    `First seen: ${new Date(claimed.firstSeen).toISOString()} · Last seen: ${new Date(claimed.lastSeen).toISOString()}`,
    claimed.project ? `Project: ${claimed.project}${claimed.environment ? ` (${claimed.environment})` : ''}` : '',
    claimed.regression ? 'This is a regression: it had been resolved and came back.' : '',
    '',
    claimed.webUrl ? `Sentry: ${claimed.webUrl}` : '',
    `Triaged in Vigil by ${user.name}: ${publicUrl}/triage/${claimed.id}`,
  ]
    .filter((l, i, all) => l !== '' || (all[i - 1] ?? '') !== '')
    .join('\n');
}

/** What Vigil asks Sentry to change on an issue (a job, retried). */
export interface SentryChange {
  status?: 'resolved' | 'ignored';
  ignoreDurationMinutes?: number;
  /** A Sentry user (email or username). */
  assignedTo?: string;
}

async function syncLater(r: Repos, item: TriageItem, change: SentryChange, key: string): Promise<void> {
  if (item.source !== 'sentry') return;
  await r.jobs.enqueue({
    kind: SENTRY_SYNC_JOB,
    payload: { itemId: item.id, change },
    dedupeKey: `triage-sentry:${item.id}:${key}`,
    maxAttempts: 6,
  });
}

/** (c) "I am fixing it": assigned to the person, here and in Sentry. */
export async function decideFixing(deps: CoreDeps, ctx: Ctx, input: { item: string }): Promise<TriageItem> {
  const user = requireUser(ctx);
  return deps.uow.run(async (r) => {
    const item = await findTriageItem(r, input.item);
    assertDecidable(item, ctx.now, user.id);
    const updated = await record(r, deps, ctx, item, 'fixing', { assigneeId: user.id }, { assigneeId: user.id, sentryAssignee: user.email });
    await syncLater(r, updated, { assignedTo: user.email }, `assign:${ctx.now}`);
    return updated;
  });
}

/** (d) Noise: ignored (optionally for a while) or resolved, here and in Sentry. */
export async function decideNoise(
  deps: CoreDeps,
  ctx: Ctx,
  input: { item: string; action: 'ignore' | 'resolve'; ignoreDurationMinutes?: number },
): Promise<TriageItem> {
  const user = requireUser(ctx);
  if (input.action !== 'ignore' && input.action !== 'resolve') throw invalid('invalid_action', 'action must be ignore or resolve.', { field: 'action' });
  const minutes = input.ignoreDurationMinutes;
  if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > 525_600))
    throw invalid('invalid_field', 'ignoreDurationMinutes must be a whole number of minutes (1 to 525600).', { field: 'ignoreDurationMinutes' });
  return deps.uow.run(async (r) => {
    const item = await findTriageItem(r, input.item);
    assertDecidable(item, ctx.now, user.id);
    const status = input.action === 'ignore' ? 'ignored' : 'resolved';
    const detail = { action: input.action, ...(minutes !== undefined && input.action === 'ignore' ? { ignoreDurationMinutes: minutes } : {}) };
    const updated = await record(r, deps, ctx, item, 'noise', detail, { sentryStatus: status });
    await syncLater(
      r,
      updated,
      { status, ...(minutes !== undefined && input.action === 'ignore' ? { ignoreDurationMinutes: minutes } : {}) },
      `${status}:${ctx.now}`,
    );
    return updated;
  });
}

/** The Sentry API, as the sync job needs it. Errors with `retryable: true` are tried again. */
export interface SentryIssues {
  updateIssue(issueId: string, change: SentryChange): Promise<void>;
}

/** The job: tells Sentry what was decided. Best effort: a final failure is on the item's timeline. */
export async function syncToSentry(
  deps: TriageDeps,
  ctx: Ctx,
  input: { itemId: string; change: SentryChange; attempt: { number: number; max: number } },
): Promise<void> {
  const { sentry } = deps;
  const { attempt, change } = input;
  const item = await deps.uow.run((r) => r.triage.find(input.itemId));
  if (!item) return;
  const log = (type: string, data: Record<string, unknown>) =>
    deps.uow.run((r) => r.events.append({ entityType: 'triage_item', entityId: item.id, type, actor: ctx.actor, data: { change, ...data } }));
  if (!sentry) {
    await log('triage.sentry_skipped', { reason: 'The Sentry API is not configured (VIGIL_SENTRY_TOKEN); change it in Sentry by hand.' });
    return;
  }
  try {
    await sentry.updateIssue(item.sourceId, change);
  } catch (err) {
    const retryable = (err as { retryable?: unknown }).retryable === true;
    if (retryable && attempt.number < attempt.max) throw err;
    await log('triage.sentry_update_failed', { error: err instanceof Error ? err.message : String(err), attempts: attempt.number });
    return;
  }
  await log('triage.sentry_updated', { issueId: item.sourceId });
}

/** For the shift report (ReportSources.triageDecisions). */
export async function triageDecisions(r: Repos, userId: string, from: number, to: number): Promise<Array<{ title: string; decision: string; at: number }>> {
  return (await r.triage.decisionsBetween(userId, from, to)).map((d) => ({
    title: `#${d.itemNumber} ${d.title}`,
    decision: decisionLabel({ decision: d.decision, decisionDetail: d.detail, jiraKey: typeof d.detail.jiraKey === 'string' ? d.detail.jiraKey : null }),
    at: d.at,
  }));
}

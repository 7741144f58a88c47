/**
 * The life of an alert: ingest (dedup by alias, maintenance, storms), escalation through the
 * service's policy, and the actions people take (acknowledge, close, note, snooze, escalate, assign,
 * add a responder). Each change is on the alert's timeline and updates its message in the service's
 * alerts channel.
 */
import { ESCALATE_JOB, STORM_JOB, SNOOZE_END_JOB } from '../shared/jobs.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { SYSTEM_ACTOR, type Actor, type CoreDeps, type Repos, type TimelineEvent } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { queueMessage } from '../notifications/outbox.js';
import { cancelPagesFor, createPage, notReachedFrom, type NotReached, type PageUnreached } from '../notifications/pages.js';
import { findTeam } from '../teams/teams.js';
import type { Alert, AlertStatus, Integration, Service } from './model.js';
import { MESSAGE_LIMIT, truncate, type ActionEvent, type AlertPriority, type TriggerEvent } from './intake.js';
import { findService, HEARTBEAT_JOB, resolveTargets } from './services.js';

export { ESCALATE_JOB } from '../shared/jobs.js';
export { STORM_JOB } from '../shared/jobs.js';
export { SNOOZE_END_JOB } from '../shared/jobs.js';
const STORM_WINDOW_MS = 60_000;

export interface IngestResult {
  alert: Alert | null;
  outcome: 'created' | 'deduplicated' | 'acknowledged' | 'closed' | 'noted' | 'ignored';
}

const escKey = (alertId: string) => `esc:${alertId}:`;

/** The name to show for who acted: a person by name, else what the integration said (its user) or its name. */
async function actorLabel(r: Repos, actor: Actor, by: string): Promise<string> {
  if (actor.type === 'user' && actor.id) return (await r.users.findById(actor.id))?.name ?? by;
  return by;
}

/** Who an alert's acknowledgedBy/closedBy names: a user's name, an integration's name, or the text given. */
async function whoName(r: Repos, ref: string | null): Promise<string | undefined> {
  if (!ref) return undefined;
  const user = await r.users.findById(ref);
  if (user) return user.name;
  const integration = await r.alerts.findIntegration(ref);
  return integration?.name ?? ref;
}

function channelText(a: Alert, service: Service, publicUrl: string, who?: string): { subject: string; body: string } {
  const label = a.status === 'open' ? '🔴 Open' : a.status === 'acknowledged' ? '🟡 Acknowledged' : '🟢 Closed';
  const state = who && a.status !== 'open' ? `${label} by ${who}` : label;
  const count = a.count > 1 ? ` ×${a.count}` : '';
  return {
    subject: `[${a.priority}] #${a.number} ${a.message}${count}`,
    body: `${state} · ${service.name}${a.description ? `\n${a.description.slice(0, 500)}` : ''}\n${publicUrl}/alerts/${a.id}`,
  };
}

/** Posts (first time) or updates the alert's message in the service's alerts channel. */
async function syncChannelMessage(r: Repos, a: Alert, service: Service, now: number, publicUrl: string, first: boolean, by?: string): Promise<void> {
  if (!service.alertsChannel) return;
  const who = by ?? (a.status === 'closed' ? await whoName(r, a.closedBy) : a.status === 'acknowledged' ? await whoName(r, a.acknowledgedBy) : undefined);
  const { subject, body } = channelText(a, service, publicUrl, who);
  const actions =
    a.status === 'closed'
      ? []
      : [
          ...(a.status === 'open' ? [{ id: 'alert.ack', label: 'Acknowledge', value: a.id, style: 'primary' as const }] : []),
          { id: 'alert.close', label: 'Close', value: a.id },
          { id: 'alert.declare_incident', label: 'Declare incident', value: a.id, style: 'danger' as const },
        ];
  await queueMessage(r, now, {
    channel: 'slack_channel',
    address: service.alertsChannel,
    subject,
    body,
    extra: { actions, refKey: `alert:${a.id}` },
    entityType: 'alert',
    entityId: a.id,
    ...(first ? {} : { updateRefKey: `alert:${a.id}` }),
  });
}

/** @deprecated The context of every use case is {@link Ctx}; kept for callers outside this domain. */
export type IngestContext = Ctx;

/** Applies one normalized event for an integration, in the current transaction. */
export async function ingest(r: Repos, ctx: Ctx, service: Service, integration: Integration | null, event: TriggerEvent | ActionEvent): Promise<IngestResult> {
  if (event.action === 'trigger') return trigger(r, ctx, service, integration, event);
  const alert = await r.alerts.findOpenByAlias(service.id, event.alias);
  if (!alert) return { alert: null, outcome: 'ignored' };
  const actor: Actor = event.user ? { type: 'integration', id: integration?.id ?? null } : ctx.actor;
  if (event.action === 'acknowledge') {
    const a = alert.status === 'open' ? await acknowledge(r, ctx, service, alert, actor, event.user ?? integration?.name ?? 'integration', event.note) : alert;
    return { alert: a, outcome: 'acknowledged' };
  }
  if (event.action === 'close') return { alert: await close(r, ctx, service, alert, actor, event.user ?? integration?.name ?? 'integration', event.note), outcome: 'closed' };
  await addNote(r, ctx, alert, actor, event.note ?? '', event.user);
  return { alert, outcome: 'noted' };
}

async function trigger(r: Repos, ctx: Ctx, service: Service, integration: Integration | null, e: TriggerEvent): Promise<IngestResult> {
  const now = ctx.now;
  const alias = e.alias ?? newId(now);
  const message = truncate(e.message, MESSAGE_LIMIT);
  const existing = await r.alerts.findOpenByAlias(service.id, alias);
  if (existing) {
    const next: Alert = {
      ...existing,
      count: existing.count + 1,
      lastAt: now,
      message,
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.details ? { details: { ...existing.details, ...e.details } } : {}),
      ...(e.tags ? { tags: [...new Set([...existing.tags, ...e.tags])] } : {}),
      ...(e.links ? { links: e.links } : {}),
      updatedAt: now,
    };
    await r.alerts.updateAlert(next);
    await r.events.append({ entityType: 'alert', entityId: existing.id, type: 'alert.deduplicated', actor: ctx.actor, data: { count: next.count, integration: integration?.name } });
    return { alert: next, outcome: 'deduplicated' };
  }
  const priority: AlertPriority = e.priority ?? 'P3';
  const alert: Alert = {
    id: newId(now),
    number: await r.alerts.nextAlertNumber(),
    serviceId: service.id,
    integrationId: integration?.id ?? null,
    alias,
    status: 'open',
    message,
    description: e.description ?? '',
    priority,
    urgency: service.urgencyRule[priority] ?? 'high',
    source: e.source ?? integration?.name ?? '',
    entity: e.entity ?? '',
    tags: e.tags ?? [],
    details: e.details ?? {},
    links: e.links ?? [],
    count: 1,
    firstAt: e.occurredAt ?? now,
    lastAt: now,
    acknowledgedAt: null,
    acknowledgedBy: null,
    closedAt: null,
    closedBy: null,
    snoozedUntil: null,
    ownerId: null,
    storm: false,
    incidentId: null,
    createdAt: now,
    updatedAt: now,
  };
  const maintenance = (await r.alerts.listMaintenance(service.id, now))[0];
  // Past the threshold within the window, the alert is part of a storm.
  alert.storm = !maintenance && (await r.alerts.countInStormWindow(service.id, now, STORM_WINDOW_MS)) > service.stormThreshold;
  await r.alerts.insertAlert(alert);
  await r.events.append({
    entityType: 'alert',
    entityId: alert.id,
    type: 'alert.created',
    actor: ctx.actor,
    data: { number: alert.number, message, priority, urgency: alert.urgency, integration: integration?.name, integrationType: integration?.type, source: alert.source, ...(e.user ? { user: e.user } : {}) },
  });
  if (e.note) await addNote(r, ctx, alert, ctx.actor, e.note, e.user);
  await syncChannelMessage(r, alert, service, now, ctx.publicUrl, true);
  if (maintenance) {
    await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.maintenance', actor: SYSTEM_ACTOR, data: { maintenanceId: maintenance.id, reason: maintenance.reason, note: 'Recorded during a maintenance window: nobody is paged.' } });
    return { alert, outcome: 'created' };
  }
  if (alert.storm) {
    // One summary page for the storm instead of a page per alert; every alert is still recorded.
    const bucket = Math.floor(now / STORM_WINDOW_MS);
    await r.jobs.enqueue({ kind: STORM_JOB, payload: { serviceId: service.id, since: bucket * STORM_WINDOW_MS - STORM_WINDOW_MS }, runAt: now + 30_000, dedupeKey: `storm:${service.id}:${bucket}` });
    await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.storm', actor: SYSTEM_ACTOR, data: { note: `Part of an alert storm on ${service.name}: covered by one summary page.` } });
    return { alert, outcome: 'created' };
  }
  await startEscalation(r, ctx, alert, service);
  return { alert, outcome: 'created' };
}

/** Runs the policy's first step now, in the current transaction: the first page goes out with the alert. */
async function startEscalation(r: Repos, ctx: Ctx, alert: Alert, service: Service): Promise<void> {
  if (!service.escalationPolicyId) {
    await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.warning', actor: SYSTEM_ACTOR, data: { warning: `Service ${service.name} has no escalation policy: nobody is paged.` } });
    return;
  }
  await runEscalationStep(r, ctx, { alertId: alert.id, step: 0, round: 0 }, service);
}

/** The escalation job: notify the step's targets, then schedule the next step or round. */
export async function runEscalationStep(r: Repos, ctx: Ctx, payload: { alertId: string; step: number; round: number }, knownService?: Service): Promise<void> {
  const alert = await r.alerts.findAlert(payload.alertId);
  if (!alert || alert.status !== 'open') return;
  if (alert.snoozedUntil && alert.snoozedUntil > ctx.now) return;
  const service = knownService ?? (await r.alerts.findService(alert.serviceId));
  const policy = service?.escalationPolicyId ? await r.alerts.findPolicy(service.escalationPolicyId) : undefined;
  if (!service || !policy) return;
  const step = policy.steps[payload.step];
  if (!step) return;
  const { users, channels, problems } = await resolveTargets(r, step.targets, ctx.now);
  const pageText = `${alert.description ? `${alert.description.slice(0, 1000)}\n` : ''}Service: ${service.name} · ${alert.priority} · #${alert.number}`;
  // Someone no page reaches is told on the alert by the page itself (PAGE_UNREACHED_JOB, below).
  const pageIds: string[] = [];
  for (const userId of users) {
    const page = await createPage(r, ctx.now, { userId, urgency: alert.urgency, subject: `[${alert.priority}] ${alert.message}`, text: pageText, sourceType: 'alert', sourceId: alert.id, publicUrl: ctx.publicUrl });
    pageIds.push(page.id);
  }
  for (const channel of channels) {
    await queueMessage(r, ctx.now, {
      channel: 'slack_channel',
      address: channel,
      subject: `Escalated: [${alert.priority}] #${alert.number} ${alert.message}`,
      body: `Nobody has acknowledged this alert on ${service.name} yet. ${ctx.publicUrl}/alerts/${alert.id}`,
      extra: { actions: [{ id: 'alert.ack', label: 'Acknowledge', value: alert.id, style: 'primary' }] },
      entityType: 'alert',
      entityId: alert.id,
    });
  }
  await r.events.append({
    entityType: 'alert',
    entityId: alert.id,
    type: 'alert.escalated',
    actor: SYSTEM_ACTOR,
    data: { step: payload.step + 1, round: payload.round + 1, policy: policy.name, users, channels, pageIds, ...(problems.length ? { warnings: problems } : {}) },
  });
  if (users.length === 0 && channels.length === 0) {
    await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.warning', actor: SYSTEM_ACTOR, data: { warning: `Step ${payload.step + 1} notified nobody: ${problems.join('; ') || 'no targets'}.` } });
  }
  let next: { step: number; round: number } | undefined;
  if (payload.step + 1 < policy.steps.length) next = { step: payload.step + 1, round: payload.round };
  else if (payload.round < policy.repeat) next = { step: 0, round: payload.round + 1 };
  const runAt = ctx.now + step.delayMinutes * 60_000;
  if (next) {
    await r.jobs.enqueue({ kind: ESCALATE_JOB, payload: { alertId: alert.id, ...next }, runAt, dedupeKey: `${escKey(alert.id)}${next.round}:${next.step}:${runAt}` });
  } else {
    await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.escalation_ended', actor: SYSTEM_ACTOR, data: { note: 'Every step of the policy has run; the alert stays open.' } });
  }
}

/**
 * A page of this alert reached nobody. It is on the alert's timeline (and its incident's), and
 * posted to the service's alerts channel; when it was the current step's last live page, the next
 * step runs now instead of after the step's delay. A new round is left to its schedule, so a policy
 * of unreachable people cannot spin.
 */
async function pageUnreachedIn(r: Repos, ctx: Ctx, p: PageUnreached): Promise<void> {
  const alert = p.sourceId ? await r.alerts.findAlert(p.sourceId) : undefined;
  if (!alert) return;
  const name = (await r.users.findById(p.userId))?.name ?? p.userId;
  const service = await r.alerts.findService(alert.serviceId);
  const policy = service?.escalationPolicyId ? await r.alerts.findPolicy(service.escalationPolicyId) : undefined;
  let escalatedTo: number | undefined;
  if (alert.status === 'open' && !(alert.snoozedUntil && alert.snoozedUntil > ctx.now) && service && policy) {
    const timeline = await r.events.list('alert', alert.id, { limit: 5000 });
    const last = [...timeline].reverse().find((e) => e.type === 'alert.escalated');
    const stepPages = Array.isArray(last?.data.pageIds) ? (last.data.pageIds as string[]) : [];
    if (last && stepPages.includes(p.pageId)) {
      const live = [];
      for (const id of stepPages) {
        const page = id === p.pageId ? undefined : await r.notifications.findPage(id);
        if (page && (page.status === 'active' || page.status === 'acknowledged')) live.push(page);
      }
      const next = Number(last.data.step); // the 0-based index of the step after the current one
      if (live.length === 0 && next < policy.steps.length) {
        escalatedTo = next + 1;
        await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.not_reached', actor: SYSTEM_ACTOR, data: { pageId: p.pageId, userId: p.userId, name, reason: p.reason, detail: p.detail, escalatedToStep: escalatedTo } });
        await r.jobs.cancelPending(escKey(alert.id));
        await runEscalationStep(r, ctx, { alertId: alert.id, step: next, round: Number(last.data.round) - 1 }, service);
      }
    }
  }
  if (escalatedTo === undefined) {
    await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.not_reached', actor: SYSTEM_ACTOR, data: { pageId: p.pageId, userId: p.userId, name, reason: p.reason, detail: p.detail } });
  }
  if (alert.incidentId) {
    await r.events.append({ entityType: 'incident', entityId: alert.incidentId, type: 'incident.not_reached', actor: SYSTEM_ACTOR, data: { pageId: p.pageId, userId: p.userId, name, reason: p.reason, detail: p.detail, alertId: alert.id, alertNumber: alert.number } });
  }
  if (service?.alertsChannel && alert.status !== 'closed') {
    const then = escalatedTo !== undefined ? ` Escalated to step ${escalatedTo} now.` : alert.status === 'open' ? ' Acknowledge the alert if you are on it.' : '';
    await queueMessage(r, ctx.now, {
      channel: 'slack_channel',
      address: service.alertsChannel,
      subject: `Not reached: ${name} for [${alert.priority}] #${alert.number} ${alert.message}`,
      body: `⚠️ ${name} was not reached (${p.detail}) for alert #${alert.number} on ${service.name}.${then} ${ctx.publicUrl}/alerts/${alert.id}`,
      ...(alert.status === 'open' ? { extra: { actions: [{ id: 'alert.ack', label: 'Acknowledge', value: alert.id, style: 'primary' as const }] } } : {}),
      entityType: 'alert',
      entityId: alert.id,
    });
  }
}

/** The storm job: one page per on-call for all the alerts of a storm. */
async function stormSummaryIn(r: Repos, ctx: Ctx, payload: { serviceId: string; since: number }): Promise<void> {
  const service = await r.alerts.findService(payload.serviceId);
  if (!service) return;
  const { data } = await r.alerts.listAlerts({ serviceIds: [service.id], status: 'open', limit: 1000 });
  const storm = data.filter((a) => a.storm && a.createdAt >= payload.since);
  if (storm.length === 0) return;
  const policy = service.escalationPolicyId ? await r.alerts.findPolicy(service.escalationPolicyId) : undefined;
  const first = policy?.steps[0];
  if (!first) return;
  const { users } = await resolveTargets(r, first.targets, ctx.now);
  const lines = storm.slice(0, 10).map((a) => `#${a.number} [${a.priority}] ${a.message}`);
  for (const userId of users) {
    await createPage(r, ctx.now, {
      userId,
      urgency: storm.some((a) => a.urgency === 'high') ? 'high' : 'low',
      subject: `Alert storm: ${storm.length} alerts on ${service.name}`,
      text: `${lines.join('\n')}${storm.length > 10 ? `\n…and ${storm.length - 10} more` : ''}\n${ctx.publicUrl}/alerts?service=${service.slug}`,
      sourceType: 'storm',
      sourceId: `${service.id}:${payload.since}`,
    });
  }
  await r.events.append({ entityType: 'service', entityId: service.id, type: 'alert.storm_paged', actor: SYSTEM_ACTOR, data: { alerts: storm.length, users } });
}

// ---------------------------------------------------------------------------------------------
// Actions

export async function acknowledge(r: Repos, ctx: Ctx, service: Service, alert: Alert, actor: Actor, by: string, note?: string): Promise<Alert> {
  if (alert.status === 'closed') throw conflict('alert_closed', `Alert #${alert.number} is closed.`);
  if (alert.status === 'acknowledged') return alert;
  const next: Alert = { ...alert, status: 'acknowledged', acknowledgedAt: ctx.now, acknowledgedBy: actor.id ?? by, updatedAt: ctx.now };
  await r.alerts.updateAlert(next);
  await r.jobs.cancelPending(escKey(alert.id));
  await cancelPagesFor(r, 'alert', alert.id, 'alert acknowledged');
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.acknowledged', actor, data: { by, ...(note ? { note } : {}) } });
  await syncChannelMessage(r, next, service, ctx.now, ctx.publicUrl, false, await actorLabel(r, actor, by));
  return next;
}

export async function close(r: Repos, ctx: Ctx, service: Service, alert: Alert, actor: Actor, by: string, note?: string): Promise<Alert> {
  if (alert.status === 'closed') return alert;
  const next: Alert = { ...alert, status: 'closed', closedAt: ctx.now, closedBy: actor.id ?? by, updatedAt: ctx.now };
  await r.alerts.updateAlert(next);
  await r.jobs.cancelPending(escKey(alert.id));
  await cancelPagesFor(r, 'alert', alert.id, 'alert closed');
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.closed', actor, data: { by, ...(note ? { note } : {}) } });
  await syncChannelMessage(r, next, service, ctx.now, ctx.publicUrl, false, await actorLabel(r, actor, by));
  return next;
}

export async function addNote(r: Repos, _ctx: Ctx, alert: Alert, actor: Actor, note: string, user?: string): Promise<void> {
  const text = note.trim();
  if (!text) throw invalid('invalid_note', 'A note must not be empty.', { field: 'note' });
  if (text.length > 25_000) throw invalid('invalid_note', 'A note is at most 25000 characters.', { field: 'note' });
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.note', actor, data: { note: text, ...(user ? { user } : {}) } });
}

export async function snooze(r: Repos, ctx: Ctx, alert: Alert, actor: Actor, until: number): Promise<Alert> {
  if (alert.status === 'closed') throw conflict('alert_closed', `Alert #${alert.number} is closed.`);
  if (!(until > ctx.now)) throw invalid('invalid_snooze', 'Snooze until a time in the future.', { field: 'endTime' });
  if (until - ctx.now > 30 * 86_400_000) throw invalid('invalid_snooze', 'Snooze for at most 30 days.', { field: 'endTime' });
  const next: Alert = { ...alert, snoozedUntil: until, updatedAt: ctx.now };
  await r.alerts.updateAlert(next);
  await r.jobs.cancelPending(escKey(alert.id));
  await cancelPagesFor(r, 'alert', alert.id, 'alert snoozed');
  await r.jobs.enqueue({ kind: SNOOZE_END_JOB, payload: { alertId: alert.id, until }, runAt: until, dedupeKey: `snooze:${alert.id}:${until}` });
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.snoozed', actor, data: { until } });
  return next;
}

/** When a snooze ends on a still-open alert, escalation starts again from the first step. */
async function endSnoozeIn(r: Repos, ctx: Ctx, payload: { alertId: string; until: number }): Promise<void> {
  const alert = await r.alerts.findAlert(payload.alertId);
  if (!alert || alert.snoozedUntil !== payload.until) return;
  const next = { ...alert, snoozedUntil: null, updatedAt: ctx.now };
  await r.alerts.updateAlert(next);
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.snooze_ended', actor: SYSTEM_ACTOR, data: {} });
  const service = await r.alerts.findService(alert.serviceId);
  if (service && next.status === 'open') await startEscalation(r, ctx, next, service);
}

/** Escalate to the next step now instead of waiting. */
export async function escalateNow(r: Repos, ctx: Ctx, alert: Alert, actor: Actor): Promise<void> {
  if (alert.status !== 'open') throw conflict('alert_not_open', `Alert #${alert.number} is ${alert.status}; only open alerts escalate.`);
  const pending = await r.events.list('alert', alert.id, { limit: 5000 });
  const last = [...pending].reverse().find((e) => e.type === 'alert.escalated');
  const step = last ? Number(last.data.step) : 0;
  const round = last ? Number(last.data.round) - 1 : 0;
  await r.jobs.cancelPending(escKey(alert.id));
  const service = await r.alerts.findService(alert.serviceId);
  const policy = service?.escalationPolicyId ? await r.alerts.findPolicy(service.escalationPolicyId) : undefined;
  if (!policy) throw conflict('no_policy', 'This service has no escalation policy.');
  let next = { step, round };
  if (step >= policy.steps.length) next = round < policy.repeat ? { step: 0, round: round + 1 } : { step: policy.steps.length - 1, round };
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.escalate_requested', actor, data: { toStep: next.step + 1 } });
  await r.jobs.enqueue({ kind: ESCALATE_JOB, payload: { alertId: alert.id, ...next }, runAt: ctx.now, dedupeKey: `${escKey(alert.id)}${next.round}:${next.step}:${ctx.now}:manual` });
}

export async function assign(r: Repos, ctx: Ctx, alert: Alert, actor: Actor, ownerId: string): Promise<Alert> {
  const owner = ownerId.includes('@') ? await r.users.findByEmail(ownerId.toLowerCase()) : await r.users.findById(ownerId);
  if (!owner) throw invalid('unknown_user', `No user "${ownerId}".`, { field: 'owner' });
  const next = { ...alert, ownerId: owner.id, updatedAt: ctx.now };
  await r.alerts.updateAlert(next);
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.assigned', actor, data: { ownerId: owner.id, owner: owner.name } });
  return next;
}

export async function addResponder(r: Repos, ctx: Ctx, alert: Alert, actor: Actor, userRef: string): Promise<void> {
  const user = userRef.includes('@') ? await r.users.findByEmail(userRef.toLowerCase()) : await r.users.findById(userRef);
  if (!user) throw invalid('unknown_user', `No user "${userRef}".`, { field: 'user' });
  if (alert.status === 'closed') throw conflict('alert_closed', `Alert #${alert.number} is closed.`);
  await createPage(r, ctx.now, { userId: user.id, urgency: 'high', subject: `[${alert.priority}] ${alert.message}`, text: `You were added as a responder to alert #${alert.number}. ${ctx.publicUrl}/alerts/${alert.id}`, sourceType: 'alert', sourceId: alert.id });
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.responder_added', actor, data: { userId: user.id, name: user.name } });
}

export async function updateTagsDetails(r: Repos, ctx: Ctx, alert: Alert, actor: Actor, change: { addTags?: string[]; removeTags?: string[]; addDetails?: Record<string, string>; removeDetails?: string[] }): Promise<Alert> {
  const tags = new Set(alert.tags);
  for (const t of change.addTags ?? []) tags.add(t);
  for (const t of change.removeTags ?? []) tags.delete(t);
  const details = { ...alert.details, ...(change.addDetails ?? {}) };
  for (const k of change.removeDetails ?? []) delete details[k];
  const next = { ...alert, tags: [...tags], details, updatedAt: ctx.now };
  await r.alerts.updateAlert(next);
  await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.updated', actor, data: change });
  return next;
}

/** Finds an alert by id, number (#123 or 123) or, within services, alias. */
export async function findAlert(r: Repos, ref: string, type: 'id' | 'tiny' | 'alias' = 'id', serviceIds?: string[]): Promise<Alert> {
  let a: Alert | undefined;
  if (type === 'alias') a = await r.alerts.findLatestByAlias(serviceIds ?? (await r.alerts.listServices()).map((s) => s.id), ref);
  else if (type === 'tiny' || /^#?\d+$/.test(ref)) a = await r.alerts.findAlertByNumber(Number(ref.replace('#', '')));
  else a = await r.alerts.findAlert(ref);
  if (!a || (serviceIds && !serviceIds.includes(a.serviceId))) throw notFound('alert', ref);
  return a;
}

// ---------------------------------------------------------------------------------------------
// Heartbeats

/** A ping: the heartbeat is alive; an alert raised by its expiry closes. */
export async function pingHeartbeat(r: Repos, ctx: Ctx, name: string): Promise<{ ok: boolean; heartbeat?: { name: string; expired: boolean } }> {
  const hb = await r.alerts.findHeartbeatByName(name);
  if (!hb) return { ok: false };
  const wasExpired = hb.state === 'expired';
  await r.alerts.updateHeartbeat({ ...hb, lastPingAt: ctx.now, state: 'ok' });
  const due = ctx.now + hb.intervalSeconds * 1000;
  await r.jobs.enqueue({ kind: HEARTBEAT_JOB, payload: { heartbeatId: hb.id }, runAt: due, dedupeKey: `heartbeat:${hb.id}:${due}` });
  if (wasExpired) {
    const service = await r.alerts.findService(hb.serviceId);
    const open = service ? await r.alerts.findOpenByAlias(service.id, `heartbeat-${hb.name}`) : undefined;
    if (service && open) await close(r, ctx, service, open, SYSTEM_ACTOR, 'heartbeat', 'The heartbeat pinged again.');
  }
  return { ok: true, heartbeat: { name: hb.name, expired: false } };
}

async function checkHeartbeatIn(r: Repos, ctx: Ctx, heartbeatId: string): Promise<void> {
  const hb = await r.alerts.findHeartbeat(heartbeatId);
  if (!hb || !hb.enabled || hb.state === 'expired') return;
  const last = hb.lastPingAt ?? hb.createdAt;
  if (last + hb.intervalSeconds * 1000 > ctx.now) return; // pinged since this check was planned
  await r.alerts.updateHeartbeat({ ...hb, state: 'expired' });
  const service = await r.alerts.findService(hb.serviceId);
  if (!service) return;
  await trigger(r, ctx, service, null, {
    action: 'trigger',
    alias: `heartbeat-${hb.name}`,
    message: `Heartbeat ${hb.name} expired`,
    description: `No ping for ${hb.intervalSeconds} seconds (last ping: ${hb.lastPingAt ? new Date(hb.lastPingAt).toISOString() : 'never'}).`,
    priority: hb.priority,
    source: 'heartbeat',
  });
}

export const ALERT_STATUSES: AlertStatus[] = ['open', 'acknowledged', 'closed'];

// ---------------------------------------------------------------------------------------------
// Use cases: what adapters call. Each opens its own transaction.

/** The escalation job: runs one step of an alert's policy. */
export async function runEscalationJob(deps: CoreDeps, ctx: Ctx, payload: { alertId: string; step: number; round: number }): Promise<void> {
  await deps.uow.run((r) => runEscalationStep(r, ctx, payload));
}

/** The storm job: one page per on-call for all the alerts of a storm. */
export async function runStormSummary(deps: CoreDeps, ctx: Ctx, payload: { serviceId: string; since: number }): Promise<void> {
  await deps.uow.run((r) => stormSummaryIn(r, ctx, payload));
}

/** The snooze-end job: a still-open alert escalates again from its first step. */
export async function endSnooze(deps: CoreDeps, ctx: Ctx, payload: { alertId: string; until: number }): Promise<void> {
  await deps.uow.run((r) => endSnoozeIn(r, ctx, payload));
}

/** The heartbeat job: a heartbeat not pinged within its interval raises an alert. */
export async function checkHeartbeat(deps: CoreDeps, ctx: Ctx, input: { heartbeatId: string }): Promise<void> {
  await deps.uow.run((r) => checkHeartbeatIn(r, ctx, input.heartbeatId));
}

/** A page of an alert reached nobody (see {@link pageUnreachedIn}). */
export async function alertPageUnreached(deps: CoreDeps, ctx: Ctx, p: PageUnreached): Promise<void> {
  await deps.uow.run((r) => pageUnreachedIn(r, ctx, p));
}

/** A person acknowledged their page: the open alert it was about is acknowledged by them. */
export async function alertPageAcknowledged(deps: CoreDeps, ctx: Ctx, input: { alertId: string; userId: string; via: string }): Promise<void> {
  await deps.uow.run(async (r) => {
    const alert = await r.alerts.findAlert(input.alertId);
    if (!alert || alert.status !== 'open') return;
    const service = await r.alerts.findService(alert.serviceId);
    const user = await r.users.findById(input.userId);
    if (!service) return;
    const actor: Actor = { type: 'user', id: input.userId };
    await acknowledge(r, { ...ctx, actor }, service, alert, actor, `${user?.name ?? input.userId} (${input.via})`);
  });
}

/** An alert as routes show it: with its service's id, slug and name. */
export type AlertView = Alert & { service?: { id: string; slug: string; name: string } };

async function withService(r: Repos, a: Alert): Promise<AlertView> {
  const s = await r.alerts.findService(a.serviceId);
  return { ...a, ...(s ? { service: { id: s.id, slug: s.slug, name: s.name } } : {}) };
}

export interface AlertQuery {
  status?: 'open' | 'acknowledged' | 'closed' | 'unclosed';
  /** Service id or slug. */
  service?: string;
  /** Team id or slug. */
  team?: string;
  priority?: AlertPriority;
  q?: string;
  limit?: number;
  offset?: number;
}

/** Alerts, newest first, each with its service. */
export async function listAlerts(deps: CoreDeps, _ctx: Ctx, q: AlertQuery): Promise<{ data: AlertView[]; total: number }> {
  return deps.uow.run(async (r) => {
    let serviceIds: string[] | undefined;
    if (q.service) serviceIds = [(await findService(r, q.service)).id];
    if (q.team) {
      const team = await findTeam(r, q.team);
      if (!team) throw notFound('team', q.team);
      serviceIds = (await r.alerts.listServices({ teamId: team.id })).map((s) => s.id);
    }
    const res = await r.alerts.listAlerts({
      ...(q.status ? { status: q.status } : {}),
      ...(serviceIds ? { serviceIds } : {}),
      ...(q.priority ? { priority: q.priority } : {}),
      ...(q.q ? { search: q.q } : {}),
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
    const services = new Map((await r.alerts.listServices()).map((s) => [s.id, { id: s.id, slug: s.slug, name: s.name }]));
    return { data: res.data.map((a) => ({ ...a, ...(services.get(a.serviceId) ? { service: services.get(a.serviceId)! } : {}) })), total: res.total };
  });
}

/** An alert by id or number, with its timeline and who its pages did not reach. */
export async function getAlert(deps: CoreDeps, _ctx: Ctx, input: { ref: string }): Promise<{ alert: AlertView; timeline: TimelineEvent[]; notReached: NotReached[] }> {
  return deps.uow.run(async (r) => {
    const a = await findAlert(r, input.ref);
    const timeline = [...(await r.events.list('alert', a.id, { limit: 2000 }))];
    return { alert: await withService(r, a), timeline, notReached: await notReachedFrom(r, timeline) };
  });
}

/** Who the alert's timeline names for a person acting in Vigil: their user id, else "api". */
const byOf = (ctx: Ctx): string => ctx.actor.id ?? 'api';

/** Runs one action on an alert (by id or number) and answers the alert as it is then. */
async function onAlert(deps: CoreDeps, ref: string, act: (r: Repos, a: Alert) => Promise<unknown>): Promise<AlertView> {
  return deps.uow.run(async (r) => {
    const a = await findAlert(r, ref);
    await act(r, a);
    return withService(r, (await r.alerts.findAlert(a.id))!);
  });
}

const serviceOf = async (r: Repos, a: Alert): Promise<Service> => (await r.alerts.findService(a.serviceId))!;

/** Acknowledge: stop escalating. */
export async function acknowledgeAlert(deps: CoreDeps, ctx: Ctx, input: { ref: string; note?: string }): Promise<AlertView> {
  return onAlert(deps, input.ref, async (r, a) => acknowledge(r, ctx, await serviceOf(r, a), a, ctx.actor, byOf(ctx), input.note));
}

/** Close (resolve). */
export async function closeAlert(deps: CoreDeps, ctx: Ctx, input: { ref: string; note?: string }): Promise<AlertView> {
  return onAlert(deps, input.ref, async (r, a) => close(r, ctx, await serviceOf(r, a), a, ctx.actor, byOf(ctx), input.note));
}

export async function addAlertNote(deps: CoreDeps, ctx: Ctx, input: { ref: string; note: string }): Promise<AlertView> {
  return onAlert(deps, input.ref, (r, a) => addNote(r, ctx, a, ctx.actor, input.note));
}

/** Snooze: no paging until `until`; escalation starts again then if still open. */
export async function snoozeAlert(deps: CoreDeps, ctx: Ctx, input: { ref: string; until: number }): Promise<AlertView> {
  return onAlert(deps, input.ref, (r, a) => snooze(r, ctx, a, ctx.actor, input.until));
}

export async function escalateAlert(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<AlertView> {
  return onAlert(deps, input.ref, (r, a) => escalateNow(r, ctx, a, ctx.actor));
}

/** Assign an owner (user id or email). */
export async function assignAlert(deps: CoreDeps, ctx: Ctx, input: { ref: string; owner: string }): Promise<AlertView> {
  return onAlert(deps, input.ref, (r, a) => assign(r, ctx, a, ctx.actor, input.owner));
}

/** Add a responder (user id or email): they are paged. */
export async function addAlertResponder(deps: CoreDeps, ctx: Ctx, input: { ref: string; user: string }): Promise<AlertView> {
  return onAlert(deps, input.ref, (r, a) => addResponder(r, ctx, a, ctx.actor, input.user));
}

export async function updateAlertTags(deps: CoreDeps, ctx: Ctx, input: { ref: string; addTags?: string[]; removeTags?: string[]; addDetails?: Record<string, string>; removeDetails?: string[] }): Promise<AlertView> {
  const { ref, ...change } = input;
  return onAlert(deps, ref, (r, a) => updateTagsDetails(r, ctx, a, ctx.actor, change));
}

/** Acknowledge or close many alerts at once; those not found or already done are skipped. */
export async function bulkAlertAction(deps: CoreDeps, ctx: Ctx, input: { action: 'acknowledge' | 'close'; ids: string[] }): Promise<{ done: number; skipped: Array<{ id: string; reason: string }> }> {
  return deps.uow.run(async (r) => {
    let done = 0;
    const skipped: Array<{ id: string; reason: string }> = [];
    for (const id of input.ids) {
      const a = await r.alerts.findAlert(id);
      if (!a) {
        skipped.push({ id, reason: 'not found' });
        continue;
      }
      if (a.status === 'closed' || (input.action === 'acknowledge' && a.status !== 'open')) {
        skipped.push({ id, reason: `already ${a.status}` });
        continue;
      }
      const s = await serviceOf(r, a);
      if (input.action === 'acknowledge') await acknowledge(r, ctx, s, a, ctx.actor, byOf(ctx));
      else await close(r, ctx, s, a, ctx.actor, byOf(ctx));
      done++;
    }
    return { done, skipped };
  });
}

export type AlertButtonResult = { outcome: 'not_found' } | { outcome: 'no_service' } | { outcome: 'not_open'; alert: Alert } | { outcome: 'done'; alert: Alert };

/** A Slack button on an alert pressed by a linked person (`ctx.user`): acknowledge or close. */
export async function alertButton(deps: CoreDeps, ctx: Ctx, input: { action: 'ack' | 'close'; alertId: string; via: string }): Promise<AlertButtonResult> {
  return deps.uow.run(async (r) => {
    const alert = await r.alerts.findAlert(input.alertId);
    if (!alert) return { outcome: 'not_found' };
    const service = await r.alerts.findService(alert.serviceId);
    if (!service) return { outcome: 'no_service' };
    const by = `${ctx.user?.name ?? ctx.actor.id ?? 'someone'} (${input.via})`;
    if (input.action === 'ack') {
      if (alert.status !== 'open') return { outcome: 'not_open', alert };
      return { outcome: 'done', alert: await acknowledge(r, ctx, service, alert, ctx.actor, by) };
    }
    return { outcome: 'done', alert: await close(r, ctx, service, alert, ctx.actor, by) };
  });
}

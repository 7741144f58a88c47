/**
 * What the intake endpoints put on the intake queue, and how the queue applies each entry. An
 * endpoint verifies and maps the request, commits one entry and answers; the queue applies the
 * entries in order, each in its own savepoint, so one sender's bad event never holds up the others.
 */
import { acknowledge, addNote, addResponder, assign, close, escalateNow, findAlert, ingest, snooze, updateTagsDetails, type IngestContext } from '../../core/alerts/alerts.js';
import type { AlertEvent } from '../../core/alerts/intake.js';
import type { Alert, Integration, Service } from '../../core/alerts/model.js';
import { DomainError } from '../../core/shared/errors.js';
import type { Actor, Repos } from '../../core/shared/ports.js';
import type { AlertIdentifier, OpsGenieAction, OpsGenieActionName } from './opsgenie.js';

export type IntakeEntry =
  /** Normalized events (OpsGenie create, PagerDuty, webhooks); `request` is an OpsGenie request id to answer for. */
  | { kind: 'events'; events: AlertEvent[]; request?: { id: string; action: string } }
  /** An OpsGenie action on an alert named by id, alias or tiny id; its outcome is read from the request status. */
  | { kind: 'opsgenie_action'; requestId: string; routeAction: OpsGenieActionName; identifier: AlertIdentifier; action: OpsGenieAction };

/** The alerts an entry touched (null for change events and ignored actions). */
export type IntakeOutcome = Array<Pick<Alert, 'id' | 'number' | 'status' | 'alias'> | null>;

export interface IntakeApplyContext {
  now: number;
  publicUrl: string;
}

/** The integration and its service, looked up once per batch. */
export type IntakeTarget = { integration: Integration; service: Service };

export async function loadIntakeTarget(r: Repos, integrationId: string): Promise<IntakeTarget | undefined> {
  const integration = await r.alerts.findIntegration(integrationId);
  const service = integration ? await r.alerts.findService(integration.serviceId) : undefined;
  return integration && service ? { integration, service } : undefined;
}

const brief = (a: Alert | null) => (a ? { id: a.id, number: a.number, status: a.status, alias: a.alias } : null);

/** Applies one entry in the current transaction. */
export async function applyIntakeEntry(r: Repos, c: IntakeApplyContext, target: IntakeTarget, entry: IntakeEntry): Promise<IntakeOutcome> {
  const ctx: IngestContext = { now: c.now, publicUrl: c.publicUrl, actor: { type: 'integration', id: target.integration.id } };
  if (entry.kind === 'opsgenie_action') return [await applyOpsGenieAction(r, ctx, target, entry)];
  const out: IntakeOutcome = [];
  for (const e of entry.events) {
    if (e.action === 'change') {
      await r.events.append({ entityType: 'service', entityId: target.service.id, type: 'change.event', actor: ctx.actor, data: { summary: e.summary, source: e.source, timestamp: e.timestamp, links: e.links, details: e.details } });
      out.push(null);
      continue;
    }
    out.push(brief((await ingest(r, ctx, target.service, target.integration, e)).alert));
  }
  if (entry.request) {
    const alert = out[0] ?? null;
    const first = entry.events[0];
    await r.alerts.insertIntakeRequest({
      id: entry.request.id,
      integrationId: target.integration.id,
      action: entry.request.action,
      alertId: alert?.id ?? null,
      alias: alert?.alias ?? (first && 'alias' in first ? (first.alias ?? null) : null),
      success: true,
      status: 'Alert created',
      createdAt: c.now,
    });
  }
  return out;
}

/**
 * Records why an entry could not be applied (its changes were rolled back): OpsGenie senders read it
 * from the request status; the service's timeline shows it to people.
 */
export async function recordIntakeFailure(r: Repos, c: IntakeApplyContext, integrationId: string, entry: IntakeEntry, err: unknown): Promise<void> {
  const requestId = entry.kind === 'opsgenie_action' ? entry.requestId : entry.request?.id;
  const action = entry.kind === 'opsgenie_action' ? entry.routeAction : (entry.request?.action ?? 'Create');
  const status = err instanceof DomainError && err.kind === 'not_found' ? 'Alert does not exist' : err instanceof Error ? err.message : String(err);
  if (requestId) await r.alerts.insertIntakeRequest({ id: requestId, integrationId, action, alertId: null, alias: null, success: false, status, createdAt: c.now });
  const expected = err instanceof DomainError;
  if (!expected) {
    const integration = await r.alerts.findIntegration(integrationId);
    if (integration) {
      await r.events.append({
        entityType: 'service',
        entityId: integration.serviceId,
        type: 'intake.failed',
        actor: { type: 'integration', id: integrationId },
        data: { integration: integration.name, error: status, events: entry.kind === 'events' ? entry.events.length : 1 },
      });
    }
  }
}

async function applyOpsGenieAction(r: Repos, ctx: IngestContext, target: IntakeTarget, entry: Extract<IntakeEntry, { kind: 'opsgenie_action' }>) {
  const { identifier: id, action } = entry;
  const alert = await findAlert(r, id.value, id.type, id.type === 'alias' ? [target.service.id] : undefined);
  const service = (await r.alerts.findService(alert.serviceId))!;
  const actor: Actor = ctx.actor;
  const by = action.user ?? target.integration.name;
  let after: Alert = alert;
  switch (action.type) {
    case 'acknowledge':
      if (alert.status === 'open') after = await acknowledge(r, ctx, service, alert, actor, by, action.note);
      break;
    case 'close':
      after = await close(r, ctx, service, alert, actor, by, action.note);
      break;
    case 'note':
      await addNote(r, ctx, alert, actor, action.note, action.user);
      break;
    case 'snooze':
      await snooze(r, ctx, alert, actor, action.endTime);
      break;
    case 'escalate':
      await escalateNow(r, ctx, alert, actor);
      break;
    case 'assign': {
      const owner = action.owner.username ?? action.owner.id;
      if (owner) await assign(r, ctx, alert, actor, owner);
      break;
    }
    case 'addResponder':
      if (action.responder.type === 'user') await addResponder(r, ctx, alert, actor, action.responder.username ?? action.responder.id ?? '');
      else await r.events.append({ entityType: 'alert', entityId: alert.id, type: 'alert.responder_requested', actor, data: { responder: action.responder } });
      break;
    case 'addTags':
      await updateTagsDetails(r, ctx, alert, actor, { addTags: action.tags });
      break;
    case 'removeTags':
      await updateTagsDetails(r, ctx, alert, actor, { removeTags: action.tags });
      break;
    case 'addDetails':
      await updateTagsDetails(r, ctx, alert, actor, { addDetails: action.details });
      break;
    case 'removeDetails':
      await updateTagsDetails(r, ctx, alert, actor, { removeDetails: action.keys });
      break;
    case 'delete':
      after = await close(r, ctx, service, alert, actor, by, 'deleted through the OpsGenie API');
      break;
    case 'updateMessage':
      await r.alerts.updateAlert({ ...alert, message: action.message, updatedAt: ctx.now });
      break;
    case 'updateDescription':
      await r.alerts.updateAlert({ ...alert, description: action.description, updatedAt: ctx.now });
      break;
    case 'updatePriority':
      await r.alerts.updateAlert({ ...alert, priority: action.priority, urgency: service.urgencyRule[action.priority] ?? alert.urgency, updatedAt: ctx.now });
      break;
    default:
      await r.events.append({ entityType: 'alert', entityId: alert.id, type: `alert.${action.type}`, actor, data: { ...action } });
  }
  await r.alerts.insertIntakeRequest({ id: entry.requestId, integrationId: target.integration.id, action: entry.routeAction, alertId: alert.id, alias: alert.alias, success: true, status: 'Request processed', createdAt: ctx.now });
  return brief(after);
}

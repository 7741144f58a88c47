/**
 * Reads of alerts, intake requests and heartbeats for the drop-in intake APIs (the OpsGenie read
 * API): Vigil's shapes, with the names a view needs (integration, the users an alert names). The
 * vendor formatting lives with the vendor adapters (integrations/inbound).
 */
import type { Actor, CoreDeps, Repos, TimelineEvent } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import type { Page } from '../notifications/notifications.js';
import { findAlert, pingHeartbeat } from './alerts.js';
import type { AlertPriority } from './intake.js';
import type { Alert, Heartbeat, IntakeRequest, Integration, IntegrationType, Service } from './model.js';
import { findIntegrationByKey } from './services.js';

/** An integration key's integration and its service; undefined when unknown or disabled. */
export async function resolveIntegrationKey(deps: CoreDeps, _ctx: Ctx, input: { key: string }): Promise<{ integration: Integration; service: Service } | undefined> {
  return deps.uow.run((r) => findIntegrationByKey(r, input.key));
}

// ---------------------------------------------------------------------------------------------
// Alerts

/** An alert with the names a view shows: its integration, and the emails of the users it names. */
export interface AlertRead {
  alert: Alert;
  integration?: { id: string; name: string; type: IntegrationType };
  ownerEmail?: string;
  acknowledgedByEmail?: string;
  closedByEmail?: string;
}

async function readOf(r: Repos, a: Alert): Promise<AlertRead> {
  const integration = a.integrationId ? await r.alerts.findIntegration(a.integrationId) : undefined;
  const owner = a.ownerId ? await r.users.findById(a.ownerId) : undefined;
  const ackBy = a.acknowledgedBy ? await r.users.findById(a.acknowledgedBy) : undefined;
  const closedBy = a.closedBy ? await r.users.findById(a.closedBy) : undefined;
  return {
    alert: a,
    ...(integration ? { integration: { id: integration.id, name: integration.name, type: integration.type } } : {}),
    ...(owner ? { ownerEmail: owner.email } : {}),
    ...(ackBy ? { acknowledgedByEmail: ackBy.email } : {}),
    ...(closedBy ? { closedByEmail: closedBy.email } : {}),
  };
}

/** An alert search: every condition is ANDed; text conditions are case-insensitive "contains". */
export interface AlertSearch {
  status?: 'open' | 'closed';
  acknowledged?: boolean;
  alias?: string;
  /** The alert's number. */
  tinyId?: string;
  priority?: AlertPriority;
  source?: string;
  entity?: string;
  /** The alert has every one of these tags. */
  tags: string[];
  /** Detail values, by key. */
  details: Record<string, string>;
  messageContains: string[];
  text: string[];
  /** Two conditions disagree: the answer is empty. */
  matchesNothing?: true;
}

export interface AlertPage {
  limit: number;
  offset: number;
  order: 'asc' | 'desc';
}

/** The alerts of one stored page that match the search, and how many the page held. */
async function searchPage(r: Repos, f: AlertSearch, page: AlertPage): Promise<{ matched: Alert[]; fetched: number }> {
  if (f.matchesNothing) return { matched: [], fetched: 0 };
  const { data: alerts } = await r.alerts.listAlerts({
    ...(f.status === 'closed' ? { status: 'closed' as const } : f.status === 'open' ? { status: 'unclosed' as const } : {}),
    ...(f.alias ? { alias: f.alias } : {}),
    ...(f.priority ? { priority: f.priority } : {}),
    ...(f.tags[0] ? { tag: f.tags[0] } : {}),
    ...(f.messageContains[0] ? { search: f.messageContains[0] } : f.text[0] ? { search: f.text[0] } : {}),
    limit: page.limit,
    offset: page.offset,
    order: page.order,
  });
  const matched = alerts.filter(
    (a) =>
      (f.acknowledged === undefined || (a.status === 'acknowledged') === f.acknowledged) &&
      f.tags.every((t) => a.tags.includes(t)) &&
      (!f.tinyId || String(a.number) === f.tinyId) &&
      (!f.source || a.source.toLowerCase().includes(f.source.toLowerCase())) &&
      (!f.entity || a.entity.toLowerCase().includes(f.entity.toLowerCase())) &&
      Object.entries(f.details).every(([k, v]) => (a.details[k] ?? '').toLowerCase().includes(v.toLowerCase())),
  );
  return { matched, fetched: alerts.length };
}

/** The alerts matching a search, in one page of the stored alerts. */
export async function searchAlerts(deps: CoreDeps, _ctx: Ctx, input: { filter: AlertSearch } & AlertPage): Promise<AlertRead[]> {
  return deps.uow.run(async (r) => {
    const { matched } = await searchPage(r, input.filter, input);
    return Promise.all(matched.map((a) => readOf(r, a)));
  });
}

/** How many alerts match a search (counted in pages, up to 100,000 alerts). */
export async function countAlerts(deps: CoreDeps, _ctx: Ctx, input: { filter: AlertSearch }): Promise<number> {
  return deps.uow.run(async (r) => {
    let n = 0;
    for (let offset = 0; offset < 100_000; offset += 1000) {
      const { matched, fetched } = await searchPage(r, input.filter, { limit: 1000, offset, order: 'desc' });
      n += matched.length;
      if (fetched < 1000) break;
    }
    return n;
  });
}

/** An alert by id, number or alias; an alias is looked up within `service` (the integration's). */
export interface AlertRef {
  ref: string;
  type: 'id' | 'tiny' | 'alias';
  /** The service an alias belongs to. */
  service: string;
}

const findRef = (r: Repos, input: AlertRef) => findAlert(r, input.ref, input.type, input.type === 'alias' ? [input.service] : undefined);

/** One alert, with the names a view shows (not found: a DomainError). */
export async function readAlert(deps: CoreDeps, _ctx: Ctx, input: AlertRef): Promise<AlertRead> {
  return deps.uow.run(async (r) => readOf(r, await findRef(r, input)));
}

/** A timeline entry with who did it by name: a user's email, an integration's name, or "System". */
export type NamedTimelineEvent = TimelineEvent & { actorName: string };

/** An alert's timeline (up to 10,000 entries, oldest first), each entry naming who did it. */
export async function alertTimelineNamed(deps: CoreDeps, _ctx: Ctx, input: AlertRef): Promise<NamedTimelineEvent[]> {
  return deps.uow.run(async (r) => {
    const alert = await findRef(r, input);
    const events = await r.events.list('alert', alert.id, { limit: 10_000 });
    const names = new Map<string, string>();
    const nameOf = async (a: Actor): Promise<string> => {
      if (!a.id) return 'System';
      const k = `${a.type}:${a.id}`;
      if (!names.has(k)) names.set(k, a.type === 'user' ? ((await r.users.findById(a.id))?.email ?? a.id) : a.type === 'integration' ? ((await r.alerts.findIntegration(a.id))?.name ?? a.id) : 'System');
      return names.get(k)!;
    };
    const named: NamedTimelineEvent[] = [];
    for (const e of events) named.push({ ...e, actorName: await nameOf(e.actor) });
    return named;
  });
}

/** The pages an alert sent (up to 500), each with its user (pages of users since removed are left out). */
export async function alertRecipients(deps: CoreDeps, _ctx: Ctx, input: AlertRef): Promise<Array<Page & { user: { id: string; email: string } }>> {
  return deps.uow.run(async (r) => {
    const alert = await findRef(r, input);
    const pages = await r.notifications.listPages({ sourceType: 'alert', sourceId: alert.id, limit: 500 });
    const users = await Promise.all(pages.map((p) => r.users.findById(p.userId)));
    return pages.flatMap((p, i) => (users[i] ? [{ ...p, user: { id: users[i].id, email: users[i].email } }] : []));
  });
}

// ---------------------------------------------------------------------------------------------
// Intake requests

/**
 * An intake request's outcome, as the integration of `ctx` reads it: `exists` says whether the
 * request is stored at all, `request` is there only when it is this integration's.
 */
export async function readIntakeRequest(deps: CoreDeps, ctx: Ctx, input: { requestId: string }): Promise<{ exists: boolean; request?: IntakeRequest }> {
  const row = await deps.uow.run((r) => r.alerts.findIntakeRequest(input.requestId));
  if (!row) return { exists: false };
  return ctx.actor.type === 'integration' && row.integrationId === ctx.actor.id ? { exists: true, request: row } : { exists: true };
}

// ---------------------------------------------------------------------------------------------
// Heartbeats

/** A heartbeat with its service's name ('' when the service is gone). */
export interface HeartbeatRead {
  heartbeat: Heartbeat;
  serviceName: string;
}

const heartbeatRead = async (r: Repos, h: Heartbeat): Promise<HeartbeatRead> => ({ heartbeat: h, serviceName: (await r.alerts.findService(h.serviceId))?.name ?? '' });

export async function listHeartbeatsNamed(deps: CoreDeps, _ctx: Ctx, _input: Record<string, never> = {}): Promise<HeartbeatRead[]> {
  return deps.uow.run(async (r) => Promise.all((await r.alerts.listHeartbeats()).map((h) => heartbeatRead(r, h))));
}

export async function readHeartbeat(deps: CoreDeps, _ctx: Ctx, input: { name: string }): Promise<HeartbeatRead | undefined> {
  return deps.uow.run(async (r) => {
    const h = await r.alerts.findHeartbeatByName(input.name);
    return h ? heartbeatRead(r, h) : undefined;
  });
}

/** A ping of the heartbeat named `name`: it is alive (an alert raised by its expiry closes). */
export async function pingHeartbeatNamed(deps: CoreDeps, ctx: Ctx, input: { name: string }): Promise<{ ok: boolean; heartbeat?: { name: string; expired: boolean } }> {
  return deps.uow.run((r) => pingHeartbeat(r, ctx, input.name));
}

import { sql, type Selectable } from 'kysely';
import type { Alert, AlertStatus, AlertsRepo, EscalationPolicy, Heartbeat, Integration, IntegrationType, MaintenanceWindow, Service } from '../../core/alerts/model.js';
import type { AlertPriority } from '../../core/alerts/intake.js';
import type { Urgency } from '../../core/notifications/notifications.js';
import type { Dialect, Executor } from '../database.js';
import type { AlertsTable, EscalationPoliciesTable, HeartbeatsTable, IntegrationsTable, ServicesTable } from '../schema.js';

const toPolicy = (r: Selectable<EscalationPoliciesTable>): EscalationPolicy => ({
  id: r.id,
  teamId: r.team_id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  repeat: r.repeat,
  steps: JSON.parse(r.steps),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const policyRow = (p: EscalationPolicy) => ({
  id: p.id,
  team_id: p.teamId,
  slug: p.slug,
  name: p.name,
  description: p.description,
  repeat: p.repeat,
  steps: JSON.stringify(p.steps),
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});
const toService = (r: Selectable<ServicesTable>): Service => ({
  id: r.id,
  teamId: r.team_id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  escalationPolicyId: r.escalation_policy_id,
  alertsChannel: r.alerts_channel,
  urgencyRule: JSON.parse(r.urgency_rule) as Record<AlertPriority, Urgency>,
  stormThreshold: r.storm_threshold,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const serviceRow = (s: Service) => ({
  id: s.id,
  team_id: s.teamId,
  slug: s.slug,
  name: s.name,
  description: s.description,
  escalation_policy_id: s.escalationPolicyId,
  alerts_channel: s.alertsChannel,
  urgency_rule: JSON.stringify(s.urgencyRule),
  storm_threshold: s.stormThreshold,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});
const toIntegration = (r: Selectable<IntegrationsTable>): Integration => ({
  id: r.id,
  serviceId: r.service_id,
  name: r.name,
  type: r.type as IntegrationType,
  keyHint: r.key_hint,
  signingSecret: r.signing_secret,
  options: JSON.parse(r.options) as Record<string, unknown>,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});
const toAlert = (r: Selectable<AlertsTable>): Alert => ({
  id: r.id,
  number: Number(r.number),
  serviceId: r.service_id,
  integrationId: r.integration_id,
  alias: r.alias,
  status: r.status as AlertStatus,
  message: r.message,
  description: r.description,
  priority: r.priority as AlertPriority,
  urgency: r.urgency as Urgency,
  source: r.source,
  entity: r.entity,
  tags: JSON.parse(r.tags) as string[],
  details: JSON.parse(r.details) as Record<string, string>,
  links: JSON.parse(r.links) as Alert['links'],
  count: r.count,
  firstAt: r.first_at,
  lastAt: r.last_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  closedAt: r.closed_at,
  closedBy: r.closed_by,
  snoozedUntil: r.snoozed_until,
  ownerId: r.owner_id,
  storm: r.storm === 1,
  incidentId: r.incident_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const alertRow = (a: Alert) => ({
  id: a.id,
  number: a.number,
  service_id: a.serviceId,
  integration_id: a.integrationId,
  alias: a.alias,
  status: a.status,
  message: a.message,
  description: a.description,
  priority: a.priority,
  urgency: a.urgency,
  source: a.source,
  entity: a.entity,
  tags: JSON.stringify(a.tags),
  details: JSON.stringify(a.details),
  links: JSON.stringify(a.links),
  count: a.count,
  first_at: a.firstAt,
  last_at: a.lastAt,
  acknowledged_at: a.acknowledgedAt,
  acknowledged_by: a.acknowledgedBy,
  closed_at: a.closedAt,
  closed_by: a.closedBy,
  snoozed_until: a.snoozedUntil,
  owner_id: a.ownerId,
  storm: a.storm ? 1 : 0,
  incident_id: a.incidentId,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});
const toHeartbeat = (r: Selectable<HeartbeatsTable>): Heartbeat => ({
  id: r.id,
  serviceId: r.service_id,
  name: r.name,
  intervalSeconds: r.interval_seconds,
  priority: r.priority as AlertPriority,
  enabled: r.enabled === 1,
  lastPingAt: r.last_ping_at,
  state: r.state as Heartbeat['state'],
  createdAt: r.created_at,
});
const heartbeatRow = (h: Heartbeat) => ({
  id: h.id,
  service_id: h.serviceId,
  name: h.name,
  interval_seconds: h.intervalSeconds,
  priority: h.priority,
  enabled: h.enabled ? 1 : 0,
  last_ping_at: h.lastPingAt,
  state: h.state,
  created_at: h.createdAt,
});

export const alertsRepo = (db: Executor, dialect: Dialect): AlertsRepo => ({
  async insertPolicy(p) {
    await db.insertInto('escalation_policies').values(policyRow(p)).execute();
  },
  async updatePolicy(p) {
    const { id, ...rest } = policyRow(p);
    await db.updateTable('escalation_policies').set(rest).where('id', '=', id).execute();
  },
  async findPolicy(ref) {
    const r = await db.selectFrom('escalation_policies').selectAll().where((eb) => eb.or([eb('id', '=', ref), eb('slug', '=', ref)])).executeTakeFirst();
    return r && toPolicy(r);
  },
  async listPolicies() {
    return (await db.selectFrom('escalation_policies').selectAll().orderBy('name').execute()).map(toPolicy);
  },
  async insertService(s) {
    await db.insertInto('services').values(serviceRow(s)).execute();
  },
  async updateService(s) {
    const { id, ...rest } = serviceRow(s);
    await db.updateTable('services').set(rest).where('id', '=', id).execute();
  },
  async findService(ref) {
    const r = await db.selectFrom('services').selectAll().where((eb) => eb.or([eb('id', '=', ref), eb('slug', '=', ref)])).executeTakeFirst();
    return r && toService(r);
  },
  async listServices(o = {}) {
    let q = db.selectFrom('services').selectAll().orderBy('name');
    if (o.teamId) q = q.where('team_id', '=', o.teamId);
    return (await q.execute()).map(toService);
  },
  async insertIntegration(i, keyHash) {
    await db
      .insertInto('integrations')
      .values({ id: i.id, service_id: i.serviceId, name: i.name, type: i.type, key_hash: keyHash, key_hint: i.keyHint, signing_secret: i.signingSecret, options: JSON.stringify(i.options), disabled: i.disabled ? 1 : 0, created_at: i.createdAt })
      .execute();
  },
  async updateIntegration(i) {
    await db.updateTable('integrations').set({ name: i.name, signing_secret: i.signingSecret, options: JSON.stringify(i.options), disabled: i.disabled ? 1 : 0 }).where('id', '=', i.id).execute();
  },
  async deleteIntegration(id) {
    await db.deleteFrom('integrations').where('id', '=', id).execute();
  },
  async findIntegrationByKeyHash(keyHash) {
    const r = await db.selectFrom('integrations').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    return r && toIntegration(r);
  },
  async findIntegration(id) {
    const r = await db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toIntegration(r);
  },
  async listIntegrations(serviceId) {
    return (await db.selectFrom('integrations').selectAll().where('service_id', '=', serviceId).orderBy('created_at').execute()).map(toIntegration);
  },
  async nextAlertNumber() {
    if (dialect === 'postgres') {
      const { rows } = await sql<{ n: number }>`select nextval('alert_numbers') as n`.execute(db);
      return Number(rows[0]!.n);
    }
    const r = await db
      .updateTable('counters')
      .set({ value: sql`value + 1` })
      .where('name', '=', 'alert')
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(r.value);
  },
  async insertAlert(a) {
    await db.insertInto('alerts').values(alertRow(a)).execute();
  },
  async updateAlert(a) {
    const { id, ...rest } = alertRow(a);
    await db.updateTable('alerts').set(rest).where('id', '=', id).execute();
  },
  async findAlert(id) {
    let q = db.selectFrom('alerts').selectAll().where('id', '=', id);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toAlert(r);
  },
  async findAlertByNumber(n) {
    const r = await db.selectFrom('alerts').selectAll().where('number', '=', n).executeTakeFirst();
    return r && toAlert(r);
  },
  async findOpenByAlias(serviceId, alias) {
    // The literal lets SQLite plan the partial index alerts_open_alias once, not per binding.
    let q = db.selectFrom('alerts').selectAll().where('service_id', '=', serviceId).where('alias', '=', alias).where('status', '<>', sql.lit('closed'));
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toAlert(r);
  },
  async findLatestByAlias(serviceIds, alias) {
    if (serviceIds.length === 0) return undefined;
    const r = await db.selectFrom('alerts').selectAll().where('service_id', 'in', serviceIds).where('alias', '=', alias).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    return r && toAlert(r);
  },
  async listAlerts(f) {
    let q = db.selectFrom('alerts');
    if (f.status === 'unclosed') q = q.where('status', '<>', 'closed');
    else if (f.status) q = q.where('status', '=', f.status);
    if (f.serviceIds) q = f.serviceIds.length ? q.where('service_id', 'in', f.serviceIds) : q.where(sql<boolean>`1 = 0`);
    if (f.alias) q = q.where('alias', '=', f.alias);
    if (f.incidentId) q = q.where('incident_id', '=', f.incidentId);
    if (f.priority) q = q.where('priority', '=', f.priority);
    if (f.tag) q = q.where('tags', 'like', `%${JSON.stringify(f.tag).slice(1, -1).replace(/[%_]/g, '')}%`);
    if (f.search) q = q.where((eb) => eb.or([eb('message', 'like', `%${f.search!.replace(/[%_]/g, '')}%`), eb('alias', '=', f.search!)]));
    if (f.before) q = q.where('created_at', '<', f.before);
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q
      .selectAll()
      .orderBy('created_at', f.order ?? 'desc')
      .orderBy('number', f.order ?? 'desc')
      .limit(Math.min(f.limit ?? 50, 1000))
      .offset(f.offset ?? 0)
      .execute();
    return { data: rows.map(toAlert), total };
  },
  async countInStormWindow(serviceId, now, windowMs) {
    const expired = sql<boolean>`storm_windows.window_start <= ${now - windowMs}`;
    const r = await db
      .insertInto('storm_windows')
      .values({ service_id: serviceId, window_start: now, count: 1 })
      .onConflict((oc) =>
        oc.column('service_id').doUpdateSet({
          window_start: sql`case when ${expired} then ${now} else storm_windows.window_start end`,
          count: sql`case when ${expired} then 1 else storm_windows.count + 1 end`,
        }),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(r.count);
  },
  async insertIntakeRequest(i) {
    await db
      .insertInto('intake_requests')
      .values({ id: i.id, integration_id: i.integrationId, action: i.action, alert_id: i.alertId, alias: i.alias, success: i.success ? 1 : 0, status: i.status, created_at: i.createdAt })
      .execute();
  },
  async findIntakeRequest(id) {
    const r = await db.selectFrom('intake_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, integrationId: r.integration_id, action: r.action, alertId: r.alert_id, alias: r.alias, success: r.success === 1, status: r.status, createdAt: r.created_at };
  },
  async insertMaintenance(m) {
    await db.insertInto('maintenance_windows').values({ id: m.id, service_id: m.serviceId, start_at: m.start, end_at: m.end, reason: m.reason, created_by: m.createdBy, created_at: m.createdAt }).execute();
  },
  async deleteMaintenance(id) {
    await db.deleteFrom('maintenance_windows').where('id', '=', id).execute();
  },
  async listMaintenance(serviceId, activeAt) {
    let q = db.selectFrom('maintenance_windows').selectAll().where('service_id', '=', serviceId).orderBy('start_at');
    if (activeAt !== undefined) q = q.where('start_at', '<=', activeAt).where('end_at', '>', activeAt);
    return (await q.execute()).map((r): MaintenanceWindow => ({ id: r.id, serviceId: r.service_id, start: r.start_at, end: r.end_at, reason: r.reason, createdBy: r.created_by, createdAt: r.created_at }));
  },
  async insertHeartbeat(h) {
    await db.insertInto('heartbeats').values(heartbeatRow(h)).execute();
  },
  async updateHeartbeat(h) {
    const { id, ...rest } = heartbeatRow(h);
    await db.updateTable('heartbeats').set(rest).where('id', '=', id).execute();
  },
  async findHeartbeatByName(name) {
    const r = await db.selectFrom('heartbeats').selectAll().where('name', '=', name).executeTakeFirst();
    return r && toHeartbeat(r);
  },
  async findHeartbeat(id) {
    const r = await db.selectFrom('heartbeats').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toHeartbeat(r);
  },
  async listHeartbeats(serviceId) {
    let q = db.selectFrom('heartbeats').selectAll().orderBy('name');
    if (serviceId) q = q.where('service_id', '=', serviceId);
    return (await q.execute()).map(toHeartbeat);
  },
});

import { sql, type Selectable } from 'kysely';
import type { Incident, IncidentsRepo, IncidentStatus, MemberRole } from '../../core/incidents/incidents.js';
import { DEFAULT_SEVERITIES, type Severity } from '../../core/incidents/severities.js';
import type { Dialect, Executor } from '../database.js';
import type { IncidentsTable, SeveritiesTable } from '../schema.js';

// Levels stored before "when to escalate" existed read the built-in text of their key (or none).
const toSeverity = (r: Selectable<SeveritiesTable>): Severity => {
  const policy = JSON.parse(r.policy) as Omit<Severity, 'key' | 'rank' | 'name'> & { whenToEscalate?: string };
  return { key: r.key, rank: r.rank, name: r.name, ...policy, whenToEscalate: policy.whenToEscalate ?? DEFAULT_SEVERITIES.find((d) => d.key === r.key)?.whenToEscalate ?? '' };
};

const toIncident = (r: Selectable<IncidentsTable>): Incident => ({
  id: r.id,
  number: Number(r.number),
  title: r.title,
  summary: r.summary,
  severity: r.severity,
  status: r.status as IncidentStatus,
  private: r.private === 1,
  commanderId: r.commander_id,
  commsLeadId: r.comms_lead_id,
  declaredBy: r.declared_by,
  serviceIds: JSON.parse(r.service_ids) as string[],
  sourceType: r.source_type,
  sourceId: r.source_id,
  slackChannelId: r.slack_channel_id,
  startedAt: r.started_at,
  detectedAt: r.detected_at,
  acknowledgedAt: r.acknowledged_at,
  mitigatedAt: r.mitigated_at,
  resolvedAt: r.resolved_at,
  lastUpdateAt: r.last_update_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const row = (i: Incident) => ({
  id: i.id,
  number: i.number,
  title: i.title,
  summary: i.summary,
  severity: i.severity,
  status: i.status,
  private: i.private ? 1 : 0,
  commander_id: i.commanderId,
  comms_lead_id: i.commsLeadId,
  declared_by: i.declaredBy,
  service_ids: JSON.stringify(i.serviceIds),
  source_type: i.sourceType,
  source_id: i.sourceId,
  slack_channel_id: i.slackChannelId,
  started_at: i.startedAt,
  detected_at: i.detectedAt,
  acknowledged_at: i.acknowledgedAt,
  mitigated_at: i.mitigatedAt,
  resolved_at: i.resolvedAt,
  last_update_at: i.lastUpdateAt,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
});

export const incidentsRepo = (db: Executor, dialect: Dialect): IncidentsRepo => ({
  async listSeverities() {
    return (await db.selectFrom('severities').selectAll().orderBy('rank').execute()).map(toSeverity);
  },
  async findSeverity(key) {
    const r = await db.selectFrom('severities').selectAll().where('key', '=', key).executeTakeFirst();
    return r && toSeverity(r);
  },
  async saveSeverity(s, at) {
    const { key, rank, name, ...policy } = s;
    const values = { rank, name, policy: JSON.stringify(policy), updated_at: at };
    await db.insertInto('severities').values({ key, ...values }).onConflict((oc) => oc.column('key').doUpdateSet(values)).execute();
  },
  async nextNumber() {
    const r = await db.updateTable('counters').set({ value: sql`value + 1` }).where('name', '=', 'incident').returning('value').executeTakeFirstOrThrow();
    return Number(r.value);
  },
  async insert(i) {
    await db.insertInto('incidents').values(row(i)).execute();
  },
  async update(i) {
    const { id, ...rest } = row(i);
    await db.updateTable('incidents').set(rest).where('id', '=', id).execute();
  },
  async find(id) {
    let q = db.selectFrom('incidents').selectAll().where('id', '=', id);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toIncident(r);
  },
  async findByNumber(n) {
    const r = await db.selectFrom('incidents').selectAll().where('number', '=', n).executeTakeFirst();
    return r && toIncident(r);
  },
  async findBySlackChannel(channelId) {
    const r = await db.selectFrom('incidents').selectAll().where('slack_channel_id', '=', channelId).orderBy('created_at', 'desc').executeTakeFirst();
    return r && toIncident(r);
  },
  async list(f) {
    let q = db.selectFrom('incidents').selectAll().orderBy('created_at', 'desc').limit(Math.min(f.limit ?? 100, 1000));
    if (f.status === 'open') q = q.where('status', 'not in', ['resolved', 'cancelled']);
    else if (f.status) q = q.where('status', '=', f.status);
    if (f.severity) q = q.where('severity', '=', f.severity);
    if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('created_at', '<', f.to);
    if (f.serviceId) q = q.where('service_ids', 'like', `%"${f.serviceId}"%`);
    if (f.q) q = q.where((eb) => eb.or([eb('title', 'like', `%${f.q!.replace(/[%_]/g, '')}%`), eb('summary', 'like', `%${f.q!.replace(/[%_]/g, '')}%`)]));
    // The one visibility rule (core/auth/permissions.ts): private incidents only for their members and the security owner.
    const v = f.visibleTo;
    if (v === 'public') q = q.where('private', '=', 0);
    else if (v !== 'all') {
      const ownerSeesAll = v.securityOwnerUserId !== null && v.securityOwnerUserId === v.viewerId;
      if (!ownerSeesAll) {
        q = q.where((eb) =>
          eb.or([eb('private', '=', 0), eb.exists(db.selectFrom('incident_members').select('user_id').where(sql<boolean>`incident_members.incident_id = incidents.id`).where('incident_members.user_id', '=', v.viewerId))]),
        );
      }
    }
    return (await q.execute()).map(toIncident);
  },
  async addMember(incidentId, userId, role, at) {
    await db.insertInto('incident_members').values({ incident_id: incidentId, user_id: userId, role, added_at: at }).onConflict((oc) => oc.doNothing()).execute();
  },
  async removeMember(incidentId, userId, role) {
    await db.deleteFrom('incident_members').where('incident_id', '=', incidentId).where('user_id', '=', userId).where('role', '=', role).execute();
  },
  async members(incidentId) {
    const rows = await db.selectFrom('incident_members').selectAll().where('incident_id', '=', incidentId).orderBy('added_at').execute();
    return rows.map((r) => ({ userId: r.user_id, role: r.role as MemberRole, addedAt: r.added_at }));
  },
  async subscribeService(serviceId, userId, at) {
    await db.insertInto('service_subscriptions').values({ service_id: serviceId, user_id: userId, created_at: at }).onConflict((oc) => oc.doNothing()).execute();
  },
  async serviceSubscribers(serviceIds) {
    if (serviceIds.length === 0) return [];
    return (await db.selectFrom('service_subscriptions').select('user_id').distinct().where('service_id', 'in', serviceIds).execute()).map((r) => r.user_id);
  },
});

import { sql, type Selectable } from 'kysely';
import type { SentryStatus, TriageDecision, TriageDecisionRecord, TriageItem, TriageRepo, TriageState } from '../../core/triage/triage.js';
import type { Dialect, Executor } from '../database.js';
import type { TriageItemsTable } from '../schema.js';

const toItem = (r: Selectable<TriageItemsTable>): TriageItem => ({
  id: r.id,
  number: Number(r.number),
  serviceId: r.service_id,
  integrationId: r.integration_id,
  source: r.source,
  sourceId: r.source_id,
  shortId: r.short_id,
  title: r.title,
  culprit: r.culprit,
  level: r.level,
  platform: r.platform,
  project: r.project,
  environment: r.environment,
  webUrl: r.web_url,
  sentryStatus: r.sentry_status as SentryStatus,
  sentryAssignee: r.sentry_assignee,
  state: r.state as TriageState,
  regression: Number(r.regression) === 1,
  regressedAt: r.regressed_at === null ? null : Number(r.regressed_at),
  events: Number(r.events),
  usersAffected: Number(r.users_affected),
  firstSeen: Number(r.first_seen),
  lastSeen: Number(r.last_seen),
  decision: r.decision as TriageDecision | null,
  decisionDetail: JSON.parse(r.decision_detail) as Record<string, unknown>,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  assigneeId: r.assignee_id,
  incidentId: r.incident_id,
  jiraKey: r.jira_key,
  jiraUrl: r.jira_url,
  claimedBy: r.claimed_by,
  claimedUntil: r.claimed_until === null ? null : Number(r.claimed_until),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const row = (i: TriageItem): TriageItemsTable => ({
  id: i.id,
  number: i.number,
  service_id: i.serviceId,
  integration_id: i.integrationId,
  source: i.source,
  source_id: i.sourceId,
  short_id: i.shortId,
  title: i.title,
  culprit: i.culprit,
  level: i.level,
  platform: i.platform,
  project: i.project,
  environment: i.environment,
  web_url: i.webUrl,
  sentry_status: i.sentryStatus,
  sentry_assignee: i.sentryAssignee,
  state: i.state,
  regression: i.regression ? 1 : 0,
  regressed_at: i.regressedAt,
  events: i.events,
  users_affected: i.usersAffected,
  first_seen: i.firstSeen,
  last_seen: i.lastSeen,
  decision: i.decision,
  decision_detail: JSON.stringify(i.decisionDetail),
  decided_by: i.decidedBy,
  decided_at: i.decidedAt,
  assignee_id: i.assigneeId,
  incident_id: i.incidentId,
  jira_key: i.jiraKey,
  jira_url: i.jiraUrl,
  claimed_by: i.claimedBy,
  claimed_until: i.claimedUntil,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
});

export const triageRepo = (db: Executor, dialect: Dialect): TriageRepo => ({
  async nextNumber() {
    const r = await db.updateTable('counters').set({ value: sql`value + 1` }).where('name', '=', 'triage').returning('value').executeTakeFirstOrThrow();
    return Number(r.value);
  },
  async insert(i) {
    await db.insertInto('triage_items').values(row(i)).execute();
  },
  async update(i) {
    const { id, ...rest } = row(i);
    await db.updateTable('triage_items').set(rest).where('id', '=', id).execute();
  },
  async find(id) {
    let q = db.selectFrom('triage_items').selectAll().where('id', '=', id);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toItem(r);
  },
  async findByNumber(n) {
    let q = db.selectFrom('triage_items').selectAll().where('number', '=', n);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toItem(r);
  },
  async findBySource(serviceId, source, sourceId) {
    let q = db.selectFrom('triage_items').selectAll().where('service_id', '=', serviceId).where('source', '=', source).where('source_id', '=', sourceId);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toItem(r);
  },
  async list(f) {
    let q = db.selectFrom('triage_items').selectAll().orderBy('updated_at', 'desc').orderBy('number', 'desc').limit(Math.min(f.limit ?? 100, 1000));
    if (f.state && f.state !== 'all') q = q.where('state', '=', f.state);
    if (f.serviceId) q = q.where('service_id', '=', f.serviceId);
    if (f.regression !== undefined) q = q.where('regression', '=', f.regression ? 1 : 0);
    return (await q.execute()).map(toItem);
  },
  async insertDecision(d) {
    await db.insertInto('triage_decisions').values({ id: d.id, item_id: d.itemId, decision: d.decision, detail: JSON.stringify(d.detail), user_id: d.userId, at: d.at }).execute();
  },
  async decisionsBetween(userId, from, to) {
    const rows = await db
      .selectFrom('triage_decisions as d')
      .innerJoin('triage_items as i', 'i.id', 'd.item_id')
      .select(['d.id', 'd.item_id', 'd.decision', 'd.detail', 'd.user_id', 'd.at', 'i.number', 'i.title'])
      .where('d.user_id', '=', userId)
      .where('d.at', '>=', from)
      .where('d.at', '<', to)
      .orderBy('d.at')
      .orderBy('d.id')
      .execute();
    return rows.map(
      (r): TriageDecisionRecord => ({
        id: r.id,
        itemId: r.item_id,
        itemNumber: Number(r.number),
        title: r.title,
        decision: r.decision as TriageDecision,
        detail: JSON.parse(r.detail) as Record<string, unknown>,
        userId: r.user_id,
        at: Number(r.at),
      }),
    );
  },
});

import { sql, type Selectable } from 'kysely';
import { BACKLOG_PRIORITIES, priorityRank, type BacklogRepo, type BacklogStatus, type BacklogTask } from '../../core/backlog/backlog.js';
import type { Dialect, Executor } from '../database.js';
import type { BacklogTasksTable } from '../schema.js';

const toTask = (r: Selectable<BacklogTasksTable>): BacklogTask => ({
  id: r.id,
  number: Number(r.number),
  title: r.title,
  description: r.description,
  teamId: r.team_id,
  priority: BACKLOG_PRIORITIES[Math.min(Math.max(Number(r.priority), 1), 5) - 1]!,
  status: r.status as BacklogStatus,
  assigneeId: r.assignee_id,
  labels: JSON.parse(r.labels) as string[],
  source: r.source === 'jira' ? 'jira' : 'local',
  jiraKey: r.jira_key,
  jiraUrl: r.jira_url,
  jiraStatus: r.jira_status,
  jiraAssignee: r.jira_assignee,
  archived: Number(r.archived) === 1,
  pickedAt: r.picked_at === null ? null : Number(r.picked_at),
  doneBy: r.done_by,
  doneAt: r.done_at === null ? null : Number(r.done_at),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  syncedAt: r.synced_at === null ? null : Number(r.synced_at),
});

const row = (t: BacklogTask): BacklogTasksTable => ({
  id: t.id,
  number: t.number,
  title: t.title,
  description: t.description,
  team_id: t.teamId,
  priority: priorityRank(t.priority),
  status: t.status,
  assignee_id: t.assigneeId,
  labels: JSON.stringify(t.labels),
  source: t.source,
  jira_key: t.jiraKey,
  jira_url: t.jiraUrl,
  jira_status: t.jiraStatus,
  jira_assignee: t.jiraAssignee,
  archived: t.archived ? 1 : 0,
  picked_at: t.pickedAt,
  done_by: t.doneBy,
  done_at: t.doneAt,
  created_by: t.createdBy,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
  synced_at: t.syncedAt,
});

export const backlogRepo = (db: Executor, dialect: Dialect): BacklogRepo => ({
  async nextNumber() {
    const r = await db.updateTable('counters').set({ value: sql`value + 1` }).where('name', '=', 'backlog').returning('value').executeTakeFirstOrThrow();
    return Number(r.value);
  },
  async insert(t) {
    await db.insertInto('backlog_tasks').values(row(t)).execute();
  },
  async update(t) {
    const { id, ...rest } = row(t);
    await db.updateTable('backlog_tasks').set(rest).where('id', '=', id).execute();
  },
  async find(id) {
    let q = db.selectFrom('backlog_tasks').selectAll().where('id', '=', id);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toTask(r);
  },
  async findByNumber(n) {
    let q = db.selectFrom('backlog_tasks').selectAll().where('number', '=', n);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toTask(r);
  },
  async findByJiraKey(key) {
    let q = db.selectFrom('backlog_tasks').selectAll().where('jira_key', '=', key);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toTask(r);
  },
  async list(f) {
    let q = db.selectFrom('backlog_tasks').selectAll().orderBy('priority').orderBy('created_at').orderBy('number').limit(Math.min(f.limit ?? 200, 1000));
    if (f.status === 'open') q = q.where('status', '!=', 'done');
    else if (f.status) q = q.where('status', '=', f.status);
    if (f.teamId) q = q.where('team_id', '=', f.teamId);
    if (f.teamIdsOrNone) {
      const teams = f.teamIdsOrNone;
      q = q.where((eb) => (teams.length ? eb.or([eb('team_id', 'is', null), eb('team_id', 'in', teams)]) : eb('team_id', 'is', null)));
    }
    if (f.assigneeId) q = q.where('assignee_id', '=', f.assigneeId);
    if (f.source) q = q.where('source', '=', f.source);
    // Archived Jira tasks (the query no longer returns them) stay visible once done: they are history.
    if (!f.includeArchived) q = q.where((eb) => eb.or([eb('archived', '=', 0), eb('status', '=', 'done')]));
    return (await q.execute()).map(toTask);
  },
  async listJira() {
    return (await db.selectFrom('backlog_tasks').selectAll().where('source', '=', 'jira').execute()).map(toTask);
  },
  async doneBetween(userId, from, to) {
    const rows = await db.selectFrom('backlog_tasks').selectAll().where('done_by', '=', userId).where('status', '=', 'done').where('done_at', '>=', from).where('done_at', '<', to).orderBy('done_at').execute();
    return rows.map(toTask);
  },
});

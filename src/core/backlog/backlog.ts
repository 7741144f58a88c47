/**
 * The better-engineering backlog: work the on-call picks up when nothing is burning. Tasks are
 * local (created in Vigil) or read from a Jira project by a JQL query (synced periodically and on
 * demand, upserted by Jira key). The on-call picks a task (assigned to them, in progress) and
 * marks it done; a Jira task is then moved to Done in Jira too (a job, best effort, recorded).
 * Done tasks keep doneBy / doneAt so the shift report lists the work done during a shift.
 */
import { JIRA_DONE_JOB, JIRA_SYNC_JOB } from '../shared/jobs.js';
import { canSeeIncident, type IncidentViewer } from '../auth/permissions.js';
import { listIncidents } from '../incidents/incidents.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Actor, CoreDeps, Repos, TimelineEvent } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { findTeam } from '../teams/teams.js';
import type { User } from '../users/users.js';

export const BACKLOG_STATUSES = ['todo', 'in_progress', 'done'] as const;
export type BacklogStatus = (typeof BACKLOG_STATUSES)[number];
export const BACKLOG_PRIORITIES = ['highest', 'high', 'medium', 'low', 'lowest'] as const;
export type BacklogPriority = (typeof BACKLOG_PRIORITIES)[number];

export interface BacklogTask {
  id: string;
  /** Short human number (BE-12). */
  number: number;
  title: string;
  description: string;
  teamId: string | null;
  priority: BacklogPriority;
  status: BacklogStatus;
  assigneeId: string | null;
  labels: string[];
  source: 'local' | 'jira';
  jiraKey: string | null;
  jiraUrl: string | null;
  /** Status name in Jira at the last sync. */
  jiraStatus: string | null;
  /** Jira assignee's display name at the last sync. */
  jiraAssignee: string | null;
  /** A Jira task the JQL no longer returns (hidden unless it is done). */
  archived: boolean;
  pickedAt: number | null;
  /** Who finished it in Vigil (null when it was finished in Jira). */
  doneBy: string | null;
  doneAt: number | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  syncedAt: number | null;
}

export interface BacklogFilter {
  status?: BacklogStatus | 'open';
  teamId?: string;
  /** Tasks of these teams plus the ones of no team. */
  teamIdsOrNone?: string[];
  assigneeId?: string;
  source?: 'local' | 'jira';
  includeArchived?: boolean;
  limit?: number;
}

export interface BacklogRepo {
  nextNumber(): Promise<number>;
  insert(t: BacklogTask): Promise<void>;
  update(t: BacklogTask): Promise<void>;
  /** Locked for this transaction (PostgreSQL). */
  find(id: string): Promise<BacklogTask | undefined>;
  findByNumber(n: number): Promise<BacklogTask | undefined>;
  findByJiraKey(key: string): Promise<BacklogTask | undefined>;
  /** Highest priority first, then oldest. */
  list(filter: BacklogFilter): Promise<BacklogTask[]>;
  /** Every task read from Jira (archived ones too). */
  listJira(): Promise<BacklogTask[]>;
  /** The tasks `userId` finished in [from, to), oldest first (the shift report). */
  doneBetween(userId: string, from: number, to: number): Promise<BacklogTask[]>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    backlog: BacklogRepo;
  }
}

export { JIRA_DONE_JOB } from '../shared/jobs.js';
export { JIRA_SYNC_JOB } from '../shared/jobs.js';
/** How often the backlog is read from Jira. */
export const SYNC_INTERVAL_MS = 15 * 60_000;

export const taskRef = (t: Pick<BacklogTask, 'number' | 'jiraKey'>): string => t.jiraKey ?? `BE-${t.number}`;

export function priorityRank(p: BacklogPriority): number {
  return BACKLOG_PRIORITIES.indexOf(p) + 1;
}

/** A Jira priority name (Highest, High, Medium, Low, Lowest, or anything else) -> ours. */
export function priorityFromName(name: string | null | undefined): BacklogPriority {
  const n = (name ?? '').trim().toLowerCase();
  if ((BACKLOG_PRIORITIES as readonly string[]).includes(n)) return n as BacklogPriority;
  if (['blocker', 'critical', 'urgent', 'p0', 'p1'].includes(n)) return 'highest';
  if (['major', 'p2'].includes(n)) return 'high';
  if (['minor', 'p4'].includes(n)) return 'low';
  if (['trivial', 'p5'].includes(n)) return 'lowest';
  return 'medium';
}

function checkPriority(p: string): BacklogPriority {
  if (!(BACKLOG_PRIORITIES as readonly string[]).includes(p))
    throw invalid('invalid_priority', `priority must be one of ${BACKLOG_PRIORITIES.join(', ')}.`, { field: 'priority' });
  return p as BacklogPriority;
}

function checkLabels(labels: unknown): string[] {
  if (!Array.isArray(labels) || labels.length > 30 || !labels.every((l) => typeof l === 'string' && l.trim() !== '' && l.length <= 100))
    throw invalid('invalid_labels', 'labels is a list of at most 30 non-empty strings.', { field: 'labels' });
  return [...new Set(labels.map((l) => l.trim()))];
}

async function teamRef(r: Repos, ref: string | null | undefined): Promise<string | null> {
  if (!ref) return null;
  const t = await findTeam(r, ref);
  if (!t) throw invalid('unknown_team', `team: no team "${ref}".`, { field: 'team' });
  return t.id;
}

async function userRef(r: Repos, ref: string | null | undefined): Promise<string | null> {
  if (!ref) return null;
  const u = ref.includes('@') ? await r.users.findByEmail(ref.toLowerCase()) : await r.users.findById(ref);
  if (!u) throw invalid('unknown_user', `assignee: no user "${ref}".`, { field: 'assignee' });
  return u.id;
}

async function findTask(r: Repos, ref: string): Promise<BacklogTask> {
  const s = ref.trim();
  const m = /^(?:BE-)?#?(\d+)$/i.exec(s);
  const task = m
    ? await r.backlog.findByNumber(Number(m[1]))
    : /^[A-Z][A-Z0-9_]+-\d+$/i.test(s)
      ? await r.backlog.findByJiraKey(s.toUpperCase())
      : await r.backlog.find(s);
  if (!task) throw notFound('backlog_task', ref);
  return task;
}

export interface TaskInput {
  title: string;
  description?: string;
  team?: string | null;
  priority?: string;
  status?: string;
  assignee?: string | null;
  labels?: string[];
}

/** Adds a local task in the current transaction (a triage bug without Jira becomes one). */
export async function insertTask(r: Repos, actor: Actor, input: TaskInput, now: number): Promise<BacklogTask> {
  const title = (input.title ?? '').trim();
  if (!title || title.length > 300) throw invalid('invalid_field', 'title must have 1 to 300 characters.', { field: 'title' });
  const status = input.status ?? 'todo';
  if (!(BACKLOG_STATUSES as readonly string[]).includes(status))
    throw invalid('invalid_status', `status must be one of ${BACKLOG_STATUSES.join(', ')}.`, { field: 'status' });
  const assigneeId = await userRef(r, input.assignee);
  const task: BacklogTask = {
    id: newId(now),
    number: await r.backlog.nextNumber(),
    title,
    description: (input.description ?? '').slice(0, 20_000),
    teamId: await teamRef(r, input.team),
    priority: checkPriority(input.priority ?? 'medium'),
    status: status as BacklogStatus,
    assigneeId,
    labels: checkLabels(input.labels ?? []),
    source: 'local',
    jiraKey: null,
    jiraUrl: null,
    jiraStatus: null,
    jiraAssignee: null,
    archived: false,
    pickedAt: status === 'in_progress' ? now : null,
    doneBy: status === 'done' ? (assigneeId ?? (actor.type === 'user' ? actor.id : null)) : null,
    doneAt: status === 'done' ? now : null,
    createdBy: actor.type === 'user' ? actor.id : null,
    createdAt: now,
    updatedAt: now,
    syncedAt: null,
  };
  await r.backlog.insert(task);
  await r.events.append({
    entityType: 'backlog_task',
    entityId: task.id,
    type: 'backlog.created',
    actor,
    data: { title, priority: task.priority, teamId: task.teamId },
  });
  return task;
}

/** The person acting on the backlog: a responder (stakeholders follow it). */
function responder(ctx: Ctx): User {
  if (!ctx.user) throw invalid('user_required', 'Backlog work is done by a person.');
  if (ctx.user.role === 'stakeholder') throw forbidden('Stakeholders follow the backlog; responders work on it.');
  return ctx.user;
}

export interface LastSync extends SyncResult {
  at: number;
}

export interface TaskListInput {
  /** Default: what is not done. */
  status?: BacklogStatus | 'open' | 'all';
  /** A team id or slug; an unknown one matches nothing. */
  team?: string;
  /** A user id, email or `me`; an unknown one matches nothing. */
  assignee?: string;
  source?: 'local' | 'jira';
  limit?: number;
}

/** The backlog, highest priority first, and how the last Jira sync went. */
export async function listTasks(deps: CoreDeps, ctx: Ctx, input: TaskListInput): Promise<{ data: BacklogTask[]; lastSync: LastSync | null }> {
  return deps.uow.run(async (r) => {
    const teamId = input.team ? ((await findTeam(r, input.team))?.id ?? 'none') : undefined;
    let assigneeId: string | undefined;
    if (input.assignee)
      assigneeId =
        input.assignee === 'me'
          ? (ctx.user?.id ?? 'none')
          : ((input.assignee.includes('@') ? await r.users.findByEmail(input.assignee.toLowerCase()) : await r.users.findById(input.assignee))?.id ?? 'none');
    const status = input.status === 'all' ? undefined : (input.status ?? 'open');
    const data = await r.backlog.list({
      ...(status ? { status } : {}),
      ...(teamId ? { teamId } : {}),
      ...(assigneeId ? { assigneeId } : {}),
      ...(input.source ? { source: input.source } : {}),
      limit: input.limit ?? 200,
    });
    const raw = await r.settings.get('backlog.last_sync');
    return { data, lastSync: raw ? (JSON.parse(raw) as LastSync) : null };
  });
}

/** A task (id, BE-12 or Jira key) with its timeline. */
export async function getTask(deps: CoreDeps, _ctx: Ctx, input: { ref: string }): Promise<{ task: BacklogTask; timeline: TimelineEvent[] }> {
  return deps.uow.run(async (r) => {
    const task = await findTask(r, input.ref);
    return { task, timeline: await r.events.list('backlog_task', task.id, { limit: 1000 }) };
  });
}

/** A responder adds a local task. */
export async function createTask(deps: CoreDeps, ctx: Ctx, input: TaskInput): Promise<BacklogTask> {
  responder(ctx);
  return deps.uow.run((r) => insertTask(r, ctx.actor, input, ctx.now));
}

/** Edits a task. Title, description, priority and labels of a Jira task belong to Jira. */
export async function updateTask(deps: CoreDeps, ctx: Ctx, input: { ref: string; patch: Partial<TaskInput> }): Promise<BacklogTask> {
  const user = responder(ctx);
  return deps.uow.run((r) => update(r, ctx, user, input.ref, input.patch));
}

/** The on-call picks a task: assigned to them (or whom they name), in progress. */
export async function pickTask(deps: CoreDeps, ctx: Ctx, input: { ref: string; assignee?: string }): Promise<BacklogTask> {
  const user = responder(ctx);
  return deps.uow.run((r) => pick(r, ctx, user, input.ref, input.assignee));
}

/** Done: recorded with who and when; a Jira task moves to Done in Jira by a job (best effort). */
export async function finishTask(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<BacklogTask> {
  const user = responder(ctx);
  return deps.uow.run((r) => finish(r, ctx, user, input.ref));
}

async function update(r: Repos, ctx: Ctx, user: User, ref: string, patch: Partial<TaskInput>): Promise<BacklogTask> {
  let task = await findTask(r, ref);
  if (task.source === 'jira' && (patch.title !== undefined || patch.description !== undefined || patch.priority !== undefined || patch.labels !== undefined)) {
    throw invalid('jira_owned', `${taskRef(task)} comes from Jira: edit its title, description, priority and labels in Jira (${task.jiraUrl ?? 'Jira'}).`);
  }
  const next: BacklogTask = { ...task, updatedAt: ctx.now };
  if (patch.title !== undefined) {
    const title = patch.title.trim();
    if (!title || title.length > 300) throw invalid('invalid_field', 'title must have 1 to 300 characters.', { field: 'title' });
    next.title = title;
  }
  if (patch.description !== undefined) next.description = patch.description.slice(0, 20_000);
  if (patch.priority !== undefined) next.priority = checkPriority(patch.priority);
  if (patch.labels !== undefined) next.labels = checkLabels(patch.labels);
  if (patch.team !== undefined) next.teamId = await teamRef(r, patch.team);
  if (patch.assignee !== undefined) next.assigneeId = await userRef(r, patch.assignee);
  const changed = Object.keys(patch).filter((k) => k !== 'status');
  if (changed.length) {
    await r.backlog.update(next);
    await r.events.append({ entityType: 'backlog_task', entityId: task.id, type: 'backlog.updated', actor: ctx.actor, data: { fields: changed } });
    task = next;
  }
  if (patch.status !== undefined && patch.status !== task.status) {
    if (!(BACKLOG_STATUSES as readonly string[]).includes(patch.status))
      throw invalid('invalid_status', `status must be one of ${BACKLOG_STATUSES.join(', ')}.`, { field: 'status' });
    if (patch.status === 'done') return finish(r, ctx, user, task.id);
    if (patch.status === 'in_progress') return pick(r, ctx, user, task.id, task.assigneeId ?? user.id);
    const reopened: BacklogTask = { ...task, status: 'todo', doneBy: null, doneAt: null, pickedAt: null, updatedAt: ctx.now };
    await r.backlog.update(reopened);
    await r.events.append({ entityType: 'backlog_task', entityId: task.id, type: 'backlog.reopened', actor: ctx.actor, data: { from: task.status } });
    return reopened;
  }
  return task;
}

async function pick(r: Repos, ctx: Ctx, user: User, ref: string, assignee?: string): Promise<BacklogTask> {
  const task = await findTask(r, ref);
  const assigneeId = (await userRef(r, assignee)) ?? user.id;
  if (task.status === 'done') throw conflict('task_done', `${taskRef(task)} is done already.`);
  if (task.status === 'in_progress' && task.assigneeId && task.assigneeId !== assigneeId) {
    const who = await r.users.findById(task.assigneeId);
    throw conflict('task_taken', `${taskRef(task)} is in progress with ${who?.name ?? 'someone else'}.`);
  }
  if (task.status === 'in_progress' && task.assigneeId === assigneeId) return task;
  const next: BacklogTask = { ...task, status: 'in_progress', assigneeId, pickedAt: ctx.now, updatedAt: ctx.now };
  await r.backlog.update(next);
  await r.events.append({ entityType: 'backlog_task', entityId: task.id, type: 'backlog.picked', actor: ctx.actor, data: { assigneeId } });
  return next;
}

async function finish(r: Repos, ctx: Ctx, user: User, ref: string): Promise<BacklogTask> {
  const task = await findTask(r, ref);
  if (task.status === 'done') return task;
  const next: BacklogTask = { ...task, status: 'done', assigneeId: task.assigneeId ?? user.id, doneBy: user.id, doneAt: ctx.now, updatedAt: ctx.now };
  await r.backlog.update(next);
  await r.events.append({
    entityType: 'backlog_task',
    entityId: task.id,
    type: 'backlog.done',
    actor: ctx.actor,
    data: { doneBy: user.id, ...(task.jiraKey ? { jiraKey: task.jiraKey } : {}) },
  });
  if (task.source === 'jira' && task.jiraKey)
    await r.jobs.enqueue({
      kind: JIRA_DONE_JOB,
      payload: { taskId: task.id, key: task.jiraKey },
      dedupeKey: `backlog-jira-done:${task.id}:${ctx.now}`,
      maxAttempts: 6,
    });
  return next;
}

// ---------------------------------------------------------------------------------------------
// Jira

/** A task as the external tracker reports it. */
export interface ExternalTask {
  key: string;
  url: string;
  title: string;
  description: string;
  /** Jira status category: new, indeterminate or done. */
  category: 'new' | 'indeterminate' | 'done' | null;
  statusName: string | null;
  priority: string | null;
  labels: string[];
  assignee: { name: string; email: string | null } | null;
}

/** The Jira side of the backlog; the app wires it when Jira and VIGIL_JIRA_BACKLOG_JQL are configured. */
export interface BacklogSource {
  /** Every task the backlog query returns. */
  fetch(): Promise<ExternalTask[]>;
  /** Moves the issue to Done (idempotent). */
  markDone(key: string): Promise<{ transitioned: boolean; status: string | null }>;
}

export interface SyncResult {
  total: number;
  created: number;
  updated: number;
  archived: number;
}

/** The ports backlog use cases may call out to, beside the core's. */
export interface BacklogDeps extends CoreDeps {
  /** The Jira backlog, when Jira and VIGIL_JIRA_BACKLOG_JQL are configured. */
  source?: BacklogSource;
}

/** Reads the backlog from Jira and upserts it by key (one transaction after the read). */
export async function syncBacklog(deps: BacklogDeps, ctx: Ctx, _input: Record<string, never> = {}): Promise<SyncResult> {
  const { source } = deps;
  const actor = ctx.actor;
  if (!source)
    throw invalid(
      'jira_not_configured',
      'The Jira backlog needs Jira (VIGIL_JIRA_BASE_URL, VIGIL_JIRA_EMAIL, VIGIL_JIRA_API_TOKEN) and VIGIL_JIRA_BACKLOG_JQL.',
    );
  const tasks = await source.fetch();
  return deps.uow.run(async (r) => {
    // Stamped when Jira has answered, not when the read began.
    const now = deps.clock.now();
    const result: SyncResult = { total: tasks.length, created: 0, updated: 0, archived: 0 };
    const seen = new Set<string>();
    for (const x of tasks) {
      const key = x.key.toUpperCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const existing = await r.backlog.findByJiraKey(key);
      const assignee = x.assignee?.email ? await r.users.findByEmail(x.assignee.email.toLowerCase()) : undefined;
      const common = {
        title: (x.title || key).slice(0, 300),
        description: x.description.slice(0, 20_000),
        priority: priorityFromName(x.priority),
        labels: x.labels.slice(0, 30),
        jiraUrl: x.url,
        jiraStatus: x.statusName,
        jiraAssignee: x.assignee?.name ?? null,
        archived: false,
        syncedAt: now,
      };
      if (!existing) {
        const status: BacklogStatus = x.category === 'done' ? 'done' : x.category === 'indeterminate' ? 'in_progress' : 'todo';
        const task: BacklogTask = {
          id: newId(now),
          number: await r.backlog.nextNumber(),
          ...common,
          teamId: null,
          status,
          assigneeId: assignee?.id ?? null,
          source: 'jira',
          jiraKey: key,
          pickedAt: status === 'in_progress' ? now : null,
          doneBy: null,
          doneAt: status === 'done' ? now : null,
          createdBy: null,
          createdAt: now,
          updatedAt: now,
        };
        await r.backlog.insert(task);
        await r.events.append({ entityType: 'backlog_task', entityId: task.id, type: 'backlog.imported', actor, data: { jiraKey: key, status: x.statusName } });
        result.created++;
        continue;
      }
      let next: BacklogTask = { ...existing, ...common };
      if (x.category === 'done' && existing.status !== 'done') {
        next = { ...next, status: 'done', doneBy: null, doneAt: now };
        await r.events.append({
          entityType: 'backlog_task',
          entityId: existing.id,
          type: 'backlog.done_in_jira',
          actor,
          data: { jiraKey: key, status: x.statusName },
        });
      } else if (x.category !== 'done' && existing.status === 'done' && existing.doneBy === null) {
        next = { ...next, status: 'todo', doneAt: null, pickedAt: null };
        await r.events.append({
          entityType: 'backlog_task',
          entityId: existing.id,
          type: 'backlog.reopened_in_jira',
          actor,
          data: { jiraKey: key, status: x.statusName },
        });
      } else if (x.category === 'indeterminate' && existing.status === 'todo') {
        next = { ...next, status: 'in_progress', assigneeId: existing.assigneeId ?? assignee?.id ?? null, pickedAt: now };
      }
      const changed = JSON.stringify({ ...existing, syncedAt: 0, updatedAt: 0 }) !== JSON.stringify({ ...next, syncedAt: 0, updatedAt: 0 });
      await r.backlog.update(changed ? { ...next, updatedAt: now } : next);
      if (changed) result.updated++;
    }
    for (const t of await r.backlog.listJira()) {
      if (t.jiraKey && !seen.has(t.jiraKey) && !t.archived && t.status !== 'done') {
        await r.backlog.update({ ...t, archived: true, updatedAt: now });
        await r.events.append({ entityType: 'backlog_task', entityId: t.id, type: 'backlog.left_query', actor, data: { jiraKey: t.jiraKey } });
        result.archived++;
      }
    }
    await r.settings.set('backlog.last_sync', JSON.stringify({ at: now, ...result }));
    return result;
  });
}

/** The job after a Jira task is done in Vigil: move the issue to Done. Best effort, on the timeline. */
export async function markDoneInJira(
  deps: BacklogDeps,
  ctx: Ctx,
  input: { taskId: string; key: string; attempt: { number: number; max: number } },
): Promise<void> {
  const { source } = deps;
  const { attempt, ...payload } = input;
  const log = (type: string, data: Record<string, unknown>) =>
    deps.uow.run((r) =>
      r.events.append({ entityType: 'backlog_task', entityId: payload.taskId, type, actor: ctx.actor, data: { jiraKey: payload.key, ...data } }),
    );
  if (!source) {
    await log('backlog.jira_transition_skipped', { reason: 'Jira is not configured; move the issue to Done by hand.' });
    return;
  }
  try {
    const res = await source.markDone(payload.key);
    await deps.uow.run(async (r) => {
      const t = await r.backlog.find(payload.taskId);
      if (t) await r.backlog.update({ ...t, jiraStatus: res.status ?? t.jiraStatus, updatedAt: deps.clock.now() });
    });
    await log('backlog.jira_transitioned', { transitioned: res.transitioned, status: res.status });
  } catch (err) {
    const retryable = (err as { retryable?: unknown }).retryable === true;
    if (retryable && attempt.number < attempt.max) throw err;
    await log('backlog.jira_transition_failed', { error: err instanceof Error ? err.message : String(err), attempts: attempt.number });
  }
}

/** Queues the Jira read of the current 15-minute slot (at most once per slot, whoever asks first). */
export async function scheduleBacklogSync(deps: CoreDeps, ctx: Ctx, _input: Record<string, never> = {}): Promise<void> {
  const slot = Math.floor(ctx.now / SYNC_INTERVAL_MS);
  await deps.uow.run((r) => r.jobs.enqueue({ kind: JIRA_SYNC_JOB, dedupeKey: `backlog-sync:${slot}`, maxAttempts: 3 }));
}

// ---------------------------------------------------------------------------------------------
// What to work on

/**
 * Why the person is busy: open incidents they are on, active pages, alerts they own. Empty: free.
 * The reasons are shown to `viewer`: an incident the viewer may not see (a private one) counts, but
 * is named only as "a private incident"; another person's pages are named only as "an active page".
 */
async function busyWith(r: Repos, userId: string, viewer: IncidentViewer = { id: userId }): Promise<string[]> {
  const reasons: string[] = [];
  for (const i of await listIncidents(r, { id: userId }, { status: 'open', limit: 200 })) {
    if (!(await r.incidents.members(i.id)).some((m) => m.userId === userId && m.role !== 'subscriber')) continue;
    reasons.push((await canSeeIncident(r, viewer, i)) ? `INC-${i.number} ${i.title}` : 'a private incident');
  }
  // Pages are the person's own (they may come from a private incident): others learn only that there is one.
  const self = viewer !== null && viewer.id === userId;
  for (const p of await r.notifications.listPages({ userId, status: 'active', limit: 50 })) {
    if (p.sourceType === 'test') continue;
    const source = self && p.sourceType === 'incident' && p.sourceId ? await r.incidents.find(p.sourceId) : undefined;
    reasons.push(self && (!source || (await canSeeIncident(r, viewer, source))) ? `page: ${p.subject}` : 'an active page');
  }
  const { data: alerts } = await r.alerts.listAlerts({ status: 'unclosed', limit: 500 });
  for (const a of alerts) if (a.ownerId === userId || a.acknowledgedBy === userId) reasons.push(`alert #${a.number} ${a.message}`);
  return [...new Set(reasons)];
}

/** The top of the backlog for a person: to do, their teams' tasks or no team's, by priority then age. */
async function topTasks(r: Repos, userId: string | undefined, limit = 5): Promise<BacklogTask[]> {
  const teams = userId ? (await r.teams.listForUser(userId)).map((t) => t.id) : undefined;
  return r.backlog.list({ status: 'todo', ...(teams ? { teamIdsOrNone: teams } : {}), limit });
}

export interface Suggestion {
  busy: boolean;
  reasons: string[];
  task: BacklogTask | null;
  /** Tasks the person already has in progress. */
  inProgress: BacklogTask[];
}

/** When nothing is open for the person, the top of the backlog. */
async function suggestionFor(r: Repos, userId: string, viewer: IncidentViewer = { id: userId }): Promise<Suggestion> {
  const reasons = await busyWith(r, userId, viewer);
  const inProgress = await r.backlog.list({ status: 'in_progress', assigneeId: userId, limit: 20 });
  if (reasons.length) return { busy: true, reasons, task: null, inProgress };
  const [task] = await topTasks(r, userId, 1);
  return { busy: false, reasons, task: task ?? null, inProgress };
}

/**
 * What a person should work on (default: the caller): busy with what, in progress, or the top of
 * the backlog. The reasons are worded for the caller (see busyWith).
 */
export async function suggestTask(deps: CoreDeps, ctx: Ctx, input: { user?: string }): Promise<Suggestion> {
  if (!ctx.user) throw invalid('user_required', 'A suggestion is made for a person.');
  const me = ctx.user;
  return deps.uow.run(async (r) => {
    let userId = me.id;
    if (input.user) {
      const u = input.user.includes('@') ? await r.users.findByEmail(input.user.toLowerCase()) : await r.users.findById(input.user);
      if (!u) throw invalid('unknown_user', `user: no user "${input.user}".`, { field: 'user' });
      userId = u.id;
    }
    return suggestionFor(r, userId, { id: me.id });
  });
}

/** The caller's view of the backlog (Slack `/backlog`): the suggestion and the top `limit` tasks. */
export async function myBacklog(deps: CoreDeps, ctx: Ctx, input: { limit?: number }): Promise<{ top: BacklogTask[]; suggestion: Suggestion }> {
  if (!ctx.user) throw invalid('user_required', 'A backlog view is made for a person.');
  const userId = ctx.user.id;
  return deps.uow.run(async (r) => ({ top: await topTasks(r, userId, input.limit ?? 5), suggestion: await suggestionFor(r, userId) }));
}

/** One line for the Slack `/oncall` answer, or undefined when the person is busy or the backlog is empty. */
export async function backlogSuggestionLine(r: Repos, userId: string, publicUrl: string): Promise<string | undefined> {
  const s = await suggestionFor(r, userId);
  if (s.busy) return undefined;
  if (s.inProgress[0]) return `Nothing is open for you: carry on with ${taskRef(s.inProgress[0])} ${s.inProgress[0].title} (${publicUrl}/backlog).`;
  if (!s.task) return undefined;
  return `Nothing is open for you: pick some better-engineering work? ${taskRef(s.task)} ${s.task.title} — \`/backlog\` (${publicUrl}/backlog)`;
}

/** For the shift report (ReportSources.backlogDone). */
export async function backlogDone(r: Repos, userId: string, from: number, to: number): Promise<Array<{ title: string; key: string | null; at: number }>> {
  return (await r.backlog.doneBetween(userId, from, to)).map((t) => ({ title: t.title, key: taskRef(t), at: t.doneAt ?? from }));
}

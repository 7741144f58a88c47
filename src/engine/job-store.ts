/**
 * The engine's SQL: claim due jobs under a lease, record how a run ended (fenced by the lease),
 * renew leases, find the next wake-up time, prune, and report queue depth.
 *
 * Every write after the claim is fenced: it applies only while the row still carries the lease this
 * run was given (`lease_owner` and `attempts` as claimed, status `running`). A node whose lease
 * expired and was taken over cannot overwrite the new owner's outcome.
 */
import { sql, type Selectable } from 'kysely';
import type { Database, Executor } from '../storage/database.js';
import type { JobsTable } from '../storage/schema.js';
import type { EngineStats, JobRecord, JobStatus } from './types.js';

export type JobRow = Selectable<JobsTable>;

/** Identifies one run of a job: the lease it was claimed under. */
export interface Fence {
  id: string;
  owner: string;
  /** `attempts` as set by the claim. */
  attempts: number;
}

/** Longest `last_error` kept (the tail of a long message or stack is cut). */
export const MAX_ERROR_LENGTH = 4000;

export interface ClaimOptions {
  nodeId: string;
  now: number;
  leaseMs: number;
  limit: number;
}

/**
 * Claims up to `limit` jobs that are due (pending with `run_at <= now`) or abandoned (running with an
 * expired lease), oldest run time first: each becomes `running` under a lease for `nodeId` and its
 * `attempts` goes up by one. Returned in run-time order.
 */
export async function claimJobs(database: Database, options: ClaimOptions): Promise<JobRow[]> {
  const { nodeId, now, leaseMs } = options;
  const limit = Math.max(0, Math.floor(options.limit));
  if (limit === 0) return [];
  const expiresAt = now + leaseMs;
  // Two index-ordered branches (due pending jobs by run_at; expired leases by expiry), each cut at
  // `limit`, then merged: a claim reads about `limit` rows however large the backlog, instead of
  // sorting every due job as a single OR query would.
  let rows: JobRow[];
  if (database.dialect === 'postgres') {
    // Materialized CTEs run each locking select exactly once (an IN-subquery with LIMIT may be
    // re-planned as a join and lock more rows than asked). SKIP LOCKED lets concurrent nodes
    // claim disjoint sets without waiting on each other; rows locked but not picked are released
    // when the statement ends.
    const result = await sql<JobRow>`
      with due as materialized (
        select id, run_at from jobs
        where status = 'pending' and run_at <= ${now}
        order by run_at, id
        limit ${limit}
        for update skip locked
      ), expired as materialized (
        select id, run_at from jobs
        where status = 'running' and lease_expires_at <= ${now}
        order by lease_expires_at
        limit ${limit}
        for update skip locked
      ), picked as (
        select id from (select * from due union all select * from expired) candidates
        order by run_at, id
        limit ${limit}
      )
      update jobs
         set status = 'running',
             lease_owner = ${nodeId},
             lease_expires_at = ${expiresAt},
             attempts = jobs.attempts + 1,
             updated_at = ${now}
        from picked
       where jobs.id = picked.id
      returning jobs.*`.execute(database.db);
    rows = result.rows;
  } else {
    // SQLite: one statement under the single write lock is atomic across connections and processes.
    const result = await sql<JobRow>`
      update jobs
         set status = 'running',
             lease_owner = ${nodeId},
             lease_expires_at = ${expiresAt},
             attempts = attempts + 1,
             updated_at = ${now}
       where id in (
         select id from (
           select id, run_at from (
             select id, run_at from jobs
             where status = 'pending' and run_at <= ${now}
             order by run_at, id
             limit ${limit}
           )
           union all
           select id, run_at from (
             select id, run_at from jobs
             where status = 'running' and lease_expires_at <= ${now}
             order by lease_expires_at
             limit ${limit}
           )
         )
         order by run_at, id
         limit ${limit}
       )
      returning *`.execute(database.db);
    rows = result.rows;
  }
  return rows.sort((a, b) => a.run_at - b.run_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function fencedUpdate(executor: Executor, fence: Fence, values: Partial<{ [K in keyof JobsTable]: JobsTable[K] }>): Promise<boolean> {
  const result = await executor
    .updateTable('jobs')
    .set(values)
    .where('id', '=', fence.id)
    .where('lease_owner', '=', fence.owner)
    .where('attempts', '=', fence.attempts)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Ran to completion. False when the lease was lost (nothing was written). */
export function completeJob(executor: Executor, fence: Fence, now: number): Promise<boolean> {
  return fencedUpdate(executor, fence, { status: 'succeeded', finished_at: now, lease_expires_at: null, updated_at: now });
}

/** A recurring job asked to run again at `runAt`: back to pending with a fresh attempt budget. */
export function rescheduleJob(executor: Executor, fence: Fence, runAt: number, now: number): Promise<boolean> {
  return fencedUpdate(executor, fence, {
    status: 'pending',
    run_at: runAt,
    attempts: 0,
    lease_owner: null,
    lease_expires_at: null,
    last_error: null,
    updated_at: now,
  });
}

/** Failed with attempts left: pending again at `runAt` (now + backoff). */
export function retryJob(executor: Executor, fence: Fence, runAt: number, error: string, now: number): Promise<boolean> {
  return fencedUpdate(executor, fence, {
    status: 'pending',
    run_at: runAt,
    lease_owner: null,
    lease_expires_at: null,
    last_error: truncateError(error),
    updated_at: now,
  });
}

/** Failed for good: stays visible as `failed` with its last error. `lease_owner` keeps the last runner. */
export function failJob(executor: Executor, fence: Fence, error: string, now: number): Promise<boolean> {
  return fencedUpdate(executor, fence, {
    status: 'failed',
    finished_at: now,
    lease_expires_at: null,
    last_error: truncateError(error),
    updated_at: now,
  });
}

/** Hands an interrupted run back (engine stopping): due now, and the run does not count as an attempt. */
export async function releaseJob(executor: Executor, fence: Fence, error: string, now: number): Promise<boolean> {
  return fencedUpdate(executor, fence, {
    status: 'pending',
    run_at: now,
    attempts: Math.max(0, fence.attempts - 1),
    lease_owner: null,
    lease_expires_at: null,
    last_error: truncateError(error),
    updated_at: now,
  });
}

/** Extends a running job's lease. False when the lease is no longer this run's. */
export function renewLease(executor: Executor, fence: Fence, expiresAt: number, now: number): Promise<boolean> {
  return fencedUpdate(executor, fence, { lease_expires_at: expiresAt, updated_at: now });
}

/**
 * When the engine next has something to do: the earliest pending run time, or the earliest lease
 * expiry among running jobs leased by other nodes (a dead node's work becomes claimable then).
 * Null when there is neither.
 */
export async function nextDueTime(database: Database, nodeId: string | null): Promise<number | null> {
  const row = await database.db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('jobs')
        .select((s) => s.fn.min('run_at').as('t'))
        .where('status', '=', 'pending')
        .as('next_run'),
      eb
        .selectFrom('jobs')
        .select((s) => s.fn.min('lease_expires_at').as('t'))
        .where('status', '=', 'running')
        .$if(nodeId !== null, (q) => q.where((w) => w.or([w('lease_owner', 'is', null), w('lease_owner', '<>', nodeId ?? '')])))
        .as('next_lease'),
    ])
    .executeTakeFirst();
  const times = [row?.next_run, row?.next_lease].filter((t): t is number => t !== null && t !== undefined).map(Number);
  return times.length === 0 ? null : Math.min(...times);
}

/** Deletes succeeded and cancelled jobs that finished before `before`. Failed jobs stay visible. */
export async function pruneFinishedJobs(database: Database, before: number): Promise<number> {
  const result = await database.db.deleteFrom('jobs').where('status', 'in', ['succeeded', 'cancelled']).where('finished_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Makes sure the recurring job `dedupeKey` exists and is pending no later than `latestRunAt`:
 * inserted when missing, revived when it had ended (failed, cancelled), pulled in when scheduled
 * further out than that. Another node's pending row is otherwise left alone.
 */
export async function ensureRecurringJob(
  database: Database,
  spec: { id: string; kind: string; dedupeKey: string; runAt: number; latestRunAt: number; maxAttempts: number },
  now: number,
): Promise<void> {
  await database.db
    .insertInto('jobs')
    .values({
      id: spec.id,
      kind: spec.kind,
      payload: '{}',
      status: 'pending',
      run_at: spec.runAt,
      attempts: 0,
      max_attempts: spec.maxAttempts,
      dedupe_key: spec.dedupeKey,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await database.db
    .updateTable('jobs')
    .set({
      status: 'pending',
      run_at: spec.runAt,
      attempts: 0,
      lease_owner: null,
      lease_expires_at: null,
      finished_at: null,
      updated_at: now,
    })
    .where('dedupe_key', '=', spec.dedupeKey)
    .where('status', 'in', ['succeeded', 'failed', 'cancelled'])
    .execute();
  await database.db
    .updateTable('jobs')
    .set({ run_at: spec.latestRunAt, updated_at: now })
    .where('dedupe_key', '=', spec.dedupeKey)
    .where('status', '=', 'pending')
    .where('run_at', '>', spec.latestRunAt)
    .execute();
}

/** Queue depth and lag at `now`. */
export async function jobStats(database: Database, now: number): Promise<EngineStats> {
  const row = await database.db
    .selectFrom('jobs')
    .where('status', 'in', ['pending', 'running', 'failed'])
    .select([
      sql<number | null>`sum(case when status = 'pending' then 1 else 0 end)`.as('pending'),
      sql<number | null>`sum(case when status = 'running' then 1 else 0 end)`.as('running'),
      sql<number | null>`sum(case when status = 'failed' then 1 else 0 end)`.as('failed'),
      sql<number | null>`sum(case when (status = 'pending' and run_at <= ${now}) or (status = 'running' and lease_expires_at <= ${now}) then 1 else 0 end)`.as(
        'due_now',
      ),
      sql<number | null>`min(case when status = 'pending' and run_at <= ${now} then run_at end)`.as('oldest_due'),
    ])
    .executeTakeFirst();
  const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
  const oldest = row?.oldest_due;
  return {
    pending: n(row?.pending),
    running: n(row?.running),
    failed: n(row?.failed),
    dueNow: n(row?.due_now),
    oldestDueLagMs: oldest === null || oldest === undefined ? 0 : Math.max(0, now - Number(oldest)),
  };
}

export interface ListJobsFilter {
  kind?: string;
  status?: JobStatus | JobStatus[];
  dedupeKey?: string;
  /** Dedupe keys starting with this text (matched literally). */
  dedupeKeyPrefix?: string;
  id?: string;
  limit?: number;
}

/** Jobs matching `filter`, by run time then id. For tests, admin views and the CLI. */
export async function listJobs(database: Database, filter: ListJobsFilter = {}): Promise<JobRecord[]> {
  let q = database.db.selectFrom('jobs').selectAll();
  if (filter.id !== undefined) q = q.where('id', '=', filter.id);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    if (statuses.length === 0) return [];
    q = q.where('status', 'in', statuses);
  }
  if (filter.dedupeKey !== undefined) q = q.where('dedupe_key', '=', filter.dedupeKey);
  if (filter.dedupeKeyPrefix !== undefined) {
    const escaped = filter.dedupeKeyPrefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<boolean>`dedupe_key like ${`${escaped}%`} escape '\\'`);
  }
  q = q.orderBy('run_at').orderBy('id');
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  const rows = await q.execute();
  return rows.map(toJobRecord);
}

export function toJobRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    payload: parsePayload(row.payload) ?? {},
    status: row.status as JobStatus,
    runAt: Number(row.run_at),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    dedupeKey: row.dedupe_key,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

/** The payload object, or undefined when the stored text is not a JSON object. */
export function parsePayload(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function truncateError(message: string): string {
  return message.length <= MAX_ERROR_LENGTH ? message : `${message.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}

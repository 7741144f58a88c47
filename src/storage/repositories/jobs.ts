import type { JobQueue, JobSpec } from '../../core/shared/ports.js';
import { assertJobPayload, isJobKind } from '../../core/shared/jobs.js';
import { newId } from '../../core/shared/ids.js';
import type { Clock } from '../../core/shared/clock.js';
import { sql } from 'kysely';
import type { Executor } from '../database.js';

export const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * The enqueue side of the job engine, bound to a transaction: a job commits with the change
 * that caused it, or not at all. `onEnqueued` learns each new job's run time (to wake the engine).
 * The payload of a registered kind is checked against its schema first (kinds outside the
 * registry, the engine's own and tests', are stored as given).
 */
export const jobQueue = (db: Executor, clock: Clock, onEnqueued: (runAt: number) => void): JobQueue => ({
  async enqueue(job: JobSpec) {
    const payload = job.payload ?? {};
    if (isJobKind(job.kind)) assertJobPayload(job.kind, payload);
    const now = clock.now();
    const id = newId(now);
    const runAt = job.runAt ?? now;
    const result = await db
      .insertInto('jobs')
      .values({
        id,
        kind: job.kind,
        payload: JSON.stringify(payload),
        status: 'pending',
        run_at: runAt,
        attempts: 0,
        max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        dedupe_key: job.dedupeKey ?? null,
        lease_owner: null,
        lease_expires_at: null,
        last_error: null,
        created_at: now,
        updated_at: now,
        finished_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    const created = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    if (created) onEnqueued(runAt);
    return { id: created ? id : null, created };
  },
  async cancelPending(prefix: string) {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const now = clock.now();
    const r = await db
      .updateTable('jobs')
      .set({ status: 'cancelled', finished_at: now, updated_at: now })
      .where('status', '=', 'pending')
      .where(sql<boolean>`dedupe_key like ${`${escaped}%`} escape '\\'`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  },
});

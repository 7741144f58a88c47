/**
 * The durable job engine's contract: every timer is a row in `jobs`.
 */
import type { JobKind, JobPayload } from '../core/shared/jobs.js';

export interface Job<P = Record<string, unknown>> {
  id: string;
  kind: string;
  payload: P;
  runAt: number;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  dedupeKey: string | null;
}

/** What a handler may ask for after it ran. */
export type JobOutcome = void | { rescheduleAt: number };

/**
 * A handler must be idempotent: a job may run more than once (a process can die after the work
 * and before recording it). Throwing schedules a retry with backoff, until `maxAttempts`.
 */
export type JobHandler<P = Record<string, unknown>> = (job: Job<P>, signal: AbortSignal) => Promise<JobOutcome>;

/** Handlers by kind, as the engine calls them. */
export interface JobHandlers {
  [kind: string]: JobHandler;
}

/**
 * Handlers of the registered kinds (core/shared/jobs.ts), each given its kind's payload type: the
 * engine checks the payload against the kind's schema before it runs the handler.
 */
export type KindHandlers = { [K in JobKind]?: JobHandler<JobPayload<K>> };

/** A sweep that repairs what a lost wake-up or a bug could leave behind. Runs periodically. */
export type Reconciler = (signal: AbortSignal) => Promise<void>;

/** A row of `jobs`, as the engine and its tests see it. */
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobRecord {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  runAt: number;
  /** Runs started so far (reset to 0 when a recurring job reschedules itself). */
  attempts: number;
  maxAttempts: number;
  dedupeKey: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** Queue depth and lag, for `/metrics`. */
export interface EngineStats {
  pending: number;
  running: number;
  failed: number;
  /** Pending jobs whose run time has come, plus running jobs whose lease has expired. */
  dueNow: number;
  /** How long the oldest due pending job has waited past its run time; 0 when none is due. */
  oldestDueLagMs: number;
}

/**
 * How one run of a job ended. `lost`: the lease was taken over (or the job cancelled) while it ran,
 * so its result was not recorded; `released`: the engine stopped and handed the job back.
 */
export type JobRunOutcome = 'succeeded' | 'retried' | 'failed' | 'rescheduled' | 'lost' | 'released';

export interface JobFinishedInfo {
  id: string;
  kind: string;
  attempt: number;
  outcome: JobRunOutcome;
  /** Start time minus the job's run time. */
  lateMs: number;
  durationMs: number;
}

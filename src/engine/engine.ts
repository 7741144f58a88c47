/**
 * The durable job engine: every timer is a row in `jobs`.
 *
 * A node claims due jobs under a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: the single
 * writer), runs their handlers with bounded concurrency, renews the leases of long runs and records
 * each outcome with a write fenced by the lease. Between passes it sleeps exactly until the next
 * thing it could do: the earliest pending `run_at`, or the earliest expiry of a lease held by another
 * node (a dead node's work becomes claimable then), capped at the reconcile interval. New work wakes
 * it early: `wake()` in-process after a commit, LISTEN/NOTIFY between processes on PostgreSQL.
 *
 * With `manual: true` (tests with a FakeClock) it arms no timers and listens to nothing: tests call
 * `runDue()`, `advance()` and `advanceTo()`, which run every due job in `run_at` order with no sleeping.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../core/shared/clock.js';
import { newId } from '../core/shared/ids.js';
import { InvalidJobPayloadError, isJobKind, jobPayloadProblem } from '../core/shared/jobs.js';
import type { Database } from '../storage/database.js';
import { DEFAULT_MAX_ATTEMPTS } from '../storage/repositories/jobs.js';
import { JOBS_CHANNEL } from '../storage/unit-of-work.js';
import {
  claimJobs,
  completeJob,
  ensureRecurringJob,
  failJob,
  jobStats,
  nextDueTime,
  parsePayload,
  pruneFinishedJobs,
  releaseJob,
  renewLease,
  rescheduleJob,
  retryJob,
  type Fence,
  type JobRow,
} from './job-store.js';
import type { EngineStats, Job, JobFinishedInfo, JobHandler, JobHandlers, JobOutcome, JobRunOutcome, KindHandlers, Reconciler } from './types.js';

export { listJobs, type ListJobsFilter } from './job-store.js';
export type { EngineStats, JobFinishedInfo, JobRunOutcome } from './types.js';

/** The kind and dedupe key of the engine's own recurring sweep. */
export const RECONCILE_JOB_KIND = 'engine.reconcile';
export const RECONCILE_DEDUPE_KEY = 'recurring:engine.reconcile';
/** Succeeded and cancelled jobs are deleted this long after they finished. */
export const PRUNE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noopLogger: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A clock tests can set (FakeClock). */
export interface SettableClock extends Clock {
  set(ms: number): void;
}

export interface EngineOptions {
  database: Database;
  clock: Clock;
  handlers: JobHandlers;
  /** Names this node's leases. Default: hostname, pid and a random suffix (unique per instance). */
  nodeId?: string;
  /** Jobs run at once by this node. Default 16. */
  concurrency?: number;
  /** How long a claim holds a job before another node may take it. Default 60 s; renewed every third. */
  leaseMs?: number;
  /** The reconciler sweep's period, and the longest the engine ever sleeps. Default 60 s. */
  reconcileIntervalMs?: number;
  reconcilers?: Reconciler[];
  logger?: EngineLogger;
  /** Delay before retry number `attempt` (1 after the first failure). Default: `defaultBackoff`. */
  backoff?: (attempt: number) => number;
  /** Called after each run, for metrics. */
  onJobFinished?: (info: JobFinishedInfo) => void;
  /** No timers, no LISTEN: tests drive the engine with `runDue`/`advance`/`advanceTo`. */
  manual?: boolean;
  /** How long `stop()` waits for running jobs before aborting them. Default 10 s. */
  stopTimeoutMs?: number;
}

/**
 * The handlers of registered kinds, as the engine takes them. The engine checks every payload of a
 * registered kind against its schema before it calls the handler, so each handler may rely on its
 * kind's payload type.
 */
export function kindHandlers(handlers: KindHandlers): JobHandlers {
  return handlers as JobHandlers;
}

/** min(2^attempt s, 1 h), ±20% jitter. */
export function defaultBackoff(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(2 ** Math.max(0, attempt) * 1000, 60 * 60 * 1000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Delay before retrying after a failed pass (database unreachable...). */
const PASS_ERROR_RETRY_MS = 1000;
/** Delay before looking again when due work exists but is locked by another node's claim. */
const CONTENDED_RETRY_MS = 5;
/** How long `stop()` still waits for handlers after aborting them. */
const ABORT_GRACE_MS = 1000;

class StopSignal extends Error {
  constructor() {
    super('engine stopping');
    this.name = 'EngineStopping';
  }
}

class LeaseLost extends Error {
  constructor() {
    super('lease lost: the job was taken over by another node or ended');
    this.name = 'LeaseLost';
  }
}

interface RunningJob {
  controller: AbortController;
  promise: Promise<void>;
}

export class Engine {
  readonly nodeId: string;
  private readonly database: Database;
  private readonly clock: Clock;
  private readonly handlers: JobHandlers;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly reconcileIntervalMs: number;
  private readonly reconcilers: Reconciler[];
  private readonly logger: EngineLogger;
  private readonly backoff: (attempt: number) => number;
  private readonly onJobFinished: ((info: JobFinishedInfo) => void) | undefined;
  private readonly manual: boolean;
  private readonly stopTimeoutMs: number;

  private started = false;
  private stopping = false;
  private readonly running = new Map<string, RunningJob>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  /** A pass loop is running (set and cleared synchronously, so no request falls in a gap). */
  private passing = false;
  private passPromise: Promise<void> | undefined;
  private passAgain = false;
  /** The last pass filled every free slot: a finishing job should look for more. */
  private saturated = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(options: EngineOptions) {
    this.database = options.database;
    this.clock = options.clock;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
    this.leaseMs = options.leaseMs ?? 60_000;
    this.reconcileIntervalMs = options.reconcileIntervalMs ?? 60_000;
    this.reconcilers = options.reconcilers ?? [];
    this.logger = options.logger ?? noopLogger;
    this.backoff = options.backoff ?? ((attempt) => defaultBackoff(attempt));
    this.onJobFinished = options.onJobFinished;
    this.manual = options.manual ?? false;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    if (!(this.leaseMs > 0)) throw new Error('leaseMs must be positive');
    if (!(this.reconcileIntervalMs > 0)) throw new Error('reconcileIntervalMs must be positive');
    if (Object.prototype.hasOwnProperty.call(options.handlers, RECONCILE_JOB_KIND)) {
      throw new Error(`Job kind ${RECONCILE_JOB_KIND} is reserved for the engine`);
    }
    this.handlers = { ...options.handlers, [RECONCILE_JOB_KIND]: this.reconcile };
  }

  /**
   * Schedules the reconciler sweep (one row shared by every node) and, unless manual, starts the loop:
   * LISTEN for other processes' new work, then a first pass.
   */
  async start(): Promise<void> {
    if (this.started) return;
    if (this.stopping) throw new Error('Engine was stopped; create a new one');
    this.started = true;
    const now = this.clock.now();
    await ensureRecurringJob(
      this.database,
      {
        id: newId(now),
        kind: RECONCILE_JOB_KIND,
        dedupeKey: RECONCILE_DEDUPE_KEY,
        runAt: now,
        latestRunAt: now + this.reconcileIntervalMs,
        maxAttempts: DEFAULT_MAX_ATTEMPTS,
      },
      now,
    );
    if (this.manual) return;
    this.unlisten = await this.database.listen(JOBS_CHANNEL, (payload) => {
      const runAt = Number(payload);
      this.wake(payload !== '' && Number.isFinite(runAt) ? runAt : undefined);
    });
    this.requestPass();
  }

  /**
   * Stops claiming, waits for running jobs (up to `timeoutMs`, default the `stopTimeoutMs` option),
   * then aborts the handlers still running and gives them a moment to hand their job back. Leases of
   * handlers that ignore the abort are left to expire.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.disarm();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    if (unlisten) await unlisten().catch((err: unknown) => this.logger.warn({ err }, 'engine: unlisten failed'));
    if (this.passPromise) await this.passPromise;
    const all = () => Promise.allSettled([...this.running.values()].map((r) => r.promise));
    if (await settlesWithin(all(), options.timeoutMs ?? this.stopTimeoutMs)) return;
    this.logger.warn({ running: this.running.size }, 'engine: stop timed out; aborting running jobs');
    for (const r of this.running.values()) r.controller.abort(new StopSignal());
    await settlesWithin(all(), ABORT_GRACE_MS);
  }

  /**
   * New work may be due at `runAt` (default: now). Due now: a pass starts at once. Later: the timer
   * is re-armed when this is earlier than the current one. Called after a commit that enqueued jobs.
   */
  wake(runAt?: number): void {
    if (this.manual || !this.started || this.stopping) return;
    if (runAt === undefined || runAt <= this.clock.now()) this.requestPass();
    else this.arm(runAt);
  }

  /** Queue depth and lag, for `/metrics`. */
  stats(): Promise<EngineStats> {
    return jobStats(this.database, this.clock.now());
  }

  /** Jobs of this node running now. */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * When the idle loop will next look for work by itself (epoch ms), or undefined while it is busy
   * (a pass in flight or jobs running) or not running. For diagnostics and tests.
   */
  get sleepingUntil(): number | undefined {
    if (this.passing || this.running.size > 0 || this.stopping) return undefined;
    return this.timerAt;
  }

  /**
   * Claims and runs every job due at `clock.now()`, over and over until none is due (jobs that
   * handlers enqueue for now run too). Runs one job at a time in `run_at` order. Returns how many ran.
   */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      if (this.stopping) return ran;
      const rows = await claimJobs(this.database, { nodeId: this.nodeId, now: this.clock.now(), leaseMs: this.leaseMs, limit: this.concurrency });
      if (rows.length === 0) return ran;
      for (const row of rows) {
        await this.launch(row);
        ran++;
      }
    }
  }

  /**
   * Time travel for tests: moves the (fake) clock to each next due time up to `target`, running
   * what is due there, then sets the clock to `target` and runs what is due. Never moves the clock
   * back. Uses the engine's clock, which must be settable, unless one is given.
   */
  advanceTo(target: number): Promise<number>;
  advanceTo(clock: SettableClock, target: number): Promise<number>;
  async advanceTo(a: number | SettableClock, b?: number): Promise<number> {
    const clock = typeof a === 'number' ? this.settableClock() : a;
    const target = typeof a === 'number' ? a : (b ?? Number.NaN);
    if (!Number.isFinite(target)) throw new Error('advanceTo: target must be a finite epoch-ms time');
    let ran = await this.runDue();
    for (;;) {
      const next = await nextDueTime(this.database, null);
      if (next === null || next > target) break;
      const now = clock.now();
      if (next <= now) {
        // Due but not claimable by us (leased to a job still running in this process): stop here
        // rather than spin.
        const n = await this.runDue();
        ran += n;
        if (n === 0) break;
        continue;
      }
      clock.set(next);
      ran += await this.runDue();
    }
    if (clock.now() < target) clock.set(target);
    ran += await this.runDue();
    return ran;
  }

  /** `advanceTo(now + ms)` on the engine's (settable) clock. */
  advance(ms: number): Promise<number> {
    const clock = this.settableClock();
    return this.advanceTo(clock, clock.now() + ms);
  }

  // ---------------------------------------------------------------------------------------------
  // The loop

  private settableClock(): SettableClock {
    const c = this.clock as Partial<SettableClock>;
    if (typeof c.set !== 'function') throw new Error('advance/advanceTo need a settable clock (FakeClock)');
    return this.clock as SettableClock;
  }

  private requestPass(): void {
    if (this.manual || !this.started || this.stopping) return;
    if (this.passing) {
      this.passAgain = true;
      return;
    }
    this.passing = true;
    this.passPromise = this.passLoop();
  }

  private async passLoop(): Promise<void> {
    try {
      do {
        this.passAgain = false;
        await this.passOnce();
      } while (this.passAgain && !this.stopping);
    } catch (err) {
      this.logger.error({ err }, 'engine: pass failed; retrying');
      this.arm(this.clock.now() + Math.min(PASS_ERROR_RETRY_MS, this.reconcileIntervalMs));
    } finally {
      this.passing = false;
    }
  }

  private async passOnce(): Promise<void> {
    if (this.stopping) return;
    const claimedAt = this.clock.now();
    const free = this.concurrency - this.running.size;
    let claimed = 0;
    if (free > 0) {
      const rows = await claimJobs(this.database, { nodeId: this.nodeId, now: claimedAt, leaseMs: this.leaseMs, limit: free });
      claimed = rows.length;
      for (const row of rows) {
        if (this.stopping) {
          // Claimed while stop() began: hand it straight back.
          await this.record(row, 'released', this.clock.now(), 0, new StopSignal());
          continue;
        }
        void this.launch(row);
      }
    }
    this.saturated = free <= 0 || claimed >= free;
    // Full: each finishing job starts a pass, which finds the next due work and re-arms the timer.
    if (this.saturated || this.stopping) return;
    const next = await nextDueTime(this.database, this.nodeId);
    const now = this.clock.now();
    if (next !== null && next <= now) {
      // Became due since the claim: claim again. Due before it yet not claimed: locked by another
      // node's claim in flight; look again shortly rather than spin.
      if (next > claimedAt) this.passAgain = true;
      else this.arm(now + CONTENDED_RETRY_MS);
      return;
    }
    this.arm(Math.min(next ?? Number.POSITIVE_INFINITY, now + this.reconcileIntervalMs));
  }

  /** Arms the timer for `at` unless it is already armed for no later than that. */
  private arm(at: number): void {
    if (this.manual || this.stopping) return;
    if (this.timer !== undefined && this.timerAt !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    const delay = Math.max(0, Math.min(at - this.clock.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.requestPass();
    }, delay);
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Running one job

  /** Runs a claimed job and records its outcome; resolves when done. Never rejects. */
  private launch(row: JobRow): Promise<void> {
    const key = `${row.id}#${row.attempts}`;
    // Our own earlier run of this job lost its lease (it lapsed and we reclaimed it): stop it.
    for (const [k, r] of this.running) if (k.startsWith(`${row.id}#`)) r.controller.abort(new LeaseLost());
    const controller = new AbortController();
    const promise = this.execute(row, controller)
      .catch((err: unknown) => this.logger.error({ err, jobId: row.id, kind: row.kind }, 'engine: recording a job outcome failed'))
      .finally(() => {
        this.running.delete(key);
        if (this.passing || this.saturated) this.requestPass();
      });
    this.running.set(key, { controller, promise });
    return promise;
  }

  private async execute(row: JobRow, controller: AbortController): Promise<void> {
    const startedAt = this.clock.now();
    const handler: JobHandler | undefined = Object.prototype.hasOwnProperty.call(this.handlers, row.kind) ? this.handlers[row.kind] : undefined;
    if (!handler) {
      await this.record(row, 'failed', startedAt, startedAt, new Error(`No handler registered for job kind "${row.kind}" (on node ${this.nodeId})`));
      return;
    }
    if (row.attempts > row.max_attempts) {
      // Only a reclaimed lease gets here: every run so far died with its node (or stalled).
      const error = new Error(
        `Gave up after ${row.attempts - 1} attempts: the last run's lease expired without an outcome (node died or stalled)` +
          (row.last_error ? `; earlier error: ${row.last_error}` : ''),
      );
      await this.record(row, 'failed', startedAt, startedAt, error);
      return;
    }
    const payload = parsePayload(row.payload);
    if (payload === undefined) {
      await this.record(row, 'failed', startedAt, startedAt, new Error(`Job payload is not a JSON object: ${row.payload.slice(0, 200)}`));
      return;
    }
    // A payload that does not fit its kind will not fit on a retry either: the job fails at once.
    const problem = isJobKind(row.kind) ? jobPayloadProblem(row.kind, payload) : undefined;
    if (problem !== undefined) {
      await this.record(row, 'failed', startedAt, startedAt, new InvalidJobPayloadError(row.kind, problem));
      return;
    }
    const job: Job = {
      id: row.id,
      kind: row.kind,
      payload,
      runAt: Number(row.run_at),
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      dedupeKey: row.dedupe_key,
    };
    const fence = this.fence(row);
    const renewal = this.manual ? undefined : setInterval(() => void this.renew(fence, controller), Math.max(1, Math.floor(this.leaseMs / 3)));
    let outcome: JobOutcome = undefined;
    let error: unknown;
    let threw = false;
    try {
      outcome = await handler(job, controller.signal);
    } catch (err) {
      threw = true;
      error = err;
    } finally {
      if (renewal) clearInterval(renewal);
    }
    const reason: unknown = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof LeaseLost) {
      this.finished(row, 'lost', startedAt);
      return;
    }
    if (threw) {
      if (controller.signal.aborted && reason instanceof StopSignal) {
        await this.record(row, 'released', startedAt, this.clock.now(), error);
        return;
      }
      const final = row.attempts >= row.max_attempts;
      await this.record(row, final ? 'failed' : 'retried', startedAt, this.clock.now(), error);
      return;
    }
    if (outcome && typeof outcome === 'object' && typeof outcome.rescheduleAt === 'number' && Number.isFinite(outcome.rescheduleAt)) {
      await this.record(row, 'rescheduled', startedAt, this.clock.now(), undefined, outcome.rescheduleAt);
      return;
    }
    await this.record(row, 'succeeded', startedAt, this.clock.now());
  }

  /** Writes the outcome of a run (fenced), reports it, and wakes the loop for a new run time. */
  private async record(
    row: JobRow,
    outcome: Exclude<JobRunOutcome, 'lost'>,
    startedAt: number,
    now: number,
    error?: unknown,
    rescheduleAt?: number,
  ): Promise<void> {
    const fence = this.fence(row);
    const db = this.database.db;
    let written: boolean;
    let wakeAt: number | undefined;
    switch (outcome) {
      case 'succeeded':
        written = await completeJob(db, fence, now);
        break;
      case 'rescheduled':
        wakeAt = rescheduleAt ?? now;
        written = await rescheduleJob(db, fence, wakeAt, now);
        break;
      case 'retried':
        wakeAt = now + Math.max(0, this.backoff(row.attempts));
        written = await retryJob(db, fence, wakeAt, describeError(error), now);
        break;
      case 'released':
        wakeAt = now;
        written = await releaseJob(db, fence, describeError(error), now);
        break;
      case 'failed':
        written = await failJob(db, fence, describeError(error), now);
        break;
    }
    if (!written) {
      this.logger.warn({ jobId: row.id, kind: row.kind, attempt: row.attempts, outcome }, 'engine: lease lost before the outcome was recorded');
      this.finished(row, 'lost', startedAt);
      return;
    }
    if (outcome === 'retried' || outcome === 'failed') {
      const log = outcome === 'failed' ? this.logger.error : this.logger.warn;
      log.call(
        this.logger,
        { err: error, jobId: row.id, kind: row.kind, attempt: row.attempts, maxAttempts: row.max_attempts, retryAt: wakeAt },
        `engine: job ${outcome === 'failed' ? 'failed' : 'will be retried'}`,
      );
    }
    this.finished(row, outcome, startedAt);
    if (wakeAt !== undefined) this.wake(wakeAt);
  }

  private finished(row: JobRow, outcome: JobRunOutcome, startedAt: number): void {
    if (!this.onJobFinished) return;
    try {
      this.onJobFinished({
        id: row.id,
        kind: row.kind,
        attempt: row.attempts,
        outcome,
        lateMs: startedAt - Number(row.run_at),
        durationMs: this.clock.now() - startedAt,
      });
    } catch (err) {
      this.logger.warn({ err }, 'engine: onJobFinished threw');
    }
  }

  private fence(row: JobRow): Fence {
    return { id: row.id, owner: this.nodeId, attempts: row.attempts };
  }

  private async renew(fence: Fence, controller: AbortController): Promise<void> {
    if (controller.signal.aborted) return;
    try {
      const now = this.clock.now();
      const ok = await renewLease(this.database.db, fence, now + this.leaseMs, now);
      if (!ok && !controller.signal.aborted) {
        this.logger.warn({ jobId: fence.id, attempt: fence.attempts }, 'engine: lease lost while running; aborting the handler');
        controller.abort(new LeaseLost());
      }
    } catch (err) {
      this.logger.warn({ err, jobId: fence.id }, 'engine: lease renewal failed; will try again');
    }
  }

  /** The sweep: every reconciler (errors logged, not fatal), then pruning. Runs again in one interval. */
  private readonly reconcile: JobHandler = async (_job, signal) => {
    for (const reconciler of this.reconcilers) {
      if (signal.aborted) break;
      try {
        await reconciler(signal);
      } catch (err) {
        this.logger.error({ err, reconciler: reconciler.name || 'anonymous' }, 'engine: reconciler failed');
      }
    }
    try {
      const pruned = await pruneFinishedJobs(this.database, this.clock.now() - PRUNE_AFTER_MS);
      if (pruned > 0) this.logger.info({ pruned }, 'engine: pruned finished jobs');
    } catch (err) {
      this.logger.error({ err }, 'engine: pruning finished jobs failed');
    }
    return { rescheduleAt: this.clock.now() + this.reconcileIntervalMs };
  };
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

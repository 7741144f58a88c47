/**
 * The intake queue: what the intake endpoints accept, durable before they answer, applied in order.
 *
 * Accepting is a group commit: entries submitted while a commit is in flight are committed together
 * by the next one (one transaction, one multi-row insert), so a burst of requests costs a few
 * commits, not one each. An endpoint answers only after its entry is committed.
 *
 * Applying: a drain takes the oldest entries and applies each in its own savepoint of one
 * transaction; an entry that fails is rolled back alone, recorded, and removed. Drain transactions
 * are time-boxed and the event loop serves requests between them; while requests keep it busy,
 * applying gets a fixed share of its time (see drainLoop), otherwise all of it.
 *
 * A submitter waits for its entry to be applied when the queue is short, so its answer reflects the
 * result (the usual case); under a burst it is answered as soon as its entry is durable, as the
 * OpsGenie and PagerDuty APIs allow (202 Accepted). Past `maxBacklog` unapplied entries, new ones
 * are refused ({@link IntakeBusyError}) so senders back off and retry.
 *
 * Several processes on PostgreSQL: one drains at a time (a transaction-level advisory lock); the
 * others retry shortly. Entries left by a crash are applied at the next start.
 */
import { sql } from 'kysely';
import { IntakeBusyError, type Submitted } from '../core/alerts/intake.js';
import type { Clock } from '../core/shared/clock.js';
import type { Repos } from '../core/shared/ports.js';
import type { Database } from './database.js';
import { createRepos, discardEvents, flushEvents, JOBS_CHANNEL, markEvents } from './unit-of-work.js';



export interface IntakeQueueOptions<E, R> {
  database: Database;
  clock: Clock;
  /** Applies one entry in the drain's transaction; `cache` lives for one drain transaction. */
  apply(r: Repos, integrationId: string, entry: E, cache: Map<string, unknown>): Promise<R>;
  /** Records an entry whose changes were rolled back (its own savepoint). */
  recordFailure(r: Repos, integrationId: string, entry: E, error: unknown): Promise<void>;
  /** After a drain commits jobs: the earliest run time (wakes the engine). */
  onJobsCommitted?(runAt: number): void;
  /** Unexpected errors (an entry that failed, a drain that failed); logged by the caller. */
  onError?(err: unknown): void;
  /** Submitters wait for their entry to be applied while fewer entries than this are waiting. Default 4. */
  waitBelow?: number;
  /** The longest a submitter waits for its entry to be applied before answering anyway. Default 10 s. */
  waitTimeoutMs?: number;
  /** Unapplied entries past which new ones are refused. Default 1,000,000. */
  maxBacklog?: number;
  /** Share of the event loop's time spent applying while requests keep it busy. Default 0.1. */
  busyShare?: number;
  /** The longest drain transaction (the event loop serves nothing else meanwhile). Default 10 ms. */
  idleBudgetMs?: number;
  /** How often the queue looks for entries another process (or a crash) left. Default 5 s. */
  sweepIntervalMs?: number;
}

interface Pending<E, R> {
  lane: number;
  integrationId: string;
  entry: E;
  receivedAt: number;
  wait: boolean;
  seq?: number;
  resolve(s: Submitted<R>): void;
  reject(err: unknown): void;
}

const DRAIN_LOCK = 7_384_211_905; // pg advisory lock key of the intake drain
const BATCH = 256;
/** Entries per drain transaction on PostgreSQL (short transactions hold row locks briefly). */
const PG_BATCH = 25;
/** Lanes applied in parallel on PostgreSQL (entries are ordered within a lane). */
const PG_LANES = 4;

/** FNV-1a: the lane of an order key. */
function laneOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % PG_LANES;
}

/** PostgreSQL errors that fail a transaction through no fault of its statements: retry it. */
const isTransient = (err: unknown): boolean => ['40P01', '40001', '55P03'].includes(String((err as { code?: unknown }).code));
/** Since the last drain transaction, a loop idle this share of the time has room for applying. */
const IDLE_FRACTION = 0.2;
/** A drain transaction's budget while requests keep the loop busy. */
const BUSY_SLICE_MS = 5;

export class IntakeQueue<E, R> {
  private readonly o: Required<Omit<IntakeQueueOptions<E, R>, 'onJobsCommitted' | 'onError'>> & Pick<IntakeQueueOptions<E, R>, 'onJobsCommitted' | 'onError'>;
  private pending: Array<Pending<E, R>> = [];
  private committing: Promise<void> | undefined;
  private readonly waiters = new Map<number, { resolve(s: Submitted<R>): void; timer: NodeJS.Timeout }>();
  /** Entries committed and not yet seen applied (by this process's count). */
  private backlog = 0;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private retry: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Event-loop utilization at the end of the last drain transaction, and the busy time owed to requests since. */
  private mark = performance.eventLoopUtilization();
  private owed = 0;
  /** Entries the last drain transaction applied (sizes the next read on SQLite). */
  private lastApplied = BATCH;
  private nativeInsert: import('better-sqlite3').Statement | undefined;

  constructor(options: IntakeQueueOptions<E, R>) {
    this.o = { waitBelow: 4, waitTimeoutMs: 10_000, maxBacklog: 1_000_000, busyShare: 0.1, idleBudgetMs: 10, sweepIntervalMs: 5000, ...options };
  }

  /** Applies what an earlier run left, and looks again now and then. */
  start(): void {
    this.stopped = false;
    this.sweep = setInterval(() => void this.recount().finally(() => this.kick()), this.o.sweepIntervalMs);
    this.sweep.unref();
    this.kick();
  }

  /**
   * Commits `entry`; resolves once it is durable (and applied, when the queue is short). Entries
   * with the same `orderKey` (the service) are applied in the order they were submitted.
   */
  async submit(integrationId: string, entry: E, orderKey: string = integrationId): Promise<Submitted<R>> {
    if (this.stopped) throw new Error('The intake queue is stopped.');
    const waiting = this.backlog + this.pending.length;
    if (waiting >= this.o.maxBacklog) throw new IntakeBusyError(5);
    return new Promise<Submitted<R>>((resolve, reject) => {
      const lane = this.o.database.dialect === 'postgres' ? laneOf(orderKey) : 0;
      this.pending.push({ lane, integrationId, entry, receivedAt: this.o.clock.now(), wait: waiting < this.o.waitBelow, resolve, reject });
      if (!this.committing) this.committing = new Promise<void>((done) => setImmediate(() => void this.commitPending().finally(done)));
    });
  }

  /** Counts the waiting entries again: other processes apply entries this one committed, and the reverse. */
  private async recount(): Promise<void> {
    try {
      const row = await this.o.database.db.selectFrom('intake_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      this.backlog = Number(row?.n ?? 0);
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  /** Resolves when everything submitted so far is committed and applied (tests, shutdown). */
  async settle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      if (this.committing) await this.committing;
      else if (this.draining) await this.draining;
      else {
        const n = await this.drainAll(this.o.idleBudgetMs);
        if (n === 0) return;
        if (n === -1) await new Promise((r) => setTimeout(r, 20)); // another process is draining
      }
    }
  }

  /** Stops accepting, finishes the commit and drain in flight; what is left waits for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    if (this.retry) clearTimeout(this.retry);
    await this.committing;
    await this.draining;
    for (const [seq, w] of this.waiters) {
      clearTimeout(w.timer);
      w.resolve({ state: 'queued' });
      this.waiters.delete(seq);
    }
  }

  private async commitPending(): Promise<void> {
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, 500);
        try {
          if (!this.commitNative(batch)) await this.commitKysely(batch);
        } catch (err) {
          for (const b of batch) {
            if (b.seq !== undefined) this.unwait(b.seq);
            b.reject(err);
          }
          continue;
        }
        this.backlog += batch.length;
        for (const b of batch) if (!b.wait) b.resolve({ state: 'queued' });
      }
    } finally {
      this.committing = undefined;
    }
    this.kick();
  }

  /**
   * SQLite: one synchronous transaction on the connection itself, a prepared insert per entry (no
   * query building, no awaits). False when a drain transaction is open on the connection (the
   * batch then waits for it through Kysely).
   */
  private commitNative(batch: Array<Pending<E, R>>): boolean {
    const native = this.o.database.native;
    if (!native || native.inTransaction) return false;
    const insert = (this.nativeInsert ??= native.prepare('insert into intake_queue (lane, integration_id, entry, received_at) values (?, ?, ?, ?)'));
    native.transaction(() => {
      for (const b of batch) {
        b.seq = Number(insert.run(b.lane, b.integrationId, JSON.stringify(b.entry), b.receivedAt).lastInsertRowid);
        // Registered before the commit, so no drain can apply the entry unseen.
        if (b.wait) this.waitFor(b.seq, b.resolve);
      }
    })();
    return true;
  }

  private async commitKysely(batch: Array<Pending<E, R>>): Promise<void> {
    await this.o.database.db.transaction().execute(async (trx) => {
      const insert = trx.insertInto('intake_queue').values(batch.map((b) => ({ lane: b.lane, integration_id: b.integrationId, entry: JSON.stringify(b.entry), received_at: b.receivedAt })));
      let seqs: number[];
      if (this.o.database.dialect === 'sqlite') {
        // One writer: the rows got consecutive sequence numbers ending at the last insert id.
        const last = Number((await insert.executeTakeFirstOrThrow()).insertId);
        seqs = batch.map((_, i) => last - batch.length + 1 + i);
      } else {
        // Sequence numbers are assigned in the order of the values.
        seqs = (await insert.returning('seq').execute()).map((r) => Number(r.seq)).sort((a, b) => a - b);
      }
      batch.forEach((b, i) => {
        b.seq = seqs[i]!;
        if (b.wait) this.waitFor(b.seq, b.resolve);
      });
    });
  }

  private waitFor(seq: number, resolve: (s: Submitted<R>) => void): void {
    const timer = setTimeout(() => {
      this.waiters.delete(seq);
      resolve({ state: 'queued' });
    }, this.o.waitTimeoutMs);
    this.waiters.set(seq, { resolve, timer });
  }

  private unwait(seq: number): void {
    const w = this.waiters.get(seq);
    if (w) clearTimeout(w.timer);
    this.waiters.delete(seq);
  }

  /** Starts a drain (or asks the running one to look again). */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = new Promise<void>((done) => setImmediate(() => void this.drainLoop().finally(done)));
  }

  /**
   * Drains until the queue is empty, one time-boxed transaction at a time; the event loop serves
   * requests between them. When the loop had idle time since the last transaction, applying may use
   * it all. When requests keep it fully busy, applying waits until they have had their share, so a
   * flood is made durable first and applied at `busyShare` of the time, never starved.
   */
  private async drainLoop(): Promise<void> {
    let retryIn = 0;
    try {
      for (;;) {
        this.drainAgain = false;
        const budget = await this.turn();
        if (this.stopped) break;
        const started = performance.now();
        const n = await this.drainAll(budget);
        const took = performance.now() - started;
        this.mark = performance.eventLoopUtilization();
        this.owed = (took * (1 - this.o.busyShare)) / this.o.busyShare;
        if (n === -1) {
          retryIn = 100; // another process is draining
          break;
        }
        if ((n === 0 && !this.drainAgain) || this.stopped) break;
      }
    } catch (err) {
      if (isTransient(err)) retryIn = 20;
      else {
        this.o.onError?.(err);
        retryIn = 1000;
      }
    } finally {
      this.draining = undefined;
    }
    if (retryIn && !this.stopped) {
      if (this.retry) clearTimeout(this.retry);
      this.retry = setTimeout(() => this.kick(), retryIn);
      this.retry.unref();
    } else if (this.drainAgain) this.kick();
  }

  /** Waits for applying's turn on the event loop; the time budget of the next transaction. */
  private async turn(): Promise<number> {
    for (;;) {
      const since = performance.eventLoopUtilization(performance.eventLoopUtilization(), this.mark);
      // Idle time: nothing else needed the loop. Otherwise the requests served since the last
      // transaction have had their share of the time.
      if (since.idle >= IDLE_FRACTION * (since.idle + since.active)) return this.o.idleBudgetMs;
      if (since.active >= this.owed || this.stopped) return Math.min(BUSY_SLICE_MS, this.o.idleBudgetMs);
      // Requests need at least the time still owed to them (the loop is busy at most all of it);
      // a few milliseconds at the most, so idle time is noticed soon.
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(5, Math.floor(this.owed - since.active)))));
    }
  }

  /**
   * One drain transaction per lane (one lane on SQLite; on PostgreSQL the lanes run in parallel, on
   * their own connections): the entries applied, or -1 when other processes hold every lane.
   */
  private async drainAll(budgetMs: number): Promise<number> {
    // The backlog count is approximate (it guides waiting and the bound); an empty queue resets it.
    if (this.o.database.dialect === 'sqlite') {
      const n = await this.drainOnce(budgetMs, 0);
      if (n === 0) this.backlog = 0;
      return n;
    }
    const settled = await Promise.allSettled(Array.from({ length: PG_LANES }, (_, lane) => this.drainOnce(budgetMs, lane)));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const results = settled.map((r) => (r as PromiseFulfilledResult<number>).value);
    const applied = results.filter((n) => n > 0).reduce((a, b) => a + b, 0);
    if (results.every((n) => n === 0)) this.backlog = 0;
    return applied === 0 && results.some((n) => n === -1) ? -1 : applied;
  }

  /** One drain transaction of one lane: the entries applied, or -1 when another process holds the lane. */
  private async drainOnce(budgetMs: number, lane: number): Promise<number> {
    const { database, clock } = this.o;
    let earliest: number | undefined;
    const outcomes: Array<[number, Submitted<R>]> = [];
    const applied = await database.db.transaction().execute(async (trx) => {
      if (database.dialect === 'postgres') {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${DRAIN_LOCK + lane}) as locked`.execute(trx);
        if (!rows[0]?.locked) return -1;
      }
      const rows = await trx
        .selectFrom('intake_queue')
        .selectAll()
        .where('lane', '=', lane)
        .orderBy('seq')
        // SQLite: a time-boxed transaction applies what fits its budget; read about that many
        // (twice the last transaction's count), not a whole batch to apply a few of.
        .limit(database.dialect === 'sqlite' ? Math.min(BATCH, Math.max(16, this.lastApplied * 2)) : PG_BATCH)
        .execute();
      if (rows.length === 0) return 0;
      const repos = createRepos(trx, database.dialect, clock, (runAt) => {
        earliest = earliest === undefined ? runAt : Math.min(earliest, runAt);
      });
      const cache = new Map<string, unknown>();
      const started = performance.now();
      for (const row of rows) {
        const seq = Number(row.seq);
        let entry: E | undefined;
        await sql`savepoint intake_entry`.execute(trx);
        // Timeline rows are written once for the whole drain transaction (below); a rolled-back
        // entry's rows are forgotten with its savepoint.
        const mark = markEvents(repos);
        try {
          entry = JSON.parse(row.entry) as E;
          const result = await this.o.apply(repos, row.integration_id, entry, cache);
          await sql`release savepoint intake_entry`.execute(trx);
          outcomes.push([seq, { state: 'applied', result }]);
        } catch (err) {
          // A deadlock or serialization failure is the transaction's, not the entry's: the whole
          // batch is rolled back and retried.
          if (isTransient(err)) throw err;
          await sql`rollback to savepoint intake_entry`.execute(trx);
          discardEvents(repos, mark);
          if (entry !== undefined) {
            try {
              await this.o.recordFailure(repos, row.integration_id, entry, err);
              await sql`release savepoint intake_entry`.execute(trx);
            } catch (recordErr) {
              await sql`rollback to savepoint intake_entry`.execute(trx);
              discardEvents(repos, mark);
              await sql`release savepoint intake_entry`.execute(trx);
              this.o.onError?.(recordErr);
            }
          } else await sql`release savepoint intake_entry`.execute(trx);
          this.o.onError?.(err);
          outcomes.push([seq, { state: 'failed', error: err }]);
        }
        // The budget bounds how long the event loop is held: SQLite runs statements synchronously.
        // On PostgreSQL the loop is free while statements run, and a batch is bounded by its size.
        if (database.dialect === 'sqlite' && performance.now() - started >= budgetMs) break;
      }
      await flushEvents(repos);
      await trx
        .deleteFrom('intake_queue')
        .where(
          'seq',
          'in',
          outcomes.map(([seq]) => seq),
        )
        .execute();
      if (earliest !== undefined && database.dialect === 'postgres') await database.notify(trx, JOBS_CHANNEL, String(earliest));
      return outcomes.length;
    });
    if (applied >= 0) this.lastApplied = applied;
    if (applied > 0) {
      this.backlog = Math.max(0, this.backlog - applied);
      for (const [seq, outcome] of outcomes) {
        const w = this.waiters.get(seq);
        if (!w) continue;
        clearTimeout(w.timer);
        this.waiters.delete(seq);
        w.resolve(outcome);
      }
      if (earliest !== undefined) this.o.onJobsCommitted?.(earliest);
    }
    return applied;
  }
}

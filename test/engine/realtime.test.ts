/**
 * The engine's own loop with real timers: precise wake-ups, wake-ups between processes (NOTIFY),
 * lease renewal and loss, bounded concurrency, and stopping. Timings are never asserted (the bench
 * measures them); a missed wake-up shows up as a job that does not run before the deadline, because
 * the fallback sweep is a minute away.
 */
import { adHocJobs } from '../helpers/jobs.js';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/shared/clock.js';
import { Engine, listJobs, type EngineOptions } from '../../src/engine/engine.js';
import type { JobFinishedInfo, JobHandlers } from '../../src/engine/types.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { createUnitOfWork } from '../../src/storage/unit-of-work.js';
import { DIALECTS, openTestDatabase, postgresAvailable } from '../helpers/databases.js';

const pgUp = await postgresAvailable();

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !pgUp)(`engine loop (${dialect}, real timers)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    async function setup() {
      const t = await openTestDatabase(dialect);
      cleanups.push(t.dispose);
      return t;
    }

    async function started(database: Database, handlers: JobHandlers, options: Partial<EngineOptions> = {}): Promise<Engine> {
      const e = new Engine({ database, clock: systemClock, handlers, reconcileIntervalMs: 60_000, ...options });
      await e.start();
      cleanups.push(() => e.stop({ timeoutMs: 2000 }));
      return e;
    }

    it('sleeps until a job is due and runs it then, not before', async () => {
      const { database } = await setup();
      const starts: Array<{ at: number; runAt: number }> = [];
      const e = await started(database, { ping: async (job) => void starts.push({ at: systemClock.now(), runAt: job.runAt }) });
      const uow = createUnitOfWork(database, systemClock, { onJobsCommitted: (at) => e.wake(at) });
      // Let the first pass (and the start-up sweep) finish so the node is idle, sleeping a minute.
      await waitFor(async () => sleepsLong(e), 5000);

      const runAt = systemClock.now() + 200;
      await uow.run((r) => adHocJobs(r).enqueue({ kind: 'ping', runAt }));
      await uow.run((r) => adHocJobs(r).enqueue({ kind: 'ping', runAt: runAt + 100 }));
      await waitFor(async () => starts.length === 2, 5000);
      expect(starts.map((s) => s.runAt)).toEqual([runAt, runAt + 100]);
      for (const s of starts) expect(s.at).toBeGreaterThanOrEqual(s.runAt);
    });

    // SQLite serves one process: its wake-ups are in-process only.
    if (dialect === 'postgres')
      it('is woken by another process committing new work (LISTEN/NOTIFY)', async () => {
        const t = await setup();
        const other = await openDatabase(t.url);
        cleanups.push(() => other.close());
        const ran: string[] = [];
        const e = await started(other, { ping: async (job) => void ran.push(job.id) });
        await waitFor(async () => sleepsLong(e), 5000);

        // Committed through a connection the engine does not share, with no in-process wake-up.
        const uow = createUnitOfWork(t.database, systemClock);
        const now = await uow.run((r) => adHocJobs(r).enqueue({ kind: 'ping' }));
        const soon = await uow.run((r) => adHocJobs(r).enqueue({ kind: 'ping', runAt: systemClock.now() + 150 }));
        await waitFor(async () => ran.length === 2, 5000);
        expect(ran).toEqual([now.id, soon.id]);
      });

    it('renews the lease of a long job so no other node takes it', async () => {
      const { database, url } = await setup();
      const second = dialect === 'postgres' ? await openDatabase(url) : database;
      if (second !== database) cleanups.push(() => second.close());
      const runs: string[] = [];
      const long = async (node: string) => {
        runs.push(node);
        await new Promise((r) => setTimeout(r, 1000));
      };
      const a = await started(database, { long: () => long('a') }, { nodeId: 'a', leaseMs: 300 });
      const uow = createUnitOfWork(database, systemClock, { onJobsCommitted: (at) => a.wake(at) });
      const { id } = await uow.run((r) => adHocJobs(r).enqueue({ kind: 'long' }));
      await waitFor(async () => runs.length === 1, 5000);
      // A second node watches the lease, waking at each expiry it sees, and finds it renewed.
      await started(second, { long: () => long('b') }, { nodeId: 'b', leaseMs: 300 });
      await waitFor(async () => (await listJobs(database, { id: id! }))[0]!.status === 'succeeded', 5000);
      expect(runs).toEqual(['a']);
      expect((await listJobs(database, { id: id! }))[0]).toMatchObject({ attempts: 1, leaseOwner: 'a' });
    });

    it('aborts a handler whose lease was lost, and records nothing for it', async () => {
      const { database } = await setup();
      const finished: JobFinishedInfo[] = [];
      let abortReason: unknown;
      const e = await started(
        database,
        {
          stuck: (_job, signal) =>
            new Promise((_resolve, reject) =>
              signal.addEventListener('abort', () => {
                abortReason = signal.reason;
                reject(new Error('gave up'));
              }),
            ),
        },
        { leaseMs: 300, onJobFinished: (i) => void (i.kind === 'stuck' && finished.push(i)) },
      );
      const uow = createUnitOfWork(database, systemClock, { onJobsCommitted: (at) => e.wake(at) });
      const { id } = await uow.run((r) => adHocJobs(r).enqueue({ kind: 'stuck' }));
      await waitFor(async () => (await listJobs(database, { id: id! }))[0]!.status === 'running', 5000);
      // Another node takes the job over (as after a stall past the lease).
      await sql`update jobs set lease_owner = 'thief', attempts = attempts + 1, lease_expires_at = ${systemClock.now() + 60_000} where id = ${id}`.execute(
        database.db,
      );
      await waitFor(async () => finished.length === 1, 5000);
      expect(finished[0]).toMatchObject({ id, outcome: 'lost', attempt: 1 });
      expect((abortReason as Error).name).toBe('LeaseLost');
      expect((await listJobs(database, { id: id! }))[0]).toMatchObject({ status: 'running', leaseOwner: 'thief', attempts: 2, lastError: null });
    });

    it('runs no more jobs at once than its concurrency, and drains a backlog', async () => {
      const { database } = await setup();
      let active = 0;
      let peak = 0;
      let done = 0;
      const uow = createUnitOfWork(database, systemClock);
      for (let i = 0; i < 30; i++) await uow.run((r) => adHocJobs(r).enqueue({ kind: 'work', payload: { i } }));
      await started(
        database,
        {
          work: async () => {
            active++;
            peak = Math.max(peak, active);
            await new Promise((r) => setTimeout(r, 5));
            active--;
            done++;
          },
        },
        { concurrency: 3 },
      );
      await waitFor(async () => (await listJobs(database, { kind: 'work', status: 'succeeded' })).length === 30, 10_000);
      expect(done).toBe(30);
      expect(peak).toBe(3);
    });

    it('stops: waits for running jobs, then aborts and hands back those that outlast the timeout', async () => {
      const { database } = await setup();
      let finishedQuick = false;
      const e = new Engine({
        database,
        clock: systemClock,
        handlers: {
          quick: async () => {
            await new Promise((r) => setTimeout(r, 100));
            finishedQuick = true;
          },
          stubborn: (_job, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
        },
      });
      const uow = createUnitOfWork(database, systemClock, { onJobsCommitted: (at) => e.wake(at) });
      await e.start();
      const quick = await uow.run((r) => adHocJobs(r).enqueue({ kind: 'quick' }));
      const stubborn = await uow.run((r) => adHocJobs(r).enqueue({ kind: 'stubborn', maxAttempts: 1 }));
      await waitFor(async () => e.runningCount === 2, 5000);

      await e.stop({ timeoutMs: 300 });
      expect(finishedQuick).toBe(true);
      expect(e.runningCount).toBe(0);
      expect((await listJobs(database, { id: quick.id! }))[0]).toMatchObject({ status: 'succeeded' });
      // Handed back due now, and the interrupted run does not count against its one attempt.
      expect((await listJobs(database, { id: stubborn.id! }))[0]).toMatchObject({
        status: 'pending',
        attempts: 0,
        leaseOwner: null,
        lastError: 'EngineStopping: engine stopping',
      });
      expect(await e.runDue()).toBe(0);
    });
  });
}

/** Idle, with nothing to do for half a minute or more. */
function sleepsLong(e: Engine): boolean {
  const until = e.sleepingUntil;
  return until !== undefined && until > systemClock.now() + 30_000;
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

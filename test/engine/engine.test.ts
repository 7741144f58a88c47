/**
 * The job engine driven by a fake clock (manual mode: no timers, no sleeps), on SQLite and PostgreSQL.
 */
import { adHocJobs, type AdHocJobSpec } from '../helpers/jobs.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/shared/clock.js';
import type { UnitOfWork } from '../../src/core/shared/ports.js';
import { Engine, PRUNE_AFTER_MS, RECONCILE_DEDUPE_KEY, RECONCILE_JOB_KIND, listJobs, type EngineOptions } from '../../src/engine/engine.js';
import { ESCALATE_JOB, InvalidJobPayloadError } from '../../src/core/shared/jobs.js';
import { claimJobs, completeJob, failJob, renewLease } from '../../src/engine/job-store.js';
import type { Job, JobFinishedInfo, JobHandlers } from '../../src/engine/types.js';
import type { Database } from '../../src/storage/database.js';
import { createUnitOfWork } from '../../src/storage/unit-of-work.js';
import { DIALECTS, openTestDatabase, postgresAvailable } from '../helpers/databases.js';

const pgUp = await postgresAvailable();

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !pgUp)(`engine (${dialect}, fake clock)`, () => {
    let database: Database;
    let dispose: () => Promise<void>;
    let clock: FakeClock;
    let uow: UnitOfWork;
    const engines: Engine[] = [];

    beforeEach(async () => {
      const t = await openTestDatabase(dialect);
      database = t.database;
      dispose = t.dispose;
      clock = new FakeClock();
      uow = createUnitOfWork(database, clock);
    });

    afterEach(async () => {
      for (const e of engines.splice(0)) await e.stop({ timeoutMs: 1000 });
      await dispose();
    });

    function engine(handlers: JobHandlers, options: Partial<EngineOptions> = {}): Engine {
      const e = new Engine({ database, clock, handlers, manual: true, ...options });
      engines.push(e);
      return e;
    }

    const enqueue = (spec: AdHocJobSpec) => uow.run((r) => adHocJobs(r).enqueue(spec));

    it('never runs a job enqueued in a rolled-back transaction', async () => {
      const ran: string[] = [];
      const committed: number[] = [];
      const tracked = createUnitOfWork(database, clock, { onJobsCommitted: (t) => committed.push(t) });
      const e = engine({ note: async (job) => void ran.push(String(job.payload.name)) });

      await expect(
        tracked.run(async (r) => {
          await adHocJobs(r).enqueue({ kind: 'note', payload: { name: 'rolled-back' } });
          throw new Error('use case failed');
        }),
      ).rejects.toThrow('use case failed');
      await tracked.run((r) => adHocJobs(r).enqueue({ kind: 'note', payload: { name: 'committed' } }));

      expect(await e.advance(60 * 60 * 1000)).toBe(1);
      expect(ran).toEqual(['committed']);
      expect(committed).toEqual([clock.now() - 60 * 60 * 1000]);
      const jobs = await listJobs(database);
      expect(jobs.map((j) => j.payload.name)).toEqual(['committed']);
    });

    it('runs a due job once, records success, and reports it', async () => {
      const seen: Job[] = [];
      const finished: JobFinishedInfo[] = [];
      const e = engine(
        {
          greet: async (job) => {
            seen.push(job);
            clock.advance(25);
          },
        },
        { onJobFinished: (info) => finished.push(info) },
      );
      const runAt = clock.now() + 5000;
      const { id } = await enqueue({ kind: 'greet', payload: { to: 'ada' }, runAt, maxAttempts: 3, dedupeKey: 'greet:ada' });

      expect(await e.runDue()).toBe(0);
      expect(await e.advance(4999)).toBe(0);
      expect(await e.advance(1)).toBe(1);
      expect(await e.advance(60_000)).toBe(0);

      expect(seen).toEqual([{ id, kind: 'greet', payload: { to: 'ada' }, runAt, attempt: 1, maxAttempts: 3, dedupeKey: 'greet:ada' }]);
      expect(finished).toEqual([{ id, kind: 'greet', attempt: 1, outcome: 'succeeded', lateMs: 0, durationMs: 25 }]);
      const [job] = await listJobs(database, { id: id! });
      expect(job).toMatchObject({ status: 'succeeded', attempts: 1, finishedAt: runAt + 25, leaseExpiresAt: null, leaseOwner: e.nodeId });
    });

    it('retries a failing job with growing backoff, then leaves it visibly failed', async () => {
      const runs: number[] = [];
      const finished: string[] = [];
      const e = engine(
        {
          flaky: async () => {
            runs.push(clock.now());
            throw new Error('smtp refused');
          },
        },
        { onJobFinished: (info) => finished.push(info.outcome) },
      );
      const { id } = await enqueue({ kind: 'flaky', maxAttempts: 5 });

      expect(await e.runDue()).toBe(1);
      const [afterFirst] = await listJobs(database, { id: id! });
      expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, lastError: 'smtp refused', leaseOwner: null });
      expect(afterFirst!.runAt).toBeGreaterThan(clock.now());

      expect(await e.advance(2 * 60 * 60 * 1000)).toBe(4);
      expect(runs).toHaveLength(5);
      const gaps = runs.slice(1).map((t, i) => t - runs[i]!);
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
      // Default backoff: 2^attempt seconds ±20%.
      gaps.forEach((gap, i) => {
        const base = 2 ** (i + 1) * 1000;
        expect(gap).toBeGreaterThanOrEqual(base * 0.8);
        expect(gap).toBeLessThanOrEqual(base * 1.2);
      });
      expect(finished).toEqual(['retried', 'retried', 'retried', 'retried', 'failed']);

      const [job] = await listJobs(database, { id: id! });
      expect(job).toMatchObject({ status: 'failed', attempts: 5, lastError: 'smtp refused', finishedAt: runs[4] });
      expect(await listJobs(database, { status: 'failed' })).toHaveLength(1);
      expect(await e.advance(24 * 60 * 60 * 1000)).toBe(0);
    });

    it('uses a custom backoff and keeps the error name in last_error', async () => {
      class RateLimited extends Error {
        override name = 'RateLimited';
      }
      const e = engine({ limited: async () => Promise.reject(new RateLimited('429 from slack')) }, { backoff: (attempt) => attempt * 100 });
      const start = clock.now();
      const { id } = await enqueue({ kind: 'limited', maxAttempts: 3 });
      await e.runDue();
      expect((await listJobs(database, { id: id! }))[0]).toMatchObject({ status: 'pending', runAt: start + 100, lastError: 'RateLimited: 429 from slack' });
      await e.advance(100);
      expect((await listJobs(database, { id: id! }))[0]).toMatchObject({ status: 'pending', runAt: start + 300, attempts: 2 });
      await e.advance(200);
      expect((await listJobs(database, { id: id! }))[0]).toMatchObject({ status: 'failed', attempts: 3 });
    });

    it('fails a job of an unknown kind at once, with a clear error', async () => {
      const e = engine({});
      const { id } = await enqueue({ kind: 'no.such.kind', maxAttempts: 10 });
      expect(await e.runDue()).toBe(1);
      const [job] = await listJobs(database, { id: id! });
      expect(job).toMatchObject({ status: 'failed', attempts: 1 });
      expect(job!.lastError).toContain('No handler registered for job kind "no.such.kind"');
    });

    it('refuses to enqueue a payload that does not fit its kind', async () => {
      await expect(enqueue({ kind: ESCALATE_JOB, payload: { alertId: 42, step: 1, round: 0 } })).rejects.toThrow(
        'Invalid payload for job kind "alert.escalate": /alertId: Expected string',
      );
      await expect(enqueue({ kind: ESCALATE_JOB, payload: { alertId: 'a' } })).rejects.toBeInstanceOf(InvalidJobPayloadError);
      expect(await listJobs(database, { kind: ESCALATE_JOB })).toEqual([]);
    });

    it('fails a stored job whose payload does not fit its kind at once, without calling the handler', async () => {
      let ran = 0;
      const e = engine({ [ESCALATE_JOB]: async () => void ran++ });
      const { id } = await uow.run((r) => r.jobs.enqueue({ kind: ESCALATE_JOB, payload: { alertId: 'a', step: 1, round: 0 }, maxAttempts: 10 }));
      // A row written by hand (or by an older version) with a payload the handler cannot use.
      await database.db.updateTable('jobs').set({ payload: JSON.stringify({ alertId: 'a', step: 'one', round: 0 }) }).where('id', '=', id!).execute();
      expect(await e.runDue()).toBe(1);
      const [job] = await listJobs(database, { id: id! });
      expect(job).toMatchObject({ status: 'failed', attempts: 1 });
      expect(job!.lastError).toBe('InvalidJobPayloadError: Invalid payload for job kind "alert.escalate": /step: Expected integer');
      expect(ran).toBe(0);
    });

    it('reschedules a recurring job and resets its attempts', async () => {
      const runs: Array<[number, number]> = [];
      const e = engine({
        tick: async (job) => {
          runs.push([clock.now(), job.attempt]);
          return runs.length < 3 ? { rescheduleAt: clock.now() + 1000 } : undefined;
        },
      });
      const t0 = clock.now();
      await enqueue({ kind: 'tick', dedupeKey: 'recurring:tick' });
      expect(await e.advance(10_000)).toBe(3);
      expect(runs).toEqual([
        [t0, 1],
        [t0 + 1000, 1],
        [t0 + 2000, 1],
      ]);
      expect((await listJobs(database, { dedupeKey: 'recurring:tick' }))[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
    });

    it('runs jobs in run_at order when time travels, including jobs handlers enqueue', async () => {
      const log: string[] = [];
      const e = engine({
        step: async (job) => {
          log.push(`${job.payload.name}@${clock.now() - t0}`);
          if (job.payload.name === 'b') {
            await uow.run(async (r) => {
              await adHocJobs(r).enqueue({ kind: 'step', payload: { name: 'b-now' } });
              await adHocJobs(r).enqueue({ kind: 'step', payload: { name: 'b-later' }, runAt: clock.now() + 500 });
            });
          }
        },
      });
      const t0 = clock.now();
      await enqueue({ kind: 'step', payload: { name: 'c' }, runAt: t0 + 3000 });
      await enqueue({ kind: 'step', payload: { name: 'a' }, runAt: t0 + 1000 });
      await enqueue({ kind: 'step', payload: { name: 'b' }, runAt: t0 + 2000 });
      await enqueue({ kind: 'step', payload: { name: 'after' }, runAt: t0 + 9000 });

      expect(await e.advanceTo(t0 + 5000)).toBe(5);
      expect(log).toEqual(['a@1000', 'b@2000', 'b-now@2000', 'b-later@2500', 'c@3000']);
      expect(clock.now()).toBe(t0 + 5000);
      expect(await e.advanceTo(clock, t0 + 9000)).toBe(1);
      expect(log.at(-1)).toBe('after@9000');
    });

    it('enqueues a job once per dedupe key, and cancels pending jobs by key prefix', async () => {
      const ran: string[] = [];
      const e = engine({ page: async (job) => void ran.push(job.dedupeKey ?? '') });
      const later = clock.now() + 60_000;

      const first = await enqueue({ kind: 'page', dedupeKey: 'esc:a1:step:1', runAt: later });
      const again = await enqueue({ kind: 'page', dedupeKey: 'esc:a1:step:1', runAt: later });
      expect(first.created).toBe(true);
      expect(again).toEqual({ id: null, created: false });
      await enqueue({ kind: 'page', dedupeKey: 'esc:a1:step:2', runAt: later });
      await enqueue({ kind: 'page', dedupeKey: 'esc:a10:step:1', runAt: later });
      await enqueue({ kind: 'page', dedupeKey: 'esc_a1_x', runAt: later });
      await enqueue({ kind: 'page', dedupeKey: 'escXa1Yx', runAt: later });
      expect(await listJobs(database, { dedupeKeyPrefix: 'esc:a1:' })).toHaveLength(2);

      expect(await uow.run((r) => r.jobs.cancelPending('esc:a1:'))).toBe(2);
      expect(await uow.run((r) => r.jobs.cancelPending('esc_a1_'))).toBe(1); // `_` matched literally
      expect(await uow.run((r) => r.jobs.cancelPending('esc:a1:'))).toBe(0);

      expect(await e.advance(120_000)).toBe(2);
      expect(ran.sort()).toEqual(['esc:a10:step:1', 'escXa1Yx']);
      const cancelled = await listJobs(database, { status: 'cancelled' });
      expect(cancelled.map((j) => j.dedupeKey).sort()).toEqual(['esc:a1:step:1', 'esc:a1:step:2', 'esc_a1_x']);
      expect(cancelled.every((j) => j.finishedAt === later - 60_000)).toBe(true);
      // The key stays taken while its row exists.
      expect((await enqueue({ kind: 'page', dedupeKey: 'esc:a10:step:1' })).created).toBe(false);
    });

    it('fences completion: an old owner cannot record an outcome after its lease was taken over', async () => {
      const gates = new Map<string, () => void>();
      const outcomes: string[] = [];
      const handlers = (name: string, mode: 'ok' | 'throw'): JobHandlers => ({
        slow: async () => {
          outcomes.push(`${name}:start`);
          await new Promise<void>((r) => gates.set(name, r));
          if (mode === 'throw') throw new Error(`${name} failed late`);
        },
      });
      const onJobFinished = (info: JobFinishedInfo) => outcomes.push(`${info.attempt}:${info.outcome}`);
      for (const mode of ['ok', 'throw'] as const) {
        outcomes.length = 0;
        const oldOwner = engine(handlers('old', mode), { nodeId: `old-${mode}`, leaseMs: 1000, onJobFinished });
        const newOwner = engine(handlers('new', 'ok'), { nodeId: `new-${mode}`, leaseMs: 1000, onJobFinished });
        const { id } = await enqueue({ kind: 'slow', maxAttempts: 5 });

        const oldRun = oldOwner.runDue();
        await until(() => gates.has('old'));
        // The old owner stalls past its lease; the new owner takes the job over.
        clock.advance(999);
        expect(await newOwner.runDue()).toBe(0);
        clock.advance(1);
        const newRun = newOwner.runDue();
        await until(() => gates.has('new'));

        // The old owner finishes (or fails) while the new owner still runs the job: nothing is written.
        gates.get('old')!();
        expect(await oldRun).toBe(1);
        expect((await listJobs(database, { id: id! }))[0]).toMatchObject({ status: 'running', attempts: 2, leaseOwner: `new-${mode}`, lastError: null });

        gates.get('new')!();
        expect(await newRun).toBe(1);
        expect((await listJobs(database, { id: id! }))[0]).toMatchObject({ status: 'succeeded', attempts: 2, leaseOwner: `new-${mode}`, lastError: null });
        expect(outcomes).toEqual(['old:start', 'new:start', '1:lost', '2:succeeded']);
        gates.clear();
        await database.db.deleteFrom('jobs').execute();
      }
    });

    it('fences every write at the store level', async () => {
      const { id } = await enqueue({ kind: 'x' });
      const [row] = await claimJobs(database, { nodeId: 'n1', now: clock.now(), leaseMs: 1000, limit: 10 });
      expect(row).toMatchObject({ id, status: 'running', lease_owner: 'n1', lease_expires_at: clock.now() + 1000, attempts: 1 });
      expect(await claimJobs(database, { nodeId: 'n2', now: clock.now() + 999, leaseMs: 1000, limit: 10 })).toEqual([]);
      const [taken] = await claimJobs(database, { nodeId: 'n2', now: clock.now() + 1000, leaseMs: 1000, limit: 10 });
      expect(taken).toMatchObject({ id, lease_owner: 'n2', attempts: 2 });

      const stale = { id: id!, owner: 'n1', attempts: 1 };
      expect(await renewLease(database.db, stale, clock.now() + 5000, clock.now())).toBe(false);
      expect(await completeJob(database.db, stale, clock.now())).toBe(false);
      expect(await failJob(database.db, stale, 'x', clock.now())).toBe(false);
      expect(await completeJob(database.db, { id: id!, owner: 'n2', attempts: 1 }, clock.now())).toBe(false);
      expect(await completeJob(database.db, { id: id!, owner: 'n2', attempts: 2 }, clock.now())).toBe(true);
      expect(await completeJob(database.db, { id: id!, owner: 'n2', attempts: 2 }, clock.now())).toBe(false);
      expect((await listJobs(database, { id: id! }))[0]).toMatchObject({ status: 'succeeded', attempts: 2, leaseOwner: 'n2' });
    });

    it('claims at most the free slots, oldest run time first', async () => {
      const t0 = clock.now();
      for (let i = 0; i < 5; i++) await enqueue({ kind: 'x', payload: { i }, runAt: t0 - i * 1000 });
      await enqueue({ kind: 'x', payload: { i: 'future' }, runAt: t0 + 1 });
      const first = await claimJobs(database, { nodeId: 'n', now: t0, leaseMs: 1000, limit: 3 });
      expect(first.map((r) => JSON.parse(r.payload).i)).toEqual([4, 3, 2]);
      const rest = await claimJobs(database, { nodeId: 'n', now: t0, leaseMs: 1000, limit: 10 });
      expect(rest.map((r) => JSON.parse(r.payload).i)).toEqual([1, 0]);
    });

    it('gives up on a job whose every run died with its node', async () => {
      const e = engine({ crashy: async () => undefined }, { nodeId: 'survivor' });
      const { id } = await enqueue({ kind: 'crashy', maxAttempts: 2 });
      // Two runs claimed by nodes that died before recording anything.
      await claimJobs(database, { nodeId: 'dead-1', now: clock.now(), leaseMs: 1000, limit: 1 });
      clock.advance(1000);
      await claimJobs(database, { nodeId: 'dead-2', now: clock.now(), leaseMs: 1000, limit: 1 });
      expect(await e.advance(1000)).toBe(1);
      const [job] = await listJobs(database, { id: id! });
      expect(job).toMatchObject({ status: 'failed', attempts: 3 });
      expect(job!.lastError).toContain('Gave up after 2 attempts');
    });

    it('runs the reconciler sweep once per interval across nodes, survives reconciler errors, and prunes', async () => {
      const calls: string[] = [];
      const reconcilers = [
        async () => {
          calls.push(`broken@${clock.now() - t0}`);
          throw new Error('reconciler bug');
        },
        async () => void calls.push(`repair@${clock.now() - t0}`),
      ];
      const errors: unknown[] = [];
      const logger = { info: () => undefined, warn: () => undefined, error: (obj: object) => errors.push(obj) };
      const t0 = clock.now();
      // Old finished jobs: pruned after 7 days; failed ones stay visible.
      const old = await enqueue({ kind: 'done' });
      const failed = await enqueue({ kind: 'unknown-kind' });
      const a = engine({ done: async () => undefined }, { reconcilers, logger, reconcileIntervalMs: 60_000, nodeId: 'a' });
      const b = engine({ done: async () => undefined }, { reconcilers, logger, reconcileIntervalMs: 60_000, nodeId: 'b' });
      expect(await a.runDue()).toBe(2);
      clock.advance(PRUNE_AFTER_MS + 1);

      await a.start();
      await b.start();
      expect(await listJobs(database, { kind: RECONCILE_JOB_KIND })).toHaveLength(1);
      expect((await a.runDue()) + (await b.runDue())).toBe(1);
      expect(await listJobs(database, { id: old.id! })).toEqual([]);
      expect(await listJobs(database, { id: failed.id! })).toHaveLength(1);

      const s = PRUNE_AFTER_MS + 1;
      expect((await b.advance(60_000)) + (await a.advance(60_000))).toBe(2);
      expect(calls).toEqual([`broken@${s}`, `repair@${s}`, `broken@${s + 60_000}`, `repair@${s + 60_000}`, `broken@${s + 120_000}`, `repair@${s + 120_000}`]);
      expect(errors.length).toBeGreaterThanOrEqual(3);
      const [sweep] = await listJobs(database, { dedupeKey: RECONCILE_DEDUPE_KEY });
      expect(sweep).toMatchObject({ status: 'pending', runAt: t0 + s + 180_000, attempts: 0 });
    });

    it('revives an ended sweep row on start and pulls a far-off one in', async () => {
      const a = engine({}, { reconcileIntervalMs: 60_000 });
      await a.start();
      await database.db.updateTable('jobs').set({ status: 'cancelled' }).where('dedupe_key', '=', RECONCILE_DEDUPE_KEY).execute();
      const b = engine({}, { reconcileIntervalMs: 60_000 });
      await b.start();
      expect((await listJobs(database, { dedupeKey: RECONCILE_DEDUPE_KEY }))[0]).toMatchObject({ status: 'pending', runAt: clock.now() });
      await database.db
        .updateTable('jobs')
        .set({ run_at: clock.now() + 10 * 60_000 })
        .where('dedupe_key', '=', RECONCILE_DEDUPE_KEY)
        .execute();
      const c = engine({}, { reconcileIntervalMs: 30_000 });
      await c.start();
      expect((await listJobs(database, { dedupeKey: RECONCILE_DEDUPE_KEY }))[0]).toMatchObject({ status: 'pending', runAt: clock.now() + 30_000 });
      expect(() => new Engine({ database, clock, handlers: { [RECONCILE_JOB_KIND]: async () => undefined } })).toThrow(/reserved/);
    });

    it('reports queue depth and lag', async () => {
      const e = engine({ boom: async () => Promise.reject(new Error('x')) });
      const t0 = clock.now();
      await enqueue({ kind: 'later', runAt: t0 + 10_000 });
      await enqueue({ kind: 'due', runAt: t0 - 3000 });
      await enqueue({ kind: 'due', runAt: t0 - 1000 });
      await enqueue({ kind: 'boom', runAt: t0 - 5000, maxAttempts: 1 });
      await enqueue({ kind: 'held', runAt: t0 - 10_000 });
      await claimJobs(database, { nodeId: 'other', now: t0, leaseMs: 500, limit: 1 }); // takes 'held'
      expect(await e.stats()).toEqual({ pending: 4, running: 1, failed: 0, dueNow: 3, oldestDueLagMs: 5000 });
      clock.advance(500);
      expect(await e.stats()).toEqual({ pending: 4, running: 1, failed: 0, dueNow: 4, oldestDueLagMs: 5500 });
      await database.db.deleteFrom('jobs').where('kind', 'in', ['held', 'due']).execute();
      await e.runDue();
      expect(await e.stats()).toEqual({ pending: 1, running: 0, failed: 1, dueNow: 0, oldestDueLagMs: 0 });
    });
  });
}

/** Lets pending promise callbacks (and the database round trips they make) run until `cond` holds. */
async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

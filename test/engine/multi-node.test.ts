/**
 * Several engine nodes on one database, with real timers: every job runs exactly once, and a killed
 * node's leased jobs are finished by another after its leases expire.
 */
import { adHocJobs } from '../helpers/jobs.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/shared/clock.js';
import { Engine, listJobs } from '../../src/engine/engine.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { createUnitOfWork } from '../../src/storage/unit-of-work.js';
import { DIALECTS, openTestDatabase, postgresAvailable } from '../helpers/databases.js';

const pgUp = await postgresAvailable();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('../helpers/engine-worker.ts', import.meta.url));

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !pgUp)(`engine nodes (${dialect}, real timers)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    // Several nodes need PostgreSQL; SQLite runs the same load through its one node.
    const nodes = dialect === 'postgres' ? 3 : 1;
    it(`runs 1,000 jobs exactly once across ${nodes} node(s)`, async () => {
      const t = await openTestDatabase(dialect);
      cleanups.push(t.dispose);
      await sql`create table job_runs (job_id text not null, node text not null)`.execute(t.database.db);

      const databases: Database[] = [t.database];
      for (let i = 1; i < nodes; i++) {
        const d = await openDatabase(t.url);
        databases.push(d);
        cleanups.push(() => d.close());
      }
      const engines = databases.map(
        (database, i) =>
          new Engine({
            database,
            clock: systemClock,
            nodeId: `node-${i}`,
            handlers: {
              count: async (job) => {
                await new Promise((r) => setImmediate(r));
                await sql`insert into job_runs (job_id, node) values (${job.id}, ${`node-${i}`})`.execute(database.db);
              },
            },
          }),
      );
      for (const e of engines) {
        await e.start();
        cleanups.push(() => e.stop({ timeoutMs: 2000 }));
      }

      // Jobs land in batches while the nodes run: half due now, half over the next 300 ms. On SQLite
      // the in-process wake-up is the only signal; on PostgreSQL only NOTIFY reaches the other nodes.
      const uow = createUnitOfWork(t.database, systemClock, { onJobsCommitted: (at) => engines[0]!.wake(at) });
      const ids = new Set<string>();
      for (let batch = 0; batch < 10; batch++) {
        await uow.run(async (r) => {
          for (let i = 0; i < 100; i++) {
            const runAt = i % 2 === 0 ? undefined : systemClock.now() + ((batch * 100 + i) % 300);
            const { id } = await adHocJobs(r).enqueue({ kind: 'count', payload: { n: batch * 100 + i }, runAt });
            ids.add(id!);
          }
        });
      }
      expect(ids.size).toBe(1000);

      await waitFor(async () => (await countJobs(t.database, 'count', 'succeeded')) === 1000, 30_000);

      const runs = await sql<{ job_id: string; n: number }>`select job_id, count(*) as n from job_runs group by job_id`.execute(t.database.db);
      expect(runs.rows).toHaveLength(1000);
      expect(runs.rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
      expect(new Set(runs.rows.map((r) => r.job_id))).toEqual(ids);
      const jobs = await listJobs(t.database, { kind: 'count' });
      expect(jobs.filter((j) => j.status !== 'succeeded' || j.attempts !== 1)).toEqual([]);
    });

    it("finishes a killed node's leased jobs after its leases expire", async () => {
      const t = await openTestDatabase(dialect);
      cleanups.push(t.dispose);
      const { database } = t;
      const uow = createUnitOfWork(database, systemClock);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await uow.run((r) => adHocJobs(r).enqueue({ kind: 'slow', payload: { i } }))).id!);

      const child = spawn(process.execPath, ['--import', 'tsx', WORKER, t.url, '600', 'doomed'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      });

      const held = async () => {
        const jobs = await listJobs(database, { kind: 'slow' });
        return jobs.every((j) => j.status === 'running' && j.leaseOwner === 'doomed');
      };
      await waitFor(held, 20_000, () => `worker output: ${output}`);
      // It keeps renewing while alive: hold until a renewal has happened, then kill it mid-lease.
      const firstLeases = new Map((await listJobs(database, { kind: 'slow' })).map((j) => [j.id, j.leaseExpiresAt!]));
      await waitFor(async () => (await listJobs(database, { kind: 'slow' })).every((j) => j.leaseExpiresAt! > firstLeases.get(j.id)!), 10_000);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const orphaned = await listJobs(database, { kind: 'slow' });
      expect(orphaned.every((j) => j.status === 'running' && j.leaseOwner === 'doomed' && j.attempts === 1)).toBe(true);
      const leaseEnds = new Map(orphaned.map((j) => [j.id, j.leaseExpiresAt!]));

      const starts = new Map<string, number>();
      const rescuer = new Engine({
        database,
        clock: systemClock,
        nodeId: 'rescuer',
        handlers: {
          slow: async (job) => {
            starts.set(job.id, systemClock.now());
            expect(job.attempt).toBe(2);
          },
        },
      });
      await rescuer.start();
      cleanups.push(() => rescuer.stop({ timeoutMs: 2000 }));

      await waitFor(async () => (await listJobs(database, { kind: 'slow', status: 'succeeded' })).length === 5, 20_000);
      const finished = await listJobs(database, { kind: 'slow' });
      expect(finished.map((j) => [j.id, j.status, j.attempts, j.leaseOwner])).toEqual(ids.map((id) => [id, 'succeeded', 2, 'rescuer']));
      expect([...starts.keys()].sort()).toEqual([...ids].sort());
      // Taken over only once the dead node's lease had run out.
      for (const [id, at] of starts) expect(at).toBeGreaterThanOrEqual(leaseEnds.get(id)!);
    });
  });
}

async function countJobs(database: Database, kind: string, status: string): Promise<number> {
  const row = await database.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', kind)
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, explain?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${explain ? `; ${explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

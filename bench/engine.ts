/**
 * Job engine benchmark: how late jobs start on an idle node, and how many jobs per second flow
 * through it, on SQLite and PostgreSQL.
 *
 *   node --import tsx bench/engine.ts
 *
 * Prints a markdown report and writes it to bench/results/engine.md. PostgreSQL rows need a server
 * at VIGIL_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres); they are skipped
 * otherwise. Throughput is also given as a ratio to bare single-row UPDATEs by primary key measured
 * on the same database in the same run, since absolute numbers drift between machines.
 */
import { adHocJobs } from '../test/helpers/jobs.js';
import { writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/core/shared/clock.js';
import { Engine } from '../src/engine/engine.js';
import type { JobFinishedInfo } from '../src/engine/types.js';
import { openDatabase, type Database } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrations/index.js';
import { createUnitOfWork } from '../src/storage/unit-of-work.js';
import { createTestDatabaseUrl, postgresAvailable, PG_ADMIN_URL, type DialectName } from '../test/helpers/databases.js';

const LATENESS_JOBS = 200;
const LATENESS_SPACING_MS = 25;
const IMMEDIATE_JOBS = 200;
const THROUGHPUT_JOBS = 5000;

interface LatenessRow {
  setup: string;
  jobs: number;
  p50: number;
  p99: number;
  max: number;
}

interface ThroughputRow {
  setup: string;
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
  bareUpdatesPerSecond: number;
}

async function freshDatabase(dialect: DialectName): Promise<{ database: Database; url: string; dispose(): Promise<void> }> {
  const t = await createTestDatabaseUrl(dialect);
  const database = await openDatabase(t.url);
  await migrateToLatest(database.db, database.dialect);
  return {
    database,
    url: t.url,
    async dispose() {
      await database.close();
      await t.dispose();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function summarize(setup: string, samples: number[]): LatenessRow {
  const sorted = [...samples].sort((a, b) => a - b);
  return { setup, jobs: samples.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function idle(engine: Engine): Promise<void> {
  await waitUntil(() => (engine.sleepingUntil ?? 0) > Date.now() + 30_000, 10_000, 'the engine to go idle');
}

/** Jobs scheduled at spaced future times on an idle node: start time minus run_at. */
async function scheduledLateness(dialect: DialectName, label: string): Promise<LatenessRow> {
  const t = await freshDatabase(dialect);
  const late: number[] = [];
  const engine = new Engine({
    database: t.database,
    clock: systemClock,
    handlers: { tick: async () => undefined },
    onJobFinished: (i: JobFinishedInfo) => void (i.kind === 'tick' && late.push(i.lateMs)),
  });
  try {
    await engine.start();
    await idle(engine);
    const uow = createUnitOfWork(t.database, systemClock, { onJobsCommitted: (at) => engine.wake(at) });
    const first = systemClock.now() + 300;
    await uow.run(async (r) => {
      for (let i = 0; i < LATENESS_JOBS; i++) await adHocJobs(r).enqueue({ kind: 'tick', runAt: first + i * LATENESS_SPACING_MS });
    });
    await waitUntil(() => late.length === LATENESS_JOBS, 30_000, 'scheduled jobs');
    return summarize(label, late);
  } finally {
    await engine.stop();
    await t.dispose();
  }
}

/**
 * Jobs due now, enqueued one at a time on an idle node (the paging path): start time minus commit.
 * `viaNotify`: the engine has its own connection and hears of the work only through NOTIFY.
 */
async function immediateLatency(dialect: DialectName, label: string, viaNotify: boolean): Promise<LatenessRow> {
  const t = await freshDatabase(dialect);
  const engineDb = viaNotify ? await openDatabase(t.url) : t.database;
  const samples: number[] = [];
  let committedAt = 0;
  let started = 0;
  const engine = new Engine({
    database: engineDb,
    clock: systemClock,
    handlers: {
      page: async () => {
        samples.push(performance.now() - committedAt);
        started++;
      },
    },
  });
  try {
    await engine.start();
    await idle(engine);
    const uow = createUnitOfWork(t.database, systemClock, viaNotify ? {} : { onJobsCommitted: (at) => engine.wake(at) });
    for (let i = 0; i < IMMEDIATE_JOBS; i++) {
      // The sample covers NOTIFY delivery or the in-process wake-up, the claim and the hand-off to the handler.
      await uow.run(async (r) => {
        await adHocJobs(r).enqueue({ kind: 'page' });
      });
      committedAt = performance.now();
      await waitUntil(() => started === i + 1, 10_000, 'an immediate job');
      await idle(engine);
    }
    return summarize(label, samples);
  } finally {
    await engine.stop();
    if (engineDb !== t.database) await engineDb.close();
    await t.dispose();
  }
}

/** Single-row UPDATEs by primary key, one after another: the cheapest write a queue could make per job. */
async function bareUpdatesPerSecond(database: Database): Promise<number> {
  const now = systemClock.now();
  await database.db
    .insertInto('jobs')
    .values({
      id: 'bench-bare',
      kind: 'bare',
      payload: '{}',
      status: 'succeeded',
      run_at: now,
      attempts: 0,
      max_attempts: 1,
      dedupe_key: null,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      finished_at: now,
    })
    .execute();
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++)
    await database.db
      .updateTable('jobs')
      .set({ updated_at: now + i })
      .where('id', '=', 'bench-bare')
      .execute();
  const seconds = (performance.now() - t0) / 1000;
  await database.db.deleteFrom('jobs').where('id', '=', 'bench-bare').execute();
  return n / seconds;
}

/** THROUGHPUT_JOBS no-op jobs, all due, drained by `nodes` engines (one connection each). */
async function throughput(dialect: DialectName, nodes: number, label: string): Promise<ThroughputRow> {
  const t = await freshDatabase(dialect);
  const extra: Database[] = [];
  const engines: Engine[] = [];
  try {
    const bare = await bareUpdatesPerSecond(t.database);
    const uow = createUnitOfWork(t.database, systemClock);
    for (let b = 0; b < THROUGHPUT_JOBS / 500; b++) {
      await uow.run(async (r) => {
        for (let i = 0; i < 500; i++) await adHocJobs(r).enqueue({ kind: 'noop' });
      });
    }
    let done = 0;
    for (let i = 0; i < nodes; i++) {
      const database = i === 0 ? t.database : await openDatabase(t.url);
      if (i > 0) extra.push(database);
      engines.push(
        new Engine({
          database,
          clock: systemClock,
          handlers: { noop: async () => undefined },
          onJobFinished: (info) => void (info.kind === 'noop' && done++),
        }),
      );
    }
    const t0 = performance.now();
    await Promise.all(engines.map((e) => e.start()));
    await waitUntil(() => done >= THROUGHPUT_JOBS, 60_000, 'the throughput run');
    const seconds = (performance.now() - t0) / 1000;
    return { setup: label, jobs: THROUGHPUT_JOBS, seconds, jobsPerSecond: THROUGHPUT_JOBS / seconds, bareUpdatesPerSecond: bare };
  } finally {
    for (const e of engines) await e.stop();
    for (const d of extra) await d.close();
    await t.dispose();
  }
}

export async function runEngineBench(): Promise<string> {
  const loadBefore = loadavg()[0]!;
  const pg = await postgresAvailable();
  const lateness: LatenessRow[] = [];
  const rates: ThroughputRow[] = [];
  const dialects: Array<[DialectName, string]> = [['sqlite', 'SQLite']];
  if (pg) dialects.push(['postgres', 'PostgreSQL']);

  for (const [dialect, name] of dialects) {
    lateness.push(await scheduledLateness(dialect, `${name}: ${LATENESS_JOBS} jobs scheduled ${LATENESS_SPACING_MS} ms apart (start − run_at)`));
    lateness.push(await immediateLatency(dialect, `${name}: job due now, in-process wake-up (start − commit)`, false));
    if (dialect === 'postgres') lateness.push(await immediateLatency(dialect, `${name}: job due now, NOTIFY from another connection (start − commit)`, true));
  }
  for (const [dialect, name] of dialects) {
    rates.push(await throughput(dialect, 1, `${name}, 1 node`));
    if (dialect === 'postgres') rates.push(await throughput(dialect, 3, `${name}, 3 nodes`));
  }

  const ms = (v: number) => v.toFixed(1);
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const lines = [
    '# Job engine benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- Node ${process.version}; SQLite via better-sqlite3 (WAL, file in tmp); PostgreSQL ${pg ? `at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')}` : 'not reachable: skipped'}`,
    `- Load average (1 min) before / after the run: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} (other work on the machine skews the tails)`,
    '- Command: `node --import tsx bench/engine.ts`',
    '',
    '## Start lateness on an idle node (ms)',
    '',
    '| Setup | Jobs | p50 | p99 | max |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...lateness.map((r) => `| ${r.setup} | ${r.jobs} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} |`),
    '',
    'Scheduled jobs: start − run_at as the engine sees it (epoch ms; whole milliseconds). Due-now jobs: from the',
    "enqueuing transaction's commit returning to the handler starting (performance.now()).",
    '',
    `## Throughput: ${THROUGHPUT_JOBS} no-op jobs, all due, concurrency 16 per node`,
    '',
    '| Setup | Jobs | Seconds | Jobs/s | Bare UPDATEs/s | Ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rates.map(
      (r) =>
        `| ${r.setup} | ${r.jobs} | ${r.seconds.toFixed(2)} | ${Math.round(r.jobsPerSecond)} | ${Math.round(r.bareUpdatesPerSecond)} | ${(r.jobsPerSecond / r.bareUpdatesPerSecond).toFixed(2)} |`,
    ),
    '',
    'Ratio: engine jobs/s ÷ sequential single-row UPDATEs/s on the same database in the same run. Each job costs a share',
    'of a batched claim (UPDATE … RETURNING, up to 16 rows) plus one fenced completion UPDATE.',
    '',
  ];
  return lines.join('\n');
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const started = Date.now();
  const report = await runEngineBench();
  const out = fileURLToPath(new URL('./results/engine.md', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report);
  process.stdout.write(`${report}\n(wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

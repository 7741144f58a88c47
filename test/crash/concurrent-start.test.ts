/**
 * Starting several processes at once on an empty PostgreSQL database: every one of them starts.
 *
 * Three `vigil server` processes (test/crash/server.ts, configured by the environment, with a bootstrap token)
 * are loaded, held at the start gate, then released at the same instant on a fresh database. They race to
 * apply the migrations (Kysely's Migrator serialises them with a PostgreSQL advisory lock) and to create the
 * bootstrap user and token and the first admin (serialised by an advisory transaction lock). Ten runs, each
 * on a new database:
 *   - all three answer /healthz and /readyz with 200;
 *   - there is exactly one first admin, one automation user and one bootstrap token;
 *   - exactly one process printed the first admin's password.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { BOOTSTRAP_TOKEN_ID, BOOTSTRAP_USER_EMAIL } from '../../src/core/auth/auth.js';
import { createPostgresUrl, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { freePort } from '../realclient/alertmanager-process.js';
import { statusOf, VigilProcess } from './vigil-process.js';

const pgUp = await postgresAvailable();
const TOKEN = 'vgl_concurrent_start_token_0123456789';
const PROCESSES = 3;
const RUNS = 10;
/** Generous: a slow, shared machine must not fail the test (timings are not what it checks). */
const STEP_TIMEOUT_MS = 180_000;

describe.skipIf(!pgUp)('several processes starting together on an empty PostgreSQL database', () => {
  // Every process started, so none outlives the test, even one that timed out.
  const all: VigilProcess[] = [];
  afterAll(async () => {
    await Promise.all(all.map((p) => p.kill()));
  });

  it(`starts all ${PROCESSES} processes, ${RUNS} runs on fresh databases`, async () => {
    for (let run = 1; run <= RUNS; run++) {
      const db: TestDatabase = await createPostgresUrl();
      const procs: VigilProcess[] = [];
      try {
        for (let i = 0; i < PROCESSES; i++) procs.push(new VigilProcess({ databaseUrl: db.url, port: await freePort(), bootstrapToken: TOKEN }));
        all.push(...procs);
        // Load all three (the slow part: module loading), then release them together.
        await Promise.all(procs.map((p) => p.load(STEP_TIMEOUT_MS)));
        const released = Date.now();
        for (const p of procs) p.release();
        const started = await Promise.allSettled(procs.map((p) => p.ready(STEP_TIMEOUT_MS)));
        process.stdout.write(`[concurrent-start] run ${run}: ${started.filter((x) => x.status === 'fulfilled').length} of ${PROCESSES} ready ${Date.now() - released} ms after release\n`);
        const output = () => procs.map((p, i) => `--- process ${i + 1}\n${p.output()}`).join('\n');
        const failures = started.flatMap((s, i) => (s.status === 'rejected' ? [`process ${i + 1}: ${String(s.reason).split('\n')[0]}`] : []));
        expect(failures, `run ${run}: every process starts\n${output()}`).toEqual([]);

        for (const p of procs) {
          expect(await statusOf(`${p.baseUrl}/healthz`), `run ${run} ${p.baseUrl}/healthz`).toBe(200);
          expect(await statusOf(`${p.baseUrl}/readyz`), `run ${run} ${p.baseUrl}/readyz`).toBe(200);
          expect(p.running, `run ${run}: still running`).toBe(true);
        }

        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const users = (await client.query<{ email: string; role: string }>('select email, role from users')).rows;
          const tokens = (await client.query<{ id: string }>('select id from api_tokens')).rows;
          expect(users.filter((u) => u.email !== BOOTSTRAP_USER_EMAIL && u.role === 'admin'), `run ${run}: one first admin`).toEqual([{ email: 'admin@localhost', role: 'admin' }]);
          expect(users.filter((u) => u.email === BOOTSTRAP_USER_EMAIL), `run ${run}: one automation user`).toHaveLength(1);
          expect(tokens, `run ${run}: one bootstrap token`).toEqual([{ id: BOOTSTRAP_TOKEN_ID }]);
        } finally {
          await client.end();
        }
        const printed = procs.filter((p) => p.output().includes('First start: sign in')).length;
        expect(printed, `run ${run}: one process prints the first admin's password`).toBe(1);
      } finally {
        await Promise.all(procs.map((p) => p.stop()));
        await db.dispose();
      }
    }
  }, 1_800_000);
});

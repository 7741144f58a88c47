/**
 * Databases for tests: a fresh SQLite file, and a fresh PostgreSQL database when a server is
 * reachable (VIGIL_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * With VIGIL_TEST_REQUIRE_PG=1 (set by .ci/run) an unreachable server fails the run instead of
 * skipping it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrations/index.js';

export const PG_ADMIN_URL = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REQUIRE_PG = process.env.VIGIL_TEST_REQUIRE_PG === '1';

let pgAvailable: Promise<boolean> | undefined;

/** True when the test PostgreSQL server answers (checked once per test file). */
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (err) {
      if (REQUIRE_PG) throw new Error(`PostgreSQL is required (VIGIL_TEST_REQUIRE_PG=1) but unreachable at ${PG_ADMIN_URL}: ${(err as Error).message}`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgAvailable;
}

export interface TestDatabase {
  url: string;
  dispose(): Promise<void>;
}

export async function createSqliteUrl(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  return { url: `sqlite:${join(dir, 'vigil.db')}`, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

export async function createPostgresUrl(): Promise<TestDatabase> {
  const name = `vigil_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async dispose() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export type DialectName = 'sqlite' | 'postgres';

export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

/** A fresh, empty database URL of the given dialect. */
export function createTestDatabaseUrl(dialect: DialectName): Promise<TestDatabase> {
  return dialect === 'sqlite' ? createSqliteUrl() : createPostgresUrl();
}

/** A fresh migrated database of the given dialect, opened. */
export async function openTestDatabase(dialect: DialectName): Promise<{ database: Database; dispose(): Promise<void>; url: string }> {
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

/**
 * `describe` once per dialect: PostgreSQL blocks are skipped, with a notice, when no server answers.
 * Usage: `describeEachDialect('users repository', (dialect) => { ... })`.
 */
export async function skipPostgresReason(): Promise<string | undefined> {
  return (await postgresAvailable()) ? undefined : `PostgreSQL not reachable at ${PG_ADMIN_URL}: PostgreSQL run skipped`;
}

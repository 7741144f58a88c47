/**
 * Migrations, applied in order at start-up and by `vigil migrate`. Each one serves SQLite and
 * PostgreSQL; it is given the dialect for the few types that differ (epoch-millisecond columns).
 * Add a migration as a new file and a new entry below; never edit one that has shipped.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Dialect } from '../database.js';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_schedules.js';
import * as m0003 from './0003_notifications.js';
import * as m0004 from './0004_alerts.js';
import * as m0005 from './0005_incidents.js';
import * as m0006 from './0006_postmortems.js';
import * as m0007 from './0007_triage.js';
import * as m0008 from './0008_intake_queue.js';
import * as m0009 from './0009_delivery_fencing.js';
import * as m0011 from './0011_sign_in.js';
import * as m0012 from './0012_audit_log.js';
import * as m0014 from './0014_layer_overrides_imported_contacts.js';
import * as m0016 from './0016_first_week.js';

export interface MigrationContext {
  dialect: Dialect;
}

type MigrationModule = { up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> };

const MIGRATIONS: Array<[string, MigrationModule]> = [
  ['0001_foundation', m0001],
  ['0002_schedules', m0002],
  ['0003_notifications', m0003],
  ['0004_alerts', m0004],
  ['0005_incidents', m0005],
  ['0006_postmortems', m0006],
  ['0007_triage', m0007],
  ['0008_intake_queue', m0008],
  ['0009_delivery_fencing', m0009],
  ['0011_sign_in', m0011],
  ['0012_audit_log', m0012],
  ['0014_layer_overrides_imported_contacts', m0014],
  ['0016_first_week', m0016],
];

class StaticProvider implements MigrationProvider {
  constructor(private readonly ctx: MigrationContext) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, mod] of MIGRATIONS) out[name] = { up: (db) => mod.up(db, this.ctx) };
    return out;
  }
}

export function migrationNames(): string[] {
  return MIGRATIONS.map(([name]) => name);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema
export function createMigrator(db: Kysely<any>, dialect: Dialect): Migrator {
  return new Migrator({
    db,
    provider: new StaticProvider({ dialect }),
    migrationTableName: 'vigil_migrations',
    migrationLockTableName: 'vigil_migrations_lock',
  });
}

/**
 * Applies every pending migration; throws with the failing migration's error. Safe when several
 * processes run it at once: Kysely's Migrator (0.28) creates its own tables tolerating a concurrent
 * creator, then takes a session-level advisory lock on PostgreSQL (`pg_advisory_lock`, in
 * `PostgresAdapter.acquireMigrationLock`) and reads the applied migrations again under it, so one
 * process applies them (in one transaction) and the others find nothing left to do.
 * test/crash/concurrent-start.test.ts starts three processes at once on an empty database.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<MigrationResultSet> {
  const result = await createMigrator(db, dialect).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    err.message = `Migration ${failed?.migrationName ?? '?'} failed: ${err.message}`;
    throw err;
  }
  return result;
}

/** True when every known migration has been applied. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema
export async function migrationsApplied(db: Kysely<any>, dialect: Dialect): Promise<boolean> {
  const list = await createMigrator(db, dialect).getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}

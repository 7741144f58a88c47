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
import * as m0014 from './0014_layer_overrides_imported_contacts.js';

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
  ['0014_layer_overrides_imported_contacts', m0014],
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

/** Applies every pending migration; throws with the failing migration's error. */
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

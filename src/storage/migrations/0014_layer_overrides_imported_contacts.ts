import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Layer-scoped overrides (an override that replaces one layer's person, not the whole schedule) and
 * contact methods carried over by an import (verified at the source; their owner confirms them once).
 * Layer modes live in the schedules' layers JSON and need no column.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema.alterTable('schedule_overrides').addColumn('layer_id', 'text').execute();
  /** Where the contact method came from, e.g. "OpsGenie"; null when added in Vigil. */
  await db.schema.alterTable('contact_methods').addColumn('imported_from', 'text').execute();
  /** When its owner confirmed (or changed) what was imported; null while not yet confirmed. */
  await db.schema.alterTable('contact_methods').addColumn('confirmed_at', ms).execute();
}

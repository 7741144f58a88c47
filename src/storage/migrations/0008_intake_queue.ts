import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * The intake queue (events accepted by the intake endpoints, committed before the 2xx and applied
 * in order per lane), the per-service window that detects alert storms in constant time, (on
 * PostgreSQL) alert numbers from a sequence, and contact methods found by address (SMS replies).
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';
  const serial = ctx.dialect === 'postgres' ? 'bigserial' : 'integer';

  await db.schema
    .createTable('intake_queue')
    .addColumn('seq', serial, (c) => (ctx.dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    /** Entries of one lane are applied in order; lanes are applied in parallel on PostgreSQL */
    .addColumn('lane', 'integer', (c) => c.notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    /** JSON: what the intake endpoint accepted (normalized events or an OpsGenie action) */
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('received_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('intake_queue_lane').on('intake_queue').columns(['lane', 'seq']).execute();

  // An SMS reply is matched to its sender by number.
  await db.schema.createIndex('contact_methods_address').on('contact_methods').columns(['type', 'address']).execute();

  if (ctx.dialect === 'postgres') {
    // Alert numbers from a sequence: parallel intake lanes do not queue on one counter row.
    await sql`create sequence alert_numbers`.execute(db);
    await sql`select setval('alert_numbers', (select value from counters where name = 'alert') + 1, false)`.execute(db);
  }

  await db.schema
    .createTable('storm_windows')
    .addColumn('service_id', 'text', (c) => c.primaryKey().references('services.id').onDelete('cascade'))
    .addColumn('window_start', ms, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
}

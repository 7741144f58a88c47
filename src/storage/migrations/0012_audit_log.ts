import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * The audit log of configuration changes. Ownership needs no new column: schedules, services and
 * escalation policies already carry their team (`team_id`, not null), and integrations,
 * maintenance windows and heartbeats belong to a service, hence to its team.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    /** JSON documents of the object before and after the change (null when created / deleted) */
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_type', 'entity_id']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'at']).execute();
}

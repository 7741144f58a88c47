import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';
import { DEFAULT_SEVERITIES } from '../../core/incidents/severities.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('severities')
    .addColumn('key', 'text', (c) => c.primaryKey())
    /** 0 is the most severe */
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    /** JSON: definition, examples, targets, paging, cadence, communication and post-mortem policy */
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  for (const s of DEFAULT_SEVERITIES) {
    const { key, rank, name, ...policy } = s;
    await db.insertInto('severities' as never).values({ key, rank, name, policy: JSON.stringify(policy), updated_at: 0 } as never).execute();
  }

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'bigint', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('severity', 'text', (c) => c.notNull())
    /** triage | investigating | identified | monitoring | resolved | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    /** Private incidents (security reports) are visible to their members only */
    .addColumn('private', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('commander_id', 'text')
    .addColumn('comms_lead_id', 'text')
    .addColumn('declared_by', 'text')
    .addColumn('service_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('source_type', 'text', (c) => c.notNull().defaultTo('manual'))
    .addColumn('source_id', 'text')
    .addColumn('slack_channel_id', 'text')
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('detected_at', ms, (c) => c.notNull())
    .addColumn('acknowledged_at', ms)
    .addColumn('mitigated_at', ms)
    .addColumn('resolved_at', ms)
    .addColumn('last_update_at', ms, (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incidents_status').on('incidents').columns(['status', 'created_at']).execute();
  await db.insertInto('counters' as never).values({ name: 'incident', value: 0 } as never).execute();

  await db.schema
    .createTable('incident_members')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    /** commander | comms | responder | member | subscriber */
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('added_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_members_pk', ['incident_id', 'user_id', 'role'])
    .execute();
  await db.schema.createIndex('incident_members_user').on('incident_members').column('user_id').execute();

  await db.schema
    .createTable('service_subscriptions')
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('service_subscriptions_pk', ['service_id', 'user_id'])
    .execute();
}

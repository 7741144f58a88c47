import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('escalation_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    /** How many times the whole policy runs again after its last step (0: once). */
    .addColumn('repeat', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON: [{ delayMinutes, targets: [{ type: schedule|user|team|slack_channel, id }] }] */
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('escalation_policy_id', 'text', (c) => c.references('escalation_policies.id'))
    /** Slack channel id of the team's #alerts */
    .addColumn('alerts_channel', 'text')
    /** JSON: priority -> urgency */
    .addColumn('urgency_rule', 'text', (c) => c.notNull())
    /** Alerts within a minute above which people get one summary instead of a page each */
    .addColumn('storm_threshold', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    /** opsgenie | pagerduty | alertmanager | grafana | generic | sentry */
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    /** First characters of the key, to recognise it in lists */
    .addColumn('key_hint', 'text', (c) => c.notNull())
    /** Grafana/Sentry signing secret, when the vendor signs requests */
    .addColumn('signing_secret', 'text')
    /** JSON options (generic webhook field mapping) */
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('counters' as never).values({ name: 'alert', value: 0 } as never).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'bigint', (c) => c.notNull().unique())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('integration_id', 'text')
    .addColumn('alias', 'text', (c) => c.notNull())
    /** open | acknowledged | closed */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entity', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('links', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('first_at', ms, (c) => c.notNull())
    .addColumn('last_at', ms, (c) => c.notNull())
    .addColumn('acknowledged_at', ms)
    .addColumn('acknowledged_by', 'text')
    .addColumn('closed_at', ms)
    .addColumn('closed_by', 'text')
    .addColumn('snoozed_until', ms)
    .addColumn('owner_id', 'text')
    /** Part of a storm: covered by the service's summary page instead of its own escalation */
    .addColumn('storm', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('incident_id', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  // One open (or acknowledged) alert per alias and service: deduplication that holds under races.
  await sql`create unique index alerts_open_alias on alerts (service_id, alias) where status <> 'closed'`.execute(db);
  await db.schema.createIndex('alerts_status').on('alerts').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('alerts_service').on('alerts').columns(['service_id', 'created_at']).execute();

  /** OpsGenie's asynchronous request ids, answerable by GET /v2/alerts/requests/{id} */
  await db.schema
    .createTable('intake_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .addColumn('alias', 'text')
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('start_at', ms, (c) => c.notNull())
    .addColumn('end_at', ms, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('maintenance_service').on('maintenance_windows').columns(['service_id', 'end_at']).execute();

  await db.schema
    .createTable('heartbeats')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull().defaultTo('P3'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_ping_at', ms)
    /** waiting | ok | expired */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
}

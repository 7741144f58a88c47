import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Error triage (Sentry issues and the decisions on them) and the better-engineering backlog. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('triage_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'bigint', (c) => c.notNull().unique())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('integration_id', 'text')
    /** sentry */
    .addColumn('source', 'text', (c) => c.notNull())
    /** The issue id at the source */
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('short_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('culprit', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('level', 'text', (c) => c.notNull().defaultTo('error'))
    .addColumn('platform', 'text')
    .addColumn('project', 'text')
    .addColumn('environment', 'text')
    .addColumn('web_url', 'text')
    /** unresolved | resolved | ignored */
    .addColumn('sentry_status', 'text', (c) => c.notNull().defaultTo('unresolved'))
    .addColumn('sentry_assignee', 'text')
    /** open | decided | closed */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('regression', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('regressed_at', ms)
    .addColumn('events', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('users_affected', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('first_seen', ms, (c) => c.notNull())
    .addColumn('last_seen', ms, (c) => c.notNull())
    /** incident | bug | fixing | noise */
    .addColumn('decision', 'text')
    .addColumn('decision_detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', ms)
    .addColumn('assignee_id', 'text')
    .addColumn('incident_id', 'text')
    .addColumn('jira_key', 'text')
    .addColumn('jira_url', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('triage_items_source_uq', ['service_id', 'source', 'source_id'])
    .execute();
  await db.schema.createIndex('triage_items_state').on('triage_items').columns(['state', 'updated_at']).execute();
  await db.insertInto('counters' as never).values({ name: 'triage', value: 0 } as never).execute();

  await db.schema
    .createTable('triage_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('triage_items.id').onDelete('cascade'))
    .addColumn('decision', 'text', (c) => c.notNull())
    /** JSON: incident id, Jira key, noise action... */
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('triage_decisions_user_at').on('triage_decisions').columns(['user_id', 'at']).execute();

  await db.schema
    .createTable('backlog_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'bigint', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('team_id', 'text')
    /** 1 (highest) to 5 (lowest) */
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(3))
    /** todo | in_progress | done */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text')
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
    /** local | jira */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('jira_key', 'text', (c) => c.unique())
    .addColumn('jira_url', 'text')
    .addColumn('jira_status', 'text')
    .addColumn('jira_assignee', 'text')
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('picked_at', ms)
    .addColumn('done_by', 'text')
    .addColumn('done_at', ms)
    .addColumn('created_by', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('synced_at', ms)
    .execute();
  await db.schema.createIndex('backlog_tasks_status').on('backlog_tasks').columns(['status', 'priority', 'created_at']).execute();
  await db.schema.createIndex('backlog_tasks_done').on('backlog_tasks').columns(['done_by', 'done_at']).execute();
  await db.insertInto('counters' as never).values({ name: 'backlog', value: 0 } as never).execute();
}

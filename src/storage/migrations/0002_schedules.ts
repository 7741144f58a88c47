import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('reminder_minutes', 'integer', (c) => c.notNull().defaultTo(60))
    /** JSON list of rotation layers, lowest precedence first. */
    .addColumn('layers', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('schedules_team').on('schedules').column('team_id').execute();

  await db.schema
    .createTable('schedule_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text', (c) => c.notNull().references('schedules.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('replaces_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('start_at', ms, (c) => c.notNull())
    .addColumn('end_at', ms, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('swap_request_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('schedule_overrides_range').on('schedule_overrides').columns(['schedule_id', 'end_at', 'start_at']).execute();

  await db.schema
    .createTable('swap_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text', (c) => c.notNull().references('schedules.id').onDelete('cascade'))
    .addColumn('requester_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('start_at', ms, (c) => c.notNull())
    .addColumn('end_at', ms, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    /** open | accepted | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('taker_id', 'text', (c) => c.references('users.id'))
    .addColumn('override_id', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('resolved_at', ms)
    .execute();
  await db.schema.createIndex('swap_requests_schedule').on('swap_requests').columns(['schedule_id', 'status']).execute();

  await db.schema
    .createTable('calendar_feeds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    /** schedule | user */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('revoked_at', ms)
    .execute();

  /** Where each schedule's hand-off processing has got to (hand-offs fire exactly once). */
  await db.schema
    .createTable('schedule_handoff_cursors')
    .addColumn('schedule_id', 'text', (c) => c.primaryKey().references('schedules.id').onDelete('cascade'))
    .addColumn('processed_until', ms, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('teams').addColumn('jira_board_ids', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

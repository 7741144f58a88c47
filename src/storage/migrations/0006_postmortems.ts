import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('postmortems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().unique().references('incidents.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    /** draft | in_review | published */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('due_at', ms)
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('service_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    /** JSON: summary, impact, timeline, rootCause, contributingFactors, wentWell, wentBadly */
    .addColumn('sections', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('published_at', ms)
    .execute();
  if (ctx.dialect === 'postgres') {
    await sql`alter table postmortems add column search tsvector`.execute(db);
    await sql`create index postmortems_search on postmortems using gin (search)`.execute(db);
  } else {
    await sql`create virtual table postmortems_fts using fts5(postmortem_id unindexed, title, body, tokenize = 'porter unicode61')`.execute(db);
  }

  await db.schema
    .createTable('postmortem_revisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('postmortem_id', 'text', (c) => c.notNull().references('postmortems.id').onDelete('cascade'))
    .addColumn('author_id', 'text')
    .addColumn('sections', 'text', (c) => c.notNull())
    .addColumn('at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('postmortem_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('postmortem_id', 'text', (c) => c.notNull().references('postmortems.id').onDelete('cascade'))
    .addColumn('author_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('action_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('postmortem_id', 'text', (c) => c.notNull().references('postmortems.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('due_at', ms)
    /** open | done */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('jira_key', 'text')
    .addColumn('jira_url', 'text')
    .addColumn('jira_status', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('shift_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('shift_start', ms, (c) => c.notNull())
    .addColumn('shift_end', ms)
    /** draft | sent */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    /** JSON list of {text, done} the engineer hands over */
    .addColumn('handover', 'text', (c) => c.notNull().defaultTo('[]'))
    /** JSON snapshot of the filled report when sent */
    .addColumn('content', 'text')
    .addColumn('previous_report_id', 'text')
    .addColumn('sent_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shift_reports_shift').on('shift_reports').columns(['schedule_id', 'user_id', 'shift_start']).unique().execute();
  await db.schema.createIndex('shift_reports_user').on('shift_reports').columns(['user_id', 'shift_start']).execute();
}

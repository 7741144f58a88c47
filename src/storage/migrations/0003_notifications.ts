import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('contact_methods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** slack_dm | email | sms | voice | webhook */
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('verified_at', ms)
    .addColumn('verification_code_hash', 'text')
    .addColumn('verification_expires_at', ms)
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_methods_user').on('contact_methods').column('user_id').execute();

  await db.schema
    .createTable('notification_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** high | low */
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('contact_method_id', 'text', (c) => c.notNull().references('contact_methods.id').onDelete('cascade'))
    .addColumn('delay_minutes', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notification_rules_user').on('notification_rules').column('user_id').execute();

  /** Quiet hours and checklist progress per user. */
  await db.schema
    .createTable('notification_prefs')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('quiet_start', 'text')
    .addColumn('quiet_end', 'text')
    .addColumn('severity_levels_read_at', ms)
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  /** A page: a person must acknowledge something; their rules escalate until they do. */
  await db.schema
    .createTable('pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    /** active | acknowledged | cancelled | exhausted */
    .addColumn('status', 'text', (c) => c.notNull())
    /** JSON list of rule ids already fired */
    .addColumn('fired', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('acknowledged_at', ms)
    .addColumn('acknowledged_via', 'text')
    .execute();
  await db.schema.createIndex('pages_source').on('pages').columns(['source_type', 'source_id']).execute();
  await db.schema.createIndex('pages_user').on('pages').columns(['user_id', 'created_at']).execute();

  /** The delivery outbox: every outbound message, its attempts and outcome. */
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** channel type + address: messages in one lane share its rate limit and are bundled */
    .addColumn('lane', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('contact_method_id', 'text')
    .addColumn('page_id', 'text')
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    /** JSON: html, blocks, actions, data, threadKey */
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    /** pending | sent | failed | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('provider_message_id', 'text')
    /** Messages sent together in one bundled message share this id. */
    .addColumn('bundle_id', 'text')
    /** Replace this earlier message instead of posting a new one (Slack chat.update). */
    .addColumn('update_of', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('sent_at', ms)
    .execute();
  await db.schema.createIndex('deliveries_lane').on('deliveries').columns(['lane', 'status', 'created_at']).execute();
  await db.schema.createIndex('deliveries_entity').on('deliveries').columns(['entity_type', 'entity_id']).execute();
  await db.schema.createIndex('deliveries_page').on('deliveries').column('page_id').execute();

  /** Per-lane pacing: when the next message may go out (rate limits, Retry-After, backoff). */
  await db.schema
    .createTable('delivery_lanes')
    .addColumn('lane', 'text', (c) => c.primaryKey())
    .addColumn('next_at', ms, (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    /** When the lane's next flush job runs (null: none queued) */
    .addColumn('scheduled_at', ms)
    .execute();

  /** Sent messages that are kept up to date (an alert's message in the alerts channel). */
  await db.schema
    .createTable('message_refs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('schedules').addColumn('slack_user_group_id', 'text').execute();
  await db.schema.alterTable('schedules').addColumn('slack_handoff_channel', 'text').execute();

  /** Message templates overridden by admins (event type -> template). */
  await db.schema
    .createTable('message_templates')
    .addColumn('event_type', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
}

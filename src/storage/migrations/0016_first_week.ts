import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/** Invitations to join, links that verify a contact method, and the Notion pages Vigil keeps up to date. */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text')
    /** sha256 of the single-use token in the sign-up link */
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text')
    /** email | slack */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('slack_user_id', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addColumn('accepted_at', ms)
    .addColumn('user_id', 'text')
    .addColumn('revoked_at', ms)
    .execute();
  await db.schema.createIndex('invites_email').on('invites').columns(['email', 'created_at']).execute();

  await db.schema
    .createTable('contact_verification_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('contact_method_id', 'text', (c) => c.notNull().references('contact_methods.id').onDelete('cascade'))
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notion_pages')
    /** postmortem | shift_report */
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('database_id', 'text', (c) => c.notNull())
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('synced_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('notion_pages_pk', ['entity_type', 'entity_id'])
    .execute();
}

import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Sign-in throttling (failures per account and per client address, shared by every process) and
 * identity verifications: one-time codes for an email change, a password reset or a Slack link.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('sign_in_throttle')
    /** `account:<email>` or `address:<ip>` */
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    /** Wrong passwords since the last lockout (or since the failures were forgotten) */
    .addColumn('failures', 'integer', (c) => c.notNull())
    /** Lockouts so far; each one doubles the next */
    .addColumn('lockouts', 'integer', (c) => c.notNull())
    .addColumn('locked_until', ms)
    .addColumn('last_failure_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_throttle_last_failure').on('sign_in_throttle').columns(['last_failure_at']).execute();

  await db.schema
    .createTable('identity_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** email_change | password_reset | slack_link */
    .addColumn('purpose', 'text', (c) => c.notNull())
    /** What is being verified: the new email address, the Slack user id */
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addColumn('used_at', ms)
    .execute();
  await db.schema.createIndex('identity_verifications_user').on('identity_verifications').columns(['user_id', 'purpose']).execute();
}

import { sql, type Selectable } from 'kysely';
import type { SignInThrottleRepo, ThrottleEntry, ThrottleKind } from '../../core/auth/throttle.js';
import type { IdentityVerification, VerificationsRepo } from '../../core/users/verification.js';
import type { Executor } from '../database.js';
import type { IdentityVerificationsTable, SignInThrottleTable } from '../schema.js';

const toEntry = (r: Selectable<SignInThrottleTable>): ThrottleEntry => ({
  key: r.key,
  kind: r.kind as ThrottleKind,
  subject: r.subject,
  failures: Number(r.failures),
  lockouts: Number(r.lockouts),
  lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
  lastFailureAt: Number(r.last_failure_at),
});

export const signInThrottleRepo = (db: Executor): SignInThrottleRepo => ({
  async get(keys) {
    if (!keys.length) return [];
    return (await db.selectFrom('sign_in_throttle').selectAll().where('key', 'in', keys).execute()).map(toEntry);
  },
  async recordFailure(kind, subject, now, forgetBefore) {
    const key = `${kind}:${subject}`;
    // One statement, so concurrent failures (several processes) are all counted.
    const stale = sql<boolean>`sign_in_throttle.last_failure_at < ${forgetBefore}`;
    const row = await db
      .insertInto('sign_in_throttle')
      .values({ key, kind, subject, failures: 1, lockouts: 0, locked_until: null, last_failure_at: now })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql`case when ${stale} then 1 else sign_in_throttle.failures + 1 end`,
          lockouts: sql`case when ${stale} then 0 else sign_in_throttle.lockouts end`,
          last_failure_at: now,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEntry(row);
  },
  async lock(key, lockedUntil, lockouts) {
    await db.updateTable('sign_in_throttle').set({ locked_until: lockedUntil, lockouts, failures: 0 }).where('key', '=', key).execute();
  },
  async clear(key) {
    await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
  },
  async list(since, now) {
    const rows = await db
      .selectFrom('sign_in_throttle')
      .selectAll()
      .where((eb) => eb.or([eb('last_failure_at', '>=', since), eb('locked_until', '>', now)]))
      .orderBy('last_failure_at', 'desc')
      .limit(500)
      .execute();
    return rows.map(toEntry);
  },
});

const toVerification = (r: Selectable<IdentityVerificationsTable>): IdentityVerification => ({
  id: r.id,
  userId: r.user_id,
  purpose: r.purpose as IdentityVerification['purpose'],
  target: r.target,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  usedAt: r.used_at === null ? null : Number(r.used_at),
});

export const verificationsRepo = (db: Executor): VerificationsRepo => ({
  async insert(v, secretHash) {
    await db
      .insertInto('identity_verifications')
      .values({ id: v.id, user_id: v.userId, purpose: v.purpose, target: v.target, secret_hash: secretHash, created_at: v.createdAt, expires_at: v.expiresAt, used_at: v.usedAt })
      .execute();
  },
  async findByHash(secretHash) {
    const r = await db.selectFrom('identity_verifications').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
    return r && toVerification(r);
  },
  async listPending(userId, now) {
    const rows = await db.selectFrom('identity_verifications').selectAll().where('user_id', '=', userId).where('used_at', 'is', null).where('expires_at', '>', now).orderBy('created_at').execute();
    return rows.map(toVerification);
  },
  async markUsed(id, at) {
    await db.updateTable('identity_verifications').set({ used_at: at }).where('id', '=', id).execute();
  },
  async cancelPending(userId, purpose, at) {
    await db.updateTable('identity_verifications').set({ used_at: at }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
  },
});

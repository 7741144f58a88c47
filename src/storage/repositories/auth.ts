import type { Selectable } from 'kysely';
import type { ApiToken, Scope, SessionsRepo, TokensRepo } from '../../core/auth/auth.js';
import type { Executor } from '../database.js';
import type { ApiTokensTable } from '../schema.js';

const toToken = (r: Selectable<ApiTokensTable>): ApiToken => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  scopes: r.scopes.split(' ').filter(Boolean) as Scope[],
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export const tokensRepo = (db: Executor): TokensRepo => ({
  async insert(t, tokenHash) {
    await db
      .insertInto('api_tokens')
      .values({ id: t.id, user_id: t.userId, name: t.name, token_hash: tokenHash, scopes: t.scopes.join(' '), created_at: t.createdAt, last_used_at: t.lastUsedAt, expires_at: t.expiresAt, revoked_at: t.revokedAt })
      .execute();
  },
  async findByHash(tokenHash) {
    const r = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && toToken(r);
  },
  async findById(id) {
    const r = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toToken(r);
  },
  async listForUser(userId) {
    return (await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').execute()).map(toToken);
  },
  async listAll() {
    return (await db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute()).map(toToken);
  },
  async revoke(id, at) {
    await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
  },
  async setHash(id, tokenHash) {
    await db.updateTable('api_tokens').set({ token_hash: tokenHash, revoked_at: null }).where('id', '=', id).execute();
  },
  async touch(id, at) {
    await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  },
});

export const sessionsRepo = (db: Executor): SessionsRepo => ({
  async insert(s, tokenHash) {
    await db
      .insertInto('sessions')
      .values({ id: s.id, token_hash: tokenHash, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt, last_seen_at: s.lastSeenAt })
      .execute();
  },
  async findByHash(tokenHash) {
    const r = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && { id: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at };
  },
  async touch(id, at, expiresAt) {
    await db.updateTable('sessions').set({ last_seen_at: at, expires_at: expiresAt }).where('id', '=', id).execute();
  },
  async delete(id) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
  },
  async deleteForUser(userId) {
    await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  },
});

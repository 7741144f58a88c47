import type { Selectable } from 'kysely';
import type { Invite, OnboardingRepo } from '../../core/users/invites.js';
import type { Role } from '../../core/users/users.js';
import type { Executor } from '../database.js';
import type { InvitesTable } from '../schema.js';

const toInvite = (r: Selectable<InvitesTable>): Invite => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  teamId: r.team_id,
  invitedBy: r.invited_by,
  source: r.source as Invite['source'],
  slackUserId: r.slack_user_id,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  acceptedAt: r.accepted_at === null ? null : Number(r.accepted_at),
  userId: r.user_id,
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

const row = (i: Invite) => ({
  id: i.id,
  email: i.email,
  name: i.name,
  role: i.role,
  team_id: i.teamId,
  invited_by: i.invitedBy,
  source: i.source,
  slack_user_id: i.slackUserId,
  created_at: i.createdAt,
  expires_at: i.expiresAt,
  accepted_at: i.acceptedAt,
  user_id: i.userId,
  revoked_at: i.revokedAt,
});

export const onboardingRepo = (db: Executor): OnboardingRepo => ({
  async insertInvite(i, tokenHash) {
    await db.insertInto('invites').values({ ...row(i), token_hash: tokenHash }).execute();
  },
  async updateInvite(i) {
    const { id, ...rest } = row(i);
    await db.updateTable('invites').set(rest).where('id', '=', id).execute();
  },
  async findInvite(id) {
    const r = await db.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toInvite(r);
  },
  async findInviteByTokenHash(tokenHash) {
    const r = await db.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && toInvite(r);
  },
  async listInvites(o = {}) {
    let q = db.selectFrom('invites').selectAll().orderBy('created_at', 'desc').limit(Math.min(o.limit ?? 200, 1000));
    if (o.teamId) q = q.where('team_id', '=', o.teamId);
    return (await q.execute()).map(toInvite);
  },
  async setVerificationLink(contactMethodId, tokenHash, expiresAt) {
    await db.deleteFrom('contact_verification_links').where('contact_method_id', '=', contactMethodId).execute();
    await db.insertInto('contact_verification_links').values({ token_hash: tokenHash, contact_method_id: contactMethodId, expires_at: expiresAt }).execute();
  },
  async findVerificationLink(tokenHash) {
    const r = await db.selectFrom('contact_verification_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && { contactMethodId: r.contact_method_id, expiresAt: Number(r.expires_at) };
  },
  async deleteVerificationLinks(contactMethodId) {
    await db.deleteFrom('contact_verification_links').where('contact_method_id', '=', contactMethodId).execute();
  },
});

/**
 * Invitations: an admin, or the lead of a team, invites people by email (or everyone in a Slack
 * channel). The invitee gets a sign-up link with a single-use token that expires; following it they
 * set their name and password, become a user and join the team.
 */
import { randomBytes } from 'node:crypto';
import { hashSecret, type Principal } from '../auth/auth.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Repos } from '../shared/ports.js';
import { normalizeEmail, requireText } from '../shared/validate.js';
import { queueMessage } from '../notifications/outbox.js';
import { findTeam, type Team } from '../teams/teams.js';
import { ROLES, buildUser, insertUser, type Role, type User } from './users.js';

/** A sign-up link is valid for 7 days. */
export const INVITE_TTL_MS = 7 * 86_400_000;

export type InviteStatus = 'pending' | 'accepted' | 'expired' | 'revoked';

export interface Invite {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  invitedBy: string | null;
  source: 'email' | 'slack';
  slackUserId: string | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  userId: string | null;
  revokedAt: number | null;
}

export interface OnboardingRepo {
  insertInvite(invite: Invite, tokenHash: string): Promise<void>;
  updateInvite(invite: Invite): Promise<void>;
  findInvite(id: string): Promise<Invite | undefined>;
  findInviteByTokenHash(tokenHash: string): Promise<Invite | undefined>;
  listInvites(options?: { teamId?: string; limit?: number }): Promise<Invite[]>;
  /** Links that verify a contact method (the code's alternative). */
  setVerificationLink(contactMethodId: string, tokenHash: string, expiresAt: number): Promise<void>;
  findVerificationLink(tokenHash: string): Promise<{ contactMethodId: string; expiresAt: number } | undefined>;
  deleteVerificationLinks(contactMethodId: string): Promise<void>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    /** Invites and contact-verification links. */
    onboarding: OnboardingRepo;
  }
}

export function inviteStatus(i: Invite, now: number): InviteStatus {
  if (i.acceptedAt !== null) return 'accepted';
  if (i.revokedAt !== null) return 'revoked';
  return i.expiresAt <= now ? 'expired' : 'pending';
}

export const newToken = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

/** Admins invite to any team; a team's lead invites responders and stakeholders to their team. */
async function assertMayInvite(r: Repos, p: Principal, team: Team | undefined, role: Role): Promise<void> {
  if (p.user.role === 'admin' && p.scopes.includes('admin')) return;
  if (!team || team.leadUserId !== p.user.id || !p.scopes.includes('write')) throw forbidden('Only admins, or the lead of the team, may invite people.');
  if (role === 'admin') throw forbidden('Only admins may invite admins.');
  void r;
}

/** Whether this person may invite people with this role to this team (checked before any other work). */
export async function assertMayInviteTo(r: Repos, p: Principal, teamId: string | null | undefined, role: Role = 'responder'): Promise<void> {
  await assertMayInvite(r, p, teamId ? await r.teams.findById(teamId) : undefined, role);
}

export interface InviteInput {
  email: string;
  name?: string;
  role?: string;
  teamId?: string | null;
  source?: 'email' | 'slack';
  slackUserId?: string | null;
}

export interface InviteContext {
  now: number;
  publicUrl: string;
}

/**
 * Creates an invite and queues its email (in the transaction). A pending invite for the same
 * address is replaced: its link stops working and the new one is sent.
 */
export async function invite(r: Repos, ctx: InviteContext, p: Principal, input: InviteInput): Promise<{ invite: Invite; url: string }> {
  const email = normalizeEmail(input.email);
  const role = (input.role ?? 'responder') as Role;
  if (!(ROLES as readonly string[]).includes(role)) throw invalid('invalid_role', `role must be one of ${ROLES.join(', ')}.`, { field: 'role' });
  const team = input.teamId ? await findTeam(r, input.teamId) : undefined;
  if (input.teamId && !team) throw invalid('unknown_team', `teamId: no team "${input.teamId}".`, { field: 'teamId' });
  await assertMayInvite(r, p, team, role);
  if (await r.users.findByEmail(email)) throw conflict('email_taken', `${email} already has an account${team ? `; add them to ${team.name} instead` : ''}.`, { field: 'email' });
  for (const old of await r.onboarding.listInvites({ limit: 1000 })) {
    if (old.email === email && inviteStatus(old, ctx.now) === 'pending') {
      await r.onboarding.updateInvite({ ...old, revokedAt: ctx.now });
    }
  }
  const token = newToken('vgi_');
  const i: Invite = {
    id: newId(ctx.now),
    email,
    name: input.name?.trim().slice(0, 200) ?? '',
    role,
    teamId: team?.id ?? null,
    invitedBy: p.user.id,
    source: input.source ?? 'email',
    slackUserId: input.slackUserId ?? null,
    createdAt: ctx.now,
    expiresAt: ctx.now + INVITE_TTL_MS,
    acceptedAt: null,
    userId: null,
    revokedAt: null,
  };
  await r.onboarding.insertInvite(i, hashSecret(token));
  const url = `${ctx.publicUrl}/invite/${token}`;
  const days = Math.round(INVITE_TTL_MS / 86_400_000);
  await queueMessage(r, ctx.now, {
    channel: 'email',
    address: email,
    subject: `${p.user.name} invites you to Vigil${team ? ` (${team.name})` : ''}`,
    body: [
      `${p.user.name} invites you to join ${team ? `the ${team.name} team on ` : ''}Vigil, where on-call schedules, alerts and incidents live.`,
      '',
      `Set your name and password here (the link works once, for ${days} days):`,
      url,
    ].join('\n'),
    entityType: 'invite',
    entityId: i.id,
  });
  await r.events.append({ entityType: 'invite', entityId: i.id, type: 'invite.sent', actor: { type: 'user', id: p.user.id }, data: { email, role, teamId: i.teamId, source: i.source } });
  if (team) await r.events.append({ entityType: 'team', entityId: team.id, type: 'team.invited', actor: { type: 'user', id: p.user.id }, data: { inviteId: i.id, email } });
  return { invite: i, url };
}

export async function revokeInvite(r: Repos, ctx: InviteContext, p: Principal, id: string): Promise<Invite> {
  const i = await r.onboarding.findInvite(id);
  if (!i) throw notFound('invite', id);
  await assertMayInvite(r, p, i.teamId ? await r.teams.findById(i.teamId) : undefined, i.role);
  if (inviteStatus(i, ctx.now) !== 'pending') throw conflict('invite_not_pending', `This invite is ${inviteStatus(i, ctx.now)}.`);
  const next = { ...i, revokedAt: ctx.now };
  await r.onboarding.updateInvite(next);
  await r.events.append({ entityType: 'invite', entityId: i.id, type: 'invite.revoked', actor: { type: 'user', id: p.user.id }, data: {} });
  return next;
}

export async function listInvites(r: Repos, p: Principal, teamId?: string): Promise<Invite[]> {
  if (!(p.user.role === 'admin' && p.scopes.includes('admin'))) {
    const team = teamId ? await findTeam(r, teamId) : undefined;
    if (!team || team.leadUserId !== p.user.id) throw forbidden('Only admins, or the lead of the team, see its invites.');
    return r.onboarding.listInvites({ teamId: team.id });
  }
  const team = teamId ? await findTeam(r, teamId) : undefined;
  return r.onboarding.listInvites(team ? { teamId: team.id } : {});
}

/** What the sign-up page shows before the invitee chooses a password. */
export async function lookupInvite(r: Repos, token: string, now: number): Promise<{ invite: Invite; team: Team | undefined }> {
  const i = await r.onboarding.findInviteByTokenHash(hashSecret(token));
  if (!i) throw notFound('invite', 'this link');
  const status = inviteStatus(i, now);
  if (status !== 'pending') throw invalid(`invite_${status}`, status === 'accepted' ? 'This invite was used already; sign in instead.' : status === 'expired' ? 'This invite has expired; ask for a new one.' : 'This invite was withdrawn; ask for a new one.');
  return { invite: i, team: i.teamId ? await r.teams.findById(i.teamId) : undefined };
}

/**
 * The invitee accepts: a user with their name and password (hashed by the caller), in the team, the
 * invite spent. Runs in one transaction, so a token works exactly once.
 */
export async function acceptInvite(r: Repos, token: string, input: { name: string; timeZone?: string }, passwordHash: string, now: number): Promise<User> {
  const { invite: i, team } = await lookupInvite(r, token, now);
  const user = buildUser({ name: requireText(input.name, 'name'), email: i.email, role: i.role, ...(input.timeZone ? { timeZone: input.timeZone } : {}), ...(i.slackUserId ? { slackUserId: i.slackUserId } : {}) }, now);
  if (i.slackUserId && (await r.users.findBySlackId(i.slackUserId))) user.slackUserId = null;
  await insertUser(r, { type: 'user', id: user.id }, user, passwordHash);
  await r.onboarding.updateInvite({ ...i, acceptedAt: now, userId: user.id });
  if (team) {
    const fresh = await r.teams.findById(team.id);
    if (fresh && !fresh.memberIds.includes(user.id)) {
      await r.teams.setMembers(fresh.id, [...fresh.memberIds, user.id], now);
      await r.events.append({ entityType: 'team', entityId: fresh.id, type: 'team.member_joined', actor: { type: 'user', id: user.id }, data: { userId: user.id, inviteId: i.id } });
    }
  }
  await r.events.append({ entityType: 'invite', entityId: i.id, type: 'invite.accepted', actor: { type: 'user', id: user.id }, data: { userId: user.id } });
  return user;
}

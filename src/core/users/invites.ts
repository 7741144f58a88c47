/**
 * Invitations: an admin, or the lead of a team, invites people by email (or everyone in a Slack
 * channel). The invitee gets a sign-up link with a single-use token that expires; following it they
 * set their name and password, become a user and join the team.
 */
import { randomBytes } from 'node:crypto';
import { hashSecret, type Principal } from '../auth/auth.js';
import { requirePrincipal } from '../auth/permissions.js';
import { conflict, DomainError, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { CoreDeps, Repos } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { normalizeEmail, requireText } from '../shared/validate.js';
import { queueMessage } from '../notifications/outbox.js';
import { ChannelError, type SlackDirectory } from '../notifications/channels.js';
import { findTeam, type Team } from '../teams/teams.js';
import { assertPassword, ROLES, buildUser, insertUser, type Role, type User } from './users.js';

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


export interface InviteInput {
  email: string;
  name?: string;
  role?: string;
  teamId?: string | null;
  source?: 'email' | 'slack';
  slackUserId?: string | null;
}

/**
 * Creates an invite and queues its email, in one transaction. A pending invite for the same
 * address is replaced: its link stops working and the new one is sent.
 */
export async function invite(deps: CoreDeps, ctx: Ctx, input: InviteInput): Promise<{ invite: Invite; url: string }> {
  const p = requirePrincipal(ctx);
  return deps.uow.run((r) => createInvite(r, ctx, p, input));
}

async function createInvite(r: Repos, ctx: Ctx, p: Principal, input: InviteInput): Promise<{ invite: Invite; url: string }> {
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

export async function revokeInvite(deps: CoreDeps, ctx: Ctx, input: { id: string }): Promise<Invite> {
  const p = requirePrincipal(ctx);
  return deps.uow.run(async (r) => {
    const i = await r.onboarding.findInvite(input.id);
    if (!i) throw notFound('invite', input.id);
    await assertMayInvite(r, p, i.teamId ? await r.teams.findById(i.teamId) : undefined, i.role);
    if (inviteStatus(i, ctx.now) !== 'pending') throw conflict('invite_not_pending', `This invite is ${inviteStatus(i, ctx.now)}.`);
    const next = { ...i, revokedAt: ctx.now };
    await r.onboarding.updateInvite(next);
    await r.events.append({ entityType: 'invite', entityId: i.id, type: 'invite.revoked', actor: { type: 'user', id: p.user.id }, data: {} });
    return next;
  });
}

export async function listInvites(deps: CoreDeps, ctx: Ctx, input: { teamId?: string }): Promise<Invite[]> {
  const p = requirePrincipal(ctx);
  const teamId = input.teamId;
  return deps.uow.run(async (r) => {
    if (!(p.user.role === 'admin' && p.scopes.includes('admin'))) {
      const team = teamId ? await findTeam(r, teamId) : undefined;
      if (!team || team.leadUserId !== p.user.id) throw forbidden('Only admins, or the lead of the team, see its invites.');
      return r.onboarding.listInvites({ teamId: team.id });
    }
    const team = teamId ? await findTeam(r, teamId) : undefined;
    return r.onboarding.listInvites(team ? { teamId: team.id } : {});
  });
}

/** What the sign-up page shows before the invitee chooses a password (the token is the proof). */
export async function lookupInvite(deps: CoreDeps, ctx: Ctx, input: { token: string }): Promise<{ invite: Invite; team: Team | undefined }> {
  return deps.uow.run((r) => findPendingInvite(r, input.token, ctx.now));
}

async function findPendingInvite(r: Repos, token: string, now: number): Promise<{ invite: Invite; team: Team | undefined }> {
  const i = await r.onboarding.findInviteByTokenHash(hashSecret(token));
  if (!i) throw notFound('invite', 'this link');
  const status = inviteStatus(i, now);
  if (status !== 'pending') throw invalid(`invite_${status}`, status === 'accepted' ? 'This invite was used already; sign in instead.' : status === 'expired' ? 'This invite has expired; ask for a new one.' : 'This invite was withdrawn; ask for a new one.');
  return { invite: i, team: i.teamId ? await r.teams.findById(i.teamId) : undefined };
}

/**
 * The invitee accepts: a user with their name and password, in the team, the invite spent. Runs in
 * one transaction, so a token works exactly once.
 */
export async function acceptInvite(deps: CoreDeps, ctx: Ctx, input: { token: string; name: string; password: string; timeZone?: string }): Promise<User> {
  assertPassword(input.password);
  const passwordHash = await deps.passwords.hash(input.password);
  return deps.uow.run((r) => spendInvite(r, input.token, input, passwordHash, ctx.now));
}

async function spendInvite(r: Repos, token: string, input: { name: string; timeZone?: string }, passwordHash: string, now: number): Promise<User> {
  const { invite: i, team } = await findPendingInvite(r, token, now);
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

// ---------------------------------------------------------------------------------------------
// Invites from a Slack channel

/** The Slack workspace, as inviting a channel's members needs it. */
export type InviteDirectory = SlackDirectory & { botUserId?: string };

/** The ports the Slack-channel invite may call out to, beside the core's. */
export interface InviteDeps extends CoreDeps {
  /** The Slack workspace, when Slack is configured. */
  slack?: InviteDirectory;
}

/** Slack is off on this Vigil: a state of the installation the caller can act on (type the id), so a conflict. */
export function slackNotConfigured(): DomainError {
  return new DomainError('conflict', 'slack_not_configured', 'Slack is not configured (VIGIL_SLACK_BOT_TOKEN); enter the id instead.');
}

/** A call to the Slack directory, its failures as domain errors. */
export async function slackDirectoryCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChannelError) {
      if (err.code === 'channel_not_found') throw new DomainError('invalid', 'slack_channel_not_found', 'Slack does not know this channel, or Vigil is not in it (invite the app to the channel first).', { field: 'channelId' });
      if (err.code === 'missing_scope') throw new DomainError('unavailable', 'slack_missing_scope', `The Slack app lacks a scope: ${err.message}. Add it in the app's OAuth settings and reinstall.`);
      throw new DomainError(err.retryable ? 'unavailable' : 'invalid', 'slack_error', err.message);
    }
    throw err;
  }
}

export interface SlackInviteResult {
  invited: Invite[];
  skipped: Array<{ slackUserId: string; name?: string; reason: string }>;
}

/**
 * Invites the members of a Slack channel (one invite, and one transaction, each); bots,
 * deactivated accounts, members without a visible email and people who have an account are skipped.
 */
export async function inviteSlackChannel(deps: InviteDeps, ctx: Ctx, input: { channelId: string; role?: Role; teamId?: string | null }): Promise<SlackInviteResult> {
  const p = requirePrincipal(ctx);
  await deps.uow.run(async (r) => assertMayInvite(r, p, input.teamId ? await r.teams.findById(input.teamId) : undefined, input.role ?? 'responder'));
  const slack = deps.slack;
  if (!slack) throw slackNotConfigured();
  const members: string[] = [];
  let cursor = '';
  for (let i = 0; i < 50; i++) {
    const page = await slackDirectoryCall(() => slack.channelMembers(input.channelId, { limit: 200, ...(cursor ? { cursor } : {}) }));
    members.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  const result: SlackInviteResult = { invited: [], skipped: [] };
  for (const id of [...new Set(members)]) {
    if (id === slack.botUserId) continue;
    const u = await slackDirectoryCall(() => slack.userInfo(id));
    if (!u) {
      result.skipped.push({ slackUserId: id, reason: 'unknown to Slack' });
      continue;
    }
    if (u.isBot || u.deleted) {
      result.skipped.push({ slackUserId: id, name: u.name, reason: u.isBot ? 'a bot' : 'deactivated in Slack' });
      continue;
    }
    if (!u.email) {
      result.skipped.push({ slackUserId: id, name: u.name, reason: 'no email visible (the app needs users:read.email)' });
      continue;
    }
    const email = u.email;
    try {
      const { invite: i } = await deps.uow.run((r) =>
        createInvite(r, ctx, p, { email, name: u.name, ...(input.role ? { role: input.role } : {}), teamId: input.teamId ?? null, source: 'slack', slackUserId: id }),
      );
      result.invited.push(i);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'email_taken') result.skipped.push({ slackUserId: id, name: u.name, reason: 'has an account already' });
      else throw err;
    }
  }
  return result;
}

/**
 * Users: the people who go on call, and their role in Vigil.
 */
import { conflict, DomainError, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Actor, CoreDeps, Repos, TimelineEvent } from '../shared/ports.js';
import { changeOwnPassword, type Principal, type Scope } from '../auth/auth.js';
import { canSeePersonalData, isAdmin, requirePersonalData } from '../auth/permissions.js';
import type { ThrottlePolicy } from '../auth/throttle.js';
import { findTeam, type Team } from '../teams/teams.js';
import type { Ctx } from '../shared/context.js';
import { audit } from '../audit/audit.js';
import { assertTimeZone, normalizeEmail, normalizePhone, requireText } from '../shared/validate.js';

export const ROLES = ['admin', 'responder', 'stakeholder'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  name: string;
  email: string;
  timeZone: string;
  phone: string | null;
  slackUserId: string | null;
  role: Role;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface UsersRepo {
  insert(user: User, passwordHash: string | null): Promise<void>;
  update(user: User): Promise<void>;
  setPasswordHash(userId: string, hash: string | null): Promise<void>;
  getPasswordHash(userId: string): Promise<string | null>;
  findById(id: string): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  findBySlackId(slackUserId: string): Promise<User | undefined>;
  list(options?: { includeInactive?: boolean }): Promise<User[]>;
  count(): Promise<number>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    users: UsersRepo;
  }
}

export interface UserInput {
  name: string;
  email: string;
  timeZone?: string;
  phone?: string | null;
  slackUserId?: string | null;
  role?: Role;
  password?: string;
}

export type UserPatch = Partial<Omit<UserInput, 'password'>> & { active?: boolean; password?: string };

export const DEFAULT_TIME_ZONE = 'UTC';

export function assertPassword(password: string): void {
  if (password.length < 10) throw invalid('weak_password', 'password must be at least 10 characters long.', { field: 'password' });
  if (password.length > 256) throw invalid('invalid_field', 'password must be at most 256 characters.', { field: 'password' });
}

function assertRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw invalid('invalid_role', `role must be one of ${ROLES.join(', ')}.`, { field: 'role' });
  }
}

function normalizeSlackId(id: string | null | undefined): string | null {
  if (id === undefined || id === null || id === '') return null;
  if (!/^[UW][A-Z0-9]{2,20}$/.test(id)) throw invalid('invalid_slack_user_id', `slackUserId "${id}" is not a Slack user id (e.g. U024BE7LH).`, { field: 'slackUserId' });
  return id;
}

/** Validates input into a new user (pure). */
export function buildUser(input: UserInput, now: number): User {
  const role = input.role ?? 'responder';
  assertRole(role);
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  if (input.password !== undefined) assertPassword(input.password);
  return {
    id: newId(now),
    name: requireText(input.name, 'name'),
    email: normalizeEmail(input.email),
    timeZone,
    phone: input.phone ? normalizePhone(input.phone) : null,
    slackUserId: normalizeSlackId(input.slackUserId),
    role,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
}

/** Validates a patch and returns the patched user (pure). */
export function patchUser(current: User, patch: UserPatch, now: number): User {
  if (patch.role !== undefined) assertRole(patch.role);
  if (patch.timeZone !== undefined) assertTimeZone(patch.timeZone);
  if (patch.password !== undefined) assertPassword(patch.password);
  return {
    ...current,
    name: patch.name !== undefined ? requireText(patch.name, 'name') : current.name,
    email: patch.email !== undefined ? normalizeEmail(patch.email) : current.email,
    timeZone: patch.timeZone ?? current.timeZone,
    phone: patch.phone === undefined ? current.phone : patch.phone ? normalizePhone(patch.phone) : null,
    slackUserId: patch.slackUserId === undefined ? current.slackUserId : normalizeSlackId(patch.slackUserId),
    role: patch.role ?? current.role,
    active: patch.active ?? current.active,
    updatedAt: now,
  };
}

/** Inserts a user inside a transaction, with its timeline event. */
export async function insertUser(r: Repos, actor: Actor, user: User, passwordHash: string | null): Promise<void> {
  if (await r.users.findByEmail(user.email)) throw conflict('email_taken', `A user with email ${user.email} exists already.`, { field: 'email' });
  await r.users.insert(user, passwordHash);
  await r.events.append({ entityType: 'user', entityId: user.id, type: 'user.created', actor, data: { name: user.name, email: user.email, role: user.role } });
  await audit(r, actor, { action: 'user.created', entityType: 'user', entityId: user.id, before: null, after: user });
}

/** Saves a changed user inside a transaction; returns the changes recorded (empty when none). */
export async function saveUser(r: Repos, actor: Actor, current: User, next: User): Promise<Record<string, { from: unknown; to: unknown }>> {
  if (next.email !== current.email) {
    const other = await r.users.findByEmail(next.email);
    if (other && other.id !== current.id) throw conflict('email_taken', `A user with email ${next.email} exists already.`, { field: 'email' });
  }
  if (current.role === 'admin' && (next.role !== 'admin' || !next.active)) await assertAnotherAdmin(r.users, current.id);
  const changes = diffUser(current, next);
  if (Object.keys(changes).length > 0) {
    await r.users.update(next);
    await r.events.append({ entityType: 'user', entityId: current.id, type: 'user.updated', actor, data: { changes } });
    await audit(r, actor, { action: 'user.updated', entityType: 'user', entityId: current.id, before: current, after: next });
  }
  return changes;
}

/** Creates a user (the route is for admins). */
export async function createUser(deps: CoreDeps, ctx: Ctx, input: UserInput): Promise<User> {
  const actor = ctx.actor;
  const user = buildUser(input, ctx.now);
  const hash = input.password !== undefined ? await deps.passwords.hash(input.password) : null;
  return deps.uow.run(async (r) => {
    await insertUser(r, actor, user, hash);
    return user;
  });
}

async function applyUserPatch(deps: CoreDeps, actor: Actor, id: string, patch: UserPatch): Promise<User> {
  if (patch.password !== undefined) assertPassword(patch.password);
  const hash = patch.password !== undefined ? await deps.passwords.hash(patch.password) : undefined;
  return deps.uow.run(async (r) => {
    const current = await r.users.findById(id);
    if (!current) throw notFound('user', id);
    const next = patchUser(current, patch, deps.clock.now());
    await saveUser(r, actor, current, next);
    if (hash !== undefined) {
      await r.users.setPasswordHash(id, hash);
      await r.events.append({ entityType: 'user', entityId: id, type: 'user.password_changed', actor, data: {} });
    }
    return next;
  });
}

async function assertAnotherAdmin(users: UsersRepo, exceptId: string): Promise<void> {
  const admins = (await users.list()).filter((u) => u.role === 'admin' && u.active && u.id !== exceptId);
  if (admins.length === 0) throw conflict('last_admin', 'This is the last active admin; make another user admin first.');
}

/** Deactivates a user (the route is for admins); their history stays. */
export async function deactivateUser(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<User> {
  const id = (await findUser(deps, input.ref)).id;
  if (ctx.actor.id === id) throw forbidden('You cannot deactivate yourself.');
  return applyUserPatch(deps, ctx.actor, id, { active: false });
}

export function diffUser(a: User, b: User): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ['name', 'email', 'timeZone', 'phone', 'slackUserId', 'role', 'active'] as const) {
    if (a[key] !== b[key]) out[key] = { from: a[key], to: b[key] };
  }
  return out;
}

async function findUser(deps: CoreDeps, id: string): Promise<User> {
  return deps.uow.run(async (r) => {
    const u = (await r.users.findById(id)) ?? (id.includes('@') ? await r.users.findByEmail(id.toLowerCase()) : undefined);
    if (!u) throw notFound('user', id);
    return u;
  });
}

/** Service accounts (the bootstrap token's owner) use this domain and are not people. */
export const SERVICE_EMAIL_DOMAIN = '@vigil.localhost';

/** A user as the viewer may see them: the phone number only for those who may see personal data. */
async function asSeenBy(r: Repos, ctx: Ctx, u: User): Promise<User> {
  if (u.phone === null) return u;
  if (ctx.principal && (await canSeePersonalData(r, ctx.principal, u.id))) return u;
  return { ...u, phone: null };
}

/** The people (service accounts left out), as the viewer may see them. */
export async function listUsers(deps: CoreDeps, ctx: Ctx, input: { includeInactive?: boolean }): Promise<{ data: User[] }> {
  const users = (await deps.uow.run((r) => r.users.list({ includeInactive: input.includeInactive ?? false }))).filter((u) => !u.email.endsWith(SERVICE_EMAIL_DOMAIN));
  return deps.uow.run(async (r) => {
    const data: User[] = [];
    for (const u of users) data.push(await asSeenBy(r, ctx, u));
    return { data };
  });
}

/** A user by id or email, as the viewer may see them. */
export async function getUser(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<User> {
  const u = await findUser(deps, input.ref);
  return deps.uow.run((r) => asSeenBy(r, ctx, u));
}

/** The signed-in person, their scopes and teams. */
export async function whoAmI(deps: CoreDeps, ctx: Ctx): Promise<{ user: User; scopes: Scope[]; teams: Team[]; via: Principal['via'] }> {
  const p = principalIn(ctx);
  const teams = await deps.uow.run((r) => r.teams.listForUser(p.user.id));
  return { user: p.user, scopes: p.scopes, teams, via: p.via };
}

export interface UserUpdate {
  /** The user: id or email. */
  ref: string;
  patch: UserPatch & { currentPassword?: string };
  /** Sign-in throttling, for a change of one's own password. */
  signIn?: ThrottlePolicy;
  /** The Slack account Slack's directory lists for an email; absent when Slack is not configured. */
  slackIdForEmail?: (email: string) => Promise<string | undefined>;
}

/**
 * Updates a user. Admins change anyone; others change themselves, not their role or activation. Your
 * own email changes only once the new address is confirmed, your own password needs the current one,
 * and your own Slack account must be the one Slack lists for your email.
 */
export async function updateUser(deps: CoreDeps, ctx: Ctx, input: UserUpdate): Promise<User> {
  const p = principalIn(ctx);
  const target = await findUser(deps, input.ref);
  if (!isAdmin(p) && (target.id !== p.user.id || input.patch.role !== undefined || input.patch.active !== undefined)) {
    throw forbidden('Only admins can change other users, roles or activation.');
  }
  const { currentPassword, ...patch } = input.patch;
  if (target.id === p.user.id && patch.email !== undefined && patch.email.trim().toLowerCase() !== target.email) {
    throw invalid('email_change_needs_verification', 'email: your own email changes only once the new address is confirmed; use POST /api/v1/me/email.', { field: 'email' });
  }
  if (target.id === p.user.id && patch.password !== undefined) {
    // Your own password: the current one is required, even for admins.
    if (currentPassword === undefined) throw invalid('current_password_required', 'currentPassword: give your current password to set a new one.', { field: 'currentPassword' });
    await changeOwnPassword(deps, p, currentPassword, patch.password, input.signIn);
    delete patch.password;
    if (Object.keys(patch).length === 0) return findUser(deps, target.id);
  }
  if (target.id === p.user.id && patch.slackUserId && patch.slackUserId !== target.slackUserId) {
    // Your own Slack identity: only the account Slack's directory lists for your email.
    if (!input.slackIdForEmail) throw invalid('slack_not_configured', 'slackUserId: Slack is not configured on this Vigil, so a Slack account cannot be verified.', { field: 'slackUserId' });
    const linked = await linkOwnSlack(deps, ctx, target.id, patch.slackUserId, await input.slackIdForEmail(target.email));
    delete patch.slackUserId;
    if (Object.keys(patch).length === 0) return linked;
  }
  return applyUserPatch(deps, ctx.actor, target.id, patch);
}

/** A user's timeline (the person, admins and the leads of the person's teams). */
export async function userTimeline(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<{ data: TimelineEvent[] }> {
  const p = principalIn(ctx);
  const target = await findUser(deps, input.ref);
  return deps.uow.run(async (r) => {
    await requirePersonalData(r, p, target.id);
    return { data: await r.events.list('user', target.id) };
  });
}

/** A team's timeline. */
export async function teamTimeline(deps: CoreDeps, _ctx: Ctx, input: { team: string }): Promise<{ data: TimelineEvent[] }> {
  return deps.uow.run(async (r) => {
    const team = await findTeam(r, input.team);
    if (!team) throw notFound('team', input.team);
    return { data: await r.events.list('team', team.id) };
  });
}

/** The signed-in principal a use case acts for. */
function principalIn(ctx: Ctx): Principal {
  if (!ctx.principal) throw forbidden('Sign in to do this.');
  return ctx.principal;
}

/**
 * Links your own Slack identity. Only the Slack account the Slack directory gives for your email
 * (users.lookupByEmail, `directoryId`) can be linked, so nobody can claim someone else's.
 */
async function linkOwnSlack(deps: CoreDeps, ctx: Ctx, userId: string, slackUserId: string, directoryId: string | undefined): Promise<User> {
  const actor = ctx.actor;
  const id = normalizeSlackId(slackUserId);
  return deps.uow.run(async (r) => {
    const current = await r.users.findById(userId);
    if (!current) throw notFound('user', userId);
    if (current.slackUserId === id) return current;
    if (!id || directoryId !== id) {
      throw new DomainError('forbidden', 'slack_identity_unverified', `slackUserId: the Slack account ${slackUserId} is not the one Slack lists for ${current.email}; link it from Slack (run /oncall) or ask an admin.`, { field: 'slackUserId' });
    }
    const other = await r.users.findBySlackId(id);
    if (other && other.id !== userId) throw conflict('slack_user_taken', `slackUserId: ${id} is linked to another user.`, { field: 'slackUserId' });
    const next = { ...current, slackUserId: id, updatedAt: ctx.now };
    await r.users.update(next);
    await r.events.append({ entityType: 'user', entityId: userId, type: 'user.slack_linked', actor, data: { slackUserId: id, via: 'directory' } });
    return next;
  });
}

/** Resolves a user reference (id or email) to an id, in the current transaction. */
export async function resolveUserRef(r: Repos, ref: string, field: string): Promise<string> {
  const u = ref.includes('@') ? await r.users.findByEmail(ref.trim().toLowerCase()) : await r.users.findById(ref);
  if (!u) throw invalid('unknown_user', `${field}: no user "${ref}".`, { field, ref });
  return u.id;
}

/** A user reference as adapters take it: `me` (the person acting), an id or an email. */
export async function resolveUserId(deps: CoreDeps, ctx: Ctx, input: { ref: string; field?: string }): Promise<string> {
  if (input.ref === 'me') {
    const me = ctx.user?.id ?? ctx.principal?.user.id;
    if (!me) throw invalid('unknown_user', `${input.field ?? 'userId'}: nobody is signed in to be "me".`, { field: input.field ?? 'userId' });
    return me;
  }
  return deps.uow.run((r) => resolveUserRef(r, input.ref, input.field ?? 'userId'));
}

/** The user a Slack account is linked to, if any. */
export async function findUserBySlackId(deps: CoreDeps, _ctx: Ctx, input: { slackUserId: string }): Promise<User | undefined> {
  return deps.uow.run((r) => r.users.findBySlackId(input.slackUserId));
}

/**
 * Links a Slack account to the user of the same email (Slack's directory gave it), unless that user
 * has a Slack account already. Answers the user the Slack account belongs to, if any.
 */
export async function linkSlackByEmail(deps: CoreDeps, ctx: Ctx, input: { email: string; slackUserId: string }): Promise<User | undefined> {
  const { email, slackUserId } = input;
  return deps.uow.run(async (r) => {
    const user = await r.users.findByEmail(email);
    if (!user || user.slackUserId) return user && user.slackUserId === slackUserId ? user : undefined;
    const next = { ...user, slackUserId, updatedAt: ctx.now };
    await r.users.update(next);
    await r.events.append({ entityType: 'user', entityId: user.id, type: 'user.slack_linked', actor: ctx.actor, data: { slackUserId, via: 'email' } });
    return next;
  });
}

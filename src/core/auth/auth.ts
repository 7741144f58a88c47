/**
 * Identity: API tokens (hashed at rest, scoped, revocable, shown once), web sessions and the
 * permission rules every route relies on.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { conflict, DomainError, forbidden, invalid, notFound, unauthenticated } from '../shared/errors.js';
import { newId, newSecret } from '../shared/ids.js';
import { SYSTEM_ACTOR, type Actor, type CoreDeps } from '../shared/ports.js';
import { normalizeEmail, requireText } from '../shared/validate.js';
import { assertPassword, type Role, type User } from '../users/users.js';
import { assertNotLocked, DEFAULT_THROTTLE, recordSignInFailure, signInLocked, throttleKey, type ThrottleEntry, type ThrottleKind, type ThrottlePolicy } from './throttle.js';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface TokensRepo {
  insert(token: ApiToken, tokenHash: string): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiToken | undefined>;
  findById(id: string): Promise<ApiToken | undefined>;
  listForUser(userId: string): Promise<ApiToken[]>;
  listAll(): Promise<ApiToken[]>;
  revoke(id: string, at: number): Promise<void>;
  setHash(id: string, tokenHash: string): Promise<void>;
  touch(id: string, at: number): Promise<void>;
}

export interface Session {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

export interface SessionsRepo {
  insert(session: Session, tokenHash: string): Promise<void>;
  findByHash(tokenHash: string): Promise<Session | undefined>;
  touch(id: string, at: number, expiresAt: number): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForUser(userId: string): Promise<void>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    tokens: TokensRepo;
    sessions: SessionsRepo;
  }
}

/** Who is calling, and what they may do. */
export interface Principal {
  user: User;
  scopes: Scope[];
  via: 'token' | 'session';
  tokenId?: string;
}

export const SESSION_TTL_MS = 7 * 24 * 3600_000;
export const BOOTSTRAP_TOKEN_ID = '00000000-0000-7000-8000-000000000001';
export const BOOTSTRAP_USER_EMAIL = 'automation@vigil.localhost';

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const actorOf = (p: Principal): Actor => ({ type: 'user', id: p.user.id });

/** The scopes a role may hold at most. */
export function scopesForRole(role: Role): Scope[] {
  if (role === 'admin') return ['read', 'write', 'admin'];
  if (role === 'responder') return ['read', 'write'];
  return ['read'];
}

/** True when `p` may perform an action needing `scope`: both its token and its role must allow it. */
export function can(p: Principal, scope: Scope): boolean {
  return p.scopes.includes(scope) && scopesForRole(p.user.role).includes(scope);
}

export function requireScope(p: Principal, scope: Scope): void {
  if (!can(p, scope)) {
    const why = scopesForRole(p.user.role).includes(scope) ? `this token lacks the "${scope}" scope` : `the ${p.user.role} role cannot do this`;
    throw new DomainError('forbidden', 'forbidden', `Forbidden: ${why}.`, { requiredScope: scope });
  }
}

export async function authenticateToken(deps: CoreDeps, secret: string): Promise<Principal> {
  const now = deps.clock.now();
  return deps.uow.run(async (r) => {
    const token = await r.tokens.findByHash(hashSecret(secret));
    if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now)) {
      throw unauthenticated('The API token is unknown, revoked or expired.');
    }
    const user = await r.users.findById(token.userId);
    if (!user || !user.active) throw unauthenticated('The API token belongs to a deactivated user.');
    // Record use at most once a minute per token, to keep reads cheap.
    if (token.lastUsedAt === null || now - token.lastUsedAt > 60_000) await r.tokens.touch(token.id, now);
    return { user, scopes: token.scopes, via: 'token', tokenId: token.id };
  });
}

export async function authenticateSession(deps: CoreDeps, secret: string): Promise<Principal> {
  const now = deps.clock.now();
  return deps.uow.run(async (r) => {
    const session = await r.sessions.findByHash(hashSecret(secret));
    if (!session || session.expiresAt <= now) throw unauthenticated('Your session has expired; sign in again.');
    const user = await r.users.findById(session.userId);
    if (!user || !user.active) throw unauthenticated('This account is deactivated.');
    if (now - session.lastSeenAt > 60_000) await r.sessions.touch(session.id, now, now + SESSION_TTL_MS);
    return { user, scopes: scopesForRole(user.role), via: 'session' };
  });
}

export interface LoginContext {
  /** The client address (after the trusted proxies), throttled like the account. */
  address?: string;
  throttle?: ThrottlePolicy;
}

/**
 * Signs in with email and password; returns the session secret to put in a cookie. Wrong
 * passwords are throttled per account and per client address (see throttle.ts): past the limit,
 * `sign_in_locked` (429) until the lockout ends, even for the right password.
 */
export async function login(deps: CoreDeps, email: string, password: string, context: LoginContext = {}): Promise<{ secret: string; session: Session; user: User }> {
  const now = deps.clock.now();
  const policy = context.throttle ?? DEFAULT_THROTTLE;
  const subjects: Array<[ThrottleKind, string]> = [['account', email.trim().toLowerCase().slice(0, 254)]];
  if (context.address) subjects.push(['address', context.address.slice(0, 100)]);
  const keys = subjects.map(([k, s]) => throttleKey(k, s));
  await deps.uow.run((r) => assertNotLocked(r, keys, now));
  let normalized: string | undefined;
  try {
    normalized = normalizeEmail(email);
  } catch {
    normalized = undefined;
  }
  const found = normalized
    ? await deps.uow.run(async (r) => {
        const user = await r.users.findByEmail(normalized);
        return user ? { user, hash: await r.users.getPasswordHash(user.id) } : undefined;
      })
    : undefined;
  // Verify even for unknown users so timing does not reveal which emails exist.
  const ok = await deps.passwords.verify(password, found?.hash ?? DUMMY_HASH);
  if (!found || !found.hash || !ok || !found.user.active) {
    const locked = await deps.uow.run(async (r) => {
      const seconds = await recordSignInFailure(r, policy, subjects, deps.clock.now());
      if (seconds !== undefined && found) {
        await r.events.append({ entityType: 'user', entityId: found.user.id, type: 'user.sign_in_locked', actor: SYSTEM_ACTOR, data: { seconds, address: context.address ?? null } });
      }
      return seconds;
    });
    if (locked !== undefined) throw signInLocked(locked);
    throw unauthenticated('Wrong email or password.');
  }
  const secret = newSecret('vgs_', 32);
  const session: Session = { id: newId(now), userId: found.user.id, createdAt: now, expiresAt: now + SESSION_TTL_MS, lastSeenAt: now };
  await deps.uow.run(async (r) => {
    await r.signIn.clear(throttleKey('account', subjects[0]![1]));
    await r.sessions.insert(session, hashSecret(secret));
    await r.events.append({ entityType: 'user', entityId: found.user.id, type: 'user.signed_in', actor: { type: 'user', id: found.user.id }, data: {} });
  });
  return { secret, session, user: found.user };
}

/** A well-formed hash of a random password, verified against when the user is unknown. */
export const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(86);

export async function logout(deps: CoreDeps, secret: string): Promise<void> {
  await deps.uow.run(async (r) => {
    const s = await r.sessions.findByHash(hashSecret(secret));
    if (s) await r.sessions.delete(s.id);
  });
}

export interface CreateTokenInput {
  name: string;
  scopes?: Scope[];
  /** Lifetime in days; none means it lives until revoked. */
  expiresInDays?: number;
  /** Admins may create tokens for another user. */
  userId?: string;
}

export async function createToken(deps: CoreDeps, principal: Principal, input: CreateTokenInput): Promise<{ token: ApiToken; secret: string }> {
  const now = deps.clock.now();
  const name = requireText(input.name, 'name', 100);
  const userId = input.userId ?? principal.user.id;
  if (userId !== principal.user.id) requireScope(principal, 'admin');
  const scopes: string[] = [...new Set<string>(input.scopes ?? ['read', 'write'])];
  for (const s of scopes) if (!(SCOPES as readonly string[]).includes(s)) throw invalid('invalid_scope', `Unknown scope "${s}"; scopes are ${SCOPES.join(', ')}.`, { field: 'scopes' });
  if (input.expiresInDays !== undefined && !(input.expiresInDays > 0 && input.expiresInDays <= 3650)) {
    throw invalid('invalid_field', 'expiresInDays must be between 1 and 3650.', { field: 'expiresInDays' });
  }
  return deps.uow.run(async (r) => {
    const owner = await r.users.findById(userId);
    if (!owner) throw notFound('user', userId);
    // A token never grants more than its creator holds, nor more than its owner's role allows.
    for (const s of scopes as Scope[]) {
      if (!can(principal, s)) throw forbidden(`You cannot grant the "${s}" scope.`);
      if (!scopesForRole(owner.role).includes(s)) throw invalid('invalid_scope', `A ${owner.role} cannot hold the "${s}" scope.`, { field: 'scopes' });
    }
    const secret = newSecret('vgl_', 32);
    const token: ApiToken = {
      id: newId(now),
      userId,
      name,
      scopes: scopes as Scope[],
      createdAt: now,
      lastUsedAt: null,
      expiresAt: input.expiresInDays ? now + input.expiresInDays * 86_400_000 : null,
      revokedAt: null,
    };
    await r.tokens.insert(token, hashSecret(secret));
    await r.events.append({ entityType: 'user', entityId: userId, type: 'token.created', actor: actorOf(principal), data: { tokenId: token.id, name, scopes } });
    return { token, secret };
  });
}

export async function listTokens(deps: CoreDeps, principal: Principal, all = false): Promise<ApiToken[]> {
  if (all) requireScope(principal, 'admin');
  return deps.uow.run((r) => (all ? r.tokens.listAll() : r.tokens.listForUser(principal.user.id)));
}

export async function revokeToken(deps: CoreDeps, principal: Principal, tokenId: string): Promise<ApiToken> {
  const now = deps.clock.now();
  return deps.uow.run(async (r) => {
    const token = await r.tokens.findById(tokenId);
    if (!token || (token.userId !== principal.user.id && !can(principal, 'admin'))) throw notFound('token', tokenId);
    if (token.revokedAt === null) {
      await r.tokens.revoke(token.id, now);
      await r.events.append({ entityType: 'user', entityId: token.userId, type: 'token.revoked', actor: actorOf(principal), data: { tokenId, name: token.name } });
    }
    return { ...token, revokedAt: token.revokedAt ?? now };
  });
}

export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(hashSecret(a));
  const y = Buffer.from(hashSecret(b));
  return timingSafeEqual(x, y);
}

/** Sign-in throttling as admins see it: accounts and addresses with recent failures or a lockout. */
export async function listSignInThrottles(deps: CoreDeps, principal: Principal, policy: ThrottlePolicy = DEFAULT_THROTTLE): Promise<Array<ThrottleEntry & { locked: boolean }>> {
  requireScope(principal, 'admin');
  const now = deps.clock.now();
  const list = await deps.uow.run((r) => r.signIn.list(now - policy.windowSeconds * 1000, now));
  return list.map((e) => ({ ...e, locked: e.lockedUntil !== null && e.lockedUntil > now }));
}

/** Ends a lockout and forgets the failures of an account or an address (admin). */
export async function clearSignInThrottle(deps: CoreDeps, principal: Principal, kind: ThrottleKind, subject: string): Promise<void> {
  requireScope(principal, 'admin');
  await deps.uow.run(async (r) => {
    const key = throttleKey(kind, kind === 'account' ? subject.trim().toLowerCase() : subject.trim());
    const [entry] = await r.signIn.get([key]);
    if (!entry) throw notFound('sign_in_throttle', key);
    await r.signIn.clear(key);
    const user = kind === 'account' ? await r.users.findByEmail(entry.subject) : undefined;
    if (user) await r.events.append({ entityType: 'user', entityId: user.id, type: 'user.sign_in_unlocked', actor: actorOf(principal), data: {} });
  });
}

/**
 * Changes your own password: the current one is required (a stolen token or an open session is
 * not enough). Wrong current passwords count as failed sign-ins of the account.
 */
export async function changeOwnPassword(deps: CoreDeps, principal: Principal, currentPassword: string, newPassword: string, policy: ThrottlePolicy = DEFAULT_THROTTLE): Promise<void> {
  assertPassword(newPassword);
  const me = principal.user;
  const key = throttleKey('account', me.email);
  const now = deps.clock.now();
  const hash = await deps.uow.run(async (r) => {
    await assertNotLocked(r, [key], now);
    return r.users.getPasswordHash(me.id);
  });
  if (!hash) throw conflict('no_password', 'You have no password yet; an admin sets the first one.');
  if (!(await deps.passwords.verify(currentPassword, hash))) {
    const locked = await deps.uow.run((r) => recordSignInFailure(r, policy, [['account', me.email]], deps.clock.now()));
    if (locked !== undefined) throw signInLocked(locked);
    throw invalid('wrong_current_password', 'currentPassword: that is not your current password.', { field: 'currentPassword' });
  }
  if (currentPassword === newPassword) throw invalid('same_password', 'newPassword: choose a password different from the current one.', { field: 'newPassword' });
  const next = await deps.passwords.hash(newPassword);
  await deps.uow.run(async (r) => {
    await r.users.setPasswordHash(me.id, next);
    await r.signIn.clear(key);
    await r.events.append({ entityType: 'user', entityId: me.id, type: 'user.password_changed', actor: actorOf(principal), data: { self: true } });
  });
}

/**
 * Sign-in throttling: wrong passwords are counted per account and per client address, in the
 * database (so several processes on PostgreSQL share the counts). Past the limit the key is locked
 * for a while; each further lockout doubles the delay, up to a maximum. During a lockout even the
 * right password is refused (429 with Retry-After). A successful sign-in clears the account's
 * failures; an address's are forgotten after the window.
 */
import { DomainError } from '../shared/errors.js';
import type { Repos } from '../shared/ports.js';

export type ThrottleKind = 'account' | 'address';

export interface ThrottleEntry {
  key: string;
  kind: ThrottleKind;
  subject: string;
  failures: number;
  lockouts: number;
  lockedUntil: number | null;
  lastFailureAt: number;
}

export interface SignInThrottleRepo {
  get(keys: string[]): Promise<ThrottleEntry[]>;
  /**
   * Counts one failure atomically (insert or increment); failures and lockouts older than
   * `forgetBefore` are forgotten first. Returns the entry after the increment.
   */
  recordFailure(kind: ThrottleKind, subject: string, now: number, forgetBefore: number): Promise<ThrottleEntry>;
  lock(key: string, lockedUntil: number, lockouts: number): Promise<void>;
  clear(key: string): Promise<void>;
  /** Entries with failures since `since` or a lockout still running at `now`. */
  list(since: number, now: number): Promise<ThrottleEntry[]>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    signIn: SignInThrottleRepo;
  }
}

export interface ThrottlePolicy {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  lockoutSeconds: number;
  maxLockoutSeconds: number;
  windowSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { maxFailuresPerAccount: 10, maxFailuresPerAddress: 50, lockoutSeconds: 60, maxLockoutSeconds: 3600, windowSeconds: 86_400 };

export const throttleKey = (kind: ThrottleKind, subject: string): string => `${kind}:${subject}`;

/** The error of a locked sign-in: 429, with the seconds to wait (the Retry-After header). */
export function signInLocked(retryAfterSeconds: number): DomainError {
  return new DomainError('rate_limited', 'sign_in_locked', `Too many failed sign-ins; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
}

/** Throws `sign_in_locked` when any of the keys is locked at `now`. */
export async function assertNotLocked(r: Repos, keys: string[], now: number): Promise<void> {
  const until = Math.max(0, ...(await r.signIn.get(keys)).map((e) => e.lockedUntil ?? 0));
  if (until > now) throw signInLocked(Math.max(1, Math.ceil((until - now) / 1000)));
}

/** The lockout after `lockouts` earlier ones: base × 2^lockouts, capped. */
export function lockoutMs(policy: ThrottlePolicy, lockouts: number): number {
  return Math.min(policy.maxLockoutSeconds, policy.lockoutSeconds * 2 ** Math.min(lockouts, 30)) * 1000;
}

/** Records a wrong password for each key; returns the lockout it started, in seconds, if any. */
export async function recordSignInFailure(r: Repos, policy: ThrottlePolicy, subjects: Array<[ThrottleKind, string]>, now: number): Promise<number | undefined> {
  let locked: number | undefined;
  const forgetBefore = now - policy.windowSeconds * 1000;
  for (const [kind, subject] of subjects) {
    const e = await r.signIn.recordFailure(kind, subject, now, forgetBefore);
    const max = kind === 'account' ? policy.maxFailuresPerAccount : policy.maxFailuresPerAddress;
    if (e.failures >= max) {
      const ms = lockoutMs(policy, e.lockouts);
      await r.signIn.lock(e.key, now + ms, e.lockouts + 1);
      locked = Math.max(locked ?? 0, Math.ceil(ms / 1000));
    }
  }
  return locked;
}

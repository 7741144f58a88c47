/**
 * Identity verifications: one-time secrets that prove a person controls what they claim (a new
 * email address, a Slack account) or that let them set a new password. Only a hash is stored.
 */
import { randomInt } from 'node:crypto';
import { actorOf, hashSecret, requireScope, type Principal } from '../auth/auth.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { CoreDeps } from '../shared/ports.js';
import { normalizeEmail } from '../shared/validate.js';
import { queueMessage } from '../notifications/outbox.js';
import type { User } from './users.js';

export type VerificationPurpose = 'email_change' | 'password_reset' | 'slack_link';

export interface IdentityVerification {
  id: string;
  userId: string;
  purpose: VerificationPurpose;
  /** The new email address, or the Slack user id being linked. */
  target: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface VerificationsRepo {
  insert(v: IdentityVerification, secretHash: string): Promise<void>;
  findByHash(secretHash: string): Promise<IdentityVerification | undefined>;
  listPending(userId: string, now: number): Promise<IdentityVerification[]>;
  markUsed(id: string, at: number): Promise<void>;
  /** Ends every pending verification of this purpose (a newer one replaces them). */
  cancelPending(userId: string, purpose: VerificationPurpose, at: number): Promise<void>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    verifications: VerificationsRepo;
  }
}

/** How long an email-change code is valid. */
export const EMAIL_CHANGE_TTL_MS = 30 * 60_000;
const MAX_CODE_TRIES = 5;

const codeHash = (userId: string, code: string): string => hashSecret(`email_change:${userId}:${code.trim()}`);

/**
 * Starts changing your email: a code is sent to the new address; the email changes only when the
 * code comes back (confirmEmailChange). A newer request replaces an older one.
 */
export async function requestEmailChange(deps: CoreDeps, principal: Principal, newEmail: string): Promise<{ pendingEmail: string; expiresAt: number }> {
  requireScope(principal, 'write');
  const email = normalizeEmail(newEmail);
  const me = principal.user;
  if (email === me.email) throw invalid('same_email', 'email: that is your email already.', { field: 'email' });
  const now = deps.clock.now();
  const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
  return deps.uow.run(async (r) => {
    const other = await r.users.findByEmail(email);
    if (other) throw conflict('email_taken', `A user with email ${email} exists already.`, { field: 'email' });
    await r.verifications.cancelPending(me.id, 'email_change', now);
    const v: IdentityVerification = { id: newId(now), userId: me.id, purpose: 'email_change', target: email, createdAt: now, expiresAt: now + EMAIL_CHANGE_TTL_MS, usedAt: null };
    await r.verifications.insert(v, codeHash(me.id, code));
    await queueMessage(r, now, {
      channel: 'email',
      address: email,
      subject: `Vigil: confirm your new email address (${code})`,
      body: `${me.name} asked to use this address for Vigil.\n\nYour code: ${code}\n\nEnter it in Vigil within 30 minutes. If you did not ask for this, ignore this email: nothing changes.`,
      entityType: 'user',
      entityId: me.id,
    });
    await r.events.append({ entityType: 'user', entityId: me.id, type: 'user.email_change_requested', actor: actorOf(principal), data: { to: email } });
    return { pendingEmail: email, expiresAt: v.expiresAt };
  });
}

/** Confirms an email change with the code sent to the new address. */
export async function confirmEmailChange(deps: CoreDeps, principal: Principal, code: string): Promise<User> {
  requireScope(principal, 'write');
  const me = principal.user;
  const now = deps.clock.now();
  return deps.uow.run(async (r) => {
    const pending = (await r.verifications.listPending(me.id, now)).filter((v) => v.purpose === 'email_change');
    if (!pending.length) throw invalid('no_email_change', 'There is no email change waiting for a code; ask for a new one.', { field: 'code' });
    const v = await r.verifications.findByHash(codeHash(me.id, code));
    if (!v || v.usedAt !== null || v.expiresAt <= now || v.userId !== me.id || v.purpose !== 'email_change') {
      // Wrong codes are counted; after a few the change must be asked for again.
      const tries = (await r.events.list('user', me.id)).filter((e) => e.type === 'user.email_change_code_wrong' && e.at >= pending[0]!.createdAt).length + 1;
      await r.events.append({ entityType: 'user', entityId: me.id, type: 'user.email_change_code_wrong', actor: actorOf(principal), data: {} });
      if (tries >= MAX_CODE_TRIES) await r.verifications.cancelPending(me.id, 'email_change', now);
      throw invalid('wrong_code', tries >= MAX_CODE_TRIES ? 'code: wrong code, too many tries; ask for a new one.' : 'code: that is not the code we sent.', { field: 'code' });
    }
    const current = await r.users.findById(me.id);
    if (!current) throw notFound('user', me.id);
    if (await r.users.findByEmail(v.target)) throw conflict('email_taken', `A user with email ${v.target} exists already.`, { field: 'email' });
    const next: User = { ...current, email: v.target, updatedAt: now };
    await r.users.update(next);
    await r.verifications.markUsed(v.id, now);
    await r.events.append({ entityType: 'user', entityId: me.id, type: 'user.updated', actor: actorOf(principal), data: { changes: { email: { from: current.email, to: v.target } }, verified: true } });
    return next;
  });
}

/**
 * Identity verifications: one-time secrets that prove a person controls what they claim (a new
 * email address, a Slack account) or that let them set a new password. Only a hash is stored.
 */
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

/**
 * Slack request signing (wire-contracts 6.1): `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` keyed
 * with the app's Signing Secret, sent in `X-Slack-Signature` with `X-Slack-Request-Timestamp`.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../shared/http.js';

export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';

export interface VerifySlackSignatureInput {
  signingSecret: string;
  /** `X-Slack-Request-Timestamp` header (Unix seconds). */
  timestamp: string | number | undefined | null;
  /** `X-Slack-Signature` header, `v0=<hex>`. */
  signature: string | undefined | null;
  /** The request body exactly as received, before any parsing. */
  rawBody: string | Buffer;
  /** The current time in Unix seconds (from the injected clock). */
  nowSeconds: number;
  /** Accepted clock difference either way; Slack's guidance is 5 minutes. */
  toleranceSeconds?: number;
}

export interface SignSlackRequestInput {
  signingSecret: string;
  timestamp: string | number;
  rawBody: string | Buffer;
}

function mac(signingSecret: string, timestamp: string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return hmac.digest('hex');
}

/** The `X-Slack-Signature` value Slack would send for this body and timestamp. */
export function signSlackRequest(input: SignSlackRequestInput): string {
  return `v0=${mac(input.signingSecret, String(input.timestamp), input.rawBody)}`;
}

/** Both headers of a signed Slack request (for tests and the fake Slack). */
export function slackSignatureHeaders(signingSecret: string, rawBody: string | Buffer, nowSeconds: number): Record<string, string> {
  const timestamp = String(Math.floor(nowSeconds));
  return {
    'X-Slack-Request-Timestamp': timestamp,
    'X-Slack-Signature': signSlackRequest({ signingSecret, timestamp, rawBody }),
  };
}

/**
 * True only for a well-formed `v0` signature over this exact body, made with this secret, whose timestamp is
 * within `toleranceSeconds` of now. Compares in constant time.
 */
export function verifySlackSignature(input: VerifySlackSignatureInput): boolean {
  const { signingSecret, signature, rawBody, nowSeconds } = input;
  const toleranceSeconds = input.toleranceSeconds ?? 300;
  if (!signingSecret || typeof signature !== 'string' || input.timestamp === undefined || input.timestamp === null) return false;
  const timestamp = String(input.timestamp).trim();
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  if (!signature.startsWith('v0=')) return false;
  const given = signature.slice(3);
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return false;
  const expected = Buffer.from(mac(signingSecret, timestamp, rawBody), 'hex');
  return safeEqual(expected, Buffer.from(given, 'hex'));
}

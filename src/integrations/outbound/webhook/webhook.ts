/**
 * Outbound webhooks: `POST <url>` with JSON `{id, subject, text, data, sentAt}` and
 *   X-Vigil-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook's secret>
 *   X-Vigil-Timestamp: <Unix seconds>
 *   X-Vigil-Delivery: <delivery id>   (the same on every retry: receivers can dedupe on it)
 * 2xx is success; 408, 425, 429 and 5xx are retryable (429/503 honour Retry-After); other statuses are not.
 * The signature covers the body, which carries `sentAt`, so receivers can refuse old replays.
 */
import { createHmac } from 'node:crypto';
import { parseRetryAfter, safeEqual } from '../../shared/http.js';
import { ChannelError, type NotificationChannel, type OutboundMessage, type SendResult } from '../../../core/notifications/channels.js';
import { systemClock, type Clock } from '../../../core/shared/clock.js';

export const SIGNATURE_HEADER = 'X-Vigil-Signature';
export const TIMESTAMP_HEADER = 'X-Vigil-Timestamp';
export const DELIVERY_HEADER = 'X-Vigil-Delivery';

export interface WebhookPayload {
  id: string;
  subject: string;
  text: string;
  data: Record<string, unknown>;
  /** ISO-8601 UTC time of this attempt. */
  sentAt: string;
}

export interface WebhookChannelOptions {
  /** The signing secret: one for all webhooks, or looked up per destination URL. Undefined: unsigned. */
  secret?: string | ((url: string) => string | undefined | Promise<string | undefined>);
  /** Default 10 s. */
  timeoutMs?: number;
  clock?: Clock;
  userAgent?: string;
  /** Refuse URLs other than http(s); default true. Set `allowHttp: false` to demand https. */
  allowHttp?: boolean;
}

/** `sha256=<hex>` over the raw body. */
export function signVigilPayload(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export interface VerifyVigilSignatureInput {
  secret: string;
  /** The request body exactly as received. */
  rawBody: string | Buffer;
  /** The `X-Vigil-Signature` header. */
  signature: string | undefined | null;
  /** The `X-Vigil-Timestamp` header; checked against `nowSeconds` when both are given. */
  timestamp?: string | number | null;
  nowSeconds?: number;
  /** Default 300 s. */
  toleranceSeconds?: number;
}

/**
 * For receivers: true when `signature` is `sha256=` + the HMAC of this exact body with this secret (compared in
 * constant time) and, when `timestamp` and `nowSeconds` are given, the timestamp is within the tolerance.
 */
export function verifyVigilSignature(input: VerifyVigilSignatureInput): boolean {
  const { secret, rawBody, signature } = input;
  if (!secret || typeof signature !== 'string' || !signature.startsWith('sha256=')) return false;
  const given = signature.slice(7);
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return false;
  if (input.nowSeconds !== undefined) {
    if (input.timestamp === undefined || input.timestamp === null) return false;
    const ts = String(input.timestamp).trim();
    if (!/^\d{1,12}$/.test(ts) || Math.abs(input.nowSeconds - Number(ts)) > (input.toleranceSeconds ?? 300)) return false;
  }
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return safeEqual(expected, Buffer.from(given, 'hex'));
}

export class WebhookChannel implements NotificationChannel {
  readonly type = 'webhook' as const;
  private readonly clock: Clock;

  constructor(private readonly options: WebhookChannelOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  private async secretFor(url: string): Promise<string | undefined> {
    const secret = this.options.secret;
    return typeof secret === 'function' ? secret(url) : secret;
  }

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    let url: URL;
    try {
      url = new URL(message.to);
    } catch {
      throw new ChannelError(`webhook: not a URL: ${message.to}`, false, undefined, 'invalid_url');
    }
    const allowed = this.options.allowHttp === false ? ['https:'] : ['https:', 'http:'];
    if (!allowed.includes(url.protocol)) throw new ChannelError(`webhook: scheme ${url.protocol} not allowed`, false, undefined, 'invalid_url');
    if (signal?.aborted) throw new ChannelError('webhook: aborted', true, undefined, 'aborted');

    const now = this.clock.now();
    const payload: WebhookPayload = {
      id: message.id,
      subject: message.subject,
      text: message.text,
      data: message.data ?? {},
      sentAt: new Date(now).toISOString(),
    };
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': this.options.userAgent ?? 'Vigil-Webhook/1',
      [TIMESTAMP_HEADER]: String(Math.floor(now / 1000)),
      [DELIVERY_HEADER]: message.id,
    };
    const secret = await this.secretFor(url.toString());
    if (secret) headers[SIGNATURE_HEADER] = signVigilPayload(secret, body);

    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error) {
      const e = error as Error;
      const code = signal?.aborted ? 'aborted' : e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : 'network';
      const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
      throw new ChannelError(`webhook ${url.host}: ${e.message}${cause}`, true, undefined, code);
    }
    // Drain the body so the connection can be reused; its content is not needed.
    await response.arrayBuffer().catch(() => undefined);
    const status = response.status;
    if (status >= 200 && status < 300) return { providerMessageId: message.id };
    const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
    const hint = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
    throw new ChannelError(
      `webhook ${url.host}: HTTP ${status}${hint}`,
      retryable,
      retryable ? parseRetryAfter(response.headers.get('retry-after'), now) : undefined,
      `http_${status}`,
    );
  }
}

/**
 * Twilio Programmable Messaging and Voice over its REST API (2010-04-01) with fetch:
 * `POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json` (`To`, `From` or `MessagingServiceSid`, `Body`)
 * and `…/Calls.json` (`To`, `From`, `Twiml`), form-encoded, HTTP Basic auth `AccountSid:AuthToken` (or an API
 * key `SK…:secret`). Success is 201 with the resource JSON (`sid`); errors are JSON `{code, message, more_info, status}`.
 */
import { createHmac } from 'node:crypto';
import { parseRetryAfter, safeEqual } from '../../shared/http.js';
import { ChannelError } from '../../../core/notifications/channels.js';
import { escapeXml, type SmsVoiceProvider } from './provider.js';

export const DEFAULT_TWILIO_BASE_URL = 'https://api.twilio.com';

/**
 * Twilio's request signature (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed by the auth token, of the
 * full URL Twilio called followed by each POST parameter, sorted by name, as name then value.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => `${k}${params[k]}`).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(authToken: string, url: string, params: Record<string, string>, signature: string | undefined): boolean {
  if (!signature) return false;
  return safeEqual(twilioSignature(authToken, url, params), signature);
}

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** Authenticate with an API key instead of the auth token. */
  apiKey?: { sid: string; secret: string };
  /** Sender number (E.164) for SMS, and caller id for calls unless `callerId` is set. */
  from?: string;
  /** Send SMS through a Messaging Service instead of `from`. */
  messagingServiceSid?: string;
  /** Caller id for calls; default `from`. */
  callerId?: string;
  /** Default `https://api.twilio.com`; tests point it at the fake. */
  baseUrl?: string;
  /** Per-request timeout, default 10 s. */
  timeoutMs?: number;
  /** Optional StatusCallback URL for messages and calls. */
  statusCallbackUrl?: string;
  /** Seconds a called phone rings before giving up (Twilio `Timeout`), default 30. */
  ringTimeoutSeconds?: number;
}

/** Twilio error codes that say "later" rather than "never". */
const RETRYABLE_TWILIO_CODES = new Set([20429, 21611, 30001]);

interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

export class TwilioProvider implements SmsVoiceProvider {
  readonly name = 'twilio';
  private readonly baseUrl: string;
  private readonly authorization: string;

  constructor(private readonly options: TwilioOptions) {
    if (!options.accountSid) throw new Error('TwilioProvider: accountSid is required');
    if (!options.authToken && !options.apiKey) throw new Error('TwilioProvider: authToken or apiKey is required');
    if (!options.from && !options.messagingServiceSid) throw new Error('TwilioProvider: from or messagingServiceSid is required');
    this.baseUrl = (options.baseUrl ?? DEFAULT_TWILIO_BASE_URL).replace(/\/+$/, '');
    const user = options.apiKey?.sid ?? options.accountSid;
    const pass = options.apiKey?.secret ?? options.authToken;
    this.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }

  private url(resource: 'Messages' | 'Calls'): string {
    return `${this.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(this.options.accountSid)}/${resource}.json`;
  }

  private async post(resource: 'Messages' | 'Calls', form: URLSearchParams, signal?: AbortSignal): Promise<{ id: string }> {
    const what = `twilio ${resource}`;
    if (signal?.aborted) throw new ChannelError(`${what}: aborted`, true, undefined, 'aborted');
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    let response: Response;
    try {
      response = await fetch(this.url(resource), {
        method: 'POST',
        headers: { Authorization: this.authorization, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        redirect: 'error',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const e = error as Error;
      const code = signal?.aborted ? 'aborted' : e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : 'network';
      const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
      throw new ChannelError(`${what}: ${e.message}${cause}`, true, undefined, code);
    }
    const text = await response.text().catch(() => '');
    let body: (TwilioErrorBody & { sid?: string }) | undefined;
    try {
      body = text ? (JSON.parse(text) as TwilioErrorBody & { sid?: string }) : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok) {
      if (!body?.sid) throw new ChannelError(`${what}: answer without sid`, true, undefined, 'invalid_response');
      return { id: body.sid };
    }
    const status = response.status;
    const twilioCode = typeof body?.code === 'number' ? body.code : undefined;
    const detail = body?.message ?? text.slice(0, 200);
    const message = `${what}: HTTP ${status}${twilioCode ? ` error ${twilioCode}` : ''}${detail ? `: ${detail}` : ''}`;
    const code = twilioCode ? `twilio_${twilioCode}` : `http_${status}`;
    if (status === 429) return this.fail(message, true, parseRetryAfter(response.headers.get('retry-after')), code);
    if (status >= 500 || status === 408) return this.fail(message, true, parseRetryAfter(response.headers.get('retry-after')), code);
    return this.fail(message, twilioCode !== undefined && RETRYABLE_TWILIO_CODES.has(twilioCode), undefined, code);
  }

  private fail(message: string, retryable: boolean, retryAfterMs: number | undefined, code: string): never {
    throw new ChannelError(message, retryable, retryAfterMs, code);
  }

  async sendSms(to: string, body: string, signal?: AbortSignal): Promise<{ id: string }> {
    const form = new URLSearchParams({ To: to, Body: body });
    if (this.options.messagingServiceSid) form.set('MessagingServiceSid', this.options.messagingServiceSid);
    else if (this.options.from) form.set('From', this.options.from);
    if (this.options.statusCallbackUrl) form.set('StatusCallback', this.options.statusCallbackUrl);
    return this.post('Messages', form, signal);
  }

  async call(to: string, twimlOrText: string, signal?: AbortSignal): Promise<{ id: string }> {
    const from = this.options.callerId ?? this.options.from;
    if (!from) throw new ChannelError('twilio Calls: no caller id configured (set from or callerId)', false, undefined, 'not_configured');
    const twiml = twimlOrText.trimStart().startsWith('<') ? twimlOrText : `<Response><Say>${escapeXml(twimlOrText)}</Say></Response>`;
    const form = new URLSearchParams({ To: to, From: from, Twiml: twiml, Timeout: String(this.options.ringTimeoutSeconds ?? 30) });
    if (this.options.statusCallbackUrl) form.set('StatusCallback', this.options.statusCallbackUrl);
    return this.post('Calls', form, signal);
  }
}

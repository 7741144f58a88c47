/**
 * Sentry web API client: update an issue (resolve, ignore, assign). Wire contract:
 * ../shared/reference/wire-contracts.md section 5.3. Plain `fetch`, a configurable base URL (tests
 * point it at test/fakes/sentry.ts), `Authorization: Bearer <token>` (scope `event:write`).
 * Failures throw `SentryError`; rate limits and server errors are `retryable`. Never retries itself.
 */
import { parseRetryAfter } from '../../shared/http.js';

export interface SentryClientOptions {
  /** API root, e.g. `https://sentry.io` or `https://sentry.example.com` (without `/api/0`). */
  baseUrl: string;
  token: string;
  /** Organization slug: `PUT /api/0/organizations/{org}/issues/{id}/`; without it `PUT /api/0/issues/{id}/`. */
  org?: string;
  fetchImpl?: typeof fetch;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

export interface SentryIssueUpdate {
  status?: 'resolved' | 'resolvedInNextRelease' | 'unresolved' | 'ignored';
  statusDetails?: { ignoreDuration?: number; ignoreCount?: number; ignoreWindow?: number; inRelease?: string; inNextRelease?: boolean };
  /** `user:<id>`, `team:<id>`, a username or an email; empty string unassigns. */
  assignedTo?: string;
}

export interface SentryIssueState {
  id: string;
  status: string | null;
  assignedTo: { type: string | null; id: string | null; name: string | null; email: string | null } | null;
}

export type SentryErrorCode =
  'unauthorized' | 'forbidden' | 'not_found' | 'bad_request' | 'rate_limited' | 'server_error' | 'http_error' | 'timeout' | 'network' | 'invalid_response';

export class SentryError extends Error {
  constructor(
    readonly status: number,
    readonly code: SentryErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SentryError';
  }

  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'server_error' || this.code === 'timeout' || this.code === 'network';
  }
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

function describe(data: unknown, text: string): string {
  if (isObj(data)) {
    if (typeof data.detail === 'string') return data.detail;
    const parts = Object.entries(data).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : JSON.stringify(v)}`);
    if (parts.length) return parts.join('; ');
  }
  return text.slice(0, 300) || 'no details';
}

export class SentryClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: SentryClientOptions) {
    const base = options.baseUrl
      ?.trim()
      .replace(/\/+$/, '')
      .replace(/\/api\/0$/, '');
    if (!base || !/^https?:\/\//i.test(base)) throw new Error('SentryClient: baseUrl must be an http(s) URL');
    if (!options.token) throw new Error('SentryClient: a token is required');
    this.baseUrl = base;
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  issuePath(issueId: string): string {
    const id = encodeURIComponent(issueId);
    return this.options.org ? `/api/0/organizations/${encodeURIComponent(this.options.org)}/issues/${id}/` : `/api/0/issues/${id}/`;
  }

  /** `PUT` the issue; returns its state as Sentry answers it. */
  async updateIssue(issueId: string, update: SentryIssueUpdate): Promise<SentryIssueState> {
    const path = this.issuePath(issueId);
    const where = `PUT ${path}`;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${this.options.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (cause) {
      const name = cause instanceof Error ? cause.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') throw new SentryError(0, 'timeout', `Sentry ${where}: no response within ${this.timeoutMs} ms`);
      const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
      throw new SentryError(0, 'network', `Sentry ${where}: cannot reach ${this.baseUrl}: ${reason}`);
    }
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      const s = res.status;
      const code: SentryErrorCode =
        s === 401
          ? 'unauthorized'
          : s === 403
            ? 'forbidden'
            : s === 404
              ? 'not_found'
              : s === 429
                ? 'rate_limited'
                : s >= 500
                  ? 'server_error'
                  : s === 400
                    ? 'bad_request'
                    : 'http_error';
      throw new SentryError(s, code, `Sentry ${where} failed with ${s}: ${describe(data, text)}`, parseRetryAfter(res.headers.get('retry-after')));
    }
    if (!isObj(data)) throw new SentryError(res.status, 'invalid_response', `Sentry ${where}: the answer is not an issue`);
    const a = isObj(data.assignedTo) ? data.assignedTo : null;
    return {
      id: str(data.id) ?? issueId,
      status: str(data.status),
      assignedTo: a ? { type: str(a.type), id: str(a.id), name: str(a.name), email: str(a.email) } : null,
    };
  }
}

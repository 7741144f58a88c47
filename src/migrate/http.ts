/**
 * A small JSON-over-HTTP reader for the source APIs (OpsGenie, PagerDuty): a configurable base URL,
 * an auth header, retries on 429 (honouring Retry-After / ratelimit-reset) and on 5xx or network errors
 * with exponential backoff, and clear messages for refused keys.
 */
import { parseRetryAfter } from '../integrations/shared/http.js';
import { silentProgress, type Progress } from './progress.js';

export class SourceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface SourceClientOptions {
  /** e.g. OpsGenie, PagerDuty: used in messages. */
  vendor: string;
  baseUrl: string;
  headers: Record<string, string>;
  progress?: Progress;
  /** Retries per request on 429 / 5xx / network errors (default 6). */
  maxRetries?: number;
  /** Longest single wait (default 120 s). */
  maxWaitMs?: number;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds to wait according to a 429 answer's headers, or undefined. */
export function retryAfterMs(headers: Headers): number | undefined {
  const ra = parseRetryAfter(headers.get('retry-after'));
  if (ra !== undefined) return ra;
  const reset = headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset');
  if (reset) {
    const s = Number(reset);
    // Seconds until reset (PagerDuty) or an epoch timestamp (some proxies).
    if (Number.isFinite(s) && s >= 0) return s > 1e9 ? Math.max(0, s * 1000 - Date.now()) : s * 1000;
  }
  const period = headers.get('x-ratelimit-period-in-sec');
  if (period && Number.isFinite(Number(period))) return Number(period) * 1000;
  return undefined;
}

export class SourceClient {
  readonly baseUrl: string;
  /** Requests sent (retries included). */
  requests = 0;
  private readonly progress: Progress;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SourceClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.progress = options.progress ?? silentProgress;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** The URL of a path (with query) on the source; absolute `next` links keep only path and query. */
  url(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) {
      const u = new URL(pathOrUrl);
      return `${this.baseUrl}${u.pathname}${u.search}`;
    }
    return `${this.baseUrl}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
  }

  /** GET a JSON document; undefined on 404 when `allow404`. */
  async get<T>(pathOrUrl: string, options: { allow404?: boolean } = {}): Promise<T> {
    const url = this.url(pathOrUrl);
    const max = this.options.maxRetries ?? 6;
    const cap = this.options.maxWaitMs ?? 120_000;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        this.requests += 1;
        res = await fetch(url, { headers: { accept: 'application/json', ...this.options.headers } });
      } catch (err) {
        if (attempt >= max) {
          const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
          throw new SourceError(`cannot reach ${this.options.vendor} at ${this.baseUrl}: ${cause}`);
        }
        await this.sleep(Math.min(cap, 500 * 2 ** attempt));
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        await res.text().catch(() => '');
        if (attempt >= max)
          throw new SourceError(`${this.options.vendor} answered ${res.status} to GET ${new URL(url).pathname} ${max + 1} times; try again later.`, res.status);
        const wait = Math.min(cap, res.status === 429 ? (retryAfterMs(res.headers) ?? 1000 * 2 ** attempt) : 500 * 2 ** attempt);
        if (res.status === 429) this.progress.note(`${this.options.vendor} rate limit reached: waiting ${Math.ceil(wait / 1000)} s`);
        await this.sleep(wait);
        continue;
      }
      const text = await res.text();
      if (res.status === 404 && options.allow404) return undefined as T;
      if (!res.ok) {
        let message = text.slice(0, 300);
        try {
          const body = JSON.parse(text) as { message?: string; error?: { message?: string; errors?: string[] } };
          message = body.message ?? body.error?.message ?? message;
        } catch {
          /* not JSON */
        }
        if (res.status === 401)
          throw new SourceError(`${this.options.vendor} refused the key (401 ${message}): check the key and the API URL (${this.baseUrl}).`, 401);
        if (res.status === 403)
          throw new SourceError(
            `${this.options.vendor} denied access to ${new URL(url).pathname} (403 ${message}): the key needs read access to the configuration.`,
            403,
          );
        throw new SourceError(`${this.options.vendor} answered ${res.status} to GET ${new URL(url).pathname}: ${message}`, res.status);
      }
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new SourceError(`${this.options.vendor} sent a body that is not JSON for GET ${new URL(url).pathname}`);
      }
    }
  }

  /** Runs `fn` over `items` with at most `concurrency` in flight; results keep the input order. */
  static async map<I, O>(items: I[], concurrency: number, fn: (item: I, index: number) => Promise<O>): Promise<O[]> {
    const out = new Array<O>(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return out;
  }
}

/**
 * HTTP helpers shared by the adapters: the HTTP API (`http/`), the vendor clients and inbound mappers
 * (`integrations/`) and the migration tools. It imports nothing from the layers, so each may use it.
 */
import { timingSafeEqual } from 'node:crypto';

/**
 * Milliseconds to wait from a `Retry-After` header: delay-seconds ("120", fractions accepted) or an
 * HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT", counted from `nowMs`; a past date is 0). Undefined when
 * the header is absent, empty or unreadable (a negative number, "soon").
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (/^[+-]?[\d.]/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/**
 * Constant-time equality of a secret value (a signature, a digest) with the one given. Values of
 * different lengths are unequal; only the length can be learnt from the time taken.
 */
export function safeEqual(expected: Buffer | string, given: Buffer | string): boolean {
  const a = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  const b = typeof given === 'string' ? Buffer.from(given, 'utf8') : given;
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A token bucket per key: up to `burst` requests at once, refilled at `perSecond`. `take` spends one
 * token and answers 0, or, when the bucket is empty, the whole seconds to wait (for `Retry-After`).
 * At most `maxKeys` buckets are kept; past that they all start again full.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }
}

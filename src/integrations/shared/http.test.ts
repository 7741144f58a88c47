import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter, parseRetryAfter, safeEqual } from './http.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date, counted from now; a past date is 0', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('   ')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1e3', now)).toBeUndefined();
  });
});

describe('safeEqual', () => {
  it('compares strings and bytes', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual(Buffer.from('00ff', 'hex'), Buffer.from('00ff', 'hex'))).toBe(true);
    expect(safeEqual(Buffer.from('00ff', 'hex'), 'x')).toBe(false);
  });

  it('is false for different lengths, without throwing', () => {
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(Buffer.alloc(32), Buffer.alloc(0))).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});

describe('TokenBucketLimiter', () => {
  it('allows a burst, then one request per refilled token, and says how long to wait', () => {
    let t = 0;
    const limiter = new TokenBucketLimiter(2, 3, () => t);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    // Another key has its own bucket.
    expect(limiter.take('b')).toBe(0);
    t += 500;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    t += 10_000;
    // Refilled up to the burst, not beyond.
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0, 1]);
  });

  it('rounds the wait up to whole seconds at a slow rate', () => {
    let t = 0;
    const limiter = new TokenBucketLimiter(0.1, 1, () => t);
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBe(10);
    t += 5000;
    expect(limiter.take('k')).toBe(5);
  });

  it('keeps a bounded number of buckets', () => {
    const t = 0;
    const limiter = new TokenBucketLimiter(1, 1, () => t, 2);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('b')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    // A third key starts every bucket again.
    expect(limiter.take('c')).toBe(0);
    expect(limiter.take('a')).toBe(0);
  });
});

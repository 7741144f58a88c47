import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { assertCleanJson, assertSpan, badCharIndex, findBadText, MAX_INSTANT_MS, MAX_JSON_DEPTH, MIN_INSTANT_MS, parseInstant } from './validate.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
};

describe('instants', () => {
  it('accepts epoch milliseconds and ISO 8601 between 2000 and 2200', () => {
    expect(parseInstant(Date.UTC(2026, 0, 1), 'at')).toBe(Date.UTC(2026, 0, 1));
    expect(parseInstant('2026-01-01T00:00:00Z', 'at')).toBe(Date.UTC(2026, 0, 1));
    expect(parseInstant(String(Date.UTC(2026, 0, 1)), 'at')).toBe(Date.UTC(2026, 0, 1));
    expect(parseInstant(MIN_INSTANT_MS, 'at')).toBe(MIN_INSTANT_MS);
    expect(parseInstant(MAX_INSTANT_MS, 'at')).toBe(MAX_INSTANT_MS);
  });
  it.each([1e308, -1, Number.MAX_SAFE_INTEGER + 2, 1.5, Number.NaN, '9999-12-31T00:00:00Z', '1e308', '99999999999999999999', '', 'soon', '+275760-09-13T00:00:00Z'])(
    'refuses %s, naming the field',
    (v) => {
      expect(codeOf(() => parseInstant(v as number | string, 'end'))).toBe('invalid_time');
    },
  );
  it('caps spans', () => {
    const t = Date.UTC(2026, 0, 1);
    expect(codeOf(() => assertSpan(t, t + 366 * 86_400_000, 366 * 86_400_000, 'A swap'))).toBeUndefined();
    expect(codeOf(() => assertSpan(t, t + 367 * 86_400_000, 366 * 86_400_000, 'A swap'))).toBe('invalid_range');
    expect(codeOf(() => assertSpan(t, t, 86_400_000, 'A swap'))).toBe('invalid_range');
  });
});

describe('text', () => {
  it('finds NUL characters and lone surrogates, not surrogate pairs', () => {
    expect(badCharIndex('plain text, émoji 🚨')).toBe(-1);
    expect(badCharIndex('a\u0000b')).toBe(1);
    expect(badCharIndex('a\ud800')).toBe(1);
    expect(badCharIndex('\udc00a')).toBe(0);
    expect(badCharIndex('\ud83d\udea8')).toBe(-1);
  });
  it('names the field, keys included, and refuses deep nesting without overflowing', () => {
    expect(findBadText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ path: 'a[1].c', problem: 'bad_text' });
    expect(findBadText({ ['k\ud800']: 1 })).toEqual({ path: 'k\ud800', problem: 'bad_text' });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findBadText(deep)?.problem).toBe('too_deep');
    let ok: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) ok = { a: ok };
    expect(findBadText(ok)).toBeUndefined();
    expect(codeOf(() => assertCleanJson({ from: '\u0000' }, 'query'))).toBe('invalid_text');
  });
});

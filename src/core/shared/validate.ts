import { IANAZone } from 'luxon';
import { invalid } from './errors.js';

export const isValidTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);

export function assertTimeZone(zone: string, field = 'timeZone'): void {
  if (!isValidTimeZone(zone)) {
    throw invalid('invalid_time_zone', `${field}: "${zone}" is not an IANA time zone (e.g. Europe/Paris).`, { field });
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$|^[^\s@]+@localhost$/;

export function normalizeEmail(email: string, field = 'email'): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw invalid('invalid_email', `${field}: "${email}" is not an email address.`, { field });
  return e;
}

/** E.164 phone numbers: + then 8 to 15 digits. */
export function normalizePhone(phone: string, field = 'phone'): string {
  const p = phone.replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{7,14}$/.test(p)) {
    throw invalid('invalid_phone', `${field}: "${phone}" is not a phone number in E.164 form (e.g. +14155550123).`, { field });
  }
  return p;
}

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

export function requireText(value: string, field: string, max = 200): string {
  const v = value.trim();
  if (!v) throw invalid('invalid_field', `${field} must not be empty.`, { field });
  if (v.length > max) throw invalid('invalid_field', `${field} must be at most ${max} characters.`, { field });
  return v;
}

// ---------------------------------------------------------------------------------------------
// Bounds: every instant, duration and page is checked before any work depends on it.

const DAY_MS = 86_400_000;

/** The earliest instant Vigil accepts: 2000-01-01T00:00:00Z. */
export const MIN_INSTANT_MS = Date.UTC(2000, 0, 1);
/** The latest instant Vigil accepts: 2200-01-01T00:00:00Z. */
export const MAX_INSTANT_MS = Date.UTC(2200, 0, 1);

/** The longest spans accepted, in milliseconds (documented in docs/security.md). */
export const MAX_SPAN_MS = {
  /** A swap request: at most a year of shifts given away at once. */
  swap: 366 * DAY_MS,
  /** An override. */
  override: 366 * DAY_MS,
  /** A maintenance window. */
  maintenance: 366 * DAY_MS,
  /** A snooze. */
  snooze: 366 * DAY_MS,
  /** A query window: shifts, overrides, reports, availability and sprint windows. */
  window: 400 * DAY_MS,
  /** Any expansion of a schedule (a window plus the override look-back, with margin). */
  expansion: 5 * 366 * DAY_MS,
} as const;

/** The largest `offset` of a paged list, and the largest `limit` any list accepts. */
export const MAX_OFFSET = 1_000_000;
export const MAX_LIMIT = 5_000;

/** Throws `invalid_time` unless `ms` is a whole number of milliseconds between 2000 and 2200. */
export function assertInstant(ms: number, field: string): number {
  if (!Number.isSafeInteger(ms) || ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) {
    throw invalid('invalid_time', `${field}: must be an instant between 2000-01-01 and 2200-01-01 (epoch milliseconds or ISO 8601).`, { field });
  }
  return ms;
}

/** An instant given as epoch milliseconds (number or digits) or an ISO 8601 date-time; bounded. */
export function parseInstant(value: number | string, field: string): number {
  if (typeof value === 'number') return assertInstant(value, field);
  if (typeof value !== 'string' || value.length > 64) throw invalid('invalid_time', `${field}: is not an instant (epoch ms or ISO 8601).`, { field });
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : /^\d/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid('invalid_time', `${field}: "${value}" is not an instant (epoch ms or ISO 8601).`, { field });
  return assertInstant(ms, field);
}

/** Throws `invalid_range` unless end > start and the span is at most `maxMs`. */
export function assertSpan(start: number, end: number, maxMs: number, what: string, field = 'end'): void {
  assertInstant(start, field === 'end' ? 'start' : 'from');
  assertInstant(end, field);
  if (!(end > start)) throw invalid('invalid_range', `${field} must be after ${field === 'end' ? 'start' : 'from'}.`, { field });
  if (end - start > maxMs) {
    throw invalid('invalid_range', `${what} may span at most ${Math.round(maxMs / DAY_MS)} days.`, { field, maxDays: Math.round(maxMs / DAY_MS) });
  }
}

/** Throws `invalid_field` unless `n` is a whole number in [min, max]. */
export function assertIntIn(n: number, min: number, max: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid('invalid_field', `${field} must be a whole number from ${min} to ${max}.`, { field });
  return n;
}

/** The first NUL character or lone surrogate in `s`, as a position, or -1. */
/** Any NUL or surrogate code unit (matched one unit at a time: no `u` flag). */
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000\ud800-\udfff]/;

export function badCharIndex(s: string): number {
  // Nearly all text has neither: one native scan, then the exact walk only when one is present.
  if (!SUSPECT.test(s)) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return i;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** How deeply a JSON body may nest objects and arrays. */
export const MAX_JSON_DEPTH = 64;

/**
 * The first problem in a parsed JSON value, with its path (a.b[2].c): a string (value or key) that
 * holds a NUL character or a lone surrogate, or nesting deeper than MAX_JSON_DEPTH. Walks
 * iteratively, so deep nesting cannot overflow the stack.
 */
/** A value to look at, with how it was reached (the path is spelled out only for a finding). */
interface Frame {
  v: unknown;
  up: Frame | undefined;
  key: string | number | undefined;
  depth: number;
}

function pathOf(f: Frame, root: string): string {
  const keys: Array<string | number> = [];
  for (let c: Frame | undefined = f; c && c.key !== undefined; c = c.up) keys.push(c.key);
  let path = root;
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    path = typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k;
  }
  return path || '(root)';
}

export function findBadText(value: unknown, root = ''): { path: string; problem: 'bad_text' | 'too_deep' } | undefined {
  const stack: Frame[] = [{ v: value, up: undefined, key: undefined, depth: 0 }];
  while (stack.length) {
    const f = stack.pop()!;
    const v = f.v;
    if (typeof v === 'string') {
      if (badCharIndex(v) >= 0) return { path: pathOf(f, root), problem: 'bad_text' };
    } else if (v !== null && typeof v === 'object') {
      if (f.depth >= MAX_JSON_DEPTH) return { path: pathOf(f, root), problem: 'too_deep' };
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], up: f, key: i, depth: f.depth + 1 });
      } else {
        const o = v as Record<string, unknown>;
        for (const k in o) {
          if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
          const child: Frame = { v: o[k], up: f, key: k, depth: f.depth + 1 };
          if (badCharIndex(k) >= 0) return { path: pathOf(child, root), problem: 'bad_text' };
          stack.push(child);
        }
      }
    }
  }
  return undefined;
}

/** Throws a 400 (`invalid_text` or `too_deeply_nested`) naming the field, for `findBadText`'s findings. */
export function assertCleanJson(value: unknown, where: 'body' | 'query' | 'params' = 'body'): void {
  const bad = findBadText(value);
  if (!bad) return;
  const field = where === 'body' ? bad.path : `${where}.${bad.path}`;
  if (bad.problem === 'too_deep') throw invalid('too_deeply_nested', `${field}: the ${where} nests deeper than ${MAX_JSON_DEPTH} levels.`, { field, in: where });
  throw invalid('invalid_text', `${field}: NUL characters and unpaired surrogates are not accepted in text.`, { field, in: where });
}

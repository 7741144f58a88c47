/** Display helpers shared by pages. */
import type { Timestamp } from './api.ts';

const toDate = (t: Timestamp): Date => new Date(t);

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(t: Timestamp | null | undefined): string {
  if (t === null || t === undefined) return '—';
  const d = toDate(t);
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d);
}

export function formatDate(t: Timestamp | null | undefined): string {
  if (t === null || t === undefined) return '—';
  const d = toDate(t);
  return Number.isNaN(d.getTime()) ? '—' : dateOnly.format(d);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 minutes ago", "in 2 days", "just now". */
export function formatRelative(t: Timestamp | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined) return '—';
  const ms = toDate(t).getTime();
  if (Number.isNaN(ms)) return '—';
  const diff = ms - now;
  if (Math.abs(diff) < 60_000) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(diff) >= size) return relative.format(Math.round(diff / size), unit);
  }
  return relative.format(Math.round(diff / 60_000), 'minute');
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0]!.charAt(0);
  const last = parts.length > 1 ? parts[parts.length - 1]!.charAt(0) : '';
  return (first + last).toUpperCase();
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

let zones: string[] | undefined;

/** IANA time zones the browser knows, UTC first. */
export function timeZones(): string[] {
  if (!zones) {
    let list: string[] = [];
    try {
      list = Intl.supportedValuesOf('timeZone');
    } catch {
      list = [];
    }
    zones = ['UTC', ...list.filter((z) => z !== 'UTC')];
  }
  return zones;
}

/** The browser's own time zone, or UTC. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** A dense age for tables: "45s", "12m", "3h 5m", "2d 4h". */
export function formatAge(t: Timestamp | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined) return '—';
  const ms = now - toDate(t).getTime();
  if (Number.isNaN(ms)) return '—';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** "1 alert", "3 alerts". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 minutes", "1 hour 30 minutes", "now" for 0. */
export function formatMinutes(minutes: number): string {
  if (minutes <= 0) return 'now';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h ? plural(h, 'hour') : '', m ? plural(m, 'minute') : ''].filter(Boolean);
  return parts.join(' ');
}

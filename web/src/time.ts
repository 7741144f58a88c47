/**
 * Time-zone-explicit date helpers for schedules.
 *
 * A schedule lives in one IANA zone: its hand-offs, dates and the timeline are shown in that zone, and
 * every place that shows a time says which zone it is (the viewer's own zone is offered on hover).
 * Arithmetic (start of day/week/month, DST-aware steps) uses luxon; formatting uses Intl.
 */
import { DateTime } from 'luxon';
import { browserTimeZone } from './format.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type TimelineView = 'day' | 'week' | 'month';
export const TIMELINE_VIEWS: readonly TimelineView[] = ['day', 'week', 'month'];

const at = (ms: number, zone: string): DateTime => DateTime.fromMillis(ms, { zone });

/** The viewer's zone (the browser's). */
export function viewerZone(): string {
  return browserTimeZone();
}

/** "America/New York" — an IANA name made readable. */
export function zoneName(zone: string): string {
  return zone.replace(/_/g, ' ');
}

/** "UTC+01:00" at that instant (offsets change with DST). */
export function zoneOffset(ms: number, zone: string): string {
  const o = at(ms, zone).offset;
  if (o === 0) return 'UTC';
  const sign = o < 0 ? '−' : '+';
  const abs = Math.abs(o);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "Europe/Berlin (UTC+01:00)". */
export function zoneLabel(zone: string, ms = Date.now()): string {
  const offset = zoneOffset(ms, zone);
  return offset === zone ? zone : `${zoneName(zone)} (${offset})`;
}

// ---------------------------------------------------------------------------------------------
// Formatting in a zone

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, kind: 'time' | 'day' | 'dayYear' | 'dateTime' | 'dateTimeYear' | 'long' | 'month' | 'weekday'): Intl.DateTimeFormat {
  const key = `${zone}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const time: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    const day: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short' };
    const options: Record<typeof kind, Intl.DateTimeFormatOptions> = {
      time,
      day,
      dayYear: { ...day, year: 'numeric' },
      dateTime: { ...day, ...time },
      dateTimeYear: { ...day, year: 'numeric', ...time },
      long: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
      month: { month: 'long', year: 'numeric' },
      weekday: { weekday: 'short' },
    };
    f = new Intl.DateTimeFormat(undefined, { ...options[kind], timeZone: zone });
    formatters.set(key, f);
  }
  return f;
}

const sameYear = (ms: number, zone: string, now = Date.now()): boolean => at(ms, zone).year === at(now, zone).year;

/** "09:00". */
export function formatTimeIn(ms: number, zone: string): string {
  return formatter(zone, 'time').format(ms);
}

/** "Mon, Feb 2" (with the year when it is not this year). */
export function formatDayIn(ms: number, zone: string): string {
  return formatter(zone, sameYear(ms, zone) ? 'day' : 'dayYear').format(ms);
}

/** "Mon, Feb 2, 09:00" (with the year when it is not this year). */
export function formatDateTimeIn(ms: number, zone: string): string {
  return formatter(zone, sameYear(ms, zone) ? 'dateTime' : 'dateTimeYear').format(ms);
}

/** "Monday, February 2, 2026". */
export function formatLongDateIn(ms: number, zone: string): string {
  return formatter(zone, 'long').format(ms);
}

/** "Mon". */
export function formatWeekdayIn(ms: number, zone: string): string {
  return formatter(zone, 'weekday').format(ms);
}

/** "Mon, Feb 2, 09:00 – 17:00" on one day, else "Mon, Feb 2, 09:00 – Mon, Feb 9, 09:00". */
export function formatRangeIn(start: number, end: number, zone: string): string {
  const a = at(start, zone);
  // An interval ending at midnight reads as ending that day ("Mon 00:00 – 24:00" would confuse).
  const b = at(end, zone);
  if (a.hasSame(b, 'day')) return `${formatDateTimeIn(start, zone)} – ${formatTimeIn(end, zone)}`;
  return `${formatDateTimeIn(start, zone)} – ${formatDateTimeIn(end, zone)}`;
}

/** "Your time (America/New York, UTC−05:00): Mon, Feb 2, 03:00 – …" for a title attribute. */
export function viewerHint(start: number, end?: number): string {
  const zone = viewerZone();
  const text = end === undefined ? formatDateTimeIn(start, zone) : formatRangeIn(start, end, zone);
  return `Your time (${zoneName(zone)}, ${zoneOffset(start, zone)}): ${text}`;
}

/** "1 week", "3 days 4 hours", "45 minutes". */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  const parts: string[] = [];
  const units: Array<[string, number]> = [
    ['week', 7 * 24 * 60],
    ['day', 24 * 60],
    ['hour', 60],
    ['minute', 1],
  ];
  let rest = minutes;
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      rest -= n * size;
    }
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join(' ') : 'less than a minute';
}

// ---------------------------------------------------------------------------------------------
// Timeline ranges

/** The [from, to) shown by a view around `anchor`: the zone's day, ISO week (Monday first) or month. */
export function viewRange(view: TimelineView, anchor: number, zone: string): { from: number; to: number } {
  const start = at(anchor, zone).startOf(view);
  return { from: start.toMillis(), to: start.plus({ [`${view}s`]: 1 }).toMillis() };
}

/** The anchor one view earlier or later (DST-aware: a day is a calendar day in the zone). */
export function stepView(view: TimelineView, anchor: number, zone: string, direction: 1 | -1): number {
  return at(anchor, zone)
    .plus({ [`${view}s`]: direction })
    .toMillis();
}

/** "Monday, February 2, 2026", "Feb 2 – Feb 8, 2026", "February 2026". */
export function viewTitle(view: TimelineView, from: number, to: number, zone: string): string {
  if (view === 'day') return formatLongDateIn(from, zone);
  if (view === 'month') return formatter(zone, 'month').format(from);
  const last = to - 1;
  const year = at(last, zone).year;
  const short = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: zone });
  return `${short.format(from)} – ${short.format(last)}, ${year}`;
}

export interface Tick {
  at: number;
  label: string;
  /** Day boundaries (or week boundaries in the month view): a stronger grid line. */
  major: boolean;
}

/** Grid lines and labels for a view, in the zone (so DST days have 23 or 25 hours). */
export function viewTicks(view: TimelineView, from: number, to: number, zone: string): Tick[] {
  const ticks: Tick[] = [];
  let t = at(from, zone);
  const step = view === 'day' ? { hours: 1 } : { days: 1 };
  for (let i = 0; i < 400 && t.toMillis() < to; i++) {
    const ms = t.toMillis();
    if (view === 'day') {
      ticks.push({ at: ms, label: t.hour % 3 === 0 ? formatTimeIn(ms, zone) : '', major: t.hour === 0 });
    } else if (view === 'week') {
      ticks.push({ at: ms, label: `${formatWeekdayIn(ms, zone)} ${t.day}`, major: true });
    } else {
      ticks.push({ at: ms, label: String(t.day), major: t.weekday === 1 });
    }
    t = t.plus(step);
  }
  return ticks;
}

// ---------------------------------------------------------------------------------------------
// Form values in a zone

/** 'YYYY-MM-DDTHH:mm' for <input type="datetime-local">, read in `zone`. */
export function toZonedInput(ms: number, zone: string): string {
  return at(ms, zone).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** The instant of a datetime-local value read in `zone`, or null when empty or invalid. */
export function fromZonedInput(value: string, zone: string): number | null {
  if (!value) return null;
  const d = DateTime.fromISO(value, { zone });
  return d.isValid ? d.toMillis() : null;
}

/** 'YYYY-MM-DD' of the instant in `zone`. */
export function zonedDate(ms: number, zone: string): string {
  return at(ms, zone).toFormat('yyyy-MM-dd');
}

/** The instant a date ('YYYY-MM-DD') starts in `zone`. */
export function startOfDateIn(date: string, zone: string): number | null {
  const d = DateTime.fromISO(date, { zone });
  return d.isValid ? d.startOf('day').toMillis() : null;
}

/** Rounds an instant to the nearest multiple of `stepMinutes` on the zone's wall clock (09:00, 09:15…). */
export function snapIn(ms: number, stepMinutes: number, zone: string): number {
  const step = stepMinutes * MINUTE;
  const offset = at(ms, zone).offset * MINUTE;
  return Math.round((ms + offset) / step) * step - offset;
}

/** The next full hour on the zone's wall clock after `ms`. */
export function nextHourIn(ms: number, zone: string): number {
  return at(ms, zone).startOf('hour').plus({ hours: 1 }).toMillis();
}

/** Merges touching pieces of the same person into one shift (the API splits at every change). */
export function mergeTouching<T extends { userId: string; start: number; end: number }>(shifts: T[]): T[] {
  const out: T[] = [];
  for (const s of [...shifts].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && last.userId === s.userId && last.end === s.start) out[out.length - 1] = { ...last, end: s.end };
    else out.push({ ...s });
  }
  return out;
}

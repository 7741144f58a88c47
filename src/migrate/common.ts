/**
 * Helpers shared by the OpsGenie and PagerDuty mappers: the list of what could not be carried over,
 * unique slugs, wall-clock conversion in a schedule's zone (Vigil's own zone arithmetic, so a layer
 * means in Vigil exactly what the source meant), and rotation -> layer conversion.
 */
import type { Layer, Restriction } from '../core/schedules/model.js';
import { isoWeekdayOfDay, layerShifts, parseDate, parseTime, zoneOffsets } from '../core/schedules/rotation.js';
import { isValidTimeZone, slugify } from '../core/shared/validate.js';
import type { UnmappedItem, UnmappedKind, VigilContactsDoc, VigilDocument, VigilLayerDoc, VigilPolicyDoc, VigilScheduleDoc, VigilServiceDoc, VigilTeamDoc, VigilUserDoc } from './types.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

export class Unmapped {
  readonly items: UnmappedItem[] = [];
  skip(kind: UnmappedKind, source: string, reason: string): void {
    this.items.push({ kind, source, status: 'skipped', reason });
  }
  approx(kind: UnmappedKind, source: string, reason: string): void {
    this.items.push({ kind, source, status: 'approximated', reason });
  }
}

/** Unique slugs per section: `platform`, `platform-2`... */
export class Slugs {
  private readonly used = new Set<string>();
  take(name: string, fallback: string): string {
    let base = slugify(name);
    if (!/^[a-z0-9]/.test(base)) base = slugify(fallback) || 'imported';
    base = base.slice(0, 56).replace(/-+$/, '');
    let slug = base;
    for (let i = 2; this.used.has(slug); i++) slug = `${base}-${i}`;
    this.used.add(slug);
    return slug;
  }
}

/** Unique names within a list (layer names identify layers on re-apply): `Nights`, `Nights (2)`... */
export class Names {
  private readonly used = new Set<string>();
  take(name: string): string {
    const base = name.trim().slice(0, 190) || 'Layer';
    let n = base;
    for (let i = 2; this.used.has(n); i++) n = `${base} (${i})`;
    this.used.add(n);
    return n;
  }
}

export const validZone = (zone: unknown): zone is string => typeof zone === 'string' && zone !== '' && isValidTimeZone(zone);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const normEmail = (s: unknown): string | undefined => {
  if (typeof s !== 'string') return undefined;
  const e = s.trim().toLowerCase();
  return EMAIL.test(e) && e.length <= 254 ? e : undefined;
};

/** A phone number in E.164 (+ and 8 to 15 digits), or undefined. */
export function toE164(raw: string | undefined | null, countryCode?: number | string | null): string | undefined {
  if (!raw) return undefined;
  let s = raw.trim();
  // OpsGenie writes "49-15112345678" (country code, dash, number).
  const og = /^\+?(\d{1,3})-(\d[\d\s]*)$/.exec(s);
  if (og) s = `+${og[1]}${og[2]}`;
  s = s.replace(/[\s().-]/g, '');
  if (!s.startsWith('+')) s = countryCode !== undefined && countryCode !== null && countryCode !== '' ? `+${countryCode}${s.replace(/^0+/, '')}` : `+${s}`;
  return /^\+[1-9]\d{7,14}$/.test(s) ? s : undefined;
}

/** The vigil.yaml document of an import: only the sections that have something. */
export function vigilDocument(parts: {
  users: VigilUserDoc[];
  contacts?: VigilContactsDoc[];
  teams: VigilTeamDoc[];
  schedules: VigilScheduleDoc[];
  policies: VigilPolicyDoc[];
  services: VigilServiceDoc[];
}): VigilDocument {
  const { users, teams, schedules, policies, services } = parts;
  const contacts = (parts.contacts ?? []).filter((c) => c.methods.length > 0);
  return {
    version: 1,
    ...(users.length ? { users } : {}),
    ...(contacts.length ? { contacts } : {}),
    ...(teams.length ? { teams } : {}),
    ...(schedules.length ? { schedules } : {}),
    ...(policies.length ? { escalationPolicies: policies } : {}),
    ...(services.length ? { services } : {}),
  };
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');
/** 'HH:MM' of minutes after midnight (taken modulo a day). */
export const hhmm = (minutes: number): string => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
};

export interface LocalParts {
  /** 'YYYY-MM-DD' in the zone. */
  date: string;
  /** 'HH:MM' in the zone. */
  time: string;
  /** Seconds and milliseconds past the minute. */
  subMinuteMs: number;
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** Minutes after local midnight. */
  minuteOfDay: number;
}

/** The wall-clock date and time of an instant in a zone. */
export function localParts(ms: number, zone: string): LocalParts {
  const local = zoneOffsets(zone).toLocal(ms);
  const day = Math.floor(local / DAY);
  const within = local - day * DAY;
  const minuteOfDay = Math.floor(within / MINUTE);
  return {
    date: new Date(day * DAY).toISOString().slice(0, 10),
    time: hhmm(minuteOfDay),
    subMinuteMs: within - minuteOfDay * MINUTE,
    weekday: isoWeekdayOfDay(day),
    minuteOfDay,
  };
}

/** The instant of a wall-clock date and time in a zone, as Vigil resolves it. */
export function instantOf(date: string, time: string, zone: string): number {
  return zoneOffsets(zone).toInstant(parseDate(date)! * DAY + parseTime(time)! * MINUTE);
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

const MAX_LENGTH = { hour: 24 * 366, day: 366, week: 52 } as const;

export interface RotationSpec {
  /** For messages, e.g. `schedule "Platform" rotation "Nights"`. */
  label: string;
  name: string;
  /** Emails, in rotation order. */
  participants: string[];
  unit: 'hour' | 'day' | 'week';
  length: number;
  /** The instant a shift starts (any shift: the participants are in the order starting there). */
  anchor: number;
  /** Exclusive end of the rotation, if any. */
  end?: number | null;
  restrictions?: Restriction[];
  zone: string;
}

/**
 * A Vigil layer for a rotation, or undefined (with the reason recorded) when it cannot be expressed.
 * Approximations (seconds dropped, an end that is not at a hand-off) are recorded too.
 */
export function toLayer(spec: RotationSpec, out: Unmapped): VigilLayerDoc | undefined {
  let { unit, length } = spec;
  if (unit === 'day' && length % 7 === 0 && length / 7 <= MAX_LENGTH.week) {
    unit = 'week';
    length /= 7;
  }
  if (!Number.isInteger(length) || length < 1 || length > MAX_LENGTH[unit]) {
    out.skip(
      'rotation',
      spec.label,
      `a shift of ${spec.length} ${spec.unit}(s) is not expressible: Vigil shifts are 1-${MAX_LENGTH.hour} hours, 1-${MAX_LENGTH.day} days or 1-${MAX_LENGTH.week} weeks`,
    );
    return undefined;
  }
  if (spec.participants.length === 0) {
    out.skip('rotation', spec.label, 'no participant could be imported');
    return undefined;
  }
  let anchor = spec.anchor;
  const p0 = localParts(anchor, spec.zone);
  if (p0.subMinuteMs !== 0) {
    out.approx(
      'rotation',
      spec.label,
      `hand-off at ${p0.time}:${pad2(Math.floor(p0.subMinuteMs / 1000))} rounded down to ${p0.time}: Vigil hand-offs are whole minutes`,
    );
    anchor -= p0.subMinuteMs;
  }
  const p = localParts(anchor, spec.zone);
  if (instantOf(p.date, p.time, spec.zone) !== anchor) {
    out.approx('rotation', spec.label, `the hand-off ${p.date} ${p.time} happens twice in ${spec.zone} (clocks go back); Vigil uses the first`);
  }
  const layer: VigilLayerDoc = {
    name: spec.name,
    participants: spec.participants,
    shift: { unit, length },
    handoffTime: p.time,
    ...(unit === 'week' ? { handoffWeekday: p.weekday } : {}),
    startDate: p.date,
  };
  if (spec.end !== undefined && spec.end !== null) {
    const e = localParts(spec.end, spec.zone);
    let endDate = e.date;
    if (e.time !== p.time || e.subMinuteMs !== 0) {
      // Vigil ends a layer at its hand-off time on endDate: take the first such instant at or after the end.
      if (instantOf(endDate, p.time, spec.zone) < spec.end) endDate = new Date((parseDate(endDate)! + 1) * DAY).toISOString().slice(0, 10);
      out.approx('rotation', spec.label, `ends ${iso(spec.end)}; Vigil ends a layer at its hand-off time (${p.time}), so it ends ${endDate} ${p.time}`);
    }
    if (endDate > layer.startDate) layer.endDate = endDate;
  }
  if (spec.restrictions && spec.restrictions.length) layer.restrictions = spec.restrictions;
  return layer;
}

/** The layer as Vigil's rotation math sees it (participants stay emails: the math does not care). */
export function mathLayer(l: VigilLayerDoc, id: string): Layer {
  return {
    id,
    name: l.name,
    participants: l.participants,
    shift: l.shift,
    handoffTime: l.handoffTime,
    handoffWeekday: (l.handoffWeekday as Layer['handoffWeekday']) ?? null,
    startDate: l.startDate,
    endDate: l.endDate ?? null,
    restrictions: l.restrictions ?? null,
    mode: l.mode ?? null,
  };
}

/** Where a layer has coverage in [from, to), merged into intervals. */
export function coverage(l: VigilLayerDoc, zone: string, from: number, to: number): Array<{ start: number; end: number; userId: string }> {
  if (!(to > from)) return [];
  return layerShifts(mathLayer(l, 'x'), zone, from, to).map((s) => ({ start: s.start, end: s.end, userId: s.userId }));
}

/** The first instant in [from, to) where two of the layers both have coverage, if any. */
export function firstOverlap(layers: VigilLayerDoc[], zone: string, from: number, to: number): { at: number; a: number; b: number } | undefined {
  const cov = layers.map((l) => coverage(l, zone, from, to));
  let best: { at: number; a: number; b: number } | undefined;
  for (let a = 0; a < cov.length; a++) {
    for (let b = a + 1; b < cov.length; b++) {
      let i = 0;
      let j = 0;
      const x = cov[a]!;
      const y = cov[b]!;
      while (i < x.length && j < y.length) {
        const s = Math.max(x[i]!.start, y[j]!.start);
        const e = Math.min(x[i]!.end, y[j]!.end);
        if (e > s) {
          if (!best || s < best.at) best = { at: s, a, b };
          break;
        }
        if (x[i]!.end <= y[j]!.end) i++;
        else j++;
      }
    }
  }
  return best;
}

/** Rotates a list left by k (k may be negative or larger than the list). */
export function rotateLeft<T>(list: T[], k: number): T[] {
  const n = list.length;
  if (n === 0) return list;
  const s = ((k % n) + n) % n;
  return [...list.slice(s), ...list.slice(0, s)];
}

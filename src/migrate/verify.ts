/**
 * Verification after an import: for every imported schedule, who does the source say is on call, and
 * who does Vigil say, at every instant where either side hands off plus every 15 minutes, over a window
 * that by default also contains the next daylight-saving change of each schedule's zone. Vigil's final
 * shifts for the window are fetched once (their boundaries are Vigil's hand-offs); the source is asked
 * per instant or per range (whatever it offers) and may name its own hand-offs. A disagreement at an
 * instant holds until the next instant checked, so differences are reported as time ranges with both
 * sides' answers.
 */
import { IANAZone } from 'luxon';
import { DAY, MINUTE } from './common.js';
import { silentProgress, type Progress } from './progress.js';
import type { ScheduleLink } from './types.js';

export const STEP_MS = 15 * MINUTE;

export interface Difference {
  schedule: string;
  name: string;
  at: string;
  /** Until the next instant checked (exclusive). */
  until: string;
  source: string[];
  vigil: string[];
}

export interface DifferenceRange {
  schedule: string;
  name: string;
  from: string;
  to: string;
  minutes: number;
  hours: number;
  source: string[];
  vigil: string[];
}

export interface VerifyReport {
  vendor: string;
  from: string;
  to: string;
  /** Instants of the 15-minute grid per schedule (each schedule adds its hand-off instants). */
  instantsPerSchedule: number;
  stepMinutes: number;
  /** The next daylight-saving change of each schedule's zone (ISO), when it has one within a year. */
  dstChanges: Record<string, string>;
  schedules: Array<{ slug: string; name: string; checked: number; handoffs: number; differences: number; differentMinutes: number }>;
  differences: Difference[];
  ranges: DifferenceRange[];
}

export interface VigilReader {
  get<T>(path: string): Promise<T>;
}

interface ShiftsResponse {
  final: Array<{ start: number; end: number; userId: string; user?: { email: string } }>;
}

/** The first instant after `from` (within `withinMs`) where the zone's UTC offset changes. */
export function nextOffsetChange(zone: string, from: number, withinMs = 400 * DAY): number | undefined {
  const z = IANAZone.create(zone);
  if (!z.isValid) return undefined;
  const o0 = z.offset(from);
  for (let t = from + DAY; t <= from + withinMs; t += DAY) {
    if (z.offset(t) === o0) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (z.offset(mid) === o0) lo = mid;
      else hi = mid;
    }
    // Offsets change on whole minutes: find the exact minute.
    let at = Math.floor(lo / MINUTE) * MINUTE;
    while (z.offset(at) === o0) at += MINUTE;
    return at;
  }
  return undefined;
}

/**
 * The window to verify: [from, to) as given, else from `now` (down to the quarter hour) for `weeks`
 * weeks, extended to a day past the next DST change of every zone when `to` was not given.
 */
export function verifyWindow(options: { now: number; weeks?: number; from?: number; to?: number; zones: string[] }): { from: number; to: number; dstChanges: Record<string, string> } {
  const from = options.from ?? Math.floor(options.now / STEP_MS) * STEP_MS;
  let to = options.to ?? from + (options.weeks ?? 4) * 7 * DAY;
  const dstChanges: Record<string, string> = {};
  for (const zone of new Set(options.zones)) {
    const at = nextOffsetChange(zone, from);
    if (at === undefined) continue;
    dstChanges[zone] = new Date(at).toISOString();
    if (options.to === undefined && at + DAY > to) to = Math.ceil((at + DAY) / STEP_MS) * STEP_MS;
  }
  return { from, to, dstChanges };
}

/** The 15-minute grid in [from, to), on the quarter hours. */
export function gridInstants(from: number, to: number, step = STEP_MS): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t < to; t += step) out.push(t);
  if (out[0] !== from) out.unshift(from);
  return out;
}

/** One instant per hour for `weeks` weeks, at half past each hour (the old sampling; kept for callers). */
export function hourlyInstants(now: number, weeks = 4): number[] {
  const first = Math.ceil(now / 3_600_000) * 3_600_000 + 30 * MINUTE;
  return Array.from({ length: weeks * 7 * 24 }, (_, i) => first + i * 3_600_000);
}

/** Sorted unique instants in [from, to). */
export function mergeInstants(from: number, to: number, ...lists: number[][]): number[] {
  const set = new Set<number>();
  for (const list of lists) for (const t of list) if (t >= from && t < to && Number.isFinite(t)) set.add(t);
  return [...set].sort((a, b) => a - b);
}

/** Who is on call at `t` in a list of intervals (emails, lower case, sorted, unique). */
export function onCallIn(intervals: Array<{ start: number; end: number; email: string }>, t: number): string[] {
  return [...new Set(intervals.filter((s) => s.start <= t && t < s.end).map((s) => s.email.toLowerCase()))].sort();
}

const norm = (list: string[]): string[] => [...new Set(list.map((s) => s.toLowerCase()))].sort();
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Differences at each instant; one at instants[i] holds until instants[i + 1] (or `to`). */
export function compareOnCall(link: ScheduleLink, instants: number[], source: string[][], vigil: string[][], to?: number): Difference[] {
  const out: Difference[] = [];
  instants.forEach((t, i) => {
    const s = norm(source[i] ?? []);
    const v = norm(vigil[i] ?? []);
    const until = instants[i + 1] ?? to ?? t + STEP_MS;
    if (!same(s, v)) out.push({ schedule: link.slug, name: link.name, at: new Date(t).toISOString(), until: new Date(until).toISOString(), source: s, vigil: v });
  });
  return out;
}

/** Adjacent differences of one schedule with the same disagreement, as ranges (for people to read). */
export function groupDifferences(diffs: Difference[]): DifferenceRange[] {
  const out: DifferenceRange[] = [];
  for (const d of diffs) {
    const last = out[out.length - 1];
    const at = Date.parse(d.at);
    if (last && last.schedule === d.schedule && Date.parse(last.to) === at && same(last.source, d.source) && same(last.vigil, d.vigil)) {
      last.to = d.until;
    } else out.push({ schedule: d.schedule, name: d.name, from: d.at, to: d.until, minutes: 0, hours: 0, source: d.source, vigil: d.vigil });
    const r = out[out.length - 1]!;
    r.minutes = Math.round((Date.parse(r.to) - Date.parse(r.from)) / MINUTE);
    r.hours = Math.round((r.minutes / 60) * 100) / 100;
  }
  return out;
}

/** Vigil's final shifts over [from, to) as intervals of emails. */
export async function vigilIntervals(vigil: VigilReader, slug: string, from: number, to: number): Promise<Array<{ start: number; end: number; email: string }>> {
  const res = await vigil.get<ShiftsResponse>(
    `/api/v1/schedules/${encodeURIComponent(slug)}/shifts?from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}`,
  );
  return res.final.map((s) => ({ start: s.start, end: s.end, email: s.user?.email ?? s.userId }));
}

export interface VerifySource {
  /** The source's answer: emails on call at each instant. */
  onCalls(link: ScheduleLink, instants: number[]): Promise<string[][]>;
  /** Instants in [from, to) where the source hands off (optional: the grid still applies). */
  handoffs?(link: ScheduleLink, from: number, to: number): Promise<number[]>;
}

export async function verifySchedules(options: {
  vendor: string;
  links: ScheduleLink[];
  vigil: VigilReader;
  source: VerifySource;
  now: number;
  weeks?: number;
  from?: number;
  to?: number;
  progress?: Progress;
}): Promise<VerifyReport> {
  const progress = options.progress ?? silentProgress;
  const window = verifyWindow({ now: options.now, ...(options.weeks ? { weeks: options.weeks } : {}), ...(options.from !== undefined ? { from: options.from } : {}), ...(options.to !== undefined ? { to: options.to } : {}), zones: options.links.map((l) => l.timeZone) });
  const { from, to } = window;
  const grid = gridInstants(from, to);
  const report: VerifyReport = {
    vendor: options.vendor,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    instantsPerSchedule: grid.length,
    stepMinutes: STEP_MS / MINUTE,
    dstChanges: window.dstChanges,
    schedules: [],
    differences: [],
    ranges: [],
  };
  for (const link of options.links) {
    const intervals = await vigilIntervals(options.vigil, link.slug, from, to);
    const vigilHandoffs = intervals.flatMap((s) => [s.start, s.end]);
    const sourceHandoffs = options.source.handoffs ? await options.source.handoffs(link, from, to) : [];
    const instants = mergeInstants(from, to, grid, vigilHandoffs, sourceHandoffs);
    progress.phase(`Verifying ${link.name}`, instants.length);
    const source = await options.source.onCalls(link, instants);
    const vigil = instants.map((t) => onCallIn(intervals, t));
    const diffs = compareOnCall(link, instants, source, vigil, to);
    const handoffs = mergeInstants(from + 1, to, vigilHandoffs, sourceHandoffs).length;
    const differentMinutes = Math.round(diffs.reduce((n, d) => n + (Date.parse(d.until) - Date.parse(d.at)), 0) / MINUTE);
    report.schedules.push({ slug: link.slug, name: link.name, checked: instants.length, handoffs, differences: diffs.length, differentMinutes });
    report.differences.push(...diffs);
  }
  progress.done();
  report.ranges = groupDifferences(report.differences);
  return report;
}

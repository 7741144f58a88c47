/**
 * Verification after an import: for every imported schedule and every hour of the next weeks, who
 * does the source say is on call, and who does Vigil say? Vigil's final shifts for the whole window
 * are fetched once and sampled locally; the source is asked per instant or per range (whatever it
 * offers). Every difference is reported.
 */
import { HOUR, MINUTE } from './common.js';
import { silentProgress, type Progress } from './progress.js';
import type { ScheduleLink } from './types.js';

export interface Difference {
  schedule: string;
  name: string;
  at: string;
  source: string[];
  vigil: string[];
}

export interface DifferenceRange {
  schedule: string;
  name: string;
  from: string;
  to: string;
  hours: number;
  source: string[];
  vigil: string[];
}

export interface VerifyReport {
  vendor: string;
  from: string;
  to: string;
  instantsPerSchedule: number;
  schedules: Array<{ slug: string; name: string; checked: number; differences: number }>;
  differences: Difference[];
  ranges: DifferenceRange[];
}

export interface VigilReader {
  get<T>(path: string): Promise<T>;
}

interface ShiftsResponse {
  final: Array<{ start: number; end: number; userId: string; user?: { email: string } }>;
}

/** One instant per hour for `weeks` weeks, at half past each hour, starting with the next full hour. */
export function hourlyInstants(now: number, weeks = 4): number[] {
  const first = Math.ceil(now / HOUR) * HOUR + 30 * MINUTE;
  return Array.from({ length: weeks * 7 * 24 }, (_, i) => first + i * HOUR);
}

/** Who is on call at `t` in a list of intervals (emails, lower case, sorted, unique). */
export function onCallIn(intervals: Array<{ start: number; end: number; email: string }>, t: number): string[] {
  return [...new Set(intervals.filter((s) => s.start <= t && t < s.end).map((s) => s.email.toLowerCase()))].sort();
}

const norm = (list: string[]): string[] => [...new Set(list.map((s) => s.toLowerCase()))].sort();
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function compareOnCall(link: ScheduleLink, instants: number[], source: string[][], vigil: string[][]): Difference[] {
  const out: Difference[] = [];
  instants.forEach((t, i) => {
    const s = norm(source[i] ?? []);
    const v = norm(vigil[i] ?? []);
    if (!same(s, v)) out.push({ schedule: link.slug, name: link.name, at: new Date(t).toISOString(), source: s, vigil: v });
  });
  return out;
}

/** Consecutive hours of one schedule with the same disagreement, as ranges (for people to read). */
export function groupDifferences(diffs: Difference[]): DifferenceRange[] {
  const out: DifferenceRange[] = [];
  for (const d of diffs) {
    const last = out[out.length - 1];
    const at = Date.parse(d.at);
    if (last && last.schedule === d.schedule && Date.parse(last.to) === at && same(last.source, d.source) && same(last.vigil, d.vigil)) {
      last.to = new Date(at + HOUR).toISOString();
      last.hours += 1;
    } else out.push({ schedule: d.schedule, name: d.name, from: d.at, to: new Date(at + HOUR).toISOString(), hours: 1, source: d.source, vigil: d.vigil });
  }
  return out;
}

/** Vigil's answer for the instants, from one shifts request per schedule. */
export async function vigilOnCalls(vigil: VigilReader, slug: string, instants: number[]): Promise<string[][]> {
  if (instants.length === 0) return [];
  const from = new Date(instants[0]! - HOUR).toISOString();
  const to = new Date(instants[instants.length - 1]! + HOUR).toISOString();
  const res = await vigil.get<ShiftsResponse>(
    `/api/v1/schedules/${encodeURIComponent(slug)}/shifts?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  );
  const intervals = res.final.map((s) => ({ start: s.start, end: s.end, email: s.user?.email ?? s.userId }));
  return instants.map((t) => onCallIn(intervals, t));
}

export async function verifySchedules(options: {
  vendor: string;
  links: ScheduleLink[];
  vigil: VigilReader;
  /** The source's answer: emails on call at each instant. */
  source: (link: ScheduleLink, instants: number[]) => Promise<string[][]>;
  now: number;
  weeks?: number;
  progress?: Progress;
}): Promise<VerifyReport> {
  const progress = options.progress ?? silentProgress;
  const instants = hourlyInstants(options.now, options.weeks ?? 4);
  const report: VerifyReport = {
    vendor: options.vendor,
    from: new Date(instants[0]! - 30 * MINUTE).toISOString(),
    to: new Date(instants[instants.length - 1]! + 30 * MINUTE).toISOString(),
    instantsPerSchedule: instants.length,
    schedules: [],
    differences: [],
    ranges: [],
  };
  for (const link of options.links) {
    progress.phase(`Verifying ${link.name}`, instants.length);
    const [vigil, source] = await Promise.all([vigilOnCalls(options.vigil, link.slug, instants), options.source(link, instants)]);
    const diffs = compareOnCall(link, instants, source, vigil);
    report.schedules.push({ slug: link.slug, name: link.name, checked: instants.length, differences: diffs.length });
    report.differences.push(...diffs);
  }
  progress.done();
  report.ranges = groupDifferences(report.differences);
  return report;
}

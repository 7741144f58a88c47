/**
 * Sprint conflicts and allocatability: engineers on call are not allocated to product sprints.
 *
 * Pure rules, no I/O and no clock: callers fetch sprints and issues (the Jira client) and on-call
 * intervals (the schedules) and hand them in. Instants are epoch milliseconds (UTC); intervals are
 * half-open [start, end), so a shift that ends exactly when a sprint starts does not overlap it.
 */
import { invalid } from '../shared/errors.js';

export interface Interval {
  start: number;
  end: number;
}

export interface SprintWindowInput {
  id: number | string;
  name: string;
  state: string;
  /** Sprint start, epoch ms. */
  startDate: number;
  /** Sprint end, epoch ms. */
  endDate: number;
}

export interface SprintIssueAssignee {
  accountId: string;
  email?: string | null;
  displayName: string;
}

export interface SprintIssueInput {
  key: string;
  summary: string;
  assignee: SprintIssueAssignee | null;
  url: string;
}

export interface OnCallEngineer {
  userId: string;
  email: string;
  name: string;
  /** When this engineer is on call; may overlap or repeat (several schedules): they are merged. */
  intervals: Interval[];
}

export interface FindSprintConflictsInput {
  sprints: SprintWindowInput[];
  /** Issues of each sprint, keyed by sprint id (`String(sprint.id)`). */
  issuesBySprint: Record<string, SprintIssueInput[]>;
  onCall: OnCallEngineer[];
  /** Ignore overlaps shorter than this in total (per engineer and sprint). Default 0: any overlap counts. */
  minOverlapMs?: number;
  /**
   * Jira accountId -> Vigil userId, for assignees whose email Jira hides. Takes precedence over the
   * email match when both are available.
   */
  accountIdToUserId?: Record<string, string>;
}

export interface SprintConflict {
  sprint: { id: number | string; name: string; start: number; end: number };
  issue: { key: string; summary: string; url: string };
  user: { id: string; email: string; name: string };
  /** On-call hours inside the sprint window. */
  onCallHours: number;
  /** On-call intervals clipped to the sprint window, merged and sorted. */
  overlaps: Interval[];
}

const HOUR_MS = 3_600_000;

const isValidInterval = (i: Interval): boolean => Number.isFinite(i.start) && Number.isFinite(i.end) && i.end > i.start;

/** Sorts and merges overlapping or touching intervals; drops empty or invalid ones. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .filter(isValidInterval)
    .map((i) => ({ start: i.start, end: i.end }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      last.end = Math.max(last.end, i.end);
    } else {
      out.push(i);
    }
  }
  return out;
}

/** The parts of `intervals` inside the window [from, to), merged and sorted. */
export function clipIntervals(intervals: readonly Interval[], from: number, to: number): Interval[] {
  const clipped: Interval[] = [];
  for (const i of mergeIntervals(intervals)) {
    const start = Math.max(i.start, from);
    const end = Math.min(i.end, to);
    if (end > start) clipped.push({ start, end });
  }
  return clipped;
}

const totalMs = (intervals: readonly Interval[]): number => intervals.reduce((sum, i) => sum + (i.end - i.start), 0);

const normalizeEmail = (email: string | null | undefined): string | null => {
  const e = email?.trim().toLowerCase();
  return e ? e : null;
};

/**
 * Issues in a sprint assigned to an engineer who is on call during that sprint's window.
 *
 * Not conflicts: unassigned issues, assignees that match no on-call engineer, engineers whose on-call
 * time lies outside the window, sprints without a valid window, and total overlaps below `minOverlapMs`.
 * Each (sprint, issue) appears at most once. The result is sorted by sprint start, sprint id, user name
 * and issue key.
 */
export function findSprintConflicts(input: FindSprintConflictsInput): SprintConflict[] {
  const minOverlapMs = input.minOverlapMs ?? 0;
  if (!Number.isFinite(minOverlapMs) || minOverlapMs < 0) {
    throw invalid('invalid_min_overlap', 'minOverlapMs must be a non-negative number of milliseconds.');
  }

  // One entry per engineer, intervals from every appearance merged (no double counting).
  const byUserId = new Map<string, OnCallEngineer>();
  for (const engineer of input.onCall) {
    const seen = byUserId.get(engineer.userId);
    if (seen) {
      seen.intervals = [...seen.intervals, ...engineer.intervals];
    } else {
      byUserId.set(engineer.userId, { ...engineer, intervals: [...engineer.intervals] });
    }
  }
  const byEmail = new Map<string, OnCallEngineer>();
  for (const engineer of byUserId.values()) {
    const email = normalizeEmail(engineer.email);
    if (email && !byEmail.has(email)) byEmail.set(email, engineer);
  }
  const accountMap = input.accountIdToUserId ?? {};

  const engineerFor = (assignee: SprintIssueAssignee): OnCallEngineer | undefined => {
    const mappedUserId = Object.prototype.hasOwnProperty.call(accountMap, assignee.accountId) ? accountMap[assignee.accountId] : undefined;
    if (mappedUserId !== undefined) return byUserId.get(mappedUserId);
    const email = normalizeEmail(assignee.email);
    return email ? byEmail.get(email) : undefined;
  };

  const conflicts: SprintConflict[] = [];
  for (const sprint of input.sprints) {
    const window = { start: sprint.startDate, end: sprint.endDate };
    if (!isValidInterval(window)) continue;
    const issues = input.issuesBySprint[String(sprint.id)] ?? [];
    const seenKeys = new Set<string>();
    const overlapCache = new Map<string, Interval[]>();
    for (const issue of issues) {
      if (seenKeys.has(issue.key)) continue;
      seenKeys.add(issue.key);
      if (!issue.assignee) continue;
      const engineer = engineerFor(issue.assignee);
      if (!engineer) continue;
      let overlaps = overlapCache.get(engineer.userId);
      if (!overlaps) {
        overlaps = clipIntervals(engineer.intervals, window.start, window.end);
        overlapCache.set(engineer.userId, overlaps);
      }
      const overlapMs = totalMs(overlaps);
      if (overlapMs <= 0 || overlapMs < minOverlapMs) continue;
      conflicts.push({
        sprint: { id: sprint.id, name: sprint.name, start: window.start, end: window.end },
        issue: { key: issue.key, summary: issue.summary, url: issue.url },
        user: { id: engineer.userId, email: engineer.email, name: engineer.name },
        onCallHours: overlapMs / HOUR_MS,
        overlaps: overlaps.map((o) => ({ ...o })),
      });
    }
  }

  return conflicts.sort(
    (a, b) =>
      a.sprint.start - b.sprint.start ||
      String(a.sprint.id).localeCompare(String(b.sprint.id)) ||
      a.user.name.localeCompare(b.user.name) ||
      a.user.id.localeCompare(b.user.id) ||
      a.issue.key.localeCompare(b.issue.key, undefined, { numeric: true }),
  );
}

export interface AvailabilityMember {
  userId: string;
  name: string;
  email: string;
}

export interface AvailabilityInput {
  members: AvailabilityMember[];
  /** On-call intervals, matched to members by userId. */
  onCall: OnCallEngineer[];
  from: number;
  to: number;
  /** A member on call for more than this many hours in [from, to) is not allocatable. Default 0. */
  maxOnCallHours?: number;
}

export interface MemberAvailability {
  userId: string;
  name: string;
  email: string;
  onCallHours: number;
  /** On-call intervals clipped to [from, to), merged and sorted. */
  onCallShifts: Interval[];
  /** True when onCallHours <= maxOnCallHours. */
  allocatable: boolean;
}

/** For each member (in the given order): how much of [from, to) they are on call, and whether they can take sprint work. */
export function availabilityFor(input: AvailabilityInput): MemberAvailability[] {
  const { from, to } = input;
  if (!isValidInterval({ start: from, end: to })) {
    throw invalid('invalid_window', 'The availability window needs finite from < to (epoch milliseconds).');
  }
  const maxOnCallHours = input.maxOnCallHours ?? 0;
  if (!Number.isFinite(maxOnCallHours) || maxOnCallHours < 0) {
    throw invalid('invalid_max_on_call_hours', 'maxOnCallHours must be a non-negative number.');
  }
  const intervalsByUser = new Map<string, Interval[]>();
  for (const engineer of input.onCall) {
    intervalsByUser.set(engineer.userId, [...(intervalsByUser.get(engineer.userId) ?? []), ...engineer.intervals]);
  }
  return input.members.map((member) => {
    const onCallShifts = clipIntervals(intervalsByUser.get(member.userId) ?? [], from, to);
    const onCallHours = totalMs(onCallShifts) / HOUR_MS;
    return {
      userId: member.userId,
      name: member.name,
      email: member.email,
      onCallHours,
      onCallShifts,
      allocatable: onCallHours <= maxOnCallHours,
    };
  });
}

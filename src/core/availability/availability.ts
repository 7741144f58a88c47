/**
 * Sprint availability: engineers on call are not allocated to product sprints. For a team and a
 * window: each member's on-call hours (across every schedule) and whether they are allocatable;
 * and, from the team's Jira boards, issues assigned to someone on call during that sprint.
 */
import { invalid, notFound } from '../shared/errors.js';
import type { CoreDeps, Repos } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { assertInstant } from '../shared/validate.js';
import { findTeam } from '../teams/teams.js';
import { finalScheduleOf } from '../schedules/schedules.js';
import { availabilityFor, findSprintConflicts, type MemberAvailability, type OnCallEngineer, type SprintConflict, type SprintIssueInput, type SprintWindowInput } from './sprint-conflicts.js';

/** Where sprints come from (Jira Software boards). */
export interface SprintSource {
  /** Active and future sprints of a board. */
  sprints(boardId: number): Promise<SprintWindowInput[]>;
  issues(sprintId: number | string): Promise<SprintIssueInput[]>;
}

/** The ports availability use cases may call out to, beside the core's. */
export interface AvailabilityDeps extends CoreDeps {
  /** Jira Software boards, when Jira is configured. */
  sprints?: SprintSource;
}

/** Every user's on-call intervals in [from, to), across all schedules. */
async function onCallIntervals(r: Repos, userIds: string[], from: number, to: number): Promise<OnCallEngineer[]> {
  const byUser = new Map<string, Array<{ start: number; end: number }>>(userIds.map((id) => [id, []]));
  for (const s of await r.schedules.list()) {
    for (const sh of (await finalScheduleOf(r, s, from, to)).shifts) byUser.get(sh.userId)?.push({ start: sh.start, end: sh.end });
  }
  const out: OnCallEngineer[] = [];
  for (const [userId, intervals] of byUser) {
    const u = await r.users.findById(userId);
    if (u) out.push({ userId, email: u.email, name: u.name, intervals });
  }
  return out;
}

export interface AvailabilityInput {
  team: string;
  from: number;
  to: number;
  maxOnCallHours?: number;
}

/** Each member's on-call hours in [from, to) and whether they can be allocated to sprint work. */
export async function teamAvailability(deps: CoreDeps, _ctx: Ctx, input: AvailabilityInput): Promise<MemberAvailability[]> {
  return availabilityOf(deps, input.team, input.from, input.to, input.maxOnCallHours ?? 0);
}

async function availabilityOf(deps: CoreDeps, teamRef: string, from: number, to: number, maxOnCallHours: number): Promise<MemberAvailability[]> {
  if (!(to > from)) throw invalid('invalid_range', '`to` must be after `from`.', { field: 'to' });
  assertInstant(from, 'from');
  assertInstant(to, 'to');
  if (to - from > 120 * 86_400_000) throw invalid('invalid_range', 'A sprint window spans at most 120 days.', { field: 'to' });
  return deps.uow.run(async (r) => {
    const team = await findTeam(r, teamRef);
    if (!team) throw notFound('team', teamRef);
    const members = [];
    for (const id of team.memberIds) {
      const u = await r.users.findById(id);
      if (u) members.push({ userId: u.id, name: u.name, email: u.email });
    }
    return availabilityFor({ members, onCall: await onCallIntervals(r, team.memberIds, from, to), from, to, maxOnCallHours });
  });
}

export interface ConflictReport {
  team: { id: string; slug: string; name: string };
  boards: number[];
  sprints: Array<{ id: number | string; name: string; state: string; start: number; end: number }>;
  conflicts: SprintConflict[];
}

/** Issues in the team's active and next Jira sprints assigned to someone on call during that sprint. */
export async function sprintConflicts(deps: AvailabilityDeps, _ctx: Ctx, input: { team: string }): Promise<ConflictReport> {
  if (!deps.sprints) throw invalid('jira_not_configured', 'Jira is not configured on this Vigil (VIGIL_JIRA_BASE_URL, VIGIL_JIRA_EMAIL, VIGIL_JIRA_API_TOKEN).');
  return conflictsOf(deps, deps.sprints, input.team);
}

async function conflictsOf(deps: CoreDeps, source: SprintSource, teamRef: string): Promise<ConflictReport> {
  const team = await deps.uow.run((r) => findTeam(r, teamRef));
  if (!team) throw notFound('team', teamRef);
  if (team.jiraBoardIds.length === 0) throw invalid('no_jira_boards', `Team ${team.name} has no Jira boards: set jiraBoardIds on the team.`, { field: 'jiraBoardIds' });
  const sprints: SprintWindowInput[] = [];
  const issuesBySprint: Record<string, SprintIssueInput[]> = {};
  for (const board of team.jiraBoardIds) {
    for (const s of await source.sprints(board)) {
      if (sprints.some((x) => String(x.id) === String(s.id))) continue;
      sprints.push(s);
      issuesBySprint[String(s.id)] = await source.issues(s.id);
    }
  }
  const dated = sprints.filter((s) => Number.isFinite(s.startDate) && Number.isFinite(s.endDate) && s.endDate > s.startDate);
  let conflicts: SprintConflict[] = [];
  if (dated.length) {
    const from = Math.min(...dated.map((s) => s.startDate));
    const to = Math.max(...dated.map((s) => s.endDate));
    const users = await deps.uow.run((r) => r.users.list());
    const onCall = await deps.uow.run((r) => onCallIntervals(r, users.map((u) => u.id), from, Math.min(to, from + 180 * 86_400_000)));
    conflicts = findSprintConflicts({ sprints: dated, issuesBySprint, onCall });
  }
  return {
    team: { id: team.id, slug: team.slug, name: team.name },
    boards: team.jiraBoardIds,
    sprints: sprints.map((s) => ({ id: s.id, name: s.name, state: s.state, start: s.startDate, end: s.endDate })),
    conflicts,
  };
}

/** The sprint check: on-call hours per engineer in the sprint window, and conflicts when Jira is on. */
export interface SprintCheck {
  team: { id: string; slug: string; name: string };
  from: number;
  to: number;
  /** Where the window came from: asked for, the team's active (or next) Jira sprint, or the next 14 days. */
  window: 'requested' | 'jira_sprint' | 'default';
  jira: { enabled: boolean; boards: number[]; note: string | null };
  engineers: MemberAvailability[];
  sprints: ConflictReport['sprints'];
  conflicts: SprintConflict[];
}

export const DEFAULT_SPRINT_DAYS = 14;

export async function sprintCheck(
  deps: AvailabilityDeps,
  ctx: Ctx,
  input: { team: string; from?: number; to?: number; maxOnCallHours?: number },
): Promise<SprintCheck> {
  const { team: teamRef, ...options } = input;
  const source = deps.sprints;
  const team = await deps.uow.run((r) => findTeam(r, teamRef));
  if (!team) throw notFound('team', teamRef);
  if ((options.from === undefined) !== (options.to === undefined)) throw invalid('invalid_range', 'Give both `from` and `to`, or neither (the sprint window).', { field: options.from === undefined ? 'from' : 'to' });
  let note: string | null = null;
  let report: ConflictReport | undefined;
  if (!source) note = 'Jira is off (not configured): sprint conflicts are not checked. On-call hours come from the schedules.';
  else if (team.jiraBoardIds.length === 0) note = `Team ${team.name} has no Jira boards (jiraBoardIds): sprint conflicts are not checked.`;
  else report = await conflictsOf(deps, source, team.id);
  let from = options.from;
  let to = options.to;
  let window: SprintCheck['window'] = 'requested';
  if (from === undefined || to === undefined) {
    const dated = (report?.sprints ?? []).filter((s) => Number.isFinite(s.start) && Number.isFinite(s.end) && s.end > s.start);
    const sprint = dated.find((s) => s.state === 'active') ?? [...dated].sort((a, b) => a.start - b.start)[0];
    if (sprint) {
      [from, to, window] = [sprint.start, sprint.end, 'jira_sprint'];
    } else {
      from = ctx.now;
      to = from + DEFAULT_SPRINT_DAYS * 86_400_000;
      window = 'default';
    }
  }
  const engineers = await availabilityOf(deps, team.id, from, to, options.maxOnCallHours ?? 0);
  return {
    team: { id: team.id, slug: team.slug, name: team.name },
    from,
    to,
    window,
    jira: { enabled: report !== undefined, boards: team.jiraBoardIds, note },
    engineers,
    sprints: report?.sprints ?? [],
    conflicts: report?.conflicts ?? [],
  };
}

/**
 * Who may do what, decided in one place. Use cases call these with the principal; routes only
 * check the token's scope (read / write / admin) before they call a use case.
 *
 * The model (OpsGenie's): services, their integrations, maintenance windows and heartbeats,
 * escalation policies and schedules belong to a team. The team's admin (its lead) manages that
 * configuration; the team's members act on alerts and incidents (everyone with the responder role
 * does) and manage their own overrides and swaps; the global admin manages everything. The matrix
 * is written out in docs/permissions.md.
 *
 * Personal data (contact methods, notification rules, quiet hours, a person's timeline) is
 * visible to the person, admins and the leads of the person's teams; others see what paging
 * needs (a name and whether the person is reachable).
 *
 * Private incidents (security reports) are visible to their members and the security owner only,
 * by {@link canSeeIncident} and its SQL form in the incidents repository ({@link IncidentVisibility}).
 */
import { DomainError, unauthenticated } from '../shared/errors.js';
import type { Repos } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { can, type Principal } from './auth.js';

export type TeamRole = 'admin' | 'member';

/** The signed-in principal of a call; refuses a call made without one. */
export function requirePrincipal(ctx: Ctx): Principal {
  if (!ctx.principal) throw unauthenticated();
  return ctx.principal;
}

/** The global admin: the admin role, acting with a token or session that holds the admin scope. */
export function isAdmin(p: Principal): boolean {
  return can(p, 'admin');
}

const refuse = (code: string, message: string, details?: Record<string, unknown>): DomainError => new DomainError('forbidden', code, message, details);

/** The principal's role in a team: its lead is the team's admin; anyone else listed is a member. */
export async function teamRoleOf(r: Repos, userId: string, teamId: string): Promise<TeamRole | null> {
  const team = await r.teams.findById(teamId);
  if (!team) return null;
  if (team.leadUserId === userId) return 'admin';
  return team.memberIds.includes(userId) ? 'member' : null;
}

/** Refuses unless the principal holds the admin role with an admin-scoped credential. */
export function requireAdmin(p: Principal, what = 'do this'): void {
  if (!isAdmin(p)) throw refuse('admin_required', `Only an admin can ${what}.`);
}

/** Refuses unless the principal may write at all (responders and admins; not stakeholders). */
export function requireResponder(p: Principal, what = 'do this'): void {
  if (!can(p, 'write')) throw refuse('responder_required', `Only responders and admins can ${what}.`);
}

/**
 * Managing a team's configuration (its services, integrations, maintenance windows, heartbeats,
 * escalation policies and schedules): the global admin or the team's admin.
 */
export async function requireTeamAdmin(r: Repos, p: Principal, teamId: string, what: string): Promise<void> {
  requireResponder(p, what);
  if (isAdmin(p)) return;
  if ((await teamRoleOf(r, p.user.id, teamId)) === 'admin') return;
  const team = await r.teams.findById(teamId);
  throw refuse('team_admin_required', `Only an admin or the admin (lead) of team ${team?.name ?? teamId} can ${what}.`, { teamId });
}

/** Acting as a member of a team (taking a swap, overriding one's own shift): a member, its admin, or the global admin. */
export async function requireTeamMember(r: Repos, p: Principal, teamId: string, what: string): Promise<void> {
  requireResponder(p, what);
  if (isAdmin(p)) return;
  if ((await teamRoleOf(r, p.user.id, teamId)) !== null) return;
  const team = await r.teams.findById(teamId);
  throw refuse('team_member_required', `Only members of team ${team?.name ?? teamId} (or an admin) can ${what}.`, { teamId });
}

/**
 * An override on a schedule: the team's admin (or the global admin) sets any; a member sets one in
 * which they are the person going on call or the person being replaced (their own shift).
 */
export async function requireOverrideRight(r: Repos, p: Principal, teamId: string, o: { userId: string; replacesUserId?: string | null; createdBy?: string | null }, what: string): Promise<void> {
  requireResponder(p, what);
  if (isAdmin(p)) return;
  const role = await teamRoleOf(r, p.user.id, teamId);
  if (role === 'admin') return;
  const own = o.userId === p.user.id || (o.replacesUserId ?? null) === p.user.id || (o.createdBy !== undefined && o.createdBy === p.user.id);
  if (role === 'member' && own) return;
  const team = await r.teams.findById(teamId);
  if (role === 'member') throw refuse('not_your_override', `Members of team ${team?.name ?? teamId} can ${what} for their own shifts only; the team's admin can for anyone.`, { teamId });
  throw refuse('team_member_required', `Only members of team ${team?.name ?? teamId} (or an admin) can ${what}.`, { teamId });
}

// ---------------------------------------------------------------------------------------------
// Personal data

/** Who may read a person's contact methods, rules, quiet hours and timeline. */
export async function canSeePersonalData(r: Repos, p: Principal, subjectUserId: string): Promise<boolean> {
  if (p.user.id === subjectUserId || p.user.role === 'admin') return true;
  for (const team of await r.teams.listForUser(subjectUserId)) if (team.leadUserId === p.user.id) return true;
  return false;
}

export async function requirePersonalData(r: Repos, p: Principal, subjectUserId: string): Promise<void> {
  if (!(await canSeePersonalData(r, p, subjectUserId))) {
    throw refuse('personal_data', "This is personal data: only the person, admins and the leads of the person's teams can see it.", { userId: subjectUserId });
  }
}

/** Changing a person's contact methods, rules and quiet hours: the person or an admin. */
export function requireSelfOrAdmin(p: Principal, subjectUserId: string, what: string): void {
  if (p.user.id === subjectUserId) return;
  if (!isAdmin(p)) throw refuse('not_yourself', `Only the person or an admin can ${what}.`, { userId: subjectUserId });
}

/**
 * Adding a contact method for a person and verifying it with the code sent to it: the person, an
 * admin, or the lead of one of the person's teams (who sets a new member up; the code still has to
 * come back from the address, so nobody is paged at an address that was not confirmed).
 */
export async function requireContactSetup(r: Repos, p: Principal, subjectUserId: string, what: string): Promise<void> {
  if (p.user.id === subjectUserId || p.user.role === 'admin') return;
  if (can(p, 'write')) for (const team of await r.teams.listForUser(subjectUserId)) if (team.leadUserId === p.user.id) return;
  throw refuse('not_yourself', `Only the person, an admin or the lead of the person's teams can ${what}.`, { userId: subjectUserId });
}

// ---------------------------------------------------------------------------------------------
// Private incidents: the one rule

/** Who looks at incidents: a user, or (null) the system itself, which sees everything. */
export type IncidentViewer = { id: string } | null;

/**
 * The rule in the form the incidents repository turns into SQL (`IncidentFilter.visibleTo`):
 * - a viewer: non-private incidents, and private ones the viewer is a member of or owns as the
 *   security owner (admins included: an admin sees a private incident only when a member);
 * - `'public'`: non-private incidents only, for what is shared beyond a private incident's
 *   members (shift reports, company communication);
 * - `'all'`: the system itself (jobs, reconcilers).
 */
export type IncidentVisibility = { viewerId: string; securityOwnerUserId: string | null } | 'public' | 'all';

/** May this incident be shown beyond its members (company communication, Slack channels, emails, reports)? */
export function shownToEveryone(incident: { private: boolean }): boolean {
  return !incident.private;
}

/** The one rule, for one incident already loaded. */
export function incidentVisible(incident: { private: boolean }, viewerId: string, members: Array<{ userId: string }>, securityOwnerUserId: string | null): boolean {
  if (shownToEveryone(incident)) return true;
  if (securityOwnerUserId !== null && securityOwnerUserId === viewerId) return true;
  return members.some((m) => m.userId === viewerId);
}

export async function canSeeIncident(r: Repos, viewer: IncidentViewer | 'public', incident: { id: string; private: boolean }): Promise<boolean> {
  if (shownToEveryone(incident) || viewer === null) return true;
  if (viewer === 'public') return false;
  return incidentVisible(incident, viewer.id, await r.incidents.members(incident.id), await securityOwnerOf(r));
}

/** Keeps the incidents the viewer may see, in order. */
export async function visibleIncidents<T extends { id: string; private: boolean }>(r: Repos, viewer: IncidentViewer, incidents: T[]): Promise<T[]> {
  const out: T[] = [];
  for (const i of incidents) if (await canSeeIncident(r, viewer, i)) out.push(i);
  return out;
}

async function securityOwnerOf(r: Repos): Promise<string | null> {
  const raw = await r.settings.get('incidents');
  if (!raw) return null;
  return ((JSON.parse(raw) as { securityOwnerUserId?: string | null }).securityOwnerUserId ?? null) || null;
}

/** The visibility to hand to the repository's list query for this viewer. */
export async function incidentVisibilityFor(r: Repos, viewer: IncidentViewer | 'public'): Promise<IncidentVisibility> {
  if (viewer === null) return 'all';
  if (viewer === 'public') return 'public';
  return { viewerId: viewer.id, securityOwnerUserId: await securityOwnerOf(r) };
}

/**
 * Teams: a group of users with a lead. Schedules, services and reports belong to a team.
 */
import { conflict, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Actor, CoreDeps, Repos } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { requireAdmin, requirePrincipal, requireTeamAdmin } from '../auth/permissions.js';
import { audit } from '../audit/audit.js';
import { requireText, slugify } from '../shared/validate.js';

export interface Team {
  id: string;
  name: string;
  slug: string;
  description: string;
  leadUserId: string | null;
  memberIds: string[];
  /** Jira Software boards whose sprints this team plans in (sprint availability). */
  jiraBoardIds: number[];
  createdAt: number;
  updatedAt: number;
}

export interface TeamsRepo {
  insert(team: Team): Promise<void>;
  update(team: Team): Promise<void>;
  setMembers(teamId: string, userIds: string[], at: number): Promise<void>;
  delete(teamId: string): Promise<void>;
  findById(id: string): Promise<Team | undefined>;
  findBySlug(slug: string): Promise<Team | undefined>;
  list(): Promise<Team[]>;
  listForUser(userId: string): Promise<Team[]>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    teams: TeamsRepo;
  }
}

export interface TeamInput {
  name: string;
  slug?: string;
  description?: string;
  leadUserId?: string | null;
  memberIds?: string[];
  jiraBoardIds?: number[];
}

function checkBoards(ids: number[] | undefined): number[] {
  const list = ids ?? [];
  for (const id of list) if (!Number.isInteger(id) || id <= 0) throw invalid('invalid_field', 'jiraBoardIds are positive whole numbers.', { field: 'jiraBoardIds' });
  return [...new Set(list)];
}

function checkSlug(slug: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) {
    throw invalid('invalid_slug', `slug "${slug}" must be lowercase letters, digits and dashes.`, { field: 'slug' });
  }
  return slug;
}

async function checkUsers(r: Repos, ids: string[], field: string): Promise<void> {
  for (const id of ids) {
    const u = await r.users.findById(id);
    if (!u) throw invalid('unknown_user', `${field}: no user with id "${id}".`, { field, id });
  }
}

export async function findTeam(r: Repos, idOrSlug: string): Promise<Team | undefined> {
  return (await r.teams.findById(idOrSlug)) ?? (await r.teams.findBySlug(idOrSlug));
}

/** Creates a team inside a transaction. */
export async function insertTeam(r: Repos, actor: Actor, input: TeamInput, now: number): Promise<Team> {
  const name = requireText(input.name, 'name');
  const slug = checkSlug(input.slug ?? slugify(name));
  const memberIds = [...new Set(input.memberIds ?? [])];
  const leadUserId = input.leadUserId ?? null;
  if (leadUserId && !memberIds.includes(leadUserId)) memberIds.push(leadUserId);
  if (await r.teams.findBySlug(slug)) throw conflict('team_exists', `A team with slug "${slug}" exists already.`, { field: 'slug' });
  await checkUsers(r, memberIds, 'memberIds');
  const team: Team = { id: newId(now), name, slug, description: input.description ?? '', leadUserId, memberIds, jiraBoardIds: checkBoards(input.jiraBoardIds), createdAt: now, updatedAt: now };
  await r.teams.insert(team);
  await r.teams.setMembers(team.id, memberIds, now);
  await r.events.append({ entityType: 'team', entityId: team.id, type: 'team.created', actor, data: { name, slug, leadUserId, memberIds } });
  await audit(r, actor, { action: 'team.created', entityType: 'team', entityId: team.id, teamId: team.id, before: null, after: team });
  return team;
}

/** Applies a patch to a team inside a transaction; returns the team and the changes recorded. */
export async function saveTeam(r: Repos, actor: Actor, current: Team, patch: Partial<TeamInput>, now: number): Promise<{ team: Team; changes: Record<string, unknown> }> {
  const next: Team = {
    ...current,
    name: patch.name !== undefined ? requireText(patch.name, 'name') : current.name,
    slug: patch.slug !== undefined ? checkSlug(patch.slug) : current.slug,
    description: patch.description ?? current.description,
    leadUserId: patch.leadUserId === undefined ? current.leadUserId : patch.leadUserId,
    memberIds: patch.memberIds !== undefined ? [...new Set(patch.memberIds)] : [...current.memberIds],
    jiraBoardIds: patch.jiraBoardIds !== undefined ? checkBoards(patch.jiraBoardIds) : current.jiraBoardIds,
    updatedAt: now,
  };
  if (next.leadUserId && !next.memberIds.includes(next.leadUserId)) next.memberIds.push(next.leadUserId);
  if (next.slug !== current.slug && (await r.teams.findBySlug(next.slug))) {
    throw conflict('team_exists', `A team with slug "${next.slug}" exists already.`, { field: 'slug' });
  }
  await checkUsers(r, next.memberIds, 'memberIds');
  const changes: Record<string, unknown> = {};
  for (const k of ['name', 'slug', 'description', 'leadUserId'] as const) if (current[k] !== next[k]) changes[k] = { from: current[k], to: next[k] };
  if (JSON.stringify(current.jiraBoardIds) !== JSON.stringify(next.jiraBoardIds)) changes.jiraBoardIds = { from: current.jiraBoardIds, to: next.jiraBoardIds };
  const added = next.memberIds.filter((id) => !current.memberIds.includes(id));
  const removed = current.memberIds.filter((id) => !next.memberIds.includes(id));
  if (added.length || removed.length) changes.members = { added, removed };
  if (Object.keys(changes).length === 0) return { team: current, changes };
  await r.teams.update(next);
  if (added.length || removed.length) await r.teams.setMembers(next.id, next.memberIds, now);
  await r.events.append({ entityType: 'team', entityId: next.id, type: 'team.updated', actor, data: { changes } });
  await audit(r, actor, { action: 'team.updated', entityType: 'team', entityId: next.id, teamId: next.id, before: current, after: next });
  return { team: next, changes };
}

export async function createTeam(deps: CoreDeps, ctx: Ctx, input: TeamInput): Promise<Team> {
  requireAdmin(requirePrincipal(ctx), 'create a team');
  return deps.uow.run((r) => insertTeam(r, ctx.actor, input, ctx.now));
}

/** The global admin changes any team; the team's admin (its lead) changes its own, but not who leads it. */
export async function updateTeam(deps: CoreDeps, ctx: Ctx, input: { ref: string; patch: Partial<TeamInput> }): Promise<Team> {
  const who = requirePrincipal(ctx);
  const { ref: idOrSlug, patch } = input;
  return deps.uow.run(async (r) => {
    const current = await findTeam(r, idOrSlug);
    if (!current) throw notFound('team', idOrSlug);
    await requireTeamAdmin(r, who, current.id, 'change this team');
    if (patch.leadUserId !== undefined && patch.leadUserId !== current.leadUserId) requireAdmin(who, "change a team's lead");
    return (await saveTeam(r, ctx.actor, current, patch, ctx.now)).team;
  });
}

export async function deleteTeam(deps: CoreDeps, ctx: Ctx, input: { ref: string }): Promise<void> {
  requireAdmin(requirePrincipal(ctx), 'delete a team');
  const actor = ctx.actor;
  const idOrSlug = input.ref;
  await deps.uow.run(async (r) => {
    const team = await findTeam(r, idOrSlug);
    if (!team) throw notFound('team', idOrSlug);
    // What a team owns stays: its schedules, policies and services must move or go first.
    const owned = [
      ...(await r.schedules.list({ teamId: team.id })).map((s) => `schedule ${s.slug}`),
      ...(await r.alerts.listPolicies()).filter((p) => p.teamId === team.id).map((p) => `escalation policy ${p.slug ?? p.name}`),
      ...(await r.alerts.listServices({ teamId: team.id })).map((s) => `service ${s.slug}`),
    ];
    if (owned.length) {
      throw conflict('team_in_use', `Team ${team.name} still owns ${owned.slice(0, 5).join(', ')}${owned.length > 5 ? ` and ${owned.length - 5} more` : ''}; move or delete them first.`, { owned });
    }
    await r.teams.delete(team.id);
    await r.events.append({ entityType: 'team', entityId: team.id, type: 'team.deleted', actor, data: { name: team.name } });
    await audit(r, actor, { action: 'team.deleted', entityType: 'team', entityId: team.id, teamId: team.id, before: team, after: null });
  });
}

export async function getTeam(deps: CoreDeps, _ctx: Ctx, input: { ref: string }): Promise<Team> {
  return deps.uow.run(async (r) => {
    const t = await findTeam(r, input.ref);
    if (!t) throw notFound('team', input.ref);
    return t;
  });
}

export async function listTeams(deps: CoreDeps, _ctx: Ctx, _input: Record<string, never> = {}): Promise<Team[]> {
  return deps.uow.run((r) => r.teams.list());
}

/** A team by id (or slug), or by name (exact, then slug, then case-insensitive name). */
async function findTeamBy(r: Repos, ref: string, type: 'id' | 'name'): Promise<Team | undefined> {
  if (type === 'id') return findTeam(r, ref);
  const all = await r.teams.list();
  return all.find((t) => t.name === ref) ?? all.find((t) => t.slug === ref) ?? all.find((t) => t.name.toLowerCase() === ref.toLowerCase());
}

/** A team by id or name, with the id and email of each member and whether they lead it; undefined when none. */
export async function teamWithMembers(deps: CoreDeps, _ctx: Ctx, input: { ref: string; type: 'id' | 'name' }): Promise<{ team: Team; members: Array<{ id: string; email: string; lead: boolean }> } | undefined> {
  return deps.uow.run(async (r) => {
    const team = await findTeamBy(r, input.ref, input.type);
    if (!team) return undefined;
    const users = await Promise.all(team.memberIds.map((id) => r.users.findById(id)));
    return { team, members: users.flatMap((u) => (u ? [{ id: u.id, email: u.email, lead: u.id === team.leadUserId }] : [])) };
  });
}

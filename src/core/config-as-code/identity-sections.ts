/**
 * The `users` and `teams` sections of `vigil.yaml`.
 *
 * ```yaml
 * users:
 *   - email: ada@example.com
 *     name: Ada Lovelace
 *     timeZone: Europe/London
 *     role: responder          # admin | responder | stakeholder
 *     phone: "+447700900123"
 *     slackUserId: U024BE7LH
 * teams:
 *   - slug: platform
 *     name: Platform
 *     description: Runs the platform
 *     lead: ada@example.com
 *     members: [ada@example.com, grace@example.com]
 *     jiraBoards: [42]                 # Jira boards whose sprints this team plans in
 * ```
 */
import { invalid } from '../shared/errors.js';
import { buildUser, diffUser, insertUser, patchUser, saveUser, type Role } from '../users/users.js';
import { insertTeam, saveTeam } from '../teams/teams.js';
import { normalizeEmail, slugify } from '../shared/validate.js';
import type { Repos } from '../shared/ports.js';
import { checkFields, checkUnique, expectList, type ConfigSection } from './config-as-code.js';

export const usersSection: ConfigSection = {
  key: 'users',
  order: 10,
  validate(value, problems) {
    const items = expectList(value, 'users', problems);
    items.forEach((u, i) =>
      checkFields(u, `users[${i}]`, { email: 'string', name: 'string', timeZone: 'string?', role: 'string?', phone: 'string|null?', slackUserId: 'string|null?', active: 'boolean?' }, problems),
    );
    checkUnique(items, 'email', 'users', problems, (s) => s.trim().toLowerCase());
  },
  async apply(r, value, ctx) {
    for (const item of value as Array<Record<string, unknown>>) {
      const input = {
        name: item.name as string,
        email: item.email as string,
        timeZone: item.timeZone as string | undefined,
        role: item.role as Role | undefined,
        phone: item.phone as string | null | undefined,
        slackUserId: item.slackUserId as string | null | undefined,
      };
      const email = normalizeEmail(input.email, `users: ${input.email}`);
      const current = await r.users.findByEmail(email);
      if (!current) {
        const user = buildUser(input, ctx.now);
        if (item.active === false) user.active = false;
        await insertUser(r, ctx.actor, user, null);
        ctx.record({ key: email, action: 'create' });
        continue;
      }
      const patch = Object.fromEntries(Object.entries({ ...input, email: undefined, active: item.active as boolean | undefined }).filter(([, v]) => v !== undefined));
      const next = patchUser(current, patch, ctx.now);
      const changes = diffUser(current, next);
      if (Object.keys(changes).length === 0) {
        ctx.record({ key: email, action: 'unchanged' });
        continue;
      }
      await saveUser(r, ctx.actor, current, next);
      ctx.record({ key: email, action: 'update', changes });
    }
  },
  async export(r) {
    return (await r.users.list({ includeInactive: true }))
      .filter((u) => !u.email.endsWith('@vigil.localhost'))
      .map((u) => ({
        email: u.email,
        name: u.name,
        timeZone: u.timeZone,
        role: u.role,
        ...(u.phone ? { phone: u.phone } : {}),
        ...(u.slackUserId ? { slackUserId: u.slackUserId } : {}),
        ...(u.active ? {} : { active: false }),
      }));
  },
};

async function userIdByEmail(r: Repos, email: string, path: string): Promise<string> {
  const u = await r.users.findByEmail(email.trim().toLowerCase());
  if (!u) throw invalid('unknown_user', `${path}: no user with email ${email} (add it under users:)`, { email });
  return u.id;
}

export const teamsSection: ConfigSection = {
  key: 'teams',
  order: 20,
  validate(value, problems) {
    const items = expectList(value, 'teams', problems);
    items.forEach((t, i) =>
      checkFields(t, `teams[${i}]`, { name: 'string', slug: 'string?', description: 'string?', lead: 'string|null?', members: 'string[]?', jiraBoards: 'any?' }, problems),
    );
    const withSlugs = items.map((t) => ({ slug: typeof t.slug === 'string' ? t.slug : typeof t.name === 'string' ? slugify(t.name) : undefined }));
    checkUnique(withSlugs, 'slug', 'teams', problems);
  },
  async apply(r, value, ctx) {
    for (const item of value as Array<Record<string, unknown>>) {
      const slug = (item.slug as string | undefined) ?? slugify(item.name as string);
      const path = `team ${slug}`;
      const memberIds = item.members !== undefined ? await Promise.all((item.members as string[]).map((e) => userIdByEmail(r, e, path))) : undefined;
      const leadUserId = item.lead === undefined ? undefined : item.lead === null ? null : await userIdByEmail(r, item.lead as string, path);
      const input = { name: item.name as string, slug, description: item.description as string | undefined, leadUserId, memberIds, jiraBoardIds: item.jiraBoards as number[] | undefined };
      const current = await r.teams.findBySlug(slug);
      if (!current) {
        await insertTeam(r, ctx.actor, input, ctx.now);
        ctx.record({ key: slug, action: 'create' });
        continue;
      }
      const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const { changes } = await saveTeam(r, ctx.actor, current, patch, ctx.now);
      ctx.record({ key: slug, action: Object.keys(changes).length ? 'update' : 'unchanged', ...(Object.keys(changes).length ? { changes } : {}) });
    }
  },
  async export(r) {
    const users = new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, u.email]));
    return (await r.teams.list()).map((t) => ({
      slug: t.slug,
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      ...(t.leadUserId ? { lead: users.get(t.leadUserId) } : {}),
      members: t.memberIds.map((id) => users.get(id)).filter(Boolean),
      ...(t.jiraBoardIds.length ? { jiraBoards: t.jiraBoardIds } : {}),
    }));
  },
};

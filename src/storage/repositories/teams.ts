import type { Selectable } from 'kysely';
import type { Team, TeamsRepo } from '../../core/teams/teams.js';
import type { Executor } from '../database.js';
import type { TeamsTable } from '../schema.js';

export const teamsRepo = (db: Executor): TeamsRepo => {
  async function withMembers(rows: Selectable<TeamsTable>[]): Promise<Team[]> {
    if (rows.length === 0) return [];
    const members = await db
      .selectFrom('team_members')
      .select(['team_id', 'user_id'])
      .where('team_id', 'in', rows.map((r) => r.id))
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    const byTeam = new Map<string, string[]>();
    for (const m of members) {
      const list = byTeam.get(m.team_id) ?? [];
      list.push(m.user_id);
      byTeam.set(m.team_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      slug: r.slug,
      description: r.description,
      leadUserId: r.lead_user_id,
      memberIds: byTeam.get(r.id) ?? [],
      jiraBoardIds: JSON.parse(r.jira_board_ids) as number[],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }
  return {
    async insert(t) {
      await db
        .insertInto('teams')
        .values({ id: t.id, name: t.name, slug: t.slug, description: t.description, lead_user_id: t.leadUserId, jira_board_ids: JSON.stringify(t.jiraBoardIds), created_at: t.createdAt, updated_at: t.updatedAt })
        .execute();
    },
    async update(t) {
      await db
        .updateTable('teams')
        .set({ name: t.name, slug: t.slug, description: t.description, lead_user_id: t.leadUserId, jira_board_ids: JSON.stringify(t.jiraBoardIds), updated_at: t.updatedAt })
        .where('id', '=', t.id)
        .execute();
    },
    async setMembers(teamId, userIds, at) {
      const existing = (await db.selectFrom('team_members').select('user_id').where('team_id', '=', teamId).execute()).map((r) => r.user_id);
      const remove = existing.filter((id) => !userIds.includes(id));
      const add = userIds.filter((id) => !existing.includes(id));
      if (remove.length) await db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', 'in', remove).execute();
      if (add.length) await db.insertInto('team_members').values(add.map((user_id, i) => ({ team_id: teamId, user_id, created_at: at + i }))).execute();
    },
    async delete(teamId) {
      await db.deleteFrom('team_members').where('team_id', '=', teamId).execute();
      await db.deleteFrom('teams').where('id', '=', teamId).execute();
    },
    async findById(id) {
      return (await withMembers(await db.selectFrom('teams').selectAll().where('id', '=', id).execute()))[0];
    },
    async findBySlug(slug) {
      return (await withMembers(await db.selectFrom('teams').selectAll().where('slug', '=', slug).execute()))[0];
    },
    async list() {
      return withMembers(await db.selectFrom('teams').selectAll().orderBy('name').execute());
    },
    async listForUser(userId) {
      return withMembers(
        await db.selectFrom('teams').selectAll().where('id', 'in', db.selectFrom('team_members').select('team_id').where('user_id', '=', userId)).orderBy('name').execute(),
      );
    },
  };
};

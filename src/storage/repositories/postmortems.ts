import { sql, type Selectable } from 'kysely';
import type { ActionItem, Postmortem, PostmortemStatus, PostmortemsRepo, Sections } from '../../core/postmortems/postmortems.js';
import { SECTION_KEYS } from '../../core/postmortems/postmortems.js';
import { newId } from '../../core/shared/ids.js';
import type { Dialect, Executor } from '../database.js';
import type { ActionItemsTable, PostmortemsTable } from '../schema.js';

const toPm = (r: Selectable<PostmortemsTable>): Postmortem => ({
  id: r.id,
  incidentId: r.incident_id,
  title: r.title,
  status: r.status as PostmortemStatus,
  ownerId: r.owner_id,
  dueAt: r.due_at,
  severity: r.severity,
  serviceIds: JSON.parse(r.service_ids) as string[],
  tags: JSON.parse(r.tags) as string[],
  sections: JSON.parse(r.sections) as Sections,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  publishedAt: r.published_at,
});
const row = (p: Postmortem) => ({
  id: p.id,
  incident_id: p.incidentId,
  title: p.title,
  status: p.status,
  owner_id: p.ownerId,
  due_at: p.dueAt,
  severity: p.severity,
  service_ids: JSON.stringify(p.serviceIds),
  tags: JSON.stringify(p.tags),
  sections: JSON.stringify(p.sections),
  created_at: p.createdAt,
  updated_at: p.updatedAt,
  published_at: p.publishedAt,
});
const toItem = (r: Selectable<ActionItemsTable>): ActionItem => ({
  id: r.id,
  postmortemId: r.postmortem_id,
  title: r.title,
  ownerId: r.owner_id,
  dueAt: r.due_at,
  status: r.status as 'open' | 'done',
  jiraKey: r.jira_key,
  jiraUrl: r.jira_url,
  jiraStatus: r.jira_status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const itemRow = (a: ActionItem) => ({
  id: a.id,
  postmortem_id: a.postmortemId,
  title: a.title,
  owner_id: a.ownerId,
  due_at: a.dueAt,
  status: a.status,
  jira_key: a.jiraKey,
  jira_url: a.jiraUrl,
  jira_status: a.jiraStatus,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});

const searchText = (p: Postmortem) => SECTION_KEYS.map((k) => p.sections[k]).join('\n') + `\n${p.tags.join(' ')}`;

/** Words only, for a full-text query that cannot be a syntax error. */
const terms = (q: string) => q.match(/[\p{L}\p{N}]+/gu)?.slice(0, 20) ?? [];

export const postmortemsRepo = (db: Executor, dialect: Dialect): PostmortemsRepo => {
  async function index(p: Postmortem): Promise<void> {
    if (dialect === 'postgres') {
      await sql`update postmortems set search = setweight(to_tsvector('english', ${p.title}), 'A') || setweight(to_tsvector('english', ${searchText(p)}), 'B') where id = ${p.id}`.execute(db);
    } else {
      await sql`delete from postmortems_fts where postmortem_id = ${p.id}`.execute(db);
      await sql`insert into postmortems_fts (postmortem_id, title, body) values (${p.id}, ${p.title}, ${searchText(p)})`.execute(db);
    }
  }
  return {
    async insert(p) {
      await db.insertInto('postmortems').values(row(p)).execute();
      await index(p);
    },
    async update(p) {
      const { id, ...rest } = row(p);
      await db.updateTable('postmortems').set(rest).where('id', '=', id).execute();
      await index(p);
    },
    async find(id) {
      const r = await db.selectFrom('postmortems').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toPm(r);
    },
    async findByIncident(incidentId) {
      const r = await db.selectFrom('postmortems').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
      return r && toPm(r);
    },
    async search(s) {
      let q = db.selectFrom('postmortems').selectAll().limit(Math.min(s.limit ?? 50, 500));
      const words = s.q ? terms(s.q) : [];
      if (words.length) {
        if (dialect === 'postgres') {
          const query = words.join(' & ');
          q = q.where(sql<boolean>`search @@ to_tsquery('english', ${query})`).orderBy(sql`ts_rank(search, to_tsquery('english', ${query}))`, 'desc');
        } else {
          const match = words.map((w) => `"${w}"`).join(' ');
          q = q.where('id', 'in', sql<string>`(select postmortem_id from postmortems_fts where postmortems_fts match ${match})`);
        }
      } else if (s.q) {
        return [];
      }
      if (s.severity) q = q.where('severity', '=', s.severity);
      if (s.status) q = q.where('status', '=', s.status);
      if (s.serviceId) q = q.where('service_ids', 'like', `%"${s.serviceId}"%`);
      if (s.tag) q = q.where('tags', 'like', `%${JSON.stringify(s.tag)}%`);
      if (s.from !== undefined) q = q.where('created_at', '>=', s.from);
      if (s.to !== undefined) q = q.where('created_at', '<', s.to);
      return (await q.orderBy('created_at', 'desc').execute()).map(toPm);
    },
    async addRevision(postmortemId, authorId, sections, at) {
      await db.insertInto('postmortem_revisions').values({ id: newId(at), postmortem_id: postmortemId, author_id: authorId, sections: JSON.stringify(sections), at }).execute();
    },
    async revisions(postmortemId) {
      return (await db.selectFrom('postmortem_revisions').selectAll().where('postmortem_id', '=', postmortemId).orderBy('at').orderBy('id').execute()).map((r) => ({ id: r.id, authorId: r.author_id, sections: JSON.parse(r.sections) as Sections, at: r.at }));
    },
    async addComment(postmortemId, authorId, body, at) {
      const id = newId(at);
      await db.insertInto('postmortem_comments').values({ id, postmortem_id: postmortemId, author_id: authorId, body, at }).execute();
      return { id };
    },
    async comments(postmortemId) {
      return (await db.selectFrom('postmortem_comments').selectAll().where('postmortem_id', '=', postmortemId).orderBy('at').orderBy('id').execute()).map((r) => ({ id: r.id, authorId: r.author_id, body: r.body, at: r.at }));
    },
    async insertActionItem(a) {
      await db.insertInto('action_items').values(itemRow(a)).execute();
    },
    async updateActionItem(a) {
      const { id, ...rest } = itemRow(a);
      await db.updateTable('action_items').set(rest).where('id', '=', id).execute();
    },
    async actionItems(postmortemId) {
      return (await db.selectFrom('action_items').selectAll().where('postmortem_id', '=', postmortemId).orderBy('created_at').orderBy('id').execute()).map(toItem);
    },
    async findActionItem(id) {
      const r = await db.selectFrom('action_items').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toItem(r);
    },
    async openActionItemsWithTickets() {
      return (await db.selectFrom('action_items').selectAll().where('status', '=', 'open').where('jira_key', 'is not', null).limit(500).execute()).map(toItem);
    },
  };
};

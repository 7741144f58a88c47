import type { Selectable } from 'kysely';
import type { Role, User, UsersRepo } from '../../core/users/users.js';
import type { Executor } from '../database.js';
import type { UsersTable } from '../schema.js';

const toUser = (r: Selectable<UsersTable>): User => ({
  id: r.id,
  name: r.name,
  email: r.email,
  timeZone: r.time_zone,
  phone: r.phone,
  slackUserId: r.slack_user_id,
  role: r.role as Role,
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const row = (u: User) => ({
  id: u.id,
  name: u.name,
  email: u.email,
  time_zone: u.timeZone,
  phone: u.phone,
  slack_user_id: u.slackUserId,
  role: u.role,
  active: u.active ? 1 : 0,
  created_at: u.createdAt,
  updated_at: u.updatedAt,
});

export const usersRepo = (db: Executor): UsersRepo => ({
  async insert(user, passwordHash) {
    await db.insertInto('users').values({ ...row(user), password_hash: passwordHash }).execute();
  },
  async update(user) {
    const { id, created_at, ...rest } = row(user);
    void created_at;
    await db.updateTable('users').set(rest).where('id', '=', id).execute();
  },
  async setPasswordHash(userId, hash) {
    await db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
  },
  async getPasswordHash(userId) {
    const r = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
    return r?.password_hash ?? null;
  },
  async findById(id) {
    const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  },
  async findByEmail(email) {
    const r = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return r && toUser(r);
  },
  async findBySlackId(slackUserId) {
    const r = await db.selectFrom('users').selectAll().where('slack_user_id', '=', slackUserId).executeTakeFirst();
    return r && toUser(r);
  },
  async list(options = {}) {
    let q = db.selectFrom('users').selectAll().orderBy('name').orderBy('id');
    if (!options.includeInactive) q = q.where('active', '=', 1);
    return (await q.execute()).map(toUser);
  },
  async count() {
    const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  },
});

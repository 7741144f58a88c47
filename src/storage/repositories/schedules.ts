import type { Selectable } from 'kysely';
import type { CalendarFeed, OverrideRecord, ScheduleRecord, SchedulesRepo, SwapRequest, SwapStatus } from '../../core/schedules/schedules.js';
import type { Layer } from '../../core/schedules/model.js';
import type { Dialect, Executor } from '../database.js';
import type { CalendarFeedsTable, ScheduleOverridesTable, SchedulesTable, SwapRequestsTable } from '../schema.js';

const toSchedule = (r: Selectable<SchedulesTable>): ScheduleRecord => ({
  id: r.id,
  teamId: r.team_id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  timeZone: r.time_zone,
  reminderMinutes: r.reminder_minutes,
  layers: JSON.parse(r.layers) as Layer[],
  slackUserGroupId: r.slack_user_group_id,
  slackHandoffChannel: r.slack_handoff_channel,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const scheduleRow = (s: ScheduleRecord) => ({
  id: s.id,
  team_id: s.teamId,
  slug: s.slug,
  name: s.name,
  description: s.description,
  time_zone: s.timeZone,
  reminder_minutes: s.reminderMinutes,
  layers: JSON.stringify(s.layers),
  slack_user_group_id: s.slackUserGroupId,
  slack_handoff_channel: s.slackHandoffChannel,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});

const toOverride = (r: Selectable<ScheduleOverridesTable>): OverrideRecord => ({
  id: r.id,
  scheduleId: r.schedule_id,
  userId: r.user_id,
  replacesUserId: r.replaces_user_id,
  layerId: r.layer_id ?? null,
  start: r.start_at,
  end: r.end_at,
  reason: r.reason,
  swapRequestId: r.swap_request_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const toSwap = (r: Selectable<SwapRequestsTable>): SwapRequest => ({
  id: r.id,
  scheduleId: r.schedule_id,
  requesterId: r.requester_id,
  start: r.start_at,
  end: r.end_at,
  note: r.note,
  status: r.status as SwapStatus,
  takerId: r.taker_id,
  overrideId: r.override_id,
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
});

const toFeed = (r: Selectable<CalendarFeedsTable>): CalendarFeed => ({
  id: r.id,
  kind: r.kind as CalendarFeed['kind'],
  targetId: r.target_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export const schedulesRepo = (db: Executor, dialect: Dialect): SchedulesRepo => ({
  async insert(s) {
    await db.insertInto('schedules').values(scheduleRow(s)).execute();
  },
  async update(s) {
    const { id, created_at, ...rest } = scheduleRow(s);
    void created_at;
    await db.updateTable('schedules').set(rest).where('id', '=', id).execute();
  },
  async delete(id) {
    await db.deleteFrom('schedule_handoff_cursors').where('schedule_id', '=', id).execute();
    await db.deleteFrom('schedule_overrides').where('schedule_id', '=', id).execute();
    await db.deleteFrom('swap_requests').where('schedule_id', '=', id).execute();
    await db.updateTable('calendar_feeds').set({ revoked_at: Date.now() }).where('kind', '=', 'schedule').where('target_id', '=', id).where('revoked_at', 'is', null).execute();
    await db.deleteFrom('schedules').where('id', '=', id).execute();
  },
  async findById(id) {
    const r = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toSchedule(r);
  },
  async findBySlug(slug) {
    const r = await db.selectFrom('schedules').selectAll().where('slug', '=', slug).executeTakeFirst();
    return r && toSchedule(r);
  },
  async list(options = {}) {
    let q = db.selectFrom('schedules').selectAll().orderBy('name').orderBy('id');
    if (options.teamId) q = q.where('team_id', '=', options.teamId);
    return (await q.execute()).map(toSchedule);
  },
  async insertOverride(o) {
    await db
      .insertInto('schedule_overrides')
      .values({
        id: o.id,
        schedule_id: o.scheduleId,
        user_id: o.userId,
        replaces_user_id: o.replacesUserId ?? null,
        layer_id: o.layerId ?? null,
        start_at: o.start,
        end_at: o.end,
        reason: o.reason,
        swap_request_id: o.swapRequestId,
        created_by: o.createdBy,
        created_at: o.createdAt,
      })
      .execute();
  },
  async deleteOverride(id) {
    await db.deleteFrom('schedule_overrides').where('id', '=', id).execute();
  },
  async findOverride(id) {
    const r = await db.selectFrom('schedule_overrides').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toOverride(r);
  },
  async listOverrides(scheduleIds, from, to) {
    if (scheduleIds.length === 0) return [];
    const rows = await db
      .selectFrom('schedule_overrides')
      .selectAll()
      .where('schedule_id', 'in', scheduleIds)
      .where('end_at', '>', from)
      .where('start_at', '<', to)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toOverride);
  },
  async insertSwap(s) {
    await db
      .insertInto('swap_requests')
      .values({
        id: s.id,
        schedule_id: s.scheduleId,
        requester_id: s.requesterId,
        start_at: s.start,
        end_at: s.end,
        note: s.note,
        status: s.status,
        taker_id: s.takerId,
        override_id: s.overrideId,
        created_at: s.createdAt,
        resolved_at: s.resolvedAt,
      })
      .execute();
  },
  async updateSwap(s) {
    await db.updateTable('swap_requests').set({ status: s.status, taker_id: s.takerId, override_id: s.overrideId, resolved_at: s.resolvedAt, note: s.note }).where('id', '=', s.id).execute();
  },
  async findSwap(id) {
    const r = await db.selectFrom('swap_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toSwap(r);
  },
  async listSwaps(options) {
    let q = db.selectFrom('swap_requests').selectAll().orderBy('start_at').orderBy('id');
    if (options.scheduleId) q = q.where('schedule_id', '=', options.scheduleId);
    if (options.status) q = q.where('status', '=', options.status);
    return (await q.execute()).map(toSwap);
  },
  async insertFeed(f, tokenHash) {
    await db
      .insertInto('calendar_feeds')
      .values({ id: f.id, token_hash: tokenHash, kind: f.kind, target_id: f.targetId, created_by: f.createdBy, created_at: f.createdAt, revoked_at: f.revokedAt })
      .execute();
  },
  async findFeedByHash(tokenHash) {
    const r = await db.selectFrom('calendar_feeds').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && toFeed(r);
  },
  async findFeed(id) {
    const r = await db.selectFrom('calendar_feeds').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toFeed(r);
  },
  async listFeeds(createdBy) {
    let q = db.selectFrom('calendar_feeds').selectAll().orderBy('created_at');
    if (createdBy) q = q.where('created_by', '=', createdBy);
    return (await q.execute()).map(toFeed);
  },
  async revokeFeed(id, at) {
    await db.updateTable('calendar_feeds').set({ revoked_at: at }).where('id', '=', id).execute();
  },
  async lockHandoffCursor(scheduleId) {
    let q = db.selectFrom('schedule_handoff_cursors').select('processed_until').where('schedule_id', '=', scheduleId);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r?.processed_until;
  },
  async setHandoffCursor(scheduleId, processedUntil) {
    await db
      .insertInto('schedule_handoff_cursors')
      .values({ schedule_id: scheduleId, processed_until: processedUntil })
      .onConflict((oc) => oc.column('schedule_id').doUpdateSet({ processed_until: processedUntil }))
      .execute();
  },
});

import type { Selectable } from 'kysely';
import type { HandoverItem, ReportContent, ReportsRepo, ShiftReport } from '../../core/reports/reports.js';
import type { Executor } from '../database.js';
import type { ShiftReportsTable } from '../schema.js';

const toReport = (r: Selectable<ShiftReportsTable>): ShiftReport => ({
  id: r.id,
  scheduleId: r.schedule_id,
  userId: r.user_id,
  shiftStart: r.shift_start,
  shiftEnd: r.shift_end,
  status: r.status as ShiftReport['status'],
  notes: r.notes,
  handover: JSON.parse(r.handover) as HandoverItem[],
  content: r.content ? (JSON.parse(r.content) as ReportContent) : null,
  previousReportId: r.previous_report_id,
  sentAt: r.sent_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const row = (r: ShiftReport) => ({
  id: r.id,
  schedule_id: r.scheduleId,
  user_id: r.userId,
  shift_start: r.shiftStart,
  shift_end: r.shiftEnd,
  status: r.status,
  notes: r.notes,
  handover: JSON.stringify(r.handover),
  content: r.content ? JSON.stringify(r.content) : null,
  previous_report_id: r.previousReportId,
  sent_at: r.sentAt,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

export const reportsRepo = (db: Executor): ReportsRepo => ({
  async insert(r) {
    const res = await db.insertInto('shift_reports').values(row(r)).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  },
  async update(r) {
    const { id, ...rest } = row(r);
    await db.updateTable('shift_reports').set(rest).where('id', '=', id).execute();
  },
  async find(id) {
    const r = await db.selectFrom('shift_reports').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toReport(r);
  },
  async findByShift(scheduleId, userId, shiftStart) {
    const r = await db.selectFrom('shift_reports').selectAll().where('schedule_id', '=', scheduleId).where('user_id', '=', userId).where('shift_start', '=', shiftStart).executeTakeFirst();
    return r && toReport(r);
  },
  async latestSent(scheduleId, before) {
    const r = await db.selectFrom('shift_reports').selectAll().where('schedule_id', '=', scheduleId).where('status', '=', 'sent').where('shift_start', '<', before).orderBy('shift_start', 'desc').limit(1).executeTakeFirst();
    return r && toReport(r);
  },
  async list(f) {
    let q = db.selectFrom('shift_reports').selectAll().orderBy('shift_start', 'desc').limit(Math.min(f.limit ?? 100, 1000));
    if (f.userId) q = q.where('user_id', '=', f.userId);
    if (f.scheduleIds) q = f.scheduleIds.length ? q.where('schedule_id', 'in', f.scheduleIds) : q.where('id', '=', '');
    if (f.from !== undefined) q = q.where('shift_start', '>=', f.from);
    if (f.to !== undefined) q = q.where('shift_start', '<', f.to);
    if (f.q) {
      const like = `%${f.q.replace(/[%_]/g, '')}%`;
      q = q.where((eb) => eb.or([eb('notes', 'like', like), eb('content', 'like', like)]));
    }
    return (await q.execute()).map(toReport);
  },
});

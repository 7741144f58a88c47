/**
 * The shift report use cases: what adapters (HTTP routes, engine jobs) call. Each opens its own
 * transaction; a report is edited and sent by the person whose shift it is. What other domains
 * contribute to a report (`sources`) is given by the composition root.
 */
import type { Ctx } from '../shared/context.js';
import { forbidden, invalid, notFound, unauthenticated } from '../shared/errors.js';
import type { CoreDeps } from '../shared/ports.js';
import { parseInstant } from '../shared/validate.js';
import type { User } from '../users/users.js';
import { createDraft, editReport, fillReport, findReport, remindReport, sendReport, type HandoverItem, type ReportContent, type ReportSources, type ShiftReport } from './reports.js';

/** An instant as the caller sent it: epoch ms, or digits / ISO 8601 text. */
type InstantInput = number | string;

function personOf(ctx: Ctx): User {
  if (!ctx.user) throw unauthenticated();
  return ctx.user;
}

export interface ReportQuery {
  /** `me`, an email address or a user id. */
  user?: string;
  /** A team slug or id. */
  team?: string;
  from?: InstantInput;
  to?: InstantInput;
  q?: string;
  status?: string;
}

/** Browse and search shift reports by person, team and date. */
export async function searchReports(deps: CoreDeps, ctx: Ctx, q: ReportQuery): Promise<ShiftReport[]> {
  return deps.uow.run(async (r) => {
    const userId = q.user === 'me' ? personOf(ctx).id : q.user ? (((await r.users.findByEmail(q.user.toLowerCase())) ?? (await r.users.findById(q.user)))?.id ?? 'none') : undefined;
    let scheduleIds: string[] | undefined;
    if (q.team) {
      const team = (await r.teams.findBySlug(q.team)) ?? (await r.teams.findById(q.team));
      if (!team) throw notFound('team', q.team);
      scheduleIds = (await r.schedules.list({ teamId: team.id })).map((s) => s.id);
    }
    const list = await r.reports.list({ ...(userId ? { userId } : {}), ...(scheduleIds ? { scheduleIds } : {}), ...(q.from ? { from: parseInstant(q.from, 'from') } : {}), ...(q.to ? { to: parseInstant(q.to, 'to') } : {}), ...(q.q ? { q: q.q } : {}) });
    return q.status ? list.filter((x) => x.status === q.status) : list;
  });
}

export interface ReportDetail {
  report: ShiftReport;
  content: ReportContent;
  previous: { id: string; userId: string; sentAt: number | null; content: ReportContent | null } | null;
}

/** A shift report, filled live while it is a draft, with the previous report. */
export async function reportDetail(deps: CoreDeps, ctx: Ctx, input: { id: string; sources: ReportSources }): Promise<ReportDetail> {
  return deps.uow.run(async (r) => {
    const report = await findReport(r, input.id);
    const content = report.status === 'sent' && report.content ? report.content : await fillReport(r, report, ctx.now, input.sources);
    const previous = report.previousReportId ? await r.reports.find(report.previousReportId) : undefined;
    return { report, content, previous: previous ? { id: previous.id, userId: previous.userId, sentAt: previous.sentAt, content: previous.content } : null };
  });
}

/** Starts the draft of the caller's current shift on a schedule (normally created at shift start). */
export async function startReport(deps: CoreDeps, ctx: Ctx, input: { scheduleId: string; shiftStart: InstantInput }): Promise<ShiftReport | undefined> {
  const user = personOf(ctx);
  const at = parseInstant(input.shiftStart, 'shiftStart');
  return deps.uow.run(async (r) => {
    const s = (await r.schedules.findById(input.scheduleId)) ?? (await r.schedules.findBySlug(input.scheduleId));
    if (!s) throw invalid('unknown_schedule', `No schedule "${input.scheduleId}".`, { field: 'scheduleId' });
    return createDraft(r, { scheduleId: s.id, userId: user.id, at }, ctx.now);
  });
}

/** The caller edits their draft: notes and hand-over items. */
export async function changeReport(deps: CoreDeps, ctx: Ctx, input: { id: string; notes?: string; handover?: HandoverItem[] }): Promise<ShiftReport> {
  const user = personOf(ctx);
  const { id, ...patch } = input;
  return deps.uow.run(async (r) => editReport(r, user, await findReport(r, id), patch, ctx.now));
}

/** The caller sends their report: stored, emailed to the team, posted to the hand-off channel; published as `report.sent`. */
export async function sendShiftReport(deps: CoreDeps, ctx: Ctx, input: { id: string; sources: ReportSources }): Promise<ShiftReport> {
  const user = personOf(ctx);
  return deps.uow.run(async (r) => {
    const report = await findReport(r, input.id);
    if (report.userId !== user.id) throw forbidden('This report is for a shift that is not yours.');
    const sent = await sendReport(r, user, report, ctx.now, input.sources, ctx.publicUrl);
    await deps.publish(r, 'report.sent', { entityType: 'shift_report', entityId: sent.id }, sent.id);
    return sent;
  });
}

/** At a shift start: the incoming on-call's draft (once per shift). */
export async function draftShiftReport(deps: CoreDeps, ctx: Ctx, input: { scheduleId: string; userId: string; at: number }): Promise<ShiftReport | undefined> {
  return deps.uow.run((r) => createDraft(r, input, ctx.now));
}

/** Before the shift ends: a reminder when the report has not been sent. */
export async function remindShiftReport(deps: CoreDeps, ctx: Ctx, input: { reportId: string }): Promise<void> {
  await deps.uow.run((r) => remindReport(r, input.reportId, ctx.now, ctx.publicUrl));
}

/**
 * On-call shift reports: a draft is created for the incoming on-call at each shift start, fills
 * itself as the shift goes (alerts, incidents, triage decisions, better-engineering work, hand-over
 * items), and is sent by the engineer before the hand-off: stored, emailed to the team, optionally
 * posted to Slack. The next on-call sees it when their shift starts.
 */
import { REPORT_REMINDER_JOB } from '../shared/jobs.js';
import { listIncidents } from '../incidents/incidents.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { SYSTEM_ACTOR, type Repos } from '../shared/ports.js';
import { localMinutes } from '../notifications/notifications.js';
import { queueMessage } from '../notifications/outbox.js';
import { finalScheduleOf } from '../schedules/schedules.js';
import type { User } from '../users/users.js';

export interface HandoverItem {
  text: string;
  done: boolean;
}

export interface ShiftReport {
  id: string;
  scheduleId: string;
  userId: string;
  shiftStart: number;
  shiftEnd: number | null;
  status: 'draft' | 'sent';
  notes: string;
  handover: HandoverItem[];
  content: ReportContent | null;
  previousReportId: string | null;
  sentAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ReportContent {
  from: number;
  to: number;
  alerts: { total: number; byService: Array<{ service: string; count: number }>; noisiest: Array<{ number: number; message: string; count: number }>; pagesOutOfHours: number; pages: number };
  incidents: Array<{ reference: string; id: string; title: string; severity: string; status: string }>;
  stillOpen: Array<{ reference: string; id: string; title: string; severity: string; status: string }>;
  triage: Array<{ title: string; decision: string; at: number }>;
  backlogDone: Array<{ title: string; key: string | null; at: number }>;
  handover: HandoverItem[];
  notes: string;
}

export interface ReportsRepo {
  insert(r: ShiftReport): Promise<boolean>;
  update(r: ShiftReport): Promise<void>;
  find(id: string): Promise<ShiftReport | undefined>;
  findByShift(scheduleId: string, userId: string, shiftStart: number): Promise<ShiftReport | undefined>;
  latestSent(scheduleId: string, before: number): Promise<ShiftReport | undefined>;
  list(filter: { userId?: string; scheduleIds?: string[]; from?: number; to?: number; q?: string; limit?: number }): Promise<ShiftReport[]>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    reports: ReportsRepo;
  }
}

/** What other domains contribute to a report (triage decisions, better-engineering work). */
export interface ReportSources {
  triageDecisions?(r: Repos, userId: string, from: number, to: number): Promise<Array<{ title: string; decision: string; at: number }>>;
  backlogDone?(r: Repos, userId: string, from: number, to: number): Promise<Array<{ title: string; key: string | null; at: number }>>;
}

export { REPORT_REMINDER_JOB } from '../shared/jobs.js';
export const DEFAULT_REPORT_TEMPLATE = '## What happened\n\n## Ongoing\n\n## Better-engineering work\n\n## Notes for the next on-call\n';

/** At a shift start: the incoming on-call's draft (once per shift), with the previous report linked. */
export async function createDraft(r: Repos, payload: { scheduleId: string; userId: string; at: number }, now: number): Promise<ShiftReport | undefined> {
  const s = await r.schedules.findById(payload.scheduleId);
  if (!s) return undefined;
  const existing = await r.reports.findByShift(s.id, payload.userId, payload.at);
  if (existing) return existing;
  // The shift's end: where this person's run of shifts in the final schedule ends.
  const { shifts } = await finalScheduleOf(r, s, payload.at, payload.at + 45 * 86_400_000);
  let end: number | null = null;
  // Others may be on call at the same time (combined layers): follow this person's pieces only.
  for (const sh of shifts) {
    if (sh.userId !== payload.userId) continue;
    if (end === null) {
      if (sh.start > payload.at) break;
      end = sh.end;
    } else if (sh.start <= end) end = Math.max(end, sh.end);
    else break;
  }
  const previous = await r.reports.latestSent(s.id, payload.at + 1);
  const template = (await r.settings.get('report_template')) ?? DEFAULT_REPORT_TEMPLATE;
  const report: ShiftReport = {
    id: newId(now),
    scheduleId: s.id,
    userId: payload.userId,
    shiftStart: payload.at,
    shiftEnd: end,
    status: 'draft',
    notes: template,
    handover: [],
    content: null,
    previousReportId: previous?.id ?? null,
    sentAt: null,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await r.reports.insert(report))) return r.reports.findByShift(s.id, payload.userId, payload.at);
  await r.events.append({ entityType: 'user', entityId: payload.userId, type: 'report.draft_created', actor: SYSTEM_ACTOR, data: { reportId: report.id, scheduleId: s.id, previousReportId: report.previousReportId } });
  if (end !== null) {
    const remindAt = Math.max(now, end - 60 * 60_000);
    await r.jobs.enqueue({ kind: REPORT_REMINDER_JOB, payload: { reportId: report.id }, runAt: remindAt, dedupeKey: `report-reminder:${report.id}` });
  }
  return report;
}

/** The report as it stands: everything the shift produced so far. */
export async function fillReport(r: Repos, report: ShiftReport, now: number, sources: ReportSources): Promise<ReportContent> {
  const from = report.shiftStart;
  const to = report.status === 'sent' && report.sentAt ? report.sentAt : Math.max(now, from);
  const s = await r.schedules.findById(report.scheduleId);
  const user = await r.users.findById(report.userId);
  const services = s ? await r.alerts.listServices({ teamId: s.teamId }) : [];
  const serviceIds = services.map((x) => x.id);
  const { data: alerts } = serviceIds.length ? await r.alerts.listAlerts({ serviceIds, limit: 1000 }) : { data: [] };
  const inShift = alerts.filter((a) => a.createdAt >= from && a.createdAt < to);
  const byService = services.map((x) => ({ service: x.name, count: inShift.filter((a) => a.serviceId === x.id).length })).filter((x) => x.count > 0);
  const pages = (await r.notifications.listPages({ userId: report.userId, limit: 1000 })).filter((p) => p.createdAt >= from && p.createdAt < to && p.sourceType !== 'test');
  const ooh = user ? pages.filter((p) => { const m = localMinutes(p.createdAt, user.timeZone); return m < 8 * 60 || m >= 20 * 60; }).length : 0;
  const incidents = (await listIncidents(r, 'public', { limit: 500 })).filter((i) => (i.serviceIds.some((x) => serviceIds.includes(x)) || i.commanderId === report.userId) && i.createdAt < to && (i.resolvedAt === null || i.resolvedAt >= from));
  const ref = (i: (typeof incidents)[number]) => ({ reference: `INC-${i.number}`, id: i.id, title: i.title, severity: i.severity, status: i.status });
  return {
    from,
    to,
    alerts: {
      total: inShift.length,
      byService,
      noisiest: [...inShift].sort((a, b) => b.count - a.count).slice(0, 5).map((a) => ({ number: a.number, message: a.message, count: a.count })),
      pages: pages.length,
      pagesOutOfHours: ooh,
    },
    incidents: incidents.map(ref),
    stillOpen: incidents.filter((i) => i.status !== 'resolved' && i.status !== 'cancelled').map(ref),
    triage: (await sources.triageDecisions?.(r, report.userId, from, to)) ?? [],
    backlogDone: (await sources.backlogDone?.(r, report.userId, from, to)) ?? [],
    handover: report.handover,
    notes: report.notes,
  };
}

export function assertOwner(report: ShiftReport, user: User): void {
  if (report.userId !== user.id) throw forbidden('This report is for a shift that is not yours.');
}

export async function editReport(r: Repos, user: User, report: ShiftReport, patch: { notes?: string; handover?: HandoverItem[] }, now: number): Promise<ShiftReport> {
  assertOwner(report, user);
  if (report.status === 'sent') throw conflict('report_sent', 'This report was sent; it can no longer change.');
  if (patch.notes !== undefined && patch.notes.length > 100_000) throw invalid('invalid_field', 'notes is at most 100000 characters.', { field: 'notes' });
  const next = { ...report, ...(patch.notes !== undefined ? { notes: patch.notes } : {}), ...(patch.handover ? { handover: patch.handover } : {}), updatedAt: now };
  await r.reports.update(next);
  return next;
}

export function reportText(report: ShiftReport, c: ReportContent, userName: string, scheduleName: string, publicUrl: string): string {
  const day = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const lines = [
    `On-call report: ${scheduleName} — ${userName}`,
    `Shift: ${day(c.from)} to ${day(c.to)}`,
    '',
    `Alerts: ${c.alerts.total}${c.alerts.byService.length ? ` (${c.alerts.byService.map((b) => `${b.service} ${b.count}`).join(', ')})` : ''}; pages: ${c.alerts.pages}, out of hours: ${c.alerts.pagesOutOfHours}`,
    ...(c.alerts.noisiest.length ? ['Noisiest:', ...c.alerts.noisiest.map((a) => `- #${a.number} ${a.message} ×${a.count}`)] : []),
    '',
    `Incidents (${c.incidents.length}):`,
    ...c.incidents.map((i) => `- ${i.reference} [${i.severity}] ${i.title} — ${i.status}`),
    '',
    `Still open, handed over (${c.stillOpen.length}):`,
    ...c.stillOpen.map((i) => `- ${i.reference} [${i.severity}] ${i.title} — ${i.status}`),
    ...c.handover.filter((h) => !h.done).map((h) => `- ${h.text}`),
    '',
    `Triage decisions (${c.triage.length}):`,
    ...c.triage.map((t) => `- ${t.title}: ${t.decision}`),
    '',
    `Better-engineering work done (${c.backlogDone.length}):`,
    ...c.backlogDone.map((b) => `- ${b.key ? `${b.key} ` : ''}${b.title}`),
    '',
    c.notes.trim(),
    '',
    `${publicUrl}/reports/${report.id}`,
  ];
  return lines.join('\n');
}

export async function sendReport(r: Repos, user: User, report: ShiftReport, now: number, sources: ReportSources, publicUrl: string): Promise<ShiftReport> {
  assertOwner(report, user);
  if (report.status === 'sent') throw conflict('report_sent', 'This report was sent already.');
  const content = await fillReport(r, { ...report, status: 'draft' }, now, sources);
  const sent: ShiftReport = { ...report, status: 'sent', content, sentAt: now, updatedAt: now };
  await r.reports.update(sent);
  const s = await r.schedules.findById(report.scheduleId);
  const team = s ? await r.teams.findById(s.teamId) : undefined;
  const text = reportText(sent, content, user.name, s?.name ?? 'schedule', publicUrl);
  const to: string[] = [];
  for (const id of team?.memberIds ?? []) {
    const m = await r.users.findById(id);
    if (m?.active) {
      await queueMessage(r, now, { channel: 'email', address: m.email, subject: `On-call report: ${s?.name ?? ''} (${user.name})`, body: text, entityType: 'shift_report', entityId: report.id });
      to.push(m.email);
    }
  }
  if (s?.slackHandoffChannel) await queueMessage(r, now, { channel: 'slack_channel', address: s.slackHandoffChannel, subject: `On-call report from ${user.name}`, body: text, entityType: 'shift_report', entityId: report.id });
  await r.jobs.cancelPending(`report-reminder:${report.id}`);
  await r.events.append({ entityType: 'user', entityId: user.id, type: 'report.sent', actor: { type: 'user', id: user.id }, data: { reportId: report.id, to } });
  return sent;
}

/** Before the shift ends: a reminder when the report has not been sent. */
export async function remindReport(r: Repos, reportId: string, now: number, publicUrl: string): Promise<void> {
  const report = await r.reports.find(reportId);
  if (!report || report.status === 'sent') return;
  const user = await r.users.findById(report.userId);
  if (!user) return;
  await queueMessage(r, now, {
    ...(user.slackUserId ? { channel: 'slack_dm' as const, address: user.slackUserId } : { channel: 'email' as const, address: user.email }),
    subject: 'Your on-call report is not sent yet',
    body: `Your shift ends soon. Review and send your report for the hand-off meeting: ${publicUrl}/reports/${report.id}`,
    entityType: 'shift_report',
    entityId: report.id,
  });
  await r.events.append({ entityType: 'user', entityId: user.id, type: 'report.reminder', actor: SYSTEM_ACTOR, data: { reportId } });
}

export async function findReport(r: Repos, id: string): Promise<ShiftReport> {
  const report = await r.reports.find(id);
  if (!report) throw notFound('shift_report', id);
  return report;
}

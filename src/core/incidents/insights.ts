/**
 * Insight: MTTA and MTTR per severity, service and month; incidents per week; on-call load per
 * person (pages, and pages out of hours in their own time zone).
 */
import { listIncidents } from './incidents.js';
import type { Repos } from '../shared/ports.js';
import { assertSpan, MAX_SPAN_MS } from '../shared/validate.js';
import { localMinutes } from '../notifications/notifications.js';

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;

interface Bucket {
  count: number;
  mttaMinutes: number | null;
  mttrMinutes: number | null;
  medianTtrMinutes: number | null;
}

function bucket(items: Array<{ ack?: number; res?: number }>): Bucket {
  const acks = items.flatMap((i) => (i.ack !== undefined ? [i.ack] : []));
  const ress = items.flatMap((i) => (i.res !== undefined ? [i.res] : []));
  const mtta = mean(acks);
  const mttr = mean(ress);
  const med = median(ress);
  return { count: items.length, mttaMinutes: mtta === null ? null : minutes(mtta), mttrMinutes: mttr === null ? null : minutes(mttr), medianTtrMinutes: med === null ? null : minutes(med) };
}

/** ISO week start (Monday, UTC) of an instant, as YYYY-MM-DD. */
function weekOf(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
}

export async function insights(r: Repos, o: { from: number; to: number; viewerId: string }) {
  assertSpan(o.from, o.to, MAX_SPAN_MS.window, 'An insights window', 'to');
  const incidents = await listIncidents(r, { id: o.viewerId }, { from: o.from, to: o.to, limit: 1000 });
  const services = new Map((await r.alerts.listServices()).map((s) => [s.id, s.name]));
  const rows = incidents.map((i) => ({
    i,
    ack: i.acknowledgedAt !== null ? i.acknowledgedAt - i.startedAt : undefined,
    res: i.resolvedAt !== null ? i.resolvedAt - i.startedAt : undefined,
  }));
  const group = (key: (x: (typeof rows)[number]) => string[]) => {
    const m = new Map<string, typeof rows>();
    for (const x of rows) for (const k of key(x)) m.set(k, [...(m.get(k) ?? []), x]);
    return Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, bucket(v)]));
  };
  const perWeek: Record<string, number> = {};
  for (const x of rows) perWeek[weekOf(x.i.createdAt)] = (perWeek[weekOf(x.i.createdAt)] ?? 0) + 1;

  // On-call load: pages per person, and those out of hours (before 08:00, after 20:00 or weekends, their zone).
  const users = await r.users.list();
  const load = [];
  for (const u of users) {
    const pages = (await r.notifications.listPages({ userId: u.id, limit: 1000 })).filter((p) => p.createdAt >= o.from && p.createdAt < o.to && p.sourceType !== 'test');
    if (pages.length === 0) continue;
    const outOfHours = pages.filter((p) => {
      const m = localMinutes(p.createdAt, u.timeZone);
      const wd = new Intl.DateTimeFormat('en-GB', { timeZone: u.timeZone, weekday: 'short' }).format(new Date(p.createdAt));
      return m < 8 * 60 || m >= 20 * 60 || wd === 'Sat' || wd === 'Sun';
    }).length;
    load.push({ userId: u.id, name: u.name, pages: pages.length, outOfHours });
  }
  load.sort((a, b) => b.pages - a.pages);
  return {
    from: o.from,
    to: o.to,
    total: bucket(rows),
    bySeverity: group((x) => [x.i.severity]),
    byService: group((x) => (x.i.serviceIds.length ? x.i.serviceIds.map((s) => services.get(s) ?? s) : ['(no service)'])),
    byMonth: group((x) => [new Date(x.i.createdAt).toISOString().slice(0, 7)]),
    perWeek,
    oncallLoad: load,
  };
}

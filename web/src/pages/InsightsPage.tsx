/**
 * Insight (`/insights`): incidents per week, mean time to acknowledge and to resolve by severity
 * and by service, and the on-call load per person (pages, and pages out of hours in their zone).
 */
import { useMemo, useState } from 'react';
import { api, type InsightBucket } from '../api.ts';
import { BarChart, ColumnChart } from '../components/Charts.tsx';
import { severityRank, useSeverities } from '../components/IncidentBits.tsx';
import { ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatDate } from '../format.ts';
import { useDocumentTitle, useResource } from '../hooks.ts';

const RANGES = [
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 180, label: 'Last 6 months' },
  { days: 365, label: 'Last 12 months' },
];

const DAY = 86_400_000;

/** "45 min", "3 h 20 min", "2 d 4 h"; "—" when there is nothing to measure. */
export function formatDuration(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes < 1) return '<1 min';
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** Monday (UTC) of the week of `ms`, as YYYY-MM-DD — the server's week keys. */
function weekStart(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
}

const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

const TIME_SERIES = [
  { name: 'Time to acknowledge (mean)', className: 'chart-s0' },
  { name: 'Time to resolve (mean)', className: 'chart-s1' },
];

export function InsightsPage() {
  useDocumentTitle('Insights');
  const [days, setDays] = useState(90);
  const range = useMemo(() => {
    const to = Date.now() + 1;
    return { from: to - days * DAY, to };
  }, [days]);
  const insights = useResource(() => api.insights.get(range), [range]);
  const severities = useSeverities();
  const data = insights.data;

  const weeks = useMemo(() => {
    if (!data) return [];
    const out: Array<{ label: string; value: number; title: string }> = [];
    const seen = new Set<string>();
    for (let t = data.from; t < data.to + 7 * DAY; t += 7 * DAY) {
      const k = weekStart(Math.min(t, data.to));
      if (seen.has(k)) continue;
      seen.add(k);
      const v = data.perWeek[k] ?? 0;
      const label = shortDate.format(new Date(`${k}T00:00:00Z`));
      out.push({ label, value: v, title: `Week of ${label}: ${v} incident${v === 1 ? '' : 's'}` });
    }
    return out;
  }, [data]);

  const timeRows = (buckets: Record<string, InsightBucket>, order: (a: string, b: string) => number) =>
    Object.entries(buckets)
      .sort(([a], [b]) => order(a, b))
      .map(([label, b]) => ({ label: `${label} (${b.count})`, values: [b.mttaMinutes, b.mttrMinutes] }));

  return (
    <>
      <PageHeader
        title="Insights"
        description="How often things break, how fast we respond, and who carries the pager."
        actions={
          <select aria-label="Period" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {RANGES.map((r) => (
              <option key={r.days} value={r.days}>
                {r.label}
              </option>
            ))}
          </select>
        }
      />
      <ErrorBanner error={insights.error} title="Could not load insights." />
      {insights.loading && !data ? <Loading label="Loading insights…" /> : null}
      {data ? (
        <>
          <p className="muted small insights-range">
            {formatDate(data.from)} to {formatDate(data.to)}. Times are measured from when an incident started.
          </p>
          <div className="stat-cards" role="list" aria-label="Summary">
            <Stat label="Incidents" value={String(data.total.count)} />
            <Stat label="Mean time to acknowledge" value={formatDuration(data.total.mttaMinutes)} />
            <Stat label="Mean time to resolve" value={formatDuration(data.total.mttrMinutes)} />
            <Stat label="Median time to resolve" value={formatDuration(data.total.medianTtrMinutes)} />
            <Stat
              label="Pages"
              value={String(data.oncallLoad.reduce((a, l) => a + l.pages, 0))}
              hint={`${data.oncallLoad.reduce((a, l) => a + l.outOfHours, 0)} out of hours`}
            />
          </div>
          <Panel title="Incidents per week">
            {data.total.count === 0 ? <p className="muted small">No incidents in this period.</p> : null}
            <ColumnChart data={weeks} label="Incidents per week" caption="Incidents declared per week (weeks start on Monday, UTC)" />
          </Panel>
          <div className="insights-grid">
            <Panel title="Response by severity">
              <BarChart
                rows={timeRows(data.bySeverity, (a, b) => severityRank(a, severities.data) - severityRank(b, severities.data))}
                series={TIME_SERIES}
                label="Mean time to acknowledge and to resolve, by severity"
                format={formatDuration}
                empty="No incidents in this period."
              />
            </Panel>
            <Panel title="Response by service">
              <BarChart
                rows={timeRows(data.byService, (a, b) => a.localeCompare(b))}
                series={TIME_SERIES}
                label="Mean time to acknowledge and to resolve, by service"
                format={formatDuration}
                empty="No incidents in this period."
              />
            </Panel>
          </div>
          <Panel title="On-call load">
            <p className="panel-intro">
              Pages per person in this period; out of hours means before 08:00, after 20:00 or at the weekend in their own time zone.
            </p>
            <BarChart
              rows={data.oncallLoad.map((l) => ({ label: l.name, values: [l.pages, l.outOfHours] }))}
              series={[
                { name: 'Pages', className: 'chart-s0' },
                { name: 'Out of hours', className: 'chart-s2' },
              ]}
              label="Pages and out-of-hours pages per person"
              empty="Nobody was paged in this period."
            />
            {data.oncallLoad.length ? (
              <div className="table-wrap load-table">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Person</th>
                      <th scope="col" className="num">
                        Pages
                      </th>
                      <th scope="col" className="num">
                        Out of hours
                      </th>
                      <th scope="col" className="num">
                        Share out of hours
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.oncallLoad.map((l) => (
                      <tr key={l.userId}>
                        <td className="strong">{l.name}</td>
                        <td className="num">{l.pages}</td>
                        <td className="num">{l.outOfHours}</td>
                        <td className="num">{l.pages ? Math.round((l.outOfHours / l.pages) * 100) : 0}%</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </Panel>
        </>
      ) : null}
    </>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="stat-card" role="listitem" aria-label={`${label}: ${value}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="muted small">{hint}</div> : null}
    </div>
  );
}

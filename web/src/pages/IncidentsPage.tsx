/**
 * Incidents: the list with filters in the URL (?status=open|resolved|all&severity=&service=&q=),
 * and "Declare incident". Refreshes every 10 seconds.
 */
import { useEffect, useMemo, useState } from 'react';
import { api, type Incident, type IncidentQuery } from '../api.ts';
import { Icon } from '../components/Icon.tsx';
import { DeclareIncidentModal, IncidentStatusBadge, isClosed, SeverityAndServiceFilters, SeverityBadge, useSeverities } from '../components/IncidentBits.tsx';
import { EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatAge, formatDateTime } from '../format.ts';
import { useDocumentTitle, useInterval, useNow, useResource } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';

export const INCIDENTS_POLL_MS = 10_000;

type StatusFilter = 'open' | 'resolved' | 'all';
const STATUS_TABS: Array<{ status: StatusFilter; label: string }> = [
  { status: 'open', label: 'Open' },
  { status: 'resolved', label: 'Resolved' },
  { status: 'all', label: 'All' },
];

interface Filters {
  status: StatusFilter;
  severity: string;
  service: string;
  q: string;
}

function readFilters(search: string): Filters {
  const p = new URLSearchParams(search);
  const status = p.get('status');
  return {
    status: STATUS_TABS.some((t) => t.status === status) ? (status as StatusFilter) : 'open',
    severity: p.get('severity') ?? '',
    service: p.get('service') ?? '',
    q: p.get('q') ?? '',
  };
}

function filtersUrl(f: Filters): string {
  const p = new URLSearchParams();
  if (f.status !== 'open') p.set('status', f.status);
  if (f.severity) p.set('severity', f.severity);
  if (f.service) p.set('service', f.service);
  if (f.q) p.set('q', f.q);
  const s = p.toString();
  return s ? `/incidents?${s}` : '/incidents';
}

export function IncidentsPage() {
  const { search } = useLocation();
  const filters = useMemo(() => readFilters(search), [search]);
  const session = useSession();
  const canWrite = session.can('write');
  const now = useNow(30_000);
  const [declaring, setDeclaring] = useState(false);

  const q: IncidentQuery = {
    ...(filters.status !== 'all' ? { status: filters.status } : {}),
    ...(filters.severity ? { severity: filters.severity } : {}),
    ...(filters.service ? { service: filters.service } : {}),
    ...(filters.q ? { q: filters.q } : {}),
  };
  const key = JSON.stringify(q);
  const incidents = useResource(async () => ({ key, list: await api.incidents.list(q) }), [key]);
  const openCount = useResource(async () => (await api.incidents.list({ status: 'open' })).length, []);
  const severities = useSeverities();
  const services = useResource(() => api.services.list(), []);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  useInterval(() => {
    void incidents.reload();
    void openCount.reload();
  }, INCIDENTS_POLL_MS);
  useDocumentTitle(openCount.data ? `(${openCount.data}) Incidents` : 'Incidents');

  const setFilter = (patch: Partial<Filters>, replace = false): void => navigate(filtersUrl({ ...filters, ...patch }), { replace });
  const [text, setText] = useState(filters.q);
  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => {
    if (text === filters.q) return;
    const id = window.setTimeout(() => setFilter({ q: text.trim() }, true), 350);
    return () => window.clearTimeout(id);
  }, [text]);

  const nameOf = (id: string | null): string => (id ? (users.data?.find((u) => u.id === id)?.name ?? '—') : '');
  const serviceNames = (ids: string[]): string[] => ids.map((id) => services.data?.find((s) => s.id === id)?.name ?? '').filter(Boolean);
  const levels = severities.data ?? [];
  const list: Incident[] = incidents.data?.list ?? [];
  const stale = incidents.loading && incidents.data?.key !== key;
  const filtered = !!(filters.severity || filters.service || filters.q);

  return (
    <>
      <PageHeader
        title="Incidents"
        description="Declared incidents: who runs them, how long they have lasted, where they stand."
        actions={
          <>
            <Link to="/severities" className="btn btn-secondary">
              <Icon name="list" size={16} /> Severity levels
            </Link>
            {canWrite ? (
              <button type="button" className="btn btn-danger" onClick={() => setDeclaring(true)}>
                <Icon name="flame" size={16} /> Declare incident
              </button>
            ) : null}
          </>
        }
      />

      <nav className="tabs" aria-label="Incident status">
        {STATUS_TABS.map((t) => {
          const active = t.status === filters.status;
          return (
            <Link
              key={t.status}
              to={filtersUrl({ ...filters, status: t.status })}
              className={active ? 'tab active' : 'tab'}
              aria-current={active ? 'page' : undefined}
            >
              {t.label}
              {t.status === 'open' && openCount.data !== undefined ? (
                <span className={`tab-count${openCount.data > 0 ? ' is-hot' : ''}`}>{openCount.data}</span>
              ) : null}
            </Link>
          );
        })}
      </nav>

      <div className="filter-bar" role="search" aria-label="Filter incidents">
        <input
          type="search"
          className="filter-search"
          placeholder="Search title and summary…"
          aria-label="Search incidents"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <SeverityAndServiceFilters severity={filters.severity} service={filters.service} levels={levels} services={services.data ?? []} onChange={setFilter} />
        {filtered ? (
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => navigate(filtersUrl({ status: filters.status, severity: '', service: '', q: '' }))}
          >
            Clear filters
          </button>
        ) : null}
      </div>

      <Panel className="alerts-panel">
        <ErrorBanner error={incidents.error} title="Could not load incidents." />
        {incidents.loading && !incidents.data ? <Loading label="Loading incidents…" /> : null}
        {incidents.data && list.length === 0 ? (
          <EmptyState icon="flame" title={filtered ? 'No incidents match' : filters.status === 'open' ? 'No open incidents' : 'No incidents'}>
            {filtered
              ? 'Try other filters.'
              : filters.status === 'open'
                ? 'Nothing is on fire. Declare an incident when customers are affected now or soon.'
                : 'Incidents show up here once declared.'}
          </EmptyState>
        ) : null}
        {list.length ? (
          <div className={stale ? 'table-wrap is-stale' : 'table-wrap'}>
            <table className="table incidents-table">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Incident</th>
                  <th scope="col">Status</th>
                  <th scope="col">Commander</th>
                  <th scope="col">Age</th>
                </tr>
              </thead>
              <tbody>
                {list.map((i) => {
                  const closed = isClosed(i);
                  const svc = serviceNames(i.serviceIds);
                  return (
                    <tr key={i.id} className={closed ? 'inactive' : undefined}>
                      <td>
                        <SeverityBadge severity={i.severity} rank={levels.find((s) => s.key === i.severity)?.rank} />
                      </td>
                      <td className="cell-message">
                        <Link to={`/incidents/${i.reference}`} className="alert-message">
                          <span className="mono muted">{i.reference}</span> {i.title}
                        </Link>
                        <div className="alert-sub">
                          {svc.length ? <span>{svc.join(', ')}</span> : null}
                          {i.private ? <span>Private</span> : null}
                        </div>
                      </td>
                      <td>
                        <IncidentStatusBadge status={i.status} />
                      </td>
                      <td className="nowrap">{nameOf(i.commanderId) || <span className="muted">Nobody</span>}</td>
                      <td className="nowrap" title={`Started ${formatDateTime(i.startedAt)}`}>
                        {closed && i.resolvedAt ? <span className="muted">lasted {formatAge(i.startedAt, i.resolvedAt)}</span> : formatAge(i.startedAt, now)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>

      {declaring ? (
        <DeclareIncidentModal
          onClose={() => setDeclaring(false)}
          onDeclared={(incident) => {
            setDeclaring(false);
            navigate(`/incidents/${incident.reference}`);
          }}
        />
      ) : null}
    </>
  );
}

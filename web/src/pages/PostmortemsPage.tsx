/**
 * Post-mortems (`/postmortems`): full-text search across every section, with filters in the URL
 * (?q=&status=&severity=&service=&tag=).
 */
import { useEffect, useMemo, useState } from 'react';
import { api, type Postmortem, type PostmortemQuery, type PostmortemStatus } from '../api.ts';
import { Icon } from '../components/Icon.tsx';
import { SeverityAndServiceFilters, SeverityBadge, useSeverities } from '../components/IncidentBits.tsx';
import { PostmortemStatusBadge } from '../components/PostmortemBits.tsx';
import { EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatDate, formatRelative } from '../format.ts';
import { useDocumentTitle, useNow, useResource } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';

const STATUSES: Array<{ value: PostmortemStatus; label: string }> = [
  { value: 'draft', label: 'Draft' },
  { value: 'in_review', label: 'In review' },
  { value: 'published', label: 'Published' },
];

interface Filters {
  q: string;
  status: PostmortemStatus | '';
  severity: string;
  service: string;
  tag: string;
}

function readFilters(search: string): Filters {
  const p = new URLSearchParams(search);
  const status = p.get('status');
  return {
    q: p.get('q') ?? '',
    status: STATUSES.some((s) => s.value === status) ? (status as PostmortemStatus) : '',
    severity: p.get('severity') ?? '',
    service: p.get('service') ?? '',
    tag: p.get('tag') ?? '',
  };
}

function filtersUrl(f: Filters): string {
  const p = new URLSearchParams();
  for (const k of ['q', 'status', 'severity', 'service', 'tag'] as const) if (f[k]) p.set(k, f[k]);
  const s = p.toString();
  return s ? `/postmortems?${s}` : '/postmortems';
}

export function PostmortemsPage() {
  useDocumentTitle('Post-mortems');
  const { search } = useLocation();
  const filters = useMemo(() => readFilters(search), [search]);
  const now = useNow();
  const q: PostmortemQuery = {
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.severity ? { severity: filters.severity } : {}),
    ...(filters.service ? { service: filters.service } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
  };
  const key = JSON.stringify(q);
  const list = useResource(async () => ({ key, data: await api.postmortems.list(q) }), [key]);
  const severities = useSeverities();
  const services = useResource(() => api.services.list(), []);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);

  const setFilter = (patch: Partial<Filters>, replace = false): void => navigate(filtersUrl({ ...filters, ...patch }), { replace });
  const [text, setText] = useState(filters.q);
  const [tag, setTag] = useState(filters.tag);
  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => setTag(filters.tag), [filters.tag]);
  useEffect(() => {
    if (text === filters.q && tag === filters.tag) return;
    const id = window.setTimeout(() => setFilter({ q: text.trim(), tag: tag.trim() }, true), 350);
    return () => window.clearTimeout(id);
  }, [text, tag]);

  const nameOf = (id: string | null): string => (id ? (users.data?.find((u) => u.id === id)?.name ?? '—') : '');
  const rows: Postmortem[] = list.data?.data ?? [];
  const filtered = !!(filters.q || filters.status || filters.severity || filters.service || filters.tag);
  const stale = list.loading && list.data?.key !== key;

  return (
    <>
      <PageHeader title="Post-mortems" description="Blameless reviews of what happened, why, and what we change. Search reads every section." />
      <div className="filter-bar" role="search" aria-label="Filter post-mortems">
        <input
          type="search"
          className="filter-search"
          placeholder="Search: root cause, service, what went wrong…"
          aria-label="Search post-mortems"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select aria-label="Status" value={filters.status} onChange={(e) => setFilter({ status: e.target.value as PostmortemStatus | '' })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <SeverityAndServiceFilters severity={filters.severity} service={filters.service} levels={severities.data ?? []} services={services.data ?? []} onChange={setFilter} />
        <input aria-label="Tag" placeholder="Tag" value={tag} onChange={(e) => setTag(e.target.value)} className="filter-tag" />
        {filtered ? (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => navigate('/postmortems')}>
            Clear
          </button>
        ) : null}
      </div>
      <Panel className="alerts-panel">
        <ErrorBanner error={list.error} title="Could not search post-mortems." />
        {list.loading && !list.data ? <Loading label="Searching…" /> : null}
        {list.data && rows.length === 0 ? (
          <EmptyState icon="book" title={filtered ? 'No post-mortems match' : 'No post-mortems yet'}>
            {filtered
              ? 'Try other words or filters.'
              : 'A draft is created when an incident whose severity requires one is resolved; any incident can have one from its page.'}
          </EmptyState>
        ) : null}
        {rows.length ? (
          <div className={stale ? 'table-wrap is-stale' : 'table-wrap'}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Post-mortem</th>
                  <th scope="col">Status</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Due</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((pm) => {
                  const overdue = pm.status !== 'published' && pm.dueAt !== null && pm.dueAt < now;
                  return (
                    <tr key={pm.id}>
                      <td>
                        <SeverityBadge severity={pm.severity} rank={severities.data?.find((s) => s.key === pm.severity)?.rank} />
                      </td>
                      <td className="cell-message">
                        <Link to={`/postmortems/${encodeURIComponent(pm.id)}`} className="alert-message">
                          {pm.title}
                        </Link>
                        {pm.tags.length ? (
                          <div className="alert-sub">
                            {pm.tags.map((t) => (
                              <span key={t} className="tag">
                                {t}
                              </span>
                            ))}
                          </div>
                        ) : null}
                      </td>
                      <td>
                        <PostmortemStatusBadge status={pm.status} />
                      </td>
                      <td className="nowrap">{nameOf(pm.ownerId) || <span className="muted">Nobody</span>}</td>
                      <td className={overdue ? 'nowrap text-warning' : 'nowrap'}>
                        {pm.status === 'published' ? <span className="muted">—</span> : formatDate(pm.dueAt)}
                        {overdue ? (
                          <>
                            {' '}
                            <Icon name="warning" size={14} /> overdue
                          </>
                        ) : null}
                      </td>
                      <td className="nowrap muted">{formatRelative(pm.updatedAt, now)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>
    </>
  );
}

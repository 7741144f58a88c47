/**
 * Alerts: everything monitoring sent, newest first. Filters live in the URL (?status=&service=&
 * priority=&q=&page=), so links from Slack (`/alerts?service=checkout`) open the right view.
 * The list refreshes every 5 seconds; new alerts are highlighted and the selection is kept.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage, PRIORITIES, type Alert, type AlertQuery, type AlertStatusFilter, type BulkResult, type Priority } from '../api.ts';
import { AlertStatusBadge, PriorityBadge } from '../components/AlertBits.tsx';
import { Icon } from '../components/Icon.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatAge, formatDateTime, plural } from '../format.ts';
import { useDocumentTitle, useInterval, useNow, useResource } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';

const PAGE_SIZE = 50;
export const ALERTS_POLL_MS = 5_000;

const STATUS_TABS: Array<{ status: AlertStatusFilter; label: string }> = [
  { status: 'open', label: 'Open' },
  { status: 'acknowledged', label: 'Acknowledged' },
  { status: 'closed', label: 'Closed' },
  { status: 'unclosed', label: 'All unclosed' },
];

const EMPTY_TEXT: Record<AlertStatusFilter, { title: string; text: string }> = {
  open: { title: 'No open alerts', text: 'Nothing is waiting for someone to acknowledge it. New alerts show up here within seconds.' },
  acknowledged: { title: 'No acknowledged alerts', text: 'Alerts someone is working on show up here until they are closed.' },
  closed: { title: 'No closed alerts', text: 'Closed alerts show up here.' },
  unclosed: { title: 'No unclosed alerts', text: 'Nothing is open or being worked on.' },
};

interface Filters {
  status: AlertStatusFilter;
  service: string;
  priority: Priority | '';
  q: string;
  page: number;
}

function readFilters(search: string): Filters {
  const p = new URLSearchParams(search);
  const status = p.get('status');
  const priority = p.get('priority');
  const page = Number(p.get('page') ?? '1');
  return {
    status: STATUS_TABS.some((t) => t.status === status) ? (status as AlertStatusFilter) : 'open',
    service: p.get('service') ?? '',
    priority: PRIORITIES.includes(priority as Priority) ? (priority as Priority) : '',
    q: p.get('q') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

function filtersUrl(f: Filters): string {
  const p = new URLSearchParams();
  if (f.status !== 'open') p.set('status', f.status);
  if (f.service) p.set('service', f.service);
  if (f.priority) p.set('priority', f.priority);
  if (f.q) p.set('q', f.q);
  if (f.page > 1) p.set('page', String(f.page));
  const s = p.toString();
  return s ? `/alerts?${s}` : '/alerts';
}

export function AlertsPage() {
  const { search } = useLocation();
  const filters = useMemo(() => readFilters(search), [search]);
  const session = useSession();
  const canWrite = session.can('write');
  const now = useNow(5_000);

  const base: AlertQuery = { ...(filters.service ? { service: filters.service } : {}), ...(filters.priority ? { priority: filters.priority } : {}), ...(filters.q ? { q: filters.q } : {}) };
  const listKey = JSON.stringify([filters.status, base, filters.page]);
  const countKey = JSON.stringify(base);

  // Each answer carries the filters it was for, so a late answer never counts as "new" for other filters.
  const alerts = useResource(
    async () => ({ key: listKey, ...(await api.alerts.list({ ...base, status: filters.status, limit: PAGE_SIZE, offset: (filters.page - 1) * PAGE_SIZE })) }),
    [listKey],
  );
  const counts = useResource(async () => {
    const [open, acknowledged, unclosed] = await Promise.all(
      (['open', 'acknowledged', 'unclosed'] as const).map(async (status) => (await api.alerts.list({ ...base, status, limit: 1 })).total),
    );
    return { open, acknowledged, unclosed } as Partial<Record<AlertStatusFilter, number>>;
  }, [countKey]);
  const services = useResource(() => api.services.list(), []);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);

  useInterval(() => {
    void alerts.reload();
    void counts.reload();
  }, ALERTS_POLL_MS);

  const openCount = counts.data?.open;
  useDocumentTitle(openCount ? `(${openCount}) Alerts` : 'Alerts');

  // New arrivals: alerts created after the newest one of the first answer for these filters.
  const [newIds, setNewIds] = useState<Set<string>>(new Set());
  const baseline = useRef<{ key: string; newest: number } | null>(null);
  useEffect(() => {
    const data = alerts.data;
    if (!data || data.key !== listKey) return;
    if (baseline.current?.key !== listKey) {
      baseline.current = { key: listKey, newest: Math.max(0, ...data.data.map((a) => a.createdAt)) };
      setNewIds(new Set());
      return;
    }
    const b = baseline.current;
    const fresh = data.data.filter((a) => a.createdAt > b.newest);
    if (fresh.length) {
      b.newest = Math.max(b.newest, ...fresh.map((a) => a.createdAt));
      setNewIds((cur) => new Set([...cur, ...fresh.map((a) => a.id)]));
    }
  }, [alerts.data, listKey]);

  // Selection survives refreshes, limited to what is still on screen; new filters start afresh.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => setSelected(new Set()), [listKey]);
  const visible = alerts.data?.data ?? [];
  const visibleIds = new Set(visible.map((a) => a.id));
  const selection = [...selected].filter((id) => visibleIds.has(id));

  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkResult, setBulkResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const runBulk = async (action: 'acknowledge' | 'close'): Promise<void> => {
    setBulkBusy(true);
    setBulkResult(null);
    try {
      const res: BulkResult = await api.alerts.bulk(action, selection);
      const verb = action === 'acknowledge' ? 'Acknowledged' : 'Closed';
      const skipped = res.skipped.length ? ` ${plural(res.skipped.length, 'alert')} skipped (${[...new Set(res.skipped.map((s) => s.reason))].join(', ')}).` : '';
      setBulkResult({ kind: 'ok', text: `${verb} ${plural(res.done, 'alert')}.${skipped}` });
      setSelected(new Set());
      await Promise.all([alerts.reload(), counts.reload()]);
    } catch (err) {
      setBulkResult({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBulkBusy(false);
    }
  };

  const setFilter = (patch: Partial<Filters>, replace = false): void => navigate(filtersUrl({ ...filters, page: 1, ...patch }), { replace });

  // The search box writes to the URL after a short pause.
  const [q, setQ] = useState(filters.q);
  useEffect(() => setQ(filters.q), [filters.q]);
  useEffect(() => {
    if (q === filters.q) return;
    const id = window.setTimeout(() => setFilter({ q: q.trim() }, true), 350);
    return () => window.clearTimeout(id);
  }, [q]);

  const userName = (id: string | null): string => {
    if (!id) return '';
    return users.data?.find((u) => u.id === id)?.name ?? id;
  };

  const total = alerts.data?.total ?? 0;
  const from = total === 0 ? 0 : (filters.page - 1) * PAGE_SIZE + 1;
  const to = Math.min(total, filters.page * PAGE_SIZE);
  const allSelected = visible.length > 0 && visible.every((a) => selected.has(a.id));
  const someSelected = selection.length > 0 && !allSelected;
  const serviceList = [...(services.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const filtered = !!(filters.service || filters.priority || filters.q);

  return (
    <>
      <PageHeader
        title="Alerts"
        description="Everything your monitoring sent: who was paged, who acknowledged. Updates live."
        actions={
          <Link to="/services" className="btn btn-secondary">
            <Icon name="server" size={16} /> Services
          </Link>
        }
      />

      <nav className="tabs" aria-label="Alert status">
        {STATUS_TABS.map((t) => {
          const active = t.status === filters.status;
          const n = counts.data?.[t.status];
          return (
            <Link key={t.status} to={filtersUrl({ ...filters, status: t.status, page: 1 })} className={active ? 'tab active' : 'tab'} aria-current={active ? 'page' : undefined}>
              {t.label}
              {n !== undefined ? <span className={`tab-count${t.status === 'open' && n > 0 ? ' is-hot' : ''}`}>{n}</span> : null}
            </Link>
          );
        })}
      </nav>

      <div className="filter-bar" role="search" aria-label="Filter alerts">
        <input type="search" className="filter-search" placeholder="Search message, alias, entity…" aria-label="Search alerts" value={q} onChange={(e) => setQ(e.target.value)} />
        <select aria-label="Service" value={filters.service} onChange={(e) => setFilter({ service: e.target.value })}>
          <option value="">All services</option>
          {serviceList.map((s) => (
            <option key={s.id} value={s.slug}>
              {s.name}
            </option>
          ))}
          {filters.service && services.data && !serviceList.some((s) => s.slug === filters.service || s.id === filters.service) ? <option value={filters.service}>{filters.service}</option> : null}
        </select>
        <select aria-label="Priority" value={filters.priority} onChange={(e) => setFilter({ priority: e.target.value as Priority | '' })}>
          <option value="">All priorities</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        {filtered ? (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => navigate(filtersUrl({ status: filters.status, service: '', priority: '', q: '', page: 1 }))}>
            <Icon name="x" size={14} /> Clear filters
          </button>
        ) : null}
        <span className="filter-live muted small" title={`Refreshes every ${ALERTS_POLL_MS / 1000} seconds`}>
          <span className={alerts.error ? 'live-dot is-error' : 'live-dot'} aria-hidden="true" />
          {alerts.error && alerts.data ? 'Not updating' : 'Live'}
        </span>
      </div>

      {newIds.size > 0 ? (
        <div className="banner banner-info new-alerts-banner" role="status">
          <Icon name="bell" />
          <div>
            <strong>{newIds.size === 1 ? '1 new alert' : `${newIds.size} new alerts`}</strong> arrived since you opened this view. They are highlighted below.
          </div>
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setNewIds(new Set())}>
            Mark as seen
          </button>
        </div>
      ) : null}
      {bulkResult ? (
        <div className={bulkResult.kind === 'ok' ? 'banner banner-success' : 'banner banner-error'} role={bulkResult.kind === 'ok' ? 'status' : 'alert'}>
          <Icon name={bulkResult.kind === 'ok' ? 'check' : 'alert'} />
          <div>{bulkResult.text}</div>
          <button type="button" className="banner-dismiss" aria-label="Dismiss" onClick={() => setBulkResult(null)}>
            <Icon name="x" size={16} />
          </button>
        </div>
      ) : null}

      <Panel className="alerts-panel">
        <ErrorBanner error={alerts.error} title={alerts.data ? 'Could not refresh alerts.' : 'Could not load alerts.'} />
        {canWrite && visible.length > 0 ? (
          <div className={selection.length ? 'bulk-bar is-active' : 'bulk-bar'} aria-label="Bulk actions" role="toolbar">
            <span className="bulk-count">{selection.length ? `${selection.length} selected` : 'Select alerts to act on several at once'}</span>
            <button type="button" className="btn btn-secondary btn-sm" disabled={!selection.length || bulkBusy} onClick={() => void runBulk('acknowledge')}>
              <Icon name="check" size={14} /> Acknowledge
            </button>
            <button type="button" className="btn btn-secondary btn-sm" disabled={!selection.length || bulkBusy} onClick={() => void runBulk('close')}>
              <Icon name="x" size={14} /> Close
            </button>
            {selection.length ? (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSelected(new Set())}>
                Clear selection
              </button>
            ) : null}
          </div>
        ) : null}
        {!alerts.data && alerts.loading ? <Loading label="Loading alerts…" /> : null}
        {alerts.data && visible.length === 0 ? (
          <EmptyState icon={filters.status === 'open' ? 'check' : 'bell'} title={filtered ? 'No alerts match these filters' : EMPTY_TEXT[filters.status].title}>
            {filtered ? 'Try another service, priority or search.' : EMPTY_TEXT[filters.status].text}
          </EmptyState>
        ) : null}
        {visible.length > 0 ? (
          <div className={alerts.data?.key === listKey ? 'table-wrap' : 'table-wrap is-stale'}>
            <table className="table alerts-table">
              <thead>
                <tr>
                  {canWrite ? (
                    <th scope="col" className="cell-check">
                      <input
                        type="checkbox"
                        aria-label="Select all alerts on this page"
                        checked={allSelected}
                        ref={(el) => {
                          if (el) el.indeterminate = someSelected;
                        }}
                        onChange={(e) => setSelected(e.target.checked ? new Set(visible.map((a) => a.id)) : new Set())}
                      />
                    </th>
                  ) : null}
                  <th scope="col">#</th>
                  <th scope="col">Pri</th>
                  <th scope="col">Message</th>
                  <th scope="col">Service</th>
                  <th scope="col" className="num">
                    Count
                  </th>
                  <th scope="col">Age</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {visible.map((a) => (
                  <AlertRow
                    key={a.id}
                    alert={a}
                    now={now}
                    isNew={newIds.has(a.id)}
                    canWrite={canWrite}
                    selected={selected.has(a.id)}
                    onSelect={(on) =>
                      setSelected((cur) => {
                        const next = new Set(cur);
                        if (on) next.add(a.id);
                        else next.delete(a.id);
                        return next;
                      })
                    }
                    userName={userName}
                  />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {total > PAGE_SIZE ? (
          <div className="pager">
            <span className="muted small">
              {from}–{to} of {total}
            </span>
            <button type="button" className="btn btn-secondary btn-sm" disabled={filters.page <= 1} onClick={() => setFilter({ page: filters.page - 1 })}>
              <Icon name="chevronLeft" size={14} /> Newer
            </button>
            <button type="button" className="btn btn-secondary btn-sm" disabled={to >= total} onClick={() => setFilter({ page: filters.page + 1 })}>
              Older <Icon name="chevronRight" size={14} />
            </button>
          </div>
        ) : null}
      </Panel>
    </>
  );
}

function AlertRow({
  alert: a,
  now,
  isNew,
  canWrite,
  selected,
  onSelect,
  userName,
}: {
  alert: Alert;
  now: number;
  isNew: boolean;
  canWrite: boolean;
  selected: boolean;
  onSelect: (on: boolean) => void;
  userName: (id: string | null) => string;
}) {
  const cls = [isNew ? 'row-new' : '', selected ? 'row-selected' : '', a.status === 'closed' ? 'inactive' : ''].filter(Boolean).join(' ') || undefined;
  const sub = [a.entity, a.ownerId ? `Owner: ${userName(a.ownerId)}` : ''].filter(Boolean);
  return (
    <tr className={cls}>
      {canWrite ? (
        <td className="cell-check">
          <input type="checkbox" aria-label={`Select alert #${a.number}`} checked={selected} onChange={(e) => onSelect(e.target.checked)} />
        </td>
      ) : null}
      <td className="mono muted nowrap">#{a.number}</td>
      <td>
        <PriorityBadge priority={a.priority} />
      </td>
      <td className="cell-message">
        <Link to={`/alerts/${encodeURIComponent(a.id)}`} className="alert-message">
          {a.message}
        </Link>
        {isNew ? (
          <>
            {' '}
            <Badge tone="blue">New</Badge>
          </>
        ) : null}
        {a.storm ? (
          <>
            {' '}
            <Badge tone="amber">Storm</Badge>
          </>
        ) : null}
        {sub.length || a.tags.length ? (
          <div className="alert-sub">
            {sub.map((s) => (
              <span key={s}>{s}</span>
            ))}
            {a.tags.slice(0, 5).map((t) => (
              <span key={`tag-${t}`} className="tag">
                {t}
              </span>
            ))}
          </div>
        ) : null}
      </td>
      <td className="nowrap">
        {a.service ? <Link to={`/services/${encodeURIComponent(a.service.slug)}`}>{a.service.name}</Link> : <span className="muted">—</span>}
      </td>
      <td className="num" title={a.count > 1 ? `Last received ${formatDateTime(a.lastAt)}` : undefined}>
        {a.count > 1 ? <span className="strong">×{a.count}</span> : <span className="muted">1</span>}
      </td>
      <td className="nowrap" title={`Created ${formatDateTime(a.createdAt)}`}>
        {formatAge(a.createdAt, now)}
      </td>
      <td className="nowrap">
        <AlertStatusBadge alert={a} now={now} />
        {a.status === 'acknowledged' && a.acknowledgedBy ? <div className="muted small">by {userName(a.acknowledgedBy)}</div> : null}
      </td>
    </tr>
  );
}

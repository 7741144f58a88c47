/**
 * The audit log (admins): every configuration change, who made it, when, and the object before
 * and after. Filters by text, action and object type; newest first, a page at a time.
 */
import { useState, type FormEvent } from 'react';
import { api, type AuditEntry, type User } from '../api.ts';
import { EmptyState, ErrorBanner, Loading, Panel } from '../components/ui.tsx';
import { formatDateTime, formatRelative } from '../format.ts';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { useSession } from '../session.tsx';

const PAGE = 50;

export function AuditLogSection() {
  useDocumentTitle('Audit log');
  const { can } = useSession();
  if (!can('admin')) {
    return (
      <Panel title="Audit log">
        <EmptyState icon="key" title="Only admins can read the audit log">
          Ask an admin of your Vigil to look up who changed what.
        </EmptyState>
      </Panel>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const [text, setText] = useState('');
  const [entityType, setEntityType] = useState('');
  const [filters, setFilters] = useState<{ q: string; entityType: string; offset: number }>({ q: '', entityType: '', offset: 0 });
  const entries = useResource(() => api.audit.search({ q: filters.q, entityType: filters.entityType, limit: PAGE, offset: filters.offset }), [filters.q, filters.entityType, filters.offset]);
  const users = useResource(() => api.users.list(), []);
  const names = new Map<string, string>((users.data ?? []).map((u: User) => [u.id, u.name]));
  const [open, setOpen] = useState<string | null>(null);

  const search = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ q: text.trim(), entityType, offset: 0 });
  };
  const total = entries.data?.total ?? 0;

  return (
    <Panel title="Audit log">
      <p className="panel-intro">Every configuration change: services, integrations, escalation policies, schedules, overrides, teams, users and settings.</p>
      <form className="filter-bar" role="search" aria-label="Search the audit log" onSubmit={search}>
        <input className="filter-search" type="search" aria-label="Text" placeholder="Search changes…" value={text} onChange={(e) => setText(e.target.value)} />
        <select aria-label="Object" value={entityType} onChange={(e) => setEntityType(e.target.value)}>
          <option value="">All objects</option>
          {['service', 'integration', 'maintenance_window', 'heartbeat', 'escalation_policy', 'schedule', 'override', 'team', 'user', 'severity', 'message_template', 'settings'].map((t) => (
            <option key={t} value={t}>
              {t.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-secondary">
          Search
        </button>
      </form>
      {entries.loading && !entries.data ? <Loading label="Loading the audit log…" /> : null}
      <ErrorBanner error={entries.error} title={entries.data ? undefined : 'Could not load the audit log.'} />
      {entries.data && entries.data.data.length === 0 ? <EmptyState icon="inbox" title="No changes match" /> : null}
      {entries.data && entries.data.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table" aria-label="Configuration changes">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Change</th>
                <th scope="col">Object</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.data.data.map((e: AuditEntry) => (
                <AuditRow key={e.id} entry={e} who={e.actor.id ? (names.get(e.actor.id) ?? e.actor.id) : e.actor.type} open={open === e.id} onToggle={() => setOpen(open === e.id ? null : e.id)} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {total > PAGE ? (
        <div className="pager">
          <button type="button" className="btn btn-secondary btn-sm" disabled={filters.offset === 0} onClick={() => setFilters({ ...filters, offset: Math.max(0, filters.offset - PAGE) })}>
            Newer
          </button>
          <span className="muted">
            {filters.offset + 1}–{Math.min(filters.offset + PAGE, total)} of {total}
          </span>
          <button type="button" className="btn btn-secondary btn-sm" disabled={filters.offset + PAGE >= total} onClick={() => setFilters({ ...filters, offset: filters.offset + PAGE })}>
            Older
          </button>
        </div>
      ) : null}
    </Panel>
  );
}

function AuditRow({ entry, who, open, onToggle }: { entry: AuditEntry; who: string; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr>
        <td title={formatDateTime(entry.at)}>{formatRelative(entry.at)}</td>
        <td>{who}</td>
        <td className="strong">{entry.action}</td>
        <td>
          {entry.entityType.replace(/_/g, ' ')} <code>{entry.entityId}</code>
        </td>
        <td>
          <button type="button" className="btn btn-ghost btn-sm" aria-expanded={open} onClick={onToggle}>
            {open ? 'Hide' : 'Before / after'}
          </button>
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={5}>
            <div className="audit-diff">
              <div>
                <div className="muted">Before</div>
                <pre>{entry.before === null ? '—' : JSON.stringify(entry.before, null, 2)}</pre>
              </div>
              <div>
                <div className="muted">After</div>
                <pre>{entry.after === null ? '—' : JSON.stringify(entry.after, null, 2)}</pre>
              </div>
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}

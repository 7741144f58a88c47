/**
 * One alert: status and actions (acknowledge, close, note, snooze, escalate, assign, add a
 * responder, tags), what monitoring sent (description, details, links), and the timeline of what
 * happened — who was paged at each escalation step, each notification sent or failed, notes.
 * Refreshes every 5 seconds.
 */
import { useRef, useState } from 'react';
import { DateTime } from 'luxon';
import { api, ApiError, type Alert, type Priority } from '../api.ts';
import { AlertStatusBadge, EventTimeline, NotReachedBanner, PriorityBadge } from '../components/AlertBits.tsx';
import { Field } from '../components/Field.tsx';
import { NoteComposer } from '../components/NoteComposer.tsx';
import { DeclareIncidentModal, PickUserModal } from '../components/IncidentBits.tsx';
import { Icon } from '../components/Icon.tsx';
import { Modal, ModalActions } from '../components/Modal.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatAge, formatDateTime, formatRelative } from '../format.ts';
import { useDocumentTitle, useInterval, useNow, useResource } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { fromZonedInput, toZonedInput, viewerZone } from '../time.ts';
import { ALERTS_POLL_MS } from './AlertsPage.tsx';

type Dialog = 'snooze' | 'assign' | 'responder' | 'declare' | null;

/** The incident severity an alert's priority suggests: P1 → P1 … P4 → P4, P5 → P4. */
export function severityForPriority(p: Priority): string {
  return p === 'P5' ? 'P4' : p;
}

export function AlertDetailPage({ id }: { id: string }) {
  const session = useSession();
  const canWrite = session.can('write');
  const detail = useResource(() => api.alerts.get(id), [id]);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  useInterval(() => void detail.reload(), ALERTS_POLL_MS);
  const now = useNow(10_000);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);

  const alert = detail.data?.alert;
  useDocumentTitle(alert ? `#${alert.number} ${alert.message}` : 'Alert');

  const nameOf = (uid: string | null | undefined): string => {
    if (!uid) return 'Someone';
    const u = users.data?.find((x) => x.id === uid);
    return u ? (u.id === session.user.id ? `${u.name} (you)` : u.name) : uid;
  };

  const run = async (label: string, fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(label);
    setActionError(null);
    try {
      await fn();
      await detail.reload();
      return true;
    } catch (err) {
      setActionError(err);
      return false;
    } finally {
      setBusy(null);
    }
  };

  if (!detail.data) {
    return (
      <>
        <BackLink />
        <Panel>
          {detail.loading ? (
            <Loading label="Loading alert…" />
          ) : detail.error instanceof ApiError && detail.error.status === 404 ? (
            <EmptyState icon="bell" title="Alert not found" action={<Link to="/alerts">Back to alerts</Link>}>
              There is no alert “{id}”. It may have been deleted, or the link is wrong.
            </EmptyState>
          ) : (
            <ErrorBanner error={detail.error} title="Could not load the alert." />
          )}
        </Panel>
      </>
    );
  }

  const a = detail.data.alert;
  const closed = a.status === 'closed';
  const snoozed = !closed && a.snoozedUntil !== null && a.snoozedUntil > now;
  const activeUsers = (users.data ?? []).filter((u) => u.active);

  return (
    <>
      <BackLink />
      <PageHeader
        title={`#${a.number} ${a.message}`}
        description={
          <span className="alert-header-meta">
            <PriorityBadge priority={a.priority} />
            <AlertStatusBadge alert={a} now={now} />
            <Badge tone={a.urgency === 'high' ? 'red' : 'neutral'}>{a.urgency === 'high' ? 'High urgency' : 'Low urgency'}</Badge>
            {a.storm ? <Badge tone="amber">Storm</Badge> : null}
            {a.service ? (
              <span>
                on <Link to={`/services/${encodeURIComponent(a.service.slug)}`}>{a.service.name}</Link>
              </span>
            ) : null}
            <span className="muted" title={formatDateTime(a.createdAt)}>
              · opened {formatRelative(a.createdAt, now)}
            </span>
            {a.count > 1 ? <span className="muted">· received {a.count} times, last {formatRelative(a.lastAt, now)}</span> : null}
          </span>
        }
      />

      {canWrite ? (
        <div className="action-bar" role="toolbar" aria-label="Alert actions">
          {a.status === 'open' ? (
            <button type="button" className="btn btn-primary" disabled={!!busy} onClick={() => void run('ack', () => api.alerts.acknowledge(a.id))}>
              <Icon name="check" size={16} /> {busy === 'ack' ? 'Acknowledging…' : 'Acknowledge'}
            </button>
          ) : null}
          {!closed ? (
            <button type="button" className={a.status === 'open' ? 'btn btn-secondary' : 'btn btn-primary'} disabled={!!busy} onClick={() => void run('close', () => api.alerts.close(a.id))}>
              <Icon name="x" size={16} /> {busy === 'close' ? 'Closing…' : 'Close'}
            </button>
          ) : null}
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => {
              noteRef.current?.scrollIntoView({ block: 'center' });
              noteRef.current?.focus();
            }}
          >
            <Icon name="message" size={16} /> Add note
          </button>
          {!closed ? (
            <button type="button" className="btn btn-secondary" disabled={!!busy} onClick={() => setDialog('snooze')}>
              <Icon name="pause" size={16} /> Snooze
            </button>
          ) : null}
          {a.status === 'open' ? (
            <button type="button" className="btn btn-secondary" disabled={!!busy} onClick={() => void run('escalate', () => api.alerts.escalate(a.id))}>
              <Icon name="arrowUp" size={16} /> {busy === 'escalate' ? 'Escalating…' : 'Escalate now'}
            </button>
          ) : null}
          <button type="button" className="btn btn-secondary" disabled={!!busy || !users.data} onClick={() => setDialog('assign')}>
            <Icon name="users" size={16} /> Assign
          </button>
          {!closed ? (
            <button type="button" className="btn btn-secondary" disabled={!!busy || !users.data} onClick={() => setDialog('responder')}>
              <Icon name="userPlus" size={16} /> Add responder
            </button>
          ) : null}
          {a.incidentId ? (
            <Link to={`/incidents/${encodeURIComponent(a.incidentId)}`} className="btn btn-secondary">
              <Icon name="flame" size={16} /> Open incident
            </Link>
          ) : (
            <button type="button" className="btn btn-danger" disabled={!!busy} onClick={() => setDialog('declare')}>
              <Icon name="flame" size={16} /> Declare incident
            </button>
          )}
        </div>
      ) : null}

      <ErrorBanner error={actionError} />
      <ErrorBanner error={detail.error} title="Could not refresh." />
      <NotReachedBanner people={detail.data.notReached} />
      {snoozed ? (
        <div className="banner banner-info" role="status">
          <Icon name="pause" />
          <div>
            Snoozed until <strong>{formatDateTime(a.snoozedUntil)}</strong> ({formatRelative(a.snoozedUntil, now)}). Nobody is paged until then; escalation
            starts again if the alert is still open.
          </div>
        </div>
      ) : null}

      <div className="alert-grid">
        <div className="alert-main">
          <Panel title="What monitoring sent">
            {a.description ? <pre className="alert-description">{a.description}</pre> : <p className="muted small">No description.</p>}
            {Object.keys(a.details).length ? (
              <>
                <h3 className="subheading">Details</h3>
                <dl className="kv">
                  {Object.entries(a.details)
                    .sort(([x], [y]) => x.localeCompare(y))
                    .map(([k, v]) => (
                      <div key={k} className="kv-row">
                        <dt>{k}</dt>
                        <dd className="mono">{v}</dd>
                      </div>
                    ))}
                </dl>
              </>
            ) : null}
            {a.links.length ? (
              <>
                <h3 className="subheading">Links</h3>
                <ul className="link-list">
                  {a.links.map((l, i) => (
                    <li key={`${l.href}-${i}`}>
                      <a href={l.href} target="_blank" rel="noopener noreferrer">
                        <Icon name="external" size={14} /> {l.text || l.href}
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </Panel>

          <Panel title="Timeline">
            {canWrite ? <NoteComposer id="alert-note" placeholder="Add a note: what you tried, what you found…" textareaRef={noteRef} onSave={(note) => run('note', () => api.alerts.addNote(a.id, note))} /> : null}
            <EventTimeline events={detail.data.timeline} nameOf={nameOf} label="Alert timeline" />
          </Panel>
        </div>

        <div className="alert-side">
          <Panel title="About" titleAs="h2">
            <dl className="facts facts-tight">
              <dt>Status</dt>
              <dd>
                <AlertStatusBadge alert={a} now={now} />
              </dd>
              {a.acknowledgedAt ? (
                <>
                  <dt>Acknowledged</dt>
                  <dd title={formatDateTime(a.acknowledgedAt)}>
                    {nameOf(a.acknowledgedBy)}, {formatRelative(a.acknowledgedAt, Math.max(now, a.acknowledgedAt))}
                    <div className="muted small">{formatAge(a.createdAt, a.acknowledgedAt)} after it opened</div>
                  </dd>
                </>
              ) : null}
              {a.closedAt ? (
                <>
                  <dt>Closed</dt>
                  <dd title={formatDateTime(a.closedAt)}>
                    {nameOf(a.closedBy)}, {formatRelative(a.closedAt, Math.max(now, a.closedAt))}
                  </dd>
                </>
              ) : null}
              <dt>Owner</dt>
              <dd>{a.ownerId ? nameOf(a.ownerId) : <span className="muted">Nobody</span>}</dd>
              <dt>Service</dt>
              <dd>{a.service ? <Link to={`/services/${encodeURIComponent(a.service.slug)}`}>{a.service.name}</Link> : '—'}</dd>
              <dt>Priority</dt>
              <dd>
                {a.priority} · {a.urgency} urgency
              </dd>
              {a.source ? (
                <>
                  <dt>Source</dt>
                  <dd className="break">{a.source}</dd>
                </>
              ) : null}
              {a.entity ? (
                <>
                  <dt>Entity</dt>
                  <dd className="break">{a.entity}</dd>
                </>
              ) : null}
              <dt>Alias</dt>
              <dd className="mono break">{a.alias}</dd>
              <dt>First seen</dt>
              <dd>{formatDateTime(a.firstAt)}</dd>
              <dt>Last seen</dt>
              <dd>
                {formatDateTime(a.lastAt)}
                {a.count > 1 ? <span className="muted"> (×{a.count})</span> : null}
              </dd>
            </dl>
          </Panel>
          <TagsPanel alert={a} canWrite={canWrite} onChange={(change) => run('tags', () => api.alerts.tags(a.id, change))} />
        </div>
      </div>

      {dialog === 'snooze' ? (
        <SnoozeModal
          onClose={() => setDialog(null)}
          onSnooze={async (until) => {
            if (await run('snooze', () => api.alerts.snooze(a.id, until))) setDialog(null);
          }}
        />
      ) : null}
      {dialog === 'assign' ? (
        <PickUserModal
          title={`Assign alert #${a.number}`}
          description="The owner is who is working on it. Assigning does not page anyone."
          submitLabel="Assign"
          users={activeUsers}
          defaultUserId={a.ownerId ?? session.user.id}
          meId={session.user.id}
          onClose={() => setDialog(null)}
          onPick={async (userId) => {
            await api.alerts.assign(a.id, userId);
            setDialog(null);
            void detail.reload();
          }}
        />
      ) : null}
      {dialog === 'declare' ? (
        <DeclareIncidentModal
          defaults={{ title: a.message, severity: severityForPriority(a.priority), serviceIds: [a.serviceId], alertIds: [a.id], alertLabel: `#${a.number} ${a.message}`, summary: a.description.slice(0, 2000) }}
          onClose={() => setDialog(null)}
          onDeclared={(incident) => {
            setDialog(null);
            navigate(`/incidents/${incident.reference}`);
          }}
        />
      ) : null}
      {dialog === 'responder' ? (
        <PickUserModal
          title="Add a responder"
          description="They are paged now through their high-urgency notification rules."
          submitLabel="Add and page"
          users={activeUsers}
          meId={session.user.id}
          onClose={() => setDialog(null)}
          onPick={async (userId) => {
            await api.alerts.addResponder(a.id, userId);
            setDialog(null);
            void detail.reload();
          }}
        />
      ) : null}
    </>
  );
}

function BackLink() {
  return (
    <Link to="/alerts" className="back-link">
      <Icon name="chevronLeft" size={16} /> Alerts
    </Link>
  );
}


function TagsPanel({ alert: a, canWrite, onChange }: { alert: Alert; canWrite: boolean; onChange: (change: { add?: string[]; remove?: string[] }) => Promise<boolean> }) {
  const [tag, setTag] = useState('');
  return (
    <Panel title="Tags" titleAs="h2">
      {a.tags.length === 0 ? <p className="muted small empty-line">No tags.</p> : null}
      {a.tags.length ? (
        <ul className="tag-list" aria-label="Tags">
          {a.tags.map((t) => (
            <li key={t} className="tag tag-lg">
              {t}
              {canWrite ? (
                <button type="button" className="tag-remove" aria-label={`Remove tag ${t}`} onClick={() => void onChange({ remove: [t] })}>
                  <Icon name="x" size={12} />
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canWrite ? (
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const t = tag.trim();
            if (t && (await onChange({ add: [t] }))) setTag('');
          }}
        >
          <input aria-label="New tag" placeholder="Add a tag" value={tag} maxLength={50} onChange={(e) => setTag(e.target.value)} />
          <button type="submit" className="btn btn-secondary btn-sm" disabled={!tag.trim()}>
            Add tag
          </button>
        </form>
      ) : null}
    </Panel>
  );
}

function snoozePresets(now: number): Array<{ label: string; until: number }> {
  const zone = viewerZone();
  const tomorrow9 = DateTime.fromMillis(now, { zone }).plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toMillis();
  return [
    { label: '15 minutes', until: now + 15 * 60_000 },
    { label: '30 minutes', until: now + 30 * 60_000 },
    { label: '1 hour', until: now + 60 * 60_000 },
    { label: '2 hours', until: now + 2 * 60 * 60_000 },
    { label: '4 hours', until: now + 4 * 60 * 60_000 },
    { label: 'Tomorrow 09:00', until: tomorrow9 },
  ];
}

function SnoozeModal({ onClose, onSnooze }: { onClose: () => void; onSnooze: (until: number) => Promise<void> }) {
  const zone = viewerZone();
  const [custom, setCustom] = useState(() => toZonedInput(Date.now() + 60 * 60_000, zone));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const go = async (until: number): Promise<void> => {
    setBusy(true);
    await onSnooze(until);
    setBusy(false);
  };
  return (
    <Modal title="Snooze alert" description="Nobody is paged until then. If the alert is still open when the snooze ends, escalation starts again." onClose={onClose} size="sm">
      <div className="preset-grid" role="group" aria-label="Snooze for">
        {snoozePresets(Date.now()).map((p) => (
          <button key={p.label} type="button" className="btn btn-secondary" disabled={busy} onClick={() => void go(p.until)}>
            {p.label}
          </button>
        ))}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const until = fromZonedInput(custom, zone);
          if (until === null || until <= Date.now()) {
            setError('Pick a time in the future.');
            return;
          }
          setError(null);
          void go(until);
        }}
      >
        <Field label="Until" hint={`In your time zone (${zone}).`} error={error ?? undefined}>
          {(p) => <input {...p} type="datetime-local" value={custom} onChange={(e) => setCustom(e.target.value)} />}
        </Field>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Snooze until then
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}


/**
 * One incident (`/incidents/:id`, id or INC-42): severity, status, timers and whether the
 * acknowledgement and response targets were met; the action bar (status, severity, update, roles,
 * paging, escalation contact, note, subscribe); members, linked alerts, the timeline in words, and
 * the post-mortem. Refreshes every 10 seconds.
 */
import { useMemo, useRef, useState, type ReactNode } from 'react';
import {
  api,
  ApiError,
  INCIDENT_STATUSES,
  type IncidentDetail,
  type IncidentRole,
  type IncidentSettings,
  type IncidentStatus,
  type PageTargetType,
  type Severity,
  type TargetResult,
  type User,
} from '../api.ts';
import { NoteComposer } from '../components/NoteComposer.tsx';
import { AlertStatusBadge, EventTimeline, NotReachedBanner, PriorityBadge } from '../components/AlertBits.tsx';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import {
  incidentEventDescriber,
  IncidentStatusBadge,
  isClosed,
  PickUserModal,
  PrioritiesVsSeverities,
  SeverityBadge,
  SeverityChooser,
  STATUS_HELP,
  STATUS_LABEL,
  statusLabel,
  useSeverities,
} from '../components/IncidentBits.tsx';
import { Modal, ModalActions } from '../components/Modal.tsx';
import { Avatar, Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatAge, formatDateTime, formatMinutes, formatRelative } from '../format.ts';
import { useDocumentTitle, useInterval, useNow, useResource } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { INCIDENTS_POLL_MS } from './IncidentsPage.tsx';

type Dialog = 'status' | 'severity' | 'update' | 'commander' | 'comms' | 'page' | 'escalation' | 'member' | null;

const ROLE_LABEL: Record<IncidentRole, string> = {
  commander: 'Commander',
  comms: 'Comms lead',
  responder: 'Responder',
  member: 'Member',
  subscriber: 'Subscriber',
};
const ROLE_ORDER: IncidentRole[] = ['commander', 'comms', 'responder', 'member', 'subscriber'];

/** "under a minute", "12 minutes", "1 hour 5 minutes". */
export function durationText(minutes: number): string {
  if (minutes < 1) return 'under a minute';
  return formatMinutes(Math.round(minutes));
}

export function IncidentDetailPage({ id }: { id: string }) {
  const session = useSession();
  const canWrite = session.can('write');
  const detail = useResource(() => api.incidents.get(id), [id]);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const severities = useSeverities();
  const settings = useResource(() => api.incidentSettings.get(), []);
  useInterval(() => void detail.reload(), INCIDENTS_POLL_MS);
  const now = useNow(15_000);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);

  const incident = detail.data?.incident;
  useDocumentTitle(incident ? `${incident.reference} ${incident.title}` : 'Incident');
  const describe = useMemo(() => incidentEventDescriber(severities.data), [severities.data]);

  const nameOf = (uid: string | null | undefined): string => {
    if (!uid) return 'Vigil';
    const u = users.data?.find((x) => x.id === uid);
    const m = detail.data?.members.find((x) => x.userId === uid);
    const name = u?.name ?? m?.name ?? uid;
    return uid === session.user.id ? `${name} (you)` : name;
  };

  const run = async (label: string, fn: () => Promise<unknown>, done?: string): Promise<boolean> => {
    setBusy(label);
    setActionError(null);
    setNotice(null);
    try {
      await fn();
      await detail.reload();
      if (done) setNotice(done);
      return true;
    } catch (err) {
      setActionError(err);
      return false;
    } finally {
      setBusy(null);
    }
  };

  if (!detail.data || !incident) {
    return (
      <>
        <BackLink />
        <Panel>
          {detail.loading ? (
            <Loading label="Loading incident…" />
          ) : detail.error instanceof ApiError && detail.error.status === 404 ? (
            <EmptyState icon="flame" title="Incident not found" action={<Link to="/incidents">Back to incidents</Link>}>
              There is no incident “{id}”, or it is private and you are not one of its members.
            </EmptyState>
          ) : (
            <ErrorBanner error={detail.error} title="Could not load the incident." />
          )}
        </Panel>
      </>
    );
  }

  const d: IncidentDetail = detail.data;
  const i = d.incident;
  const closed = isClosed(i);
  const sev = d.severity;
  const ref = i.reference;
  const activeUsers = (users.data ?? []).filter((u) => u.active);
  const responders = activeUsers.filter((u) => u.role !== 'stakeholder');
  const subscribed = d.members.some((m) => m.userId === session.user.id && m.role === 'subscriber');
  const pmEvent = d.timeline.find((e) => e.type === 'postmortem.created');
  const postmortemId = typeof pmEvent?.data.postmortemId === 'string' ? pmEvent.data.postmortemId : null;
  const escalationContact = settings.data?.escalationContactUserId ?? null;

  return (
    <>
      <BackLink />
      <PageHeader
        title={`${ref} ${i.title}`}
        description={
          <span className="alert-header-meta">
            <SeverityBadge severity={i.severity} rank={sev.rank} name={sev.name} size="lg" />
            <IncidentStatusBadge status={i.status} />
            {i.private ? (
              <Badge tone="purple">
                <Icon name="shield" size={12} /> Private
              </Badge>
            ) : null}
            <ServiceLinks ids={i.serviceIds} />
            <span className="muted" title={formatDateTime(i.startedAt)}>
              · started {formatRelative(i.startedAt, now)}
            </span>
          </span>
        }
        actions={
          postmortemId ? (
            <Link to={`/postmortems/${encodeURIComponent(postmortemId)}`} className="btn btn-secondary">
              <Icon name="book" size={16} /> Open post-mortem
            </Link>
          ) : canWrite ? (
            <button
              type="button"
              className="btn btn-secondary"
              disabled={!!busy}
              onClick={async () => {
                setBusy('pm');
                setActionError(null);
                try {
                  const pm = await api.incidents.createPostmortem(i.id);
                  navigate(`/postmortems/${encodeURIComponent(pm.id)}`);
                } catch (err) {
                  setActionError(err);
                  setBusy(null);
                }
              }}
            >
              <Icon name="book" size={16} /> {busy === 'pm' ? 'Creating…' : 'Create post-mortem'}
            </button>
          ) : null
        }
      />

      <div className="action-bar" role="toolbar" aria-label="Incident actions">
        {canWrite ? (
          <>
            {closed ? (
              <button type="button" className="btn btn-secondary" disabled={!!busy} onClick={() => setDialog('status')}>
                <Icon name="arrowUp" size={16} /> Reopen
              </button>
            ) : (
              <button type="button" className="btn btn-primary" disabled={!!busy} onClick={() => setDialog('status')}>
                <Icon name="check" size={16} /> Change status
              </button>
            )}
            {!closed ? (
              <>
                <button type="button" className="btn btn-secondary" disabled={!!busy || !severities.data} onClick={() => setDialog('severity')}>
                  <Icon name="warning" size={16} /> Change severity
                </button>
                <button type="button" className="btn btn-secondary" disabled={!!busy} onClick={() => setDialog('update')}>
                  <Icon name="send" size={16} /> Post update
                </button>
                <button type="button" className="btn btn-secondary" disabled={!!busy || !users.data} onClick={() => setDialog('commander')}>
                  <Icon name="users" size={16} /> Hand over commander
                </button>
                <button type="button" className="btn btn-secondary" disabled={!!busy || !users.data} onClick={() => setDialog('comms')}>
                  <Icon name="message" size={16} /> Name comms lead
                </button>
                <button type="button" className="btn btn-secondary" disabled={!!busy} onClick={() => setDialog('page')}>
                  <Icon name="userPlus" size={16} /> Page someone
                </button>
                <button type="button" className="btn btn-secondary" disabled={!!busy} onClick={() => setDialog('escalation')}>
                  <Icon name="arrowUp" size={16} /> Loop in escalation contact
                </button>
              </>
            ) : null}
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                noteRef.current?.scrollIntoView({ block: 'center' });
                noteRef.current?.focus();
              }}
            >
              <Icon name="edit" size={16} /> Add note
            </button>
          </>
        ) : null}
        {subscribed ? (
          <span className="btn btn-ghost is-static" aria-live="polite">
            <Icon name="check" size={16} /> Subscribed
          </span>
        ) : (
          <button
            type="button"
            className="btn btn-secondary"
            disabled={!!busy}
            onClick={() => void run('subscribe', () => api.incidents.subscribe(i.id), 'You will get an email for each update.')}
          >
            <Icon name="bell" size={16} /> {busy === 'subscribe' ? 'Subscribing…' : 'Subscribe'}
          </button>
        )}
      </div>

      <ErrorBanner error={actionError} />
      <ErrorBanner error={detail.error} title="Could not refresh." />
      <NotReachedBanner people={detail.data.notReached} />
      {notice ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>{notice}</div>
          <button type="button" className="banner-dismiss" aria-label="Dismiss" onClick={() => setNotice(null)}>
            <Icon name="x" size={16} />
          </button>
        </div>
      ) : null}
      {closed ? (
        <div className="banner banner-muted" role="status">
          <Icon name="check" />
          <div>
            This incident is {statusLabel(i.status).toLowerCase()}
            {i.resolvedAt ? ` since ${formatDateTime(i.resolvedAt)}` : ''}.{' '}
            {canWrite ? 'Reopen it to change its status or severity, post updates or page people.' : ''}
          </div>
        </div>
      ) : null}

      <div className="alert-grid">
        <div className="alert-main">
          {i.summary ? (
            <Panel title="Summary">
              <p className="pre-line">{i.summary}</p>
            </Panel>
          ) : null}
          <Panel title="Timeline">
            {canWrite ? <NoteComposer id="incident-note" placeholder="Add a note for the timeline: what you tried, what you found…" textareaRef={noteRef} onSave={(note) => run('note', () => api.incidents.addNote(i.id, note))} /> : null}
            <EventTimeline events={d.timeline} nameOf={nameOf} label="Incident timeline" describe={describe} showDeliveries={false} />
          </Panel>
        </div>
        <div className="alert-side">
          <TimersPanel detail={d} now={now} />
          <MembersPanel detail={d} nameOf={nameOf} canAdd={canWrite} onAdd={() => setDialog('member')} />
          <Panel title="Linked alerts" titleAs="h2">
            {d.alerts.length ? <PrioritiesVsSeverities /> : null}
            {d.alerts.length === 0 ? (
              <p className="muted small empty-line">No alerts are linked. Declare from an alert’s page to link it.</p>
            ) : (
              <ul className="simple-list linked-alerts">
                {d.alerts.map((a) => (
                  <li key={a.id}>
                    <PriorityBadge priority={a.priority} />
                    <div className="grow">
                      <Link to={`/alerts/${encodeURIComponent(a.id)}`}>
                        #{a.number} {a.message}
                      </Link>
                      <div className="muted small">{formatRelative(a.createdAt, now)}</div>
                    </div>
                    <AlertStatusBadge alert={a} now={now} />
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
      </div>

      {dialog === 'status' ? (
        <StatusModal
          detail={d}
          onClose={() => setDialog(null)}
          onSave={async (status, reason) => {
            if (
              await run(
                'status',
                () => api.incidents.setStatus(i.id, status, { ...(reason ? { reason } : {}), ...(closed ? { reopen: true } : {}) }),
                closed ? `${ref} is reopened.` : `Status changed to ${STATUS_LABEL[status]}.`,
              )
            )
              setDialog(null);
          }}
        />
      ) : null}
      {dialog === 'severity' && severities.data ? (
        <SeverityModal
          levels={severities.data}
          current={i.severity}
          settings={settings.data}
          onClose={() => setDialog(null)}
          onSave={async (key, reason) => {
            if (await run('severity', () => api.incidents.setSeverity(i.id, key, reason), `Severity changed to ${key}.`)) setDialog(null);
          }}
        />
      ) : null}
      {dialog === 'update' ? (
        <UpdateModal
          detail={d}
          settings={settings.data}
          onClose={() => setDialog(null)}
          onPost={async (text) => {
            if (await run('update', () => api.incidents.postUpdate(i.id, text), 'Update posted.')) setDialog(null);
          }}
        />
      ) : null}
      {dialog === 'commander' || dialog === 'comms' ? (
        <PickUserModal
          title={dialog === 'commander' ? `Hand over commander of ${ref}` : `Name the comms lead of ${ref}`}
          description={
            dialog === 'commander'
              ? 'The commander runs the incident and decides. They are paged now unless it is you.'
              : 'The comms lead writes the status updates and is reminded when one is due. They are paged now unless it is you.'
          }
          submitLabel={dialog === 'commander' ? 'Hand over' : 'Name comms lead'}
          users={responders}
          defaultUserId={(dialog === 'commander' ? i.commanderId : i.commsLeadId) ?? ''}
          meId={session.user.id}
          onClose={() => setDialog(null)}
          onPick={async (userId) => {
            const role = dialog;
            await api.incidents.setRole(i.id, role, userId);
            setDialog(null);
            setNotice(role === 'commander' ? `${nameOf(userId)} is now the commander.` : `${nameOf(userId)} is now the comms lead.`);
            await detail.reload();
          }}
        />
      ) : null}
      {dialog === 'member' ? (
        <PickUserModal
          title={`Add someone to ${ref}`}
          description={i.private ? 'Members of a private incident can see it.' : 'They are listed as a member of the incident. Adding does not page them.'}
          submitLabel="Add member"
          users={activeUsers}
          meId={session.user.id}
          onClose={() => setDialog(null)}
          onPick={async (userId) => {
            await api.incidents.addMember(i.id, userId);
            setDialog(null);
            await detail.reload();
          }}
        />
      ) : null}
      {dialog === 'page' ? (
        <PageModal
          reference={ref}
          users={responders}
          meId={session.user.id}
          onClose={() => setDialog(null)}
          onPage={async (target, note) => {
            await api.incidents.page(i.id, target, note);
            setDialog(null);
            setNotice('Paged. They are added to the incident as responders.');
            await detail.reload();
          }}
        />
      ) : null}
      {dialog === 'escalation' ? (
        <Modal title="Loop in the escalation contact?" onClose={() => setDialog(null)} size="sm">
          {escalationContact ? (
            <p>
              <span className="strong">{nameOf(escalationContact)}</span> is paged now (high urgency) and added to {ref} as a responder.
            </p>
          ) : (
            <p className="muted">
              No escalation contact is configured. An admin sets one in <Link to="/settings/incidents">Settings › Incidents</Link>.
            </p>
          )}
          <ModalActions>
            <button type="button" className="btn btn-secondary" onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={!!busy || !escalationContact}
              onClick={async () => {
                setDialog(null);
                await run('escalation', () => api.incidents.loopInEscalationContact(i.id), `${nameOf(escalationContact)} was paged.`);
              }}
            >
              Page them
            </button>
          </ModalActions>
        </Modal>
      ) : null}
    </>
  );
}

function BackLink() {
  return (
    <Link to="/incidents" className="back-link">
      <Icon name="chevronLeft" size={16} /> Incidents
    </Link>
  );
}

function ServiceLinks({ ids }: { ids: string[] }) {
  const services = useResource(() => api.services.list(), []);
  const list = ids.map((id) => services.data?.find((s) => s.id === id)).filter((s) => s !== undefined);
  if (!list.length) return null;
  return (
    <span>
      on{' '}
      {list.map((s, n) => (
        <span key={s.id}>
          {n > 0 ? ', ' : ''}
          <Link to={`/services/${encodeURIComponent(s.slug)}`}>{s.name}</Link>
        </span>
      ))}
    </span>
  );
}

function TargetLine({
  label,
  at,
  startedAt,
  target,
  targetMinutes,
  now,
  pendingText,
}: {
  label: string;
  at: number | null;
  startedAt: number;
  target: TargetResult;
  targetMinutes: number;
  now: number;
  pendingText: string;
}) {
  const verdict =
    target.met === true ? (
      <Badge tone="green">
        <Icon name="check" size={12} /> Met
      </Badge>
    ) : target.met === false ? (
      <Badge tone="red">
        <Icon name="x" size={12} /> Missed
      </Badge>
    ) : (
      <Badge tone="neutral">Pending</Badge>
    );
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <span className="target-line">
          {verdict}
          <span>
            {at !== null
              ? `after ${durationText((at - startedAt) / 60_000)}`
              : target.met === false
                ? `not yet, ${durationText((now - startedAt) / 60_000)} in`
                : pendingText}
          </span>
        </span>
        <div className="muted small">Target: within {formatMinutes(targetMinutes)}</div>
      </dd>
    </>
  );
}

function TimersPanel({ detail: d, now }: { detail: IncidentDetail; now: number }) {
  const i = d.incident;
  const s = d.severity;
  const closed = isClosed(i);
  const end = i.resolvedAt ?? (closed ? i.updatedAt : now);
  const nextUpdate = i.lastUpdateAt + s.updateCadenceMinutes * 60_000;
  const overdue = !closed && nextUpdate < now;
  return (
    <Panel title="Timers and targets" titleAs="h2">
      <dl className="facts facts-tight">
        <dt>Started</dt>
        <dd title={formatDateTime(i.startedAt)}>{formatDateTime(i.startedAt)}</dd>
        <dt>{closed ? 'Lasted' : 'Ongoing for'}</dt>
        <dd className="strong">{formatAge(i.startedAt, end)}</dd>
        <TargetLine
          label="Acknowledged"
          at={i.acknowledgedAt}
          startedAt={i.startedAt}
          target={d.targets.ack}
          targetMinutes={s.ackTargetMinutes}
          now={now}
          pendingText="not yet"
        />
        <TargetLine
          label="Mitigated"
          at={i.mitigatedAt}
          startedAt={i.startedAt}
          target={d.targets.response}
          targetMinutes={s.responseTargetMinutes}
          now={now}
          pendingText="not yet"
        />
        {i.resolvedAt ? (
          <>
            <dt>Resolved</dt>
            <dd>{formatDateTime(i.resolvedAt)}</dd>
          </>
        ) : null}
        <dt>Last update</dt>
        <dd>
          {formatRelative(i.lastUpdateAt, Math.max(now, i.lastUpdateAt))}
          {!closed ? (
            <div className={overdue ? 'small text-warning' : 'muted small'}>
              {overdue
                ? `Overdue: one is expected every ${formatMinutes(s.updateCadenceMinutes)}`
                : `Next due ${formatRelative(nextUpdate, now)} (every ${formatMinutes(s.updateCadenceMinutes)})`}
            </div>
          ) : null}
        </dd>
      </dl>
    </Panel>
  );
}

function MembersPanel({ detail: d, nameOf, canAdd, onAdd }: { detail: IncidentDetail; nameOf: (id: string) => string; canAdd: boolean; onAdd: () => void }) {
  const byUser = new Map<string, IncidentRole[]>();
  for (const m of d.members) byUser.set(m.userId, [...(byUser.get(m.userId) ?? []), m.role]);
  const rows = [...byUser.entries()]
    .map(([userId, roles]) => ({ userId, roles: [...new Set(roles)].sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b)) }))
    .sort((a, b) => ROLE_ORDER.indexOf(a.roles[0]!) - ROLE_ORDER.indexOf(b.roles[0]!) || nameOf(a.userId).localeCompare(nameOf(b.userId)));
  return (
    <Panel
      title="People"
      titleAs="h2"
      actions={
        canAdd ? (
          <button type="button" className="btn btn-ghost btn-sm" onClick={onAdd}>
            <Icon name="plus" size={14} /> Add
          </button>
        ) : null
      }
    >
      {d.incident.commanderId === null ? <p className="small text-warning">Nobody is commander. Hand the role to someone.</p> : null}
      {rows.length === 0 ? <p className="muted small empty-line">Nobody yet.</p> : null}
      <ul className="simple-list member-roles" aria-label="Members">
        {rows.map((r) => (
          <li key={r.userId}>
            <Avatar name={nameOf(r.userId).replace(/ \(you\)$/, '')} size={28} />
            <span className="grow">{nameOf(r.userId)}</span>
            <span className="badge-row">
              {r.roles.map((role) => (
                <Badge key={role} tone={role === 'commander' ? 'red' : role === 'comms' ? 'blue' : role === 'responder' ? 'amber' : 'neutral'}>
                  {ROLE_LABEL[role] ?? role}
                </Badge>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </Panel>
  );
}


function ReasonField({ value, onChange, hint }: { value: string; onChange: (v: string) => void; hint: ReactNode }) {
  return (
    <Field label="Reason" hint={hint}>
      {(p) => <textarea {...p} rows={3} value={value} onChange={(e) => onChange(e.target.value)} maxLength={2000} />}
    </Field>
  );
}

function StatusModal({
  detail: d,
  onClose,
  onSave,
}: {
  detail: IncidentDetail;
  onClose: () => void;
  onSave: (status: IncidentStatus, reason: string) => Promise<void>;
}) {
  const i = d.incident;
  const reopening = isClosed(i);
  const options = INCIDENT_STATUSES.filter((s) => s !== i.status && (!reopening || (s !== 'resolved' && s !== 'cancelled')));
  const [status, setStatus] = useState<IncidentStatus>(reopening ? 'investigating' : (options[0] ?? 'investigating'));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const s = d.severity;
  return (
    <Modal
      title={reopening ? `Reopen ${i.reference}` : `Change the status of ${i.reference}`}
      description={`Now: ${statusLabel(i.status)}.`}
      onClose={onClose}
      size="md"
    >
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          await onSave(status, reason.trim());
          setBusy(false);
        }}
      >
        <Field label="New status" hint={STATUS_HELP[status]}>
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus)} autoFocus>
              {options.map((o) => (
                <option key={o} value={o}>
                  {STATUS_LABEL[o]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ReasonField
          value={reason}
          onChange={setReason}
          hint={s.companyComms && !i.private ? 'Sent to the company with the change.' : 'Kept on the timeline.'}
        />
        {status === 'resolved' ? (
          <p className="small banner banner-info">
            <Icon name="book" size={14} />
            <span>
              {s.postmortemRequired
                ? `A ${s.key} needs a post-mortem: a draft is created for the commander, due ${s.postmortemDueDays} days after resolution.`
                : `A post-mortem is optional for ${s.key}; you can create one from this page.`}
            </span>
          </p>
        ) : null}
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : reopening ? 'Reopen' : `Set to ${STATUS_LABEL[status]}`}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

function SeverityModal({
  levels,
  current,
  settings,
  onClose,
  onSave,
}: {
  levels: Severity[];
  current: string;
  settings: IncidentSettings | undefined;
  onClose: () => void;
  onSave: (key: string, reason: string) => Promise<void>;
}) {
  const [key, setKey] = useState(current);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const chosen = levels.find((l) => l.key === key);
  const was = levels.find((l) => l.key === current);
  const announce = chosen?.companyComms && !was?.companyComms;
  return (
    <Modal
      title="Change the severity"
      description={`Now: ${current}. Say why; the reason goes on the timeline${chosen?.companyComms ? ' and to the company' : ''}.`}
      onClose={onClose}
      size="lg"
    >
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          await onSave(key, reason.trim());
          setBusy(false);
        }}
      >
        <SeverityChooser levels={levels} value={key} onChange={setKey} legend="New severity" current={current} />
        {announce ? (
          <p className="small banner banner-info">
            <Icon name="mail" size={14} />
            <span>
              {chosen?.key} requires company communication: the company list{settings?.companyEmail ? ` (${settings.companyEmail})` : ''} and the announcements
              channel are told.
            </span>
          </p>
        ) : null}
        <ReasonField value={reason} onChange={setReason} hint="E.g. “Now affects all regions”." />
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || key === current}>
            {busy ? 'Saving…' : `Change to ${key}`}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

/** Who hears about an update, from the severity and the incident settings. */
function Recipients({ detail: d, settings }: { detail: IncidentDetail; settings: IncidentSettings | undefined }) {
  const s = d.severity;
  const subscribers = new Set(d.members.filter((m) => m.role === 'subscriber').map((m) => m.userId)).size;
  const items: ReactNode[] = [];
  if (d.incident.private) {
    items.push(<li key="private">Nobody outside the incident: it is private.</li>);
  } else if (s.companyComms) {
    items.push(
      <li key="email">
        {settings?.companyEmail ? (
          <>
            The company list, <span className="strong">{settings.companyEmail}</span> (email)
          </>
        ) : (
          <span className="text-warning">No company list is configured (Settings › Incidents)</span>
        )}
      </li>,
      <li key="slack">
        {settings?.announcementsChannel ? (
          <>
            The announcements channel, <span className="strong mono">{settings.announcementsChannel}</span> (Slack)
            {s.stakeholderGroups.length ? `, mentioning ${s.stakeholderGroups.length} stakeholder group${s.stakeholderGroups.length === 1 ? '' : 's'}` : ''}
          </>
        ) : (
          <span className="text-warning">No announcements channel is configured (Settings › Incidents)</span>
        )}
      </li>,
    );
  } else {
    items.push(<li key="none">No company-wide announcement: {s.key} does not require one.</li>);
  }
  if (!d.incident.private) items.push(<li key="subs">Subscribers of the incident{subscribers ? ` (${subscribers})` : ''} and of its services, by email</li>);
  items.push(<li key="timeline">Everyone on the incident’s timeline</li>);
  return (
    <div className="recipients" aria-label="Who receives it" role="group">
      <div className="subheading">Who receives it</div>
      <ul>{items}</ul>
    </div>
  );
}

function UpdateModal({
  detail: d,
  settings,
  onClose,
  onPost,
}: {
  detail: IncidentDetail;
  settings: IncidentSettings | undefined;
  onClose: () => void;
  onPost: (text: string) => Promise<void>;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      title={`Post an update on ${d.incident.reference}`}
      description={`${d.severity.key} updates are due every ${formatMinutes(d.severity.updateCadenceMinutes)}.`}
      onClose={onClose}
      size="md"
    >
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!text.trim()) return;
          setBusy(true);
          await onPost(text.trim());
          setBusy(false);
        }}
      >
        <Field label="Update" hint="What is affected, what you are doing, when the next update comes.">
          {(p) => <textarea {...p} rows={5} value={text} onChange={(e) => setText(e.target.value)} maxLength={10000} autoFocus />}
        </Field>
        <Recipients detail={d} settings={settings} />
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()}>
            {busy ? 'Posting…' : 'Post update'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

const PAGE_TYPES: Array<{ type: PageTargetType; label: string; hint: string }> = [
  { type: 'user', label: 'A person', hint: 'Paged through their high-urgency notification rules.' },
  { type: 'team', label: 'A team’s on-call', hint: 'Whoever is on call on the team’s schedules now (the team lead if nobody is).' },
  { type: 'policy', label: 'An escalation policy', hint: 'Everyone in the policy’s first step.' },
  { type: 'schedule', label: 'A schedule’s on-call', hint: 'Whoever is on call on that schedule now.' },
];

function PageModal({
  reference,
  users,
  meId,
  onClose,
  onPage,
}: {
  reference: string;
  users: User[];
  meId: string;
  onClose: () => void;
  onPage: (target: { type: PageTargetType; id: string }, note?: string) => Promise<void>;
}) {
  const [type, setType] = useState<PageTargetType>('user');
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const teams = useResource(() => api.teams.list(), []);
  const policies = useResource(() => api.policies.list(), []);
  const schedules = useResource(() => api.schedules.list(), []);
  const options: Array<{ id: string; label: string }> =
    type === 'user'
      ? [...users].sort((a, b) => a.name.localeCompare(b.name)).map((u) => ({ id: u.id, label: `${u.name}${u.id === meId ? ' (you)' : ''} — ${u.email}` }))
      : type === 'team'
        ? (teams.data ?? []).map((t) => ({ id: t.slug, label: t.name }))
        : type === 'policy'
          ? (policies.data ?? []).map((p) => ({ id: p.slug, label: p.name }))
          : (schedules.data ?? []).map((s) => ({ id: s.slug, label: s.name }));
  const targetLabel = PAGE_TYPES.find((t) => t.type === type)!;
  return (
    <Modal
      title={`Page someone into ${reference}`}
      description="At high urgency, whatever their quiet hours. They join the incident as responders."
      onClose={onClose}
      size="md"
    >
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!target) {
            setError('Choose who to page.');
            return;
          }
          setBusy(true);
          setError(null);
          try {
            await onPage({ type, id: target }, note.trim() || undefined);
          } catch (err) {
            setError(err);
            setBusy(false);
          }
        }}
      >
        <ErrorBanner error={error} />
        <fieldset className="field fieldset">
          <legend className="field-label">Page</legend>
          <div className="radio-row">
            {PAGE_TYPES.map((t) => (
              <label key={t.type} className="radio">
                <input
                  type="radio"
                  name="page-type"
                  checked={type === t.type}
                  onChange={() => {
                    setType(t.type);
                    setTarget('');
                  }}
                />
                <span>{t.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <Field label={type === 'user' ? 'Person' : type === 'team' ? 'Team' : type === 'policy' ? 'Escalation policy' : 'Schedule'} hint={targetLabel.hint}>
          {(p) => (
            <select {...p} value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">Choose…</option>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Note" hint="Why you need them; sent with the page.">
          {(p) => <textarea {...p} rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />}
        </Field>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Paging…' : 'Page now'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

/**
 * Pieces shared by the incident pages, the alert page and the reports: severity and status
 * badges, the severity chooser (each level's definition shown as you choose), the declare form,
 * a person picker, and the incident timeline in words.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, type DeclareInput, type Incident, type IncidentStatus, type Service, type Severity, type TimelineEvent, type User } from '../api.ts';
import { formatDateTime, formatMinutes } from '../format.ts';
import { useResource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { describeEvent, type Described } from './AlertBits.tsx';
import { Field, fieldError } from './Field.tsx';
import { Modal, ModalActions } from './Modal.tsx';
import { Badge, ErrorBanner, Loading, type BadgeTone } from './ui.tsx';

// ---------------------------------------------------------------------------------------------
// Severity

/** The rank of a level: from the loaded levels when known, else the digit of `P<n>`. */
export function severityRank(key: string, levels?: Severity[]): number {
  const s = levels?.find((x) => x.key === key);
  if (s) return s.rank;
  const m = /^P(\d+)$/i.exec(key);
  return m ? Number(m[1]) : 9;
}

/** P0 is the most severe: dark red, then red, orange, amber, grey. */
/** One line wherever alert priorities and incident severities show side by side. */
export const PRIORITIES_VS_SEVERITIES =
  'Alert priorities (P1-P5, P1 most urgent) say how urgently one alert needs a person; incident severities (P0-P4, P0 worst) say how bad the impact on customers is and set the response.';

export function PrioritiesVsSeverities() {
  return (
    <p className="small muted priorities-vs-severities" role="note">
      {PRIORITIES_VS_SEVERITIES}
    </p>
  );
}

export function SeverityBadge({ severity, rank, name, size = 'md' }: { severity: string; rank?: number; name?: string; size?: 'md' | 'lg' }) {
  const r = Math.min(rank ?? severityRank(severity), 4);
  return (
    <span className={`sev sev-${r}${size === 'lg' ? ' sev-lg' : ''}`} title={name ? `${severity} — ${name}` : `Severity ${severity}`}>
      {severity}
      {name && size === 'lg' ? <span className="sev-name">{name}</span> : null}
    </span>
  );
}

export function useSeverities() {
  return useResource(async () => [...(await api.severities.list())].sort((a, b) => a.rank - b.rank), []);
}

/** One line of what a level means for the people involved. */
export function severityPromises(s: Severity): string {
  return [
    `Acknowledge within ${formatMinutes(s.ackTargetMinutes)}`,
    `updates every ${formatMinutes(s.updateCadenceMinutes)}`,
    s.companyComms ? 'company informed' : 'no company-wide comms',
    s.postmortemRequired ? 'post-mortem required' : 'post-mortem optional',
  ].join(' · ');
}

/** Radio cards: every level with its definition; the chosen one also shows its examples. */
export function SeverityChooser({
  levels,
  value,
  onChange,
  legend = 'Severity',
  current,
}: {
  levels: Severity[];
  value: string;
  onChange: (key: string) => void;
  legend?: string;
  /** The incident's current level, marked as such. */
  current?: string;
}) {
  return (
    <fieldset className="field fieldset sev-chooser">
      <legend className="field-label">
        {legend}{' '}
        <Link to="/severities" target="_blank" className="small">
          What do the levels mean?
        </Link>
      </legend>
      {levels.map((s) => {
        const checked = s.key === value;
        return (
          <label key={s.key} className={checked ? 'sev-option is-checked' : 'sev-option'}>
            <input type="radio" name="severity" value={s.key} checked={checked} onChange={() => onChange(s.key)} aria-label={`${s.key} — ${s.name}`} />
            <span className="sev-option-body">
              <span className="sev-option-head">
                <SeverityBadge severity={s.key} rank={s.rank} />
                <span className="strong">{s.name}</span>
                {current === s.key ? <Badge>Current</Badge> : null}
              </span>
              <span className="sev-option-def">{s.definition}</span>
              {checked ? (
                <span className="sev-option-more">
                  {s.examples.length ? <span>Examples: {s.examples.join('; ')}.</span> : null}
                  <span>{severityPromises(s)}.</span>
                </span>
              ) : null}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------
// Status

export const STATUS_LABEL: Record<IncidentStatus, string> = {
  triage: 'Triage',
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  cancelled: 'Cancelled',
};

export const STATUS_HELP: Record<IncidentStatus, string> = {
  triage: 'Not yet confirmed as an incident.',
  investigating: 'Looking for the cause.',
  identified: 'The cause is known; a fix is on its way.',
  monitoring: 'A fix is out; watching that it holds.',
  resolved: 'Over. Customers are no longer affected.',
  cancelled: 'Not an incident after all.',
};

const STATUS_TONE: Record<IncidentStatus, BadgeTone> = {
  triage: 'purple',
  investigating: 'red',
  identified: 'amber',
  monitoring: 'blue',
  resolved: 'green',
  cancelled: 'neutral',
};

export const statusLabel = (s: string): string => STATUS_LABEL[s as IncidentStatus] ?? s;

export function IncidentStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status as IncidentStatus] ?? 'neutral'}>{statusLabel(status)}</Badge>;
}

export const isClosed = (i: Pick<Incident, 'status'>): boolean => i.status === 'resolved' || i.status === 'cancelled';

// ---------------------------------------------------------------------------------------------
// Timeline

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const TARGET_WORD: Record<string, string> = { user: '', team: 'the on-call of team ', policy: 'escalation policy ', schedule: 'the on-call of schedule ' };

function recipients(to: string[]): string {
  return joinNames(
    to.map((t) => {
      if (t.startsWith('email ')) return `the company list (${t.slice(6)})`;
      if (t.startsWith('slack ')) return `the announcements channel (${t.slice(6)})`;
      return t;
    }),
  );
}

const COMMS_KIND: Record<string, string> = {
  declared: 'the declaration',
  severity_raised: 'the raised severity',
  update: 'the update',
  resolved: 'the resolution',
};

/** Reads incident events as sentences; `levels` tells a raised severity from a lowered one. */
export function incidentEventDescriber(levels?: Severity[]) {
  return (e: TimelineEvent, nameOf: (id: string | null | undefined) => string): Described => {
    const d = e.data;
    const reason = str(d.reason);
    switch (e.type) {
      case 'incident.declared': {
        const commander = str(d.commanderId);
        return {
          icon: 'flame',
          text: (
            <>
              declared the incident as <span className="strong">{str(d.severity)}</span>
              {commander ? <> with {nameOf(commander)} as commander</> : ' with no commander'}
              {strs(d.alertIds).length ? `, from ${strs(d.alertIds).length === 1 ? 'an alert' : `${strs(d.alertIds).length} alerts`}` : ''}
              {d.private ? ' (private)' : ''}
            </>
          ),
          tone: 'raised',
        };
      }
      case 'incident.status_changed':
        return {
          icon: str(d.to) === 'resolved' ? 'check' : 'clock',
          text: (
            <>
              changed the status from {statusLabel(str(d.from))} to <span className="strong">{statusLabel(str(d.to))}</span>
            </>
          ),
          tone: str(d.to) === 'resolved' ? 'success' : undefined,
          ...(reason ? { quote: reason } : {}),
        };
      case 'incident.reopened':
        return {
          icon: 'arrowUp',
          text: `reopened the incident (${statusLabel(str(d.from))} → ${statusLabel(str(d.to))})`,
          tone: 'warning',
          ...(reason ? { quote: reason } : {}),
        };
      case 'incident.severity_changed': {
        const raised = severityRank(str(d.to), levels) < severityRank(str(d.from), levels);
        return {
          icon: raised ? 'arrowUp' : 'arrowDown',
          text: (
            <>
              {raised ? 'raised' : 'lowered'} the severity from {str(d.from)} to <span className="strong">{str(d.to)}</span>
            </>
          ),
          tone: raised ? 'raised' : undefined,
          ...(reason ? { quote: reason } : {}),
        };
      }
      case 'incident.update':
        return { icon: 'send', text: 'posted an update', tone: 'note', quote: str(d.text) };
      case 'incident.communicated': {
        const to = strs(d.to);
        const what = COMMS_KIND[str(d.kind)] ?? 'it';
        return to.length
          ? { icon: 'mail', text: `Sent ${what} to ${recipients(to)}.`, impersonal: true }
          : {
              icon: 'warning',
              text: `Nobody outside the incident was told of ${what}: ${str(d.warning) || 'no company list or announcements channel is configured.'}`,
              tone: 'warning',
              impersonal: true,
            };
      }
      case 'incident.paged': {
        const target = (d.target ?? {}) as { type?: string; id?: string };
        const names = strs(d.userIds).map((u) => nameOf(u));
        const via = target.type && target.type !== 'user' ? ` (${TARGET_WORD[target.type] ?? ''}${target.id ?? ''})` : '';
        return { icon: 'userPlus', text: `paged ${joinNames(names) || 'nobody'}${via}`, ...(str(d.note) ? { quote: str(d.note) } : {}) };
      }
      case 'incident.page_acknowledged':
        return { icon: 'check', text: `acknowledged their page${str(d.via) ? ` (via ${str(d.via)})` : ''}`, tone: 'success' };
      case 'incident.commander_changed':
        return { icon: 'users', text: `handed the commander role to ${str(d.name) || nameOf(str(d.to))}` };
      case 'incident.comms_lead_changed':
        return { icon: 'message', text: `named ${str(d.name) || nameOf(str(d.to))} comms lead` };
      case 'incident.note':
        return {
          icon: 'message',
          text: `added a note${str(d.source) && str(d.source) !== 'web' ? ` (from ${str(d.source)})` : ''}`,
          tone: 'note',
          quote: str(d.note),
        };
      case 'incident.subscribed':
        return { icon: 'bell', text: e.actor.id === str(d.userId) ? 'subscribed to updates' : `subscribed ${nameOf(str(d.userId))} to updates` };
      case 'incident.member_added':
        return { icon: 'userPlus', text: `added ${str(d.name) || nameOf(str(d.userId))} to the incident` };
      case 'incident.update_overdue':
        return { icon: 'clock', text: `No update for ${str(d.minutes)} minutes: reminded ${nameOf(str(d.nudged))}.`, tone: 'warning', impersonal: true };
      case 'incident.slack_channel':
        return { icon: 'message', text: `Slack channel created (${str(d.channelId)}).`, impersonal: true };
      case 'postmortem.created':
        return {
          icon: 'book',
          text: (
            <>
              <Link to={`/postmortems/${encodeURIComponent(str(d.postmortemId))}`}>Post-mortem</Link> draft created
              {str(d.ownerId) ? `, owned by ${nameOf(str(d.ownerId))}` : ''}
              {d.dueAt ? `, due ${formatDateTime(Number(d.dueAt))}` : ''}.
            </>
          ),
          impersonal: e.actor.type !== 'user',
        };
      case 'security.reported':
        return { icon: 'shield', text: `Security issue reported (${str(d.source) || 'form'}).`, tone: 'raised', impersonal: true };
      case 'security.warning':
        return { icon: 'warning', text: str(d.warning) || 'Warning', tone: 'warning', impersonal: true };
      default:
        // Deliveries and pages (notification.sent, page.*) read as on alerts.
        return describeEvent(e, nameOf);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// People

/** A modal to choose one person. */
export function PickUserModal({
  title,
  description,
  submitLabel,
  users,
  defaultUserId = '',
  meId,
  onClose,
  onPick,
}: {
  title: string;
  description?: ReactNode;
  submitLabel: string;
  users: User[];
  defaultUserId?: string;
  meId: string;
  onClose: () => void;
  /** Resolves when done; a thrown error is shown in the dialog. */
  onPick: (userId: string) => Promise<unknown>;
}) {
  const sorted = [...users].filter((u) => u.active).sort((x, y) => x.name.localeCompare(y.name));
  const [userId, setUserId] = useState(defaultUserId);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={title} description={description} onClose={onClose} size="sm">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!userId) {
            setError('Choose a person.');
            return;
          }
          setBusy(true);
          setError(null);
          try {
            await onPick(userId);
          } catch (err) {
            setError(err);
            setBusy(false);
          }
        }}
      >
        <ErrorBanner error={error} />
        <Field label="Person">
          {(p) => (
            <select {...p} value={userId} onChange={(e) => setUserId(e.target.value)} autoFocus>
              <option value="">Choose…</option>
              {sorted.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                  {u.id === meId ? ' (you)' : ''} — {u.email}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : submitLabel}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------
// Declare

export interface DeclareDefaults {
  title?: string;
  severity?: string;
  summary?: string;
  serviceIds?: string[];
  alertIds?: string[];
  /** Shown instead of the raw alert ids, e.g. "#42 Disk full on db-1". */
  alertLabel?: string;
}

export function DeclareIncidentModal({
  defaults = {},
  onClose,
  onDeclared,
}: {
  defaults?: DeclareDefaults;
  onClose: () => void;
  onDeclared: (incident: Incident) => void;
}) {
  const { user } = useSession();
  const severities = useSeverities();
  const services = useResource(() => api.services.list(), []);
  const users = useResource(() => api.users.list(), []);
  const [title, setTitle] = useState(defaults.title ?? '');
  const [severity, setSeverity] = useState(defaults.severity ?? '');
  const [summary, setSummary] = useState(defaults.summary ?? '');
  const [serviceIds, setServiceIds] = useState<string[]>(defaults.serviceIds ?? []);
  const [commanderId, setCommanderId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const levels = severities.data ?? [];
  const chosen = levels.find((s) => s.key === severity);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!title.trim()) {
      setError('Give the incident a title: what customers see.');
      return;
    }
    if (!severity || (levels.length && !levels.some((l) => l.key === severity))) {
      setError('Choose a severity.');
      return;
    }
    setBusy(true);
    setError(null);
    const input: DeclareInput = {
      title: title.trim(),
      severity,
      ...(summary.trim() ? { summary: summary.trim() } : {}),
      ...(serviceIds.length ? { serviceIds } : {}),
      ...(defaults.alertIds?.length ? { alertIds: defaults.alertIds } : {}),
      ...(commanderId ? { commanderId } : {}),
    };
    try {
      onDeclared(await api.incidents.declare(input));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const serviceList: Service[] = [...(services.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const generic = fieldError(error, 'title', 'severity', 'serviceIds', 'commanderId') ? null : error;

  return (
    <Modal
      title="Declare an incident"
      description="Everyone who needs to know is told according to the severity. You can change anything later."
      onClose={onClose}
      size="lg"
    >
      <form onSubmit={submit} noValidate className="declare-form">
        <ErrorBanner error={generic} />
        <Field label="Title" required hint="What is broken, as customers see it, e.g. “Checkout failing for EU customers”." error={fieldError(error, 'title')}>
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} autoFocus autoComplete="off" />}
        </Field>
        {defaults.alertIds?.length ? (
          <p className="small declare-alert">
            Linked alert: <span className="strong">{defaults.alertLabel ?? defaults.alertIds.join(', ')}</span>. Its service is added to the incident.
          </p>
        ) : null}
        {defaults.alertIds?.length ? <PrioritiesVsSeverities /> : null}
        {severities.loading && !severities.data ? <Loading label="Loading severity levels…" /> : null}
        <ErrorBanner error={severities.error} />
        {levels.length ? <SeverityChooser levels={levels} value={severity} onChange={setSeverity} /> : null}
        {fieldError(error, 'severity') ? <p className="field-error">{fieldError(error, 'severity')}</p> : null}
        {chosen ? <CommsNote severity={chosen} /> : null}
        <fieldset className="field fieldset">
          <legend className="field-label">Affected services</legend>
          {services.data && serviceList.length === 0 ? <p className="muted small">No services yet.</p> : null}
          <div className="check-grid">
            {serviceList.map((s) => (
              <label key={s.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={serviceIds.includes(s.id)}
                  onChange={(e) => setServiceIds((cur) => (e.target.checked ? [...cur, s.id] : cur.filter((x) => x !== s.id)))}
                />
                <span>{s.name}</span>
              </label>
            ))}
          </div>
          {fieldError(error, 'serviceIds') ? <p className="field-error">{fieldError(error, 'serviceIds')}</p> : null}
        </fieldset>
        <Field label="Summary" hint="What you know so far. Sent with the announcement when the severity requires one.">
          {(p) => <textarea {...p} rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} maxLength={10000} />}
        </Field>
        <Field label="Commander" hint="Runs the incident. By default the on-call of the first service, else you." error={fieldError(error, 'commanderId')}>
          {(p) => (
            <select {...p} value={commanderId} onChange={(e) => setCommanderId(e.target.value)}>
              <option value="">Default</option>
              {[...(users.data ?? [])]
                .filter((u) => u.active && u.role !== 'stakeholder')
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                    {u.id === user.id ? ' (you)' : ''}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={busy}>
            {busy ? 'Declaring…' : 'Declare incident'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

/** What declaring at this level sets in motion. */
function CommsNote({ severity: s }: { severity: Severity }) {
  const items = [
    s.companyComms ? 'the company list and the announcements channel are told' : 'no company-wide announcement',
    s.incidentChannel ? 'a Slack channel is created for it' : '',
    `a status update is due every ${formatMinutes(s.updateCadenceMinutes)}`,
  ].filter(Boolean);
  return (
    <div className="banner banner-info declare-comms" role="note">
      <div>
        <strong>{s.key}:</strong> {items.join('; ')}.
      </div>
    </div>
  );
}

/** The severity and service filters of the incident and post-mortem lists (values: level key, service slug). */
export function SeverityAndServiceFilters({
  severity,
  service,
  levels,
  services,
  onChange,
}: {
  severity: string;
  service: string;
  levels: Severity[];
  services: Service[];
  onChange: (change: { severity?: string; service?: string }) => void;
}) {
  return (
    <>
      <select aria-label="Severity" value={severity} onChange={(e) => onChange({ severity: e.target.value })}>
        <option value="">All severities</option>
        {levels.map((s) => (
          <option key={s.key} value={s.key}>
            {s.key} — {s.name}
          </option>
        ))}
      </select>
      <select aria-label="Service" value={service} onChange={(e) => onChange({ service: e.target.value })}>
        <option value="">All services</option>
        {[...services]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((s) => (
            <option key={s.id} value={s.slug}>
              {s.name}
            </option>
          ))}
      </select>
    </>
  );
}

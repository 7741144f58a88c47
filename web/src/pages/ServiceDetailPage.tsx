/**
 * One service: how its alerts are routed (policy, channel, urgency, storms), its integrations
 * (intake URLs; a new key is shown once), maintenance windows, heartbeats and unclosed alerts.
 */
import { useState, type FormEvent } from 'react';
import { api, errorMessage, INTEGRATION_TYPES, PRIORITIES, type Integration, type IntegrationType, type Priority, type ServiceDetail } from '../api.ts';
import { AlertStatusBadge, PriorityBadge } from '../components/AlertBits.tsx';
import { Field, fieldError } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { Modal, ModalActions } from '../components/Modal.tsx';
import { CopyButton, OneTimeSecret } from '../components/OneTimeSecret.tsx';
import { PolicySteps } from '../components/PolicyForm.tsx';
import { ServiceFormModal } from '../components/ServiceForm.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatAge, formatDateTime, formatRelative, plural } from '../format.ts';
import { useDocumentTitle, useInterval, useNow, useResource } from '../hooks.ts';
import { Link, navigate, useSearchParams } from '../router.tsx';
import { useSession } from '../session.tsx';
import { fromZonedInput, toZonedInput, viewerZone } from '../time.ts';
import { isNotFound, PolicyWarnings, useDirectory } from './ServicesPage.tsx';

export const INTEGRATION_INFO: Record<IntegrationType, { label: string; help: string }> = {
  opsgenie: { label: 'OpsGenie API', help: 'Existing OpsGenie clients keep working: point their API URL at this server and use the key as the API key (Authorization: GenieKey …).' },
  pagerduty: { label: 'PagerDuty Events v2', help: 'Send PagerDuty Events API v2 events to the URL with the key as routing_key.' },
  alertmanager: { label: 'Prometheus Alertmanager', help: 'Add the URL as a webhook receiver in Alertmanager.' },
  grafana: { label: 'Grafana', help: 'Add the URL as a webhook contact point in Grafana.' },
  generic: { label: 'Generic webhook', help: 'POST JSON (message, alias, priority, description…) to the URL.' },
  sentry: { label: 'Sentry', help: 'Add the URL as a webhook in Sentry’s alert rules.' },
};

/** The server describes intake URLs as `URL` or `URL (note)`; `<key>` stands for the key. */
function splitIntake(intakeUrl: string): { url: string; note: string } {
  const m = /^(\S+)\s+\((.*)\)$/.exec(intakeUrl);
  return m ? { url: m[1]!, note: m[2]! } : { url: intakeUrl, note: '' };
}

export function ServiceDetailPage({ slug }: { slug: string }) {
  const session = useSession();
  const canWrite = session.can('write');
  const params = useSearchParams();
  const detail = useResource(() => api.services.get(slug), [slug]);
  const policies = useResource(() => api.policies.list(), []);
  const teams = useResource(() => api.teams.list(), []);
  const alerts = useResource(() => api.alerts.list({ service: slug, status: 'unclosed', limit: 10 }), [slug]);
  const { dir } = useDirectory();
  useInterval(() => void alerts.reload(), 15_000);
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ integration: Integration; key: string } | null>(null);
  const [removing, setRemoving] = useState<Integration | null>(null);
  const now = useNow(30_000);
  useDocumentTitle(detail.data?.service.name ?? 'Service');

  if (!detail.data) {
    return (
      <>
        <BackLink />
        <Panel>
          {detail.loading ? (
            <Loading label="Loading service…" />
          ) : isNotFound(detail.error) ? (
            <EmptyState icon="server" title="Service not found" action={<Link to="/services">All services</Link>}>
              There is no service “{slug}”.
            </EmptyState>
          ) : (
            <ErrorBanner error={detail.error} title="Could not load the service." />
          )}
        </Panel>
      </>
    );
  }

  const { service: s, integrations, maintenance, heartbeats } = detail.data;
  const policy = s.escalationPolicyId ? policies.data?.find((p) => p.id === s.escalationPolicyId) : undefined;
  const team = teams.data?.find((t) => t.id === s.teamId);
  const justCreated = params.get('created') === '1';
  const activeMaintenance = maintenance.filter((m) => m.start <= now && m.end > now);
  const setDetail = (update: (d: ServiceDetail) => ServiceDetail): void => detail.setData((cur) => (cur ? update(cur) : cur!));

  return (
    <>
      <BackLink />
      <PageHeader
        title={s.name}
        description={
          <>
            {team ? <>Owned by {team.name}</> : null}
            {s.description ? ` · ${s.description}` : ''}
          </>
        }
        actions={
          <>
            <Link to={`/alerts?status=unclosed&service=${encodeURIComponent(s.slug)}`} className="btn btn-secondary">
              <Icon name="bell" size={16} /> Alerts
            </Link>
            {canWrite ? (
              <button type="button" className="btn btn-secondary" onClick={() => setEditing(true)} disabled={!teams.data || !policies.data}>
                <Icon name="edit" size={16} /> Edit service
              </button>
            ) : null}
          </>
        }
      />
      {justCreated && integrations.length === 0 && !created ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>
            <strong>Service created.</strong> Next, add an integration so your monitoring can send alerts to it.
          </div>
        </div>
      ) : null}
      {activeMaintenance.length ? (
        <div className="banner banner-info" role="status">
          <Icon name="wrench" />
          <div>
            <strong>In maintenance until {formatDateTime(Math.max(...activeMaintenance.map((m) => m.end)))}.</strong> Alerts are recorded, nobody is paged.
          </div>
        </div>
      ) : null}

      {created ? (
        <OneTimeSecret
          title={`Integration “${created.integration.name}” added`}
          label="Integration key"
          secret={created.key}
          warning={
            <>
              <strong>Copy the key now — you won’t be able to see it again.</strong> Anyone with it can send alerts to {s.name}.
            </>
          }
          onDone={() => {
            setCreated(null);
            if (justCreated) navigate(`/services/${encodeURIComponent(s.slug)}`, { replace: true });
          }}
        >
          <IntakeHelp integration={created.integration} keyValue={created.key} />
        </OneTimeSecret>
      ) : null}

      <div className="service-grid">
        <Panel title="Routing">
          <dl className="facts facts-tight">
            <dt>Escalation policy</dt>
            <dd>
              {!s.escalationPolicyId ? (
                <span className="text-warning">
                  <Icon name="warning" size={14} /> None — alerts are recorded but nobody is paged.
                </span>
              ) : policy ? (
                <Link to={`/escalation-policies/${encodeURIComponent(policy.slug)}`}>{policy.name}</Link>
              ) : (
                '…'
              )}
            </dd>
            <dt>Alerts channel</dt>
            <dd>{s.alertsChannel ? <span className="mono">{s.alertsChannel}</span> : <span className="muted">None</span>}</dd>
            <dt>Urgency</dt>
            <dd>
              <span className="urgency-summary">
                {PRIORITIES.map((p) => (
                  <span key={p} className={s.urgencyRule[p] === 'high' ? 'urg urg-high' : 'urg urg-low'} title={`${p}: ${s.urgencyRule[p]} urgency`}>
                    {p} {s.urgencyRule[p]}
                  </span>
                ))}
              </span>
            </dd>
            <dt>Storms</dt>
            <dd>{s.stormThreshold} alerts within a minute → one summary page</dd>
          </dl>
          {policy ? (
            <div className="routing-policy">
              <PolicyWarnings policy={policy} />
              {dir ? <PolicySteps policy={policy} dir={dir} /> : null}
            </div>
          ) : null}
        </Panel>

        <Panel title="Unclosed alerts" actions={<Link to={`/alerts?status=unclosed&service=${encodeURIComponent(s.slug)}`}>All alerts</Link>}>
          {alerts.data && alerts.data.data.length === 0 ? <p className="muted small empty-line">No open or acknowledged alerts.</p> : null}
          {alerts.data?.data.length ? (
            <ul className="mini-alerts">
              {alerts.data.data.map((a) => (
                <li key={a.id}>
                  <PriorityBadge priority={a.priority} />
                  <Link to={`/alerts/${encodeURIComponent(a.id)}`} className="mini-alert-msg">
                    #{a.number} {a.message}
                  </Link>
                  <span className="muted small nowrap">{formatAge(a.createdAt, now)}</span>
                  <AlertStatusBadge alert={a} now={now} />
                </li>
              ))}
            </ul>
          ) : null}
          {alerts.data && alerts.data.total > alerts.data.data.length ? <p className="muted small">…and {alerts.data.total - alerts.data.data.length} more.</p> : null}
        </Panel>
      </div>

      <Panel
        title="Integrations"
        actions={
          canWrite ? (
            <button type="button" className="btn btn-primary btn-sm" onClick={() => setAdding(true)}>
              <Icon name="plus" size={14} /> Add integration
            </button>
          ) : undefined
        }
      >
        <p className="panel-intro">Each integration has its own key. Monitoring tools send alerts to the intake URL with it.</p>
        {integrations.length === 0 ? (
          <EmptyState icon="link" title="No integrations yet">
            Add one for each tool that sends alerts: OpsGenie clients, PagerDuty, Alertmanager, Grafana, Sentry or any webhook.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Key</th>
                  <th scope="col">Intake URL</th>
                  <th scope="col">Added</th>
                  {canWrite ? (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {integrations.map((i) => {
                  const { url, note } = splitIntake(i.intakeUrl);
                  return (
                    <tr key={i.id} className={i.disabled ? 'inactive' : undefined}>
                      <td className="strong">{i.name}</td>
                      <td>{INTEGRATION_INFO[i.type]?.label ?? i.type}</td>
                      <td className="mono small nowrap">{i.keyHint}</td>
                      <td>
                        <code className="intake-url">{url}</code>
                        {note ? <div className="muted small">{note}</div> : null}
                      </td>
                      <td className="nowrap" title={formatDateTime(i.createdAt)}>
                        {formatRelative(i.createdAt)}
                      </td>
                      {canWrite ? (
                        <td className="cell-actions">
                          <button type="button" className="btn btn-ghost btn-sm btn-danger-text" aria-label={`Remove ${i.name}`} onClick={() => setRemoving(i)}>
                            Remove
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <div className="service-grid">
        <MaintenancePanel
          detail={detail.data}
          canWrite={canWrite}
          now={now}
          onAdded={(m) => {
            setDetail((d) => ({ ...d, maintenance: [...d.maintenance, m] }));
            void detail.reload();
          }}
        />
        <HeartbeatsPanel
          detail={detail.data}
          canWrite={canWrite}
          onSaved={() => void detail.reload()}
          opsgenieKeyHint={integrations.find((i) => i.type === 'opsgenie')?.keyHint}
          heartbeats={heartbeats}
        />
      </div>

      {editing && teams.data && policies.data ? (
        <ServiceFormModal
          service={s}
          teams={teams.data}
          policies={policies.data}
          onClose={() => setEditing(false)}
          onSaved={(next) => {
            setEditing(false);
            if (next.slug !== slug) navigate(`/services/${encodeURIComponent(next.slug)}`, { replace: true });
            else {
              setDetail((d) => ({ ...d, service: next }));
              void detail.reload();
              void policies.reload();
            }
          }}
        />
      ) : null}
      {adding ? (
        <AddIntegrationModal
          serviceId={s.id}
          onClose={() => setAdding(false)}
          onAdded={(res) => {
            setAdding(false);
            setCreated(res);
            setDetail((d) => ({ ...d, integrations: [...d.integrations, res.integration] }));
            void detail.reload();
          }}
        />
      ) : null}
      {removing ? (
        <RemoveIntegrationModal
          serviceId={s.id}
          integration={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            const id = removing.id;
            setRemoving(null);
            setDetail((d) => ({ ...d, integrations: d.integrations.filter((i) => i.id !== id) }));
            if (created?.integration.id === id) setCreated(null);
            void detail.reload();
          }}
        />
      ) : null}
    </>
  );
}

function BackLink() {
  return (
    <Link to="/services" className="back-link">
      <Icon name="chevronLeft" size={16} /> Services
    </Link>
  );
}

function IntakeHelp({ integration, keyValue }: { integration: Integration; keyValue: string }) {
  const { url } = splitIntake(integration.intakeUrl);
  const full = url.replace('<key>', keyValue);
  return (
    <div className="intake-help">
      <p className="small">{INTEGRATION_INFO[integration.type]?.help}</p>
      <div className="secret-row">
        <input className="secret-value mono" readOnly value={full} aria-label={url.includes('<key>') ? 'Intake URL with key' : 'Intake URL'} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={full} label="Copy URL" />
      </div>
    </div>
  );
}

function AddIntegrationModal({ serviceId, onClose, onAdded }: { serviceId: string; onClose: () => void; onAdded: (r: { integration: Integration; key: string }) => void }) {
  const [name, setName] = useState('');
  const [type, setType] = useState<IntegrationType>('opsgenie');
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onAdded(await api.services.addIntegration(serviceId, { name: name.trim() || INTEGRATION_INFO[type].label, type, ...(key.trim() ? { key: key.trim() } : {}) }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Modal title="Add integration" description="The key is shown once, right after you add it." onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={fieldError(error, 'name', 'key', 'type') ? null : error} />
        <Field label="Type" error={fieldError(error, 'type')} hint={INTEGRATION_INFO[type].help}>
          {(p) => (
            <select {...p} value={type} onChange={(e) => setType(e.target.value as IntegrationType)}>
              {INTEGRATION_TYPES.map((t) => (
                <option key={t} value={t}>
                  {INTEGRATION_INFO[t].label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Integration name" error={fieldError(error, 'name')} hint="What sends the alerts, e.g. “Prometheus prod”.">
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} placeholder={INTEGRATION_INFO[type].label} maxLength={100} autoFocus />}
        </Field>
        <Field
          label="Existing key (optional)"
          error={fieldError(error, 'key')}
          hint="Moving from OpsGenie or PagerDuty? Enter the key your tools already use so nothing needs reconfiguring. Leave empty for a new key."
        >
          {(p) => <input {...p} value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" className="mono" maxLength={200} />}
        </Field>
        <ModalActions>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add integration'}
          </button>
        </ModalActions>
      </form>
    </Modal>
  );
}

function RemoveIntegrationModal({ serviceId, integration, onClose, onRemoved }: { serviceId: string; integration: Integration; onClose: () => void; onRemoved: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={`Remove “${integration.name}”?`} onClose={onClose} size="sm">
      <p>Its key stops working within seconds: alerts sent with it are rejected. Existing alerts stay.</p>
      <ErrorBanner error={error} />
      <ModalActions>
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await api.services.removeIntegration(serviceId, integration.id);
              onRemoved();
            } catch (err) {
              setError(err);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Removing…' : 'Remove integration'}
        </button>
      </ModalActions>
    </Modal>
  );
}

const DURATIONS: Array<{ label: string; minutes: number }> = [
  { label: '30 minutes', minutes: 30 },
  { label: '1 hour', minutes: 60 },
  { label: '2 hours', minutes: 120 },
  { label: '4 hours', minutes: 240 },
  { label: '8 hours', minutes: 480 },
];

function MaintenancePanel({ detail, canWrite, now, onAdded }: { detail: ServiceDetail; canWrite: boolean; now: number; onAdded: (m: ServiceDetail['maintenance'][number]) => void }) {
  const zone = viewerZone();
  const [open, setOpen] = useState(false);
  const [start, setStart] = useState(() => toZonedInput(Date.now(), zone));
  const [duration, setDuration] = useState('60');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const windows = [...detail.maintenance].sort((a, b) => a.start - b.start);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const from = fromZonedInput(start, zone);
    if (from === null) {
      setError('Enter when the maintenance starts.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const m = await api.services.addMaintenance(detail.service.id, { start: from, end: from + Number(duration) * 60_000, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      onAdded(m);
      setOpen(false);
      setReason('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel
      title="Maintenance windows"
      actions={
        canWrite && !open ? (
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            onClick={() => {
              setStart(toZonedInput(Date.now(), zone));
              setOpen(true);
            }}
          >
            <Icon name="plus" size={14} /> Schedule maintenance
          </button>
        ) : undefined
      }
    >
      <p className="panel-intro">During a window, alerts are recorded but nobody is paged.</p>
      {windows.length === 0 && !open ? <p className="muted small empty-line">No current or upcoming maintenance.</p> : null}
      {windows.length ? (
        <ul className="simple-list">
          {windows.map((m) => (
            <li key={m.id}>
              <Icon name="wrench" />
              <div>
                <div>
                  {m.start <= now ? <Badge tone="blue">Active now</Badge> : <Badge>Upcoming</Badge>} {formatDateTime(m.start)} – {formatDateTime(m.end)}
                </div>
                {m.reason ? <div className="muted small">{m.reason}</div> : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {open ? (
        <form onSubmit={submit} className="subform" aria-label="Schedule maintenance">
          <ErrorBanner error={error} />
          <div className="form-grid">
            <Field label="Starts" hint={`Your time zone (${zone}).`} error={fieldError(error, 'start')}>
              {(p) => <input {...p} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />}
            </Field>
            <Field label="Lasts" error={fieldError(error, 'end')}>
              {(p) => (
                <select {...p} value={duration} onChange={(e) => setDuration(e.target.value)}>
                  {DURATIONS.map((d) => (
                    <option key={d.minutes} value={String(d.minutes)}>
                      {d.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field label="Reason">{(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Database upgrade" maxLength={500} />}</Field>
          <div className="form-buttons">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
              {busy ? 'Scheduling…' : 'Schedule'}
            </button>
          </div>
        </form>
      ) : null}
    </Panel>
  );
}

const INTERVALS: Array<{ label: string; seconds: number }> = [
  { label: '1 minute', seconds: 60 },
  { label: '5 minutes', seconds: 300 },
  { label: '15 minutes', seconds: 900 },
  { label: '1 hour', seconds: 3600 },
  { label: '6 hours', seconds: 21600 },
  { label: '1 day', seconds: 86400 },
];

function intervalLabel(seconds: number): string {
  const known = INTERVALS.find((i) => i.seconds === seconds);
  if (known) return known.label;
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

function HeartbeatsPanel({
  detail,
  heartbeats,
  canWrite,
  onSaved,
  opsgenieKeyHint,
}: {
  detail: ServiceDetail;
  heartbeats: ServiceDetail['heartbeats'];
  canWrite: boolean;
  onSaved: () => void;
  opsgenieKeyHint: string | undefined;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [interval, setIntervalSeconds] = useState('300');
  const [priority, setPriority] = useState<Priority>('P3');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const origin = window.location.origin;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.services.saveHeartbeat(detail.service.id, { name: name.trim(), intervalSeconds: Number(interval), priority });
      setOpen(false);
      setName('');
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel
      title="Heartbeats"
      actions={
        canWrite && !open ? (
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => setOpen(true)}>
            <Icon name="plus" size={14} /> Add heartbeat
          </button>
        ) : undefined
      }
    >
      <p className="panel-intro">A job pings its heartbeat regularly; a missed ping opens an alert on this service.</p>
      {heartbeats.length === 0 && !open ? <p className="muted small empty-line">No heartbeats.</p> : null}
      {heartbeats.length ? (
        <ul className="simple-list">
          {heartbeats.map((h) => (
            <li key={h.id}>
              <Icon name="heart" />
              <div className="grow">
                <div>
                  <span className="strong mono">{h.name}</span> {h.state === 'ok' ? <Badge tone="green">OK</Badge> : null}
                  {h.state === 'waiting' ? <Badge>Waiting for first ping</Badge> : null}
                  {h.state === 'expired' ? <Badge tone="red">Expired</Badge> : null}
                  {!h.enabled ? <Badge>Disabled</Badge> : null}
                </div>
                <div className="muted small">
                  Every {intervalLabel(h.intervalSeconds)} · {h.priority} when missed · last ping {h.lastPingAt ? formatRelative(h.lastPingAt) : 'never'}
                </div>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {heartbeats.length ? (
        <div className="muted small heartbeat-help">
          Ping it{' '}
          {opsgenieKeyHint ? <>with this service’s OpsGenie API key ({opsgenieKeyHint}):</> : <>with the key of an OpsGenie API integration (add one above):</>}
          <pre className="code-block">{`curl -X POST -H "Authorization: GenieKey $KEY" \\\n  ${origin}/v2/heartbeats/${heartbeats[0]!.name}/ping`}</pre>
        </div>
      ) : null}
      {open ? (
        <form onSubmit={submit} className="subform" aria-label="Add heartbeat">
          <ErrorBanner error={fieldError(error, 'name', 'intervalSeconds') ? null : error ? errorMessage(error) : null} />
          <Field label="Heartbeat name" error={fieldError(error, 'name')} hint="Unique across Vigil, e.g. nightly-backup.">
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} className="mono" />}
          </Field>
          <div className="form-grid">
            <Field label="Expected every" error={fieldError(error, 'intervalSeconds')}>
              {(p) => (
                <select {...p} value={interval} onChange={(e) => setIntervalSeconds(e.target.value)}>
                  {INTERVALS.map((i) => (
                    <option key={i.seconds} value={String(i.seconds)}>
                      {i.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Alert priority">
              {(p) => (
                <select {...p} value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
                  {PRIORITIES.map((x) => (
                    <option key={x} value={x}>
                      {x}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div className="form-buttons">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary btn-sm" disabled={busy || !name.trim()}>
              {busy ? 'Saving…' : 'Save heartbeat'}
            </button>
          </div>
        </form>
      ) : null}
    </Panel>
  );
}

/**
 * Triage: errors from Sentry waiting for a decision, beside the team's "bug or incident?"
 * guidance. Each item gets one of four decisions: an incident (with a severity), a Jira bug,
 * "I'm fixing it", or noise (ignore / resolve). The outcome (incident or Jira key) is shown.
 */
import { useState } from 'react';
import { api, errorMessage } from '../api.ts';
import { triageApi, type TriageItem, type TriageState } from '../api-triage.ts';
import { Icon } from '../components/Icon.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatAge, formatDateTime } from '../format.ts';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

const STATES: Array<{ state: TriageState | 'all'; label: string }> = [
  { state: 'open', label: 'Waiting' },
  { state: 'decided', label: 'Decided' },
  { state: 'closed', label: 'Closed' },
  { state: 'all', label: 'All' },
];

const DECISION_LABEL: Record<string, string> = { incident: 'Incident', bug: 'Bug', fixing: 'Being fixed', noise: 'Noise' };

export function TriagePage() {
  useDocumentTitle('Triage');
  const canWrite = useSession().can('write');
  const [state, setState] = useState<TriageState | 'all'>('open');
  const queue = useResource(() => triageApi.triage.list({ state }), [state]);
  const severities = useResource(() => api.severities.list(), []);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const [outcomes, setOutcomes] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);

  const nameOf = (id: string | null): string => (id ? (users.data?.find((u) => u.id === id)?.name ?? id) : '');

  const decide = async (item: TriageItem, run: () => Promise<string>): Promise<void> => {
    setBusy(item.id);
    setErrors((e) => ({ ...e, [item.id]: '' }));
    try {
      const text = await run();
      setOutcomes((o) => ({ ...o, [item.id]: `#${item.number} ${item.title}: ${text}` }));
      await queue.reload();
    } catch (err) {
      setErrors((e) => ({ ...e, [item.id]: errorMessage(err) }));
    } finally {
      setBusy(null);
    }
  };

  const shown = queue.data?.data ?? [];
  // A decided item leaves the "Waiting" list, so its outcome is also shown above the queue.
  const gone = Object.entries(outcomes).filter(([id]) => !shown.some((i) => i.id === id));

  return (
    <>
      <PageHeader title="Triage" description="Errors from Sentry waiting for a decision: incident, bug, someone fixing it, or noise." />
      <nav className="tabs" aria-label="Triage state">
        {STATES.map((s) => (
          <button key={s.state} type="button" className={s.state === state ? 'tab active' : 'tab'} aria-current={s.state === state ? 'page' : undefined} onClick={() => setState(s.state)}>
            {s.label}
          </button>
        ))}
      </nav>
      <div className="form-grid" style={{ gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 1fr)', alignItems: 'start' }}>
        <Panel title="Queue">
          {gone.map(([id, text]) => (
            <div key={id} className="banner banner-success" role="status">
              <Icon name="check" />
              <div>{text}</div>
            </div>
          ))}
          <ErrorBanner error={queue.error} title="Could not load the triage queue." />
          {!queue.data && queue.loading ? <Loading label="Loading the triage queue…" /> : null}
          {queue.data && shown.length === 0 ? (
            <EmptyState icon="check" title={state === 'open' ? 'Nothing to triage' : 'No errors here'}>
              New errors from Sentry show up here for a decision.
            </EmptyState>
          ) : null}
          {shown.length > 0 ? (
            <ul className="plain-list" aria-label="Triage queue" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {shown.map((item) => (
                <TriageRow
                  key={item.id}
                  item={item}
                  canWrite={canWrite}
                  busy={busy === item.id}
                  severities={(severities.data ?? []).map((s) => s.key)}
                  outcome={outcomes[item.id]}
                  error={errors[item.id]}
                  nameOf={nameOf}
                  onIncident={(severity) =>
                    void decide(item, async () => {
                      const r = await triageApi.triage.incident(item.id, severity ? { severity } : {});
                      return `Declared ${r.incident.reference}.`;
                    })
                  }
                  onBug={() =>
                    void decide(item, async () => {
                      const r = await triageApi.triage.bug(item.id);
                      return `Filed ${r.ticket.key}${r.ticket.local ? ' in the backlog' : ''}.`;
                    })
                  }
                  onFixing={() =>
                    void decide(item, async () => {
                      await triageApi.triage.fixing(item.id);
                      return 'Assigned to you.';
                    })
                  }
                  onNoise={(action) =>
                    void decide(item, async () => {
                      await triageApi.triage.noise(item.id, action);
                      return action === 'ignore' ? 'Ignored as noise.' : 'Resolved as noise.';
                    })
                  }
                />
              ))}
            </ul>
          ) : null}
        </Panel>
        <Panel title="Bug or incident?">
          {queue.data?.guidance ? <p style={{ whiteSpace: 'pre-wrap' }}>{queue.data.guidance}</p> : <p className="muted">No guidance written yet.</p>}
          <p className="muted small">
            <Link to="/severities">Severity levels</Link>
          </p>
        </Panel>
      </div>
    </>
  );
}

function TriageRow({
  item,
  canWrite,
  busy,
  severities,
  outcome,
  error,
  nameOf,
  onIncident,
  onBug,
  onFixing,
  onNoise,
}: {
  item: TriageItem;
  canWrite: boolean;
  busy: boolean;
  severities: string[];
  outcome: string | undefined;
  error: string | undefined;
  nameOf: (id: string | null) => string;
  onIncident: (severity: string) => void;
  onBug: () => void;
  onFixing: () => void;
  onNoise: (action: 'ignore' | 'resolve') => void;
}) {
  const [severity, setSeverity] = useState('');
  const [noise, setNoise] = useState<'ignore' | 'resolve'>('ignore');
  return (
    <li className="panel" aria-label={`#${item.number} ${item.title}`} style={{ marginBottom: 12 }}>
      <div className="panel-header">
        <h3 className="panel-title">
          #{item.number} {item.webUrl ? <a href={item.webUrl} target="_blank" rel="noreferrer">{item.title}</a> : item.title}
        </h3>
        <div className="panel-actions">
          {item.regression ? <Badge tone="red">Regression</Badge> : null}
          <Badge tone={item.state === 'open' ? 'amber' : item.state === 'decided' ? 'blue' : 'neutral'}>
            {item.decision ? (DECISION_LABEL[item.decision] ?? item.decision) : item.state === 'open' ? 'Waiting' : item.state}
          </Badge>
        </div>
      </div>
      <p className="muted small">
        {item.culprit || 'unknown culprit'} · <Badge>{item.level}</Badge> {item.environment ? `· ${item.environment}` : ''}
      </p>
      <p className="small">
        {item.events} events · {item.usersAffected} users affected · last seen <span title={formatDateTime(item.lastSeen)}>{formatAge(item.lastSeen)}</span>
      </p>
      {item.incidentId || item.jiraKey || item.assigneeId ? (
        <p className="small">
          {item.incidentId ? <Link to={`/incidents/${item.incidentId}`}>Incident</Link> : null}
          {item.jiraKey ? (
            <>
              {' '}
              Jira {item.jiraUrl ? <a href={item.jiraUrl} target="_blank" rel="noreferrer">{item.jiraKey}</a> : item.jiraKey}
            </>
          ) : null}
          {item.assigneeId ? ` Fixing: ${nameOf(item.assigneeId)}` : null}
        </p>
      ) : null}
      {outcome ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>{outcome}</div>
        </div>
      ) : null}
      {error ? <ErrorBanner error={error} /> : null}
      {canWrite && item.state === 'open' ? (
        <div className="inline-form" role="toolbar" aria-label={`Decide #${item.number}`} style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
          <select aria-label={`Severity for #${item.number}`} value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">Default severity</option>
            {severities.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-danger btn-sm" disabled={busy} onClick={() => onIncident(severity)}>
            <Icon name="flame" size={14} /> Incident
          </button>
          <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={onBug}>
            Bug
          </button>
          <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={onFixing}>
            I’m fixing it
          </button>
          <select aria-label={`Noise action for #${item.number}`} value={noise} onChange={(e) => setNoise(e.target.value as 'ignore' | 'resolve')}>
            <option value="ignore">Ignore</option>
            <option value="resolve">Resolve</option>
          </select>
          <button type="button" className="btn btn-ghost btn-sm" disabled={busy} onClick={() => onNoise(noise)}>
            Noise
          </button>
        </div>
      ) : null}
    </li>
  );
}

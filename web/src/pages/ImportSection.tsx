/**
 * Import (admin): move from OpsGenie or PagerDuty. Enter the vendor's API key, see the plan (what will
 * be created, changed or left as it is, and what cannot be imported and why), apply it while the steps
 * show their progress, then read the verification: who is on call in Vigil and in the source, compared
 * at every hand-off and every 15 minutes. The same run as `vigil import … --verify`.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { importApi, type ImportInput, type ImportReport, type ImportRun, type ImportStep, type ImportVendor } from '../api-import.ts';
import { Field, fieldError } from '../components/Field.tsx';
import { Badge, ErrorBanner, Panel } from '../components/ui.tsx';
import { useDocumentTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';

const VENDORS: Record<ImportVendor, { name: string; key: string; keyHint: string; url: string }> = {
  opsgenie: { name: 'OpsGenie', key: 'API key', keyHint: 'An OpsGenie API key with read access to the configuration (Settings → API key management).', url: 'https://api.opsgenie.com' },
  pagerduty: { name: 'PagerDuty', key: 'REST API key', keyHint: 'A PagerDuty REST API key; read-only is enough (Integrations → API Access Keys).', url: 'https://api.pagerduty.com' },
};

const POLL_MS = 500;

const ACTION_LABEL: Record<string, string> = { create: 'Create', update: 'Change', unchanged: 'Unchanged', delete: 'Delete' };

function minutes(m: number): string {
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

const day = (iso: string): string => iso.replace('T', ' ').replace(/:00\.000Z$|\.000Z$/, '').replace(/ 00:00$/, '');

export function ImportSection() {
  useDocumentTitle('Import');
  const session = useSession();
  const isAdmin = session.user.role === 'admin' && session.can('admin');
  const [vendor, setVendor] = useState<ImportVendor>('opsgenie');
  const [apiKey, setApiKey] = useState('');
  const [apiUrl, setApiUrl] = useState('');
  const [weeks, setWeeks] = useState('4');
  const [clockChange, setClockChange] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [run, setRun] = useState<ImportRun | null>(null);
  /** The inputs the shown plan was made with: applying uses exactly these. */
  const [planned, setPlanned] = useState<ImportInput | null>(null);
  const [plan, setPlan] = useState<ImportRun | null>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  if (!isAdmin) return <p className="muted">Only admins import from OpsGenie or PagerDuty.</p>;

  const follow = (r: ImportRun): void => {
    setRun(r);
    if (r.state === 'running') {
      timer.current = window.setTimeout(async () => {
        try {
          follow(await importApi.get(r.id));
        } catch (err) {
          setError(err);
        }
      }, POLL_MS);
      return;
    }
    if (!r.apply && r.state === 'done') setPlan(r);
  };

  const start = async (input: ImportInput): Promise<void> => {
    setError(null);
    try {
      follow(await importApi.start(input));
    } catch (err) {
      setError(err);
    }
  };

  const submitPlan = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const input: ImportInput = { vendor, apiKey: apiKey.trim(), apply: false, ...(apiUrl.trim() ? { apiUrl: apiUrl.trim() } : {}) };
    setPlan(null);
    setPlanned(input);
    await start(input);
  };

  const changed = (): void => {
    setPlan(null);
    setPlanned(null);
  };

  const running = run?.state === 'running';
  const v = VENDORS[vendor];
  return (
    <div className="settings-stack">
      <Panel title="Import from OpsGenie or PagerDuty">
        <p className="panel-intro">
          Brings over users, their contact methods and notification rules, teams, schedules with their rotations and overrides, escalation policies and services with their
          integration keys (alerting tools change only their URL). Nothing changes until you apply the plan; importing again later updates what was imported and duplicates
          nothing.
        </p>
        <form onSubmit={submitPlan} noValidate aria-label="Import source">
          <div className="form-grid">
            <Field label="Import from">
              {(p) => (
                <select
                  {...p}
                  value={vendor}
                  onChange={(e) => {
                    setVendor(e.target.value as ImportVendor);
                    changed();
                  }}
                >
                  <option value="opsgenie">OpsGenie</option>
                  <option value="pagerduty">PagerDuty</option>
                </select>
              )}
            </Field>
            <Field label={`${v.name} ${v.key}`} hint={`${v.keyHint} Used for this import only; Vigil does not keep it.`} error={fieldError(error, 'apiKey')}>
              {(p) => (
                <input
                  {...p}
                  type="password"
                  value={apiKey}
                  autoComplete="off"
                  onChange={(e) => {
                    setApiKey(e.target.value);
                    changed();
                  }}
                />
              )}
            </Field>
            <Field label="API URL (optional)" hint={`EU accounts have their own, e.g. ${v.url.replace('api.', 'api.eu.')}.`} error={fieldError(error, 'apiUrl')}>
              {(p) => (
                <input
                  {...p}
                  value={apiUrl}
                  placeholder={v.url}
                  className="mono"
                  autoComplete="off"
                  onChange={(e) => {
                    setApiUrl(e.target.value);
                    changed();
                  }}
                />
              )}
            </Field>
            <Field label="Weeks to verify" hint="After applying, who is on call in Vigil and in the source is compared for this many weeks." error={fieldError(error, 'weeks')}>
              {(p) => <input {...p} type="number" min={1} max={52} value={weeks} onChange={(e) => setWeeks(e.target.value)} />}
            </Field>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={clockChange} onChange={(e) => setClockChange(e.target.checked)} /> Also verify across the next clock change (daylight saving time) of each
            schedule&apos;s time zone, even when it is further away
          </label>
          <ErrorBanner error={fieldError(error, 'apiKey', 'apiUrl', 'weeks') ? null : error} />
          <div className="btn-row">
            <button type="submit" className="btn btn-primary" disabled={running || !apiKey.trim()}>
              {running && !run?.apply ? 'Planning…' : 'Plan the import'}
            </button>
          </div>
        </form>
      </Panel>

      {plan?.report ? (
        <PlanPanel
          report={plan.report}
          applying={running && !!run?.apply}
          applied={!!run?.apply && run.state === 'done'}
          onApply={() => {
            if (!planned) return;
            const w = Number(weeks);
            void start({ ...planned, apply: true, verify: true, includeClockChange: clockChange, ...(Number.isInteger(w) ? { weeks: w } : {}) });
          }}
        />
      ) : null}

      {run && (running || run.state === 'failed' || run.apply) ? <RunProgress run={run} /> : null}

      {run?.apply && run.state === 'done' && run.report ? <AppliedPanel report={run.report} /> : null}
    </div>
  );
}

function StepRow({ step, current }: { step: ImportStep; current: boolean }) {
  const pct = step.total ? Math.min(100, Math.round((step.done / step.total) * 100)) : step.finished ? 100 : 0;
  return (
    <li className="import-step">
      <div className="import-step-label">
        {step.finished ? <Badge tone="green">Done</Badge> : current ? <Badge tone="blue">Running</Badge> : null} {step.label}
        {step.total !== null ? (
          <span className="muted small">
            {' '}
            {step.done} of {step.total}
          </span>
        ) : null}
      </div>
      {current && !step.finished ? (
        <div
          className="progress"
          role="progressbar"
          aria-label={step.label}
          aria-valuemin={0}
          aria-valuemax={step.total ?? undefined}
          aria-valuenow={step.total !== null ? step.done : undefined}
        >
          <span style={{ width: `${step.total ? pct : 100}%` }} />
        </div>
      ) : null}
    </li>
  );
}

function RunProgress({ run }: { run: ImportRun }) {
  const title = run.apply ? (run.state === 'running' ? 'Applying the import' : run.state === 'failed' ? 'The import stopped' : 'Import applied') : run.state === 'failed' ? 'The plan could not be made' : 'Planning the import';
  return (
    <Panel title={title}>
      <div aria-live="polite" aria-label="Import progress">
        <ol className="import-steps">
          {run.steps.map((s, i) => (
            <StepRow key={`${i}-${s.label}`} step={s} current={i === run.steps.length - 1 && run.state === 'running'} />
          ))}
        </ol>
        {run.notes.map((n) => (
          <p key={n} className="muted small">
            {n}
          </p>
        ))}
        {run.error ? (
          <div className="banner banner-error" role="alert">
            <div>{run.error.message}</div>
          </div>
        ) : null}
      </div>
    </Panel>
  );
}

function PlanPanel({ report, applying, applied, onApply }: { report: ImportReport; applying: boolean; applied: boolean; onApply: () => void }) {
  const s = report.result.summary;
  const [c, u, n] = [s.create ?? 0, s.update ?? 0, s.unchanged ?? 0];
  const items = report.result.plan.filter((p) => p.action !== 'unchanged');
  const skipped = report.unmapped.filter((x) => x.status === 'skipped' && x.kind !== 'contact-methods');
  const approximated = report.unmapped.filter((x) => x.status === 'approximated');
  const read = Object.entries(report.read)
    .map(([k, v]) => `${v} ${k.replace(/([A-Z])/g, ' $1').toLowerCase()}`)
    .join(', ');
  return (
    <Panel title="The plan">
      <p className="panel-intro">
        Read from {report.vendor} ({report.apiUrl}): {read}.
      </p>
      <p role="status" aria-label="Plan summary">
        <strong>
          {c} to create, {u} to change, {n} unchanged
        </strong>
        {skipped.length ? `, ${skipped.length} not imported` : ''}.
      </p>
      {items.length ? (
        <div className="table-wrap">
          <table className="table" aria-label="Planned changes">
            <thead>
              <tr>
                <th>Change</th>
                <th>What</th>
                <th>Name</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={`${p.section}/${p.key}`}>
                  <td>
                    <Badge tone={p.action === 'create' ? 'green' : p.action === 'delete' ? 'red' : 'amber'}>{ACTION_LABEL[p.action] ?? p.action}</Badge>
                  </td>
                  <td>{p.section}</td>
                  <td className="mono">{p.key}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">Everything is in Vigil already: nothing to create or change.</p>
      )}
      {skipped.length ? (
        <>
          <h3 className="subheading">Not imported ({skipped.length})</h3>
          <ul aria-label="Not imported">
            {skipped.map((x) => (
              <li key={`${x.kind}:${x.source}:${x.reason}`}>
                <strong>{x.source}</strong>: {x.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {approximated.length ? (
        <>
          <h3 className="subheading">Imported, but different in Vigil ({approximated.length})</h3>
          <ul aria-label="Different in Vigil">
            {approximated.map((x) => (
              <li key={`${x.kind}:${x.source}:${x.reason}`}>
                <strong>{x.source}</strong>: {x.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {report.todos.length ? (
        <>
          <h3 className="subheading">Per person ({report.todos.length})</h3>
          <p className="muted small">Contact methods and notification rules come over as they were and page at once; each person gets an email to confirm or change them.</p>
          <ul aria-label="Per person">
            {report.todos.map((t) => (
              <li key={t.email}>
                {t.name} &lt;{t.email}&gt;: {t.items.join('; ')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {applied ? null : (
        <div className="btn-row">
          <button type="button" className="btn btn-primary" disabled={applying} onClick={onApply}>
            {applying ? 'Applying…' : 'Apply the import'}
          </button>
        </div>
      )}
    </Panel>
  );
}

function AppliedPanel({ report }: { report: ImportReport }) {
  const s = report.result.summary;
  const v = report.verification;
  const checked = v ? v.schedules.reduce((a, x) => a + x.checked, 0) : 0;
  // The clock changes inside the window verified.
  const dst = v
    ? Object.entries(v.dstChanges)
        .filter(([, at]) => at >= v.from && at < v.to)
        .map(([zone, at]) => `${zone} ${day(at)}`)
        .join(', ')
    : '';
  const who = (list: string[]): string => (list.length ? list.join(', ') : 'nobody');
  return (
    <Panel title="Verification">
      <p role="status" aria-label="Applied">
        Applied: {s.create ?? 0} created, {s.update ?? 0} changed, {s.unchanged ?? 0} unchanged.
      </p>
      {!v ? null : v.ranges.length === 0 ? (
        <div className="banner banner-success" role="status" aria-label="Verification result">
          <div>
            Vigil and {v.vendor} agree on who is on call: {v.schedules.length} schedule(s) checked at {checked} instants, at every hand-off of either side and every{' '}
            {v.stepMinutes} minutes, from {day(v.from)} to {day(v.to)}
            {dst ? ` (clock changes: ${dst})` : ''}.
          </div>
        </div>
      ) : (
        <div className="banner banner-warning" role="alert" aria-label="Verification result">
          <div>
            Vigil and {v.vendor} disagree on who is on call in {v.ranges.length} time range(s), {minutes(v.ranges.reduce((a, r) => a + r.minutes, 0))} in all, from {day(v.from)} to{' '}
            {day(v.to)}.
          </div>
        </div>
      )}
      {v ? (
        <div className="table-wrap">
          <table className="table" aria-label="Schedules verified">
            <thead>
              <tr>
                <th>Schedule</th>
                <th>Instants checked</th>
                <th>Hand-offs</th>
                <th>Different</th>
              </tr>
            </thead>
            <tbody>
              {v.schedules.map((x) => (
                <tr key={x.slug}>
                  <td>{x.name}</td>
                  <td>{x.checked}</td>
                  <td>{x.handoffs}</td>
                  <td>{x.differentMinutes ? minutes(x.differentMinutes) : <Badge tone="green">Same</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {v && v.ranges.length ? (
        <div className="table-wrap">
          <table className="table" aria-label="Differences">
            <thead>
              <tr>
                <th>Schedule</th>
                <th>From</th>
                <th>To</th>
                <th>{v.vendor} says</th>
                <th>Vigil says</th>
              </tr>
            </thead>
            <tbody>
              {v.ranges.map((r) => (
                <tr key={`${r.schedule}:${r.from}`}>
                  <td>{r.name}</td>
                  <td>{day(r.from)}</td>
                  <td>{day(r.to)}</td>
                  <td>{who(r.source)}</td>
                  <td>{who(r.vigil)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}

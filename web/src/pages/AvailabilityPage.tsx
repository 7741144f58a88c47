/**
 * Sprint availability (`/availability`): for a team and a sprint window, who is on call for how many
 * hours (and so cannot be planned into sprint work), and, when Jira is on, the sprint issues
 * assigned to someone on call during that sprint. Without Jira the page says so and still shows
 * the hours. The window defaults to the team's active Jira sprint, else the next 14 days.
 */
import { useState, type FormEvent } from 'react';
import { api, call, type ResponseOf } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatDateTime } from '../format.ts';
import { useDocumentTitle, useResource } from '../hooks.ts';

export type SprintCheck = ResponseOf<'/availability/sprint', 'get'>;

const DAY = 86_400_000;
const hours = (h: number): string => (Number.isInteger(h) ? String(h) : h.toFixed(1));

export function AvailabilityPage() {
  useDocumentTitle('Sprint availability');
  const teams = useResource(() => api.teams.list(), []);
  const [team, setTeam] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [check, setCheck] = useState<SprintCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const chosen = team || teams.data?.[0]?.slug || '';

  const run = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    if (!chosen) return;
    if (Boolean(from) !== Boolean(to)) {
      setError('Choose both dates of the sprint window, or neither (the sprint from Jira, else the next 14 days).');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const span = from && to ? { from: new Date(`${from}T00:00`).toISOString(), to: new Date(new Date(`${to}T00:00`).getTime() + DAY).toISOString() } : {};
      setCheck(await call('get', '/availability/sprint', { query: { team: chosen, ...span } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const windowWord = check?.window === 'jira_sprint' ? 'the active Jira sprint' : check?.window === 'default' ? 'the next 14 days' : 'the chosen window';

  return (
    <>
      <PageHeader title="Sprint availability" description="Who is on call during a sprint, for how many hours, and which sprint work is assigned to them." />
      <ErrorBanner error={teams.error} title="Could not load the teams." />
      {teams.loading && !teams.data ? <Loading label="Loading teams…" /> : null}
      {teams.data && teams.data.length === 0 ? <EmptyState icon="users" title="No teams yet">Create a team with members and a schedule first.</EmptyState> : null}
      {teams.data && teams.data.length ? (
        <Panel title="Sprint window">
          <form onSubmit={(e) => void run(e)} aria-label="Sprint window">
            <ErrorBanner error={error} title="Could not check the sprint." />
            <div className="form-grid form-grid-3">
              <Field label="Team">
                {(p) => (
                  <select {...p} value={chosen} onChange={(e) => setTeam(e.target.value)}>
                    {teams.data!.map((t) => (
                      <option key={t.id} value={t.slug}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="From" hint="Empty: the Jira sprint, else today.">
                {(p) => <input {...p} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}
              </Field>
              <Field label="To" hint="Last day of the sprint.">
                {(p) => <input {...p} type="date" value={to} onChange={(e) => setTo(e.target.value)} />}
              </Field>
            </div>
            <div className="form-buttons">
              <button type="submit" className="btn btn-primary" disabled={busy || !chosen}>
                <Icon name="calendar" size={16} /> {busy ? 'Checking…' : 'Check availability'}
              </button>
            </div>
          </form>
        </Panel>
      ) : null}

      {check ? (
        <>
          <p className="sprint-window" role="status">
            {check.team.name}: {formatDateTime(check.from)} – {formatDateTime(check.to)} ({windowWord}).
          </p>
          {check.jira.enabled ? (
            <div className="banner banner-info" role="note">
              <Icon name="link" />
              <div>Jira is on: sprints {check.sprints.map((s) => `${s.name} (${s.state})`).join(', ') || 'none'} of boards {check.jira.boards.join(', ')}.</div>
            </div>
          ) : (
            <div className="banner banner-warning" role="note">
              <Icon name="warning" />
              <div>{check.jira.note ?? 'Jira is off.'}</div>
            </div>
          )}
          <Panel title="On-call hours">
            {check.engineers.length === 0 ? (
              <p className="muted">This team has no members.</p>
            ) : (
              <table className="table" aria-label="On-call hours">
                <thead>
                  <tr>
                    <th scope="col">Engineer</th>
                    <th scope="col">On-call hours</th>
                    <th scope="col">Sprint work</th>
                  </tr>
                </thead>
                <tbody>
                  {check.engineers.map((e) => (
                    <tr key={e.userId} aria-label={e.name}>
                      <td>
                        {e.name} <span className="muted small">{e.email}</span>
                      </td>
                      <td>{hours(e.onCallHours)} h</td>
                      <td>{e.allocatable ? <Badge tone="green">Available</Badge> : <Badge tone="amber">On call</Badge>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
          {check.jira.enabled ? (
            <Panel title={`Conflicts (${check.conflicts.length})`}>
              {check.conflicts.length === 0 ? (
                <p className="muted">No sprint work is assigned to someone on call during its sprint.</p>
              ) : (
                <table className="table" aria-label="Conflicts">
                  <thead>
                    <tr>
                      <th scope="col">Issue</th>
                      <th scope="col">Assignee</th>
                      <th scope="col">Sprint</th>
                      <th scope="col">On-call hours</th>
                    </tr>
                  </thead>
                  <tbody>
                    {check.conflicts.map((c) => (
                      <tr key={`${c.issue.key}-${c.sprint.name}`}>
                        <td>
                          <a href={c.issue.url} target="_blank" rel="noreferrer">
                            {c.issue.key}
                          </a>{' '}
                          {c.issue.summary}
                        </td>
                        <td>{c.user.name}</td>
                        <td>{c.sprint.name}</td>
                        <td>{hours(c.onCallHours)} h</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Panel>
          ) : null}
        </>
      ) : null}
    </>
  );
}

/**
 * The better-engineering backlog: local tasks and tasks read from Jira. Add a task, pick one,
 * mark it done, sync from Jira; the suggestion (what to pick up when nothing is open for you) is
 * shown at the top.
 */
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../api.ts';
import { BACKLOG_PRIORITIES, triageApi, type BacklogPriority, type BacklogStatus, type BacklogTask } from '../api-triage.ts';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel, type BadgeTone } from '../components/ui.tsx';
import { formatDateTime } from '../format.ts';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { useSession } from '../session.tsx';

const STATUS: Record<BacklogStatus, { label: string; tone: BadgeTone }> = {
  todo: { label: 'To do', tone: 'neutral' },
  in_progress: { label: 'In progress', tone: 'blue' },
  done: { label: 'Done', tone: 'green' },
};

const PRIORITY_TONE: Record<BacklogPriority, BadgeTone> = { highest: 'red', high: 'amber', medium: 'neutral', low: 'neutral', lowest: 'neutral' };

export function BacklogPage() {
  useDocumentTitle('Backlog');
  const session = useSession();
  const canWrite = session.can('write') && session.user.role !== 'stakeholder';
  const [showDone, setShowDone] = useState(false);
  const list = useResource(() => triageApi.backlog.list({ status: showDone ? 'all' : 'open' }), [showDone]);
  const suggestion = useResource(() => triageApi.backlog.suggestion(), []);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const nameOf = (id: string | null): string => {
    if (!id) return '';
    if (id === session.user.id) return `${session.user.name} (you)`;
    return users.data?.find((u) => u.id === id)?.name ?? id;
  };

  const run = async (key: string, fn: () => Promise<string>): Promise<void> => {
    setBusy(key);
    setError(null);
    setNotice(null);
    try {
      setNotice(await fn());
      await Promise.all([list.reload(), suggestion.reload()]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const pick = (t: BacklogTask) =>
    run(t.id, async () => {
      await triageApi.backlog.pick(t.id);
      return `Picked ${t.reference}; it is assigned to you and in progress.`;
    });
  const done = (t: BacklogTask) =>
    run(t.id, async () => {
      await triageApi.backlog.done(t.id);
      return `Marked ${t.reference} done.`;
    });
  const sync = () =>
    run('sync', async () => {
      const r = await triageApi.backlog.sync();
      return `Synced from Jira: ${r.total} tasks (${r.created} new, ${r.updated} updated, ${r.archived} archived).`;
    });

  const tasks = list.data?.data ?? [];
  const s = suggestion.data;

  return (
    <>
      <PageHeader
        title="Backlog"
        description="Better-engineering work that keeps incidents from happening again."
        actions={
          canWrite ? (
            <button type="button" className="btn btn-secondary" disabled={busy === 'sync'} onClick={() => void sync()}>
              <Icon name="swap" size={16} /> {busy === 'sync' ? 'Syncing…' : 'Sync now'}
            </button>
          ) : null
        }
      />
      {notice ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>{notice}</div>
          <button type="button" className="banner-dismiss" aria-label="Dismiss" onClick={() => setNotice(null)}>
            <Icon name="x" size={16} />
          </button>
        </div>
      ) : null}
      <ErrorBanner error={error} />

      <Panel title="Suggested for you">
        <ErrorBanner error={suggestion.error} title="Could not load the suggestion." />
        {!s && suggestion.loading ? <Loading /> : null}
        {s ? (
          s.busy ? (
            <p className="muted">You have something open right now ({s.reasons.join('; ')}); the backlog can wait.</p>
          ) : s.task ? (
            <p>
              Nothing is open for you. Next up: <strong>{s.task.reference}</strong> {s.task.title}{' '}
              <Badge tone={PRIORITY_TONE[s.task.priority]}>{s.task.priority}</Badge>
              {canWrite ? (
                <>
                  {' '}
                  <button type="button" className="btn btn-primary btn-sm" disabled={busy === s.task.id} onClick={() => s.task && void pick(s.task)}>
                    Pick it up
                  </button>
                </>
              ) : null}
            </p>
          ) : (
            <p className="muted">Nothing to suggest: the backlog is empty.</p>
          )
        ) : null}
        {s && s.inProgress.length ? <p className="small muted">In progress for you: {s.inProgress.map((t) => `${t.reference} ${t.title}`).join(', ')}</p> : null}
      </Panel>

      <Panel
        title="Tasks"
        actions={
          <label className="checkbox">
            <input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.target.checked)} />
            <span>Show done</span>
          </label>
        }
      >
        <ErrorBanner error={list.error} title="Could not load the backlog." />
        {!list.data && list.loading ? <Loading label="Loading the backlog…" /> : null}
        {list.data && tasks.length === 0 ? (
          <EmptyState icon="list" title="The backlog is empty">
            Add a task below, or sync from Jira.
          </EmptyState>
        ) : null}
        {tasks.length ? (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Source</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Status</th>
                  <th scope="col">Assignee</th>
                  {canWrite ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {tasks.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <strong>{t.title}</strong>
                      {t.description ? <div className="muted small">{t.description.slice(0, 200)}</div> : null}
                    </td>
                    <td>
                      {t.source === 'jira' ? (
                        t.jiraUrl ? (
                          <a href={t.jiraUrl} target="_blank" rel="noreferrer">
                            {t.jiraKey}
                          </a>
                        ) : (
                          t.jiraKey
                        )
                      ) : (
                        <span title="Local task">{t.reference} (local)</span>
                      )}
                    </td>
                    <td>
                      <Badge tone={PRIORITY_TONE[t.priority] ?? 'neutral'}>{t.priority}</Badge>
                    </td>
                    <td>
                      <Badge tone={STATUS[t.status]?.tone ?? 'neutral'}>{STATUS[t.status]?.label ?? t.status}</Badge>
                      {t.doneAt ? <div className="muted small">{formatDateTime(t.doneAt)}</div> : null}
                    </td>
                    <td>{nameOf(t.assigneeId) || t.jiraAssignee || <span className="muted">—</span>}</td>
                    {canWrite ? (
                      <td>
                        {t.status === 'todo' ? (
                          <button type="button" className="btn btn-secondary btn-sm" aria-label={`Pick ${t.title}`} disabled={busy === t.id} onClick={() => void pick(t)}>
                            Pick
                          </button>
                        ) : null}{' '}
                        {t.status !== 'done' ? (
                          <button type="button" className="btn btn-secondary btn-sm" aria-label={`Done ${t.title}`} disabled={busy === t.id} onClick={() => void done(t)}>
                            <Icon name="check" size={14} /> Done
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {list.data?.lastSync ? <p className="muted small">Last Jira sync {formatDateTime(list.data.lastSync.at)}.</p> : null}
      </Panel>

      {canWrite ? <AddTask onAdded={(t) => void run('add', async () => `Added ${t.reference}.`)} /> : null}
    </>
  );
}

function AddTask({ onAdded }: { onAdded: (t: BacklogTask) => void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<BacklogPriority>('medium');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!title.trim()) {
      setError('Give the task a title.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const t = await triageApi.backlog.create({ title: title.trim(), ...(description.trim() ? { description: description.trim() } : {}), priority });
      setTitle('');
      setDescription('');
      onAdded(t);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel title="Add a task">
      <form onSubmit={(e) => void submit(e)} aria-label="Add a task">
        <ErrorBanner error={error} />
        <Field label="Task title" required>
          {(p) => <input {...p} value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} placeholder="E.g. Alert on connection pool saturation" />}
        </Field>
        <Field label="Description">{(p) => <textarea {...p} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <Field label="Priority">
          {(p) => (
            <select {...p} value={priority} onChange={(e) => setPriority(e.target.value as BacklogPriority)}>
              {BACKLOG_PRIORITIES.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-buttons">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            <Icon name="plus" size={16} /> {busy ? 'Adding…' : 'Add task'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

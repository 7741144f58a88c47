/**
 * One post-mortem (`/postmortems/:id`): the sections as Markdown editors with a preview, saved
 * together with "Save changes" (Ctrl/⌘+S); the status flow draft → in review → published with the
 * server's reason when a step is refused; action items (owner, due date, Jira ticket, done);
 * details (title, owner, due date, tags); comments; the edit history; Markdown and print exports.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, SECTION_KEYS, type ActionItem, type PostmortemDetail, type PostmortemStatus, type Sections, type User } from '../api.ts';
import { EventTimeline } from '../components/AlertBits.tsx';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { SeverityBadge } from '../components/IncidentBits.tsx';
import { MARKDOWN_HINT, MarkdownEditor } from '../components/MarkdownEditor.tsx';
import { PM_STATUS_LABEL, postmortemEventDescriber, PostmortemStatusBadge, SECTION_PROMPTS, SECTION_TITLES } from '../components/PostmortemBits.tsx';
import { Avatar, Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatDate, formatDateTime, formatRelative } from '../format.ts';
import { useDocumentTitle, useInterval, useNow, useResource } from '../hooks.ts';
import { Markdown } from '../markdown.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { fromZonedInput, viewerZone, zonedDate } from '../time.ts';

const STEPS: PostmortemStatus[] = ['draft', 'in_review', 'published'];

/** A due date ('YYYY-MM-DD') as 17:00 that day in the viewer's zone. */
const dueFromDate = (date: string): number | null => (date ? fromZonedInput(`${date}T17:00`, viewerZone()) : null);

export function PostmortemDetailPage({ id }: { id: string }) {
  const session = useSession();
  const canEdit = session.can('write');
  const detail = useResource(() => api.postmortems.get(id), [id]);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const incidentId = detail.data?.postmortem.incidentId;
  const incident = useResource(async () => (incidentId ? (await api.incidents.get(incidentId)).incident : undefined), [incidentId]);
  const now = useNow();
  const [draft, setDraft] = useState<Partial<Sections>>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [statusBusy, setStatusBusy] = useState(false);
  const [statusError, setStatusError] = useState<unknown>(null);

  const pm = detail.data?.postmortem;
  useDocumentTitle(pm ? pm.title : 'Post-mortem');

  const dirtyKeys = pm ? SECTION_KEYS.filter((k) => draft[k] !== undefined && draft[k] !== pm.sections[k]) : [];
  const dirty = dirtyKeys.length > 0;

  // Follow Jira tickets and others' comments; local edits are kept apart, so nothing is lost.
  useInterval(() => void detail.reload(), 15_000);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent): void => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const save = async (): Promise<boolean> => {
    if (!pm || !dirty) return true;
    setSaving(true);
    setSaveError(null);
    const sections: Partial<Sections> = {};
    for (const k of dirtyKeys) sections[k] = draft[k]!;
    try {
      await api.postmortems.update(pm.id, { sections });
      await detail.reload();
      setDraft({});
      setSavedAt(Date.now());
      return true;
    } catch (err) {
      setSaveError(err);
      return false;
    } finally {
      setSaving(false);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const setStatus = async (status: PostmortemStatus): Promise<void> => {
    if (!pm) return;
    setStatusBusy(true);
    setStatusError(null);
    try {
      if (!(await save())) return;
      await api.postmortems.setStatus(pm.id, status);
      await detail.reload();
    } catch (err) {
      setStatusError(err);
    } finally {
      setStatusBusy(false);
    }
  };

  const nameOf = (uid: string | null | undefined): string => {
    if (!uid) return 'Vigil';
    const u = users.data?.find((x) => x.id === uid);
    const name = u?.name ?? uid;
    return uid === session.user.id ? `${name} (you)` : name;
  };

  const itemTitles = useMemo(() => new Map((detail.data?.actionItems ?? []).map((a) => [a.id, a.title])), [detail.data]);
  const describe = useMemo(() => postmortemEventDescriber((itemId) => itemTitles.get(itemId) ?? ''), [itemTitles]);

  if (!detail.data || !pm) {
    return (
      <>
        <BackLink />
        <Panel>
          {detail.loading ? (
            <Loading label="Loading post-mortem…" />
          ) : detail.error instanceof ApiError && detail.error.status === 404 ? (
            <EmptyState icon="book" title="Post-mortem not found" action={<Link to="/postmortems">Back to post-mortems</Link>}>
              There is no post-mortem “{id}”, or its incident is private.
            </EmptyState>
          ) : (
            <ErrorBanner error={detail.error} title="Could not load the post-mortem." />
          )}
        </Panel>
      </>
    );
  }

  const d: PostmortemDetail = detail.data;
  const published = pm.status === 'published';
  const editable = canEdit && !published;
  const overdue = !published && pm.dueAt !== null && pm.dueAt < now;
  const stepIndex = STEPS.indexOf(pm.status);

  return (
    <>
      <BackLink />
      <PageHeader
        title={pm.title}
        description={
          <span className="alert-header-meta">
            <SeverityBadge severity={pm.severity} />
            <PostmortemStatusBadge status={pm.status} />
            {incident.data ? (
              <span>
                for <Link to={`/incidents/${incident.data.reference}`}>{incident.data.reference}</Link>
              </span>
            ) : null}
            <span className="muted">· owner {pm.ownerId ? nameOf(pm.ownerId) : 'nobody'}</span>
            {pm.dueAt && !published ? <span className={overdue ? 'text-warning' : 'muted'}>· due {formatDate(pm.dueAt)}</span> : null}
            {pm.publishedAt ? <span className="muted">· published {formatDate(pm.publishedAt)}</span> : null}
          </span>
        }
        actions={
          <>
            <a className="btn btn-secondary" href={api.postmortems.exportUrl(pm.id, 'md')} download={`postmortem-${pm.id}.md`}>
              <Icon name="download" size={16} /> Export Markdown
            </a>
            <a className="btn btn-secondary" href={api.postmortems.exportUrl(pm.id, 'html')} target="_blank" rel="noopener">
              <Icon name="printer" size={16} /> Printable HTML
            </a>
          </>
        }
      />

      <div className="action-bar pm-bar" role="toolbar" aria-label="Post-mortem actions">
        <ol className="pm-steps" aria-label="Status">
          {STEPS.map((s, n) => (
            <li key={s} className={n < stepIndex ? 'is-done' : n === stepIndex ? 'is-current' : undefined} aria-current={n === stepIndex ? 'step' : undefined}>
              <span className="pm-step-dot">{n < stepIndex ? <Icon name="check" size={12} /> : n + 1}</span>
              {PM_STATUS_LABEL[s]}
            </li>
          ))}
        </ol>
        <div className="pm-bar-actions">
          {editable ? (
            <>
              <span className="muted small save-state" role="status">
                {saving
                  ? 'Saving…'
                  : dirty
                    ? `Unsaved changes (${dirtyKeys.map((k) => SECTION_TITLES[k]).join(', ')})`
                    : savedAt
                      ? `Saved ${formatRelative(savedAt, Math.max(now, savedAt))}`
                      : ''}
              </span>
              <button type="button" className={dirty ? 'btn btn-primary' : 'btn btn-secondary'} disabled={saving || !dirty} onClick={() => void save()}>
                <Icon name="check" size={16} /> Save changes
              </button>
            </>
          ) : null}
          {canEdit && pm.status === 'draft' ? (
            <button type="button" className="btn btn-secondary" disabled={statusBusy} onClick={() => void setStatus('in_review')}>
              <Icon name="send" size={16} /> Send for review
            </button>
          ) : null}
          {canEdit && pm.status === 'in_review' ? (
            <>
              <button type="button" className="btn btn-ghost" disabled={statusBusy} onClick={() => void setStatus('draft')}>
                Back to draft
              </button>
              <button type="button" className="btn btn-primary" disabled={statusBusy} onClick={() => void setStatus('published')}>
                <Icon name="check" size={16} /> Publish
              </button>
            </>
          ) : null}
          {canEdit && published ? (
            <button type="button" className="btn btn-secondary" disabled={statusBusy} onClick={() => void setStatus('in_review')}>
              <Icon name="edit" size={16} /> Reopen for review
            </button>
          ) : null}
        </div>
      </div>

      <ErrorBanner error={statusError} title="Could not change the status." />
      <ErrorBanner error={saveError} title="Could not save." />
      <ErrorBanner error={detail.error} title="Could not refresh." />
      {published ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>
            Published {pm.publishedAt ? formatDateTime(pm.publishedAt) : ''}. {canEdit ? 'Reopen it for review to edit.' : ''}
          </div>
        </div>
      ) : null}

      <div className="alert-grid pm-grid">
        <div className="alert-main">
          <Panel title="Write-up">
            <p className="panel-intro">Blameless: describe what systems and decisions did, not who is at fault. {editable ? MARKDOWN_HINT : null}</p>
            <div className="pm-sections">
              {SECTION_KEYS.map((k) => (
                <MarkdownEditor
                  key={k}
                  label={SECTION_TITLES[k]}
                  value={draft[k] ?? pm.sections[k]}
                  onChange={(v) => setDraft((cur) => ({ ...cur, [k]: v }))}
                  rows={k === 'timeline' ? 10 : k === 'summary' || k === 'rootCause' ? 5 : 4}
                  hint={SECTION_PROMPTS[k]}
                  readOnly={!editable}
                  actions={draft[k] !== undefined && draft[k] !== pm.sections[k] ? <Badge tone="amber">Unsaved</Badge> : null}
                />
              ))}
            </div>
          </Panel>
          <ActionItemsPanel
            detail={d}
            users={users.data ?? []}
            meId={session.user.id}
            canEdit={canEdit}
            nameOf={nameOf}
            now={now}
            onChanged={() => detail.reload()}
          />
        </div>
        <div className="alert-side">
          <DetailsPanel key={`${pm.updatedAt}`} detail={d} users={users.data ?? []} editable={editable} onSaved={() => detail.reload()} />
          <CommentsPanel detail={d} nameOf={nameOf} onAdded={() => detail.reload()} />
          <Panel title="Edit history" titleAs="h2">
            {d.revisions.length === 0 ? <p className="muted small empty-line">No edits yet.</p> : null}
            <ol className="revision-list" aria-label="Edit history">
              {[...d.revisions]
                .sort((a, b) => b.at - a.at)
                .map((r, n, all) => (
                  <li key={r.id}>
                    <Avatar name={nameOf(r.authorId).replace(/ \(you\)$/, '')} size={22} />
                    <span className="grow">
                      <span className="strong">{r.authorId ? nameOf(r.authorId) : 'Vigil'}</span>{' '}
                      {n === all.length - 1 ? 'created the draft' : 'edited the sections'}
                    </span>
                    <time className="muted small" dateTime={new Date(r.at).toISOString()} title={formatDateTime(r.at)}>
                      {formatRelative(r.at, Math.max(now, r.at))}
                    </time>
                  </li>
                ))}
            </ol>
          </Panel>
          <Panel title="Activity" titleAs="h2">
            <EventTimeline events={d.timeline} nameOf={nameOf} label="Post-mortem activity" describe={describe} initial={20} />
          </Panel>
        </div>
      </div>
    </>
  );
}

function BackLink() {
  return (
    <Link to="/postmortems" className="back-link">
      <Icon name="chevronLeft" size={16} /> Post-mortems
    </Link>
  );
}

function DetailsPanel({ detail: d, users, editable, onSaved }: { detail: PostmortemDetail; users: User[]; editable: boolean; onSaved: () => Promise<void> }) {
  const pm = d.postmortem;
  const zone = viewerZone();
  const [title, setTitle] = useState(pm.title);
  const [ownerId, setOwnerId] = useState(pm.ownerId ?? '');
  const [due, setDue] = useState(pm.dueAt ? zonedDate(pm.dueAt, zone) : '');
  const [tags, setTags] = useState(pm.tags.join(', '));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const tagList = tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const changed =
    title.trim() !== pm.title ||
    ownerId !== (pm.ownerId ?? '') ||
    due !== (pm.dueAt ? zonedDate(pm.dueAt, zone) : '') ||
    tagList.join(',') !== pm.tags.join(',');

  if (!editable) {
    return (
      <Panel title="Details" titleAs="h2">
        <dl className="facts facts-tight">
          <dt>Owner</dt>
          <dd>{users.find((u) => u.id === pm.ownerId)?.name ?? '—'}</dd>
          <dt>Due</dt>
          <dd>{formatDate(pm.dueAt)}</dd>
          <dt>Tags</dt>
          <dd>
            {pm.tags.length ? (
              pm.tags.map((t) => (
                <span key={t} className="tag tag-space">
                  {t}
                </span>
              ))
            ) : (
              <span className="muted">None</span>
            )}
          </dd>
        </dl>
      </Panel>
    );
  }

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.postmortems.update(pm.id, {
        ...(title.trim() !== pm.title ? { title: title.trim() } : {}),
        ...(ownerId && ownerId !== pm.ownerId ? { ownerId } : {}),
        ...(due !== (pm.dueAt ? zonedDate(pm.dueAt, zone) : '') ? { dueAt: dueFromDate(due) } : {}),
        tags: tagList,
      });
      await onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Panel title="Details" titleAs="h2">
      <form onSubmit={submit} className="pm-details">
        <ErrorBanner error={error} />
        <Field label="Title">{(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} />}</Field>
        <Field label="Owner" hint="Writes it and gets the reminders.">
          {(p) => (
            <select {...p} value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
              {!pm.ownerId ? <option value="">Nobody</option> : null}
              {[...users]
                .filter((u) => u.active && u.role !== 'stakeholder')
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <Field label="Due date">{(p) => <input {...p} type="date" value={due} onChange={(e) => setDue(e.target.value)} />}</Field>
        <Field label="Tags" hint="Comma-separated, e.g. database, deploy.">
          {(p) => <input {...p} value={tags} onChange={(e) => setTags(e.target.value)} />}
        </Field>
        <div className="form-buttons">
          <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !changed}>
            {busy ? 'Saving…' : 'Save details'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function ActionItemsPanel({
  detail: d,
  users,
  meId,
  canEdit,
  nameOf,
  now,
  onChanged,
}: {
  detail: PostmortemDetail;
  users: User[];
  meId: string;
  canEdit: boolean;
  nameOf: (id: string | null | undefined) => string;
  now: number;
  onChanged: () => Promise<void>;
}) {
  const pm = d.postmortem;
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState(meId);
  const [due, setDue] = useState('');
  const [ticket, setTicket] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  /** Done/open as just clicked, until the server's answer is loaded. */
  const [toggled, setToggled] = useState<Record<string, 'open' | 'done'>>({});
  /** Items whose ticket was asked for here; the job files it moments later. */
  const [pending, setPending] = useState<Set<string>>(new Set());

  const failures = new Map<string, string>();
  for (const e of d.timeline)
    if (e.type === 'action_item.ticket_failed' && typeof e.data.actionItemId === 'string')
      failures.set(e.data.actionItemId, typeof e.data.error === 'string' ? e.data.error : 'failed');
  const requested = new Set([
    ...pending,
    ...d.timeline.filter((e) => e.type === 'action_item.updated' && e.data.createTicket).map((e) => String(e.data.actionItemId)),
  ]);

  // While a ticket is being filed, look again every few seconds.
  const waiting = d.actionItems.some((a) => requested.has(a.id) && !a.jiraKey && !failures.has(a.id));
  useInterval(() => {
    if (waiting) void onChanged();
  }, 2_000);

  const act = async (label: string, fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(label);
    setError(null);
    try {
      await fn();
      await onChanged();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!title.trim()) {
      setError('Say what needs doing.');
      return;
    }
    if (!ownerId) {
      setError('An action item needs an owner.');
      return;
    }
    const dueAt = dueFromDate(due);
    const ok = await act('add', async () => {
      const item = await api.postmortems.addActionItem(pm.id, {
        title: title.trim(),
        ownerId,
        ...(dueAt ? { dueAt } : {}),
        ...(ticket ? { createTicket: true } : {}),
      });
      if (ticket) setPending((cur) => new Set([...cur, item.id]));
    });
    if (ok) {
      setTitle('');
      setDue('');
      setTicket(false);
    }
  };

  const items = [...d.actionItems].sort((a, b) => a.createdAt - b.createdAt);
  const open = items.filter((a) => a.status === 'open').length;

  return (
    <Panel
      title="Action items"
      actions={
        items.length ? (
          <span className="muted small">
            {open} open of {items.length}
          </span>
        ) : null
      }
    >
      <ErrorBanner error={error} />
      {items.length === 0 ? (
        <p className="muted small empty-line">No action items yet. Publishing needs at least one: what will keep this from happening again?</p>
      ) : null}
      {items.length ? (
        <ul className="action-items" aria-label="Action items">
          {items.map((a: ActionItem) => {
            const late = a.status === 'open' && a.dueAt !== null && a.dueAt < now;
            return (
              <li key={a.id} className={(toggled[a.id] ?? a.status) === 'done' ? 'is-done' : undefined}>
                <input
                  type="checkbox"
                  checked={(toggled[a.id] ?? a.status) === 'done'}
                  disabled={!canEdit || !!busy}
                  aria-label={`Done: ${a.title}`}
                  onChange={async (e) => {
                    const status = e.target.checked ? 'done' : 'open';
                    setToggled((cur) => ({ ...cur, [a.id]: status }));
                    await act(a.id, () => api.postmortems.updateActionItem(a.id, { status }));
                    setToggled(({ [a.id]: _, ...rest }) => rest);
                  }}
                />
                <div className="grow">
                  <div className="action-item-title">{a.title}</div>
                  <div className="muted small">
                    {nameOf(a.ownerId)}
                    {a.dueAt ? (
                      <span className={late ? 'text-warning' : undefined}>
                        {' '}
                        · due {formatDate(a.dueAt)}
                        {late ? ' (overdue)' : ''}
                      </span>
                    ) : null}
                  </div>
                </div>
                <div className="action-item-jira">
                  {a.jiraKey ? (
                    <span className="badge-row">
                      {a.jiraUrl ? (
                        <a href={a.jiraUrl} target="_blank" rel="noopener noreferrer" className="mono">
                          {a.jiraKey}
                        </a>
                      ) : (
                        <span className="mono">{a.jiraKey}</span>
                      )}
                      {a.jiraStatus ? <Badge tone={/done/i.test(a.jiraStatus) ? 'green' : 'blue'}>{a.jiraStatus}</Badge> : null}
                    </span>
                  ) : failures.has(a.id) ? (
                    <span className="small text-warning" title={failures.get(a.id)}>
                      <Icon name="warning" size={14} /> No ticket: {failures.get(a.id)}
                    </span>
                  ) : requested.has(a.id) ? (
                    <span className="muted small">Creating Jira ticket…</span>
                  ) : canEdit ? (
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm"
                      disabled={!!busy}
                      onClick={() => {
                        setPending((cur) => new Set([...cur, a.id]));
                        void act(a.id, () => api.postmortems.updateActionItem(a.id, { createTicket: true }));
                      }}
                    >
                      Create Jira ticket
                    </button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      {canEdit ? (
        <form className="action-item-form" onSubmit={add} aria-label="Add an action item">
          <h3 className="subheading">Add an action item</h3>
          <Field label="What needs doing">
            {(p) => (
              <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={300} placeholder="E.g. Alert on connection pool saturation" />
            )}
          </Field>
          <div className="form-grid form-grid-3">
            <Field label="Owner">
              {(p) => (
                <select {...p} value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
                  <option value="">Choose…</option>
                  {[...users]
                    .filter((u) => u.active && u.role !== 'stakeholder')
                    .sort((a, b) => a.name.localeCompare(b.name))
                    .map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                        {u.id === meId ? ' (you)' : ''}
                      </option>
                    ))}
                </select>
              )}
            </Field>
            <Field label="Due date">{(p) => <input {...p} type="date" value={due} onChange={(e) => setDue(e.target.value)} />}</Field>
            <div className="field action-item-ticket">
              <label className="checkbox">
                <input type="checkbox" checked={ticket} onChange={(e) => setTicket(e.target.checked)} />
                <span>Create a Jira ticket</span>
              </label>
            </div>
          </div>
          <div className="form-buttons">
            <button type="submit" className="btn btn-secondary" disabled={busy === 'add'}>
              <Icon name="plus" size={16} /> {busy === 'add' ? 'Adding…' : 'Add action item'}
            </button>
          </div>
        </form>
      ) : null}
    </Panel>
  );
}

function CommentsPanel({
  detail: d,
  nameOf,
  onAdded,
}: {
  detail: PostmortemDetail;
  nameOf: (id: string | null | undefined) => string;
  onAdded: () => Promise<void>;
}) {
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const comments = [...d.comments].sort((a, b) => a.at - b.at);
  return (
    <Panel title="Comments" titleAs="h2">
      {comments.length === 0 ? <p className="muted small empty-line">No comments yet. Reviewers: ask questions here.</p> : null}
      {comments.length ? (
        <ol className="comments" aria-label="Comments">
          {comments.map((c) => (
            <li key={c.id}>
              <div className="comment-head">
                <Avatar name={nameOf(c.authorId).replace(/ \(you\)$/, '')} size={22} />
                <span className="strong">{nameOf(c.authorId)}</span>
                <time className="muted small" dateTime={new Date(c.at).toISOString()} title={formatDateTime(c.at)}>
                  {formatRelative(c.at)}
                </time>
              </div>
              <Markdown text={c.body} className="comment-body" />
            </li>
          ))}
        </ol>
      ) : null}
      <form
        className="comment-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!body.trim()) return;
          setBusy(true);
          setError(null);
          try {
            await api.postmortems.comment(d.postmortem.id, body.trim());
            setBody('');
            await onAdded();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <ErrorBanner error={error} />
        <label className="visually-hidden" htmlFor="pm-comment">
          Comment
        </label>
        <textarea id="pm-comment" rows={3} value={body} onChange={(e) => setBody(e.target.value)} placeholder="Add a comment (Markdown)…" maxLength={10000} />
        <div className="form-buttons">
          <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !body.trim()}>
            {busy ? 'Posting…' : 'Comment'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

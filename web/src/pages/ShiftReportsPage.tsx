/**
 * Shift reports. `/reports`: your current draft up front (notes, hand-over checklist, the sections
 * the shift filled in so far, Send), the previous report beside it, and past reports to browse by
 * person, team, date and text. `/reports/:id`: one report (yours and a draft: editable).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type HandoverItem, type ReportContent, type ReportDetail, type ReportQuery, type ShiftReport } from '../api.ts';
import { Icon } from '../components/Icon.tsx';
import { IncidentStatusBadge, SeverityBadge } from '../components/IncidentBits.tsx';
import { MARKDOWN_HINT, MarkdownEditor } from '../components/MarkdownEditor.tsx';
import { Modal, ModalActions } from '../components/Modal.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { formatDateTime, formatRelative, plural } from '../format.ts';
import { useDocumentTitle, useInterval, useResource } from '../hooks.ts';
import { Markdown } from '../markdown.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { formatRangeIn, startOfDateIn, viewerZone } from '../time.ts';

const REPORT_POLL_MS = 30_000;

export function ShiftReportsPage({ id }: { id?: string }) {
  useDocumentTitle('Shift reports');
  if (id) {
    return (
      <>
        <Link to="/reports" className="back-link">
          <Icon name="chevronLeft" size={16} /> Shift reports
        </Link>
        <ReportView id={id} />
      </>
    );
  }
  return <ReportsHome />;
}

function ReportsHome() {
  const drafts = useResource(() => api.reports.list({ user: 'me', status: 'draft' }), []);
  const newest = [...(drafts.data ?? [])].sort((a, b) => b.shiftStart - a.shiftStart)[0];
  // Once shown, the report stays in place after it is sent (with its confirmation).
  const [pinned, setPinned] = useState<string | null>(null);
  useEffect(() => {
    if (newest && !pinned) setPinned(newest.id);
  }, [newest, pinned]);
  const current = pinned ?? newest?.id;
  const [browseKey, setBrowseKey] = useState(0);
  return (
    <>
      <PageHeader
        title="Shift reports"
        description="What each on-call shift saw and handed over. Your draft fills itself as the shift goes; send it before the hand-off."
      />
      {drafts.loading && !drafts.data ? <Loading label="Looking for your draft…" /> : null}
      <ErrorBanner error={drafts.error} title="Could not load your draft." />
      {drafts.data && !current ? (
        <Panel title="Your current report">
          <EmptyState icon="clipboard" title="No draft right now">
            A draft is created for you when an on-call shift of yours starts. Sent reports are below.
          </EmptyState>
        </Panel>
      ) : null}
      {current ? (
        <section className="current-report" aria-label="Your current report">
          <ReportView id={current} heading="Your current report" onSent={() => setBrowseKey((k) => k + 1)} />
        </section>
      ) : null}
      <BrowseReports key={browseKey} />
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// One report

function ReportView({ id, heading, onSent }: { id: string; heading?: string; onSent?: () => void }) {
  const session = useSession();
  const detail = useResource(() => api.reports.get(id), [id]);
  const schedules = useResource(() => api.schedules.list(), []);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const [notes, setNotes] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [sentNotice, setSentNotice] = useState(false);
  useInterval(() => {
    if (detail.data?.report.status === 'draft') void detail.reload();
  }, REPORT_POLL_MS);

  const r = detail.data?.report;
  const mine = r?.userId === session.user.id;
  const editable = !!r && mine && r.status === 'draft';
  const notesDirty = notes !== undefined && r !== undefined && notes !== r.notes;

  useEffect(() => {
    if (!notesDirty) return;
    const warn = (e: BeforeUnloadEvent): void => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [notesDirty]);

  if (!detail.data || !r) {
    return (
      <Panel>
        {detail.loading ? (
          <Loading label="Loading report…" />
        ) : detail.error instanceof ApiError && detail.error.status === 404 ? (
          <EmptyState icon="clipboard" title="Report not found" action={<Link to="/reports">All shift reports</Link>}>
            There is no shift report “{id}”.
          </EmptyState>
        ) : (
          <ErrorBanner error={detail.error} title="Could not load the report." />
        )}
      </Panel>
    );
  }

  const d: ReportDetail = detail.data;
  const c = d.content;
  const scheduleName = schedules.data?.find((s) => s.id === r.scheduleId)?.name ?? 'a schedule';
  const nameOf = (uid: string): string => {
    const name = users.data?.find((u) => u.id === uid)?.name ?? uid;
    return uid === session.user.id ? `${name} (you)` : name;
  };
  const zone = viewerZone();

  const patch = async (label: string, change: { notes?: string; handover?: HandoverItem[] }): Promise<boolean> => {
    setBusy(label);
    setError(null);
    try {
      const next = await api.reports.update(r.id, change);
      detail.setData((cur) => ({ ...(cur ?? d), report: next, content: { ...(cur ?? d).content, notes: next.notes, handover: next.handover } }));
      if (change.notes !== undefined) setNotes(undefined);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const send = async (): Promise<void> => {
    setBusy('send');
    setError(null);
    try {
      if (notesDirty) await api.reports.update(r.id, { notes: notes! });
      await api.reports.send(r.id);
      setNotes(undefined);
      setConfirming(false);
      setSentNotice(true);
      await detail.reload();
      onSent?.();
    } catch (err) {
      setError(err);
      setConfirming(false);
    } finally {
      setBusy(null);
    }
  };

  const handover = r.status === 'draft' ? r.handover : c.handover;

  return (
    <>
      <div className="report-head panel">
        <div className="grow">
          {heading ? <div className="subheading report-kicker">{heading}</div> : null}
          <h2 className="report-title">
            {scheduleName} — {nameOf(r.userId)}
          </h2>
          <div className="alert-header-meta">
            {r.status === 'sent' ? <Badge tone="green">Sent</Badge> : <Badge tone="amber">Draft</Badge>}
            <span className="muted">
              Shift {formatRangeIn(r.shiftStart, r.shiftEnd ?? c.to, zone)}
              {r.status === 'draft' && !r.shiftEnd ? ' (ongoing)' : ''}
            </span>
            {r.sentAt ? <span className="muted">· sent {formatDateTime(r.sentAt)}</span> : null}
          </div>
        </div>
        {editable ? (
          <div className="report-actions">
            {notesDirty ? <span className="muted small">Unsaved notes</span> : null}
            <button type="button" className="btn btn-primary" disabled={!!busy} onClick={() => setConfirming(true)}>
              <Icon name="send" size={16} /> Send report
            </button>
          </div>
        ) : null}
      </div>
      <ErrorBanner error={error} />
      {sentNotice ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>Report sent to your team and the hand-off channel.</div>
        </div>
      ) : null}
      {r.status === 'draft' && !mine ? (
        <div className="banner banner-info" role="note">
          <Icon name="clipboard" />
          <div>This is {nameOf(r.userId)}’s draft; only they can edit and send it.</div>
        </div>
      ) : null}

      <div className={d.previous ? 'report-grid' : 'report-grid is-single'}>
        <div className="report-main">
          <Panel title={editable ? undefined : 'Notes'} titleAs="h3">
            {editable ? (
              <>
                <MarkdownEditor label="Notes for the team and the next on-call" value={notes ?? r.notes} onChange={setNotes} rows={9} hint={MARKDOWN_HINT} />
                <div className="form-buttons">
                  <button
                    type="button"
                    className={notesDirty ? 'btn btn-primary btn-sm' : 'btn btn-secondary btn-sm'}
                    disabled={!notesDirty || !!busy}
                    onClick={() => void patch('notes', { notes: notes! })}
                  >
                    {busy === 'notes' ? 'Saving…' : 'Save notes'}
                  </button>
                </div>
              </>
            ) : (
              <Markdown text={(r.status === 'sent' ? c.notes : r.notes) || ''} empty={<p className="muted small">No notes.</p>} />
            )}
          </Panel>
          <HandoverPanel items={handover} editable={editable} busy={!!busy} onChange={(next) => patch('handover', { handover: next })} />
          <ContentPanels content={c} live={r.status === 'draft'} />
        </div>
        {d.previous ? (
          <aside className="report-side" aria-label="Previous report">
            <PreviousReport previous={d.previous} nameOf={nameOf} />
          </aside>
        ) : null}
      </div>

      {confirming ? (
        <Modal title="Send your shift report?" onClose={() => setConfirming(false)} size="sm">
          <p>It is emailed to your team and posted in the schedule’s hand-off channel. After sending, the report can no longer change.</p>
          {handover.some((h) => !h.done) ? (
            <p className="small">{plural(handover.filter((h) => !h.done).length, 'hand-over item')} still open will be handed over.</p>
          ) : null}
          <ModalActions>
            <button type="button" className="btn btn-secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={busy === 'send'} onClick={() => void send()}>
              {busy === 'send' ? 'Sending…' : 'Send now'}
            </button>
          </ModalActions>
        </Modal>
      ) : null}
    </>
  );
}

function HandoverPanel({
  items: saved,
  editable,
  busy,
  onChange,
}: {
  items: HandoverItem[];
  editable: boolean;
  busy: boolean;
  onChange: (next: HandoverItem[]) => Promise<boolean>;
}) {
  const [text, setText] = useState('');
  // Shown at once while the change is saved; the saved list comes back with the answer.
  const [pending, setPending] = useState<HandoverItem[] | null>(null);
  const items = pending ?? saved;
  const change = async (next: HandoverItem[]): Promise<boolean> => {
    setPending(next);
    const ok = await onChange(next);
    setPending(null);
    return ok;
  };
  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!text.trim()) return;
    if (await change([...items, { text: text.trim(), done: false }])) setText('');
  };
  return (
    <Panel title="Hand-over" titleAs="h3" actions={items.length ? <span className="muted small">{items.filter((i) => !i.done).length} open</span> : null}>
      {items.length === 0 ? (
        <p className="muted small empty-line">
          {editable ? 'Nothing to hand over yet. Add what the next on-call must know or finish.' : 'Nothing handed over.'}
        </p>
      ) : null}
      {items.length ? (
        <ul className="handover-list" aria-label="Hand-over items">
          {items.map((h, n) => (
            <li key={`${n}-${h.text}`} className={h.done ? 'is-done' : undefined}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={h.done}
                  disabled={!editable || busy}
                  onChange={(e) => void change(items.map((x, k) => (k === n ? { ...x, done: e.target.checked } : x)))}
                />
                <span>{h.text}</span>
              </label>
              {editable ? (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove “${h.text}”`}
                  disabled={busy}
                  onClick={() => void change(items.filter((_, k) => k !== n))}
                >
                  <Icon name="x" size={14} />
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {editable ? (
        <form className="inline-form handover-form" onSubmit={add}>
          <input
            aria-label="New hand-over item"
            placeholder="E.g. Watch the disk on db-2 after tonight’s vacuum"
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={1000}
          />
          <button type="submit" className="btn btn-secondary btn-sm" disabled={busy || !text.trim()}>
            Add
          </button>
        </form>
      ) : null}
    </Panel>
  );
}

function IncidentRows({ list, label, empty }: { list: ReportContent['incidents']; label: string; empty: string }) {
  if (!list.length) return <p className="muted small empty-line">{empty}</p>;
  return (
    <ul className="simple-list report-incidents" aria-label={label}>
      {list.map((i) => (
        <li key={i.id}>
          <SeverityBadge severity={i.severity} />
          <Link to={`/incidents/${i.reference}`} className="grow">
            <span className="mono muted">{i.reference}</span> {i.title}
          </Link>
          <IncidentStatusBadge status={i.status} />
        </li>
      ))}
    </ul>
  );
}

function ContentPanels({ content: c, live }: { content: ReportContent; live: boolean }) {
  const maxService = Math.max(1, ...c.alerts.byService.map((b) => b.count));
  return (
    <>
      <Panel
        title={live ? 'This shift so far' : 'The shift'}
        titleAs="h3"
        actions={live ? <span className="muted small">Updates as the shift goes</span> : null}
      >
        <div className="stat-cards stat-cards-sm" role="list" aria-label="Shift numbers">
          <div className="stat-card" role="listitem">
            <div className="stat-label">Alerts</div>
            <div className="stat-value">{c.alerts.total}</div>
          </div>
          <div className="stat-card" role="listitem">
            <div className="stat-label">Pages</div>
            <div className="stat-value">{c.alerts.pages}</div>
          </div>
          <div className={c.alerts.pagesOutOfHours ? 'stat-card is-warning' : 'stat-card'} role="listitem">
            <div className="stat-label">Pages out of hours</div>
            <div className="stat-value">{c.alerts.pagesOutOfHours}</div>
          </div>
          <div className="stat-card" role="listitem">
            <div className="stat-label">Incidents</div>
            <div className="stat-value">{c.incidents.length}</div>
          </div>
        </div>
        <div className="report-columns">
          <section aria-label="Alerts by service">
            <h4 className="subheading">Alerts by service</h4>
            {c.alerts.byService.length === 0 ? <p className="muted small empty-line">No alerts.</p> : null}
            <ul className="hbar-list">
              {c.alerts.byService.map((b) => (
                <li key={b.service}>
                  <span className="hbar-label">{b.service}</span>
                  <span className="hbar-track" aria-hidden="true">
                    <span className="hbar-fill" style={{ width: `${(b.count / maxService) * 100}%` }} />
                  </span>
                  <span className="hbar-value">{b.count}</span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Noisiest alerts">
            <h4 className="subheading">Noisiest alerts</h4>
            {c.alerts.noisiest.length === 0 ? <p className="muted small empty-line">None.</p> : null}
            <ol className="noisy-list">
              {c.alerts.noisiest.map((a) => (
                <li key={a.number}>
                  <span className="mono muted">#{a.number}</span> {a.message} <span className="muted">×{a.count}</span>
                </li>
              ))}
            </ol>
          </section>
        </div>
      </Panel>
      <Panel title="Incidents" titleAs="h3">
        <IncidentRows list={c.incidents} label="Incidents during the shift" empty="No incidents during the shift." />
      </Panel>
      <Panel title="Still open" titleAs="h3">
        <IncidentRows list={c.stillOpen} label="Incidents still open" empty="Nothing left open." />
      </Panel>
      <div className="report-columns">
        <Panel title="Triage decisions" titleAs="h3">
          {c.triage.length === 0 ? <p className="muted small empty-line">No triage decisions.</p> : null}
          <ul className="simple-list">
            {c.triage.map((t, n) => (
              <li key={n}>
                <span className="grow">{t.title}</span>
                <Badge tone="blue">{t.decision}</Badge>
              </li>
            ))}
          </ul>
        </Panel>
        <Panel title="Better-engineering work" titleAs="h3">
          {c.backlogDone.length === 0 ? <p className="muted small empty-line">Nothing done from the backlog.</p> : null}
          <ul className="simple-list">
            {c.backlogDone.map((b, n) => (
              <li key={n}>
                {b.key ? <span className="mono muted">{b.key}</span> : null}
                <span className="grow">{b.title}</span>
              </li>
            ))}
          </ul>
        </Panel>
      </div>
    </>
  );
}

function PreviousReport({ previous: p, nameOf }: { previous: NonNullable<ReportDetail['previous']>; nameOf: (id: string) => string }) {
  const c = p.content;
  return (
    <Panel title="Previous report" titleAs="h3" actions={<Link to={`/reports/${encodeURIComponent(p.id)}`}>Open</Link>} className="previous-report">
      <p className="muted small">
        {nameOf(p.userId)}
        {p.sentAt ? `, sent ${formatRelative(p.sentAt)}` : ''}
      </p>
      {c ? (
        <>
          <p className="small">
            {plural(c.alerts.total, 'alert')}, {plural(c.alerts.pages, 'page')} ({c.alerts.pagesOutOfHours} out of hours),{' '}
            {plural(c.incidents.length, 'incident')}.
          </p>
          {c.handover.filter((h) => !h.done).length ? (
            <>
              <h4 className="subheading">Handed over</h4>
              <ul className="plain-bullets">
                {c.handover
                  .filter((h) => !h.done)
                  .map((h, n) => (
                    <li key={n}>{h.text}</li>
                  ))}
              </ul>
            </>
          ) : null}
          {c.stillOpen.length ? (
            <>
              <h4 className="subheading">Still open then</h4>
              <IncidentRows list={c.stillOpen} label="Incidents open at the previous hand-off" empty="" />
            </>
          ) : null}
          <h4 className="subheading">Notes</h4>
          <Markdown text={c.notes} empty={<p className="muted small">No notes.</p>} className="md-compact" />
        </>
      ) : (
        <p className="muted small">Its content is not available.</p>
      )}
    </Panel>
  );
}

// ---------------------------------------------------------------------------------------------
// Browse

function BrowseReports() {
  const session = useSession();
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const teams = useResource(() => api.teams.list(), []);
  const schedules = useResource(() => api.schedules.list(), []);
  const [person, setPerson] = useState('');
  const [team, setTeam] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const id = window.setTimeout(() => setQ(text.trim()), 350);
    return () => window.clearTimeout(id);
  }, [text]);
  const zone = viewerZone();
  const fromMs = from ? startOfDateIn(from, zone) : null;
  const toDay = to ? startOfDateIn(to, zone) : null;
  const query: ReportQuery = {
    ...(person ? { user: person } : {}),
    ...(team ? { team } : {}),
    ...(fromMs !== null ? { from: fromMs } : {}),
    ...(toDay !== null ? { to: toDay + 86_400_000 } : {}),
    ...(q ? { q } : {}),
  };
  const key = JSON.stringify(query);
  const list = useResource(async () => ({ key, data: await api.reports.list(query) }), [key]);
  const rows: ShiftReport[] = [...(list.data?.data ?? [])].sort((a, b) => b.shiftStart - a.shiftStart);
  const nameOf = (uid: string): string => {
    const name = users.data?.find((u) => u.id === uid)?.name ?? uid;
    return uid === session.user.id ? `${name} (you)` : name;
  };

  return (
    <Panel title="Browse reports" className="browse-reports">
      <div className="filter-bar" role="search" aria-label="Filter shift reports">
        <input
          type="search"
          className="filter-search"
          placeholder="Search notes and hand-over…"
          aria-label="Search reports"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <select aria-label="Person" value={person} onChange={(e) => setPerson(e.target.value)}>
          <option value="">Everyone</option>
          <option value="me">Me</option>
          {[...(users.data ?? [])]
            .filter((u) => u.id !== session.user.id)
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((u) => (
              <option key={u.id} value={u.email}>
                {u.name}
              </option>
            ))}
        </select>
        <select aria-label="Team" value={team} onChange={(e) => setTeam(e.target.value)}>
          <option value="">All teams</option>
          {(teams.data ?? []).map((t) => (
            <option key={t.id} value={t.slug}>
              {t.name}
            </option>
          ))}
        </select>
        <label className="inline-label">
          From <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="From date" />
        </label>
        <label className="inline-label">
          To <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label="To date" />
        </label>
      </div>
      <ErrorBanner error={list.error} title="Could not load reports." />
      {list.loading && !list.data ? <Loading label="Loading reports…" /> : null}
      {list.data && rows.length === 0 ? <p className="muted small empty-line">No shift reports match.</p> : null}
      {rows.length ? (
        <div className={list.loading && list.data?.key !== key ? 'table-wrap is-stale' : 'table-wrap'}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Shift</th>
                <th scope="col">Person</th>
                <th scope="col">Schedule</th>
                <th scope="col">Status</th>
                <th scope="col">Hand-over</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/reports/${encodeURIComponent(r.id)}`} className="alert-message">
                      {formatRangeIn(r.shiftStart, r.shiftEnd ?? r.sentAt ?? r.updatedAt, zone)}
                    </Link>
                  </td>
                  <td className="nowrap">{nameOf(r.userId)}</td>
                  <td>{schedules.data?.find((s) => s.id === r.scheduleId)?.name ?? '—'}</td>
                  <td>{r.status === 'sent' ? <Badge tone="green">Sent</Badge> : <Badge tone="amber">Draft</Badge>}</td>
                  <td className="muted">{r.handover.filter((h) => !h.done).length ? plural(r.handover.filter((h) => !h.done).length, 'open item') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}

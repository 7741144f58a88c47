/**
 * Calendar subscription: creates a private iCalendar URL (shown once), with Copy, and lists the
 * links you made earlier for the same target so you can revoke them.
 */
import { useRef, useState } from 'react';
import { api, type CalendarFeed } from '../api.ts';
import { formatDateTime, formatRelative } from '../format.ts';
import { useResource } from '../hooks.ts';
import { Icon } from './Icon.tsx';
import { ErrorBanner, Loading } from './ui.tsx';

export type FeedTarget = { kind: 'schedule'; scheduleId: string } | { kind: 'user'; userId: string };

const matches = (f: CalendarFeed, t: FeedTarget): boolean =>
  f.kind === t.kind && f.targetId === (t.kind === 'schedule' ? t.scheduleId : t.userId) && f.revokedAt === null;

export function CalendarFeedSection({ target, what }: { target: FeedTarget; what: string }) {
  const feeds = useResource(() => api.calendarFeeds.list(), []);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mine = (feeds.data ?? []).filter((f) => matches(f, target)).sort((a, b) => b.createdAt - a.createdAt);

  const create = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.calendarFeeds.create(target.kind === 'schedule' ? { scheduleId: target.scheduleId } : { userId: 'me' });
      setCreated(r.url);
      feeds.setData((cur) => [r.feed, ...(cur ?? [])]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (f: CalendarFeed): Promise<void> => {
    setError(null);
    try {
      const r = await api.calendarFeeds.revoke(f.id);
      feeds.setData((cur) => (cur ?? []).map((x) => (x.id === r.id ? r : x)));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="feed-section">
      <p className="panel-intro">
        Subscribe to {what} in Google Calendar, Outlook or Apple Calendar with a private link. It stays up to date (calendar apps refresh it every few hours).
        Anyone who has the link can see the shifts, so treat it like a password.
      </p>
      <ErrorBanner error={error} />
      {created ? <FeedUrl url={created} /> : null}
      <button type="button" className={created ? 'btn btn-secondary' : 'btn btn-primary'} disabled={busy} onClick={() => void create()}>
        <Icon name="link" size={16} /> {busy ? 'Creating…' : created ? 'Create another link' : 'Create calendar link'}
      </button>
      {feeds.loading && !feeds.data ? <Loading /> : null}
      {mine.length > 0 ? (
        <div className="feed-list">
          <h3 className="feed-list-title">Your active links</h3>
          <ul className="simple-list">
            {mine.map((f) => (
              <li key={f.id}>
                <Icon name="calendar" size={16} />
                <span className="small" title={formatDateTime(f.createdAt)}>
                  Created {formatRelative(f.createdAt)}
                </span>
                <button type="button" className="btn btn-ghost btn-sm btn-danger-text feed-revoke" onClick={() => void revoke(f)}>
                  Revoke
                </button>
              </li>
            ))}
          </ul>
          <p className="field-hint">Links are shown only when created. Revoke a link you no longer use; calendars subscribed to it stop updating.</p>
        </div>
      ) : null}
    </div>
  );
}

function FeedUrl({ url }: { url: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      ref.current?.select();
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      setCopied(ok ? 'yes' : 'failed');
    }
  };
  const webcal = url.replace(/^https?:/, 'webcal:');
  return (
    <div className="feed-url">
      <div className="secret-row">
        <input ref={ref} className="secret-value mono" readOnly value={url} aria-label="Calendar feed URL" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="btn btn-secondary" onClick={() => void copy()}>
          <Icon name={copied === 'yes' ? 'check' : 'copy'} size={16} />
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' ? <p className="field-error">Could not copy automatically — the link is selected; press Ctrl+C.</p> : null}
      <p className="field-hint">
        Copy it now: it is not shown again. Or <a href={webcal}>open it in your calendar app</a>.
      </p>
    </div>
  );
}

/**
 * "Who is on call" on Home: for every schedule, the people on call right now and who is next.
 * Schedules with nobody on call come first, in warning colours. Refreshes every minute.
 */
import { api } from '../api.ts';
import { useInterval, useResource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { zoneName } from '../time.ts';
import { Icon } from './Icon.tsx';
import { NextUp, OnCallNowList } from './OnCall.tsx';
import { EmptyState, ErrorBanner, Loading, Panel } from './ui.tsx';

export function OnCallPanel() {
  const { user } = useSession();
  const oncall = useResource(() => api.oncall.list(), []);
  useInterval(() => void oncall.reload(), 60_000);

  const list = [...(oncall.data ?? [])].sort((a, b) => Number(b.gap) - Number(a.gap) || a.schedule.name.localeCompare(b.schedule.name));
  const gaps = list.filter((e) => e.gap);
  const mine = list.filter((e) => e.onCall.some((p) => p.userId === user.id));

  return (
    <Panel title="Who is on call" className="oncall-panel" actions={<Link to="/schedules">All schedules</Link>}>
      {oncall.loading && !oncall.data ? <Loading label="Loading who is on call…" /> : null}
      <ErrorBanner error={oncall.error} title={oncall.data ? 'Could not refresh.' : 'Could not load who is on call.'} />
      {oncall.data && list.length === 0 ? (
        <EmptyState icon="calendar" title="No on-call schedules yet">
          Once your teams have schedules, the people on call right now — and who is next — show up here. <Link to="/schedules">Go to Schedules</Link>
        </EmptyState>
      ) : null}
      {gaps.length > 0 ? (
        <div className="banner banner-warning" role="alert">
          <Icon name="warning" />
          <div>
            <strong>{gaps.length === 1 ? '1 schedule has' : `${gaps.length} schedules have`} nobody on call right now.</strong> Pages routed to{' '}
            {gaps.length === 1 ? 'it' : 'them'} reach no one until someone covers the gap.
          </div>
        </div>
      ) : null}
      {mine.length > 0 ? (
        <p className="oncall-you">
          <Icon name="bell" size={16} /> You are on call for {mine.map((e) => e.schedule.name).join(', ')}.
        </p>
      ) : null}
      {list.length > 0 ? (
        <ul className="oncall-list">
          {list.map((e) => (
            <li key={e.schedule.id} className={e.gap ? 'oncall-row is-gap' : 'oncall-row'} aria-label={e.schedule.name}>
              <div className="oncall-row-head">
                <Link to={`/schedules/${encodeURIComponent(e.schedule.slug)}`} className="strong">
                  {e.schedule.name}
                </Link>
                <span className="muted small">{zoneName(e.schedule.timeZone)}</span>
              </div>
              <OnCallNowList entry={e} meId={user.id} />
              {!e.gap ? (
                <div className="oncall-next">
                  <span className="muted small">Next:</span> <NextUp entry={e} meId={user.id} />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}

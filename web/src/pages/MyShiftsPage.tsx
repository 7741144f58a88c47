/**
 * My shifts (/shifts): your upcoming on-call shifts on every schedule, shifts others offer that you
 * can take, your own open offers, and a private calendar feed of your shifts.
 */
import { useMemo, useState } from 'react';
import { api, type MyShift, type SwapRequest } from '../api.ts';
import { CalendarFeedSection } from '../components/CalendarFeed.tsx';
import { Icon } from '../components/Icon.tsx';
import { OfferShiftModal, SwapList, type SwapContext } from '../components/Swaps.tsx';
import { EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { When } from '../components/When.tsx';
import { formatRelative } from '../format.ts';
import { useDocumentTitle, useInterval, useNow, useResource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { DAY, formatDuration, formatRangeIn, mergeTouching, zoneName } from '../time.ts';

/** Looking back catches the real start of a shift that is running now (the API clips at `from`). */
const LOOK_BACK = 31 * DAY;
const LOOK_AHEAD = 60 * DAY;

export function MyShiftsPage() {
  useDocumentTitle('My shifts');
  const session = useSession();
  const me = session.user;
  const canWrite = session.can('write');
  const isAdmin = me.role === 'admin' && session.can('admin');
  useNow(60_000); // re-render every minute
  const now = Date.now();
  const [version, setVersion] = useState(0);
  const [offering, setOffering] = useState<{ scheduleId: string; start: number; end: number } | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const refresh = (): void => setVersion((v) => v + 1);

  const shifts = useResource(async () => {
    const t = Date.now();
    return { to: t + LOOK_AHEAD, list: await api.shifts.mine({ from: t - LOOK_BACK, to: t + LOOK_AHEAD }) };
  }, [version]);
  const swaps = useResource(() => api.swaps.list({ status: 'open' }), [version]);
  const schedules = useResource(() => api.schedules.list(), []);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  useInterval(() => void swaps.reload(), 60_000);

  const scheduleById = useMemo(
    () => new Map((schedules.data ?? []).map((s) => [s.id, { name: s.name, timeZone: s.timeZone, slug: s.slug }])),
    [schedules.data],
  );
  const ctx: SwapContext = {
    users: useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]),
    schedules: scheduleById,
    meId: me.id,
    canWrite,
    isAdmin,
  };

  const merged = useMemo(() => {
    const bySchedule = new Map<string, MyShift[]>();
    for (const sh of shifts.data?.list ?? []) bySchedule.set(sh.scheduleId, [...(bySchedule.get(sh.scheduleId) ?? []), sh]);
    return [...bySchedule.values()].flatMap((list) => mergeTouching(list)).sort((a, b) => a.start - b.start);
  }, [shifts.data]);
  const upcoming = merged.filter((sh) => sh.end > now);
  const windowEnd = shifts.data?.to ?? Infinity;

  const open = swaps.data ?? [];
  const takeable = open.filter((s) => s.requesterId !== me.id && s.end > now);
  const mineOpen = open.filter((s) => s.requesterId === me.id);
  const onCallNow = upcoming.filter((s) => s.start <= now);

  const onSwapChanged = (what: 'accepted' | 'cancelled', s: SwapRequest): void => {
    const sched = scheduleById.get(s.scheduleId);
    setFlash(
      what === 'accepted'
        ? `You took the shift on ${sched?.name ?? 'the schedule'}: ${formatRangeIn(Math.max(s.start, Date.now()), s.end, sched?.timeZone ?? 'UTC')}.`
        : 'Swap request cancelled.',
    );
    refresh();
  };

  return (
    <>
      <PageHeader title="My shifts" description="Your on-call shifts on every schedule, and shifts your teammates offer." />
      {flash ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>{flash}</div>
          <button type="button" className="banner-dismiss" aria-label="Dismiss" onClick={() => setFlash(null)}>
            <Icon name="x" size={16} />
          </button>
        </div>
      ) : null}
      {onCallNow.length > 0 ? (
        <div className="banner banner-info" role="status">
          <Icon name="bell" />
          <div>
            <strong>You are on call now</strong> for {onCallNow.map((s) => scheduleById.get(s.scheduleId)?.name ?? s.scheduleName).join(', ')}.
          </div>
        </div>
      ) : null}

      <Panel title="Upcoming shifts" actions={<span className="muted small">next 60 days</span>}>
        {shifts.data === undefined ? (
          shifts.loading ? (
            <Loading label="Loading your shifts…" />
          ) : (
            <ErrorBanner error={shifts.error} title="Could not load your shifts." />
          )
        ) : null}
        {shifts.data && upcoming.length === 0 ? (
          <EmptyState icon="calendar" title="No shifts in the next 60 days">
            When you are part of a rotation, or cover someone with an override, your shifts show up here. <Link to="/schedules">See all schedules</Link>
          </EmptyState>
        ) : null}
        {upcoming.length > 0 ? (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">When</th>
                  <th scope="col">Length</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {upcoming.map((sh) => {
                  const sched = scheduleById.get(sh.scheduleId);
                  const zone = sched?.timeZone ?? 'UTC';
                  return (
                    <tr key={`${sh.scheduleId}-${sh.start}`}>
                      <td>
                        <Link to={`/schedules/${encodeURIComponent(sched?.slug ?? sh.scheduleId)}`} className="strong">
                          {sched?.name ?? sh.scheduleName}
                        </Link>
                        <div className="muted small">{sh.start <= now ? 'On call now' : `Starts ${formatRelative(sh.start, now)}`}</div>
                      </td>
                      <td>
                        <When start={sh.start} end={sh.end} zone={zone} openEnded={sh.end >= windowEnd} />
                        <div className="muted small">{zoneName(zone)}</div>
                      </td>
                      <td className="nowrap">
                        {sh.end >= windowEnd ? 'at least ' : ''}
                        {formatDuration(sh.end - sh.start)}
                      </td>
                      <td className="cell-actions">
                        {canWrite ? (
                          <button
                            type="button"
                            className="btn btn-secondary btn-sm"
                            onClick={() => setOffering({ scheduleId: sh.scheduleId, start: sh.start, end: sh.end })}
                          >
                            <Icon name="swap" size={14} /> Offer my shift
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Panel>

      <div className="schedule-grid">
        <div>
          <Panel title="Shifts you can take">
            {swaps.data === undefined ? swaps.loading ? <Loading /> : <ErrorBanner error={swaps.error} /> : null}
            {swaps.data && takeable.length === 0 ? <p className="muted small empty-line">Nobody is offering a shift right now.</p> : null}
            {takeable.length > 0 ? <SwapList swaps={takeable} ctx={ctx} showSchedule onChanged={onSwapChanged} /> : null}
          </Panel>
          {mineOpen.length > 0 ? (
            <Panel title="Your open offers">
              <SwapList swaps={mineOpen} ctx={ctx} showSchedule onChanged={onSwapChanged} />
            </Panel>
          ) : null}
        </div>
        <Panel title="Your shifts in your calendar">
          <CalendarFeedSection target={{ kind: 'user', userId: me.id }} what="your own shifts on every schedule" />
        </Panel>
      </div>

      {offering ? (
        <OfferShiftModal
          scheduleId={offering.scheduleId}
          scheduleName={scheduleById.get(offering.scheduleId)?.name ?? 'Schedule'}
          zone={scheduleById.get(offering.scheduleId)?.timeZone ?? 'UTC'}
          start={offering.start}
          end={offering.end}
          onClose={() => setOffering(null)}
          onSaved={() => {
            setOffering(null);
            setFlash('Your shift is offered to your team. You stay on call until someone accepts.');
            refresh();
          }}
        />
      ) : null}
    </>
  );
}

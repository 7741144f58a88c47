/**
 * One schedule (/schedules/:slug): who is on call, a day/week/month timeline (each layer, the
 * overrides and the final schedule, with gaps in warning colours), overrides, shift swaps, calendar
 * subscription and the schedule's activity. Every time is in the schedule's zone, and says so.
 */
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, type FinalShift, type Interval, type Override, type Schedule, type ScheduleShifts, type TimelineEvent } from '../api.ts';
import { CalendarFeedSection } from '../components/CalendarFeed.tsx';
import { Icon } from '../components/Icon.tsx';
import { Modal, ModalActions } from '../components/Modal.tsx';
import { NextUp, OnCallNowList } from '../components/OnCall.tsx';
import { OverrideFormModal, type OverrideDraft } from '../components/OverrideForm.tsx';
import { ScheduleFormModal } from '../components/ScheduleForm.tsx';
import { OfferShiftModal, SwapList, type SwapContext } from '../components/Swaps.tsx';
import { paletteFor, Timeline, type TimelineBlock, type TimelineRow } from '../components/Timeline.tsx';
import { Avatar, Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { When } from '../components/When.tsx';
import { formatRelative, initials } from '../format.ts';
import { useDocumentTitle, useInterval, useNow, useResource } from '../hooks.ts';
import { Link, navigate, useSearchParams } from '../router.tsx';
import { useSession } from '../session.tsx';
import {
  DAY,
  formatDateTimeIn,
  formatDuration,
  formatRangeIn,
  HOUR,
  mergeTouching,
  MINUTE,
  nextHourIn,
  snapIn,
  stepView,
  TIMELINE_VIEWS,
  viewerHint,
  viewerZone,
  viewRange,
  viewTitle,
  zoneLabel,
  zoneName,
  type TimelineView,
} from '../time.ts';

type Dialog =
  | { kind: 'edit' }
  | { kind: 'delete' }
  | { kind: 'calendar' }
  | { kind: 'override'; draft: OverrideDraft }
  | { kind: 'offer'; start: number; end: number }
  | { kind: 'shift'; shift: FinalShift; row: 'final' | 'layer' }
  | { kind: 'gap'; gap: Interval }
  | { kind: 'override-detail'; override: Override }
  | { kind: 'delete-override'; override: Override };

export function ScheduleDetailPage({ slug }: { slug: string }) {
  const schedule = useResource(() => api.schedules.get(slug), [slug]);
  useDocumentTitle(schedule.data?.name ?? 'Schedule');

  if (!schedule.data) {
    const missing = schedule.error instanceof ApiError && schedule.error.status === 404;
    return (
      <>
        <PageHeader title={missing ? 'Schedule not found' : 'Schedule'} />
        <Panel>
          {schedule.loading ? <Loading label="Loading schedule…" /> : null}
          {missing ? (
            <EmptyState icon="calendar" title="There is no such schedule" action={<Link to="/schedules">All schedules</Link>}>
              No schedule is called <code>{slug}</code>. It may have been renamed or deleted.
            </EmptyState>
          ) : (
            <ErrorBanner error={schedule.error} title="Could not load the schedule." />
          )}
        </Panel>
      </>
    );
  }
  return <ScheduleView schedule={schedule.data} onScheduleChanged={(s) => schedule.setData(s)} />;
}

function ScheduleView({ schedule: s, onScheduleChanged }: { schedule: Schedule; onScheduleChanged: (s: Schedule) => void }) {
  const session = useSession();
  const me = session.user;
  const canWrite = session.can('write');
  const isAdmin = me.role === 'admin' && session.can('admin');
  const zone = s.timeZone;
  useNow(60_000); // re-render every minute: the "now" line, relative times
  const now = Date.now();
  const params = useSearchParams();

  const [view, setView] = useState<TimelineView>('week');
  const [anchor, setAnchor] = useState(() => Date.now());
  const [version, setVersion] = useState(0);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [flash, setFlash] = useState<string | null>(params.get('created') ? `Schedule ${s.name} was created.` : null);
  const refresh = (): void => setVersion((v) => v + 1);
  // The "created" notice shows once; a reload should not repeat it.
  const created = params.get('created') !== null;
  useEffect(() => {
    if (created) navigate(`/schedules/${encodeURIComponent(s.slug)}`, { replace: true });
  }, [created, s.slug]);

  const { from, to } = viewRange(view, anchor, zone);
  const shifts = useResource(() => api.schedules.shifts(s.id, from, to), [s.id, from, to, version, s.updatedAt]);
  const oncall = useResource(() => api.schedules.onCall(s.id), [s.id, version, s.updatedAt]);
  // Looking back a month catches the real start of a shift running now (the API clips at `from`).
  const myShifts = useResource(async () => {
    const t = Date.now();
    return { to: t + 60 * DAY, list: await api.shifts.mine({ from: t - 31 * DAY, to: t + 60 * DAY }) };
  }, [version, s.updatedAt]);
  const swaps = useResource(() => api.swaps.list({ status: 'open', schedule: s.id }), [s.id, version]);
  const overrides = useResource(() => api.schedules.overrides(s.id), [s.id, version]);
  const events = useResource(() => api.schedules.timeline(s.id), [s.id, version, s.updatedAt]);
  // Deactivated people still appear in past shifts and overrides, so look them up too.
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const teams = useResource(() => api.teams.list(), []);
  useInterval(() => {
    void oncall.reload();
    void swaps.reload();
  }, 60_000);

  const usersById = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const nameOf = (id: string | null | undefined): string => (id ? (usersById.get(id)?.name ?? 'Unknown user') : 'nobody');
  const team = teams.data?.find((t) => t.id === s.teamId);

  const mine = mergeTouching((myShifts.data?.list ?? []).filter((x) => x.scheduleId === s.id)).filter((x) => x.end > now);
  const myWindowEnd = myShifts.data?.to ?? Infinity;
  const swapCtx: SwapContext = {
    users: usersById,
    schedules: new Map([[s.id, { name: s.name, timeZone: zone, slug: s.slug }]]),
    meId: me.id,
    canWrite,
    isAdmin,
  };

  const afterOverride = (o: Override): void => {
    setDialog(null);
    setFlash(`Override added: ${nameOf(o.userId)} covers ${formatRangeIn(o.start, o.end, zone)} (${zoneName(zone)}).`);
    // Show the new override if it is outside the range on screen.
    if (o.end <= from || o.start >= to) setAnchor(o.start);
    refresh();
  };

  const openOverride = (draft: OverrideDraft): void => setDialog({ kind: 'override', draft });

  return (
    <>
      <PageHeader
        title={s.name}
        description={
          <>
            <Link to="/schedules">Schedules</Link> · {team ? team.name : 'Team'} ·{' '}
            <span title={`Hand-offs and dates of this schedule are in ${zoneName(zone)}`}>{zoneLabel(zone, now)}</span>
            {s.description ? <> · {s.description}</> : null}
          </>
        }
        actions={
          <>
            <button type="button" className="btn btn-secondary" onClick={() => setDialog({ kind: 'calendar' })}>
              <Icon name="calendar" size={16} /> Subscribe in calendar
            </button>
            {canWrite ? (
              <button type="button" className="btn btn-secondary" onClick={() => setDialog({ kind: 'edit' })} disabled={!users.data || !teams.data}>
                <Icon name="edit" size={16} /> Edit schedule
              </button>
            ) : null}
            {isAdmin ? (
              <button
                type="button"
                className="btn btn-ghost btn-danger-text"
                aria-label="Delete schedule"
                title="Delete schedule"
                onClick={() => setDialog({ kind: 'delete' })}
              >
                <Icon name="trash" size={16} />
              </button>
            ) : null}
          </>
        }
      />
      {flash ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>{flash}</div>
          <button type="button" className="banner-dismiss" aria-label="Dismiss" onClick={() => setFlash(null)}>
            <Icon name="x" size={16} />
          </button>
        </div>
      ) : null}

      <section className="panel oncall-strip" aria-label="On call now">
        <div className="oncall-strip-now">
          <div className="oncall-strip-label">On call now</div>
          {oncall.data ? <OnCallNowList entry={oncall.data} meId={me.id} /> : oncall.loading ? <Loading /> : <ErrorBanner error={oncall.error} />}
        </div>
        {oncall.data && !oncall.data.gap ? (
          <div className="oncall-strip-next">
            <div className="oncall-strip-label">Next</div>
            <NextUp entry={oncall.data} meId={me.id} />
          </div>
        ) : null}
      </section>

      <Panel
        title="Timeline"
        className="timeline-panel"
        actions={
          <>
            <div className="segmented" role="group" aria-label="Timeline range">
              {TIMELINE_VIEWS.map((v) => (
                <button key={v} type="button" className={v === view ? 'active' : undefined} aria-pressed={v === view} onClick={() => setView(v)}>
                  {v === 'day' ? 'Day' : v === 'week' ? 'Week' : 'Month'}
                </button>
              ))}
            </div>
            <div className="segmented">
              <button type="button" aria-label={`Previous ${view}`} onClick={() => setAnchor((a) => stepView(view, a, zone, -1))}>
                <Icon name="chevronLeft" size={16} />
              </button>
              <button type="button" onClick={() => setAnchor(Date.now())}>
                Today
              </button>
              <button type="button" aria-label={`Next ${view}`} onClick={() => setAnchor((a) => stepView(view, a, zone, 1))}>
                <Icon name="chevronRight" size={16} />
              </button>
            </div>
            {canWrite ? (
              <button
                type="button"
                className="btn btn-primary btn-sm"
                onClick={() => openOverride({ start: nextHourIn(now, zone), end: nextHourIn(now, zone) + 4 * HOUR })}
                disabled={!users.data}
              >
                <Icon name="plus" size={15} /> Add override
              </button>
            ) : null}
          </>
        }
      >
        <div className="timeline-caption">
          <h3 className="timeline-range" aria-live="polite">
            {viewTitle(view, from, to, zone)}
          </h3>
          <span className="muted small">
            Times in <strong>{zoneLabel(zone, from)}</strong>
            {viewerZone() !== zone ? <> · hover a shift to see your time ({zoneName(viewerZone())})</> : null}
          </span>
        </div>
        {s.layers.length === 0 ? (
          <div className="banner banner-warning" role="alert">
            <Icon name="warning" />
            <div>
              <strong>This schedule has no rotation layers, so nobody is on call</strong> except through overrides.
              {canWrite ? ' Use “Edit schedule” to add a rotation.' : ''}
            </div>
          </div>
        ) : null}
        <ErrorBanner error={shifts.error} title="Could not load shifts." />
        {shifts.data ? <GapBanner gaps={shifts.data.gaps} range={shifts.data} zone={zone} now={now} label={view} hasLayers={s.layers.length > 0} /> : null}
        {shifts.data ? (
          <div className={shifts.loading ? 'timeline-wrap is-loading' : 'timeline-wrap'}>
            <Timeline
              view={view}
              from={shifts.data.from}
              to={shifts.data.to}
              zone={zone}
              now={now}
              rows={timelineRows(shifts.data, {
                zone,
                nameOf,
                canWrite,
                onShift: (shift, row) => setDialog({ kind: 'shift', shift, row }),
                onGap: (gap) => setDialog({ kind: 'gap', gap }),
                onOverride: (override) => setDialog({ kind: 'override-detail', override }),
                onSelectRange: canWrite && users.data ? (start, end) => openOverride({ start, end }) : undefined,
              })}
            />
          </div>
        ) : shifts.loading ? (
          <Loading label="Loading shifts…" />
        ) : null}
        <p className="field-hint timeline-hint">
          Later layers win where layers overlap; overrides win over layers. Click a shift for details
          {canWrite ? ', or drag across the final schedule to cover a period with an override' : ''}.
        </p>
      </Panel>

      <div className="schedule-grid">
        <div>
          {mine.length > 0 ? (
            <Panel title="Your upcoming shifts" titleAs="h2">
              <ul className="simple-list">
                {mine.slice(0, 6).map((sh) => (
                  <li key={sh.start} className="shift-item">
                    <Icon name="clock" size={16} />
                    <div className="shift-item-main">
                      <When start={sh.start} end={sh.end} zone={zone} openEnded={sh.end >= myWindowEnd} />
                      <div className="muted small">
                        {sh.start <= now ? 'On call now' : `Starts ${formatRelative(sh.start, now)}`}
                        {sh.end < myWindowEnd ? ` · ${formatDuration(sh.end - Math.max(sh.start, now))}${sh.start <= now ? ' left' : ''}` : ''}
                      </div>
                    </div>
                    {canWrite ? (
                      <button type="button" className="btn btn-secondary btn-sm" onClick={() => setDialog({ kind: 'offer', start: sh.start, end: sh.end })}>
                        <Icon name="swap" size={14} /> Offer my shift
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            </Panel>
          ) : null}

          <Panel title="Shift swap requests">
            {swaps.data === undefined ? swaps.loading ? <Loading /> : <ErrorBanner error={swaps.error} /> : null}
            {swaps.data && swaps.data.length === 0 ? (
              <p className="muted small empty-line">
                No open requests. {mine.length > 0 && canWrite ? 'Can’t make one of your shifts? Offer it from “Your upcoming shifts”.' : ''}
              </p>
            ) : null}
            {swaps.data && swaps.data.length > 0 ? (
              <SwapList
                swaps={swaps.data}
                ctx={swapCtx}
                onChanged={(what, sw) => {
                  setFlash(
                    what === 'accepted'
                      ? `You took over ${formatRangeIn(Math.max(sw.start, Date.now()), sw.end, zone)} from ${nameOf(sw.requesterId)}.`
                      : 'Swap request cancelled.',
                  );
                  refresh();
                }}
              />
            ) : null}
          </Panel>

          <Panel title="Upcoming overrides" actions={<span className="muted small">next 30 days</span>}>
            {overrides.data === undefined ? overrides.loading ? <Loading /> : <ErrorBanner error={overrides.error} /> : null}
            {overrides.data && overrides.data.length === 0 ? <p className="muted small empty-line">No overrides in the next 30 days.</p> : null}
            {overrides.data && overrides.data.length > 0 ? (
              <ul className="simple-list">
                {[...overrides.data]
                  .sort((a, b) => a.start - b.start)
                  .map((o) => (
                    <li key={o.id}>
                      <Avatar name={nameOf(o.userId)} size={28} />
                      <div className="override-main">
                        <div>
                          <span className="strong">{nameOf(o.userId)}</span> covers{o.replacesUserId ? ` for ${nameOf(o.replacesUserId)}` : ''}
                          {o.swapRequestId ? (
                            <>
                              {' '}
                              <Badge tone="purple">Swap</Badge>
                            </>
                          ) : null}
                        </div>
                        <div className="small">
                          <When start={o.start} end={o.end} zone={zone} />
                          {o.reason && !o.swapRequestId ? <span className="muted"> · {o.reason}</span> : null}
                        </div>
                      </div>
                      {canWrite ? (
                        <button
                          type="button"
                          className="btn btn-ghost btn-sm btn-danger-text"
                          aria-label={`Delete override of ${nameOf(o.userId)} ${formatRangeIn(o.start, o.end, zone)}`}
                          onClick={() => setDialog({ kind: 'delete-override', override: o })}
                        >
                          Delete
                        </button>
                      ) : null}
                    </li>
                  ))}
              </ul>
            ) : null}
          </Panel>
        </div>
        <Panel title="Activity">
          {events.data === undefined ? events.loading ? <Loading /> : <ErrorBanner error={events.error} /> : null}
          {events.data ? <Activity events={events.data} nameOf={nameOf} usersKnown={(id) => usersById.has(id)} zone={zone} /> : null}
        </Panel>
      </div>

      {dialog?.kind === 'edit' && users.data && teams.data ? (
        <ScheduleFormModal
          schedule={s}
          teams={teams.data}
          users={users.data}
          onClose={() => setDialog(null)}
          onSaved={(saved) => {
            setDialog(null);
            setFlash('Schedule saved.');
            onScheduleChanged(saved);
            if (saved.slug !== s.slug) navigate(`/schedules/${encodeURIComponent(saved.slug)}`, { replace: true });
            refresh();
          }}
        />
      ) : null}
      {dialog?.kind === 'delete' ? <DeleteScheduleModal schedule={s} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'calendar' ? (
        <Modal title="Subscribe in calendar" description={s.name} onClose={() => setDialog(null)}>
          <CalendarFeedSection target={{ kind: 'schedule', scheduleId: s.id }} what={`everyone’s shifts on ${s.name}`} />
          <ModalActions>
            <button type="button" className="btn btn-secondary" onClick={() => setDialog(null)}>
              Done
            </button>
          </ModalActions>
        </Modal>
      ) : null}
      {dialog?.kind === 'override' && users.data ? (
        <OverrideFormModal schedule={s} users={users.data} initial={dialog.draft} onClose={() => setDialog(null)} onSaved={afterOverride} />
      ) : null}
      {dialog?.kind === 'offer' ? (
        <OfferShiftModal
          scheduleId={s.id}
          scheduleName={s.name}
          zone={zone}
          start={dialog.start}
          end={dialog.end}
          onClose={() => setDialog(null)}
          onSaved={(sw) => {
            setDialog(null);
            setFlash(`Your shift ${formatRangeIn(sw.start, sw.end, zone)} is offered to your team. You stay on call until someone accepts.`);
            refresh();
          }}
        />
      ) : null}
      {dialog?.kind === 'shift' ? (
        <ShiftDetailModal
          shift={dialog.shift}
          schedule={s}
          shifts={shifts.data}
          nameOf={nameOf}
          meId={me.id}
          canWrite={canWrite}
          now={now}
          onClose={() => setDialog(null)}
          onOffer={(start, end) => setDialog({ kind: 'offer', start, end })}
          onCover={(draft) => openOverride(draft)}
          onDeleteOverride={(o) => setDialog({ kind: 'delete-override', override: o })}
        />
      ) : null}
      {dialog?.kind === 'gap' ? (
        <Modal title="Nobody is on call" onClose={() => setDialog(null)} size="sm">
          <p>
            <When start={dialog.gap.start} end={dialog.gap.end} zone={zone} /> <span className="muted small">({zoneName(zone)})</span>
          </p>
          <p className="muted">Alerts routed to this schedule during this time reach nobody. Cover it with an override, or change the rotation.</p>
          <ModalActions>
            <button type="button" className="btn btn-secondary" onClick={() => setDialog(null)}>
              Close
            </button>
            {canWrite && dialog.gap.end > now ? (
              <button type="button" className="btn btn-primary" onClick={() => openOverride({ start: Math.max(dialog.gap.start, now), end: dialog.gap.end })}>
                Cover this gap
              </button>
            ) : null}
          </ModalActions>
        </Modal>
      ) : null}
      {dialog?.kind === 'override-detail' ? (
        <Modal title={`Override: ${nameOf(dialog.override.userId)}`} onClose={() => setDialog(null)} size="sm">
          <OverrideFacts o={dialog.override} nameOf={nameOf} zone={zone} />
          <ModalActions>
            <button type="button" className="btn btn-secondary" onClick={() => setDialog(null)}>
              Close
            </button>
            {canWrite ? (
              <button type="button" className="btn btn-danger" onClick={() => setDialog({ kind: 'delete-override', override: dialog.override })}>
                Delete override
              </button>
            ) : null}
          </ModalActions>
        </Modal>
      ) : null}
      {dialog?.kind === 'delete-override' ? (
        <DeleteOverrideModal
          schedule={s}
          override={dialog.override}
          nameOf={nameOf}
          onClose={() => setDialog(null)}
          onDeleted={() => {
            setDialog(null);
            setFlash(`Override of ${nameOf(dialog.override.userId)} deleted.`);
            refresh();
          }}
        />
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Timeline rows

function timelineRows(
  data: ScheduleShifts,
  o: {
    zone: string;
    nameOf: (id: string | null | undefined) => string;
    canWrite: boolean;
    onShift: (s: FinalShift, row: 'final' | 'layer') => void;
    onGap: (g: Interval) => void;
    onOverride: (o: Override) => void;
    onSelectRange: ((start: number, end: number) => void) | undefined;
  },
): TimelineRow[] {
  const { zone } = o;
  // Rotation members get distinct colours in rotation order; override-only people follow.
  const colorOf = paletteFor(data.schedule.layers.flatMap((l) => l.participants));
  const hint = (start: number, end: number): string => `${formatRangeIn(start, end, zone)} (${zoneName(zone)})\n${viewerHint(start, end)}`;
  const person = (sh: FinalShift, row: 'final' | 'layer', i: number): TimelineBlock => {
    const name = sh.user?.name ?? o.nameOf(sh.userId);
    const isOverride = sh.source === 'override';
    const extra = isOverride ? `, override${sh.replacedUserId ? ` for ${o.nameOf(sh.replacedUserId)}` : ''}` : '';
    return {
      key: `${row}-${i}-${sh.start}`,
      start: sh.start,
      end: sh.end,
      label: name,
      short: initials(name),
      ariaLabel: `${name}, ${formatRangeIn(sh.start, sh.end, zone)}${extra}`,
      title: `${name}${extra}\n${hint(sh.start, sh.end)}`,
      kind: 'person',
      color: colorOf(sh.userId),
      override: isOverride,
      onClick: () => o.onShift(sh, row),
    };
  };

  const rows: TimelineRow[] = data.layers.map((l, i) => ({
    id: `layer-${l.id}`,
    label: l.name,
    hint: `Layer ${i + 1}`,
    variant: 'layer',
    blocks: l.shifts.map((sh, j) => person(sh, 'layer', j)),
    empty: 'No shifts in this range',
  }));

  rows.push({
    id: 'overrides',
    label: 'Overrides',
    hint: 'Win over layers',
    variant: 'overrides',
    empty: 'No overrides',
    blocks: [...data.overrides]
      .sort((a, b) => a.start - b.start)
      .map((ov) => {
        const name = o.nameOf(ov.userId);
        const forWhom = ov.replacesUserId ? ` for ${o.nameOf(ov.replacesUserId)}` : '';
        return {
          key: `ov-${ov.id}`,
          start: ov.start,
          end: ov.end,
          label: `${name}${forWhom}`,
          short: initials(name),
          ariaLabel: `Override: ${name}${forWhom}, ${formatRangeIn(ov.start, ov.end, zone)}`,
          title: `Override: ${name}${forWhom}${ov.reason ? ` — ${ov.reason}` : ''}\n${hint(ov.start, ov.end)}`,
          kind: 'person',
          color: colorOf(ov.userId),
          override: true,
          onClick: () => o.onOverride(ov),
        };
      }),
  });

  const finalBlocks: TimelineBlock[] = [
    ...data.final.map((sh, i) => person(sh, 'final', i)),
    ...data.gaps.map((g, i) => ({
      key: `gap-${i}-${g.start}`,
      start: g.start,
      end: g.end,
      label: 'Nobody on call',
      short: '',
      ariaLabel: `Nobody on call, ${formatRangeIn(g.start, g.end, zone)}`,
      title: `Nobody on call\n${hint(g.start, g.end)}`,
      kind: 'gap' as const,
      onClick: () => o.onGap(g),
    })),
  ].sort((a, b) => a.start - b.start);

  rows.push({
    id: 'final',
    label: 'Final schedule',
    hint: 'Who gets paged',
    variant: 'final',
    blocks: finalBlocks,
    ...(o.onSelectRange ? { onSelectRange: o.onSelectRange } : {}),
  });
  return rows;
}

function GapBanner({
  gaps,
  range,
  zone,
  now,
  label,
  hasLayers,
}: {
  gaps: Interval[];
  range: { from: number; to: number };
  zone: string;
  now: number;
  label: TimelineView;
  hasLayers: boolean;
}) {
  if (gaps.length === 0 || !hasLayers) return null;
  const current = gaps.some((g) => g.start <= now && g.end > now);
  const ahead = gaps.filter((g) => g.end > now);
  const past = gaps.length - ahead.length;
  const total = (list: Interval[]): string => formatDuration(list.reduce((sum, g) => sum + (g.end - g.start), 0));
  const plural = (n: number): string => (n === 1 ? 'gap' : 'gaps');
  let heading: string;
  if (current) heading = `Nobody is on call right now. ${ahead.length} ${plural(ahead.length)} in this ${label} from now on (${total(ahead)} uncovered):`;
  else if (ahead.length > 0) heading = `${ahead.length} upcoming ${plural(ahead.length)} in this ${label} with nobody on call (${total(ahead)}):`;
  else heading = `Nobody was on call for ${total(gaps)} earlier in this ${label} (${gaps.length} ${plural(gaps.length)}, all over):`;
  const shown = [...gaps.filter((g) => g.end > now), ...gaps.filter((g) => g.end <= now)];
  return (
    <div
      className={current ? 'banner banner-error gap-banner' : ahead.length > 0 ? 'banner banner-warning gap-banner' : 'banner banner-muted gap-banner'}
      role={ahead.length > 0 ? 'alert' : 'status'}
    >
      <Icon name="warning" />
      <div>
        <strong>{heading}</strong>
        <ul className="gap-list">
          {shown.slice(0, 8).map((g) => (
            <li key={g.start} className={g.end <= now ? 'muted' : undefined}>
              <GapSpan gap={g} range={range} zone={zone} label={label} />
              {g.end <= now ? ' (over)' : g.start <= now ? ' (now)' : ''}
            </li>
          ))}
          {gaps.length > 8 ? <li>…and {gaps.length - 8} more</li> : null}
        </ul>
        {past > 0 && ahead.length > 0 ? (
          <span className="small muted">
            Includes {past} earlier {plural(past)} that are over.
          </span>
        ) : null}
      </div>
    </div>
  );
}

/** A gap cut by the range on screen says so ("from before this week", "beyond this week"). */
function GapSpan({ gap: g, range, zone, label }: { gap: Interval; range: { from: number; to: number }; zone: string; label: TimelineView }) {
  const before = g.start <= range.from;
  const after = g.end >= range.to;
  const length = `${before || after ? 'at least ' : ''}${formatDuration(g.end - g.start)}`;
  if (before && after)
    return (
      <>
        The whole {label} · {length}
      </>
    );
  if (before)
    return (
      <>
        From before this {label} until <When start={g.end} zone={zone} /> · {length}
      </>
    );
  if (after)
    return (
      <>
        From <When start={g.start} zone={zone} />, past the end of this {label} · {length}
      </>
    );
  return (
    <>
      <When start={g.start} end={g.end} zone={zone} /> · {length}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Dialogs

function ShiftDetailModal({
  shift: sh,
  schedule: s,
  shifts,
  nameOf,
  meId,
  canWrite,
  now,
  onClose,
  onOffer,
  onCover,
  onDeleteOverride,
}: {
  shift: FinalShift;
  schedule: Schedule;
  shifts: ScheduleShifts | undefined;
  nameOf: (id: string | null | undefined) => string;
  meId: string;
  canWrite: boolean;
  now: number;
  onClose: () => void;
  onOffer: (start: number, end: number) => void;
  onCover: (draft: OverrideDraft) => void;
  onDeleteOverride: (o: Override) => void;
}) {
  const zone = s.timeZone;
  const name = sh.user?.name ?? nameOf(sh.userId);
  const layer = sh.layerId ? s.layers.find((l) => l.id === sh.layerId) : undefined;
  const override = sh.overrideId ? shifts?.overrides.find((o) => o.id === sh.overrideId) : undefined;
  const mine = sh.userId === meId;
  const future = sh.end > now;
  return (
    <Modal title={mine ? 'Your shift' : `${name}’s shift`} onClose={onClose} size="sm">
      <div className="shift-facts">
        <div className="cell-person">
          <Avatar name={name} size={32} />
          <span className="strong">{name}</span>
          {mine ? <Badge tone="green">You</Badge> : null}
        </div>
        <dl className="facts">
          <dt>When</dt>
          <dd>
            {formatRangeIn(sh.start, sh.end, zone)} <span className="muted small">({zoneName(zone)})</span>
          </dd>
          {viewerZone() !== zone ? (
            <>
              <dt>Your time</dt>
              <dd>
                {formatRangeIn(sh.start, sh.end, viewerZone())} <span className="muted small">({zoneName(viewerZone())})</span>
              </dd>
            </>
          ) : null}
          <dt>Length</dt>
          <dd>{formatDuration(sh.end - sh.start)}</dd>
          <dt>From</dt>
          <dd>
            {sh.source === 'override' ? (
              <>
                Override{sh.replacedUserId ? ` (instead of ${nameOf(sh.replacedUserId)})` : ''}
                {override?.reason ? <span className="muted"> — {override.reason}</span> : null}
              </>
            ) : layer ? (
              `Rotation layer “${layer.name}”`
            ) : (
              'Rotation'
            )}
          </dd>
        </dl>
      </div>
      <ModalActions>
        {canWrite && override ? (
          <button type="button" className="btn btn-ghost btn-danger-text" onClick={() => onDeleteOverride(override)}>
            Delete override
          </button>
        ) : null}
        {canWrite && future ? (
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => onCover({ start: Math.max(sh.start, snapIn(now + 7.5 * MINUTE, 15, zone)), end: sh.end, replacesUserId: sh.userId })}
          >
            Cover with override
          </button>
        ) : null}
        {canWrite && mine && future ? (
          <button type="button" className="btn btn-primary" onClick={() => onOffer(sh.start, sh.end)}>
            <Icon name="swap" size={15} /> Offer my shift
          </button>
        ) : null}
        {!canWrite || !future ? (
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Close
          </button>
        ) : null}
      </ModalActions>
    </Modal>
  );
}

function OverrideFacts({ o, nameOf, zone }: { o: Override; nameOf: (id: string | null | undefined) => string; zone: string }) {
  return (
    <dl className="facts">
      <dt>Who covers</dt>
      <dd>{nameOf(o.userId)}</dd>
      <dt>Replaces</dt>
      <dd>{o.replacesUserId ? nameOf(o.replacesUserId) : 'Whoever is on call (gaps included)'}</dd>
      <dt>When</dt>
      <dd>
        <When start={o.start} end={o.end} zone={zone} /> <span className="muted small">({zoneName(zone)})</span>
      </dd>
      {o.reason ? (
        <>
          <dt>Reason</dt>
          <dd>{o.swapRequestId ? 'Shift swap' : o.reason}</dd>
        </>
      ) : null}
      <dt>Added by</dt>
      <dd>
        {o.createdBy ? nameOf(o.createdBy) : 'Vigil'} · {formatRelative(o.createdAt)}
      </dd>
    </dl>
  );
}

function DeleteOverrideModal({
  schedule,
  override: o,
  nameOf,
  onClose,
  onDeleted,
}: {
  schedule: Schedule;
  override: Override;
  nameOf: (id: string | null | undefined) => string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title="Delete this override?" onClose={onClose} size="sm">
      <OverrideFacts o={o} nameOf={nameOf} zone={schedule.timeZone} />
      <p className="muted">The rotation applies again for this period{o.swapRequestId ? ', undoing the shift swap' : ''}.</p>
      <ErrorBanner error={error} />
      <ModalActions>
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Keep it
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await api.schedules.removeOverride(schedule.id, o.id);
              onDeleted();
            } catch (err) {
              setError(err);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Deleting…' : 'Delete override'}
        </button>
      </ModalActions>
    </Modal>
  );
}

function DeleteScheduleModal({ schedule, onClose }: { schedule: Schedule; onClose: () => void }) {
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={`Delete ${schedule.name}?`} onClose={onClose} size="sm">
      <p>
        Its rotations, overrides and swap requests are deleted, and <strong>nobody will be paged through it</strong> any more. This cannot be undone.
      </p>
      <label className="field">
        <span className="field-label">
          Type <code>{schedule.slug}</code> to confirm
        </span>
        <input value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" />
      </label>
      <ErrorBanner error={error} />
      <ModalActions>
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy || confirm !== schedule.slug}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await api.schedules.remove(schedule.id);
              navigate('/schedules');
            } catch (err) {
              setError(err);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Deleting…' : 'Delete schedule'}
        </button>
      </ModalActions>
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------
// Activity

const FIELD_NAMES: Record<string, string> = {
  layers: 'rotation layers',
  timeZone: 'time zone',
  reminderMinutes: 'shift reminder',
  teamId: 'team',
  name: 'name',
  slug: 'slug',
  description: 'description',
};

type EventIcon = 'calendar' | 'edit' | 'swap' | 'clock' | 'plus' | 'trash' | 'bell' | 'warning';

function describeEvent(
  e: TimelineEvent,
  nameOf: (id: string | null | undefined) => string,
  zone: string,
): { icon: EventIcon; text: string; warning?: boolean } {
  const d = e.data;
  const str = (k: string): string | undefined => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const num = (k: string): number | undefined => (typeof d[k] === 'number' ? (d[k] as number) : undefined);
  const range = (): string => {
    const a = num('start');
    const b = num('end');
    return a !== undefined && b !== undefined ? formatRangeIn(a, b, zone) : '';
  };
  switch (e.type) {
    case 'schedule.created':
      return { icon: 'calendar', text: 'created the schedule' };
    case 'schedule.updated': {
      const changed = Array.isArray(d.changed) ? (d.changed as string[]).map((c) => FIELD_NAMES[c] ?? c) : [];
      return { icon: 'edit', text: changed.length ? `changed the ${changed.join(', ')}` : 'changed the schedule' };
    }
    case 'override.created':
      if (str('swapRequestId')) return { icon: 'swap', text: `took over ${range()} from ${nameOf(str('replacesUserId'))} (shift swap)` };
      return {
        icon: 'plus',
        text: `added an override: ${nameOf(str('userId'))} covers ${range()}${str('replacesUserId') ? ` for ${nameOf(str('replacesUserId'))}` : ''}${str('reason') ? ` — ${str('reason')}` : ''}`,
      };
    case 'override.deleted':
      return { icon: 'trash', text: `deleted the override of ${nameOf(str('userId'))} (${range()})` };
    case 'swap.requested':
      return { icon: 'swap', text: `offered their shift ${range()}${str('note') ? ` — “${str('note')}”` : ''}` };
    case 'swap.accepted':
      return { icon: 'swap', text: 'accepted a shift swap' };
    case 'swap.cancelled':
      return { icon: 'swap', text: 'withdrew a shift swap request' };
    case 'shift.started':
      return { icon: 'clock', text: `${nameOf(str('userId'))} went on call` };
    case 'shift.ended':
      return { icon: 'clock', text: `${nameOf(str('userId'))} went off call` };
    case 'notification.sent':
      return {
        icon: 'bell',
        text: `notified ${str('address') ?? 'someone'} by ${str('channel') ?? 'message'}${str('subject') ? `: “${str('subject')}”` : ''}`,
      };
    case 'notification.retrying':
      return {
        icon: 'bell',
        text: `is retrying to notify ${str('address') ?? 'someone'} by ${str('channel') ?? 'message'}${str('error') ? ` (${str('error')})` : ''}`,
      };
    case 'notification.failed':
      return {
        icon: 'warning',
        warning: true,
        text: `could not notify ${str('address') ?? 'someone'} by ${str('channel') ?? 'message'}${str('subject') ? ` (“${str('subject')}”)` : ''}${str('error') ? `: ${str('error')}` : ''}`,
      };
    default:
      return { icon: 'edit', text: e.type };
  }
}

function Activity({
  events,
  nameOf,
  usersKnown,
  zone,
}: {
  events: TimelineEvent[];
  nameOf: (id: string | null | undefined) => string;
  usersKnown: (id: string) => boolean;
  zone: string;
}) {
  const [shown, setShown] = useState(15);
  const [notifications, setNotifications] = useState(true);
  const hasNotifications = events.some((e) => e.type.startsWith('notification.'));
  const newest = [...events].filter((e) => notifications || !e.type.startsWith('notification.')).sort((a, b) => b.at - a.at);
  if (events.length === 0) return <p className="muted small empty-line">Nothing has happened yet.</p>;
  return (
    <>
      {hasNotifications ? (
        <label className="checkbox small activity-filter">
          <input type="checkbox" checked={notifications} onChange={(e) => setNotifications(e.target.checked)} />
          <span>Show notifications</span>
        </label>
      ) : null}
      <ol className="activity">
        {newest.slice(0, shown).map((e) => {
          const { icon, text, warning } = describeEvent(e, nameOf, zone);
          const system = e.type.startsWith('shift.');
          const known = e.actor.type === 'user' && e.actor.id ? usersKnown(e.actor.id) : false;
          const actor = system ? '' : e.actor.type === 'user' ? (known ? nameOf(e.actor.id) : 'Someone') : e.actor.type === 'system' ? 'Vigil' : e.actor.type;
          return (
            <li key={e.id} className={warning ? 'activity-item is-warning' : 'activity-item'}>
              <span className="activity-icon">
                <Icon name={icon} size={14} />
              </span>
              <div>
                <div className="small">
                  {actor ? <span className="strong">{actor} </span> : null}
                  {text}
                </div>
                <div className="muted small" title={`${formatDateTimeIn(e.at, zone)} (${zoneName(zone)})\n${viewerHint(e.at)}`}>
                  {formatRelative(e.at)}
                </div>
              </div>
            </li>
          );
        })}
      </ol>
      {newest.length > shown ? (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setShown((n) => n + 30)}>
          Show older ({newest.length - shown})
        </button>
      ) : null}
    </>
  );
}

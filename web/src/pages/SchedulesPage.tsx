/**
 * Schedules: every schedule with its team, zone, who is on call now and who is next, and the
 * "New schedule" form (admins and responders).
 */
import { useMemo, useState } from 'react';
import { api, type OnCallNow, type Team } from '../api.ts';
import { Icon } from '../components/Icon.tsx';
import { NextUp, OnCallNowList } from '../components/OnCall.tsx';
import { ScheduleFormModal } from '../components/ScheduleForm.tsx';
import { EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { useDocumentTitle, useInterval, useResource } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { zoneName, zoneOffset } from '../time.ts';

export function SchedulesPage() {
  useDocumentTitle('Schedules');
  const session = useSession();
  const canWrite = session.can('write');
  const schedules = useResource(() => api.schedules.list(), []);
  const oncall = useResource(() => api.oncall.list(), []);
  const teams = useResource(() => api.teams.list(), []);
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const [teamFilter, setTeamFilter] = useState('');
  const [creating, setCreating] = useState(false);
  useInterval(() => void oncall.reload(), 60_000);

  const teamById = useMemo(() => new Map((teams.data ?? []).map((t: Team) => [t.id, t])), [teams.data]);
  const oncallById = useMemo(() => new Map((oncall.data ?? []).map((o: OnCallNow) => [o.schedule.id, o])), [oncall.data]);
  const myTeamIds = new Set((teams.data ?? []).filter((t) => t.memberIds.includes(session.user.id) || t.leadUserId === session.user.id).map((t) => t.id));

  const list = [...(schedules.data ?? [])]
    .filter((s) => !teamFilter || s.teamId === teamFilter)
    .sort((a, b) => (teamById.get(a.teamId)?.name ?? '').localeCompare(teamById.get(b.teamId)?.name ?? '') || a.name.localeCompare(b.name));
  const gapCount = list.filter((s) => oncallById.get(s.id)?.gap).length;
  const noTeams = teams.data !== undefined && teams.data.length === 0;
  const formReady = !!teams.data && !!users.data;

  const newButton = canWrite ? (
    <button
      type="button"
      className="btn btn-primary"
      onClick={() => setCreating(true)}
      disabled={!formReady || noTeams}
      title={noTeams ? 'Create a team first' : undefined}
    >
      <Icon name="plus" size={16} /> New schedule
    </button>
  ) : undefined;

  return (
    <>
      <PageHeader title="Schedules" description="Rotations, layers and overrides that decide who is on call." actions={newButton} />
      {schedules.data === undefined ? (
        <Panel>{schedules.loading ? <Loading label="Loading schedules…" /> : <ErrorBanner error={schedules.error} title="Could not load schedules." />}</Panel>
      ) : schedules.data.length === 0 ? (
        <Panel>
          <EmptyState
            icon="calendar"
            title="No schedules yet"
            action={
              canWrite && !noTeams ? (
                <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} disabled={!formReady}>
                  Create the first schedule
                </button>
              ) : undefined
            }
          >
            {noTeams ? (
              <>Schedules belong to a team. {session.user.role === 'admin' ? <Link to="/teams">Create a team</Link> : 'Ask an admin to create a team'} first.</>
            ) : (
              'A schedule is a rotation of people — weekly, daily or in shifts — with overrides when plans change.'
            )}
          </EmptyState>
        </Panel>
      ) : (
        <Panel
          title={`${schedules.data.length} ${schedules.data.length === 1 ? 'schedule' : 'schedules'}`}
          actions={
            (teams.data?.length ?? 0) > 1 ? (
              <select className="table-filter" aria-label="Filter by team" value={teamFilter} onChange={(e) => setTeamFilter(e.target.value)}>
                <option value="">All teams</option>
                {[...(teams.data ?? [])]
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                      {myTeamIds.has(t.id) ? ' (your team)' : ''}
                    </option>
                  ))}
              </select>
            ) : undefined
          }
        >
          <ErrorBanner error={oncall.error} title="Could not load who is on call." />
          {gapCount > 0 ? (
            <div className="banner banner-warning" role="alert">
              <Icon name="warning" />
              <div>
                <strong>{gapCount === 1 ? '1 schedule has' : `${gapCount} schedules have`} nobody on call right now.</strong> Open it and add an override to
                cover the gap.
              </div>
            </div>
          ) : null}
          <div className="table-wrap">
            <table className="table schedules-table">
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">Team</th>
                  <th scope="col">Time zone</th>
                  <th scope="col">On call now</th>
                  <th scope="col">Next</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => {
                  const o = oncallById.get(s.id);
                  return (
                    <tr key={s.id} className={o?.gap ? 'row-warning' : undefined}>
                      <td>
                        <Link to={`/schedules/${encodeURIComponent(s.slug)}`} className="strong">
                          {s.name}
                        </Link>
                        <div className="muted small">
                          {s.layers.length === 0 ? 'No rotation layers' : `${s.layers.length} ${s.layers.length === 1 ? 'layer' : 'layers'}`}
                          {s.description ? ` · ${s.description}` : ''}
                        </div>
                      </td>
                      <td>{teamById.get(s.teamId)?.name ?? <span className="muted">Unknown team</span>}</td>
                      <td className="nowrap">
                        {zoneName(s.timeZone)}
                        <div className="muted small">{zoneOffset(Date.now(), s.timeZone)}</div>
                      </td>
                      <td>{o ? <OnCallNowList entry={o} meId={session.user.id} compact /> : oncall.loading ? <span className="muted">…</span> : null}</td>
                      <td>{o && !o.gap ? <NextUp entry={o} meId={session.user.id} /> : null}</td>
                    </tr>
                  );
                })}
                {list.length === 0 ? (
                  <tr>
                    <td colSpan={5} className="muted center">
                      This team has no schedules.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        </Panel>
      )}

      {creating && teams.data && users.data ? (
        <ScheduleFormModal
          teams={teams.data}
          users={users.data}
          {...(teamFilter ? { defaultTeamId: teamFilter } : myTeamIds.size === 1 ? { defaultTeamId: [...myTeamIds][0]! } : {})}
          onClose={() => setCreating(false)}
          onSaved={(s) => {
            setCreating(false);
            navigate(`/schedules/${encodeURIComponent(s.slug)}?created=1`);
          }}
        />
      ) : null}
    </>
  );
}

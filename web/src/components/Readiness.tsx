/**
 * Being ready to be paged: the signed-in user's "Setting up on call" checklist, and the team
 * readiness view for leads and admins (who in the next shifts cannot be reached yet).
 */
import { api, type Checklist, type ChecklistItem, type Team } from '../api.ts';
import { formatDateTime, formatRelative, plural } from '../format.ts';
import { useResource, type Resource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Icon } from './Icon.tsx';
import { Avatar, ErrorBanner, Loading, Panel } from './ui.tsx';

const SETTINGS = '/settings/notifications';

/** Where each checklist step is done. */
const ITEM_ACTION: Record<string, { to: string; label: string }> = {
  slack_linked: { to: `${SETTINGS}#slack`, label: 'Link Slack' },
  contact_verified: { to: `${SETTINGS}#contact-methods`, label: 'Add a contact method' },
  high_urgency_rule: { to: `${SETTINGS}#rules`, label: 'Set rules' },
  test_page_acknowledged: { to: `${SETTINGS}#test-page`, label: 'Send a test page' },
  calendar_subscribed: { to: '/shifts', label: 'Open My shifts' },
  severity_levels_read: { to: '/severities', label: 'Read them' },
  contacts_delivering: { to: `${SETTINGS}#contact-methods`, label: 'Check contact methods' },
};

export function useChecklist(): Resource<Checklist> {
  return useResource(() => api.notifications.checklist('me'), []);
}

/**
 * The checklist. `variant="card"` (Home) hides itself once the required steps are done and links
 * each step to where it is done; `variant="full"` (settings) always shows.
 */
export function SetupChecklist({ checklist, variant }: { checklist: Resource<Checklist>; variant: 'card' | 'full' }) {
  const { user } = useSession();
  const data = checklist.data;
  // Stakeholders are never paged; the card is for people who may be on call.
  if (variant === 'card' && (!data || data.complete || user.role === 'stakeholder')) return null;
  const required = data?.items.filter((i) => i.required) ?? [];
  const done = required.filter((i) => i.done).length;
  const pct = required.length ? Math.round((done / required.length) * 100) : 0;
  return (
    <Panel
      title="Setting up on call"
      className={data?.complete ? 'checklist-panel is-complete' : 'checklist-panel'}
      actions={variant === 'card' ? <Link to={SETTINGS}>Notification settings</Link> : undefined}
    >
      {!data && checklist.loading ? <Loading /> : null}
      <ErrorBanner error={checklist.error} title="Could not load your checklist." />
      {data ? (
        <>
          {data.complete ? (
            <div className="banner banner-success" role="status">
              <Icon name="check" />
              <div>
                <strong>You are ready to be on call.</strong> Pages reach you, and you know how to acknowledge them.
              </div>
            </div>
          ) : (
            <div className="checklist-progress">
              <div className="progress" role="progressbar" aria-label="Required setup steps done" aria-valuemin={0} aria-valuemax={required.length} aria-valuenow={done}>
                <span style={{ width: `${pct}%` }} />
              </div>
              <span className="small muted">
                {done} of {plural(required.length, 'required step')} done
              </span>
            </div>
          )}
          <ul className={variant === 'card' ? 'checklist is-compact' : 'checklist'} aria-label="Setup steps">
            {(variant === 'card' ? data.items.filter((i) => !i.done) : data.items).map((item) => (
              <ChecklistRow key={item.id} item={item} showAction={variant === 'card' || !ITEM_ACTION[item.id]?.to.startsWith(SETTINGS)} />
            ))}
          </ul>
        </>
      ) : null}
    </Panel>
  );
}

function ChecklistRow({ item, showAction }: { item: ChecklistItem; showAction: boolean }) {
  const action = ITEM_ACTION[item.id];
  return (
    <li className={item.done ? 'checklist-item is-done' : 'checklist-item'} aria-label={`${item.label}: ${item.done ? 'done' : 'not done'}`}>
      <span className="checklist-mark" aria-hidden="true">
        {item.done ? <Icon name="check" size={14} /> : null}
      </span>
      <div className="grow">
        <div className="checklist-label">
          {item.label}
          {!item.required ? <span className="muted small"> · recommended</span> : null}
        </div>
        {!item.done ? <div className="muted small">{item.help}</div> : null}
      </div>
      {showAction && !item.done && action ? (
        <Link to={action.to} className="btn btn-secondary btn-sm">
          {action.label}
        </Link>
      ) : null}
    </li>
  );
}

/** Teams the signed-in user can check: the ones they lead, or every team for admins. */
export function useReadinessTeams(): Team[] {
  const { user } = useSession();
  const teams = useResource(() => api.teams.list(), []);
  const isAdmin = user.role === 'admin';
  return (teams.data ?? []).filter((t) => isAdmin || t.leadUserId === user.id).sort((a, b) => a.name.localeCompare(b.name));
}

/** For leads and admins: who in each team's next two weeks of shifts cannot be reached yet. */
export function TeamReadinessPanel() {
  const teams = useReadinessTeams();
  if (teams.length === 0) return null;
  return (
    <Panel title="Team readiness" className="readiness-panel">
      <p className="panel-intro">People with a shift in the next two weeks who could not be paged yet.</p>
      {teams.map((t) => (
        <TeamReadiness key={t.id} team={t} showName={teams.length > 1} />
      ))}
    </Panel>
  );
}

function TeamReadiness({ team, showName }: { team: Team; showName: boolean }) {
  const res = useResource(() => api.notifications.readiness(team.id), [team.id]);
  return (
    <section className="readiness-team" aria-label={`Readiness of ${team.name}`}>
      {showName ? <h3 className="subheading">{team.name}</h3> : null}
      {res.loading && !res.data ? <Loading /> : null}
      <ErrorBanner error={res.error} />
      {res.data && res.data.length === 0 ? (
        <p className="readiness-ok small">
          <Icon name="check" size={14} /> Everyone on {team.name}’s upcoming shifts is ready.
        </p>
      ) : null}
      {res.data?.length ? (
        <ul className="simple-list readiness-list">
          {res.data.map((r) => (
            <li key={r.user.id}>
              <Avatar name={r.user.name} size={28} />
              <div className="grow">
                <div>
                  <span className="strong">{r.user.name}</span>{' '}
                  <span className="muted small" title={formatDateTime(r.nextShiftStart)}>
                    · {r.scheduleName} {r.nextShiftStart <= Date.now() ? 'now' : formatRelative(r.nextShiftStart)}
                  </span>
                </div>
                <ul className="readiness-missing">
                  {r.missing.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                  {r.warnings.map((w) => (
                    <li key={w} className="is-warning">
                      {w.charAt(0).toUpperCase() + w.slice(1)}
                    </li>
                  ))}
                </ul>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

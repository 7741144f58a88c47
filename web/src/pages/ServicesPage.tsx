/**
 * Services and escalation policies: /services (every service with its policy and open alerts),
 * /escalation-policies (every policy with its steps and warnings) and /escalation-policies/:slug.
 */
import { useMemo, useState } from 'react';
import { api, ApiError, type EscalationPolicy, type Service } from '../api.ts';
import { Icon } from '../components/Icon.tsx';
import { PolicyFormModal, PolicySteps, type Directory } from '../components/PolicyForm.tsx';
import { ServiceFormModal } from '../components/ServiceForm.tsx';
import { Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel, TabLinks } from '../components/ui.tsx';
import { plural } from '../format.ts';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';

const TABS = [
  { to: '/services', label: 'Services' },
  { to: '/escalation-policies', label: 'Escalation policies' },
];

export function ServicesPage() {
  useDocumentTitle('Services');
  const session = useSession();
  const canWrite = session.can('write');
  const services = useResource(() => api.services.list(), []);
  const policies = useResource(() => api.policies.list(), []);
  const teams = useResource(() => api.teams.list(), []);
  const unclosed = useResource(() => api.alerts.list({ status: 'unclosed', limit: 500 }), []);
  const [creating, setCreating] = useState(false);

  const teamName = (id: string): string => teams.data?.find((t) => t.id === id)?.name ?? '—';
  const policyById = useMemo(() => new Map((policies.data ?? []).map((p) => [p.id, p])), [policies.data]);
  const openBy = useMemo(() => {
    const m = new Map<string, { open: number; acknowledged: number }>();
    for (const a of unclosed.data?.data ?? []) {
      const c = m.get(a.serviceId) ?? { open: 0, acknowledged: 0 };
      if (a.status === 'open') c.open++;
      else c.acknowledged++;
      m.set(a.serviceId, c);
    }
    return m;
  }, [unclosed.data]);
  const list = [...(services.data ?? [])].sort((a, b) => teamName(a.teamId).localeCompare(teamName(b.teamId)) || a.name.localeCompare(b.name));
  const unrouted = list.filter((s) => !s.escalationPolicyId);
  const atRisk = list.filter((s) => s.escalationPolicyId && (policyById.get(s.escalationPolicyId)?.warnings.length ?? 0) > 0);
  const noTeams = teams.data !== undefined && teams.data.length === 0;

  return (
    <>
      <PageHeader
        title="Services"
        description="What can break, where its alerts come from, and who gets paged."
        actions={
          canWrite ? (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} disabled={!teams.data || !policies.data || noTeams} title={noTeams ? 'Create a team first' : undefined}>
              <Icon name="plus" size={16} /> New service
            </button>
          ) : undefined
        }
      />
      <TabLinks tabs={TABS} current="/services" label="Services and policies" />
      {services.data === undefined ? (
        <Panel>{services.loading ? <Loading label="Loading services…" /> : <ErrorBanner error={services.error} title="Could not load services." />}</Panel>
      ) : list.length === 0 ? (
        <Panel>
          <EmptyState
            icon="server"
            title="No services yet"
            action={
              canWrite && !noTeams ? (
                <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} disabled={!teams.data || !policies.data}>
                  Create the first service
                </button>
              ) : undefined
            }
          >
            {noTeams ? 'Services belong to a team: create a team first.' : 'Create a service, give it an escalation policy, and add an integration to start receiving alerts.'}
          </EmptyState>
        </Panel>
      ) : (
        <Panel title={plural(list.length, 'service')}>
          {unrouted.length ? (
            <div className="banner banner-warning" role="alert">
              <Icon name="warning" />
              <div>
                <strong>{unrouted.length === 1 ? `${unrouted[0]!.name} has` : `${unrouted.length} services have`} no escalation policy:</strong> alerts are recorded but
                nobody is paged.
              </div>
            </div>
          ) : null}
          {atRisk.length ? (
            <div className="banner banner-warning" role="alert">
              <Icon name="warning" />
              <div>
                <strong>
                  {atRisk.length === 1 ? `${atRisk[0]!.name}’s escalation policy` : `The escalation policies of ${atRisk.length} services`} would not reach everyone right now.
                </strong>{' '}
                See <Link to="/escalation-policies">Escalation policies</Link>.
              </div>
            </div>
          ) : null}
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Team</th>
                  <th scope="col">Escalation policy</th>
                  <th scope="col">Alerts channel</th>
                  <th scope="col">Unclosed alerts</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s: Service) => {
                  const p = s.escalationPolicyId ? policyById.get(s.escalationPolicyId) : undefined;
                  const c = openBy.get(s.id);
                  return (
                    <tr key={s.id} className={!s.escalationPolicyId || p?.warnings.length ? 'row-warning' : undefined}>
                      <td>
                        <Link to={`/services/${encodeURIComponent(s.slug)}`} className="strong">
                          {s.name}
                        </Link>
                        {s.description ? <div className="muted small">{s.description}</div> : null}
                      </td>
                      <td>{teamName(s.teamId)}</td>
                      <td>
                        {!s.escalationPolicyId ? (
                          <Badge tone="amber">None — nobody is paged</Badge>
                        ) : p ? (
                          <>
                            <Link to={`/escalation-policies/${encodeURIComponent(p.slug)}`}>{p.name}</Link>
                            {p.warnings.length ? (
                              <>
                                {' '}
                                <Badge tone="amber">{plural(p.warnings.length, 'warning')}</Badge>
                              </>
                            ) : null}
                          </>
                        ) : (
                          <span className="muted">…</span>
                        )}
                      </td>
                      <td className="mono small">{s.alertsChannel ?? <span className="muted">—</span>}</td>
                      <td>
                        {c ? (
                          <Link to={`/alerts?status=unclosed&service=${encodeURIComponent(s.slug)}`} className="badge-row">
                            {c.open ? <Badge tone="red">{c.open} open</Badge> : null}
                            {c.acknowledged ? <Badge tone="amber">{c.acknowledged} acknowledged</Badge> : null}
                          </Link>
                        ) : (
                          <span className="muted small">None</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Panel>
      )}
      {creating && teams.data && policies.data ? (
        <ServiceFormModal
          teams={teams.data}
          policies={policies.data}
          {...(session.user && teams.data.filter((t) => t.memberIds.includes(session.user.id)).length === 1
            ? { defaultTeamId: teams.data.find((t) => t.memberIds.includes(session.user.id))!.id }
            : {})}
          onClose={() => setCreating(false)}
          onSaved={(s) => {
            setCreating(false);
            navigate(`/services/${encodeURIComponent(s.slug)}?created=1`);
          }}
        />
      ) : null}
    </>
  );
}

/** Users, teams and schedules, for naming policy targets. */
export function useDirectory(): { dir: Directory | undefined; error: unknown } {
  const users = useResource(() => api.users.list({ includeInactive: true }), []);
  const teams = useResource(() => api.teams.list(), []);
  const schedules = useResource(() => api.schedules.list(), []);
  const dir = users.data && teams.data && schedules.data ? { users: users.data, teams: teams.data, schedules: schedules.data } : undefined;
  return { dir, error: users.error ?? teams.error ?? schedules.error };
}

export function PolicyWarnings({ policy }: { policy: EscalationPolicy }) {
  if (!policy.warnings.length) return null;
  return (
    <div className="banner banner-warning policy-warnings" role="alert">
      <Icon name="warning" />
      <div>
        <strong>Right now this policy would not reach everyone:</strong>
        <ul className="warning-list">
          {policy.warnings.map((w) => (
            <li key={w}>{w.charAt(0).toUpperCase() + w.slice(1)}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function PolicyCard({
  policy,
  dir,
  services,
  teamName,
  canWrite,
  onEdit,
  linkTitle = true,
}: {
  policy: EscalationPolicy;
  dir: Directory;
  services: Service[];
  teamName: string;
  canWrite: boolean;
  onEdit: () => void;
  linkTitle?: boolean;
}) {
  const usedBy = services.filter((s) => s.escalationPolicyId === policy.id);
  return (
    <Panel
      className={policy.warnings.length ? 'policy-card has-warnings' : 'policy-card'}
      title={
        <>
          {linkTitle ? <Link to={`/escalation-policies/${encodeURIComponent(policy.slug)}`}>{policy.name}</Link> : policy.name}{' '}
          <span className="muted small policy-team">{teamName}</span>
        </>
      }
      actions={
        canWrite ? (
          <button type="button" className="btn btn-secondary btn-sm" onClick={onEdit} aria-label={`Edit ${policy.name}`}>
            <Icon name="edit" size={14} /> Edit
          </button>
        ) : undefined
      }
    >
      {policy.description ? <p className="panel-intro">{policy.description}</p> : null}
      <PolicyWarnings policy={policy} />
      <PolicySteps policy={policy} dir={dir} />
      <p className="muted small policy-used-by">
        {usedBy.length ? (
          <>
            Used by{' '}
            {usedBy.map((s, i) => (
              <span key={s.id}>
                {i ? ', ' : ''}
                <Link to={`/services/${encodeURIComponent(s.slug)}`}>{s.name}</Link>
              </span>
            ))}
          </>
        ) : (
          'Not used by any service yet.'
        )}
      </p>
    </Panel>
  );
}

export function EscalationPoliciesPage({ slug }: { slug?: string }) {
  const session = useSession();
  const canWrite = session.can('write');
  const policies = useResource(() => api.policies.list(), []);
  const services = useResource(() => api.services.list(), []);
  const { dir, error: dirError } = useDirectory();
  const [editing, setEditing] = useState<EscalationPolicy | 'new' | null>(null);
  const one = slug ? policies.data?.find((p) => p.slug === slug || p.id === slug) : undefined;
  useDocumentTitle(one ? one.name : 'Escalation policies');

  const teamName = (id: string): string => dir?.teams.find((t) => t.id === id)?.name ?? '';
  const list = slug ? (one ? [one] : []) : [...(policies.data ?? [])].sort((a, b) => b.warnings.length - a.warnings.length || a.name.localeCompare(b.name));
  const withWarnings = (policies.data ?? []).filter((p) => p.warnings.length);

  return (
    <>
      {slug ? (
        <Link to="/escalation-policies" className="back-link">
          <Icon name="chevronLeft" size={16} /> Escalation policies
        </Link>
      ) : null}
      <PageHeader
        title={one ? one.name : 'Escalation policies'}
        description={one ? `Escalation policy of ${teamName(one.teamId) || 'a team'}.` : 'Who is notified when an alert opens, and who next when nobody acknowledges.'}
        actions={
          canWrite && !slug ? (
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={!dir || dir.teams.length === 0}>
              <Icon name="plus" size={16} /> New policy
            </button>
          ) : undefined
        }
      />
      {!slug ? <TabLinks tabs={TABS} current="/escalation-policies" label="Services and policies" /> : null}
      <ErrorBanner error={dirError} />
      {!slug && withWarnings.length ? (
        <div className="banner banner-warning" role="alert">
          <Icon name="warning" />
          <div>
            <strong>{withWarnings.length === 1 ? '1 policy' : `${withWarnings.length} policies`} would not reach everyone right now.</strong> Fix the gaps or
            unreachable people below before they are needed.
          </div>
        </div>
      ) : null}
      {policies.data === undefined || !dir ? (
        <Panel>{policies.loading || !dir ? <Loading label="Loading escalation policies…" /> : <ErrorBanner error={policies.error} />}</Panel>
      ) : slug && !one ? (
        <Panel>
          <EmptyState icon="shield" title="Policy not found" action={<Link to="/escalation-policies">All escalation policies</Link>}>
            There is no escalation policy “{slug}”.
          </EmptyState>
        </Panel>
      ) : list.length === 0 ? (
        <Panel>
          <EmptyState
            icon="shield"
            title="No escalation policies yet"
            action={
              canWrite ? (
                <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} disabled={dir.teams.length === 0}>
                  Create the first policy
                </button>
              ) : undefined
            }
          >
            A policy says who is paged first (usually whoever is on call for a schedule), and who next if nobody acknowledges.
          </EmptyState>
        </Panel>
      ) : (
        list.map((p) => (
          <PolicyCard key={p.id} policy={p} dir={dir} services={services.data ?? []} teamName={teamName(p.teamId)} canWrite={canWrite} onEdit={() => setEditing(p)} linkTitle={!slug} />
        ))
      )}
      {editing && dir ? (
        <PolicyFormModal
          dir={dir}
          {...(editing === 'new' ? {} : { policy: editing })}
          onClose={() => setEditing(null)}
          onSaved={(p) => {
            setEditing(null);
            policies.setData((cur) => [...(cur ?? []).filter((x) => x.id !== p.id), p]);
            void policies.reload();
            if (slug && p.slug !== slug) navigate(`/escalation-policies/${encodeURIComponent(p.slug)}`, { replace: true });
          }}
        />
      ) : null}
    </>
  );
}

export const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.status === 404;

/**
 * Users & Teams: /users and /teams, two tabs of one page.
 * Admins manage users and teams; a team's lead may edit that team; stakeholders only read.
 */
import { useMemo, useState } from 'react';
import { api, call, type Team, type User } from '../api.ts';
import { Icon } from '../components/Icon.tsx';
import { TeamFormModal } from '../components/TeamForm.tsx';
import { UserFormModal } from '../components/UserForm.tsx';
import { InviteModal } from '../components/InviteForm.tsx';
import { PersonContactsModal } from '../components/PersonContacts.tsx';
import { Avatar, Badge, EmptyState, ErrorBanner, Loading, PageHeader, Panel, RoleBadge, TabLinks } from '../components/ui.tsx';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { useSession } from '../session.tsx';

type Tab = 'users' | 'teams';

const TABS = [
  { to: '/users', label: 'Users' },
  { to: '/teams', label: 'Teams' },
];

export function UsersTeamsPage({ tab }: { tab: Tab }) {
  useDocumentTitle(tab === 'users' ? 'Users' : 'Teams');
  const session = useSession();
  const isAdmin = session.user.role === 'admin' && session.can('admin');
  // Admins also see deactivated users, so they can reactivate them.
  const users = useResource(() => api.users.list({ includeInactive: isAdmin }), [isAdmin]);
  const teams = useResource(() => api.teams.list(), []);
  const [modal, setModal] = useState<{ kind: 'user'; user?: User } | { kind: 'team'; team?: Team } | { kind: 'invite' } | { kind: 'contacts'; user: User } | null>(null);
  const invites = useResource(async () => (isAdmin ? (await call('get', '/invites')).data : []), [isAdmin]);
  const [flash, setFlash] = useState<string | null>(null);

  // Mirrors the API's rules: users and new teams need an admin; a team's lead may also edit it.
  const canManageUsers = isAdmin;
  const canCreateTeams = isAdmin;
  const canEditTeam = (t: Team): boolean => isAdmin || (t.leadUserId === session.user.id && session.can('write'));

  const leadTeams = (teams.data ?? []).filter((t) => isAdmin || (t.leadUserId === session.user.id && session.can('write')));
  // An admin, or the lead of one of the person's teams, adds contact methods for them (verified by a code).
  const canSetUpContacts = (u: User): boolean =>
    u.id !== session.user.id && (session.user.role === 'admin' || (session.can('write') && (teams.data ?? []).some((t) => t.leadUserId === session.user.id && t.memberIds.includes(u.id))));
  const action =
    tab === 'users'
      ? (canManageUsers || leadTeams.length > 0) && (
          <span className="btn-row">
            <button type="button" className="btn btn-primary" onClick={() => setModal({ kind: 'invite' })} disabled={!teams.data}>
              <Icon name="plus" size={16} /> Invite people
            </button>
            {canManageUsers ? (
              <button type="button" className="btn btn-secondary" onClick={() => setModal({ kind: 'user' })}>
                Add user
              </button>
            ) : null}
          </span>
        )
      : canCreateTeams && (
          <button type="button" className="btn btn-primary" onClick={() => setModal({ kind: 'team' })} disabled={!users.data}>
            <Icon name="plus" size={16} /> New team
          </button>
        );

  return (
    <>
      <PageHeader title="Users & Teams" description="Who can be paged, and the teams that share on-call duty." actions={action || undefined} />
      <TabLinks tabs={TABS} current={tab === 'users' ? '/users' : '/teams'} label="Users and teams" />
      {isAdmin && tab === 'users' ? <SignInLockouts /> : null}
      {flash ? (
        <div className="banner banner-success" role="status">
          <Icon name="check" />
          <div>{flash}</div>
          <button type="button" className="banner-dismiss" aria-label="Dismiss" onClick={() => setFlash(null)}>
            <Icon name="x" size={16} />
          </button>
        </div>
      ) : null}
      {tab === 'users' ? (
        <UsersTable
          users={users.data}
          loading={users.loading}
          error={users.error}
          meId={session.user.id}
          canManage={canManageUsers}
          onAdd={() => setModal({ kind: 'user' })}
          onEdit={(user) => setModal({ kind: 'user', user })}
          canSetUpContacts={canSetUpContacts}
          onContacts={(user) => setModal({ kind: 'contacts', user })}
        />
      ) : (
        <TeamsTable
          teams={teams.data}
          users={users.data ?? []}
          loading={teams.loading}
          error={teams.error ?? users.error}
          canCreate={canCreateTeams && !!users.data}
          canEdit={(t) => !!users.data && canEditTeam(t)}
          onAdd={() => setModal({ kind: 'team' })}
          onEdit={(team) => setModal({ kind: 'team', team })}
        />
      )}

      {tab === 'users' && isAdmin && (invites.data ?? []).some((i) => i.status === 'pending') ? (
        <Panel title="Pending invites">
          <table className="table" aria-label="Pending invites">
            <thead>
              <tr>
                <th>Email</th>
                <th>Team</th>
                <th>Role</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(invites.data ?? [])
                .filter((i) => i.status === 'pending')
                .map((i) => (
                  <tr key={i.id}>
                    <td>{i.email}</td>
                    <td>{(teams.data ?? []).find((t) => t.id === i.teamId)?.name ?? <span className="muted">—</span>}</td>
                    <td>{i.role}</td>
                    <td className="small">{new Date(i.expiresAt).toLocaleDateString()}</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm"
                        onClick={async () => {
                          await call('delete', '/invites/{id}', { path: { id: i.id } });
                          void invites.reload();
                        }}
                      >
                        Withdraw
                      </button>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </Panel>
      ) : null}
      {modal?.kind === 'invite' ? (
        <InviteModal
          teams={leadTeams}
          isAdmin={isAdmin}
          onClose={() => setModal(null)}
          onSent={(summary) => {
            setModal(null);
            setFlash(summary);
            void invites.reload();
          }}
        />
      ) : null}
      {modal?.kind === 'contacts' ? <PersonContactsModal user={modal.user} onClose={() => setModal(null)} /> : null}
      {modal?.kind === 'user' ? (
        <UserFormModal
          {...(modal.user ? { user: modal.user } : {})}
          onClose={() => setModal(null)}
          onSaved={(saved) => {
            const isNew = !modal.user;
            users.setData((cur) => (isNew ? [...(cur ?? []), saved] : (cur ?? []).map((u) => (u.id === saved.id ? saved : u))));
            setModal(null);
            setFlash(isNew ? `${saved.name} was added.` : `${saved.name} was updated.`);
            if (saved.id === session.user.id) void session.refresh();
            void users.reload();
          }}
        />
      ) : null}
      {modal?.kind === 'team' && users.data ? (
        <TeamFormModal
          {...(modal.team ? { team: modal.team } : {})}
          users={users.data.filter((u) => u.active || modal.team?.memberIds.includes(u.id))}
          onClose={() => setModal(null)}
          onSaved={(saved) => {
            const isNew = !modal.team;
            teams.setData((cur) => (isNew ? [...(cur ?? []), saved] : (cur ?? []).map((t) => (t.id === saved.id ? saved : t))));
            setModal(null);
            setFlash(isNew ? `Team ${saved.name} was created.` : `Team ${saved.name} was updated.`);
            void teams.reload();
          }}
        />
      ) : null}
    </>
  );
}

function UsersTable({
  users,
  loading,
  error,
  meId,
  canManage,
  onAdd,
  onEdit,
  canSetUpContacts,
  onContacts,
}: {
  users: User[] | undefined;
  loading: boolean;
  error: unknown;
  meId: string;
  canManage: boolean;
  onAdd: () => void;
  onEdit: (u: User) => void;
  canSetUpContacts: (u: User) => boolean;
  onContacts: (u: User) => void;
}) {
  const [filter, setFilter] = useState('');
  const list = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const all = [...(users ?? [])].sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
    return q ? all.filter((u) => `${u.name} ${u.email} ${u.role} ${u.timeZone}`.toLowerCase().includes(q)) : all;
  }, [users, filter]);

  const withActions = canManage || list.some(canSetUpContacts);
  if (!users) {
    return <Panel>{loading ? <Loading label="Loading users…" /> : <ErrorBanner error={error} title="Could not load users." />}</Panel>;
  }
  return (
    <Panel
      title={`${users.length} ${users.length === 1 ? 'user' : 'users'}`}
      actions={
        <input
          type="search"
          className="table-filter"
          placeholder="Filter users…"
          aria-label="Filter users"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      }
    >
      <ErrorBanner error={error} />
      {users.length === 0 ? (
        <EmptyState
          icon="users"
          title="No users yet"
          action={
            canManage ? (
              <button className="btn btn-primary" onClick={onAdd}>
                Add the first user
              </button>
            ) : undefined
          }
        />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Time zone</th>
                <th scope="col">Contact</th>
                {withActions ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.id} className={u.active ? undefined : 'inactive'}>
                  <td>
                    <div className="cell-person">
                      <Avatar name={u.name} />
                      <span className="strong">{u.name}</span>
                      {u.id === meId ? <Badge tone="green">You</Badge> : null}
                      {!u.active ? <Badge tone="amber">Deactivated</Badge> : null}
                    </div>
                  </td>
                  <td>{u.email}</td>
                  <td>
                    <RoleBadge role={u.role} />
                  </td>
                  <td>{u.timeZone.replace(/_/g, ' ')}</td>
                  <td className="small">
                    {u.phone || u.slackUserId ? (
                      <>
                        {u.phone ? <div>{u.phone}</div> : null}
                        {u.slackUserId ? <div className="muted">Slack {u.slackUserId}</div> : null}
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  {withActions ? (
                    <td className="cell-actions">
                      {canSetUpContacts(u) ? (
                        <button type="button" className="btn btn-ghost btn-sm" aria-label={`Contact methods of ${u.name}`} onClick={() => onContacts(u)}>
                          <Icon name="bell" size={15} /> Contact methods
                        </button>
                      ) : null}
                      {canManage ? (
                        <button type="button" className="btn btn-ghost btn-sm" aria-label={`Edit ${u.name}`} onClick={() => onEdit(u)}>
                          <Icon name="edit" size={15} /> Edit
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
              {list.length === 0 ? (
                <tr>
                  <td colSpan={withActions ? 6 : 5} className="muted center">
                    No users match “{filter}”.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function TeamsTable({
  teams,
  users,
  loading,
  error,
  canCreate,
  canEdit,
  onAdd,
  onEdit,
}: {
  teams: Team[] | undefined;
  users: User[];
  loading: boolean;
  error: unknown;
  canCreate: boolean;
  canEdit: (t: Team) => boolean;
  onAdd: () => void;
  onEdit: (t: Team) => void;
}) {
  const byId = useMemo(() => new Map(users.map((u) => [u.id, u])), [users]);
  const anyEditable = (teams ?? []).some(canEdit);
  if (!teams) {
    return <Panel>{loading ? <Loading label="Loading teams…" /> : <ErrorBanner error={error} title="Could not load teams." />}</Panel>;
  }
  const sorted = [...teams].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Panel title={`${teams.length} ${teams.length === 1 ? 'team' : 'teams'}`}>
      <ErrorBanner error={error} />
      {teams.length === 0 ? (
        <EmptyState
          icon="users"
          title="No teams yet"
          action={
            canCreate ? (
              <button type="button" className="btn btn-primary" onClick={onAdd}>
                Create the first team
              </button>
            ) : undefined
          }
        >
          Teams group the people who share on-call duty. Schedules and services belong to a team.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Lead</th>
                <th scope="col">Members</th>
                {anyEditable ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {sorted.map((t) => {
                const lead = t.leadUserId ? byId.get(t.leadUserId) : undefined;
                const members = t.memberIds.map((id) => byId.get(id)).filter((u): u is User => !!u);
                return (
                  <tr key={t.id}>
                    <td>
                      <div className="strong">{t.name}</div>
                      <div className="muted small mono">{t.slug}</div>
                      {t.description ? <div className="muted small">{t.description}</div> : null}
                    </td>
                    <td>
                      {lead ? (
                        <div className="cell-person">
                          <Avatar name={lead.name} size={26} />
                          <span>{lead.name}</span>
                        </div>
                      ) : t.leadUserId ? (
                        <span className="muted">Unknown user</span>
                      ) : (
                        <span className="muted">No lead</span>
                      )}
                    </td>
                    <td>
                      {t.memberIds.length === 0 ? <span className="muted">No members</span> : <MemberSummary members={members} total={t.memberIds.length} />}
                    </td>
                    {anyEditable ? (
                      <td className="cell-actions">
                        {canEdit(t) ? (
                          <button type="button" className="btn btn-ghost btn-sm" aria-label={`Edit team ${t.name}`} onClick={() => onEdit(t)}>
                            <Icon name="edit" size={15} /> Edit
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function MemberSummary({ members, total }: { members: User[]; total: number }) {
  const names = members.map((m) => m.name);
  const shown = names.slice(0, 3);
  const rest = total - shown.length;
  return (
    <div className="member-summary" title={names.join(', ')}>
      <span className="avatar-stack" aria-hidden="true">
        {members.slice(0, 4).map((m) => (
          <Avatar key={m.id} name={m.name} size={24} />
        ))}
      </span>
      <span className="small">
        {shown.join(', ')}
        {rest > 0 ? ` +${rest} more` : ''}
      </span>
    </div>
  );
}

/** Admins: accounts and client addresses locked out after failed sign-ins, with a way to unlock. */
function SignInLockouts() {
  const list = useResource(() => api.auth.signInThrottle(), []);
  const locked = (list.data ?? []).filter((e) => e.locked);
  if (!locked.length) return null;
  return (
    <div className="banner banner-info" role="status" aria-label="Sign-in lockouts">
      <Icon name="alert" />
      <div>
        Sign-in locked after failed attempts:{' '}
        {locked.map((e, i) => (
          <span key={`${e.kind}:${e.subject}`}>
            {i ? ', ' : ''}
            {e.kind === 'account' ? e.subject : `address ${e.subject}`}{' '}
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              aria-label={`Unlock ${e.subject}`}
              onClick={() => void api.auth.clearSignInThrottle(e.kind, e.subject).then(() => list.reload())}
            >
              Unlock
            </button>
          </span>
        ))}
      </div>
    </div>
  );
}

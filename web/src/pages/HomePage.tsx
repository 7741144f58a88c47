import { api, type Team, type User } from '../api.ts';
import { OnCallPanel } from '../components/OnCallPanel.tsx';
import { SetupChecklist, TeamReadinessPanel, useChecklist } from '../components/Readiness.tsx';
import { Avatar, EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

function greeting(now = new Date()): string {
  const h = now.getHours();
  if (h < 5) return 'Good night';
  if (h < 12) return 'Good morning';
  if (h < 18) return 'Good afternoon';
  return 'Good evening';
}

export function HomePage() {
  useDocumentTitle('Home');
  const { user } = useSession();
  const firstName = user.name.split(/\s+/)[0] ?? user.name;
  const checklist = useChecklist();
  return (
    <>
      <PageHeader title="Home" description={`${greeting()}, ${firstName}. Here is where things stand.`} />
      <SetupChecklist checklist={checklist} variant="card" />
      <div className="home-grid">
        <OnCallPanel />
        <div className="home-side">
          <YourTeamsPanel me={user} />
          <TeamReadinessPanel />
        </div>
      </div>
    </>
  );
}

function YourTeamsPanel({ me }: { me: User }) {
  const teams = useResource(() => api.teams.list(), []);
  const mine = (teams.data ?? []).filter((t: Team) => t.memberIds.includes(me.id) || t.leadUserId === me.id);
  return (
    <Panel title="Your teams" actions={<Link to="/teams">All teams</Link>}>
      {teams.loading && !teams.data ? <Loading /> : null}
      <ErrorBanner error={teams.error} />
      {teams.data && mine.length === 0 ? (
        <EmptyState icon="users" title="You are not on a team yet">
          Teams own schedules and services. An admin can add you on <Link to="/teams">Users &amp; Teams</Link>.
        </EmptyState>
      ) : null}
      {mine.length > 0 ? (
        <ul className="simple-list">
          {mine.map((t) => (
            <li key={t.id}>
              <Avatar name={t.name} size={28} />
              <div>
                <div className="strong">{t.name}</div>
                <div className="muted small">
                  {t.leadUserId === me.id ? 'You lead this team · ' : ''}
                  {t.memberIds.length} {t.memberIds.length === 1 ? 'member' : 'members'}
                </div>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </Panel>
  );
}

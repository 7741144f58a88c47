/**
 * The app shell: session state, sign-in gate, sidebar navigation and the route table.
 *
 * To add an area: add its sidebar entry to NAV and its page(s) to ROUTES (first match wins;
 * patterns support `:param` segments and a trailing `*`).
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthenticated, type Me } from './api.ts';
import { Icon } from './components/Icon.tsx';
import { Layout, type NavItem } from './components/Layout.tsx';
import { Loading } from './components/ui.tsx';
import { AlertDetailPage } from './pages/AlertDetailPage.tsx';
import { AlertsPage } from './pages/AlertsPage.tsx';
import { ComingSoonPage } from './pages/ComingSoonPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { IncidentDetailPage } from './pages/IncidentDetailPage.tsx';
import { IncidentsPage } from './pages/IncidentsPage.tsx';
import { InsightsPage } from './pages/InsightsPage.tsx';
import { MyShiftsPage } from './pages/MyShiftsPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PageDetailPage } from './pages/PageDetailPage.tsx';
import { PostmortemDetailPage } from './pages/PostmortemDetailPage.tsx';
import { PostmortemsPage } from './pages/PostmortemsPage.tsx';
import { ScheduleDetailPage } from './pages/ScheduleDetailPage.tsx';
import { SchedulesPage } from './pages/SchedulesPage.tsx';
import { AvailabilityPage } from './pages/AvailabilityPage.tsx';
import { ServiceDetailPage } from './pages/ServiceDetailPage.tsx';
import { EscalationPoliciesPage, ServicesPage } from './pages/ServicesPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SeveritiesPage } from './pages/SeveritiesPage.tsx';
import { ShiftReportsPage } from './pages/ShiftReportsPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { InvitePage, VerifyContactPage } from './pages/InvitePage.tsx';
import { UsersTeamsPage } from './pages/UsersTeamsPage.tsx';
import { BacklogPage } from './pages/BacklogPage.tsx';
import { SecurityReportPage } from './pages/SecurityReportPage.tsx';
import { TriagePage } from './pages/TriagePage.tsx';
import { matchPath, navigate, safeNext, useLocation } from './router.tsx';
import { SessionProvider } from './session.tsx';

/** Sidebar navigation, in order; `group` is the section heading. */
export const NAV: NavItem[] = [
  { label: 'Home', to: '/', icon: 'home', group: 'On call' },
  { label: 'Schedules', to: '/schedules', icon: 'calendar', group: 'On call' },
  { label: 'My shifts', to: '/shifts', icon: 'clock', group: 'On call' },
  { label: 'Sprint availability', to: '/availability', icon: 'users', group: 'On call' },
  { label: 'Alerts', to: '/alerts', icon: 'bell', group: 'On call', activeFor: ['/pages'] },
  { label: 'Services', to: '/services', icon: 'server', group: 'On call', activeFor: ['/escalation-policies'] },
  { label: 'Incidents', to: '/incidents', icon: 'flame', group: 'On call', activeFor: ['/severities'] },
  { label: 'Post-mortems', to: '/postmortems', icon: 'book', group: 'Review' },
  { label: 'Shift reports', to: '/reports', icon: 'clipboard', group: 'Review', activeFor: ['/shift-reports'] },
  { label: 'Insights', to: '/insights', icon: 'chart', group: 'Review' },
  { label: 'Triage', to: '/triage', icon: 'inbox', group: 'Follow-up' },
  { label: 'Backlog', to: '/backlog', icon: 'list', group: 'Follow-up' },
  { label: 'Report a security issue', to: '/security/report', icon: 'shield', group: 'Follow-up' },
  { label: 'Users & Teams', to: '/users', icon: 'users', group: 'Organization', activeFor: ['/teams'] },
  { label: 'Settings', to: '/settings/tokens', icon: 'settings', group: 'Organization', activeFor: ['/settings'] },
];

export interface AppRoute {
  /** e.g. `/incidents/:id`. */
  path: string;
  render: (params: Record<string, string>) => ReactNode;
}

const soon = (title: string, icon: NavItem['icon'], description: string) => () => <ComingSoonPage title={title} icon={icon} description={description} />;

/** Signed-in pages. First match wins. */
export const ROUTES: AppRoute[] = [
  { path: '/', render: () => <HomePage /> },
  { path: '/schedules', render: () => <SchedulesPage /> },
  { path: '/schedules/:slug', render: (p) => <ScheduleDetailPage key={p.slug} slug={p.slug!} /> },
  { path: '/shifts', render: () => <MyShiftsPage /> },
  { path: '/availability', render: () => <AvailabilityPage /> },
  { path: '/alerts', render: () => <AlertsPage /> },
  { path: '/alerts/:id', render: (p) => <AlertDetailPage key={p.id} id={p.id!} /> },
  { path: '/pages/:id', render: (p) => <PageDetailPage key={p.id} id={p.id!} /> },
  { path: '/services', render: () => <ServicesPage /> },
  { path: '/services/:slug', render: (p) => <ServiceDetailPage key={p.slug} slug={p.slug!} /> },
  { path: '/escalation-policies', render: () => <EscalationPoliciesPage /> },
  { path: '/escalation-policies/:slug', render: (p) => <EscalationPoliciesPage key={p.slug} slug={p.slug!} /> },
  { path: '/incidents', render: () => <IncidentsPage /> },
  { path: '/incidents/:id', render: (p) => <IncidentDetailPage key={p.id} id={p.id!} /> },
  { path: '/severities', render: () => <SeveritiesPage /> },
  { path: '/insights', render: () => <InsightsPage /> },
  { path: '/postmortems', render: () => <PostmortemsPage /> },
  { path: '/postmortems/:id', render: (p) => <PostmortemDetailPage key={p.id} id={p.id!} /> },
  { path: '/reports', render: () => <ShiftReportsPage /> },
  { path: '/reports/:id', render: (p) => <ShiftReportsPage key={p.id} id={p.id!} /> },
  { path: '/shift-reports', render: () => <Redirect to="/reports" /> },
  { path: '/triage', render: () => <TriagePage /> },
  { path: '/backlog', render: () => <BacklogPage /> },
  { path: '/security/report', render: () => <SecurityReportPage /> },
  { path: '/triage/*', render: soon('Triage', 'inbox', 'Sort new follow-ups from incidents and shifts into the backlog.') },
  { path: '/backlog/*', render: soon('Backlog', 'list', 'Follow-up work that keeps incidents from happening again.') },
  { path: '/users', render: () => <UsersTeamsPage tab="users" /> },
  { path: '/teams', render: () => <UsersTeamsPage tab="teams" /> },
  { path: '/settings', render: () => <Redirect to="/settings/tokens" /> },
  { path: '/settings/account', render: () => <SettingsPage section="account" /> },
  { path: '/settings/tokens', render: () => <SettingsPage section="tokens" /> },
  { path: '/settings/notifications', render: () => <SettingsPage section="notifications" /> },
  { path: '/settings/incidents', render: () => <SettingsPage section="incidents" /> },
  { path: '/settings/audit', render: () => <SettingsPage section="audit" /> },
  { path: '/settings/notion', render: () => <SettingsPage section="notion" /> },
  { path: '/settings/import', render: () => <SettingsPage section="import" /> },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function renderRoute(pathname: string): ReactNode {
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) return route.render(params);
  }
  return <NotFoundPage />;
}

type AuthState = { kind: 'loading' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; me: Me } | { kind: 'error'; error: unknown };

const SIGN_IN_PATH = '/login';

/** Pages behind emailed links: open without signing in (the link's token is the proof). */
function publicPage(pathname: string, onJoined: () => Promise<void>): ReactNode | null {
  const invite = matchPath('/invite/:token', pathname);
  if (invite) return <InvitePage token={invite.token!} onJoined={onJoined} />;
  const verify = matchPath('/verify/:token', pathname);
  if (verify) return <VerifyContactPage token={verify.token!} />;
  return null;
}

export function App() {
  const { pathname, search } = useLocation();
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' });

  const loadMe = useCallback(async (): Promise<Me | null> => {
    try {
      const me = await api.auth.me();
      setAuth({ kind: 'signed-in', me });
      return me;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setAuth({ kind: 'signed-out' });
        return null;
      }
      setAuth({ kind: 'error', error: err });
      return null;
    }
  }, []);

  useEffect(() => {
    void loadMe();
    return onUnauthenticated(() => setAuth({ kind: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' }));
  }, [loadMe]);

  // Keep the URL in line with the session: /login when signed out, back to where you were after.
  useEffect(() => {
    if (auth.kind === 'signed-out' && pathname !== SIGN_IN_PATH && !pathname.startsWith('/invite/') && !pathname.startsWith('/verify/')) {
      const here = pathname + search;
      navigate(here === '/' ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(here)}`, { replace: true });
    } else if (auth.kind === 'signed-in' && pathname === SIGN_IN_PATH) {
      navigate(safeNext(new URLSearchParams(search).get('next')), { replace: true });
    }
  }, [auth.kind, pathname, search]);

  const signOut = useCallback(async () => {
    try {
      await api.auth.logout();
    } catch (err) {
      // Already signed out on the server is fine; anything else is reported.
      if (!(err instanceof ApiError && err.status === 401)) throw err;
    }
    setAuth({ kind: 'signed-out' });
    navigate(SIGN_IN_PATH);
  }, []);

  const refresh = useCallback(async () => {
    await loadMe();
  }, [loadMe]);

  const joined = async (): Promise<void> => {
    await loadMe();
    navigate('/settings/notifications', { replace: true });
  };
  const open = auth.kind !== 'loading' && auth.kind !== 'error' && (pathname.startsWith('/invite/') || pathname.startsWith('/verify/')) ? publicPage(pathname, joined) : null;
  if (open) return open;

  if (auth.kind === 'loading') {
    return (
      <div className="fullscreen-center">
        <Loading label="Loading Vigil…" />
      </div>
    );
  }

  if (auth.kind === 'error') {
    return (
      <div className="fullscreen-center">
        <div className="panel fatal-panel" role="alert">
          <Icon name="alert" size={28} />
          <h1>Vigil is not responding</h1>
          <p className="muted">{auth.error instanceof Error ? auth.error.message : 'The server could not be reached.'}</p>
          <button type="button" className="btn btn-primary" onClick={() => void loadMe()}>
            Try again
          </button>
        </div>
      </div>
    );
  }

  if (auth.kind === 'signed-out') {
    return (
      <SignInPage
        notice={auth.notice}
        onSignedIn={async () => {
          const me = await loadMe();
          if (!me) {
            throw new Error(
              'Signed in, but the browser did not keep the session cookie. Check that cookies are allowed and that Vigil is opened at its configured address (https if it uses secure cookies).',
            );
          }
        }}
      />
    );
  }

  return (
    <SessionProvider me={auth.me} refresh={refresh} signOut={signOut}>
      <Layout nav={NAV}>{pathname === SIGN_IN_PATH ? null : renderRoute(pathname)}</Layout>
    </SessionProvider>
  );
}

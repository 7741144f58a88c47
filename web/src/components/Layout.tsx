/**
 * The signed-in shell: dark sidebar navigation on the left, page content on the right.
 */
import { useId, useState, type ReactNode } from 'react';
import { errorMessage } from '../api.ts';
import { capitalize } from '../format.ts';
import { isUnder, Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Icon, type IconName } from './Icon.tsx';
import { Avatar } from './ui.tsx';

export interface NavItem {
  label: string;
  to: string;
  icon: IconName;
  /** Sidebar section heading this item sits under. */
  group: string;
  /** Extra path prefixes that highlight this item (e.g. `/teams` for Users & Teams). */
  activeFor?: string[];
}

export function Layout({ nav, children }: { nav: NavItem[]; children: ReactNode }) {
  const { pathname } = useLocation();
  const groups: Array<{ name: string; items: NavItem[] }> = [];
  for (const item of nav) {
    let g = groups.find((x) => x.name === item.group);
    if (!g) groups.push((g = { name: item.group, items: [] }));
    g.items.push(item);
  }
  const isActive = (item: NavItem): boolean => [item.to, ...(item.activeFor ?? [])].some((p) => isUnder(p, pathname));

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link to="/" className="brand" aria-label="Vigil home">
          <span className="brand-mark">
            <Icon name="pulse" size={18} />
          </span>
          <span className="brand-name">Vigil</span>
        </Link>
        <nav className="sidebar-nav" aria-label="Main">
          {groups.map((g) => (
            <NavGroup key={g.name} name={g.name}>
              {g.items.map((item) => {
                const active = isActive(item);
                return (
                  <li key={item.to}>
                    <Link to={item.to} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
                      <Icon name={item.icon} />
                      <span>{item.label}</span>
                    </Link>
                  </li>
                );
              })}
            </NavGroup>
          ))}
        </nav>
        <SidebarUser />
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        <div className="content-inner">{children}</div>
      </main>
    </div>
  );
}

function NavGroup({ name, children }: { name: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="nav-group">
      <div className="nav-group-label" id={id}>
        {name}
      </div>
      <ul aria-labelledby={id}>{children}</ul>
    </div>
  );
}

function SidebarUser() {
  const { user, signOut } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="sidebar-user">
      <div className="sidebar-user-info">
        <Avatar name={user.name} size={34} />
        <div className="sidebar-user-text">
          <div className="sidebar-user-name" title={user.email}>
            {user.name}
          </div>
          <div className="sidebar-user-role">{capitalize(user.role)}</div>
        </div>
      </div>
      <button
        type="button"
        className="sidebar-signout"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await signOut();
          } catch (err) {
            setError(errorMessage(err));
            setBusy(false);
          }
        }}
      >
        <Icon name="logout" size={16} />
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
      {error ? (
        <p className="sidebar-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Small presentational building blocks shared by every page.
 */
import { useId, type ReactNode } from 'react';
import { errorMessage, type Role } from '../api.ts';
import { capitalize, initials } from '../format.ts';
import { Link } from '../router.tsx';
import { Icon, type IconName } from './Icon.tsx';

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p className="page-description">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

/** A titled card (a region named by its title). `titleAs` sets the heading level (h2 by default). */
export function Panel({
  title,
  actions,
  children,
  className,
  titleAs: H = 'h2',
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  titleAs?: 'h2' | 'h3';
}) {
  const titleId = useId();
  return (
    <section className={className ? `panel ${className}` : 'panel'} aria-labelledby={title ? titleId : undefined}>
      {title || actions ? (
        <div className="panel-header">
          {title ? (
            <H className="panel-title" id={titleId}>
              {title}
            </H>
          ) : (
            <span />
          )}
          {actions ? <div className="panel-actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function EmptyState({ icon = 'inbox', title, children, action }: { icon?: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state">
      <div className="empty-icon">
        <Icon name={icon} size={26} />
      </div>
      <h2 className="empty-title">{title}</h2>
      {children ? <div className="empty-text">{children}</div> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}

export function ErrorBanner({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      <Icon name="alert" />
      <div>
        {title ? <strong>{title} </strong> : null}
        {typeof error === 'string' ? error : errorMessage(error)}
      </div>
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export type BadgeTone = 'neutral' | 'blue' | 'green' | 'amber' | 'red' | 'purple';

export function Badge({ tone = 'neutral', children }: { tone?: BadgeTone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const ROLE_TONE: Record<Role, BadgeTone> = { admin: 'purple', responder: 'blue', stakeholder: 'neutral' };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={ROLE_TONE[role] ?? 'neutral'}>{capitalize(role)}</Badge>;
}

const AVATAR_COLORS = ['#2563eb', '#7c3aed', '#db2777', '#ea580c', '#16a34a', '#0891b2', '#4f46e5', '#b45309'];

export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const bg = AVATAR_COLORS[h % AVATAR_COLORS.length];
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.4, background: bg }} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

/** Tabs rendered as links (each tab has its own URL). */
export function TabLinks({ tabs, current, label }: { tabs: Array<{ to: string; label: string }>; current: string; label: string }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => (
        <TabLink key={t.to} to={t.to} active={t.to === current}>
          {t.label}
        </TabLink>
      ))}
    </nav>
  );
}

function TabLink({ to, active, children }: { to: string; active: boolean; children: ReactNode }) {
  return (
    <Link to={to} className={active ? 'tab active' : 'tab'} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

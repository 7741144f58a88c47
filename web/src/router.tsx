/**
 * A tiny History API router: `useLocation()`, `navigate()`, `<Link>` and `matchPath()`.
 * The server answers index.html for unknown non-API GET paths, so every URL here is deep-linkable.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

export interface Location {
  pathname: string;
  search: string;
}

const listeners = new Set<() => void>();
const notify = (): void => {
  for (const l of listeners) l();
};

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) window.addEventListener('popstate', notify);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', notify);
  };
}

const href = (): string => window.location.pathname + window.location.search;

/** Goes to `to` (a same-origin path, optionally with ?query). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === href()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, href, href);
  const q = current.indexOf('?');
  return q === -1 ? { pathname: current, search: '' } : { pathname: current.slice(0, q), search: current.slice(q) };
}

export function useSearchParams(): URLSearchParams {
  return new URLSearchParams(useLocation().search);
}

/**
 * Matches `/teams/:id` style patterns; a trailing `/*` matches any rest (as params['*']).
 * Returns the decoded params, or null when the path does not match.
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const trim = (s: string): string[] => s.split('/').filter(Boolean);
  const pat = trim(pattern);
  const parts = trim(pathname);
  const params: Record<string, string> = {};
  for (let i = 0; i < pat.length; i++) {
    const p = pat[i]!;
    if (p === '*') {
      params['*'] = parts.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return null;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(part);
    else if (p !== part) return null;
  }
  return parts.length === pat.length ? params : null;
}

/** True when `pathname` is `base` or below it (`/teams` is active for `/teams/42`). */
export function isUnder(base: string, pathname: string): boolean {
  if (base === '/') return pathname === '/';
  return pathname === base || pathname.startsWith(base.endsWith('/') ? base : base + '/');
}

/** A safe in-app redirect target from untrusted input (e.g. ?next=): only local absolute paths. */
export function safeNext(value: string | null | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; replace?: boolean; children?: ReactNode };

export function Link({ to, replace, onClick, target, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (target && target !== '_self') return;
    e.preventDefault();
    navigate(to, { replace: replace ?? false });
  };
  return <a href={to} target={target} onClick={handle} {...rest} />;
}

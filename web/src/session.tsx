/**
 * The signed-in user, available anywhere below <SessionProvider> through useSession().
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { Me, Role, Scope, User } from './api.ts';

export interface SessionValue {
  user: User;
  scopes: Scope[];
  /** True when the user's role and session both allow `scope`. */
  can: (scope: Scope) => boolean;
  /** Re-reads /me (e.g. after changing your own profile). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

const ROLE_SCOPES: Record<Role, Scope[]> = {
  admin: ['read', 'write', 'admin'],
  responder: ['read', 'write'],
  stakeholder: ['read'],
};

export function scopesForRole(role: Role): Scope[] {
  return ROLE_SCOPES[role] ?? ['read'];
}

export function SessionProvider({
  me,
  refresh,
  signOut,
  children,
}: {
  me: Me;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  children: ReactNode;
}) {
  const value: SessionValue = {
    user: me.user,
    scopes: me.scopes,
    can: (scope) => me.scopes.includes(scope) && scopesForRole(me.user.role).includes(scope),
    refresh,
    signOut,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession() used outside <SessionProvider>');
  return s;
}

/**
 * Authentication for every route but the public ones: an API token (`Authorization: Bearer ...`)
 * or the session cookie set by sign-in. Then the route's scope is checked.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateSession, authenticateToken, requireScope, type Principal } from '../core/auth/auth.js';
import { unauthenticated } from '../core/shared/errors.js';
import type { CoreDeps } from '../core/shared/ports.js';
import type { RouteAuth } from './types.js';

export const SESSION_COOKIE = 'vigil_session';

export async function resolvePrincipal(core: CoreDeps, request: FastifyRequest): Promise<Principal | undefined> {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    return authenticateToken(core, m[1]!);
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) return authenticateSession(core, cookie);
  return undefined;
}

/**
 * The auth a request needs: what its route declares; else, under /api/, `read` for GET/HEAD and
 * `write` otherwise. The web UI's files, the API reference and unmatched paths are public.
 */
export function routeAuth(request: FastifyRequest): RouteAuth {
  const configured = request.routeOptions.config?.auth;
  if (configured) return configured;
  const path = request.url.split('?')[0] ?? '';
  if (!request.routeOptions.url || !path.startsWith('/api/') || path.startsWith('/api/docs')) return 'public';
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

export function authHook(core: CoreDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const auth = routeAuth(request);
    if (auth === 'public') return;
    const principal = await resolvePrincipal(core, request);
    if (!principal) throw unauthenticated();
    request.principal = principal;
    requireScope(principal, auth);
  };
}

/** The principal of an authenticated route (the hook guarantees it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

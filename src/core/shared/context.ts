/**
 * What every use case is told about the call, built once by the adapter that received it (an HTTP
 * request, a Slack command, an engine job, the CLI). A use case's signature is
 * `(deps: CoreDeps, ctx: Ctx, input) => Promise<output>`: it opens its own transaction through
 * `deps.uow` and decides permissions from `ctx.principal`.
 */
import type { Principal } from '../auth/auth.js';
import type { User } from '../users/users.js';
import { SYSTEM_ACTOR, type Actor } from './ports.js';

export interface Ctx {
  /** Epoch ms, read once from the clock for the whole call. */
  now: number;
  /** Who the timeline and the audit log name. */
  actor: Actor;
  /** The signed-in principal (HTTP, the CLI); absent for engine jobs, Slack and integrations. */
  principal?: Principal;
  /** The person acting, when a person acts (the principal's user, or a linked Slack account). */
  user?: User;
  /** Where links in messages point (the web UI's base URL). */
  publicUrl: string;
}

/** A call made by Vigil itself: an engine job, a reconciler, start-up. */
export function systemCtx(now: number, publicUrl: string): Ctx {
  return { now, actor: SYSTEM_ACTOR, publicUrl };
}

/** A call made by a signed-in person (HTTP request, CLI). */
export function principalCtx(principal: Principal, now: number, publicUrl: string): Ctx {
  return { now, actor: { type: 'user', id: principal.user.id }, principal, user: principal.user, publicUrl };
}

/** A call made by a person known by their account but not signed in here (a linked Slack account). */
export function userCtx(user: User, now: number, publicUrl: string): Ctx {
  return { now, actor: { type: 'user', id: user.id }, user, publicUrl };
}

/** A call made by an integration (an intake key, a vendor webhook). */
export function integrationCtx(integrationId: string, now: number, publicUrl: string): Ctx {
  return { now, actor: { type: 'integration', id: integrationId }, publicUrl };
}

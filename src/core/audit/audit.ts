/**
 * The audit log: every configuration change (who, when, what, before and after), written by the
 * use case that makes the change, in its own transaction, so a change and its audit entry commit
 * or roll back together. Admins search it (`GET /api/v1/audit`, the Audit page).
 */
import { invalid } from '../shared/errors.js';
import type { Actor, CoreDeps, Repos } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { requireAdmin, requirePrincipal } from '../auth/permissions.js';

export interface AuditEntry {
  id: string;
  at: number;
  actor: Actor;
  /** e.g. `service.updated`, `integration.removed`, `override.created`. */
  action: string;
  entityType: string;
  entityId: string;
  /** The team owning the object, when it has one. */
  teamId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  teamId?: string;
  from?: number;
  to?: number;
  /** Text searched in the action, the entity and the before/after documents. */
  q?: string;
  limit?: number;
  offset?: number;
}

export interface AuditRepo {
  insert(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry>;
  search(filter: AuditFilter): Promise<{ data: AuditEntry[]; total: number }>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    audit: AuditRepo;
  }
}

export interface AuditChange {
  action: string;
  entityType: string;
  entityId: string;
  teamId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Fields never copied into the audit log. */
const SECRET_FIELDS = new Set(['signingSecret', 'key', 'keyHash', 'passwordHash', 'password', 'secret', 'tokenHash']);

function redact(value: unknown, depth = 0): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = SECRET_FIELDS.has(k) && v !== null && v !== undefined ? '[redacted]' : redact(v, depth + 1);
  return out;
}

/** Records one configuration change in the current transaction. */
export async function audit(r: Repos, actor: Actor, change: AuditChange): Promise<void> {
  await r.audit.insert({
    actor: { type: actor.type, id: actor.id },
    action: change.action,
    entityType: change.entityType,
    entityId: change.entityId,
    teamId: change.teamId ?? null,
    before: redact(change.before),
    after: redact(change.after),
  });
}

export async function searchAudit(deps: CoreDeps, ctx: Ctx, filter: AuditFilter): Promise<{ data: AuditEntry[]; total: number }> {
  requireAdmin(requirePrincipal(ctx), 'read the audit log');
  if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from) throw invalid('invalid_window', 'to must not be before from.', { field: 'to' });
  return deps.uow.run((r) => r.audit.search({ ...filter, limit: Math.min(filter.limit ?? 100, 500), offset: filter.offset ?? 0 }));
}

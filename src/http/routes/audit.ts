/**
 * The audit log of configuration changes, for admins: `GET /api/v1/audit` with filters.
 */
import { Type } from '@sinclair/typebox';
import { searchAudit } from '../../core/audit/audit.js';
import { principalCtx } from '../../core/shared/context.js';
import { principalOf } from '../auth.js';
import { StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    at: Type.Number({ description: 'Epoch milliseconds' }),
    actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
    action: Type.String({ description: 'e.g. service.updated, integration.removed, override.created' }),
    entityType: Type.String(),
    entityId: Type.String(),
    teamId: Type.Union([Type.String(), Type.Null()]),
    before: Type.Unknown({ description: 'The object before the change (null when created); secrets redacted' }),
    after: Type.Unknown({ description: 'The object after the change (null when deleted); secrets redacted' }),
  },
  { $id: 'AuditEntry' },
);

const MAX_INSTANT = 8.64e15;

export function auditRoutes(app: App, deps: HttpDeps): void {
  app.addSchema(AuditEntrySchema);
  app.get('/api/v1/audit', {
    config: { auth: 'admin' },
    schema: {
      tags: ['identity'],
      summary: 'Search the audit log of configuration changes (admin), newest first',
      querystring: Type.Object(
        {
          actor: Type.Optional(Type.String({ maxLength: 100, description: 'User id of who made the change' })),
          action: Type.Optional(Type.String({ maxLength: 100 })),
          entityType: Type.Optional(Type.String({ maxLength: 100 })),
          entityId: Type.Optional(Type.String({ maxLength: 100 })),
          team: Type.Optional(Type.String({ maxLength: 100, description: 'Team id' })),
          from: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INSTANT, description: 'Epoch milliseconds, inclusive' })),
          to: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INSTANT, description: 'Epoch milliseconds, exclusive' })),
          q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in the action, the entity id or the before/after documents' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ data: Type.Array(Type.Ref('AuditEntry')), total: Type.Number() }), ...StdErrors },
    },
    handler: async (req) => {
      const q = req.query;
      return searchAudit(deps.core, principalCtx(principalOf(req), deps.core.clock.now(), deps.config.publicUrl), {
        ...(q.actor ? { actorId: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.entityType ? { entityType: q.entityType } : {}),
        ...(q.entityId ? { entityId: q.entityId } : {}),
        ...(q.team ? { teamId: q.team } : {}),
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
      });
    },
  });
}

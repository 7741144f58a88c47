/**
 * Security reports: the report form (any signed-in user, stakeholders included) and the webhook
 * for security tools (`POST /hooks/security/{integrationKey}`). Each report becomes a private
 * incident (see core/security/security.ts).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { integrationCtx, principalCtx, systemCtx } from '../../core/shared/context.js';
import { DomainError } from '../../core/shared/errors.js';
import { reportSecurityIssue, securityHookTarget } from '../../core/security/security.js';
import { principalOf } from '../auth.js';
import { errorBody } from '../errors.js';
import { StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';
import { out as incidentOut } from './incidents.js';
import { TokenBucketLimiter } from '../../integrations/shared/http.js';

const ReportBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 20_000 }),
    severity: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'P0..P4, or critical, high, medium, low, info; default P2' })),
  },
  { additionalProperties: false },
);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function securityRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  const limiter = new TokenBucketLimiter(deps.config.intakeRatePerSecond ?? 100, deps.config.intakeBurst ?? 1000);
  const tags = ['security'];

  app.post('/api/v1/security-reports', {
    config: { auth: 'read' },
    schema: {
      tags,
      summary: 'Report a security problem (anyone signed in). It becomes a private incident seen only by the security owner, the on-call and you',
      body: ReportBody,
      response: { 201: Type.Ref('Incident'), ...StdErrors },
    },
    handler: async (req, reply) => {
      const ctx = principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);
      const incident = await reportSecurityIssue(core, ctx, { ...req.body, source: 'report form' });
      return reply.status(201).send(incidentOut(incident));
    },
  });

  const hook = async (req: FastifyRequest, reply: FastifyReply) => {
    const key = (req.params as { key: string }).key;
    const res = await securityHookTarget(core, systemCtx(core.clock.now(), deps.config.publicUrl), { key });
    if (!res.found && res.reason === 'unknown_integration_key')
      return reply.status(401).send(errorBody('unknown_integration_key', 'Unknown or disabled integration key.'));
    if (!res.found)
      return reply
        .status(400)
        .send(errorBody('wrong_integration_type', `This key belongs to a ${res.type} integration; security tools post with a generic integration's key.`));
    const wait = limiter.take(res.integration.id);
    if (wait)
      return reply
        .header('retry-after', String(wait))
        .status(429)
        .send(errorBody('rate_limited', `Too many requests for this integration; retry in ${wait} s.`));
    const b = req.body;
    if (!isObj(b)) return reply.status(400).send(errorBody('invalid_payload', 'The body must be a JSON object: {title, description, severity, source, link}.'));
    const text = (k: string): string | undefined => (typeof b[k] === 'string' ? (b[k] as string) : typeof b[k] === 'number' ? String(b[k]) : undefined);
    const title = text('title');
    if (!title?.trim()) return reply.status(400).send(errorBody('invalid_payload', 'title is required.', { field: 'title' }));
    try {
      const incident = await reportSecurityIssue(core, integrationCtx(res.integration.id, core.clock.now(), deps.config.publicUrl), {
        title: title.trim().slice(0, 200),
        description: text('description') ?? '',
        severity: text('severity'),
        source: text('source') ?? res.integration.name,
        link: text('link'),
      });
      // The tool learns where the report went, not what is in it (the incident is private).
      return reply.status(202).send({ status: 'accepted', reference: `INC-${incident.number}` });
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'invalid') return reply.status(400).send(errorBody(err.code, err.message, err.details));
      throw err;
    }
  };
  app.post('/hooks/security/:key', { config: { auth: 'public' }, schema: { hide: true } }, hook);
}

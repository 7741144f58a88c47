/**
 * Error triage over HTTP: the Sentry webhook (`POST /hooks/sentry/{integrationKey}`) and the
 * triage queue with its four decisions (`/api/v1/triage`).
 */
import { assertCleanJson } from '../../core/shared/validate.js';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { integrationCtx, principalCtx, systemCtx, type Ctx } from '../../core/shared/context.js';
import {
  decideBug,
  decideFixing,
  decideIncident,
  decideNoise,
  getTriageItem,
  ingestSentryAlert,
  recordSignal,
  sentryHookTarget,
  triageQueue,
  TRIAGE_DECISIONS,
  type BugTracker,
  type TriageItem,
} from '../../core/triage/triage.js';
import { out as incidentOut } from './incidents.js';
import {
  parseLegacyWebhook,
  parseSentryHook,
  SentryPayloadError,
  sentryHeader,
  verifySentrySignature,
  type SentryHook,
} from '../../integrations/inbound/sentry.js';
import { TokenBucketLimiter } from '../../integrations/shared/http.js';
import { principalOf } from '../auth.js';
import { errorBody } from '../errors.js';
import { IdParams, StdErrors, TimelineEventSchema } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const TriageItemOut = Type.Object(
  {
    id: Type.String(),
    number: Type.Number(),
    serviceId: Type.String(),
    integrationId: Nullable(Type.String()),
    source: Type.String(),
    sourceId: Type.String({ description: 'The Sentry issue id' }),
    shortId: Nullable(Type.String()),
    title: Type.String(),
    culprit: Type.String(),
    level: Type.String(),
    platform: Nullable(Type.String()),
    project: Nullable(Type.String()),
    environment: Nullable(Type.String()),
    webUrl: Nullable(Type.String()),
    sentryStatus: Type.String({ description: 'unresolved | resolved | ignored' }),
    sentryAssignee: Nullable(Type.String()),
    state: Type.Union([Type.Literal('open'), Type.Literal('decided'), Type.Literal('closed')], { description: 'open (in the queue) | decided | closed (resolved or ignored in Sentry)' }),
    regression: Type.Boolean(),
    regressedAt: Type.Union([Type.Number(), Type.Null()]),
    events: Type.Number(),
    usersAffected: Type.Number(),
    firstSeen: Type.Number(),
    lastSeen: Type.Number(),
    decision: Type.Union([...TRIAGE_DECISIONS.map((d) => Type.Literal(d)), Type.Null()]),
    decisionDetail: Type.Record(Type.String(), Type.Unknown()),
    decidedBy: Nullable(Type.String()),
    decidedAt: Type.Union([Type.Number(), Type.Null()]),
    assigneeId: Nullable(Type.String()),
    incidentId: Nullable(Type.String()),
    jiraKey: Nullable(Type.String()),
    jiraUrl: Nullable(Type.String()),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { $id: 'TriageItem' },
);

const itemOut = (i: TriageItem) => {
  const { claimedBy: _c, claimedUntil: _u, ...rest } = i;
  void _c;
  void _u;
  return rest;
};

/** Triage routes; `ports.bugs` files bugs in Jira when Jira and the bug project are configured. */
export function triageRoutes(ports: { bugs?: BugTracker } = {}) {
  return (app: App, deps: HttpDeps): void => {
    const { core } = deps;
    const limiter = new TokenBucketLimiter(deps.config.intakeRatePerSecond ?? 100, deps.config.intakeBurst ?? 1000);
    app.addSchema(TriageItemOut);
    const tags = ['triage'];
    const triage = { ...core, ...(ports.bugs ? { bugs: ports.bugs } : {}) };
    const ctxOf = (req: FastifyRequest): Ctx => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);

    // -------------------------------------------------------------------------------------------
    // The Sentry webhook: raw body (the signature covers the exact bytes), vendor-style answers.

    void app.register(async (scope) => {
      scope.removeContentTypeParser(['application/json']);
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

      const hook = async (req: FastifyRequest, reply: FastifyReply) => {
        const key = (req.params as { key: string }).key;
        const res = await sentryHookTarget(core, systemCtx(core.clock.now(), deps.config.publicUrl), { key });
        if (!res.found && res.reason === 'unknown_integration_key')
          return reply.status(401).send(errorBody('unknown_integration_key', 'Unknown or disabled integration key.'));
        if (!res.found)
          return reply
            .status(400)
            .send(errorBody('wrong_integration_type', `This key belongs to a ${res.type} integration; Sentry needs an integration of type sentry.`));
        const wait = limiter.take(res.integration.id);
        if (wait)
          return reply
            .header('retry-after', String(wait))
            .status(429)
            .send(errorBody('rate_limited', `Too many requests for this integration; retry in ${wait} s.`));
        const raw = typeof req.body === 'string' ? req.body : '';
        const resource = sentryHeader(req.headers, 'sentry-hook-resource');
        // With a client secret configured every delivery must be signed (so the unsigned legacy
        // plugin needs an integration of its own, without a secret: its key is its only credential).
        if (
          res.integration.signingSecret &&
          !verifySentrySignature({ secret: res.integration.signingSecret, rawBody: raw, signature: sentryHeader(req.headers, 'sentry-hook-signature') })
        ) {
          return reply.status(401).send(errorBody('invalid_signature', 'The Sentry-Hook-Signature does not match this integration’s client secret.'));
        }
        let body: unknown;
        try {
          body = raw.trim() ? JSON.parse(raw) : undefined;
        } catch (err) {
          return reply.status(400).send(errorBody('malformed_json', `The request body is not valid JSON: ${(err as Error).message}`));
        }
        assertCleanJson(body);
        let parsed: SentryHook;
        try {
          parsed = resource ? parseSentryHook(resource, body) : { type: 'signal', signal: parseLegacyWebhook(body) };
        } catch (err) {
          if (err instanceof SentryPayloadError)
            return reply.status(400).send(errorBody('invalid_payload', err.message, err.field ? { field: err.field } : undefined));
          throw err;
        }
        const ctx = integrationCtx(res.integration.id, core.clock.now(), deps.config.publicUrl);
        if (parsed.type === 'ignored') return reply.status(200).send({ status: 'ignored', reason: parsed.reason });
        if (parsed.type === 'alert') {
          const alert = await ingestSentryAlert(core, ctx, { service: res.service, integration: res.integration, event: parsed.event });
          return reply.status(200).send({ status: 'ok', alert: alert ? { id: alert.id, number: alert.number, status: alert.status } : null });
        }
        const signal = parsed.signal;
        const result = await recordSignal(core, ctx, { service: res.service, integrationId: res.integration.id, signal });
        if (!result) return reply.status(200).send({ status: 'ignored', reason: `issue ${signal.issueId} is not in the triage queue` });
        const { item } = result;
        return reply.status(200).send({
          status: 'ok',
          item: { id: item.id, number: item.number, state: item.state, events: item.events, regression: result.regression, created: result.created },
        });
      };
      scope.post('/hooks/sentry/:key', { config: { auth: 'public' }, schema: { hide: true } }, hook);
    });

    // -------------------------------------------------------------------------------------------
    // The queue

    app.get('/api/v1/triage', {
      schema: {
        tags,
        summary: 'The triage queue (errors waiting for a decision) and the team’s “bug or incident?” guidance',
        querystring: Type.Object(
          {
            state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('decided'), Type.Literal('closed'), Type.Literal('all')])),
            service: Type.Optional(Type.String()),
            regression: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ guidance: Type.String(), data: Type.Array(Type.Ref('TriageItem')) }), ...StdErrors },
      },
      handler: async (req) => {
        const q = await triageQueue(core, ctxOf(req), {
          state: req.query.state ?? 'open',
          ...(req.query.service ? { service: req.query.service } : {}),
          ...(req.query.regression !== undefined ? { regression: req.query.regression } : {}),
          limit: req.query.limit ?? 100,
        });
        return { guidance: q.guidance, data: q.items.map(itemOut) };
      },
    });

    app.get('/api/v1/triage/:id', {
      schema: {
        tags,
        summary: 'A triage item (id or number) with its timeline',
        params: IdParams,
        response: { 200: Type.Object({ item: Type.Ref('TriageItem'), timeline: Type.Array(TimelineEventSchema) }), ...StdErrors },
      },
      handler: async (req) => {
        const { item, timeline } = await getTriageItem(core, ctxOf(req), { ref: req.params.id });
        return { item: itemOut(item), timeline };
      },
    });

    app.post('/api/v1/triage/:id/incident', {
      schema: {
        tags,
        summary: 'Decide: an incident. Declares one pre-filled from the error (title, culprit, link), or links the error to an open incident (incidentId)',
        params: IdParams,
        body: Type.Object(
          { severity: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })), incidentId: Type.Optional(Type.String({ minLength: 1 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ item: Type.Ref('TriageItem'), incident: Type.Ref('Incident') }), ...StdErrors },
      },
      handler: async (req) => {
        const res = await decideIncident(core, ctxOf(req), { item: req.params.id, ...req.body });
        return { item: itemOut(res.item), incident: incidentOut(res.incident) };
      },
    });

    app.post('/api/v1/triage/:id/bug', {
      schema: {
        tags,
        summary: 'Decide: a bug. Files a Jira Bug in VIGIL_JIRA_BUG_PROJECT with the error’s details and link; without Jira, a task in Vigil’s backlog (local: true)',
        params: IdParams,
        response: { 200: Type.Object({ item: Type.Ref('TriageItem'), ticket: Type.Object({ key: Type.String(), url: Type.String(), local: Type.Boolean() }) }), ...StdErrors },
      },
      handler: async (req) => {
        const res = await decideBug(triage, ctxOf(req), { item: req.params.id });
        return { item: itemOut(res.item), ticket: res.ticket };
      },
    });

    app.post('/api/v1/triage/:id/fixing', {
      schema: {
        tags,
        summary: 'Decide: “I am fixing it”. Assigns the error to you, here and in Sentry',
        params: IdParams,
        response: { 200: Type.Ref('TriageItem'), ...StdErrors },
      },
      handler: async (req) => {
        return itemOut(await decideFixing(core, ctxOf(req), { item: req.params.id }));
      },
    });

    app.post('/api/v1/triage/:id/noise', {
      schema: {
        tags,
        summary: 'Decide: noise. Ignores (optionally for a while) or resolves the issue, here and in Sentry',
        params: IdParams,
        body: Type.Object(
          {
            action: Type.Union([Type.Literal('ignore'), Type.Literal('resolve')]),
            ignoreDurationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('TriageItem'), ...StdErrors },
      },
      handler: async (req) => {
        return itemOut(await decideNoise(core, ctxOf(req), { item: req.params.id, ...req.body }));
      },
    });
  };
}

import { Type } from '@sinclair/typebox';
import { acknowledgeAlert, addAlertNote, addAlertResponder, assignAlert, bulkAlertAction, closeAlert, escalateAlert, getAlert, listAlerts, snoozeAlert, updateAlertTags } from '../../core/alerts/alerts.js';
import { INTEGRATION_TYPES, type Integration } from '../../core/alerts/model.js';
import { addMaintenance, createIntegration, createPolicy, createService, getPolicy, getService, listPolicies, listServices, removeIntegration, removeMaintenance, replacePolicy, replaceService, serviceTimeline, setHeartbeat } from '../../core/alerts/services.js';
import { principalCtx, type Ctx } from '../../core/shared/context.js';
import { principalOf } from '../auth.js';
import { IdParams, NotReachedSchema, Offset, StdErrors, TimelineEventSchema } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';
import { Instant, toMs } from './schedules.js';

const Priority = Type.Union(['P1', 'P2', 'P3', 'P4', 'P5'].map((p) => Type.Literal(p as 'P1')));
const Urgency = Type.Union([Type.Literal('high'), Type.Literal('low')]);
const AlertSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.Number(),
    serviceId: Type.String(),
    integrationId: Type.Union([Type.String(), Type.Null()]),
    alias: Type.String(),
    status: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed')]),
    message: Type.String(),
    description: Type.String(),
    priority: Priority,
    urgency: Urgency,
    source: Type.String(),
    entity: Type.String(),
    tags: Type.Array(Type.String()),
    details: Type.Record(Type.String(), Type.String()),
    links: Type.Array(Type.Object({ href: Type.String(), text: Type.Optional(Type.String()) })),
    count: Type.Number(),
    firstAt: Type.Number(),
    lastAt: Type.Number(),
    acknowledgedAt: Type.Union([Type.Number(), Type.Null()]),
    acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
    closedAt: Type.Union([Type.Number(), Type.Null()]),
    closedBy: Type.Union([Type.String(), Type.Null()]),
    snoozedUntil: Type.Union([Type.Number(), Type.Null()]),
    ownerId: Type.Union([Type.String(), Type.Null()]),
    storm: Type.Boolean(),
    incidentId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    service: Type.Optional(Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() })),
  },
  { $id: 'Alert' },
);
const PolicySchema = Type.Object(
  {
    id: Type.String(),
    teamId: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    description: Type.String(),
    repeat: Type.Number({ description: 'Rounds after the first (0: the steps run once)' }),
    steps: Type.Array(Type.Object({ delayMinutes: Type.Number(), targets: Type.Array(Type.Object({ type: Type.Union([Type.Literal('schedule'), Type.Literal('user'), Type.Literal('team'), Type.Literal('slack_channel')]), id: Type.String() })) })),
    warnings: Type.Array(Type.String(), { description: 'Steps that would notify nobody right now, and why' }),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { $id: 'EscalationPolicy' },
);
const ServiceSchema = Type.Object(
  {
    id: Type.String(),
    teamId: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    description: Type.String(),
    escalationPolicyId: Type.Union([Type.String(), Type.Null()]),
    alertsChannel: Type.Union([Type.String(), Type.Null()]),
    urgencyRule: Type.Record(Type.String(), Urgency, { description: 'Priority (P1..P5) -> urgency' }),
    stormThreshold: Type.Number(),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { $id: 'Service' },
);
const IntegrationSchema = Type.Object(
  {
    id: Type.String(),
    serviceId: Type.String(),
    name: Type.String(),
    type: Type.Union(INTEGRATION_TYPES.map((t) => Type.Literal(t))),
    keyHint: Type.String({ description: 'First and last characters of the key' }),
    disabled: Type.Boolean(),
    createdAt: Type.Number(),
    intakeUrl: Type.String({ description: 'Where the tool sends alerts; `<key>` stands for the key' }),
  },
  { $id: 'Integration' },
);
const Target = Type.Object({ type: Type.Union([Type.Literal('schedule'), Type.Literal('user'), Type.Literal('team'), Type.Literal('slack_channel')]), id: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const PolicyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    slug: Type.Optional(Type.String({ maxLength: 63 })),
    teamId: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    repeat: Type.Optional(Type.Integer({ minimum: 0, maximum: 9 })),
    steps: Type.Array(Type.Object({ delayMinutes: Type.Integer({ minimum: 1, maximum: 1440 }), targets: Type.Array(Target, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);
const ServiceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    slug: Type.Optional(Type.String({ maxLength: 63 })),
    teamId: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    escalationPolicyId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    alertsChannel: Type.Optional(Type.Union([Type.String({ maxLength: 30 }), Type.Null()])),
    urgencyRule: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Literal('high'), Type.Literal('low')]))),
    stormThreshold: Type.Optional(Type.Integer({ minimum: 2, maximum: 10000 })),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed'), Type.Literal('unclosed')])),
    service: Type.Optional(Type.String()),
    team: Type.Optional(Type.String()),
    priority: Type.Optional(Priority),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    offset: Type.Optional(Offset),
  },
  { additionalProperties: false },
);
const ActionBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 25000 })) }, { additionalProperties: false });

export function alertRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  for (const s of [AlertSchema, PolicySchema, ServiceSchema, IntegrationSchema]) app.addSchema(s);
  const tags = ['alerts'];
  const ctxOf = (req: Parameters<typeof principalOf>[0]): Ctx => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);

  // Alerts
  app.get('/api/v1/alerts', {
    schema: { tags, summary: 'List alerts (newest first)', querystring: ListQuery, response: { 200: Type.Object({ data: Type.Array(Type.Ref('Alert')), total: Type.Number() }), ...StdErrors } },
    handler: async (req) => listAlerts(core, ctxOf(req), req.query),
  });
  app.get('/api/v1/alerts/:id', {
    schema: {
      tags,
      summary: 'An alert by id or number, with its timeline and who its pages did not reach',
      params: IdParams,
      response: { 200: Type.Object({ alert: Type.Ref('Alert'), timeline: Type.Array(TimelineEventSchema), notReached: Type.Array(NotReachedSchema) }), ...StdErrors },
    },
    handler: async (req) => getAlert(core, ctxOf(req), { ref: req.params.id }),
  });

  const action = (path: string, summary: string, body: ReturnType<typeof Type.Object>, run: (ctx: Ctx, ref: string, b: Record<string, unknown>) => Promise<unknown>) =>
    app.post(`/api/v1/alerts/:id/${path}`, {
      schema: { tags, summary, params: IdParams, body, response: { 200: Type.Ref('Alert'), ...StdErrors } },
      handler: async (req) => run(ctxOf(req), req.params.id, (req.body ?? {}) as Record<string, unknown>),
    });
  const note = (b: Record<string, unknown>) => (b.note !== undefined ? { note: b.note as string } : {});
  action('acknowledge', 'Acknowledge: stop escalating', ActionBody, (ctx, ref, b) => acknowledgeAlert(core, ctx, { ref, ...note(b) }));
  action('close', 'Close (resolve)', ActionBody, (ctx, ref, b) => closeAlert(core, ctx, { ref, ...note(b) }));
  action('notes', 'Add a note', Type.Object({ note: Type.String({ minLength: 1, maxLength: 25000 }) }, { additionalProperties: false }), (ctx, ref, b) => addAlertNote(core, ctx, { ref, note: String(b.note) }));
  action('snooze', 'Snooze: no paging until endTime; escalation starts again then if still open', Type.Object({ endTime: Instant }, { additionalProperties: false }), (ctx, ref, b) => snoozeAlert(core, ctx, { ref, until: toMs(b.endTime as string | number, 'endTime') }));
  action('escalate', 'Escalate to the next step now', Type.Object({}, { additionalProperties: false }), (ctx, ref) => escalateAlert(core, ctx, { ref }));
  action('assign', 'Assign an owner', Type.Object({ owner: Type.String({ minLength: 1, description: 'User id or email' }) }, { additionalProperties: false }), (ctx, ref, b) => assignAlert(core, ctx, { ref, owner: String(b.owner) }));
  action('responders', 'Add a responder (pages them)', Type.Object({ user: Type.String({ minLength: 1, description: 'User id or email' }) }, { additionalProperties: false }), (ctx, ref, b) => addAlertResponder(core, ctx, { ref, user: String(b.user) }));
  action(
    'tags',
    'Add or remove tags and details',
    Type.Object(
      {
        add: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
        remove: Type.Optional(Type.Array(Type.String(), { maxItems: 20 })),
        details: Type.Optional(Type.Record(Type.String(), Type.String())),
        removeDetails: Type.Optional(Type.Array(Type.String())),
      },
      { additionalProperties: false },
    ),
    (ctx, ref, b) =>
      updateAlertTags(core, ctx, {
        ref,
        ...(b.add ? { addTags: b.add as string[] } : {}),
        ...(b.remove ? { removeTags: b.remove as string[] } : {}),
        ...(b.details ? { addDetails: b.details as Record<string, string> } : {}),
        ...(b.removeDetails ? { removeDetails: b.removeDetails as string[] } : {}),
      }),
  );
  app.post('/api/v1/alerts/bulk', {
    schema: {
      tags,
      summary: 'Acknowledge or close many alerts at once',
      body: Type.Object({ action: Type.Union([Type.Literal('acknowledge'), Type.Literal('close')]), ids: Type.Array(Type.String(), { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ done: Type.Number(), skipped: Type.Array(Type.Object({ id: Type.String(), reason: Type.String() })) }), ...StdErrors },
    },
    handler: async (req) => bulkAlertAction(core, ctxOf(req), req.body),
  });

  // Escalation policies
  const PolicyOut = Type.Ref('EscalationPolicy');
  app.get('/api/v1/escalation-policies', {
    schema: { tags, summary: 'Escalation policies, each with warnings about steps that would notify nobody now', response: { 200: Type.Object({ data: Type.Array(PolicyOut) }), ...StdErrors } },
    handler: async (req) => listPolicies(core, ctxOf(req)),
  });
  app.get('/api/v1/escalation-policies/:id', {
    schema: { tags, summary: 'An escalation policy', params: IdParams, response: { 200: PolicyOut, ...StdErrors } },
    handler: async (req) => getPolicy(core, ctxOf(req), { ref: req.params.id }),
  });
  app.post('/api/v1/escalation-policies', {
    schema: { tags, summary: 'Create an escalation policy: ordered steps, each notifying schedules, users, teams or Slack channels; repeated N times', body: PolicyBody, response: { 201: PolicyOut, ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await createPolicy(core, ctxOf(req), req.body)),
  });
  app.put('/api/v1/escalation-policies/:id', {
    schema: { tags, summary: 'Replace an escalation policy', params: IdParams, body: PolicyBody, response: { 200: PolicyOut, ...StdErrors } },
    handler: async (req) => replacePolicy(core, ctxOf(req), { ref: req.params.id, policy: req.body }),
  });

  // Services
  const ServiceOut = Type.Ref('Service');
  const IntegrationOut = Type.Ref('Integration');
  const intakeUrl = (type: string) =>
    ({ opsgenie: `${deps.config.publicUrl} (OpsGenie API base URL; key as GenieKey)`, pagerduty: `${deps.config.publicUrl}/v2/enqueue`, alertmanager: `${deps.config.publicUrl}/hooks/alertmanager/<key>`, grafana: `${deps.config.publicUrl}/hooks/grafana/<key>`, generic: `${deps.config.publicUrl}/hooks/generic/<key>`, sentry: `${deps.config.publicUrl}/hooks/sentry/<key>` })[type] ?? deps.config.publicUrl;
  const integrationOut = (i: Integration) => ({ id: i.id, serviceId: i.serviceId, name: i.name, type: i.type, keyHint: i.keyHint, disabled: i.disabled, createdAt: i.createdAt, intakeUrl: intakeUrl(i.type) });
  app.get('/api/v1/services', {
    schema: { tags, summary: 'Services', response: { 200: Type.Object({ data: Type.Array(ServiceOut) }), ...StdErrors } },
    handler: async (req) => listServices(core, ctxOf(req)),
  });
  app.get('/api/v1/services/:id', {
    schema: { tags, summary: 'A service with its integrations, maintenance windows and heartbeats', params: IdParams, response: { 200: Type.Object({ service: ServiceOut, integrations: Type.Array(IntegrationOut), maintenance: Type.Array(Type.Unknown()), heartbeats: Type.Array(Type.Unknown()) }), ...StdErrors } },
    handler: async (req) => {
      const res = await getService(core, ctxOf(req), { ref: req.params.id });
      return { ...res, integrations: res.integrations.map(integrationOut) };
    },
  });
  app.post('/api/v1/services', {
    schema: { tags, summary: 'Create a service', body: ServiceBody, response: { 201: ServiceOut, ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await createService(core, ctxOf(req), req.body)),
  });
  app.put('/api/v1/services/:id', {
    schema: { tags, summary: 'Replace a service', params: IdParams, body: ServiceBody, response: { 200: ServiceOut, ...StdErrors } },
    handler: async (req) => replaceService(core, ctxOf(req), { ref: req.params.id, service: req.body }),
  });
  app.post('/api/v1/services/:id/integrations', {
    schema: {
      tags,
      summary: 'Add an integration; its key is in this answer only (give `key` to keep an existing client’s key)',
      params: IdParams,
      body: Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          type: Type.Union(['opsgenie', 'pagerduty', 'alertmanager', 'grafana', 'generic', 'sentry'].map((t) => Type.Literal(t))),
          key: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
          signingSecret: Type.Optional(Type.String({ maxLength: 200 })),
          options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        },
        { additionalProperties: false },
      ),
      response: { 201: Type.Object({ integration: IntegrationOut, key: Type.String() }), ...StdErrors },
    },
    handler: async (req, reply) => {
      const res = await createIntegration(core, ctxOf(req), { service: req.params.id, integration: req.body });
      return reply.status(201).send({ integration: integrationOut(res.integration), key: res.key });
    },
  });
  app.delete('/api/v1/services/:id/integrations/:integrationId', {
    schema: { tags, summary: 'Remove an integration (its key stops working)', params: Type.Object({ id: Type.String(), integrationId: Type.String() }), response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await removeIntegration(core, ctxOf(req), { service: req.params.id, integrationId: req.params.integrationId });
      return reply.status(204).send(null);
    },
  });
  app.post('/api/v1/services/:id/maintenance', {
    schema: { tags, summary: 'Schedule a maintenance window: alerts are recorded, nobody is paged', params: IdParams, body: Type.Object({ start: Instant, end: Instant, reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }), response: { 201: Type.Unknown(), ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await addMaintenance(core, ctxOf(req), { service: req.params.id, start: toMs(req.body.start, 'start'), end: toMs(req.body.end, 'end'), ...(req.body.reason ? { reason: req.body.reason } : {}) })),
  });
  app.delete('/api/v1/services/:id/maintenance/:windowId', {
    schema: { tags, summary: 'Cancel a maintenance window', params: Type.Object({ id: Type.String(), windowId: Type.String() }), response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await removeMaintenance(core, ctxOf(req), { service: req.params.id, windowId: req.params.windowId });
      return reply.status(204).send(null);
    },
  });
  app.post('/api/v1/services/:id/heartbeats', {
    schema: { tags, summary: 'Create or update a heartbeat: a missed ping raises an alert', params: IdParams, body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), intervalSeconds: Type.Integer({ minimum: 30, maximum: 604800 }), priority: Type.Optional(Priority), enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), response: { 201: Type.Unknown(), ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await setHeartbeat(core, ctxOf(req), { service: req.params.id, heartbeat: req.body })),
  });
  app.get('/api/v1/services/:id/timeline', {
    schema: { tags, summary: "A service's timeline (changes, change events, storms)", params: IdParams, response: { 200: Type.Object({ data: Type.Array(TimelineEventSchema) }), ...StdErrors } },
    handler: async (req) => serviceTimeline(core, ctxOf(req), { ref: req.params.id }),
  });
}

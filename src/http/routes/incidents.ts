import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { STATUSES, type Incident, type MemberRole } from '../../core/incidents/incidents.js';
import {
  addIncidentMember,
  assignRole,
  changeIncidentSettings,
  changeSeverity,
  changeStatus,
  declareNewIncident,
  followIncident,
  followService,
  incidentDetail,
  incidentInsights,
  listSeverityLevels,
  loopInEscalation,
  noteIncident,
  pageIntoIncident,
  postStatusUpdate,
  readIncidentSettings,
  saveSeverityLevel,
  searchIncidents,
} from '../../core/incidents/use-cases.js';
import { severitiesMarkdown, type Severity } from '../../core/incidents/severities.js';
import { principalCtx, type Ctx } from '../../core/shared/context.js';
import type { CoreDeps } from '../../core/shared/ports.js';
import { principalOf } from '../auth.js';
import { IdParams, InstantQuery, NotReachedSchema, StdErrors, TimelineEventSchema } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';
import { toMs } from './schedules.js';

const SeveritySchema = Type.Object({
  key: Type.String({ maxLength: 10 }),
  rank: Type.Integer({ minimum: 0, maximum: 20 }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  definition: Type.String({ maxLength: 5000 }),
  examples: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 }),
  ackTargetMinutes: Type.Integer({ minimum: 1, maximum: 525_600 }),
  responseTargetMinutes: Type.Integer({ minimum: 1, maximum: 525_600 }),
  urgency: Type.Union([Type.Literal('high'), Type.Literal('low')]),
  escalationPolicy: Type.Union([Type.String(), Type.Null()]),
  updateCadenceMinutes: Type.Integer({ minimum: 1, maximum: 10_080 }),
  companyComms: Type.Boolean(),
  postmortemRequired: Type.Boolean(),
  postmortemEmailed: Type.Boolean(),
  postmortemDueDays: Type.Integer({ minimum: 1, maximum: 365 }),
  stakeholderGroups: Type.Array(Type.String(), { maxItems: 20 }),
  incidentChannel: Type.Boolean(),
  whenToEscalate: Type.Optional(Type.String({ maxLength: 2000, description: 'When to escalate (to a higher level, or to whom), in words' })),
});
const SeverityOut = Type.Object(SeveritySchema.properties, { $id: 'Severity' });
const MEMBER_ROLES = ['commander', 'comms', 'responder', 'member', 'subscriber'] as const satisfies readonly MemberRole[];
const TargetResult = Type.Object({
  minutes: Type.Union([Type.Number(), Type.Null()], { description: 'Minutes from the start, or null when it has not happened' }),
  met: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: not happened yet and still within the target' }),
});

const IncidentOut = Type.Object(
  {
    id: Type.String(),
    number: Type.Number(),
    reference: Type.String(),
    title: Type.String(),
    summary: Type.String(),
    severity: Type.String(),
    status: Type.Union(STATUSES.map((s) => Type.Literal(s))),
    private: Type.Boolean(),
    commanderId: Type.Union([Type.String(), Type.Null()]),
    commsLeadId: Type.Union([Type.String(), Type.Null()]),
    declaredBy: Type.Union([Type.String(), Type.Null()]),
    serviceIds: Type.Array(Type.String()),
    sourceType: Type.String(),
    sourceId: Type.Union([Type.String(), Type.Null()]),
    slackChannelId: Type.Union([Type.String(), Type.Null()]),
    startedAt: Type.Number(),
    detectedAt: Type.Number(),
    acknowledgedAt: Type.Union([Type.Number(), Type.Null()]),
    mitigatedAt: Type.Union([Type.Number(), Type.Null()]),
    resolvedAt: Type.Union([Type.Number(), Type.Null()]),
    lastUpdateAt: Type.Number(),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { $id: 'Incident' },
);

const SettingsSchema = Type.Object({
  companyEmail: Type.Union([Type.String(), Type.Null()]),
  announcementsChannel: Type.Union([Type.String(), Type.Null()]),
  escalationContactUserId: Type.Union([Type.String(), Type.Null()]),
  securityOwnerUserId: Type.Union([Type.String(), Type.Null()]),
  securityChannel: Type.Union([Type.String(), Type.Null()]),
  oncallUserGroup: Type.Union([Type.String(), Type.Null()]),
  triageGuidance: Type.String({ maxLength: 10000 }),
});

export const out = (i: Incident) => ({ ...i, reference: `INC-${i.number}` });

export function incidentRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  app.addSchema(IncidentOut);
  app.addSchema(SeverityOut);
  const tags = ['incidents'];
  const ctxOf = (req: FastifyRequest): Ctx => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);

  // Severity levels
  app.get('/api/v1/severities', {
    schema: { tags, summary: 'The incident severity levels (P0 most severe), as data', querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('markdown')])) }, { additionalProperties: false }), response: { 200: Type.Unknown(), ...StdErrors } },
    handler: async (req, reply) => {
      const levels = await listSeverityLevels(core, ctxOf(req));
      if (req.query.format === 'markdown') return reply.type('text/markdown; charset=utf-8').send(severitiesMarkdown(levels));
      return { data: levels };
    },
  });
  app.put('/api/v1/severities/:key', {
    config: { auth: 'admin' },
    schema: { tags, summary: 'Create or replace a severity level', params: Type.Object({ key: Type.String({ maxLength: 10 }) }), body: Type.Omit(SeveritySchema, ['key']), response: { 200: Type.Ref('Severity'), ...StdErrors } },
    handler: async (req) => {
      const s: Severity = { whenToEscalate: '', ...req.body, key: req.params.key.toUpperCase() } as Severity;
      return saveSeverityLevel(core, ctxOf(req), s);
    },
  });

  // Settings
  app.get('/api/v1/settings/incidents', {
    schema: { tags, summary: 'Incident communication settings (company list, announcements channel, escalation contact, security owner)', response: { 200: SettingsSchema, ...StdErrors } },
    handler: async (req) => readIncidentSettings(core, ctxOf(req)),
  });
  app.patch('/api/v1/settings/incidents', {
    config: { auth: 'admin' },
    schema: { tags, summary: 'Change incident settings', body: Type.Partial(SettingsSchema, { additionalProperties: false, minProperties: 1 }), response: { 200: SettingsSchema, ...StdErrors } },
    handler: async (req) => changeIncidentSettings(core, ctxOf(req), req.body),
  });

  // Incidents
  app.get('/api/v1/incidents', {
    schema: {
      tags,
      summary: 'Incidents you can see (newest first)',
      querystring: Type.Object(
        { status: Type.Optional(Type.String()), severity: Type.Optional(Type.String()), service: Type.Optional(Type.String()), q: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ data: Type.Array(Type.Ref('Incident')) }), ...StdErrors },
    },
    handler: async (req) => {
      const q = req.query;
      const list = await searchIncidents(core, ctxOf(req), { ...(q.status ? { status: q.status } : {}), ...(q.severity ? { severity: q.severity } : {}), ...(q.service ? { service: q.service } : {}), ...(q.q ? { q: q.q } : {}), ...(q.limit ? { limit: q.limit } : {}) });
      return { data: list.map(out) };
    },
  });

  app.post('/api/v1/incidents', {
    schema: {
      tags,
      summary: 'Declare an incident (from scratch or from alerts)',
      body: Type.Object(
        {
          title: Type.String({ minLength: 1, maxLength: 200 }),
          severity: Type.String({ minLength: 1, maxLength: 10 }),
          summary: Type.Optional(Type.String({ maxLength: 10000 })),
          serviceIds: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
          alertIds: Type.Optional(Type.Array(Type.String(), { maxItems: 200 })),
          commanderId: Type.Optional(Type.String()),
          private: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      response: { 201: Type.Ref('Incident'), ...StdErrors },
    },
    handler: async (req, reply) => reply.status(201).send(out(await declareNewIncident(core, ctxOf(req), req.body))),
  });

  app.get('/api/v1/incidents/:id', {
    schema: {
      tags,
      summary: 'An incident (id or INC-42) with its members, targets and timeline',
      params: IdParams,
      response: {
        200: Type.Object({
          incident: Type.Ref('Incident'),
          members: Type.Array(Type.Object({ userId: Type.String(), role: Type.Union(MEMBER_ROLES.map((m) => Type.Literal(m))), addedAt: Type.Number(), name: Type.String() })),
          targets: Type.Object({ ack: TargetResult, response: TargetResult }, { description: 'Whether the acknowledgement and response targets of the severity were met' }),
          severity: Type.Ref('Severity'),
          alerts: Type.Array(Type.Ref('Alert')),
          postmortem: Type.Union([Type.Object({ id: Type.String(), status: Type.Union([Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('published')]), dueAt: Type.Union([Type.Number(), Type.Null()]) }), Type.Null()]),
          timeline: Type.Array(TimelineEventSchema),
          notReached: Type.Array(NotReachedSchema, { description: 'People a page of this incident (or of its alerts) did not reach' }),
        }),
        ...StdErrors,
      },
    },
    handler: async (req) => {
      const detail = await incidentDetail(core, ctxOf(req), { ref: req.params.id });
      return { ...detail, incident: out(detail.incident) };
    },
  });

  const act = <B>(path: string, summary: string, body: ReturnType<typeof Type.Object>, run: (core: CoreDeps, ctx: Ctx, input: B & { ref: string }) => Promise<Incident>) =>
    app.post(`/api/v1/incidents/:id/${path}`, {
      schema: { tags, summary, params: IdParams, body, response: { 200: Type.Ref('Incident'), ...StdErrors } },
      handler: async (req) => out(await run(core, ctxOf(req), { ...(req.body as B), ref: req.params.id })),
    });
  act<{ status: string; reason?: string; reopen?: boolean }>(
    'status',
    'Change the status (triage, investigating, identified, monitoring, resolved, cancelled); reopen: true to leave resolved',
    Type.Object({ status: Type.String(), reason: Type.Optional(Type.String({ maxLength: 2000 })), reopen: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    changeStatus,
  );
  act<{ severity: string; reason?: string }>('severity', 'Change the severity (with a reason)', Type.Object({ severity: Type.String({ maxLength: 10 }), reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }), changeSeverity);
  act<{ text: string }>('updates', 'Post a status update: sent to the company list, the announcements channel and subscribers', Type.Object({ text: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false }), postStatusUpdate);
  act<{ role: 'commander' | 'comms'; userId: string }>(
    'roles',
    'Hand over the commander role or name a comms lead',
    Type.Object({ role: Type.Union([Type.Literal('commander'), Type.Literal('comms')]), userId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    assignRole,
  );
  act<{ type: 'user' | 'team' | 'policy' | 'schedule'; id: string; note?: string }>(
    'page',
    'Mobilize: page a user, a team’s on-call, a schedule or an escalation policy (high urgency)',
    Type.Object({ type: Type.Union([Type.Literal('user'), Type.Literal('team'), Type.Literal('policy'), Type.Literal('schedule')]), id: Type.String({ minLength: 1 }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
    pageIntoIncident,
  );
  act('escalation-contact', 'Loop in the escalation contact (an engineering lead)', Type.Object({}, { additionalProperties: false }), loopInEscalation);
  act<{ note: string }>('notes', 'Add a note to the timeline', Type.Object({ note: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false }), noteIncident);
  act<{ userId: string }>('members', 'Add a member (private incidents: who may see it)', Type.Object({ userId: Type.String({ minLength: 1 }) }, { additionalProperties: false }), addIncidentMember);

  app.post('/api/v1/incidents/:id/subscribe', {
    schema: { tags, summary: 'Follow an incident (stakeholders too)', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    config: { auth: 'read' },
    handler: async (req, reply) => {
      await followIncident(core, ctxOf(req), { ref: req.params.id });
      return reply.status(204).send(null);
    },
  });
  app.post('/api/v1/services/:id/subscribe', {
    schema: { tags, summary: 'Follow every incident of a service', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    config: { auth: 'read' },
    handler: async (req, reply) => {
      await followService(core, ctxOf(req), { service: req.params.id });
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/insights', {
    schema: {
      tags,
      summary: 'MTTA and MTTR per severity, service and month; incidents per week; on-call load per person',
      querystring: Type.Object({ from: Type.Optional(InstantQuery), to: Type.Optional(InstantQuery) }, { additionalProperties: false }),
      response: { 200: Type.Unknown(), ...StdErrors },
    },
    handler: async (req) => {
      const q = req.query;
      return incidentInsights(core, ctxOf(req), { ...(q.to ? { to: toMs(q.to, 'to') } : {}), ...(q.from ? { from: toMs(q.from, 'from') } : {}) });
    },
  });
}

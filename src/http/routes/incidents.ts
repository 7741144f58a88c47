import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../core/auth/auth.js';
import {
  addIncidentNote,
  addMember,
  assertCanRun,
  declareIncident,
  findIncident,
  listIncidents,
  getIncidentSettings,
  loopInEscalationContact,
  mobilize,
  postUpdate,
  setIncidentSettings,
  setRole,
  setSeverity,
  setStatus,
  subscribe,
  targetsMet,
  STATUSES,
  type Incident,
  type IncidentContext,
  type MemberRole,
} from '../../core/incidents/incidents.js';
import { insights } from '../../core/incidents/insights.js';
import { findSeverity, severitiesMarkdown, saveSeverityLevel, type Severity } from '../../core/incidents/severities.js';
import { forbidden } from '../../core/shared/errors.js';
import type { Repos } from '../../core/shared/ports.js';
import { principalOf } from '../auth.js';
import { IdParams, InstantQuery, NotReachedSchema, StdErrors, TimelineEventSchema } from '../schemas.js';
import { notReachedFrom } from '../../core/notifications/pages.js';
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
  const ctxOf = (req: FastifyRequest): IncidentContext => {
    const p = principalOf(req);
    return { now: core.clock.now(), publicUrl: deps.config.publicUrl, actor: actorOf(p), user: p.user };
  };
  const viewer = (req: FastifyRequest) => {
    const p = principalOf(req);
    return { id: p.user.id, isAdmin: p.user.role === 'admin' };
  };

  // Severity levels
  app.get('/api/v1/severities', {
    schema: { tags, summary: 'The incident severity levels (P0 most severe), as data', querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('markdown')])) }, { additionalProperties: false }), response: { 200: Type.Unknown(), ...StdErrors } },
    handler: async (req, reply) => {
      const levels = await core.uow.run((r) => r.incidents.listSeverities());
      if (req.query.format === 'markdown') return reply.type('text/markdown; charset=utf-8').send(severitiesMarkdown(levels));
      return { data: levels };
    },
  });
  app.put('/api/v1/severities/:key', {
    config: { auth: 'admin' },
    schema: { tags, summary: 'Create or replace a severity level', params: Type.Object({ key: Type.String({ maxLength: 10 }) }), body: Type.Omit(SeveritySchema, ['key']), response: { 200: Type.Ref('Severity'), ...StdErrors } },
    handler: async (req) => {
      const s: Severity = { whenToEscalate: '', ...req.body, key: req.params.key.toUpperCase() } as Severity;
      return saveSeverityLevel(core, principalOf(req), s);
    },
  });

  // Settings
  app.get('/api/v1/settings/incidents', {
    schema: { tags, summary: 'Incident communication settings (company list, announcements channel, escalation contact, security owner)', response: { 200: SettingsSchema, ...StdErrors } },
    handler: async () => core.uow.run((r) => getIncidentSettings(r)),
  });
  app.patch('/api/v1/settings/incidents', {
    config: { auth: 'admin' },
    schema: { tags, summary: 'Change incident settings', body: Type.Partial(SettingsSchema, { additionalProperties: false, minProperties: 1 }), response: { 200: SettingsSchema, ...StdErrors } },
    handler: async (req) => core.uow.run((r) => setIncidentSettings(r, actorOf(principalOf(req)), req.body)),
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
      const v = viewer(req);
      return core.uow.run(async (r) => {
        const serviceId = req.query.service ? (await r.alerts.findService(req.query.service))?.id ?? 'none' : undefined;
        const list = await listIncidents(r, v, {
          ...(req.query.status ? { status: req.query.status as 'open' } : {}),
          ...(req.query.severity ? { severity: req.query.severity.toUpperCase() } : {}),
          ...(serviceId ? { serviceId } : {}),
          ...(req.query.q ? { q: req.query.q } : {}),
          limit: req.query.limit ?? 100,
        });
        return { data: list.map(out) };
      });
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
    handler: async (req, reply) => reply.status(201).send(out(await core.uow.run((r) => declareIncident(r, ctxOf(req), req.body)))),
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
    handler: async (req) =>
      core.uow.run(async (r) => {
        const i = await findIncident(r, req.params.id, viewer(req));
        const severity = await findSeverity(r, i.severity);
        const members = await Promise.all((await r.incidents.members(i.id)).map(async (m) => ({ ...m, name: (await r.users.findById(m.userId))?.name ?? m.userId })));
        const { data: alerts } = await r.alerts.listAlerts({ incidentId: i.id, limit: 1000 });
        const pm = await r.postmortems.findByIncident(i.id);
        const timeline = await r.events.list('incident', i.id, { limit: 5000 });
        return {
          incident: out(i),
          members,
          targets: targetsMet(i, severity, core.clock.now()),
          severity,
          alerts,
          postmortem: pm ? { id: pm.id, status: pm.status, dueAt: pm.dueAt } : null,
          timeline,
          notReached: await notReachedFrom(r, timeline),
        };
      }),
  });

  const act = <B>(path: string, summary: string, body: ReturnType<typeof Type.Object>, run: (r: Repos, ctx: IncidentContext, i: Incident, b: B) => Promise<unknown>) =>
    app.post(`/api/v1/incidents/:id/${path}`, {
      schema: { tags, summary, params: IdParams, body, response: { 200: Type.Ref('Incident'), ...StdErrors } },
      handler: async (req) => {
        const ctx = ctxOf(req);
        return core.uow.run(async (r) => {
          const i = await findIncident(r, req.params.id, viewer(req));
          assertCanRun(i, ctx.user!);
          await run(r, ctx, i, req.body as B);
          return out((await r.incidents.find(i.id))!);
        });
      },
    });
  act<{ status: string; reason?: string; reopen?: boolean }>(
    'status',
    'Change the status (triage, investigating, identified, monitoring, resolved, cancelled); reopen: true to leave resolved',
    Type.Object({ status: Type.String(), reason: Type.Optional(Type.String({ maxLength: 2000 })), reopen: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    (r, ctx, i, b) => setStatus(r, ctx, i, b.status, { ...(b.reason ? { reason: b.reason } : {}), ...(b.reopen ? { reopen: true } : {}) }),
  );
  act<{ severity: string; reason?: string }>('severity', 'Change the severity (with a reason)', Type.Object({ severity: Type.String({ maxLength: 10 }), reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }), (r, ctx, i, b) => setSeverity(r, ctx, i, b.severity, b.reason));
  act<{ text: string }>('updates', 'Post a status update: sent to the company list, the announcements channel and subscribers', Type.Object({ text: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false }), (r, ctx, i, b) => postUpdate(r, ctx, i, b.text));
  act<{ role: 'commander' | 'comms'; userId: string }>(
    'roles',
    'Hand over the commander role or name a comms lead',
    Type.Object({ role: Type.Union([Type.Literal('commander'), Type.Literal('comms')]), userId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    (r, ctx, i, b) => setRole(r, ctx, i, b.role, b.userId),
  );
  act<{ type: 'user' | 'team' | 'policy' | 'schedule'; id: string; note?: string }>(
    'page',
    'Mobilize: page a user, a team’s on-call, a schedule or an escalation policy (high urgency)',
    Type.Object({ type: Type.Union([Type.Literal('user'), Type.Literal('team'), Type.Literal('policy'), Type.Literal('schedule')]), id: Type.String({ minLength: 1 }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
    (r, ctx, i, b) => mobilize(r, ctx, i, { type: b.type, id: b.id }, b.note),
  );
  act('escalation-contact', 'Loop in the escalation contact (an engineering lead)', Type.Object({}, { additionalProperties: false }), (r, ctx, i) => loopInEscalationContact(r, ctx, i));
  act<{ note: string }>('notes', 'Add a note to the timeline', Type.Object({ note: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false }), (r, ctx, i, b) => addIncidentNote(r, ctx, i, b.note));
  act<{ userId: string }>('members', 'Add a member (private incidents: who may see it)', Type.Object({ userId: Type.String({ minLength: 1 }) }, { additionalProperties: false }), (r, ctx, i, b) => addMember(r, ctx, i, b.userId));

  app.post('/api/v1/incidents/:id/subscribe', {
    schema: { tags, summary: 'Follow an incident (stakeholders too)', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    config: { auth: 'read' },
    handler: async (req, reply) => {
      const ctx = ctxOf(req);
      await core.uow.run(async (r) => subscribe(r, ctx, await findIncident(r, req.params.id, viewer(req)), ctx.user!.id));
      return reply.status(204).send(null);
    },
  });
  app.post('/api/v1/services/:id/subscribe', {
    schema: { tags, summary: 'Follow every incident of a service', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    config: { auth: 'read' },
    handler: async (req, reply) => {
      const ctx = ctxOf(req);
      await core.uow.run(async (r) => {
        const s = await r.alerts.findService(req.params.id);
        if (!s) throw forbidden('No such service.');
        await r.incidents.subscribeService(s.id, ctx.user!.id, ctx.now);
      });
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
      const now = core.clock.now();
      const to = req.query.to ? toMs(req.query.to, 'to') : now + 1;
      const from = req.query.from ? toMs(req.query.from, 'from') : to - 90 * 86_400_000;
      const v = viewer(req);
      return core.uow.run((r) => insights(r, { from, to, viewerId: v.id }));
    },
  });
}

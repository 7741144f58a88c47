import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../core/auth/auth.js';
import { findIncident } from '../../core/incidents/incidents.js';
import {
  addActionItem,
  assertCanEdit,
  createPostmortem,
  editPostmortem,
  findPostmortem,
  SECTION_KEYS,
  setPostmortemStatus,
  toHtml,
  toMarkdown,
  updateActionItem,
  setPostmortemTemplate,
  type Postmortem,
} from '../../core/postmortems/postmortems.js';
import { createDraft, editReport, fillReport, findReport, sendReport, type ReportSources } from '../../core/reports/reports.js';
import { forbidden, invalid, notFound } from '../../core/shared/errors.js';
import type { Repos } from '../../core/shared/ports.js';
import { principalOf } from '../auth.js';
import { IdParams, StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';
import { Instant, toMs } from './schedules.js';

const Sections = Type.Partial(Type.Object(Object.fromEntries(SECTION_KEYS.map((k) => [k, Type.String({ maxLength: 100_000 })]))), { additionalProperties: false });

export function postmortemRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  const tags = ['postmortems'];
  // Others follow post-mortems (Notion keeps a copy): a change is published as a domain event.
  const changed = async (r: Repos, pm: Postmortem, suffix = ''): Promise<Postmortem> => {
    await core.publish(r, 'postmortem.changed', { entityType: 'postmortem', entityId: pm.id }, `${pm.id}:${pm.updatedAt}:${suffix}`);
    return pm;
  };
  const viewer = (req: FastifyRequest) => {
    const p = principalOf(req);
    return { id: p.user.id, isAdmin: p.user.role === 'admin' };
  };
  const names = async (r: Repos) => new Map((await r.users.list({ includeInactive: true })).map((u) => [u.id, u.name]));

  app.get('/api/v1/postmortems', {
    schema: {
      tags,
      summary: 'Search post-mortems (full text across every section) with filters',
      querystring: Type.Object(
        { q: Type.Optional(Type.String({ maxLength: 200 })), service: Type.Optional(Type.String()), severity: Type.Optional(Type.String()), tag: Type.Optional(Type.String()), status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('published')])), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ data: Type.Array(Type.Unknown()) }), ...StdErrors },
    },
    handler: async (req) =>
      core.uow.run(async (r) => {
        const q = req.query;
        const serviceId = q.service ? ((await r.alerts.findService(q.service))?.id ?? 'none') : undefined;
        const found = await r.postmortems.search({
          ...(q.q ? { q: q.q } : {}),
          ...(serviceId ? { serviceId } : {}),
          ...(q.severity ? { severity: q.severity.toUpperCase() } : {}),
          ...(q.tag ? { tag: q.tag } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.from ? { from: toMs(q.from, 'from') } : {}),
          ...(q.to ? { to: toMs(q.to, 'to') } : {}),
        });
        const v = viewer(req);
        const visible = [];
        for (const pm of found) {
          try {
            await findIncident(r, pm.incidentId, v);
            visible.push(pm);
          } catch {
            /* private incident: not for this viewer */
          }
        }
        return { data: visible };
      }),
  });

  app.post('/api/v1/incidents/:id/postmortem', {
    schema: { tags, summary: 'Create the post-mortem of an incident (on demand; idempotent)', params: IdParams, response: { 201: Type.Unknown(), ...StdErrors } },
    handler: async (req, reply) => {
      const p = principalOf(req);
      const pm = await core.uow.run(async (r) => changed(r, await createPostmortem(r, actorOf(p), await findIncident(r, req.params.id, viewer(req)), core.clock.now())));
      return reply.status(201).send(pm);
    },
  });

  app.get('/api/v1/postmortems/:id', {
    schema: { tags, summary: 'A post-mortem with its action items, comments, edit history and timeline', params: IdParams, response: { 200: Type.Unknown(), ...StdErrors } },
    handler: async (req) =>
      core.uow.run(async (r) => {
        const pm = await findPostmortem(r, req.params.id, viewer(req));
        return { postmortem: pm, actionItems: await r.postmortems.actionItems(pm.id), comments: await r.postmortems.comments(pm.id), revisions: (await r.postmortems.revisions(pm.id)).map((x) => ({ id: x.id, authorId: x.authorId, at: x.at })), timeline: await r.events.list('postmortem', pm.id) };
      }),
  });
  app.get('/api/v1/postmortems/:id/export', {
    schema: { tags, summary: 'Export as Markdown or print-friendly HTML (PDF from the browser)', params: IdParams, querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('md'), Type.Literal('html')])) }, { additionalProperties: false }), response: { ...StdErrors } },
    handler: async (req, reply) => {
      const { pm, items, n } = await core.uow.run(async (r) => {
        const pm = await findPostmortem(r, req.params.id, viewer(req));
        return { pm, items: await r.postmortems.actionItems(pm.id), n: await names(r) };
      });
      if (req.query.format === 'html') return reply.type('text/html; charset=utf-8').send(toHtml(pm, items, n));
      return reply.type('text/markdown; charset=utf-8').header('content-disposition', `attachment; filename="postmortem-${pm.id}.md"`).send(toMarkdown(pm, items, n));
    },
  });
  app.patch('/api/v1/postmortems/:id', {
    schema: {
      tags,
      summary: 'Edit sections, title, tags, owner or due date (each edit is kept in the history)',
      params: IdParams,
      body: Type.Object({ title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })), sections: Type.Optional(Sections), tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 30 })), ownerId: Type.Optional(Type.String()), dueAt: Type.Optional(Type.Union([Instant, Type.Null()])) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Type.Unknown(), ...StdErrors },
    },
    handler: async (req) => {
      const p = principalOf(req);
      return core.uow.run(async (r) => {
        const pm = await findPostmortem(r, req.params.id, viewer(req));
        assertCanEdit(pm, p.user);
        const { dueAt, ...rest } = req.body;
        return changed(r, await editPostmortem(r, actorOf(p), pm, { ...(rest as object), ...(dueAt !== undefined ? { dueAt: dueAt === null ? null : toMs(dueAt, 'dueAt') } : {}) }, core.clock.now()));
      });
    },
  });
  app.post('/api/v1/postmortems/:id/status', {
    schema: { tags, summary: 'Move through draft -> in_review -> published (publishing needs the summary, root cause and an action item)', params: IdParams, body: Type.Object({ status: Type.Union([Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('published')]) }, { additionalProperties: false }), response: { 200: Type.Unknown(), ...StdErrors } },
    handler: async (req) => {
      const p = principalOf(req);
      return core.uow.run(async (r) => {
        const pm = await findPostmortem(r, req.params.id, viewer(req));
        assertCanEdit(pm, p.user);
        return changed(r, await setPostmortemStatus(r, actorOf(p), pm, req.body.status, core.clock.now(), deps.config.publicUrl));
      });
    },
  });
  app.post('/api/v1/postmortems/:id/comments', {
    schema: { tags, summary: 'Comment', params: IdParams, body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false }), response: { 201: Type.Unknown(), ...StdErrors } },
    handler: async (req, reply) => {
      const p = principalOf(req);
      const c = await core.uow.run(async (r) => {
        const pm = await findPostmortem(r, req.params.id, viewer(req));
        return r.postmortems.addComment(pm.id, p.user.id, req.body.body, core.clock.now());
      });
      return reply.status(201).send(c);
    },
  });
  app.post('/api/v1/postmortems/:id/action-items', {
    schema: {
      tags,
      summary: 'Add an action item (owner required); createTicket files it in Jira and follows its status',
      params: IdParams,
      body: Type.Object({ title: Type.String({ minLength: 1, maxLength: 300 }), ownerId: Type.String(), dueAt: Type.Optional(Instant), createTicket: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 201: Type.Unknown(), ...StdErrors },
    },
    handler: async (req, reply) => {
      const p = principalOf(req);
      const item = await core.uow.run(async (r) => {
        const pm = await findPostmortem(r, req.params.id, viewer(req));
        assertCanEdit(pm, p.user);
        const item = await addActionItem(r, actorOf(p), pm, { title: req.body.title, ownerId: req.body.ownerId, ...(req.body.dueAt !== undefined ? { dueAt: toMs(req.body.dueAt, 'dueAt') } : {}), ...(req.body.createTicket ? { createTicket: true } : {}) }, core.clock.now());
        await changed(r, pm, item.id);
        return item;
      });
      return reply.status(201).send(item);
    },
  });
  app.patch('/api/v1/action-items/:id', {
    schema: { tags, summary: 'Update an action item (status open|done, title, due date, createTicket)', params: IdParams, body: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done')])), title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })), dueAt: Type.Optional(Type.Union([Instant, Type.Null()])), createTicket: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }), response: { 200: Type.Unknown(), ...StdErrors } },
    handler: async (req) => {
      const p = principalOf(req);
      return core.uow.run(async (r) => {
        const item = await r.postmortems.findActionItem(req.params.id);
        if (!item) throw notFound('action_item', req.params.id);
        const pm = await findPostmortem(r, item.postmortemId, viewer(req));
        assertCanEdit(pm, p.user);
        const { dueAt, ...rest } = req.body;
        const next = await updateActionItem(r, actorOf(p), item, { ...rest, ...(dueAt !== undefined ? { dueAt: dueAt === null ? null : toMs(dueAt, 'dueAt') } : {}) }, core.clock.now());
        await changed(r, pm, `${item.id}:${core.clock.now()}`);
        return next;
      });
    },
  });
  app.put('/api/v1/settings/postmortem-template', {
    config: { auth: 'admin' },
    schema: { tags, summary: 'Edit the post-mortem template (each section’s starting text)', body: Sections, response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await setPostmortemTemplate(core, principalOf(req), req.body);
      return reply.status(204).send(null);
    },
  });
}

export function reportRoutes(sources: ReportSources) {
  return (app: App, deps: HttpDeps): void => {
    const { core } = deps;
    const tags = ['reports'];
    app.get('/api/v1/reports', {
      schema: {
        tags,
        summary: 'Browse and search shift reports by person, team and date',
        querystring: Type.Object({ user: Type.Optional(Type.String()), team: Type.Optional(Type.String()), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()), q: Type.Optional(Type.String({ maxLength: 200 })), status: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(Type.Unknown()) }), ...StdErrors },
      },
      handler: async (req) =>
        core.uow.run(async (r) => {
          const q = req.query;
          const p = principalOf(req);
          const userId = q.user === 'me' ? p.user.id : q.user ? ((await r.users.findByEmail(q.user.toLowerCase())) ?? (await r.users.findById(q.user)))?.id ?? 'none' : undefined;
          let scheduleIds: string[] | undefined;
          if (q.team) {
            const team = (await r.teams.findBySlug(q.team)) ?? (await r.teams.findById(q.team));
            if (!team) throw notFound('team', q.team);
            scheduleIds = (await r.schedules.list({ teamId: team.id })).map((s) => s.id);
          }
          const list = await r.reports.list({ ...(userId ? { userId } : {}), ...(scheduleIds ? { scheduleIds } : {}), ...(q.from ? { from: toMs(q.from, 'from') } : {}), ...(q.to ? { to: toMs(q.to, 'to') } : {}), ...(q.q ? { q: q.q } : {}) });
          return { data: q.status ? list.filter((x) => x.status === q.status) : list };
        }),
    });
    app.get('/api/v1/reports/:id', {
      schema: { tags, summary: 'A shift report, filled live while it is a draft, with the previous report', params: IdParams, response: { 200: Type.Unknown(), ...StdErrors } },
      handler: async (req) =>
        core.uow.run(async (r) => {
          const report = await findReport(r, req.params.id);
          const content = report.status === 'sent' && report.content ? report.content : await fillReport(r, report, core.clock.now(), sources);
          const previous = report.previousReportId ? await r.reports.find(report.previousReportId) : undefined;
          return { report, content, previous: previous ? { id: previous.id, userId: previous.userId, sentAt: previous.sentAt, content: previous.content } : null };
        }),
    });
    app.post('/api/v1/reports', {
      schema: { tags, summary: 'Start the draft of your current shift on a schedule (normally created at shift start)', body: Type.Object({ scheduleId: Type.String(), shiftStart: Instant }, { additionalProperties: false }), response: { 201: Type.Unknown(), ...StdErrors } },
      handler: async (req, reply) => {
        const p = principalOf(req);
        const at = toMs(req.body.shiftStart, 'shiftStart');
        const report = await core.uow.run(async (r) => {
          const s = (await r.schedules.findById(req.body.scheduleId)) ?? (await r.schedules.findBySlug(req.body.scheduleId));
          if (!s) throw invalid('unknown_schedule', `No schedule "${req.body.scheduleId}".`, { field: 'scheduleId' });
          return createDraft(r, { scheduleId: s.id, userId: p.user.id, at }, core.clock.now());
        });
        return reply.status(201).send(report);
      },
    });
    app.patch('/api/v1/reports/:id', {
      schema: { tags, summary: 'Edit your draft: notes and hand-over items', params: IdParams, body: Type.Object({ notes: Type.Optional(Type.String({ maxLength: 100000 })), handover: Type.Optional(Type.Array(Type.Object({ text: Type.String({ minLength: 1, maxLength: 1000 }), done: Type.Boolean() }, { additionalProperties: false }), { maxItems: 100 })) }, { additionalProperties: false, minProperties: 1 }), response: { 200: Type.Unknown(), ...StdErrors } },
      handler: async (req) => {
        const p = principalOf(req);
        return core.uow.run(async (r) => editReport(r, p.user, await findReport(r, req.params.id), req.body, core.clock.now()));
      },
    });
    app.post('/api/v1/reports/:id/send', {
      schema: { tags, summary: 'Send your report: stored, emailed to the team and posted to the hand-off channel', params: IdParams, response: { 200: Type.Unknown(), ...StdErrors } },
      handler: async (req) => {
        const p = principalOf(req);
        return core.uow.run(async (r) => {
          const report = await findReport(r, req.params.id);
          if (report.userId !== p.user.id) throw forbidden('This report is for a shift that is not yours.');
          const sent = await sendReport(r, p.user, report, core.clock.now(), sources, deps.config.publicUrl);
          await core.publish(r, 'report.sent', { entityType: 'shift_report', entityId: sent.id }, sent.id);
          return sent;
        });
      },
    });
  };
}

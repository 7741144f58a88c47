import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { SECTION_KEYS } from '../../core/postmortems/postmortems.js';
import {
  addPostmortemActionItem,
  changeActionItem,
  changePostmortem,
  commentOnPostmortem,
  exportPostmortem,
  movePostmortem,
  postmortemDetail,
  searchPostmortems,
  setPostmortemTemplate,
  startPostmortem,
} from '../../core/postmortems/use-cases.js';
import type { ReportSources } from '../../core/reports/reports.js';
import { changeReport, reportDetail, searchReports, sendShiftReport, startReport } from '../../core/reports/use-cases.js';
import { principalCtx } from '../../core/shared/context.js';
import { principalOf } from '../auth.js';
import { IdParams, StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';
import { Instant } from './schedules.js';

const Sections = Type.Partial(Type.Object(Object.fromEntries(SECTION_KEYS.map((k) => [k, Type.String({ maxLength: 100_000 })]))), { additionalProperties: false });

export function postmortemRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  const tags = ['postmortems'];
  const ctxOf = (req: FastifyRequest) => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);

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
    handler: async (req) => ({ data: await searchPostmortems(core, ctxOf(req), req.query) }),
  });

  app.post('/api/v1/incidents/:id/postmortem', {
    schema: { tags, summary: 'Create the post-mortem of an incident (on demand; idempotent)', params: IdParams, response: { 201: Type.Unknown(), ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await startPostmortem(core, ctxOf(req), { incidentRef: req.params.id })),
  });

  app.get('/api/v1/postmortems/:id', {
    schema: { tags, summary: 'A post-mortem with its action items, comments, edit history and timeline', params: IdParams, response: { 200: Type.Unknown(), ...StdErrors } },
    handler: async (req) => postmortemDetail(core, ctxOf(req), { id: req.params.id }),
  });
  app.get('/api/v1/postmortems/:id/export', {
    schema: { tags, summary: 'Export as Markdown or print-friendly HTML (PDF from the browser)', params: IdParams, querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('md'), Type.Literal('html')])) }, { additionalProperties: false }), response: { ...StdErrors } },
    handler: async (req, reply) => {
      const format = req.query.format === 'html' ? 'html' : 'md';
      const { postmortem, text } = await exportPostmortem(core, ctxOf(req), { id: req.params.id, format });
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(text);
      return reply.type('text/markdown; charset=utf-8').header('content-disposition', `attachment; filename="postmortem-${postmortem.id}.md"`).send(text);
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
    handler: async (req) => changePostmortem(core, ctxOf(req), { id: req.params.id, patch: req.body }),
  });
  app.post('/api/v1/postmortems/:id/status', {
    schema: { tags, summary: 'Move through draft -> in_review -> published (publishing needs the summary, root cause and an action item)', params: IdParams, body: Type.Object({ status: Type.Union([Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('published')]) }, { additionalProperties: false }), response: { 200: Type.Unknown(), ...StdErrors } },
    handler: async (req) => movePostmortem(core, ctxOf(req), { id: req.params.id, status: req.body.status }),
  });
  app.post('/api/v1/postmortems/:id/comments', {
    schema: { tags, summary: 'Comment', params: IdParams, body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false }), response: { 201: Type.Unknown(), ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await commentOnPostmortem(core, ctxOf(req), { id: req.params.id, body: req.body.body })),
  });
  app.post('/api/v1/postmortems/:id/action-items', {
    schema: {
      tags,
      summary: 'Add an action item (owner required); createTicket files it in Jira and follows its status',
      params: IdParams,
      body: Type.Object({ title: Type.String({ minLength: 1, maxLength: 300 }), ownerId: Type.String(), dueAt: Type.Optional(Instant), createTicket: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 201: Type.Unknown(), ...StdErrors },
    },
    handler: async (req, reply) => reply.status(201).send(await addPostmortemActionItem(core, ctxOf(req), { ...req.body, id: req.params.id })),
  });
  app.patch('/api/v1/action-items/:id', {
    schema: { tags, summary: 'Update an action item (status open|done, title, due date, createTicket)', params: IdParams, body: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done')])), title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })), dueAt: Type.Optional(Type.Union([Instant, Type.Null()])), createTicket: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }), response: { 200: Type.Unknown(), ...StdErrors } },
    handler: async (req) => changeActionItem(core, ctxOf(req), { id: req.params.id, patch: req.body }),
  });
  app.put('/api/v1/settings/postmortem-template', {
    config: { auth: 'admin' },
    schema: { tags, summary: 'Edit the post-mortem template (each section’s starting text)', body: Sections, response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await setPostmortemTemplate(core, ctxOf(req), req.body);
      return reply.status(204).send(null);
    },
  });
}

export function reportRoutes(sources: ReportSources) {
  return (app: App, deps: HttpDeps): void => {
    const { core } = deps;
    const tags = ['reports'];
    const ctxOf = (req: FastifyRequest) => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);
    app.get('/api/v1/reports', {
      schema: {
        tags,
        summary: 'Browse and search shift reports by person, team and date',
        querystring: Type.Object({ user: Type.Optional(Type.String()), team: Type.Optional(Type.String()), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()), q: Type.Optional(Type.String({ maxLength: 200 })), status: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(Type.Unknown()) }), ...StdErrors },
      },
      handler: async (req) => ({ data: await searchReports(core, ctxOf(req), req.query) }),
    });
    app.get('/api/v1/reports/:id', {
      schema: { tags, summary: 'A shift report, filled live while it is a draft, with the previous report', params: IdParams, response: { 200: Type.Unknown(), ...StdErrors } },
      handler: async (req) => reportDetail(core, ctxOf(req), { id: req.params.id, sources }),
    });
    app.post('/api/v1/reports', {
      schema: { tags, summary: 'Start the draft of your current shift on a schedule (normally created at shift start)', body: Type.Object({ scheduleId: Type.String(), shiftStart: Instant }, { additionalProperties: false }), response: { 201: Type.Unknown(), ...StdErrors } },
      handler: async (req, reply) => reply.status(201).send(await startReport(core, ctxOf(req), req.body)),
    });
    app.patch('/api/v1/reports/:id', {
      schema: { tags, summary: 'Edit your draft: notes and hand-over items', params: IdParams, body: Type.Object({ notes: Type.Optional(Type.String({ maxLength: 100000 })), handover: Type.Optional(Type.Array(Type.Object({ text: Type.String({ minLength: 1, maxLength: 1000 }), done: Type.Boolean() }, { additionalProperties: false }), { maxItems: 100 })) }, { additionalProperties: false, minProperties: 1 }), response: { 200: Type.Unknown(), ...StdErrors } },
      handler: async (req) => changeReport(core, ctxOf(req), { ...req.body, id: req.params.id }),
    });
    app.post('/api/v1/reports/:id/send', {
      schema: { tags, summary: 'Send your report: stored, emailed to the team and posted to the hand-off channel', params: IdParams, response: { 200: Type.Unknown(), ...StdErrors } },
      handler: async (req) => sendShiftReport(core, ctxOf(req), { id: req.params.id, sources }),
    });
  };
}

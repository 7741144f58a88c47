/**
 * The better-engineering backlog: local tasks and tasks read from Jira (`/api/v1/backlog`).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  createTask,
  finishTask,
  getTask,
  listTasks,
  pickTask,
  suggestTask,
  syncBacklog,
  updateTask,
  type BacklogSource,
  type BacklogTask,
} from '../../core/backlog/backlog.js';
import { principalCtx, type Ctx } from '../../core/shared/context.js';
import { principalOf } from '../auth.js';
import { IdParams, StdErrors, TimelineEventSchema } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const Str = Type.String();
const NStr = Type.Union([Type.String(), Type.Null()]);
const NNum = Type.Union([Type.Number(), Type.Null()]);
const Priority = Type.Union([Type.Literal('highest'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('lowest')]);
const Status = Type.Union([Type.Literal('todo'), Type.Literal('in_progress'), Type.Literal('done')]);

const TaskOut = Type.Object(
  {
    id: Str,
    number: Type.Number(),
    reference: Type.String({ description: 'The Jira key, or BE-<number> for a local task' }),
    title: Str,
    description: Str,
    teamId: NStr,
    priority: Priority,
    status: Status,
    assigneeId: NStr,
    labels: Type.Array(Str),
    source: Type.Union([Type.Literal('local'), Type.Literal('jira')]),
    jiraKey: NStr,
    jiraUrl: NStr,
    jiraStatus: NStr,
    jiraAssignee: NStr,
    archived: Type.Boolean(),
    pickedAt: NNum,
    doneBy: NStr,
    doneAt: NNum,
    createdBy: NStr,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    syncedAt: NNum,
  },
  { $id: 'BacklogTask' },
);

const out = (t: BacklogTask) => ({ ...t, reference: t.jiraKey ?? `BE-${t.number}` });

const Fields = {
  title: Type.String({ minLength: 1, maxLength: 300 }),
  description: Type.String({ maxLength: 20_000 }),
  team: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  priority: Priority,
  status: Status,
  assignee: Type.Union([Type.String({ minLength: 1, description: 'user id or email' }), Type.Null()]),
  labels: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 30 }),
};

/** Backlog routes; `source` reads the Jira backlog when Jira and VIGIL_JIRA_BACKLOG_JQL are configured. */
export function backlogRoutes(source: BacklogSource | undefined) {
  return (app: App, deps: HttpDeps): void => {
    const { core } = deps;
    app.addSchema(TaskOut);
    const tags = ['backlog'];
    const backlog = { ...core, ...(source ? { source } : {}) };
    const ctxOf = (req: FastifyRequest): Ctx => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);

    app.get('/api/v1/backlog', {
      schema: {
        tags,
        summary: 'The better-engineering backlog, highest priority first (default: what is not done)',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Status, Type.Literal('open'), Type.Literal('all')])),
            team: Type.Optional(Type.String()),
            assignee: Type.Optional(Type.String({ description: 'user id, email or "me"' })),
            source: Type.Optional(Type.Union([Type.Literal('local'), Type.Literal('jira')])),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('BacklogTask')),
            lastSync: Type.Union([
              Type.Object({ at: Type.Number(), total: Type.Number(), created: Type.Number(), updated: Type.Number(), archived: Type.Number() }),
              Type.Null(),
            ]),
          }),
          ...StdErrors,
        },
      },
      handler: async (req) => {
        const { data, lastSync } = await listTasks(core, ctxOf(req), req.query);
        return { data: data.map(out), lastSync };
      },
    });

    app.post('/api/v1/backlog', {
      schema: {
        tags,
        summary: 'Add a local task to the backlog',
        body: Type.Object(
          {
            title: Fields.title,
            description: Type.Optional(Fields.description),
            team: Type.Optional(Fields.team),
            priority: Type.Optional(Fields.priority),
            status: Type.Optional(Fields.status),
            assignee: Type.Optional(Fields.assignee),
            labels: Type.Optional(Fields.labels),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('BacklogTask'), ...StdErrors },
      },
      handler: async (req, reply) => {
        return reply.status(201).send(out(await createTask(core, ctxOf(req), req.body)));
      },
    });

    app.get('/api/v1/backlog/suggestion', {
      schema: {
        tags,
        summary: 'When nothing is open for you (no open incident you are on, no active page, no alert you own): the top of the backlog',
        querystring: Type.Object({ user: Type.Optional(Type.String({ description: 'user id or email (default: you)' })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            busy: Type.Boolean(),
            reasons: Type.Array(Str),
            task: Type.Union([Type.Ref('BacklogTask'), Type.Null()]),
            inProgress: Type.Array(Type.Ref('BacklogTask')),
          }),
          ...StdErrors,
        },
      },
      handler: async (req) => {
        const s = await suggestTask(core, ctxOf(req), req.query.user ? { user: req.query.user } : {});
        return { busy: s.busy, reasons: s.reasons, task: s.task ? out(s.task) : null, inProgress: s.inProgress.map(out) };
      },
    });

    app.post('/api/v1/backlog/sync', {
      schema: {
        tags,
        summary: 'Read the backlog from Jira now (VIGIL_JIRA_BACKLOG_JQL); tasks are upserted by Jira key',
        response: { 200: Type.Object({ total: Type.Number(), created: Type.Number(), updated: Type.Number(), archived: Type.Number() }), ...StdErrors },
      },
      handler: async (req) => syncBacklog(backlog, ctxOf(req)),
    });

    app.get('/api/v1/backlog/:id', {
      schema: {
        tags,
        summary: 'A task (id, BE-12 or Jira key) with its timeline',
        params: IdParams,
        response: { 200: Type.Object({ task: Type.Ref('BacklogTask'), timeline: Type.Array(TimelineEventSchema) }), ...StdErrors },
      },
      handler: async (req) => {
        const { task, timeline } = await getTask(core, ctxOf(req), { ref: req.params.id });
        return { task: out(task), timeline };
      },
    });

    app.patch('/api/v1/backlog/:id', {
      schema: {
        tags,
        summary: 'Change a task (status done records who finished it and when; a Jira task is moved to Done in Jira)',
        params: IdParams,
        body: Type.Partial(Type.Object(Fields), { additionalProperties: false, minProperties: 1 }),
        response: { 200: Type.Ref('BacklogTask'), ...StdErrors },
      },
      handler: async (req) => {
        return out(await updateTask(core, ctxOf(req), { ref: req.params.id, patch: req.body }));
      },
    });

    app.post('/api/v1/backlog/:id/pick', {
      schema: {
        tags,
        summary: 'Pick a task: assigned to you (or assignee), in progress',
        params: IdParams,
        body: Type.Optional(Type.Object({ assignee: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false })),
        response: { 200: Type.Ref('BacklogTask'), ...StdErrors },
      },
      handler: async (req) => {
        const assignee = req.body?.assignee;
        return out(await pickTask(core, ctxOf(req), { ref: req.params.id, ...(assignee ? { assignee } : {}) }));
      },
    });

    app.post('/api/v1/backlog/:id/done', {
      schema: {
        tags,
        summary: 'Mark a task done (recorded with you and now; a Jira task is moved to Done in Jira, best effort)',
        params: IdParams,
        response: { 200: Type.Ref('BacklogTask'), ...StdErrors },
      },
      handler: async (req) => {
        return out(await finishTask(core, ctxOf(req), { ref: req.params.id }));
      },
    });
  };
}

import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { principalCtx } from '../../core/shared/context.js';
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from '../../core/teams/teams.js';
import { principalOf } from '../auth.js';
import { IdParams, StdErrors, listOf } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const TeamFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  slug: Type.String({ minLength: 1, maxLength: 63 }),
  description: Type.String({ maxLength: 2000 }),
  leadUserId: Type.Union([Type.String(), Type.Null()]),
  memberIds: Type.Array(Type.String(), { maxItems: 1000 }),
  jiraBoardIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 50, description: 'Jira Software boards whose sprints this team plans in' }),
};

const TeamCreate = Type.Object(
  {
    name: TeamFields.name,
    slug: Type.Optional(TeamFields.slug),
    description: Type.Optional(TeamFields.description),
    leadUserId: Type.Optional(TeamFields.leadUserId),
    memberIds: Type.Optional(TeamFields.memberIds),
    jiraBoardIds: Type.Optional(TeamFields.jiraBoardIds),
  },
  { additionalProperties: false },
);
const TeamPatch = Type.Partial(Type.Object(TeamFields), { additionalProperties: false, minProperties: 1 });

export function teamRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  const ctxOf = (req: FastifyRequest) => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);
  app.get('/api/v1/teams', {
    schema: { tags: ['identity'], summary: 'List teams', response: { 200: listOf('Team'), ...StdErrors } },
    handler: async (req) => ({ data: await listTeams(core, ctxOf(req)) }),
  });
  app.post('/api/v1/teams', {
    config: { auth: 'admin' },
    schema: { tags: ['identity'], summary: 'Create a team (admin)', body: TeamCreate, response: { 201: Type.Ref('Team'), ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await createTeam(core, ctxOf(req), req.body)),
  });
  app.get('/api/v1/teams/:id', {
    schema: { tags: ['identity'], summary: 'Get a team by id or slug', params: IdParams, response: { 200: Type.Ref('Team'), ...StdErrors } },
    handler: async (req) => getTeam(core, ctxOf(req), { ref: req.params.id }),
  });
  app.patch('/api/v1/teams/:id', {
    schema: { tags: ['identity'], summary: 'Update a team (admin or its lead)', params: IdParams, body: TeamPatch, response: { 200: Type.Ref('Team'), ...StdErrors } },
    handler: async (req) => updateTeam(core, ctxOf(req), { ref: req.params.id, patch: req.body }),
  });
  app.delete('/api/v1/teams/:id', {
    config: { auth: 'admin' },
    schema: { tags: ['identity'], summary: 'Delete a team (admin)', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await deleteTeam(core, ctxOf(req), { ref: req.params.id });
      return reply.status(204).send(null);
    },
  });
}

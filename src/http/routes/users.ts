import { Type } from '@sinclair/typebox';
import { changeOwnPassword } from '../../core/auth/auth.js';
import { principalCtx, type Ctx } from '../../core/shared/context.js';
import { confirmEmailChange, requestEmailChange } from '../../core/users/verification.js';
import { createUser, deactivateUser, getUser, listUsers, teamTimeline, updateUser, userTimeline, whoAmI } from '../../core/users/users.js';
import { principalOf } from '../auth.js';
import { IdParams, Role, ScopeSchema, StdErrors, TimelineEventSchema, listOf } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const UserCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
    slackUserId: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
    role: Type.Optional(Role),
    password: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

const UserPatch = Type.Partial(
  Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    timeZone: Type.String({ maxLength: 64 }),
    phone: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]),
    slackUserId: Type.Union([Type.String({ maxLength: 32 }), Type.Null()]),
    role: Role,
    active: Type.Boolean(),
    password: Type.String({ maxLength: 256, description: 'Admins set anyone’s; your own needs currentPassword' }),
    currentPassword: Type.String({ maxLength: 256, description: 'Required to change your own password' }),
  }),
  { additionalProperties: false, minProperties: 1 },
);

const ListQuery = Type.Object({ includeInactive: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export function userRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  const ctxOf = (req: Parameters<typeof principalOf>[0]): Ctx => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);
  app.get('/api/v1/me', {
    schema: {
      tags: ['identity'],
      summary: 'The signed-in user, their scopes and teams',
      response: { 200: Type.Object({ user: Type.Ref('User'), scopes: Type.Array(ScopeSchema), teams: Type.Array(Type.Ref('Team')), via: Type.Union([Type.Literal('session'), Type.Literal('token')]) }), ...StdErrors },
    },
    handler: async (req) => whoAmI(core, ctxOf(req)),
  });

  app.get('/api/v1/users', {
    schema: { tags: ['identity'], summary: 'List users', querystring: ListQuery, response: { 200: listOf('User'), ...StdErrors } },
    handler: async (req) => listUsers(core, ctxOf(req), req.query),
  });

  app.post('/api/v1/users', {
    config: { auth: 'admin' },
    schema: { tags: ['identity'], summary: 'Create a user (admin)', body: UserCreate, response: { 201: Type.Ref('User'), ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await createUser(core, ctxOf(req), req.body)),
  });

  app.get('/api/v1/users/:id', {
    schema: { tags: ['identity'], summary: 'Get a user by id or email', params: IdParams, response: { 200: Type.Ref('User'), ...StdErrors } },
    handler: async (req) => getUser(core, ctxOf(req), { ref: req.params.id }),
  });

  app.patch('/api/v1/users/:id', {
    schema: { tags: ['identity'], summary: 'Update a user (admins: anyone; others: themselves, not their role)', params: IdParams, body: UserPatch, response: { 200: Type.Ref('User'), ...StdErrors } },
    handler: async (req) => {
      const slackIdForEmail = deps.slack?.slackIdForEmail?.bind(deps.slack);
      return updateUser(core, ctxOf(req), { ref: req.params.id, patch: req.body, ...(deps.config.signIn ? { signIn: deps.config.signIn } : {}), ...(slackIdForEmail ? { slackIdForEmail } : {}) });
    },
  });

  app.post('/api/v1/me/email', {
    schema: {
      tags: ['identity'],
      summary: 'Change your email: sends a code to the new address; it takes effect once confirmed',
      body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, { additionalProperties: false }),
      response: { 202: Type.Object({ pendingEmail: Type.String(), expiresAt: Type.Number() }), ...StdErrors },
    },
    handler: async (req, reply) => reply.status(202).send(await requestEmailChange(core, principalOf(req), req.body.email)),
  });
  app.post('/api/v1/me/email/confirm', {
    schema: {
      tags: ['identity'],
      summary: 'Confirm your new email with the code sent to it',
      body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }),
      response: { 200: Type.Ref('User'), ...StdErrors },
    },
    handler: async (req) => confirmEmailChange(core, principalOf(req), req.body.code),
  });

  // Any signed-in person may change their own password, stakeholders (read-only) included: the
  // current password is the proof.
  app.post('/api/v1/me/password', {
    config: { auth: 'read' },
    schema: {
      tags: ['identity'],
      summary: 'Change your own password (the current one is required)',
      body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...StdErrors },
    },
    handler: async (req, reply) => {
      await changeOwnPassword(core, principalOf(req), req.body.currentPassword, req.body.newPassword, deps.config.signIn);
      return reply.status(204).send(null);
    },
  });

  app.delete('/api/v1/users/:id', {
    config: { auth: 'admin' },
    schema: { tags: ['identity'], summary: 'Deactivate a user (admin); their history stays', params: IdParams, response: { 200: Type.Ref('User'), ...StdErrors } },
    handler: async (req) => deactivateUser(core, ctxOf(req), { ref: req.params.id }),
  });

  app.get('/api/v1/users/:id/timeline', {
    schema: { tags: ['identity'], summary: "A user's timeline (the person, admins and the leads of the person's teams)", params: IdParams, response: { 200: Type.Object({ data: Type.Array(TimelineEventSchema) }), ...StdErrors } },
    handler: async (req) => userTimeline(core, ctxOf(req), { ref: req.params.id }),
  });

  app.get('/api/v1/teams/:id/timeline', {
    schema: { tags: ['identity'], summary: "A team's timeline", params: IdParams, response: { 200: Type.Object({ data: Type.Array(TimelineEventSchema) }), ...StdErrors } },
    handler: async (req) => teamTimeline(core, ctxOf(req), { team: req.params.id }),
  });
}

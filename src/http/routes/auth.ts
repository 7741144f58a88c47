import { Type } from '@sinclair/typebox';
import { clearSignInThrottle, createToken, listSignInThrottles, listTokens, login, logout, revokeToken, SESSION_TTL_MS } from '../../core/auth/auth.js';
import { principalOf, SESSION_COOKIE } from '../auth.js';
import { IdParams, ScopeSchema, StdErrors, listOf } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const Login = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

const TokenCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Optional(Type.Array(ScopeSchema, { minItems: 1, maxItems: 3, uniqueItems: true })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    userId: Type.Optional(Type.String({ description: 'Admins only: create the token for another user.' })),
  },
  { additionalProperties: false },
);

export function authRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  app.post('/api/v1/auth/login', {
    config: { auth: 'public' },
    schema: {
      tags: ['identity'],
      summary: 'Sign in with email and password; sets the session cookie',
      security: [],
      body: Login,
      response: { 200: Type.Object({ user: Type.Ref('User'), expiresAt: Type.Number() }), ...StdErrors },
    },
    handler: async (req, reply) => {
      const { secret, session, user } = await login(core, req.body.email, req.body.password, { address: req.ip, ...(deps.config.signIn ? { throttle: deps.config.signIn } : {}) });
      reply.setCookie(SESSION_COOKIE, secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.config.secureCookies,
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      return { user, expiresAt: session.expiresAt };
    },
  });

  const ThrottleEntrySchema = Type.Object({
    kind: Type.Union([Type.Literal('account'), Type.Literal('address')]),
    subject: Type.String({ description: 'The email tried, or the client address' }),
    failures: Type.Integer({ description: 'Wrong passwords since the last lockout' }),
    lockouts: Type.Integer({ description: 'Lockouts so far; each doubles the next' }),
    lockedUntil: Type.Union([Type.Number(), Type.Null()]),
    locked: Type.Boolean(),
    lastFailureAt: Type.Number(),
  });
  app.get('/api/v1/auth/sign-in-throttle', {
    config: { auth: 'admin' },
    schema: { tags: ['identity'], summary: 'Accounts and client addresses with recent failed sign-ins or a lockout (admin)', response: { 200: Type.Object({ data: Type.Array(ThrottleEntrySchema) }), ...StdErrors } },
    handler: async (req) => ({
      data: (await listSignInThrottles(core, principalOf(req), deps.config.signIn)).map(({ key: _key, ...e }) => e),
    }),
  });
  app.delete('/api/v1/auth/sign-in-throttle/:kind/:subject', {
    config: { auth: 'admin' },
    schema: {
      tags: ['identity'],
      summary: 'End the lockout of an account (email) or client address, and forget its failures (admin)',
      params: Type.Object({ kind: Type.Union([Type.Literal('account'), Type.Literal('address')]), subject: Type.String({ minLength: 1, maxLength: 254 }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...StdErrors },
    },
    handler: async (req, reply) => {
      await clearSignInThrottle(core, principalOf(req), req.params.kind, req.params.subject);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/v1/auth/logout', {
    config: { auth: 'public' },
    schema: { tags: ['identity'], summary: 'Sign out (ends the session)', security: [], response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      const secret = req.cookies[SESSION_COOKIE];
      if (secret) await logout(core, secret);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/tokens', {
    schema: {
      tags: ['identity'],
      summary: 'Your API tokens (admins: all with ?all=true); secrets are never shown again',
      querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: listOf('ApiToken'), ...StdErrors },
    },
    handler: async (req) => ({ data: await listTokens(core, principalOf(req), req.query.all ?? false) }),
  });

  app.post('/api/v1/tokens', {
    schema: {
      tags: ['identity'],
      summary: 'Create an API token; the secret is in this answer only',
      body: TokenCreate,
      response: { 201: Type.Object({ token: Type.Ref('ApiToken'), secret: Type.String() }), ...StdErrors },
    },
    handler: async (req, reply) => reply.status(201).send(await createToken(core, principalOf(req), req.body)),
  });

  app.delete('/api/v1/tokens/:id', {
    schema: { tags: ['identity'], summary: 'Revoke an API token', params: IdParams, response: { 200: Type.Ref('ApiToken'), ...StdErrors } },
    handler: async (req) => revokeToken(core, principalOf(req), req.params.id),
  });
}

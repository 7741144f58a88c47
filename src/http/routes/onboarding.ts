/**
 * Onboarding: invites by email or from a Slack channel's members, the public sign-up link, and the
 * Slack directory (channels and user groups by name) the web UI's pickers read.
 */
import { Type } from '@sinclair/typebox';
import { SESSION_TTL_MS, login } from '../../core/auth/auth.js';
import type { FastifyRequest } from 'fastify';
import { principalCtx, systemCtx, type Ctx } from '../../core/shared/context.js';
import {
  acceptInvite,
  invite,
  inviteSlackChannel,
  inviteStatus,
  listInvites,
  lookupInvite,
  revokeInvite,
  slackDirectoryCall,
  slackNotConfigured,
  type Invite,
  type InviteDirectory,
} from '../../core/users/invites.js';
import { principalOf, SESSION_COOKIE } from '../auth.js';
import { IdParams, Role, StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const InviteSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  teamId: Type.Union([Type.String(), Type.Null()]),
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  source: Type.String(),
  slackUserId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String({ description: 'pending, accepted, expired or revoked' }),
  createdAt: Type.Number(),
  expiresAt: Type.Number(),
  acceptedAt: Type.Union([Type.Number(), Type.Null()]),
  userId: Type.Union([Type.String(), Type.Null()]),
});

const ChannelSchema = Type.Object({ id: Type.String(), name: Type.String(), isPrivate: Type.Boolean(), isMember: Type.Boolean(), numMembers: Type.Optional(Type.Number()) });
const GroupSchema = Type.Object({ id: Type.String(), handle: Type.String(), name: Type.String(), userCount: Type.Number() });

const TokenParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }, { additionalProperties: false });

/** What the sign-up link's page shows; never the token or who else was invited. */
const PublicInvite = Type.Object({
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  team: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  expiresAt: Type.Number(),
});

/** Slack lists change rarely; pickers re-read them for a short while from memory. */
const CACHE_MS = 60_000;

export interface OnboardingRouteOptions {
  /** The Slack workspace, when Slack is configured. */
  slack?: InviteDirectory;
  now(): number;
}

const shape = (i: Invite, now: number) => ({ ...i, status: inviteStatus(i, now), revokedAt: undefined });

export function onboardingRoutes(options: OnboardingRouteOptions) {
  const cache = new Map<string, { at: number; value: unknown }>();
  const cached = async <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && options.now() - hit.at < CACHE_MS) return hit.value as T;
    const value = await load();
    if (cache.size > 500) cache.clear();
    cache.set(key, { at: options.now(), value });
    return value;
  };

  return (app: App, deps: HttpDeps): void => {
    const { core } = deps;
    const tags = ['identity'];
    const invites = { ...core, ...(options.slack ? { slack: options.slack } : {}) };
    const ctxOf = (req: FastifyRequest): Ctx => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);
    /** The sign-up link's calls: nobody is signed in, the token is the proof. */
    const publicCtx = () => systemCtx(core.clock.now(), deps.config.publicUrl);

    app.get('/api/v1/slack/channels', {
      schema: {
        tags: ['slack'],
        summary: "The workspace's channels by name, for pickers (conversations.list, one page per cursor; `query` filters by name, or finds a channel by its id)",
        querystring: Type.Object(
          { cursor: Type.Optional(Type.String({ maxLength: 500 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), query: Type.Optional(Type.String({ maxLength: 80 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(ChannelSchema), nextCursor: Type.String() }), ...StdErrors },
      },
      handler: async (req) => {
        const slack = options.slack;
        if (!slack) throw slackNotConfigured();
        const limit = req.query.limit ?? 200;
        const query = req.query.query?.trim().replace(/^#/, '').toLowerCase();
        if (!query) {
          const page = await cached(`channels:${req.query.cursor ?? ''}:${limit}`, () => slackDirectoryCall(() => slack.listChannels({ limit, ...(req.query.cursor ? { cursor: req.query.cursor } : {}) })));
          return { data: page.items, nextCursor: page.nextCursor };
        }
        // Slack has no search by name: walk the pages (cached) and keep the matches.
        const data = [];
        let cursor = req.query.cursor ?? '';
        for (let i = 0; i < 25; i++) {
          const c = cursor;
          const page = await cached(`channels:${c}:200`, () => slackDirectoryCall(() => slack.listChannels({ limit: 200, ...(c ? { cursor: c } : {}) })));
          data.push(...page.items.filter((ch) => ch.name.toLowerCase().includes(query) || ch.id.toLowerCase() === query));
          cursor = page.nextCursor;
          if (!cursor || data.length >= limit) break;
        }
        return { data: data.slice(0, limit), nextCursor: cursor };
      },
    });

    app.get('/api/v1/slack/usergroups', {
      schema: {
        tags: ['slack'],
        summary: "The workspace's user groups by handle and name, for pickers (usergroups.list)",
        querystring: Type.Object({ query: Type.Optional(Type.String({ maxLength: 80 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(GroupSchema) }), ...StdErrors },
      },
      handler: async (req) => {
        const slack = options.slack;
        if (!slack) throw slackNotConfigured();
        const all = await cached('usergroups', () => slackDirectoryCall(() => slack.listUserGroups()));
        const q = req.query.query?.trim().replace(/^@/, '').toLowerCase();
        return { data: q ? all.filter((g) => g.handle.toLowerCase().includes(q) || g.name.toLowerCase().includes(q)) : all };
      },
    });

    app.get('/api/v1/invites', {
      schema: {
        tags,
        summary: 'Invites (admins: all; a team lead: their team with ?teamId)',
        querystring: Type.Object({ teamId: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(InviteSchema) }), ...StdErrors },
      },
      handler: async (req) => {
        const ctx = ctxOf(req);
        return { data: (await listInvites(core, ctx, req.query.teamId ? { teamId: req.query.teamId } : {})).map((i) => shape(i, ctx.now)) };
      },
    });

    app.post('/api/v1/invites', {
      schema: {
        tags,
        summary: 'Invite someone by email (admins, or the lead of the team): a single-use sign-up link that expires in 7 days',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 254 }),
            name: Type.Optional(Type.String({ maxLength: 200 })),
            role: Type.Optional(Role),
            teamId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: InviteSchema, ...StdErrors },
      },
      handler: async (req, reply) => {
        const { invite: i } = await invite(core, ctxOf(req), req.body);
        return reply.status(201).send(shape(i, core.clock.now()));
      },
    });

    app.post('/api/v1/invites/slack', {
      schema: {
        tags,
        summary: "Invite the members of a Slack channel (conversations.members, emails from users.info); bots, deactivated accounts and people who have an account are skipped",
        body: Type.Object({ channelId: Type.String({ minLength: 2, maxLength: 40 }), role: Type.Optional(Role), teamId: Type.Optional(Type.Union([Type.String(), Type.Null()])) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ invited: Type.Array(InviteSchema), skipped: Type.Array(Type.Object({ slackUserId: Type.String(), name: Type.Optional(Type.String()), reason: Type.String() })) }),
          ...StdErrors,
        },
      },
      handler: async (req, reply) => {
        const { invited, skipped } = await inviteSlackChannel(invites, ctxOf(req), req.body);
        const now = core.clock.now();
        return reply.status(201).send({ invited: invited.map((i) => shape(i, now)), skipped });
      },
    });

    app.delete('/api/v1/invites/:id', {
      schema: { tags, summary: 'Withdraw a pending invite (its link stops working)', params: IdParams, response: { 200: InviteSchema, ...StdErrors } },
      handler: async (req) => {
        return shape(await revokeInvite(core, ctxOf(req), { id: req.params.id }), core.clock.now());
      },
    });

    app.get('/api/v1/invites/by-token/:token', {
      config: { auth: 'public' },
      schema: { tags, summary: 'What a sign-up link is for (public: the token is the proof)', security: [], params: TokenParams, response: { 200: PublicInvite, ...StdErrors } },
      handler: async (req) => {
        const { invite: i, team } = await lookupInvite(core, publicCtx(), { token: req.params.token });
        return { email: i.email, name: i.name, role: i.role, team: team ? { id: team.id, name: team.name } : null, expiresAt: i.expiresAt };
      },
    });

    app.post('/api/v1/invites/by-token/:token/accept', {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Accept an invite: set your name and password, join the team, and be signed in (sets the session cookie)',
        security: [],
        params: TokenParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ maxLength: 256 }), timeZone: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ user: Type.Ref('User'), expiresAt: Type.Number() }), ...StdErrors },
      },
      handler: async (req, reply) => {
        const user = await acceptInvite(core, publicCtx(), { token: req.params.token, ...req.body });
        const { secret, session } = await login(core, user.email, req.body.password);
        reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
        return reply.status(201).send({ user, expiresAt: session.expiresAt });
      },
    });
  };
}

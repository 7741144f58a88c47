/**
 * Onboarding: invites by email or from a Slack channel's members, the public sign-up link, and the
 * Slack directory (channels and user groups by name) the web UI's pickers read.
 */
import { Type } from '@sinclair/typebox';
import { SESSION_TTL_MS, login } from '../../core/auth/auth.js';
import { ChannelError, type SlackDirectory } from '../../core/notifications/channels.js';
import { DomainError } from '../../core/shared/errors.js';
import { acceptInvite, assertMayInviteTo, invite, inviteStatus, listInvites, lookupInvite, revokeInvite, type Invite } from '../../core/users/invites.js';
import { assertPassword } from '../../core/users/users.js';
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
  slack?: SlackDirectory & { botUserId?: string };
  now(): number;
}

/** Slack is off on this Vigil: a state of the installation the caller can act on (type the id), so a 409. */
function slackUnavailable(): DomainError {
  return new DomainError('conflict', 'slack_not_configured', 'Slack is not configured (VIGIL_SLACK_BOT_TOKEN); enter the id instead.');
}

async function slackCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ChannelError) {
      if (err.code === 'channel_not_found') throw new DomainError('invalid', 'slack_channel_not_found', 'Slack does not know this channel, or Vigil is not in it (invite the app to the channel first).', { field: 'channelId' });
      if (err.code === 'missing_scope') throw new DomainError('unavailable', 'slack_missing_scope', `The Slack app lacks a scope: ${err.message}. Add it in the app's OAuth settings and reinstall.`);
      throw new DomainError(err.retryable ? 'unavailable' : 'invalid', 'slack_error', err.message);
    }
    throw err;
  }
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
    const ctx = () => ({ now: core.clock.now(), publicUrl: deps.config.publicUrl });

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
        if (!slack) throw slackUnavailable();
        const limit = req.query.limit ?? 200;
        const query = req.query.query?.trim().replace(/^#/, '').toLowerCase();
        if (!query) {
          const page = await cached(`channels:${req.query.cursor ?? ''}:${limit}`, () => slackCall(() => slack.listChannels({ limit, ...(req.query.cursor ? { cursor: req.query.cursor } : {}) })));
          return { data: page.items, nextCursor: page.nextCursor };
        }
        // Slack has no search by name: walk the pages (cached) and keep the matches.
        const data = [];
        let cursor = req.query.cursor ?? '';
        for (let i = 0; i < 25; i++) {
          const c = cursor;
          const page = await cached(`channels:${c}:200`, () => slackCall(() => slack.listChannels({ limit: 200, ...(c ? { cursor: c } : {}) })));
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
        if (!slack) throw slackUnavailable();
        const all = await cached('usergroups', () => slackCall(() => slack.listUserGroups()));
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
        const p = principalOf(req);
        const now = core.clock.now();
        return { data: (await core.uow.run((r) => listInvites(r, p, req.query.teamId))).map((i) => shape(i, now)) };
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
        const p = principalOf(req);
        const { invite: i } = await core.uow.run((r) => invite(r, ctx(), p, req.body));
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
        const p = principalOf(req);
        await core.uow.run((r) => assertMayInviteTo(r, p, req.body.teamId, req.body.role));
        const slack = options.slack;
        if (!slack) throw slackUnavailable();
        const members: string[] = [];
        let cursor = '';
        for (let i = 0; i < 50; i++) {
          const page = await slackCall(() => slack.channelMembers(req.body.channelId, { limit: 200, ...(cursor ? { cursor } : {}) }));
          members.push(...page.items);
          cursor = page.nextCursor;
          if (!cursor) break;
        }
        const invited: Invite[] = [];
        const skipped: Array<{ slackUserId: string; name?: string; reason: string }> = [];
        for (const id of [...new Set(members)]) {
          if (id === slack.botUserId) continue;
          const u = await slackCall(() => slack.userInfo(id));
          if (!u) {
            skipped.push({ slackUserId: id, reason: 'unknown to Slack' });
            continue;
          }
          if (u.isBot || u.deleted) {
            skipped.push({ slackUserId: id, name: u.name, reason: u.isBot ? 'a bot' : 'deactivated in Slack' });
            continue;
          }
          if (!u.email) {
            skipped.push({ slackUserId: id, name: u.name, reason: 'no email visible (the app needs users:read.email)' });
            continue;
          }
          const email = u.email;
          try {
            const { invite: i } = await core.uow.run((r) => invite(r, ctx(), p, { email, name: u.name, ...(req.body.role ? { role: req.body.role } : {}), teamId: req.body.teamId ?? null, source: 'slack', slackUserId: id }));
            invited.push(i);
          } catch (err) {
            if (err instanceof DomainError && err.code === 'email_taken') skipped.push({ slackUserId: id, name: u.name, reason: 'has an account already' });
            else throw err;
          }
        }
        const now = core.clock.now();
        return reply.status(201).send({ invited: invited.map((i) => shape(i, now)), skipped });
      },
    });

    app.delete('/api/v1/invites/:id', {
      schema: { tags, summary: 'Withdraw a pending invite (its link stops working)', params: IdParams, response: { 200: InviteSchema, ...StdErrors } },
      handler: async (req) => {
        const p = principalOf(req);
        return shape(await core.uow.run((r) => revokeInvite(r, ctx(), p, req.params.id)), core.clock.now());
      },
    });

    app.get('/api/v1/invites/by-token/:token', {
      config: { auth: 'public' },
      schema: { tags, summary: 'What a sign-up link is for (public: the token is the proof)', security: [], params: TokenParams, response: { 200: PublicInvite, ...StdErrors } },
      handler: async (req) =>
        core.uow.run(async (r) => {
          const { invite: i, team } = await lookupInvite(r, req.params.token, core.clock.now());
          return { email: i.email, name: i.name, role: i.role, team: team ? { id: team.id, name: team.name } : null, expiresAt: i.expiresAt };
        }),
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
        assertPassword(req.body.password);
        const hash = await core.passwords.hash(req.body.password);
        const user = await core.uow.run((r) => acceptInvite(r, req.params.token, { name: req.body.name, ...(req.body.timeZone ? { timeZone: req.body.timeZone } : {}) }, hash, core.clock.now()));
        const { secret, session } = await login(core, user.email, req.body.password);
        reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
        return reply.status(201).send({ user, expiresAt: session.expiresAt });
      },
    });
  };
}

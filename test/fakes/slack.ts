/**
 * A fake Slack: a real HTTP server on 127.0.0.1 speaking the Web API methods Vigil calls, in Slack's wire
 * format (form or JSON bodies, `{ok}` envelope, `ts` strings, HTTP 429 + `Retry-After`), plus `response_url`
 * endpoints and helpers that send SIGNED slash commands, interactions and events to Vigil.
 *
 * Point `@slack/web-api` at it with `slackApiUrl: fake.url`. See test/fakes/README.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { slackSignatureHeaders } from '../../src/integrations/outbound/slack/signature.js';

export interface FakeSlackUser {
  id: string;
  email?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
}

export interface FakeSlackChannel {
  id: string;
  name: string;
  is_private: boolean;
  is_im: boolean;
  is_mpim: boolean;
  is_archived: boolean;
  members: string[];
  topic: string;
  created: number;
}

export interface FakeSlackUserGroup {
  id: string;
  handle: string;
  name: string;
  users: string[];
}

export interface FakeSlackCall {
  method: string;
  args: Record<string, any>;
  /** ms since the epoch, wall clock. */
  at: number;
  /** HTTP status answered (0 when the connection was dropped). */
  status: number;
  ok: boolean;
  error?: string;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** Earlier versions, oldest first, when chat.update changed the message. */
  history: { text?: string; blocks?: unknown[]; at: number }[];
  replyCount: number;
  /** `metadata` of chat.postMessage (event_type + event_payload), returned by conversations.history with include_all_metadata. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  args: Record<string, any>;
  at: number;
}

export interface FakeSlackEphemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
  at: number;
}

export interface FakeSlackResponsePost {
  id: string;
  body: any;
  at: number;
}

export type FakeSlackFailure = { status: 429; retryAfter?: number } | { status: number; body?: string } | { error: string; retryAfter?: number };

export interface FakeSlackOptions {
  /** The accepted bot token. Unset: any `xox…` token is accepted. */
  token?: string;
  users?: FakeSlackUser[];
  channels?: (Partial<FakeSlackChannel> & { name: string })[];
  userGroups?: (Partial<FakeSlackUserGroup> & { id: string })[];
  /**
   * Strict mode answers like real Slack for unknown ids: channel_not_found, no_such_subteam, user_not_found
   * / invalid_users. Default false: unknown channel and user group ids are registered on first use.
   */
  strict?: boolean;
  teamId?: string;
  teamDomain?: string;
}

export interface FakeSlackReply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: any;
}

export interface SendOptions {
  /** Unix seconds for X-Slack-Request-Timestamp; default now. Use an old value to test stale requests. */
  timestampSeconds?: number;
  /** Extra or overriding headers (e.g. a forged signature). */
  headers?: Record<string, string>;
}

export interface SlashCommandFields {
  command: string;
  text?: string;
  user_id: string;
  channel_id: string;
  user_name?: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  response_url?: string;
  trigger_id?: string;
  api_app_id?: string;
  token?: string;
  enterprise_id?: string;
  enterprise_name?: string;
  is_enterprise_install?: string;
  [field: string]: string | undefined;
}

export interface FakeSlack {
  /** Base URL of the Web API, ending in `/api/` (WebClient `slackApiUrl`). */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** The bot user's id (auth.test, message authors, channel creator). */
  botUserId: string;
  teamId: string;
  /** Every Web API call, in arrival order (live array). */
  calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /** Messages posted to one channel id (a DM's `D…` id, or the user id for DMs), oldest first. */
  messages(channel: string): FakeSlackMessage[];
  allMessages(): FakeSlackMessage[];
  ephemerals(channel?: string): FakeSlackEphemeral[];
  /** The IM channel id of a user, once conversations.open or a DM post created it. */
  dmChannelOf(userId: string): string | undefined;
  /** Members of a user group (undefined when unknown). */
  userGroupMembers(id: string): string[] | undefined;
  channel(idOrName: string): FakeSlackChannel | undefined;
  /** Views opened with views.open. */
  views(): { trigger_id: string; view: any; id: string; at: number }[];
  addUser(user: FakeSlackUser): void;
  addChannel(channel: Partial<FakeSlackChannel> & { name: string }): FakeSlackChannel;
  addUserGroup(group: Partial<FakeSlackUserGroup> & { id: string }): void;
  /** Fail the next `times` calls of `method` (`*` = any method; `response_url` = response URL posts). */
  failNext(method: string, failure: FakeSlackFailure, times?: number): void;
  /** Delay the answer to the next `times` calls of `method` (`*` = any) by `ms` (timeouts, aborts, slow Slack). */
  slowNext(method: string, ms: number, times?: number): void;
  /** Stop failing: forget every failure set with failNext (messages and calls stay). */
  clearFailures(): void;
  /**
   * Hold the answer of the next `times` calls of `method` after doing the work (the message is posted,
   * the answer waits): a caller that dies meanwhile never learns the outcome. Answered by `releaseHeld`.
   */
  holdNext(method: string, times?: number): void;
  /** Calls held so far and not answered yet. */
  heldCount(): number;
  /** Answer every held call. */
  releaseHeld(): void;
  /** Everything down: each call answers 503 (`mode: '503'`) or has its connection dropped (`mode: 'refuse'`). */
  down(on: boolean, mode?: '503' | 'refuse'): void;
  /** Answer chat.postMessage with 429 + Retry-After when more than `limitPerSecond` hit one channel within a second. null = off. */
  rateLimitPerChannel(limitPerSecond: number | null): void;
  /** A fresh response_url pointing at this fake. */
  responseUrl(id?: string): string;
  /** Posts received on response URLs (all, or one id). */
  responses(id?: string): FakeSlackResponsePost[];
  /** Resolve when a recorded call matches, or reject after `timeoutMs`. */
  waitForCall(method: string, predicate?: (call: FakeSlackCall) => boolean, timeoutMs?: number): Promise<FakeSlackCall>;
  /** Resolve when `predicate()` is true (polled), or reject after `timeoutMs`. */
  waitFor<T>(predicate: () => T | undefined | false | null, timeoutMs?: number): Promise<T>;
  /** A signed slash command; response_url and trigger_id default to ones issued by this fake. */
  sendSlashCommand(requestUrl: string, signingSecret: string, fields: SlashCommandFields, options?: SendOptions): Promise<FakeSlackReply>;
  /** A signed interaction (`payload=` form field); response_url and trigger_id default to ones of this fake. */
  sendInteraction(requestUrl: string, signingSecret: string, payload: Record<string, any>, options?: SendOptions): Promise<FakeSlackReply>;
  /**
   * Press a button of a message this fake holds: builds the `block_actions` payload Slack would send (message,
   * container, channel, user, actions[0] copied from the button with that action_id) and sends it signed.
   */
  pressButton(
    requestUrl: string,
    signingSecret: string,
    press: { channel: string; ts: string; actionId: string; userId: string; value?: string },
    options?: SendOptions,
  ): Promise<FakeSlackReply>;
  /** A signed Events API request; an inner event is wrapped in an `event_callback` envelope. */
  sendEvent(requestUrl: string, signingSecret: string, event: Record<string, any>, options?: SendOptions): Promise<FakeSlackReply>;
  /** Forget calls, messages, responses and failure modes (seeded users/channels/groups stay). */
  reset(): void;
  close(): Promise<void>;
}

class SlackApiError extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata', 'user_auth_blocks']);

function randomId(prefix: string): string {
  return prefix + randomBytes(5).toString('hex').toUpperCase().slice(0, 9);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseArgs(req: IncomingMessage, raw: string, url: URL): Record<string, any> {
  const args: Record<string, any> = {};
  for (const [k, v] of url.searchParams) args[k] = v;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (raw) {
    if (type.includes('application/json')) {
      Object.assign(args, JSON.parse(raw) as Record<string, unknown>);
    } else {
      for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
    }
  }
  for (const key of JSON_ARGS) {
    if (typeof args[key] === 'string') {
      try {
        args[key] = JSON.parse(args[key] as string);
      } catch {
        throw new SlackApiError(key === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments');
      }
    }
  }
  return args;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** chat.postMessage `metadata`: an object with a string `event_type` and an object `event_payload`. */
function metadataOf(value: unknown): { event_type: string; event_payload: Record<string, unknown> } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const m = value as Record<string, unknown>;
  if (typeof m.event_type !== 'string' || !m.event_payload || typeof m.event_payload !== 'object') return undefined;
  return { event_type: m.event_type, event_payload: m.event_payload as Record<string, unknown> };
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function toReply(response: Response, text: string): FakeSlackReply {
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

async function postSigned(requestUrl: string, signingSecret: string, body: string, contentType: string, options: SendOptions = {}): Promise<FakeSlackReply> {
  const now = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const response = await fetch(requestUrl, {
    method: 'POST',
    headers: {
      'Content-Type': contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...slackSignatureHeaders(signingSecret, body, now),
      ...options.headers,
    },
    body,
  });
  return toReply(response, await response.text());
}

/** Send a signed slash command (form-encoded, as Slack does) to Vigil's Request URL. */
export function sendSlashCommand(requestUrl: string, signingSecret: string, fields: SlashCommandFields, options?: SendOptions): Promise<FakeSlackReply> {
  const form = new URLSearchParams();
  const full: Record<string, string | undefined> = {
    token: 'fake-verification-token',
    team_id: 'T0FAKE',
    team_domain: 'vigil-fake',
    channel_name: fields.channel_id,
    user_name: fields.user_id.toLowerCase(),
    text: '',
    api_app_id: 'A0FAKE',
    is_enterprise_install: 'false',
    trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(8).toString('hex')}`,
    ...fields,
  };
  for (const [k, v] of Object.entries(full)) if (v !== undefined) form.set(k, v);
  return postSigned(requestUrl, signingSecret, form.toString(), 'application/x-www-form-urlencoded', options);
}

/** Send a signed interaction payload (`payload=<url-encoded JSON>`, form-encoded) to Vigil's interactivity URL. */
export function sendInteraction(requestUrl: string, signingSecret: string, payload: Record<string, any>, options?: SendOptions): Promise<FakeSlackReply> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(requestUrl, signingSecret, body, 'application/x-www-form-urlencoded', options);
}

/** Send a signed Events API request (JSON). An inner event (no `event_callback`/`url_verification` type) is wrapped. */
export function sendEvent(requestUrl: string, signingSecret: string, event: Record<string, any>, options?: SendOptions): Promise<FakeSlackReply> {
  const envelope =
    event.type === 'event_callback' || event.type === 'url_verification' || event.type === 'app_rate_limited'
      ? event
      : {
          token: 'fake-verification-token',
          team_id: 'T0FAKE',
          api_app_id: 'A0FAKE',
          event,
          type: 'event_callback',
          event_id: randomId('Ev'),
          event_time: Math.floor(Date.now() / 1000),
          authorizations: [{ team_id: 'T0FAKE', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
        };
  return postSigned(requestUrl, signingSecret, JSON.stringify(envelope), 'application/json', options);
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const teamId = options.teamId ?? 'T0FAKE';
  const teamDomain = options.teamDomain ?? 'vigil-fake';
  const botUserId = 'UBOT00001';
  const botId = 'BBOT00001';
  const strict = options.strict ?? false;

  const users = new Map<string, FakeSlackUser>();
  const channels = new Map<string, FakeSlackChannel>();
  const userGroups = new Map<string, FakeSlackUserGroup>();
  const dms = new Map<string, string>();
  let calls: FakeSlackCall[] = [];
  let messages: FakeSlackMessage[] = [];
  let ephemerals: FakeSlackEphemeral[] = [];
  let responses: FakeSlackResponsePost[] = [];
  let views: { trigger_id: string; view: any; id: string; at: number }[] = [];
  const responseUses = new Map<string, number>();
  const usedTriggers = new Set<string>();
  let failures: { method: string; failure: FakeSlackFailure; times: number }[] = [];
  let delays: { method: string; ms: number; times: number }[] = [];
  let holds: { method: string; times: number }[] = [];
  const held = new Set<() => void>();
  let downMode: '503' | 'refuse' | null = null;
  let perChannelLimit: number | null = null;
  const channelPosts = new Map<string, number[]>();
  let lastMicros = 0;
  const sockets = new Set<Socket>();

  const nextTs = (): string => {
    lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  };

  const addUser = (user: FakeSlackUser): void => {
    users.set(user.id, user);
  };
  const addChannel = (c: Partial<FakeSlackChannel> & { name: string }): FakeSlackChannel => {
    const channel: FakeSlackChannel = {
      id: c.id ?? randomId(c.is_private ? 'G' : 'C'),
      name: c.name,
      is_private: c.is_private ?? false,
      is_im: c.is_im ?? false,
      is_mpim: c.is_mpim ?? false,
      is_archived: c.is_archived ?? false,
      members: c.members ?? [botUserId],
      topic: c.topic ?? '',
      created: c.created ?? Math.floor(Date.now() / 1000),
    };
    channels.set(channel.id, channel);
    return channel;
  };
  const addUserGroup = (g: Partial<FakeSlackUserGroup> & { id: string }): void => {
    userGroups.set(g.id, { id: g.id, handle: g.handle ?? g.id.toLowerCase(), name: g.name ?? g.id, users: g.users ?? [] });
  };
  for (const u of options.users ?? []) addUser(u);
  for (const c of options.channels ?? []) addChannel(c);
  for (const g of options.userGroups ?? []) addUserGroup(g);

  const openDm = (userId: string): FakeSlackChannel => {
    const existing = dms.get(userId);
    if (existing) return channels.get(existing)!;
    if (strict && !users.has(userId)) throw new SlackApiError('user_not_found');
    const channel = addChannel({ id: `D${userId.slice(1)}`, name: userId, is_im: true, members: [botUserId, userId] });
    dms.set(userId, channel.id);
    return channel;
  };

  const resolveChannel = (id: unknown, forPost = false): FakeSlackChannel => {
    if (typeof id !== 'string' || !id) throw new SlackApiError('channel_not_found');
    if (forPost && /^[UW]/.test(id)) return openDm(id);
    const known = channels.get(id) ?? [...channels.values()].find((c) => c.name === id.replace(/^#/, ''));
    if (known) return known;
    if (strict || !/^[CGD]/.test(id)) throw new SlackApiError('channel_not_found');
    return addChannel({ id, name: id.toLowerCase(), is_im: id.startsWith('D') });
  };

  const channelJson = (c: FakeSlackChannel): Record<string, unknown> => ({
    id: c.id,
    name: c.name,
    is_channel: !c.is_private && !c.is_im && !c.is_mpim,
    is_group: c.is_private,
    is_im: c.is_im,
    is_mpim: c.is_mpim,
    is_private: c.is_private,
    is_archived: c.is_archived,
    is_member: c.members.includes(botUserId),
    created: c.created,
    creator: botUserId,
    num_members: c.members.length,
    topic: { value: c.topic, creator: botUserId, last_set: c.created },
    purpose: { value: '', creator: '', last_set: 0 },
  });

  const userJson = (u: FakeSlackUser): Record<string, unknown> => ({
    id: u.id,
    team_id: teamId,
    name: u.name ?? u.email?.split('@')[0] ?? u.id.toLowerCase(),
    real_name: u.real_name ?? u.name ?? u.id,
    deleted: u.deleted ?? false,
    is_bot: u.is_bot ?? false,
    tz: 'Europe/Berlin',
    profile: { email: u.email, real_name: u.real_name ?? u.name ?? u.id, display_name: u.name ?? '' },
  });

  const messageJson = (m: FakeSlackMessage): Record<string, unknown> => ({
    type: 'message',
    user: botUserId,
    bot_id: botId,
    app_id: 'A0FAKE',
    text: m.text ?? '',
    blocks: m.blocks,
    ts: m.ts,
    team: teamId,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.history.length > 0 ? { edited: { user: botUserId, ts: m.ts } } : {}),
  });

  const requireText = (args: Record<string, any>): void => {
    const hasText = typeof args.text === 'string' && args.text.length > 0;
    const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
    if (!hasText && !hasBlocks && !args.attachments) throw new SlackApiError('no_text');
    if (args.blocks !== undefined && !Array.isArray(args.blocks)) throw new SlackApiError('invalid_blocks');
    if (Array.isArray(args.blocks) && args.blocks.length > 50) throw new SlackApiError('invalid_blocks');
  };

  const methods: Record<string, (args: Record<string, any>) => Record<string, unknown>> = {
    'api.test': (args) => ({ args }),
    'auth.test': () => ({
      url: `https://${teamDomain}.slack.com/`,
      team: teamDomain,
      user: 'vigil',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const channel = resolveChannel(args.channel, true);
      if (channel.is_archived) throw new SlackApiError('is_archived');
      requireText(args);
      if (args.metadata !== undefined && !metadataOf(args.metadata)) throw new SlackApiError('invalid_metadata_format');
      const at = Date.now();
      const message: FakeSlackMessage = {
        channel: channel.id,
        ts: nextTs(),
        text: args.text,
        blocks: args.blocks,
        thread_ts: args.thread_ts ? String(args.thread_ts) : undefined,
        history: [],
        replyCount: 0,
        ...(metadataOf(args.metadata) ? { metadata: metadataOf(args.metadata)! } : {}),
        args,
        at,
      };
      if (message.thread_ts) {
        const parent = messages.find((m) => m.channel === channel.id && m.ts === message.thread_ts);
        if (parent) parent.replyCount += 1;
      }
      messages.push(message);
      return { channel: channel.id, ts: message.ts, message: messageJson(message) };
    },
    'chat.update': (args) => {
      const channel = resolveChannel(args.channel);
      const message = messages.find((m) => m.channel === channel.id && m.ts === String(args.ts));
      if (!message) throw new SlackApiError('message_not_found');
      requireText(args);
      message.history.push({ text: message.text, blocks: message.blocks, at: Date.now() });
      if (args.text !== undefined) message.text = args.text;
      if (args.blocks !== undefined) message.blocks = args.blocks;
      return { channel: channel.id, ts: message.ts, text: message.text, message: messageJson(message) };
    },
    'chat.postEphemeral': (args) => {
      const channel = resolveChannel(args.channel);
      if (!args.user) throw new SlackApiError('user_not_found');
      requireText(args);
      const e: FakeSlackEphemeral = {
        channel: channel.id,
        user: String(args.user),
        text: args.text,
        blocks: args.blocks,
        thread_ts: args.thread_ts,
        message_ts: nextTs(),
        at: Date.now(),
      };
      ephemerals.push(e);
      return { message_ts: e.message_ts };
    },
    'conversations.open': (args) => {
      if (args.channel) return { channel: { id: resolveChannel(args.channel).id } };
      const ids = list(args.users);
      if (ids.length === 0) throw new SlackApiError('users_list_not_supplied');
      if (ids.length === 1) {
        const already = dms.has(ids[0]!);
        const channel = openDm(ids[0]!);
        return { no_op: already, already_open: already, channel: truthy(args.return_im) ? channelJson(channel) : { id: channel.id } };
      }
      const key = [...ids].sort().join(',');
      const existing = [...channels.values()].find((c) => c.is_mpim && c.name === `mpdm-${key}`);
      const channel = existing ?? addChannel({ name: `mpdm-${key}`, is_mpim: true, is_private: true, members: [botUserId, ...ids] });
      return { channel: { id: channel.id } };
    },
    'conversations.create': (args) => {
      const name = typeof args.name === 'string' ? args.name : '';
      if (!name) throw new SlackApiError('invalid_name_required');
      if (name.length > 80) throw new SlackApiError('invalid_name_maxlength');
      if (!/^[a-z0-9_-]+$/.test(name)) throw new SlackApiError(/[A-Z]/.test(name) ? 'invalid_name' : 'invalid_name_specials');
      if (/^[-_]+$/.test(name)) throw new SlackApiError('invalid_name_punctuation');
      if ([...channels.values()].some((c) => c.name === name && !c.is_im && !c.is_mpim)) throw new SlackApiError('name_taken');
      const channel = addChannel({ name, is_private: truthy(args.is_private) });
      return { channel: channelJson(channel) };
    },
    'conversations.invite': (args) => {
      const channel = resolveChannel(args.channel);
      if (channel.is_archived) throw new SlackApiError('is_archived');
      if (channel.is_im) throw new SlackApiError('method_not_supported_for_channel_type');
      const ids = list(args.users);
      if (ids.length === 0) throw new SlackApiError('no_user');
      if (ids.length > 100) throw new SlackApiError('too_many_users');
      const force = truthy(args.force);
      let added = 0;
      let already = 0;
      for (const id of ids) {
        if (id === botUserId) {
          if (!force) throw new SlackApiError('cant_invite_self');
          continue;
        }
        if (strict && !users.has(id)) {
          if (!force) throw new SlackApiError('user_not_found');
          continue;
        }
        if (channel.members.includes(id)) {
          already += 1;
          continue;
        }
        channel.members.push(id);
        added += 1;
      }
      if (added === 0 && already > 0) throw new SlackApiError('already_in_channel');
      return { channel: channelJson(channel) };
    },
    'conversations.setTopic': (args) => {
      const channel = resolveChannel(args.channel);
      if (channel.is_archived) throw new SlackApiError('is_archived');
      const topic = typeof args.topic === 'string' ? args.topic : '';
      if ([...topic].length > 250) throw new SlackApiError('too_long');
      channel.topic = topic;
      return { channel: channelJson(channel) };
    },
    // https://docs.slack.dev/reference/methods/conversations.history: newest first, `oldest`/`latest`
    // exclusive unless `inclusive`, `limit` default 100 (max 999), thread replies left out, `metadata`
    // only with include_all_metadata, `has_more` + `response_metadata.next_cursor` for the next page.
    'conversations.history': (args) => {
      const channel = resolveChannel(args.channel);
      const inclusive = truthy(args.inclusive);
      const oldest = args.oldest !== undefined ? Number(args.oldest) : 0;
      const latest = args.latest !== undefined ? Number(args.latest) : Number.POSITIVE_INFINITY;
      const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
      const withMetadata = truthy(args.include_all_metadata);
      const inRange = messages
        .filter((m) => m.channel === channel.id && (!m.thread_ts || m.thread_ts === m.ts))
        .filter((m) => {
          const ts = Number(m.ts);
          return (inclusive ? ts >= oldest : ts > oldest) && (inclusive ? ts <= latest : ts < latest);
        })
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const offset = typeof args.cursor === 'string' && args.cursor ? Number(Buffer.from(args.cursor, 'base64').toString('utf8').replace(/^offset:/, '')) || 0 : 0;
      const page = inRange.slice(offset, offset + limit);
      const hasMore = offset + limit < inRange.length;
      return {
        messages: page.map((m) => ({ ...messageJson(m), ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) })),
        has_more: hasMore,
        pin_count: 0,
        response_metadata: { next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' },
      };
    },
    'conversations.info': (args) => ({ channel: channelJson(resolveChannel(args.channel)) }),
    'conversations.list': (args) => {
      const types = list(args.types ?? 'public_channel');
      const wanted = (c: FakeSlackChannel): boolean =>
        (types.includes('public_channel') && !c.is_private && !c.is_im && !c.is_mpim) ||
        (types.includes('private_channel') && c.is_private && !c.is_mpim) ||
        (types.includes('im') && c.is_im) ||
        (types.includes('mpim') && c.is_mpim);
      const all = [...channels.values()].filter((c) => wanted(c) && !(truthy(args.exclude_archived) && c.is_archived));
      const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 1000);
      const offset = args.cursor
        ? Number(
            Buffer.from(String(args.cursor), 'base64')
              .toString('utf8')
              .replace(/^offset:/, ''),
          )
        : 0;
      if (!Number.isInteger(offset) || offset < 0) throw new SlackApiError('invalid_cursor');
      const page = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
      return { channels: page.map(channelJson), response_metadata: { next_cursor: next } };
    },
    // usergroups.list answers every group at once (no cursor): https://api.slack.com/methods/usergroups.list
    // user_count with include_count (or include_users); users only with include_users; date_delete is 0 when enabled.
    'usergroups.list': (args) => ({
      usergroups: [...userGroups.values()].map((g) => ({
        id: g.id,
        team_id: teamId,
        handle: g.handle,
        name: g.name,
        description: '',
        is_usergroup: true,
        is_external: false,
        date_create: 1446746793,
        date_update: 1446746793,
        date_delete: 0,
        ...(truthy(args.include_count) || truthy(args.include_users) ? { user_count: g.users.length } : {}),
        ...(truthy(args.include_users) ? { users: [...g.users] } : {}),
      })),
    }),
    // conversations.members: user ids, cursor-paginated like conversations.list
    // (https://api.slack.com/methods/conversations.members; errors channel_not_found, invalid_cursor, invalid_limit).
    'conversations.members': (args) => {
      const channel = resolveChannel(args.channel);
      if (channel.is_im && strict) throw new SlackApiError('method_not_supported_for_channel_type');
      const limit = args.limit === undefined ? 100 : Number(args.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new SlackApiError('invalid_limit');
      const offset = args.cursor
        ? Number(
            Buffer.from(String(args.cursor), 'base64')
              .toString('utf8')
              .replace(/^member:/, ''),
          )
        : 0;
      if (!Number.isInteger(offset) || offset < 0) throw new SlackApiError('invalid_cursor');
      const members = channel.members.slice(offset, offset + limit);
      const next = offset + limit < channel.members.length ? Buffer.from(`member:${offset + limit}`).toString('base64') : '';
      return { members, response_metadata: { next_cursor: next } };
    },
    'usergroups.users.list': (args) => {
      const group = userGroups.get(String(args.usergroup ?? ''));
      if (!group) throw new SlackApiError('no_such_subteam');
      return { users: [...group.users] };
    },
    'usergroups.users.update': (args) => {
      const id = typeof args.usergroup === 'string' ? args.usergroup : '';
      if (!id) throw new SlackApiError('no_such_subteam');
      const ids = [...new Set(list(args.users))];
      if (ids.length === 0) throw new SlackApiError('no_users_provided');
      if (strict && ids.some((u) => !users.has(u))) throw new SlackApiError('invalid_users');
      let group = userGroups.get(id);
      if (!group) {
        if (strict) throw new SlackApiError('no_such_subteam');
        addUserGroup({ id });
        group = userGroups.get(id)!;
      }
      group.users = ids;
      return { usergroup: { id: group.id, team_id: teamId, handle: group.handle, name: group.name, users: [...group.users], user_count: group.users.length } };
    },
    'users.lookupByEmail': (args) => {
      const email = String(args.email ?? '').toLowerCase();
      const user = [...users.values()].find((u) => u.email?.toLowerCase() === email && !u.deleted);
      if (!user) throw new SlackApiError('users_not_found');
      return { user: userJson(user) };
    },
    'users.info': (args) => {
      const user = users.get(String(args.user ?? ''));
      if (!user) throw new SlackApiError('user_not_found');
      return { user: userJson(user) };
    },
    'views.open': (args) => {
      const trigger = typeof args.trigger_id === 'string' ? args.trigger_id : '';
      if (!trigger && !args.interactivity_pointer) throw new SlackApiError('invalid_arguments');
      if (!args.view || typeof args.view !== 'object') throw new SlackApiError('invalid_arguments');
      if (trigger && usedTriggers.has(trigger)) throw new SlackApiError('exchanged_trigger_id');
      if (trigger) usedTriggers.add(trigger);
      const view = { id: randomId('V'), team_id: teamId, ...(args.view as Record<string, unknown>) };
      views.push({ trigger_id: trigger, view: args.view, id: view.id, at: Date.now() });
      return { view };
    },
  };

  const takeFailure = (method: string): FakeSlackFailure | undefined => {
    const index = failures.findIndex((f) => f.method === method || (f.method === '*' && method !== 'response_url'));
    if (index < 0) return undefined;
    const entry = failures[index]!;
    entry.times -= 1;
    if (entry.times <= 0) failures.splice(index, 1);
    return entry.failure;
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  /** Answer an injected failure; returns the recorded status/error. */
  const answerFailure = (res: ServerResponse, failure: FakeSlackFailure): { status: number; error: string } => {
    if ('error' in failure) {
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { 'Retry-After': String(failure.retryAfter) } : {};
      sendJson(res, 200, { ok: false, error: failure.error }, headers);
      return { status: 200, error: failure.error };
    }
    if (failure.status === 429) {
      const retryAfter = 'retryAfter' in failure && failure.retryAfter !== undefined ? failure.retryAfter : 1;
      sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(retryAfter) });
      return { status: 429, error: 'ratelimited' };
    }
    const body = 'body' in failure && failure.body !== undefined ? failure.body : `fake slack: HTTP ${failure.status}`;
    res.writeHead(failure.status, { 'Content-Type': 'text/plain' });
    res.end(body);
    return { status: failure.status, error: `http_${failure.status}` };
  };

  const checkAuth = (req: IncomingMessage, args: Record<string, any>): void => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : typeof args.token === 'string' ? args.token : '';
    if (!token) throw new SlackApiError('not_authed');
    if (options.token ? token !== options.token : !token.startsWith('xox')) throw new SlackApiError('invalid_auth');
  };

  const rateLimited = (method: string, args: Record<string, any>): number | undefined => {
    if (perChannelLimit === null || method !== 'chat.postMessage') return undefined;
    const key = typeof args.channel === 'string' ? (dms.get(args.channel) ?? args.channel) : '';
    const now = Date.now();
    const recent = (channelPosts.get(key) ?? []).filter((t) => now - t < 1000);
    channelPosts.set(key, recent);
    if (recent.length >= perChannelLimit) return Math.max(1, Math.ceil((recent[0]! + 1000 - now) / 1000));
    recent.push(now);
    return undefined;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> => {
    const raw = await readBody(req);
    const call: FakeSlackCall = { method, args: {}, at: Date.now(), status: 200, ok: false };
    calls.push(call);
    try {
      call.args = parseArgs(req, raw, url);
    } catch (error) {
      call.error = error instanceof SlackApiError ? error.error : 'invalid_arguments';
      sendJson(res, 200, { ok: false, error: call.error });
      return;
    }
    const delay = delays.find((d) => d.method === method || d.method === '*');
    if (delay) {
      delay.times -= 1;
      if (delay.times <= 0) delays = delays.filter((d) => d !== delay);
      await new Promise((r) => setTimeout(r, delay.ms));
      if (res.destroyed || req.socket.destroyed) {
        call.status = 0;
        call.error = 'client_gone';
        return;
      }
    }
    const failure = takeFailure(method);
    if (failure) {
      const answered = answerFailure(res, failure);
      call.status = answered.status;
      call.error = answered.error;
      return;
    }
    try {
      checkAuth(req, call.args);
      const retryAfter = rateLimited(method, call.args);
      if (retryAfter !== undefined) {
        call.status = 429;
        call.error = 'ratelimited';
        sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(retryAfter) });
        return;
      }
      const impl = methods[method];
      if (!impl) throw new SlackApiError('unknown_method');
      const result = impl(call.args);
      call.ok = true;
      const hold = holds.find((h) => h.method === method || h.method === '*');
      if (hold) {
        hold.times -= 1;
        if (hold.times <= 0) holds = holds.filter((h) => h !== hold);
        await new Promise<void>((resolve) => {
          held.add(resolve);
          res.once('close', () => {
            held.delete(resolve);
            resolve();
          });
        });
        if (res.destroyed || req.socket.destroyed) {
          call.status = 0;
          call.error = 'client_gone';
          return;
        }
      }
      sendJson(res, 200, { ok: true, ...result });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      call.error = error.error;
      sendJson(res, 200, { ok: false, error: error.error });
    }
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<void> => {
    const raw = await readBody(req);
    let body: any = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // keep the raw text
    }
    const failure = takeFailure('response_url');
    if (failure) {
      answerFailure(res, failure);
      return;
    }
    const uses = (responseUses.get(id) ?? 0) + 1;
    responseUses.set(id, uses);
    if (uses > 5) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('used_url');
      return;
    }
    responses.push({ id, body, at: Date.now() });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  };

  const server: Server = createServer((req, res) => {
    if (downMode === 'refuse') {
      req.socket.destroy();
      calls.push({
        method: (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '',
        args: {},
        at: Date.now(),
        status: 0,
        ok: false,
        error: 'connection_dropped',
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const response = /^\/response\/([^/]+)$/.exec(url.pathname);
    if (downMode === '503') {
      calls.push({ method: api?.[1] ?? url.pathname, args: {}, at: Date.now(), status: 503, ok: false, error: 'http_503' });
      req.resume();
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('Service Unavailable');
      return;
    }
    const work =
      api && (req.method === 'POST' || req.method === 'GET')
        ? handleApi(req, res, url, api[1]!)
        : response && req.method === 'POST'
          ? handleResponseUrl(req, res, decodeURIComponent(response[1]!))
          : null;
    if (!work) {
      req.resume();
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    work.catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`fake slack crashed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  const responseUrl = (id?: string): string => `${origin}/response/${encodeURIComponent(id ?? randomId('R'))}`;
  const newTrigger = (): string => `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(8).toString('hex')}`;

  const waitFor = async <T>(predicate: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`fake slack: condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const fake: FakeSlack = {
    url: `${origin}/api/`,
    origin,
    botUserId,
    teamId,
    get calls() {
      return calls;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages: (channel) => {
      const id = dms.get(channel) ?? channel;
      return messages.filter((m) => m.channel === id);
    },
    allMessages: () => [...messages],
    ephemerals: (channel) => ephemerals.filter((e) => channel === undefined || e.channel === channel),
    dmChannelOf: (userId) => dms.get(userId),
    userGroupMembers: (id) => (userGroups.has(id) ? [...userGroups.get(id)!.users] : undefined),
    channel: (idOrName) => channels.get(idOrName) ?? [...channels.values()].find((c) => c.name === idOrName.replace(/^#/, '')),
    views: () => [...views],
    addUser,
    addChannel,
    addUserGroup,
    failNext: (method, failure, times = 1) => {
      failures.push({ method, failure, times });
    },
    clearFailures: () => {
      failures = [];
    },
    holdNext: (method, times = 1) => {
      holds.push({ method, times });
    },
    heldCount: () => held.size,
    releaseHeld: () => {
      for (const resolve of [...held]) {
        held.delete(resolve);
        resolve();
      }
    },
    slowNext: (method, ms, times = 1) => {
      delays.push({ method, ms, times });
    },
    down: (on, mode = '503') => {
      downMode = on ? mode : null;
      if (on && mode === 'refuse') for (const socket of sockets) socket.destroy();
    },
    rateLimitPerChannel: (limit) => {
      perChannelLimit = limit;
      channelPosts.clear();
    },
    responseUrl,
    responses: (id) => responses.filter((r) => id === undefined || r.id === id),
    waitForCall: (method, predicate, timeoutMs) => waitFor(() => calls.find((c) => c.method === method && (!predicate || predicate(c))), timeoutMs),
    waitFor,
    sendSlashCommand: (requestUrl, signingSecret, fields, sendOptions) =>
      sendSlashCommand(
        requestUrl,
        signingSecret,
        { team_id: teamId, team_domain: teamDomain, response_url: responseUrl(), trigger_id: newTrigger(), ...fields },
        sendOptions,
      ),
    sendInteraction: (requestUrl, signingSecret, payload, sendOptions) =>
      sendInteraction(
        requestUrl,
        signingSecret,
        {
          type: 'block_actions',
          team: { id: teamId, domain: teamDomain },
          api_app_id: 'A0FAKE',
          token: 'fake-verification-token',
          response_url: responseUrl(),
          trigger_id: newTrigger(),
          ...payload,
        },
        sendOptions,
      ),
    pressButton: (requestUrl, signingSecret, press, sendOptions) => {
      const channelId = dms.get(press.channel) ?? press.channel;
      const message = messages.find((m) => m.channel === channelId && m.ts === press.ts);
      if (!message) throw new Error(`fake slack: no message ${press.ts} in ${press.channel}`);
      let button: Record<string, any> | undefined;
      let blockId = '';
      for (const block of (message.blocks ?? []) as Record<string, any>[]) {
        const found = ((block.elements ?? []) as Record<string, any>[]).find((e) => e.action_id === press.actionId);
        if (found) {
          button = found;
          blockId = String(block.block_id ?? '');
          break;
        }
      }
      if (!button) throw new Error(`fake slack: message ${press.ts} has no button ${press.actionId}`);
      const user = users.get(press.userId);
      const channel = channels.get(channelId);
      return fake.sendInteraction(
        requestUrl,
        signingSecret,
        {
          type: 'block_actions',
          user: { id: press.userId, username: user?.name ?? press.userId.toLowerCase(), name: user?.name ?? press.userId.toLowerCase(), team_id: teamId },
          container: { type: 'message', message_ts: message.ts, channel_id: channelId, is_ephemeral: false },
          channel: { id: channelId, name: channel?.is_im ? 'directmessage' : (channel?.name ?? channelId) },
          message: messageJson(message),
          state: { values: {} },
          actions: [
            {
              type: 'button',
              action_id: press.actionId,
              block_id: blockId,
              text: button.text,
              value: press.value ?? button.value,
              ...(button.style ? { style: button.style } : {}),
              action_ts: `${(Date.now() / 1000).toFixed(6)}`,
            },
          ],
        },
        sendOptions,
      );
    },
    sendEvent: (requestUrl, signingSecret, event, sendOptions) =>
      sendEvent(
        requestUrl,
        signingSecret,
        event.type === 'event_callback' || event.type === 'url_verification'
          ? event
          : {
              token: 'fake-verification-token',
              team_id: teamId,
              api_app_id: 'A0FAKE',
              event,
              type: 'event_callback',
              event_id: randomId('Ev'),
              event_time: Math.floor(Date.now() / 1000),
              authorizations: [{ team_id: teamId, user_id: botUserId, is_bot: true, is_enterprise_install: false }],
            },
        sendOptions,
      ),
    reset: () => {
      calls = [];
      messages = [];
      ephemerals = [];
      responses = [];
      views = [];
      failures = [];
      delays = [];
      holds = [];
      for (const resolve of [...held]) resolve();
      held.clear();
      responseUses.clear();
      downMode = null;
      perChannelLimit = null;
      channelPosts.clear();
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
  return fake;
}

/**
 * Slack adapters over the official `@slack/web-api` WebClient.
 *
 * The WebClient's own retry loop and rate-limit queue are switched off (`retryConfig: { retries: 0 }`,
 * `rejectRateLimitedCalls: true`): one shared client would otherwise stall every delivery behind one limited
 * channel (wire-contracts 6.5). Vigil's durable delivery outbox owns retries; this module only maps each
 * failure to a {@link ChannelError} saying whether a retry can help and when.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type * as SlackSdk from '@slack/web-api';
import type { FetchFunction, Logger, WebAPICallResult, WebClient } from '@slack/web-api';
import {
  ChannelError,
  type NotificationChannel,
  type OutboundMessage,
  type SendResult,
  type SlackChannelSummary,
  type SlackDirectory,
  type SlackPage,
  type SlackUserGroupSummary,
  type SlackUserSummary,
  type SlackWorkspace,
} from '../../../core/notifications/channels.js';
import { parseRetryAfter } from '../../shared/http.js';
import { fallbackText, renderMessageBlocks } from './blocks.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export interface SlackApiOptions {
  /** Bot token, `xoxb-…`. */
  botToken: string;
  /** Base URL of the Web API, default `https://slack.com/api/`; tests point it at the fake (`http://127.0.0.1:PORT/api/`). */
  slackApiUrl?: string;
  /** Per-request timeout, default 10 s. */
  timeoutMs?: number;
  /** A logger for the WebClient; by default only its errors are printed. */
  logger?: Logger;
}


/** The SDK, loaded on first use: an installation without Slack never loads it. */
let sdk: typeof SlackSdk | undefined;
const slackSdk = (): typeof SlackSdk => (sdk ??= createRequire(import.meta.url)('@slack/web-api') as typeof SlackSdk);
/** `{ok:false}` errors after which a later retry may succeed. Every other Slack error code is permanent. */
const RETRYABLE_SLACK_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** Map anything the WebClient throws to a {@link ChannelError}. */
export function toChannelError(error: unknown, method: string): ChannelError {
  if (error instanceof ChannelError) return error;
  const { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } = slackSdk();
  if (error instanceof WebAPIRateLimitedError) {
    return new ChannelError(`slack ${method}: rate limited, retry after ${error.retryAfter}s`, true, Math.max(0, error.retryAfter) * 1000, 'rate_limited');
  }
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error);
    const retryAfter = error.data.response_metadata?.retryAfter;
    return new ChannelError(`slack ${method}: ${code}`, RETRYABLE_SLACK_ERRORS.has(code), typeof retryAfter === 'number' ? retryAfter * 1000 : undefined, code);
  }
  if (error instanceof WebAPIHTTPError) {
    const status = error.statusCode;
    const retryable = status >= 500 || status === 408 || status === 425;
    return new ChannelError(`slack ${method}: HTTP ${status} ${error.statusMessage}`.trim(), retryable, undefined, `http_${status}`);
  }
  if (error instanceof WebAPIRequestError) {
    const original = error.original;
    const code = isAbort(original) ? 'timeout' : 'network';
    const cause = original.cause instanceof Error ? ` (${original.cause.message})` : '';
    return new ChannelError(`slack ${method}: ${original.message}${cause}`, true, undefined, code);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ChannelError(`slack ${method}: ${message}`, true, undefined, isAbort(error) ? 'timeout' : 'unknown');
}

function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

/**
 * A thin wrapper around one WebClient: one `call(method, args, signal)` that returns the result or throws a
 * {@link ChannelError}. Share one instance between the Slack channels and the workspace client.
 */
export class SlackApi {
  readonly client: WebClient;
  private readonly callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

  constructor(options: SlackApiOptions) {
    if (!options.botToken) throw new Error('SlackApi: botToken is required');
    const callSignal = this.callSignal;
    // The WebClient takes no per-call AbortSignal; the caller's signal reaches fetch through async context.
    const fetchWithSignal: FetchFunction = (url, init) => {
      const signal = combineSignals(init?.signal, callSignal.getStore());
      return globalThis.fetch(url, { ...init, signal });
    };
    this.client = new (slackSdk().WebClient)(options.botToken, {
      slackApiUrl: options.slackApiUrl ?? DEFAULT_SLACK_API_URL,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
      fetch: fetchWithSignal,
      allowAbsoluteUrls: false,
      ...(options.logger ? { logger: options.logger } : { logLevel: slackSdk().LogLevel.ERROR }),
    });
  }

  /** Call a Web API method; `{ok:false}`, HTTP and network failures become {@link ChannelError}s. */
  async call<T extends object = Record<string, unknown>>(method: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<T & WebAPICallResult> {
    if (signal?.aborted) throw new ChannelError(`slack ${method}: aborted`, true, undefined, 'aborted');
    try {
      const result = await this.callSignal.run(signal, () => this.client.apiCall(method, args));
      return result as T & WebAPICallResult;
    } catch (error) {
      if (signal?.aborted) throw new ChannelError(`slack ${method}: aborted`, true, undefined, 'aborted');
      throw toChannelError(error, method);
    }
  }
}

/** Build a `providerMessageId` (`channelId:ts`). */
export function formatSlackMessageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** Parse `channelId:ts`; a bare `ts` is accepted with an empty channel. */
export function parseSlackMessageId(id: string): { channel: string; ts: string } {
  const colon = id.lastIndexOf(':');
  if (colon < 0) return { channel: '', ts: id };
  return { channel: id.slice(0, colon), ts: id.slice(colon + 1) };
}

export type SlackConnection = SlackApi | SlackApiOptions;

function toApi(connection: SlackConnection): SlackApi {
  return connection instanceof SlackApi ? connection : new SlackApi(connection);
}

export interface SlackChannelOptions {
  /** `slack_channel` (`to` is a channel id) or `slack_dm` (`to` is a user id). Default `slack_channel`. */
  type?: 'slack_dm' | 'slack_channel';
  /**
   * How a DM is addressed: `open` (default) calls conversations.open for the user's IM channel (cached) and posts
   * there, so `providerMessageId` names the real `D…` channel; `direct` posts to the user id and lets Slack pick.
   */
  dmMode?: 'open' | 'direct';
  /** Extra chat.postMessage arguments (e.g. `{ unfurl_links: false }`). */
  postDefaults?: Record<string, unknown>;
}

/** The `event_type` of the metadata Vigil puts on its messages: the delivery ids they carry. */
export const DELIVERY_EVENT_TYPE = 'vigil_delivery';
/** Pages of history searched for an unknown outcome (200 messages each). */
const HISTORY_PAGES = 5;

/**
 * Message metadata naming the deliveries a message carries (https://docs.slack.dev/messaging/message-metadata):
 * `event_payload` values are strings, so a bundle's ids are joined with commas.
 */
export function deliveryMetadata(message: OutboundMessage): { event_type: string; event_payload: Record<string, string> } {
  const ids = message.deliveryIds?.length ? message.deliveryIds : [message.id];
  return { event_type: DELIVERY_EVENT_TYPE, event_payload: { delivery_id: message.id, delivery_ids: ids.join(',') } };
}

interface HistoryResult {
  messages?: Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }>;
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

interface PostMessageResult {
  channel?: string;
  ts?: string;
}

/**
 * {@link NotificationChannel} for Slack. One instance per channel type; pass one {@link SlackApi} to both.
 * `send` posts (in the thread of `threadProviderId` when given); `update` rewrites the message with chat.update.
 */
export class SlackChannel implements NotificationChannel {
  readonly type: 'slack_dm' | 'slack_channel';
  readonly api: SlackApi;
  private readonly dmMode: 'open' | 'direct';
  private readonly postDefaults: Record<string, unknown>;
  private readonly dmChannels = new Map<string, string>();

  constructor(connection: SlackConnection, options: SlackChannelOptions = {}) {
    this.api = toApi(connection);
    this.type = options.type ?? 'slack_channel';
    this.dmMode = options.dmMode ?? 'open';
    this.postDefaults = { unfurl_links: false, unfurl_media: false, ...options.postDefaults };
  }

  private async resolveChannel(to: string, signal?: AbortSignal): Promise<string> {
    if (!to) throw new ChannelError('slack: no recipient', false, undefined, 'channel_not_found');
    if (this.type !== 'slack_dm' || this.dmMode === 'direct' || /^[DG]/.test(to)) return to;
    const cached = this.dmChannels.get(to);
    if (cached) return cached;
    const opened = await this.api.call<{ channel?: { id?: string } }>('conversations.open', { users: to }, signal);
    const id = opened.channel?.id;
    if (!id) throw new ChannelError('slack conversations.open: no channel in answer', true, undefined, 'invalid_response');
    if (this.dmChannels.size >= 10_000) this.dmChannels.clear();
    this.dmChannels.set(to, id);
    return id;
  }

  private content(message: OutboundMessage): Record<string, unknown> {
    const blocks = message.blocks && message.blocks.length > 0 ? message.blocks : renderMessageBlocks(message);
    return { text: fallbackText(message), blocks };
  }

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    const channel = await this.resolveChannel(message.to, signal);
    const args: Record<string, unknown> = { ...this.postDefaults, channel, ...this.content(message), metadata: deliveryMetadata(message) };
    if (message.threadProviderId) {
      const thread = parseSlackMessageId(message.threadProviderId);
      // Only thread inside the same conversation; a parent from elsewhere would not be found.
      if (thread.ts && (!thread.channel || thread.channel === channel || (this.type === 'slack_dm' && this.dmMode === 'direct'))) {
        args.thread_ts = thread.ts;
        if (message.broadcast) args.reply_broadcast = true;
      }
    }
    const result = await this.api.call<PostMessageResult>('chat.postMessage', args, signal);
    if (!result.ts) throw new ChannelError('slack chat.postMessage: no ts in answer', true, undefined, 'invalid_response');
    return { providerMessageId: formatSlackMessageId(result.channel ?? channel, result.ts) };
  }

  /**
   * Which deliveries already arrived: the conversation's history since `since`, with its message metadata
   * (`conversations.history`, `include_all_metadata=true`), searched for the delivery ids that `send`
   * put in each message's metadata.
   */
  async findSent(to: string, deliveryIds: string[], since: number, signal?: AbortSignal): Promise<Record<string, SendResult>> {
    const wanted = new Set(deliveryIds);
    const found: Record<string, SendResult> = {};
    const channel = await this.resolveChannel(to, signal);
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES && wanted.size > 0; page++) {
      const result = await this.api.call<HistoryResult>(
        'conversations.history',
        { channel, oldest: (Math.max(0, since) / 1000).toFixed(6), inclusive: true, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) },
        signal,
      );
      for (const m of result.messages ?? []) {
        if (m.metadata?.event_type !== DELIVERY_EVENT_TYPE || !m.ts) continue;
        const payload = m.metadata.event_payload ?? {};
        const ids = [payload.delivery_id, ...String(payload.delivery_ids ?? '').split(',')].filter((x): x is string => typeof x === 'string' && x.length > 0);
        for (const id of ids) {
          if (!wanted.has(id)) continue;
          wanted.delete(id);
          found[id] = { providerMessageId: formatSlackMessageId(channel, m.ts) };
        }
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || !cursor) break;
    }
    return found;
  }

  async update(providerMessageId: string, message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    const { channel, ts } = parseSlackMessageId(providerMessageId);
    if (!channel || !ts) throw new ChannelError(`slack chat.update: bad message id ${providerMessageId}`, false, undefined, 'message_not_found');
    const result = await this.api.call<PostMessageResult>('chat.update', { channel, ts, ...this.content(message) }, signal);
    return { providerMessageId: formatSlackMessageId(result.channel ?? channel, result.ts ?? ts) };
  }
}

export interface SlackWorkspaceOptions {
  /** Timeout of response_url posts, default 10 s. */
  respondTimeoutMs?: number;
}

interface SlackChannelInfo {
  id: string;
  name: string;
  is_archived?: boolean;
}

/** Lower-case, hyphenated, at most 80 characters: a name conversations.create accepts. */
export function toSlackChannelName(input: string): string {
  const name = input
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 80)
    .replace(/[-_]+$/g, '');
  return name || 'channel';
}

/** {@link SlackWorkspace}: user groups, users, channels, response_url replies and modals. */
export class SlackWorkspaceClient implements SlackWorkspace, SlackDirectory {
  readonly api: SlackApi;
  private readonly respondTimeoutMs: number;

  constructor(connection: SlackConnection, options: SlackWorkspaceOptions = {}) {
    this.api = toApi(connection);
    this.respondTimeoutMs = options.respondTimeoutMs ?? 10_000;
  }

  async setUserGroupMembers(userGroupId: string, slackUserIds: string[]): Promise<void> {
    const users = [...new Set(slackUserIds.filter(Boolean))];
    await this.api.call('usergroups.users.update', { usergroup: userGroupId, users: users.join(',') });
  }

  async lookupUserByEmail(email: string): Promise<{ id: string; name?: string } | undefined> {
    try {
      const result = await this.api.call<{
        user?: { id?: string; name?: string; real_name?: string; profile?: { real_name?: string; display_name?: string } };
      }>('users.lookupByEmail', { email });
      const user = result.user;
      if (!user?.id) return undefined;
      const name = user.profile?.real_name || user.real_name || user.profile?.display_name || user.name;
      return name ? { id: user.id, name } : { id: user.id };
    } catch (error) {
      if (error instanceof ChannelError && (error.code === 'users_not_found' || error.code === 'user_not_found')) return undefined;
      throw error;
    }
  }

  async createChannel(name: string): Promise<{ id: string; name: string }> {
    try {
      const result = await this.api.call<{ channel?: SlackChannelInfo }>('conversations.create', { name, is_private: false });
      if (!result.channel?.id) throw new ChannelError('slack conversations.create: no channel in answer', true, undefined, 'invalid_response');
      return { id: result.channel.id, name: result.channel.name ?? name };
    } catch (error) {
      if (!(error instanceof ChannelError) || error.code !== 'name_taken') throw error;
      const existing = await this.findChannelByName(name);
      if (existing) return existing;
      throw new ChannelError(
        `slack conversations.create: the name ${name} is taken by a channel Vigil cannot see or an archived one`,
        false,
        undefined,
        'name_taken',
      );
    }
  }

  /** Page through public, unarchived channels for one named `name`. */
  async findChannelByName(name: string): Promise<{ id: string; name: string } | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const args: Record<string, unknown> = { types: 'public_channel', exclude_archived: true, limit: 200 };
      if (cursor) args.cursor = cursor;
      const result = await this.api.call<{ channels?: SlackChannelInfo[] }>('conversations.list', args);
      const found = result.channels?.find((c) => c.name === name);
      if (found) return { id: found.id, name: found.name };
      cursor = result.response_metadata?.next_cursor;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** One page of conversations.list (https://api.slack.com/methods/conversations.list): cursor pagination. */
  async listChannels(options: { cursor?: string; limit?: number; types?: string } = {}): Promise<SlackPage<SlackChannelSummary>> {
    const args: Record<string, unknown> = { types: options.types ?? 'public_channel,private_channel', exclude_archived: true, limit: Math.min(Math.max(options.limit ?? 200, 1), 1000) };
    if (options.cursor) args.cursor = options.cursor;
    const result = await this.api.call<{ channels?: Array<SlackChannelInfo & { is_private?: boolean; is_member?: boolean; num_members?: number }> }>('conversations.list', args);
    return {
      items: (result.channels ?? []).map((c) => ({ id: c.id, name: c.name, isPrivate: c.is_private ?? false, isMember: c.is_member ?? false, ...(typeof c.num_members === 'number' ? { numMembers: c.num_members } : {}) })),
      nextCursor: result.response_metadata?.next_cursor ?? '',
    };
  }

  /** usergroups.list (https://api.slack.com/methods/usergroups.list): one answer, no pagination. */
  async listUserGroups(): Promise<SlackUserGroupSummary[]> {
    const result = await this.api.call<{ usergroups?: Array<{ id: string; handle?: string; name?: string; user_count?: number | string; date_delete?: number }> }>('usergroups.list', { include_count: true });
    return (result.usergroups ?? []).filter((g) => !g.date_delete).map((g) => ({ id: g.id, handle: g.handle ?? '', name: g.name ?? g.handle ?? g.id, userCount: Number(g.user_count ?? 0) }));
  }

  /** One page of conversations.members (https://api.slack.com/methods/conversations.members). */
  async channelMembers(channelId: string, options: { cursor?: string; limit?: number } = {}): Promise<SlackPage<string>> {
    const args: Record<string, unknown> = { channel: channelId, limit: Math.min(Math.max(options.limit ?? 200, 1), 1000) };
    if (options.cursor) args.cursor = options.cursor;
    const result = await this.api.call<{ members?: string[] }>('conversations.members', args);
    return { items: result.members ?? [], nextCursor: result.response_metadata?.next_cursor ?? '' };
  }

  /** users.info (https://api.slack.com/methods/users.info); the email needs the users:read.email scope. */
  async userInfo(userId: string): Promise<SlackUserSummary | undefined> {
    try {
      const result = await this.api.call<{ user?: { id?: string; name?: string; real_name?: string; deleted?: boolean; is_bot?: boolean; profile?: { email?: string; real_name?: string; display_name?: string } } }>('users.info', { user: userId });
      const u = result.user;
      if (!u?.id) return undefined;
      const name = u.profile?.real_name || u.real_name || u.profile?.display_name || u.name || u.id;
      return { id: u.id, name, ...(u.profile?.email ? { email: u.profile.email } : {}), isBot: u.is_bot ?? false, deleted: u.deleted ?? false };
    } catch (error) {
      if (error instanceof ChannelError && error.code === 'user_not_found') return undefined;
      throw error;
    }
  }

  async inviteToChannel(channelId: string, slackUserIds: string[]): Promise<void> {
    const users = [...new Set(slackUserIds.filter(Boolean))];
    for (let i = 0; i < users.length; i += 100) {
      const batch = users.slice(i, i + 100);
      try {
        await this.api.call(
          'conversations.invite',
          batch.length > 1 ? { channel: channelId, users: batch.join(','), force: true } : { channel: channelId, users: batch.join(',') },
        );
      } catch (error) {
        if (error instanceof ChannelError && error.code === 'already_in_channel') continue;
        throw error;
      }
    }
  }

  async setChannelTopic(channelId: string, topic: string): Promise<void> {
    await this.api.call('conversations.setTopic', { channel: channelId, topic: [...topic].slice(0, 250).join('') });
  }

  async respond(
    responseUrl: string,
    body: { text: string; blocks?: unknown[]; response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean },
  ): Promise<void> {
    let response: Response;
    try {
      response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(this.respondTimeoutMs),
      });
    } catch (error) {
      throw new ChannelError(
        `slack response_url: ${error instanceof Error ? error.message : String(error)}`,
        true,
        undefined,
        isAbort(error) ? 'timeout' : 'network',
      );
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return;
    const status = response.status;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const retryable = status === 429 || status >= 500;
    // 404 `used_url` / `expired_url`: the URL is spent (5 uses, 30 minutes); nothing a retry can fix.
    const code = /^[a-z_]+$/.test(text.trim()) ? text.trim() : `http_${status}`;
    throw new ChannelError(
      `slack response_url: HTTP ${status} ${text.slice(0, 200)}`.trim(),
      retryable,
      retryAfterMs,
      code,
    );
  }

  async openModal(triggerId: string, view: unknown): Promise<void> {
    await this.api.call('views.open', { trigger_id: triggerId, view });
  }
}

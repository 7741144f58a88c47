/**
 * The ports through which Vigil speaks to people. Each outbound channel (Slack, email, SMS, voice,
 * webhook) implements {@link NotificationChannel}; capabilities beyond `send` are optional.
 * Adapters live in src/integrations/outbound; core only sees these types.
 */

export type ChannelType = 'slack_dm' | 'slack_channel' | 'email' | 'sms' | 'voice' | 'webhook';

export interface MessageAction {
  /** Stable action id, e.g. `alert.ack`. */
  id: string;
  label: string;
  /** Opaque value sent back when pressed (e.g. the alert id). */
  value: string;
  style?: 'primary' | 'danger';
}

export interface OutboundMessage {
  /** Delivery id: the idempotency key of this message. */
  id: string;
  /** Every delivery a bundled message carries (the first is `id`). */
  deliveryIds?: string[];
  channel: ChannelType;
  /** Slack user id (slack_dm), channel id (slack_channel), email address, E.164 phone or URL (webhook). */
  to: string;
  /** A short title: email subject, SMS prefix, notification preview. */
  subject: string;
  /** Plain-text body (SMS, voice script, email text part, Slack fallback text). */
  text: string;
  /** Email HTML part. */
  html?: string;
  /** Slack Block Kit blocks. */
  blocks?: unknown[];
  /** Messages with the same key thread together (email References, Slack thread). */
  threadKey?: string;
  /** Provider id of the first message of the thread, when known (Slack thread_ts). */
  threadProviderId?: string;
  /** A thread reply also shown in the channel (Slack reply_broadcast). */
  broadcast?: boolean;
  /** Buttons (Slack) or reply keywords (SMS), where the channel supports them. */
  actions?: MessageAction[];
  /** Structured payload for webhooks. */
  data?: Record<string, unknown>;
}

export interface SendResult {
  /** The provider's id of what was sent (Slack `channel:ts`, SMTP Message-ID, Twilio SID). */
  providerMessageId?: string;
}

/**
 * A failed send: the error carries the retry decision. `retryable` false means retrying cannot help
 * (bad address, revoked token); the next contact method or escalation step takes over at once.
 * `retryAfterMs` honours the provider's limit. A retryable error with `code` `timeout`, `aborted`,
 * `network` or `unknown` may have reached the provider: the outbox checks before sending again.
 */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export interface NotificationChannel {
  readonly type: ChannelType;
  send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult>;
  /** Replace a message sent earlier (Slack chat.update). */
  update?(providerMessageId: string, message: OutboundMessage, signal?: AbortSignal): Promise<SendResult>;
  /**
   * Which of these deliveries already arrived at `to` since `since` (epoch ms): a send whose outcome is
   * unknown (the sender died mid-call) is looked for before it is repeated. Absent: the channel cannot
   * tell, and the message is sent again (with the same idempotency key, e.g. email's Message-ID).
   */
  findSent?(to: string, deliveryIds: string[], since: number, signal?: AbortSignal): Promise<Record<string, SendResult>>;
  /** Send a verification code to a new contact method. */
  sendVerification?(to: string, code: string, signal?: AbortSignal): Promise<void>;
}

/** Slack workspace operations beyond messages. */
export interface SlackWorkspace {
  /** Set a user group's members to exactly these Slack user ids. */
  setUserGroupMembers(userGroupId: string, slackUserIds: string[]): Promise<void>;
  lookupUserByEmail(email: string): Promise<{ id: string; name?: string } | undefined>;
  /** Create a public channel (or return the existing one of that name). */
  createChannel(name: string): Promise<{ id: string; name: string }>;
  inviteToChannel(channelId: string, slackUserIds: string[]): Promise<void>;
  setChannelTopic(channelId: string, topic: string): Promise<void>;
  /** An ephemeral reply to a slash command or interaction (response_url). */
  respond(responseUrl: string, body: { text: string; blocks?: unknown[]; response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean }): Promise<void>;
  openModal?(triggerId: string, view: unknown): Promise<void>;
}

/** A page of a Slack list, with Slack's cursor for the next one (empty when there is none). */
export interface SlackPage<T> {
  items: T[];
  nextCursor: string;
}

export interface SlackChannelSummary {
  id: string;
  name: string;
  isPrivate: boolean;
  isMember: boolean;
  numMembers?: number;
}

export interface SlackUserGroupSummary {
  id: string;
  handle: string;
  name: string;
  userCount: number;
}

export interface SlackUserSummary {
  id: string;
  name: string;
  email?: string;
  isBot: boolean;
  deleted: boolean;
}

/** Reading the workspace by name: channels, user groups, a channel's members and a user's profile. */
export interface SlackDirectory {
  listChannels(options: { cursor?: string; limit?: number; types?: string }): Promise<SlackPage<SlackChannelSummary>>;
  listUserGroups(): Promise<SlackUserGroupSummary[]>;
  channelMembers(channelId: string, options: { cursor?: string; limit?: number }): Promise<SlackPage<string>>;
  userInfo(userId: string): Promise<SlackUserSummary | undefined>;
}

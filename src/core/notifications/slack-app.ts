/**
 * The Slack app's handlers: slash commands and button presses, dispatched by `http/routes/slack.ts`
 * after it has verified Slack's signature. Domains register their commands and actions through
 * their module; a Slack user is mapped to a Vigil user by Slack id, then by email.
 */
import type { User } from '../users/users.js';

export interface SlackContext {
  slackUserId: string;
  slackUserName?: string;
  /** The Vigil user, when the Slack account is linked. */
  user?: User;
  channelId?: string;
  responseUrl?: string;
  triggerId?: string;
}

export interface SlackReply {
  text: string;
  blocks?: unknown[];
  /** Ephemeral (only the caller sees it) unless in_channel. */
  responseType?: 'ephemeral' | 'in_channel';
  /** For button presses: replace the message the button was on. */
  replaceOriginal?: boolean;
}

export interface SlackAction {
  actionId: string;
  value: string;
  channelId?: string;
  messageTs?: string;
}

export type SlashCommandHandler = (ctx: SlackContext, text: string) => Promise<SlackReply>;
export type SlackActionHandler = (ctx: SlackContext, action: SlackAction) => Promise<SlackReply | void>;

export interface SlackHandlers {
  /** Keyed by command, e.g. `/oncall`. */
  commands: Record<string, SlashCommandHandler>;
  /** Keyed by action id, e.g. `page.ack`. */
  actions: Record<string, SlackActionHandler>;
}

export function notLinkedReply(publicUrl: string): SlackReply {
  return {
    text: `Your Slack account is not linked to a Vigil user yet. Ask an admin to set your Slack user id on your Vigil profile, or use the same email address in Slack and Vigil. Then try again. (${publicUrl})`,
    responseType: 'ephemeral',
  };
}

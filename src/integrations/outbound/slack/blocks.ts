/**
 * Render a Vigil message (subject, plain text, actions) into Slack Block Kit. Pure functions, no I/O.
 * Limits honoured: header text 150 chars, section text 3000, 50 blocks, 25 elements per actions block,
 * button text 75, button value 2000, action_id 255.
 */
import type { MessageAction, OutboundMessage } from '../../../core/notifications/channels.js';

export interface SlackTextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export interface SlackButton {
  type: 'button';
  text: SlackTextObject;
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
}

export type SlackBlock =
  | { type: 'header'; text: SlackTextObject; block_id?: string }
  | { type: 'section'; text: SlackTextObject; block_id?: string }
  | { type: 'actions'; elements: SlackButton[]; block_id?: string }
  | { type: 'divider'; block_id?: string };

export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  blocks: 50,
  actionsPerBlock: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  /** Slack truncates `text` beyond 40,000 characters; keep the notification fallback short. */
  fallbackText: 3000,
} as const;

/** Block id of the actions block Vigil renders; inbound interaction handlers may rely on it. */
export const VIGIL_ACTIONS_BLOCK_ID = 'vigil_actions';

/**
 * Slack's own tokens that are kept as they are: user, channel and user-group mentions and links.
 * Broadcast mentions (`<!here>`, `<!channel>`, `<!everyone>`) are not among them: they are escaped.
 */
const SLACK_TOKEN = /<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!subteam\^S[A-Z0-9]+|https?:\/\/[^\s<>|]+)(?:\|[^<>]*)?>/g;

const escapePlain = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escape the characters Slack treats as control characters (`&`, `<`, `>`), keeping mention and link tokens. */
export function escapeSlackText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SLACK_TOKEN)) {
    out += escapePlain(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapePlain(text.slice(last));
}

/** Cut to at most `max` UTF-16 units without splitting a surrogate pair, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Split text into chunks of at most `max` characters, preferring line breaks. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    // never cut inside an entity such as `&amp;`
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp >= 0 && amp > cut - 5 && rest.indexOf(';', amp) >= cut) cut = amp;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

export function renderButton(action: MessageAction): SlackButton {
  const button: SlackButton = {
    type: 'button',
    text: { type: 'plain_text', text: truncate(action.label, SLACK_LIMITS.buttonText), emoji: true },
    action_id: action.id.slice(0, SLACK_LIMITS.actionId),
    value: action.value.slice(0, SLACK_LIMITS.buttonValue),
  };
  if (action.style) button.style = action.style;
  return button;
}

/** One actions block per 25 buttons; the first block gets {@link VIGIL_ACTIONS_BLOCK_ID}. */
export function renderActions(actions: MessageAction[]): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < actions.length; i += SLACK_LIMITS.actionsPerBlock) {
    const elements = actions.slice(i, i + SLACK_LIMITS.actionsPerBlock).map(renderButton);
    blocks.push({ type: 'actions', block_id: i === 0 ? VIGIL_ACTIONS_BLOCK_ID : `${VIGIL_ACTIONS_BLOCK_ID}_${i / SLACK_LIMITS.actionsPerBlock}`, elements });
  }
  return blocks;
}

/**
 * Header (subject), the escaped body text in sections (split at 3000 chars), then the buttons.
 */
export function renderMessageBlocks(message: Pick<OutboundMessage, 'subject' | 'text' | 'actions'>): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  const subject = message.subject.trim();
  if (subject)
    blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(subject.replace(/\s+/g, ' '), SLACK_LIMITS.headerText), emoji: true } });
  const actionBlocks = renderActions(message.actions ?? []);
  const room = SLACK_LIMITS.blocks - blocks.length - actionBlocks.length;
  const body = escapeSlackText(message.text);
  if (body.trim()) {
    const parts = chunks(body, SLACK_LIMITS.sectionText);
    if (parts.length > room) {
      parts.length = room;
      parts[room - 1] = truncate(parts[room - 1] ?? '', SLACK_LIMITS.sectionText);
    }
    for (const part of parts) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: part } });
  }
  blocks.push(...actionBlocks);
  return blocks;
}

/** The `text` argument: shown in notifications and by clients that cannot render blocks. */
export function fallbackText(message: Pick<OutboundMessage, 'subject' | 'text'>): string {
  const subject = message.subject.trim();
  const text = message.text.trim();
  const plain = subject && text ? `${subject}: ${text}` : subject || text || ' ';
  return escapeSlackText(truncate(plain, SLACK_LIMITS.fallbackText));
}

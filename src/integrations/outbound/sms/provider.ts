/**
 * SMS and voice calls through a pluggable provider. {@link SmsChannel} and {@link VoiceChannel} implement the
 * core's NotificationChannel on top of any {@link SmsVoiceProvider}; Twilio is one implementation
 * (./twilio.ts). A new provider implements the interface; nothing in core changes.
 */
import { ChannelError, type NotificationChannel, type OutboundMessage, type SendResult } from '../../../core/notifications/channels.js';

export interface SmsVoiceProvider {
  /** A short name for logs and timelines, e.g. `twilio`. */
  readonly name: string;
  /**
   * Send one SMS to an E.164 number. Resolves with the provider's id of the message.
   * Throws {@link ChannelError}: retryable for rate limits (with retryAfterMs), 5xx and network errors.
   */
  sendSms(to: string, body: string, signal?: AbortSignal): Promise<{ id: string }>;
  /**
   * Place a call that speaks `twimlOrText`: a TwiML document (starts with `<`) or plain text the provider
   * reads out. Resolves with the provider's id of the call.
   */
  call(to: string, twimlOrText: string, signal?: AbortSignal): Promise<{ id: string }>;
}

/** Twilio's (and most carriers') limit for one message body. */
export const SMS_MAX_LENGTH = 1600;
/** Twilio's limit for the inline `Twiml` parameter. */
export const TWIML_MAX_LENGTH = 4000;

/** E.164: `+` then 8 to 15 digits, first digit not 0. */
export function isE164(phone: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(phone);
}

/** Cut to at most `max` UTF-16 units without splitting a surrogate pair, ending with an ellipsis. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** The SMS body: subject as prefix (unless the text already starts with it), at most 1600 characters. */
export function smsBody(subject: string, text: string, maxLength = SMS_MAX_LENGTH): string {
  const s = subject.trim();
  const t = text.trim();
  const body = !s ? t : !t || t.startsWith(s) ? t || s : `${s}\n${t}`;
  return cut(body, maxLength);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface VoiceScriptOptions {
  /** How many times the message is spoken. Default 2. */
  repeat?: number;
  /** TwiML `<Say voice>`; default the provider's. */
  voice?: string;
  /** TwiML `<Say language>`, e.g. `en-US`. */
  language?: string;
  /** Said before the message, e.g. `This is Vigil.` */
  intro?: string;
}

/**
 * `<Response><Say>…</Say><Pause/>…</Response>` speaking the text `repeat` times, escaped, shortened so the
 * document fits Twilio's 4000-character limit.
 */
export function voiceTwiml(spoken: string, options: VoiceScriptOptions = {}): string {
  const repeat = Math.max(1, Math.floor(options.repeat ?? 2));
  const attrs = `${options.voice ? ` voice="${escapeXml(options.voice)}"` : ''}${options.language ? ` language="${escapeXml(options.language)}"` : ''}`;
  const intro = options.intro ? `<Say${attrs}>${escapeXml(options.intro)}</Say>` : '';
  const head = `<?xml version="1.0" encoding="UTF-8"?><Response>${intro}`;
  const tail = '</Response>';
  const pause = '<Pause length="1"/>';
  const wrap = (text: string): string => Array.from({ length: repeat }, () => `<Say${attrs}>${text}</Say>`).join(pause);
  const collapsed = spoken.replace(/\s+/g, ' ').trim();
  let text = escapeXml(collapsed);
  if (head.length + wrap(text).length + tail.length > TWIML_MAX_LENGTH) {
    const budget = Math.floor((TWIML_MAX_LENGTH - head.length - tail.length - (repeat - 1) * pause.length) / repeat) - `<Say${attrs}></Say>`.length;
    let used = 1; // the ellipsis
    text = '';
    for (const ch of collapsed) {
      const escaped = escapeXml(ch);
      if (used + escaped.length > budget) break;
      text += escaped;
      used += escaped.length;
    }
    text += '…';
  }
  return `${head}${wrap(text)}${tail}`;
}

function requirePhone(to: string): string {
  const phone = to.replace(/[\s().-]/g, '');
  if (!isE164(phone)) throw new ChannelError(`not an E.164 phone number: ${to}`, false, undefined, 'invalid_number');
  return phone;
}

export interface SmsChannelOptions {
  /** Maximum body length, default 1600. */
  maxLength?: number;
  /** Text of verification SMS; `{code}` is replaced. */
  verificationText?: string;
}

export class SmsChannel implements NotificationChannel {
  readonly type = 'sms' as const;

  constructor(
    readonly provider: SmsVoiceProvider,
    private readonly options: SmsChannelOptions = {},
  ) {}

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    const to = requirePhone(message.to);
    const { id } = await this.provider.sendSms(to, smsBody(message.subject, message.text, this.options.maxLength ?? SMS_MAX_LENGTH), signal);
    return { providerMessageId: id };
  }

  async sendVerification(to: string, code: string, signal?: AbortSignal): Promise<void> {
    const text = (this.options.verificationText ?? 'Your Vigil verification code is {code}').replace('{code}', code);
    await this.provider.sendSms(requirePhone(to), text, signal);
  }
}

export type VoiceChannelOptions = VoiceScriptOptions;

export class VoiceChannel implements NotificationChannel {
  readonly type = 'voice' as const;

  constructor(
    readonly provider: SmsVoiceProvider,
    private readonly options: VoiceChannelOptions = {},
  ) {}

  /** The TwiML this channel would place for a message. */
  twimlFor(message: Pick<OutboundMessage, 'subject' | 'text'>): string {
    const subject = message.subject.trim();
    const text = message.text.trim();
    const spoken = subject && text && !text.startsWith(subject) ? `${subject}. ${text}` : text || subject;
    return voiceTwiml(spoken, { intro: 'This is Vigil.', ...this.options });
  }

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    const to = requirePhone(message.to);
    const { id } = await this.provider.call(to, this.twimlFor(message), signal);
    return { providerMessageId: id };
  }

  async sendVerification(to: string, code: string, signal?: AbortSignal): Promise<void> {
    // Digits spaced so they are read one by one.
    const digits = code.split('').join(' ');
    await this.provider.call(
      requirePhone(to),
      voiceTwiml(`Your Vigil verification code is ${digits}.`, { ...this.options, repeat: this.options.repeat ?? 3 }),
      signal,
    );
  }
}

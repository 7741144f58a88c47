/**
 * Email over SMTP (nodemailer). Multipart text + HTML, and threading headers (wire-contracts 10):
 * - `Message-ID: <delivery-id@vigil.<domain>>`, deterministic per delivery, so a retried send is recognisably
 *   the same message;
 * - `In-Reply-To` and `References: <thread-<threadKey>@vigil.<domain>>`, one deterministic root per alert or
 *   incident, so every notification about it threads together in mail clients.
 * SMTP 4xx replies and connection problems are retryable; 5xx replies are permanent.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';

/** Loaded on first use: an installation without SMTP never loads nodemailer. */
let mailer: typeof Nodemailer | undefined;
const nodemailer = (): typeof Nodemailer => (mailer ??= createRequire(import.meta.url)('nodemailer') as typeof Nodemailer);
import { ChannelError, type NotificationChannel, type OutboundMessage, type SendResult } from '../../../core/notifications/channels.js';

export interface EmailChannelOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Default false: plain connection, upgraded with STARTTLS when offered. */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** The From header, e.g. `Vigil <vigil@oncall.example.com>`. */
  from: string;
  /** Do not use STARTTLS even when offered (a local sink). */
  ignoreTLS?: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTLS?: boolean;
  /** Default true; false accepts self-signed certificates (internal relays). */
  tlsRejectUnauthorized?: boolean;
  /** Right-hand side of generated ids is `vigil.<messageIdDomain>`; default: the domain of `from`. */
  messageIdDomain?: string;
  /** Keep SMTP connections open between messages. Default false. */
  pool?: boolean;
  /** Default 10 s. */
  connectionTimeoutMs?: number;
  /** Default 30 s. */
  socketTimeoutMs?: number;
  /** Optional Reply-To header. */
  replyTo?: string;
}

/** Encode characters not allowed in a Message-ID's left part (RFC 5322 dot-atom-text) as `=XX`, injectively. */
export function encodeIdPart(value: string): string {
  return Array.from(new TextEncoder().encode(value))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9!#$%&'*+\-/?^_`{|}~.]/.test(c) ? c : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('')
    .replace(/\.{2,}/g, (dots) => '=2E'.repeat(dots.length))
    .replace(/^\./, '=2E')
    .replace(/\.$/, '=2E');
}

/** `<delivery-id@vigil.domain>` */
export function deliveryMessageId(deliveryId: string, domain: string): string {
  return `<${encodeIdPart(deliveryId)}@vigil.${domain}>`;
}

/** `<thread-key@vigil.domain>`: the virtual root every message of one thread replies to. */
export function threadRootId(threadKey: string, domain: string): string {
  return `<thread-${encodeIdPart(threadKey)}@vigil.${domain}>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Simple HTML from plain text: escaped, paragraphs on blank lines, `<br>` on line breaks, http(s) links clickable. */
export function textToHtml(subject: string, text: string): string {
  const paragraphs = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim().length > 0)
    .map((p) => {
      const escaped = escapeHtml(p).replace(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g, (url) => `<a href="${url}">${url}</a>`);
      return `<p style="margin:0 0 12px 0">${escaped.replace(/\n/g, '<br>\n')}</p>`;
    })
    .join('\n');
  const title = subject ? `<h2 style="margin:0 0 12px 0;font-size:18px">${escapeHtml(subject)}</h2>\n` : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;color:#1f2328">
${title}${paragraphs}
</body></html>`;
}

/** Domain part of an address such as `Vigil <vigil@oncall.example.com>`. */
function domainOf(address: string): string | undefined {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address.trim());
  return match?.[1]?.toLowerCase();
}

const RETRYABLE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EABORT', 'ESTREAM', 'EMAXLIMIT', 'EPROXY']);

/** Map a nodemailer error to a {@link ChannelError}: 4xx and connection problems retryable, 5xx permanent. */
export function toEmailChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const e = (error ?? {}) as { message?: string; code?: string; responseCode?: number; response?: string; name?: string };
  const message = `smtp: ${e.message ?? String(error)}`;
  if (typeof e.responseCode === 'number' && e.responseCode >= 400 && e.responseCode < 600) {
    return new ChannelError(message, e.responseCode < 500, undefined, `smtp_${e.responseCode}`);
  }
  const code = typeof e.code === 'string' ? e.code : e.name === 'AbortError' ? 'EABORT' : 'unknown';
  return new ChannelError(message, RETRYABLE_CODES.has(code) || code === 'unknown', undefined, code.toLowerCase());
}

function plausibleAddress(to: string): boolean {
  return /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(to.trim());
}

export class EmailChannel implements NotificationChannel {
  readonly type = 'email' as const;
  readonly domain: string;
  private readonly transport: Transporter;
  private readonly from: string;
  private readonly replyTo?: string;

  constructor(options: EmailChannelOptions) {
    const domain = options.messageIdDomain ?? domainOf(options.from);
    if (!domain) throw new Error(`EmailChannel: cannot derive a Message-ID domain from "${options.from}"; set messageIdDomain`);
    this.domain = domain;
    this.from = options.from;
    this.replyTo = options.replyTo;
    this.transport = nodemailer().createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure ?? false,
      ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.pass } } : {}),
      ignoreTLS: options.ignoreTLS ?? false,
      requireTLS: options.requireTLS ?? false,
      tls: { rejectUnauthorized: options.tlsRejectUnauthorized ?? true },
      pool: options.pool ?? false,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.connectionTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
    });
  }

  /** Deterministic Message-ID of a delivery. */
  messageIdFor(deliveryId: string): string {
    return deliveryMessageId(deliveryId, this.domain);
  }

  /** Deterministic thread root id of a thread key. */
  threadIdFor(threadKey: string): string {
    return threadRootId(threadKey, this.domain);
  }

  private async deliver(mail: SendMailOptions, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw new ChannelError('smtp: aborted', true, undefined, 'aborted');
    try {
      const info = (await this.transport.sendMail({ ...mail, ...(signal ? { signal } : {}) })) as { messageId?: string; rejected?: unknown[] };
      return info.messageId ?? String(mail.messageId ?? '');
    } catch (error) {
      throw toEmailChannelError(error);
    }
  }

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (!plausibleAddress(message.to)) throw new ChannelError(`smtp: not an email address: ${message.to}`, false, undefined, 'invalid_address');
    const messageId = this.messageIdFor(message.id);
    const mail: SendMailOptions = {
      from: this.from,
      to: message.to.trim(),
      subject: message.subject,
      text: message.text,
      html: message.html ?? textToHtml(message.subject, message.text),
      messageId,
      headers: {
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
        'X-Vigil-Delivery-Id': message.id,
      },
    };
    if (this.replyTo) mail.replyTo = this.replyTo;
    if (message.threadKey) {
      const root = this.threadIdFor(message.threadKey);
      mail.inReplyTo = root;
      mail.references = [root];
    }
    const sentId = await this.deliver(mail, signal);
    return { providerMessageId: sentId || messageId };
  }

  async sendVerification(to: string, code: string, signal?: AbortSignal): Promise<void> {
    if (!plausibleAddress(to)) throw new ChannelError(`smtp: not an email address: ${to}`, false, undefined, 'invalid_address');
    const subject = 'Your Vigil verification code';
    const text = `Your Vigil verification code is ${code}\n\nEnter it in Vigil to confirm this email address for notifications. If you did not ask for it, ignore this message.`;
    await this.deliver(
      {
        from: this.from,
        to: to.trim(),
        subject,
        text,
        html: textToHtml(subject, text),
        messageId: `<verify-${randomUUID()}@vigil.${this.domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      },
      signal,
    );
  }

  /** Check the connection and credentials (for a settings page "test" button). */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (error) {
      throw toEmailChannelError(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

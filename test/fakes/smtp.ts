/**
 * An SMTP sink: a real SMTP server (the `smtp-server` package) on 127.0.0.1, no TLS, auth optional, that parses
 * every message with mailparser and keeps it. Failure injection answers the next MAIL FROM, RCPT TO or DATA
 * with a chosen SMTP reply code. See test/fakes/README.md.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';

export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  envelopeFrom: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The From header as text, e.g. `Vigil <vigil@example.com>`. */
  from: string;
  /** The To header as text. */
  headerTo: string;
  subject: string;
  text: string;
  /** HTML part, or undefined for text-only mail. */
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  /** Lower-case header name -> value (unfolded; repeated headers joined with `, `). */
  headers: Record<string, string>;
  /** MIME type of the root part, e.g. `multipart/alternative`. */
  contentType: string;
  /** The raw RFC 5322 message. */
  raw: string;
  /** The user who authenticated, when auth was on. */
  user?: string;
  at: number;
}

export interface SmtpFailure {
  /** Which command to refuse: `mail` (MAIL FROM), `rcpt` (RCPT TO) or `data` (after the message was sent). */
  stage: 'mail' | 'rcpt' | 'data';
  /** SMTP reply code, e.g. 421/450/451/452 (temporary) or 550/552/553/554 (permanent). */
  code: number;
  message?: string;
}

export interface SmtpSinkOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (over plain text: a test sink only). */
  auth?: { user: string; pass: string };
  /** Maximum message size in bytes (SIZE extension). */
  size?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Every message received, oldest first (live array). */
  messages: ReceivedMail[];
  /** Resolve with the first message matching `predicate` (already received or arriving within `timeoutMs`). */
  waitFor(predicate?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Refuse the next `times` commands of `failure.stage` with `failure.code`. */
  failNext(failure: SmtpFailure, times?: number): void;
  /**
   * Refuse every connection (421 at the greeting, and on open pooled connections at MAIL FROM) until
   * called with false: a mail server that is down.
   */
  refuseConnections(on: boolean): void;
  /** Message-IDs received more than once (a recipient's mail client shows such a repeat once). */
  duplicateMessageIds(): string[];
  reset(): void;
  close(): Promise<void>;
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

function smtpError(failure: SmtpFailure): Error {
  const error = new Error(failure.message ?? (failure.code >= 500 ? 'Requested action not taken (fake sink)' : 'Try again later (fake sink)')) as Error & {
    responseCode: number;
  };
  error.responseCode = failure.code;
  return error;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  let messages: ReceivedMail[] = [];
  let failures: { failure: SmtpFailure; times: number }[] = [];
  let refusing = false;
  const refused = (): Error => smtpError({ stage: 'mail', code: 421, message: 'Service not available, closing transmission channel (fake sink down)' });
  const waiters = new Set<{ predicate: (mail: ReceivedMail) => boolean; resolve: (mail: ReceivedMail) => void }>();

  const takeFailure = (stage: SmtpFailure['stage']): SmtpFailure | undefined => {
    const index = failures.findIndex((f) => f.failure.stage === stage);
    if (index < 0) return undefined;
    const entry = failures[index]!;
    entry.times -= 1;
    if (entry.times <= 0) failures.splice(index, 1);
    return entry.failure;
  };

  const serverOptions: SMTPServerOptions = {
    name: 'sink.vigil.test',
    banner: 'Vigil test SMTP sink',
    logger: false,
    secure: false,
    closeTimeout: 500,
    // no DNS: this workplace has no network, and a sink needs no client hostname
    disableReverseLookup: true,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    ...(options.size ? { size: options.size } : {}),
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
        return;
      }
      const error = new Error('Invalid username or password') as Error & { responseCode: number };
      error.responseCode = 535;
      callback(error);
    },
    onConnect(_session, callback) {
      callback(refusing ? refused() : null);
    },
    onMailFrom(_address, _session, callback) {
      if (refusing) {
        callback(refused());
        return;
      }
      const failure = takeFailure('mail');
      callback(failure ? smtpError(failure) : null);
    },
    onRcptTo(_address, _session, callback) {
      const failure = takeFailure('rcpt');
      callback(failure ? smtpError(failure) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        const failure = takeFailure('data');
        if (failure) {
          callback(smtpError(failure));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const headers: Record<string, string> = {};
            for (const { key, line } of parsed.headerLines) {
              const value = line
                .slice(line.indexOf(':') + 1)
                .replace(/\r?\n[ \t]+/g, ' ')
                .trim();
              headers[key] = headers[key] ? `${headers[key]}, ${value}` : value;
            }
            const references =
              parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : parsed.references.split(/\s+/).filter(Boolean);
            const mail: ReceivedMail = {
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              from: addressText(parsed.from),
              headerTo: addressText(parsed.to),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
              messageId: parsed.messageId,
              inReplyTo: parsed.inReplyTo,
              references,
              headers,
              contentType: (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
              raw: raw.toString('utf8'),
              user: typeof session.user === 'string' ? session.user : undefined,
              at: Date.now(),
            };
            messages.push(mail);
            for (const waiter of [...waiters]) {
              if (waiter.predicate(mail)) {
                waiters.delete(waiter);
                waiter.resolve(mail);
              }
            }
            callback(null, 'Queued by the Vigil test sink');
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  };

  const server = new SMTPServer(serverOptions);
  server.on('error', () => {
    // connection-level errors (a client that hangs up) are not test failures
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  const sink: SmtpSink = {
    host: '127.0.0.1',
    port,
    get messages() {
      return messages;
    },
    waitFor(predicate = () => true, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<ReceivedMail>((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (mail: ReceivedMail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`smtp sink: no matching message within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    failNext(failure, times = 1) {
      failures.push({ failure, times });
    },
    refuseConnections(on) {
      refusing = on;
    },
    duplicateMessageIds() {
      const seen = new Set<string>();
      const repeated = new Set<string>();
      for (const m of messages) {
        if (!m.messageId) continue;
        if (seen.has(m.messageId)) repeated.add(m.messageId);
        seen.add(m.messageId);
      }
      return [...repeated];
    },
    reset() {
      messages = [];
      failures = [];
      refusing = false;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sink;
}

/**
 * A fake Twilio REST API (2010-04-01): `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` and `Calls.json`,
 * form-encoded, HTTP Basic auth, 201 + resource JSON on success and Twilio's error JSON
 * `{code, message, more_info, status}` on failure. Records every message and call; failure injection for 429
 * (with Retry-After), invalid numbers (21211) and any other status. See test/fakes/README.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface FakeTwilioMessage {
  sid: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body: string;
  statusCallback?: string;
  params: Record<string, string>;
  at: number;
}

export interface FakeTwilioCall {
  sid: string;
  to: string;
  from: string;
  twiml?: string;
  url?: string;
  statusCallback?: string;
  params: Record<string, string>;
  at: number;
}

export interface FakeTwilioRequest {
  resource: string;
  status: number;
  code?: number;
  params: Record<string, string>;
  /** The Basic-auth user name (Account SID or API key SID). */
  user?: string;
  at: number;
}

export type FakeTwilioFailure =
  { status: 429; retryAfter?: number; code?: number; message?: string } | { status: number; code?: number; message?: string; retryAfter?: number };

export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  /** Also accept this API key (Basic auth `SK…:secret`). */
  apiKey?: { sid: string; secret: string };
}

export interface FakeTwilio {
  /** Base URL to configure as the Twilio API base, `http://127.0.0.1:PORT`. */
  url: string;
  accountSid: string;
  authToken: string;
  messages: FakeTwilioMessage[];
  calls: FakeTwilioCall[];
  requests: FakeTwilioRequest[];
  /** Fail the next `times` requests to `Messages`, `Calls` or `*` (either). */
  failNext(resource: 'Messages' | 'Calls' | '*', failure: FakeTwilioFailure, times?: number): void;
  /** Answer 400 / 21211 ("The 'To' number is not a valid phone number") for this number from now on. */
  rejectNumber(to: string, code?: number): void;
  waitFor<T>(predicate: () => T | undefined | false | null, timeoutMs?: number): Promise<T>;
  reset(): void;
  close(): Promise<void>;
}

const ERROR_MESSAGES: Record<number, string> = {
  20003: 'Authenticate',
  20404: 'The requested resource was not found',
  20429: 'Too Many Requests',
  21211: "Invalid 'To' Phone Number",
  21602: 'Message body is required.',
  21604: "A 'To' phone number is required.",
  21603: "A 'From' phone number is required.",
  21205: 'Url parameter is required.',
  21617: 'The concatenated message body exceeds the 1600 character limit.',
  21610: 'Attempt to send to unsubscribed recipient',
};

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${'0'.repeat(31)}1`;
  const authToken = options.authToken ?? 'fake-twilio-auth-token';
  let messages: FakeTwilioMessage[] = [];
  let calls: FakeTwilioCall[] = [];
  let requests: FakeTwilioRequest[] = [];
  let failures: { resource: string; failure: FakeTwilioFailure; times: number }[] = [];
  const rejected = new Map<string, number>();
  const sockets = new Set<Socket>();

  const takeFailure = (resource: string): FakeTwilioFailure | undefined => {
    const index = failures.findIndex((f) => f.resource === resource || f.resource === '*');
    if (index < 0) return undefined;
    const entry = failures[index]!;
    entry.times -= 1;
    if (entry.times <= 0) failures.splice(index, 1);
    return entry.failure;
  };

  const sendError = (res: ServerResponse, status: number, code: number | undefined, message?: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(
      JSON.stringify({
        code: code ?? null,
        message: message ?? (code ? ERROR_MESSAGES[code] : undefined) ?? `HTTP ${status}`,
        more_info: code ? `https://www.twilio.com/docs/errors/${code}` : null,
        status,
      }),
    );
  };

  const checkAuth = (req: IncomingMessage): string | undefined => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    const pass = decoded.slice(colon + 1);
    if (user === accountSid && pass === authToken) return user;
    if (options.apiKey && user === options.apiKey.sid && pass === options.apiKey.secret) return user;
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(url.pathname);
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[k] = v;
    const record: FakeTwilioRequest = { resource: match?.[2] ?? url.pathname, status: 201, params, at: Date.now() };
    requests.push(record);
    const fail = (status: number, code: number | undefined, message?: string, headers?: Record<string, string>): void => {
      record.status = status;
      record.code = code;
      sendError(res, status, code, message, headers);
    };

    if (!match || req.method !== 'POST') return fail(404, 20404);
    const user = checkAuth(req);
    if (!user) return fail(401, 20003);
    record.user = user;
    if (decodeURIComponent(match[1]!) !== accountSid) return fail(404, 20404);
    const resource = match[2] as 'Messages' | 'Calls';

    const failure = takeFailure(resource);
    if (failure) {
      const headers: Record<string, string> = {};
      if (failure.status === 429 || failure.retryAfter !== undefined) headers['Retry-After'] = String(failure.retryAfter ?? 1);
      return fail(failure.status, failure.code ?? (failure.status === 429 ? 20429 : undefined), failure.message, headers);
    }

    const to = params.To ?? '';
    if (!to) return fail(400, 21604);
    const rejectedCode = rejected.get(to);
    if (rejectedCode !== undefined) return fail(400, rejectedCode, rejectedCode === 21211 ? `The 'To' number ${to} is not a valid phone number.` : undefined);
    if (!/^\+[1-9]\d{7,14}$/.test(to)) return fail(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    const now = new Date();

    if (resource === 'Messages') {
      if (!params.From && !params.MessagingServiceSid) return fail(400, 21603);
      const body = params.Body ?? '';
      if (!body && !params.MediaUrl) return fail(400, 21602);
      if (body.length > 1600) return fail(400, 21617);
      const message: FakeTwilioMessage = {
        sid: sid('SM'),
        to,
        from: params.From,
        messagingServiceSid: params.MessagingServiceSid,
        body,
        statusCallback: params.StatusCallback,
        params,
        at: now.getTime(),
      };
      messages.push(message);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          sid: message.sid,
          account_sid: accountSid,
          to,
          from: message.from ?? null,
          messaging_service_sid: message.messagingServiceSid ?? null,
          body,
          status: message.messagingServiceSid ? 'accepted' : 'queued',
          num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
          num_media: '0',
          direction: 'outbound-api',
          api_version: '2010-04-01',
          price: null,
          price_unit: 'USD',
          error_code: null,
          error_message: null,
          date_created: now.toUTCString(),
          date_updated: now.toUTCString(),
          date_sent: null,
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
        }),
      );
      return;
    }

    if (!params.From) return fail(400, 21603);
    if (!params.Twiml && !params.Url && !params.ApplicationSid) return fail(400, 21205);
    const call: FakeTwilioCall = {
      sid: sid('CA'),
      to,
      from: params.From,
      twiml: params.Twiml,
      url: params.Url,
      statusCallback: params.StatusCallback,
      params,
      at: now.getTime(),
    };
    calls.push(call);
    res.writeHead(201, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        sid: call.sid,
        account_sid: accountSid,
        to,
        to_formatted: to,
        from: call.from,
        from_formatted: call.from,
        status: 'queued',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        date_created: now.toUTCString(),
        date_updated: now.toUTCString(),
        start_time: null,
        end_time: null,
        duration: null,
        price: null,
        uri: `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}.json`,
      }),
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, undefined, `fake twilio crashed: ${error instanceof Error ? error.message : String(error)}`);
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

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    get messages() {
      return messages;
    },
    get calls() {
      return calls;
    },
    get requests() {
      return requests;
    },
    failNext(resource, failure, times = 1) {
      failures.push({ resource, failure, times });
    },
    rejectNumber(to, code = 21211) {
      rejected.set(to, code);
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`fake twilio: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    reset() {
      messages = [];
      calls = [];
      requests = [];
      failures = [];
      rejected.clear();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

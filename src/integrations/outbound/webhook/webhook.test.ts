import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, type OutboundMessage } from '../../../core/notifications/channels.js';
import { FakeClock } from '../../../core/shared/clock.js';
import { WebhookChannel, signVigilPayload, verifyVigilSignature } from './webhook.js';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real receiver on loopback; `reply` decides each answer. */
let server: Server;
let base: string;
let received: Received[] = [];
let reply: (r: Received) => { status: number; headers?: Record<string, string>; delayMs?: number } = () => ({ status: 204 });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const answer = reply(r);
      const send = () => {
        res.writeHead(answer.status, answer.headers);
        res.end('{"ok":true}');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(() => {
  received = [];
  reply = () => ({ status: 204 });
});

const SECRET = 'whsec_test_0123456789';
const clock = new FakeClock(Date.UTC(2026, 2, 1, 12, 0, 0));
const channel = new WebhookChannel({ secret: SECRET, clock });

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'dlv_42',
    channel: 'webhook',
    to: `${base}/hooks/vigil`,
    subject: '[P1] #42 Disk full',
    text: 'db-1 /var at 97%',
    data: { alert: { id: 'alert_42', priority: 'P1' }, event: 'alert.triggered' },
    ...overrides,
  };
}

async function expectChannelError(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

describe('WebhookChannel', () => {
  it('POSTs the JSON payload with signature, timestamp and delivery headers', async () => {
    const result = await channel.send(message());
    expect(result.providerMessageId).toBe('dlv_42');
    const [r] = received;
    expect(r).toMatchObject({ method: 'POST', path: '/hooks/vigil' });
    expect(JSON.parse(r!.body)).toEqual({
      id: 'dlv_42',
      subject: '[P1] #42 Disk full',
      text: 'db-1 /var at 97%',
      data: { alert: { id: 'alert_42', priority: 'P1' }, event: 'alert.triggered' },
      sentAt: '2026-03-01T12:00:00.000Z',
    });
    expect(r!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r!.headers['x-vigil-timestamp']).toBe(String(Date.UTC(2026, 2, 1, 12, 0, 0) / 1000));
    expect(r!.headers['x-vigil-delivery']).toBe('dlv_42');
    expect(r!.headers['x-vigil-signature']).toBe(signVigilPayload(SECRET, r!.body));
    expect(verifyVigilSignature({ secret: SECRET, rawBody: r!.body, signature: r!.headers['x-vigil-signature'] as string })).toBe(true);
  });

  it('looks the secret up per URL, and sends unsigned without one', async () => {
    const perUrl = new WebhookChannel({ secret: async (url) => (url.endsWith('/signed') ? 'per-url-secret' : undefined), clock });
    await perUrl.send(message({ to: `${base}/signed` }));
    await perUrl.send(message({ to: `${base}/unsigned` }));
    expect(verifyVigilSignature({ secret: 'per-url-secret', rawBody: received[0]!.body, signature: received[0]!.headers['x-vigil-signature'] as string })).toBe(
      true,
    );
    expect(received[1]!.headers['x-vigil-signature']).toBeUndefined();
    expect(JSON.parse(received[1]!.body).data).toEqual({ alert: { id: 'alert_42', priority: 'P1' }, event: 'alert.triggered' });
  });

  it.each([
    [200, undefined],
    [202, undefined],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [408, true],
    [400, false],
    [401, false],
    [404, false],
    [410, false],
    [302, false],
  ] as const)('HTTP %i -> %s', async (status, retryable) => {
    reply = () => ({ status, headers: status === 302 ? { Location: '/elsewhere' } : ({} as Record<string, string>) });
    if (retryable === undefined) {
      await channel.send(message());
      return;
    }
    const error = await expectChannelError(channel.send(message()));
    expect(error).toMatchObject({ retryable, code: `http_${status}` });
  });

  it('429 and 503 carry Retry-After', async () => {
    reply = () => ({ status: 429, headers: { 'Retry-After': '12' } });
    expect(await expectChannelError(channel.send(message()))).toMatchObject({ retryable: true, retryAfterMs: 12_000 });
    reply = () => ({ status: 503, headers: { 'Retry-After': 'Sun, 01 Mar 2026 12:01:00 GMT' } });
    expect(await expectChannelError(channel.send(message()))).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
  });

  it('times out (retryable)', async () => {
    const quick = new WebhookChannel({ secret: SECRET, timeoutMs: 100 });
    reply = () => ({ status: 200, delayMs: 1000 });
    expect(await expectChannelError(quick.send(message()))).toMatchObject({ retryable: true, code: 'timeout' });
  });

  it('refused connection -> retryable; bad URL -> permanent', async () => {
    expect(await expectChannelError(channel.send(message({ to: 'http://127.0.0.1:9/x' })))).toMatchObject({ retryable: true, code: 'network' });
    expect(await expectChannelError(channel.send(message({ to: 'not a url' })))).toMatchObject({ retryable: false, code: 'invalid_url' });
    expect(await expectChannelError(channel.send(message({ to: 'ftp://example.com/x' })))).toMatchObject({ retryable: false, code: 'invalid_url' });
    const httpsOnly = new WebhookChannel({ allowHttp: false });
    expect(await expectChannelError(httpsOnly.send(message()))).toMatchObject({ retryable: false, code: 'invalid_url' });
  });
});

describe('verifyVigilSignature', () => {
  const body = '{"id":"dlv_1","subject":"s","text":"t","data":{},"sentAt":"2026-03-01T12:00:00.000Z"}';
  const signature = signVigilPayload(SECRET, body);
  const now = 1_772_366_400;

  it('accepts the right body and secret', () => {
    expect(verifyVigilSignature({ secret: SECRET, rawBody: body, signature })).toBe(true);
    expect(verifyVigilSignature({ secret: SECRET, rawBody: Buffer.from(body), signature, timestamp: String(now), nowSeconds: now + 60 })).toBe(true);
  });

  it.each([
    ['another secret', { secret: 'other' }],
    ['a changed body', { rawBody: body.replace('"t"', '"T"') }],
    ['a missing prefix', { signature: signature.slice(7) }],
    ['a sha1 prefix', { signature: signature.replace('sha256=', 'sha1=') }],
    ['garbage', { signature: 'sha256=zz' }],
    ['no signature', { signature: undefined }],
    ['a stale timestamp', { timestamp: String(now - 301), nowSeconds: now }],
    ['a missing timestamp when freshness is checked', { nowSeconds: now }],
  ])('rejects %s', (_label, change) => {
    expect(verifyVigilSignature({ secret: SECRET, rawBody: body, signature, ...change })).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSentry, type FakeSentry } from '../../../../test/fakes/sentry.js';
import { SentryClient, SentryError } from './client.js';

const TOKEN = 'sntrys_client_test_token';
let sentry: FakeSentry;

beforeAll(async () => {
  sentry = await startFakeSentry({ token: TOKEN, org: 'acme' });
  sentry.addUser({ id: '7', email: 'kim@example.com', username: 'kim', name: 'Kim' });
  sentry.createIssue({ id: '100', title: 'TypeError: x' });
  sentry.createIssue({ id: '101', title: 'TypeError: y' });
});
afterAll(async () => sentry?.close());

const errorOf = async (p: Promise<unknown>): Promise<SentryError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SentryError);
    return err as SentryError;
  }
  throw new Error('expected a SentryError');
};

describe('SentryClient.updateIssue', () => {
  it('resolves, ignores for a while and assigns through the organization endpoint', async () => {
    const client = new SentryClient({ baseUrl: `${sentry.url}/`, token: TOKEN, org: 'acme' });
    expect(await client.updateIssue('100', { status: 'resolved' })).toMatchObject({ id: '100', status: 'resolved' });
    expect(await client.updateIssue('100', { status: 'ignored', statusDetails: { ignoreDuration: 30 } })).toMatchObject({ status: 'ignored' });
    expect(sentry.issue('100')!.statusDetails).toEqual({ ignoreDuration: 30 });
    expect((await client.updateIssue('100', { assignedTo: 'kim@example.com' })).assignedTo).toEqual({
      type: 'user',
      id: '7',
      name: 'Kim',
      email: 'kim@example.com',
    });
    const call = sentry.calls().at(-1)!;
    expect(call).toMatchObject({
      method: 'PUT',
      path: '/api/0/organizations/acme/issues/100/',
      authorization: `Bearer ${TOKEN}`,
      body: { assignedTo: 'kim@example.com' },
    });
  });

  it('uses the organization-less endpoint without an org, and accepts a base URL ending in /api/0', async () => {
    const client = new SentryClient({ baseUrl: `${sentry.url}/api/0`, token: TOKEN });
    await client.updateIssue('101', { status: 'resolved' });
    expect(sentry.calls().at(-1)!.path).toBe('/api/0/issues/101/');
  });

  it('reports Sentry’s refusals with a code, and what may be retried', async () => {
    const client = new SentryClient({ baseUrl: sentry.url, token: TOKEN, org: 'acme' });
    const unknownUser = await errorOf(client.updateIssue('100', { assignedTo: 'nobody@example.com' }));
    expect(unknownUser).toMatchObject({ status: 400, code: 'bad_request', retryable: false });
    expect(unknownUser.message).toContain('Unknown actor input');
    expect(await errorOf(client.updateIssue('999', { status: 'resolved' }))).toMatchObject({ status: 404, code: 'not_found', retryable: false });
    expect(await errorOf(new SentryClient({ baseUrl: sentry.url, token: 'wrong', org: 'acme' }).updateIssue('100', { status: 'resolved' }))).toMatchObject({
      status: 401,
      code: 'unauthorized',
      retryable: false,
    });
    sentry.failNext(429, { detail: 'slow down' }, { 'Retry-After': '12' });
    expect(await errorOf(client.updateIssue('100', { status: 'resolved' }))).toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 12_000,
    });
    sentry.failNext(502);
    expect(await errorOf(client.updateIssue('100', { status: 'resolved' }))).toMatchObject({ code: 'server_error', retryable: true });
  });

  it('reports a server it cannot reach as retryable', async () => {
    const client = new SentryClient({ baseUrl: 'http://127.0.0.1:9', token: TOKEN, timeoutMs: 2000 });
    expect(await errorOf(client.updateIssue('100', { status: 'resolved' }))).toMatchObject({ code: 'network', retryable: true });
  });

  it('needs an http(s) base URL and a token', () => {
    expect(() => new SentryClient({ baseUrl: 'ftp://x', token: TOKEN })).toThrow(/baseUrl/);
    expect(() => new SentryClient({ baseUrl: 'https://sentry.io', token: '' })).toThrow(/token/);
  });
});

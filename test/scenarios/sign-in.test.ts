/**
 * Sign-in throttling: someone guesses an engineer's password. After the limit the account is
 * locked (429 with Retry-After) and even the right password is refused until the lockout ends;
 * each further lockout is longer. Guessing from one address across many accounts locks the
 * address. The counts live in the database (shared by every process on PostgreSQL). Admins see
 * who is locked and can end a lockout. X-Forwarded-For is believed only from trusted proxies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/shared/clock.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, postgresAvailable } from '../helpers/databases.js';

const pg = await postgresAvailable();

describe.each(DIALECTS)('sign-in throttling on %s', (dialect) => {
  const skip = dialect === 'postgres' && !pg;
  let t: TestApp;
  const clock = new FakeClock(Date.UTC(2027, 0, 4, 9));
  const login = (email: string, password: string, headers: Record<string, string> = {}) => t.api('POST', '/api/v1/auth/login', { token: null, body: { email, password }, headers });

  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp({ dialect, clock, manualEngine: true, config: { signIn: { maxFailuresPerAccount: 10, maxFailuresPerAddress: 30, lockoutSeconds: 60, maxLockoutSeconds: 3600, windowSeconds: 86400 } } });
  });
  afterAll(async () => t?.close());

  it.skipIf(skip)('20 wrong passwords lock the account: 429 with Retry-After, the right password refused until the lockout ends', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof login>> | undefined;
    for (let i = 0; i < 20; i++) {
      last = await login(ADMIN_EMAIL, `wrong-password-${i}`);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(401));
    expect(statuses.slice(9)).toEqual(Array(11).fill(429));
    expect(last!.body.error.code).toBe('sign_in_locked');
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const during = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(during.status).toBe(429);
    expect(during.headers.get('retry-after')).toBeTruthy();

    // Admins see the lockout (with the bootstrap token: the account itself is locked for sign-in).
    const seen = await t.api('GET', '/api/v1/auth/sign-in-throttle');
    expect(seen.status).toBe(200);
    expect(seen.body.data).toContainEqual(expect.objectContaining({ kind: 'account', subject: ADMIN_EMAIL, locked: true, lockouts: 1 }));

    clock.advance(61_000);
    const after = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(after.status).toBe(200);
    expect(after.headers.get('set-cookie')).toContain('vigil_session=');
  });

  it.skipIf(skip)('each further lockout is longer', async () => {
    // The guesses of the first test came from this address too: start it afresh.
    await t.api('DELETE', '/api/v1/auth/sign-in-throttle/address/127.0.0.1');
    const victim = await t.createUserWithToken('responder', 'victim@example.com');
    await t.api('PATCH', `/api/v1/users/${victim.id}`, { body: { password: 'victim-password-1' } });
    for (let i = 0; i < 10; i++) await login('victim@example.com', 'nope-nope-nope');
    const first = Number((await login('victim@example.com', 'nope-nope-nope')).headers.get('retry-after'));
    clock.advance(first * 1000 + 1000);
    for (let i = 0; i < 9; i++) expect((await login('victim@example.com', 'nope-nope-nope')).status).toBe(401);
    const second = await login('victim@example.com', 'nope-nope-nope');
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(first);

    // An admin ends the lockout; the right password works again.
    expect((await t.api('DELETE', '/api/v1/auth/sign-in-throttle/account/victim@example.com')).status).toBe(204);
    expect((await login('victim@example.com', 'victim-password-1')).status).toBe(200);
    // Only admins see or clear lockouts.
    expect((await t.api('GET', '/api/v1/auth/sign-in-throttle', { token: victim.token })).status).toBe(403);
  });

  it.skipIf(skip)('spraying many accounts from one address locks the address; X-Forwarded-For is not believed by default', async () => {
    clock.advance(3 * 86_400_000);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      // A rotated X-Forwarded-For changes nothing: no proxy is trusted.
      statuses.push((await login(`nobody-${i}@example.com`, 'guess-guess-guess', { 'x-forwarded-for': `203.0.113.${i}` })).status);
    }
    expect(statuses.slice(0, 29).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(29)).toEqual([429, 429]);
    const seen = await t.api('GET', '/api/v1/auth/sign-in-throttle');
    expect(seen.body.data).toContainEqual(expect.objectContaining({ kind: 'address', subject: '127.0.0.1', locked: true }));
    expect(seen.body.data.some((e: { subject: string }) => e.subject.startsWith('203.0.113.'))).toBe(false);
    expect((await t.api('DELETE', '/api/v1/auth/sign-in-throttle/address/127.0.0.1')).status).toBe(204);
  });
});

describe('behind a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ manualEngine: true, config: { trustProxy: ['127.0.0.1'], signIn: { maxFailuresPerAccount: 100, maxFailuresPerAddress: 3, lockoutSeconds: 60, maxLockoutSeconds: 3600, windowSeconds: 86400 } } });
  });
  afterAll(async () => t?.close());

  it('throttles the client address the proxy reports', async () => {
    const login = (ip: string) => t.api('POST', '/api/v1/auth/login', { token: null, body: { email: ADMIN_EMAIL, password: 'not-the-password' }, headers: { 'x-forwarded-for': ip } });
    expect([(await login('198.51.100.7')).status, (await login('198.51.100.7')).status, (await login('198.51.100.7')).status]).toEqual([401, 401, 429]);
    // Another client behind the same proxy is not locked out.
    expect((await login('198.51.100.8')).status).toBe(401);
    const seen = await t.api('GET', '/api/v1/auth/sign-in-throttle');
    expect(seen.body.data).toContainEqual(expect.objectContaining({ kind: 'address', subject: '198.51.100.7', locked: true }));
  });
});

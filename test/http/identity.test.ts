/**
 * The foundation's HTTP contract: identity, permissions, and a clear 4xx for every kind of bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let stakeholder: { id: string; token: string };
let responder: { id: string; token: string };

beforeAll(async () => {
  t = await startTestApp();
  stakeholder = await t.createUserWithToken('stakeholder');
  responder = await t.createUserWithToken('responder');
});
afterAll(async () => t?.close());

type Route = { method: string; path: string };

async function apiRoutes(): Promise<Route[]> {
  const doc = (await t.api('GET', '/api/openapi.json', { token: null })).body as { paths: Record<string, Record<string, unknown>> };
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of Object.keys(ops)) out.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') });
  }
  return out;
}

const PUBLIC = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  // The link's token is the proof: invites and contact-verification links.
  'GET /api/v1/invites/by-token/x',
  'POST /api/v1/invites/by-token/x/accept',
  'POST /api/v1/contact-methods/verify-link',
]);
/** Writes a read-only stakeholder may make by design: following incidents, reporting a security issue. */
const STAKEHOLDER_WRITES = new Set(['POST /api/v1/incidents/x/subscribe', 'POST /api/v1/services/x/subscribe', 'POST /api/v1/security-reports', 'POST /api/v1/me/password']);

describe('health and docs', () => {
  it('answers /healthz and /readyz without identity', async () => {
    expect((await t.api('GET', '/healthz', { token: null })).body).toMatchObject({ status: 'ok' });
    expect((await t.api('GET', '/readyz', { token: null })).body).toEqual({ status: 'ready', problems: [] });
  });
  it('serves an OpenAPI 3.1 document and a reference page', async () => {
    const doc = await t.api('GET', '/api/openapi.json', { token: null });
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/users');
    const page = await fetch(`${t.baseUrl}/api/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });
  it('exposes Prometheus metrics for HTTP and jobs', async () => {
    const res = await fetch(`${t.baseUrl}/metrics`);
    const text = await res.text();
    expect(text).toContain('vigil_http_requests_total');
    expect(text).toContain('vigil_jobs_queue');
    expect(text).toContain('vigil_jobs_lag_seconds');
  });
});

describe('authentication and roles', () => {
  it('answers 401 on every /api/v1 route without a token', async () => {
    const routes = await apiRoutes();
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      if (PUBLIC.has(`${r.method} ${r.path}`)) continue;
      const res = await t.api(r.method, r.path, { token: null, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }) });
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 401]);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  it('answers 401 for a malformed or unknown token', async () => {
    expect((await t.api('GET', '/api/v1/users', { token: null, headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect((await t.api('GET', '/api/v1/users', { token: 'vgl_nope' })).status).toBe(401);
  });

  it('answers 403 on every write with a stakeholder token, and lets it read', async () => {
    const routes = await apiRoutes();
    for (const r of routes) {
      if (r.method === 'GET' || PUBLIC.has(`${r.method} ${r.path}`) || STAKEHOLDER_WRITES.has(`${r.method} ${r.path}`)) continue;
      const res = await t.api(r.method, r.path, { token: stakeholder.token, ...(r.method === 'DELETE' ? {} : { body: {} }) });
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 403]);
    }
    expect((await t.api('GET', '/api/v1/users', { token: stakeholder.token })).status).toBe(200);
  });

  it('keeps admin verbs from responders', async () => {
    const res = await t.api('POST', '/api/v1/users', { token: responder.token, body: { name: 'X', email: 'x@example.com' } });
    expect(res.status).toBe(403);
  });

  it('signs in with a password into a session cookie, and out again', async () => {
    const bad = await t.api('POST', '/api/v1/auth/login', { token: null, body: { email: t.adminEmail, password: 'wrong-password' } });
    expect(bad.status).toBe(401);
    const ok = await t.api('POST', '/api/v1/auth/login', { token: null, body: { email: t.adminEmail, password: t.adminPassword } });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/vigil_session=vgs_/);
    expect(cookie).toMatch(/HttpOnly/i);
    const session = cookie.split(';')[0]!;
    const me = await t.api('GET', '/api/v1/me', { token: null, headers: { cookie: session } });
    expect(me.body.user.email).toBe(t.adminEmail);
    await t.api('POST', '/api/v1/auth/logout', { token: null, headers: { cookie: session } });
    expect((await t.api('GET', '/api/v1/me', { token: null, headers: { cookie: session } })).status).toBe(401);
  });

  it('creates tokens shown once, hashed at rest, revocable, never wider than the creator', async () => {
    const created = await t.api('POST', '/api/v1/tokens', { token: responder.token, body: { name: 'ci', scopes: ['read'] } });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^vgl_/);
    const rows = await t.vigil.database.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash.includes(secret))).toBe(false);
    const listed = await t.api('GET', '/api/v1/tokens', { token: responder.token });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((await t.api('POST', '/api/v1/users', { token: secret, body: { name: 'Y', email: 'y@example.com' } })).status).toBe(403);
    expect((await t.api('POST', '/api/v1/tokens', { token: secret, body: { name: 'wider' } })).status).toBe(403);
    const wider = await t.api('POST', '/api/v1/tokens', { token: responder.token, body: { name: 'admin?', scopes: ['admin'] } });
    expect(wider.status).toBe(403);
    expect((await t.api('DELETE', `/api/v1/tokens/${created.body.token.id}`, { token: responder.token })).status).toBe(200);
    expect((await t.api('GET', '/api/v1/me', { token: secret })).status).toBe(401);
  });
});

describe('users and teams', () => {
  it('creates, reads, updates users and records their timeline', async () => {
    const res = await t.api('POST', '/api/v1/users', { body: { name: 'Grace Hopper', email: 'Grace@Example.com', timeZone: 'America/New_York', phone: '+1 415 555 0123', slackUserId: 'U024BE7LH' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'grace@example.com', phone: '+14155550123', role: 'responder' });
    const byEmail = await t.api('GET', '/api/v1/users/grace@example.com');
    expect(byEmail.body.id).toBe(res.body.id);
    const patched = await t.api('PATCH', `/api/v1/users/${res.body.id}`, { body: { timeZone: 'Europe/Paris' } });
    expect(patched.body.timeZone).toBe('Europe/Paris');
    const timeline = await t.api('GET', `/api/v1/users/${res.body.id}/timeline`);
    expect(timeline.body.data.map((e: { type: string }) => e.type)).toEqual(['user.created', 'user.updated']);
    expect(timeline.body.data[1].data.changes.timeZone).toEqual({ from: 'America/New_York', to: 'Europe/Paris' });
  });

  it('creates teams with a lead and members', async () => {
    const lead = await t.api('POST', '/api/v1/users', { body: { name: 'Lin Lead', email: 'lin@example.com' } });
    const team = await t.api('POST', '/api/v1/teams', { body: { name: 'Platform Team', leadUserId: lead.body.id } });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ slug: 'platform-team', leadUserId: lead.body.id, memberIds: [lead.body.id] });
    const dup = await t.api('POST', '/api/v1/teams', { body: { name: 'Platform Team' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('team_exists');
    expect((await t.api('GET', '/api/v1/teams/platform-team')).body.id).toBe(team.body.id);
  });
});

describe('bad input gets a clear 4xx JSON error', () => {
  const cases: Array<[string, string, string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, string]> = [
    ['malformed JSON', 'POST', '/api/v1/users', { rawBody: '{"name": "x",' }, 400, 'malformed_json'],
    ['empty JSON body', 'POST', '/api/v1/users', { rawBody: '' }, 400, 'malformed_json'],
    ['a number for a string', 'POST', '/api/v1/users', { body: { name: 123, email: 'n@example.com' } }, 400, 'validation_failed'],
    ['a missing field', 'POST', '/api/v1/users', { body: { name: 'No Email' } }, 400, 'validation_failed'],
    ['an unknown field', 'POST', '/api/v1/users', { body: { name: 'U', email: 'u@example.com', admin: true } }, 400, 'validation_failed'],
    ['an unknown role', 'POST', '/api/v1/users', { body: { name: 'U', email: 'u@example.com', role: 'god' } }, 400, 'validation_failed'],
    ['a bad email', 'POST', '/api/v1/users', { body: { name: 'U', email: 'not-an-email' } }, 400, 'invalid_email'],
    ['an unknown time zone', 'POST', '/api/v1/users', { body: { name: 'U', email: 'u2@example.com', timeZone: 'Mars/Olympus' } }, 400, 'invalid_time_zone'],
    ['a bad phone number', 'POST', '/api/v1/users', { body: { name: 'U', email: 'u3@example.com', phone: '12' } }, 400, 'invalid_phone'],
    ['a short password', 'POST', '/api/v1/users', { body: { name: 'U', email: 'u4@example.com', password: 'short' } }, 400, 'weak_password'],
    ['an array body', 'POST', '/api/v1/teams', { body: [1, 2] }, 400, 'validation_failed'],
    ['an empty patch', 'PATCH', '/api/v1/users/admin@example.com', { body: {} }, 400, 'validation_failed'],
    ['an unknown user', 'GET', '/api/v1/users/00000000-0000-7000-8000-00000000ffff', {}, 404, 'user_not_found'],
    ['an unknown team', 'PATCH', '/api/v1/teams/nope', { body: { name: 'x' } }, 404, 'team_not_found'],
    ['an unknown member', 'POST', '/api/v1/teams', { body: { name: 'Ghosts', memberIds: ['nobody'] } }, 400, 'unknown_user'],
    ['a non-JSON content type', 'POST', '/api/v1/users', { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
    ['a bad query parameter', 'GET', '/api/v1/users?includeInactive=maybe', {}, 400, 'validation_failed'],
    ['an unknown query parameter', 'GET', '/api/v1/tokens?everything=1', {}, 400, 'validation_failed'],
    ['a token with an unknown scope', 'POST', '/api/v1/tokens', { body: { name: 'x', scopes: ['root'] } }, 400, 'validation_failed'],
    ['an unknown route', 'GET', '/api/v1/nothing-here', {}, 404, 'route_not_found'],
    ['a config with an unknown section', 'POST', '/api/v1/config/apply', { body: { version: 1, wizards: [] } }, 400, 'invalid_config'],
  ];
  it.each(cases)('%s', async (_name, method, path, o, status, code) => {
    const res = await t.api(method, path, o);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.message.length).toBeGreaterThan(5);
  });

  it('names the offending field', async () => {
    const res = await t.api('POST', '/api/v1/users', { body: { name: 'U', email: 'u@example.com', admin: true } });
    expect(res.body.error.message).toContain('admin');
    expect(res.body.error.details).toEqual([{ in: 'body', field: 'admin', message: 'is not a known field' }]);
  });

  it('refuses a body over the limit with 413 and stays up', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), email: 'big@example.com' });
    const res = await t.api('POST', '/api/v1/users', { rawBody: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
    expect((await t.api('GET', '/healthz', { token: null })).status).toBe(200);
  });

  it('serves the web app for unknown non-API paths', async () => {
    const res = await fetch(`${t.baseUrl}/schedules/anything`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});

/**
 * The permission matrix of docs/permissions.md, checked route by route: every route of the
 * OpenAPI document is called as no token, a revoked token, a stakeholder, a responder outside the
 * owning team, a member of the team, the team's admin (its lead) and an admin, and each answer is
 * compared with docs/permissions.matrix.json. A route missing from the matrix fails the test.
 *
 * Principals are called in that order, least privileged first, so a destructive call (a DELETE)
 * that is allowed happens after every refusal was checked; later callers then meet a 404, which
 * counts as "allowed" (authorization let the call through).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

type Expect = 'allow' | 401 | 403 | 404;
interface Matrix {
  principals: string[];
  rules: Record<string, Expect[]>;
  routes: Record<string, { rule: string; params?: Record<string, string>; body?: unknown }>;
}
const matrix = JSON.parse(readFileSync(new URL('../../docs/permissions.matrix.json', import.meta.url), 'utf8')) as Matrix;

type P = { name: string; id: string; token: string | null };
let w: World;
const principals: P[] = [];
const ids: Record<string, string> = {};

const api = (method: string, path: string, token: string | null | undefined, body?: unknown) => w.t.api(method, path, { ...(token === undefined ? {} : { token }), ...(body !== undefined ? { body } : {}) });
async function ok(method: string, path: string, body?: unknown, token?: string): Promise<any> {
  const res = await api(method, path, token, body);
  expect([method, path, res.status, res.body]).toEqual([method, path, expect.any(Number), expect.anything()]);
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  w = await startWorld();
  const now = w.clock.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const stakeholder = await w.t.createUserWithToken('stakeholder', 'stella@example.com');
  const outsider = await w.t.createUserWithToken('responder', 'otto@example.com');
  const member = await w.t.createUserWithToken('responder', 'mia@example.com');
  const teamAdmin = await w.t.createUserWithToken('responder', 'tara@example.com');
  const admin = await w.t.createUserWithToken('admin', 'adam@example.com');
  const revoked = await w.t.createUserWithToken('responder', 'rev@example.com');
  const [revokedToken] = (await ok('GET', '/api/v1/tokens', undefined, revoked.token)).data;
  await ok('DELETE', `/api/v1/tokens/${revokedToken.id}`, undefined, revoked.token);

  const team = await ok('POST', '/api/v1/teams', { name: 'Checkout team', slug: 'checkout-team', leadUserId: teamAdmin.id, memberIds: [member.id, revoked.id] });
  ids.teamId = team.id;
  ids.spareTeamId = (await ok('POST', '/api/v1/teams', { name: 'Spare team' })).id;
  ids.spareUserId = (await w.t.createUserWithToken('responder', 'spare@example.com')).id;
  ids.memberId = member.id;
  const policy = await ok('POST', '/api/v1/escalation-policies', { name: 'Checkout policy', slug: 'checkout-policy', teamId: team.id, steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: member.id }] }] });
  ids.policyId = policy.id;
  const service = await ok('POST', '/api/v1/services', { name: 'Checkout', slug: 'checkout', teamId: team.id, escalationPolicyId: policy.id });
  ids.serviceId = service.id;
  ids.integrationId = (await ok('POST', `/api/v1/services/${service.id}/integrations`, { name: 'Prometheus', type: 'generic' })).integration.id;
  ids.windowId = (await ok('POST', `/api/v1/services/${service.id}/maintenance`, { start: iso(now + 86_400_000), end: iso(now + 90_000_000) })).id;
  const day = iso(now - 86_400_000).slice(0, 10);
  const layers = [{ name: 'Week', participants: [teamAdmin.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }];
  ids.scheduleId = (await ok('POST', '/api/v1/schedules', { name: 'Checkout on-call', slug: 'checkout-oncall', teamId: team.id, timeZone: 'UTC', layers })).id;
  ids.spareScheduleId = (await ok('POST', '/api/v1/schedules', { name: 'Spare on-call', teamId: team.id, timeZone: 'UTC' })).id;
  ids.overrideId = (await ok('POST', `/api/v1/schedules/${ids.scheduleId}/overrides`, { userId: member.id, start: iso(now + 3 * 86_400_000), end: iso(now + 3 * 86_400_000 + 3_600_000) })).id;
  ids.swapId = (await ok('POST', `/api/v1/schedules/${ids.scheduleId}/swaps`, { start: iso(now + 3_600_000), end: iso(now + 7_200_000) }, teamAdmin.token)).id;
  ids.swap2Id = (await ok('POST', `/api/v1/schedules/${ids.scheduleId}/swaps`, { start: iso(now + 10_800_000), end: iso(now + 14_400_000) }, teamAdmin.token)).id;
  const incident = await ok('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'P3' });
  ids.incidentId = incident.id;
  ids.postmortemId = (await ok('POST', `/api/v1/incidents/${incident.id}/postmortem`, {})).id;
  ids.feedId = (await ok('POST', '/api/v1/calendar-feeds', { userId: member.id }, member.token)).feed.id;
  ids.tokenId = (await ok('POST', '/api/v1/tokens', { name: 'spare', scopes: ['read'] }, member.token)).token.id;
  ids.contactId = (await ok('POST', `/api/v1/users/${member.id}/contact-methods`, { type: 'email', address: 'mia@example.org' }, member.token)).id;
  ids.contact2Id = (await ok('POST', `/api/v1/users/${member.id}/contact-methods`, { type: 'email', address: 'mia2@example.org' }, member.token)).id;
  ids.inviteId = (await ok('POST', '/api/v1/invites', { email: 'pending@example.org', teamId: team.id })).id;
  ids.inOneHour = iso(now + 3_600_000);
  ids.inTwoHours = iso(now + 7_200_000);

  principals.push(
    { name: 'none', id: member.id, token: null },
    { name: 'revoked', id: revoked.id, token: revoked.token },
    { name: 'stakeholder', id: stakeholder.id, token: stakeholder.token },
    { name: 'outsider', id: outsider.id, token: outsider.token },
    { name: 'member', id: member.id, token: member.token },
    { name: 'teamAdmin', id: teamAdmin.id, token: teamAdmin.token },
    { name: 'admin', id: admin.id, token: admin.token },
  );
}, 60_000);
afterAll(async () => w?.close());

/** Default ids for path parameters, by the collection the route is under. */
const DEFAULT_IDS: Array<[RegExp, string, string]> = [
  [/^\/api\/v1\/services\//, 'id', 'serviceId'],
  [/^\/api\/v1\/services\//, 'integrationId', 'integrationId'],
  [/^\/api\/v1\/services\//, 'windowId', 'windowId'],
  [/^\/api\/v1\/escalation-policies\//, 'id', 'policyId'],
  [/^\/api\/v1\/schedules\//, 'id', 'scheduleId'],
  [/^\/api\/v1\/schedules\//, 'overrideId', 'overrideId'],
  [/^\/api\/v1\/swaps\/\{id\}\/accept/, 'id', 'swapId'],
  [/^\/api\/v1\/swaps\/\{id\}\/cancel/, 'id', 'swap2Id'],
  [/^\/api\/v1\/teams\//, 'id', 'teamId'],
  [/^\/api\/v1\/incidents\//, 'id', 'incidentId'],
  [/^\/api\/v1\/postmortems\//, 'id', 'postmortemId'],
  [/^\/api\/v1\/calendar-feeds\//, 'id', 'feedId'],
  [/^\/api\/v1\/tokens\//, 'id', 'tokenId'],
  [/^\/api\/v1\/contact-methods\//, 'id', 'contact2Id'],
  [/^\/api\/v1\/severities\//, 'key', 'P5'],
  [/^\/api\/v1\/message-templates\//, 'eventType', 'alert.triggered'],
];

function fill(value: unknown, me: P): unknown {
  if (typeof value === 'string') return value.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'me' ? me.id : k === 'role' ? me.name.toLowerCase() : (ids[k] ?? `{${k}}`)));
  if (Array.isArray(value)) return value.map((v) => fill(v, me));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, me)]));
  return value;
}

function pathFor(path: string, entry: Matrix['routes'][string], me: P): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const given = entry.params?.[name];
    if (given) return String(fill(given, me));
    const d = DEFAULT_IDS.find(([re, param]) => param === name && re.test(path));
    if (d) return ids[d[2]] ?? d[2];
    return name === 'file' ? 'unknown.ics' : 'x';
  });
}

describe('the permission matrix', () => {
  it('lists every route of the OpenAPI document, and only those', async () => {
    const doc = (await w.t.api('GET', '/api/openapi.json', { token: null })).body as { paths: Record<string, Record<string, unknown>> };
    const inDoc = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(inDoc.filter((r) => !(r in matrix.routes))).toEqual([]);
    expect(Object.keys(matrix.routes).filter((r) => !inDoc.includes(r))).toEqual([]);
    for (const [route, e] of Object.entries(matrix.routes)) expect([route, e.rule in matrix.rules]).toEqual([route, true]);
  });

  it('refuses what a responder outside the team tried, each with a clear code', async () => {
    const otto = principals.find((p) => p.name === 'outsider')!;
    const tries: Array<[string, string, unknown, string]> = [
      ['DELETE', `/api/v1/services/${ids.serviceId}/integrations/${ids.integrationId}`, undefined, 'team_admin_required'],
      ['PUT', `/api/v1/services/${ids.serviceId}`, { name: 'Checkout', slug: 'checkout', teamId: ids.teamId, escalationPolicyId: null }, 'team_admin_required'],
      ['PUT', `/api/v1/escalation-policies/${ids.policyId}`, { name: 'Checkout policy', slug: 'checkout-policy', teamId: ids.teamId, steps: [{ delayMinutes: 1, targets: [{ type: 'user', id: otto.id }] }] }, 'team_admin_required'],
      ['POST', `/api/v1/schedules/${ids.scheduleId}/overrides`, { userId: otto.id, start: ids.inOneHour, end: ids.inTwoHours }, 'team_member_required'],
      ['POST', `/api/v1/services/${ids.serviceId}/maintenance`, { start: ids.inOneHour, end: ids.inTwoHours }, 'team_admin_required'],
      ['POST', '/api/v1/config/apply', { version: 1 }, 'forbidden'],
    ];
    for (const [method, path, body, code] of tries) {
      const res = await api(method, path, otto.token, body);
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 403, code]);
    }
  });

  it('lets a member put herself on call but not someone else', async () => {
    const mia = principals.find((p) => p.name === 'member')!;
    const otto = principals.find((p) => p.name === 'outsider')!;
    const mine = await api('POST', `/api/v1/schedules/${ids.scheduleId}/overrides`, mia.token, { userId: mia.id, start: ids.inOneHour, end: ids.inTwoHours });
    expect(mine.status).toBe(201);
    const theirs = await api('POST', `/api/v1/schedules/${ids.scheduleId}/overrides`, mia.token, { userId: otto.id, start: ids.inOneHour, end: ids.inTwoHours });
    expect([theirs.status, theirs.body.error.code]).toEqual([403, 'not_your_override']);
  });
  it('answers every route as the matrix says, for each of the seven principals', async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const [route, entry] of Object.entries(matrix.routes)) {
      const [method, path] = route.split(' ') as [string, string];
      const expected = matrix.rules[entry.rule]!;
      for (const [i, p] of principals.entries()) {
        const url = pathFor(path, entry, p);
        const body = entry.body !== undefined ? fill(entry.body, p) : method === 'GET' || method === 'DELETE' ? undefined : {};
        const res = await api(method, url, p.token, body);
        calls++;
        if (process.env.MATRIX_DUMP) console.log(`${route} ${p.name} ${res.status} ${res.body?.error?.code ?? ""}`);
        const want = expected[i]!;
        const got = res.status;
        const fine = want === 'allow' ? got !== 401 && got !== 403 && got < 500 : got === want;
        if (!fine) mismatches.push(`${route} as ${p.name}: expected ${want}, got ${got} ${JSON.stringify(res.body?.error?.code ?? '')}`);
        if ((got === 403 || got === 401) && res.body?.error?.code === undefined) mismatches.push(`${route} as ${p.name}: ${got} without an error code`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBe(Object.keys(matrix.routes).length * principals.length);
  }, 300_000);

});

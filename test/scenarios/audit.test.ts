/**
 * The audit log: a team admin changes her team's service, an admin changes a setting; each change
 * is recorded with who, when, what, before and after, in the transaction of the change (a refused
 * or failed change leaves no entry). Admins search it by actor, action, entity, team, time and
 * text; nobody else may read it. On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, postgresAvailable } from '../helpers/databases.js';

const pg = await postgresAvailable();

describe.each(DIALECTS)('the audit log on %s', (dialect) => {
  const skip = dialect === 'postgres' && !pg;
  let t: TestApp;
  let tara: { id: string; token: string };
  let otto: { id: string; token: string };
  let teamId: string;
  let serviceId: string;

  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp({ dialect });
    tara = await t.createUserWithToken('responder', 'tara@example.com');
    otto = await t.createUserWithToken('responder', 'otto@example.com');
    teamId = (await t.api('POST', '/api/v1/teams', { body: { name: 'Payments', leadUserId: tara.id } })).body.id;
    const s = await t.api('POST', '/api/v1/services', { token: tara.token, body: { name: 'Payments API', slug: 'payments-api', teamId, description: 'v1' } });
    expect(s.status).toBe(201);
    serviceId = s.body.id;
  }, 60_000);
  afterAll(async () => t?.close());

  it.skipIf(skip)('records who changed what, with the object before and after', async () => {
    const put = await t.api('PUT', `/api/v1/services/${serviceId}`, { token: tara.token, body: { name: 'Payments API', slug: 'payments-api', teamId, description: 'v2' } });
    expect(put.status).toBe(200);
    const res = await t.api('GET', `/api/v1/audit?entityId=${serviceId}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((e: { action: string }) => e.action)).toEqual(['service.updated', 'service.created']);
    const [updated] = res.body.data;
    expect(updated).toMatchObject({ actor: { type: 'user', id: tara.id }, entityType: 'service', teamId, before: { description: 'v1' }, after: { description: 'v2' } });
    expect(updated.at).toEqual(expect.any(Number));
  });

  it.skipIf(skip)('keeps no entry for a refused change, and never copies a secret', async () => {
    const refused = await t.api('PUT', `/api/v1/services/${serviceId}`, { token: otto.token, body: { name: 'Payments API', slug: 'payments-api', teamId, escalationPolicyId: null } });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'team_admin_required']);
    expect((await t.api('GET', `/api/v1/audit?actor=${otto.id}`)).body.total).toBe(0);
    const added = await t.api('POST', `/api/v1/services/${serviceId}/integrations`, { token: tara.token, body: { name: 'Stripe', type: 'generic', signingSecret: 'whsec_do_not_log_me' } });
    expect(added.status).toBe(201);
    const entries = await t.api('GET', '/api/v1/audit?action=integration.added');
    expect(entries.body.total).toBe(1);
    expect(JSON.stringify(entries.body)).not.toContain('whsec_do_not_log_me');
    expect(JSON.stringify(entries.body)).not.toContain(added.body.key);
  });

  it.skipIf(skip)('searches by team, time window and text, and pages through the results', async () => {
    await t.api('PATCH', '/api/v1/settings/incidents', { body: { triageGuidance: 'Call it an incident when payments fail.' } });
    const byText = await t.api('GET', '/api/v1/audit?q=payments%20fail');
    expect(byText.body.data.map((e: { action: string }) => e.action)).toEqual(['settings.updated']);
    const byTeam = await t.api('GET', `/api/v1/audit?team=${teamId}&entityType=service`);
    expect(byTeam.body.total).toBe(2);
    const page = await t.api('GET', '/api/v1/audit?limit=1&offset=1');
    expect(page.body.data).toHaveLength(1);
    expect(page.body.total).toBeGreaterThan(3);
    const future = t.vigil.core.clock.now() + 86_400_000;
    expect((await t.api('GET', `/api/v1/audit?from=${future}`)).body.total).toBe(0);
    expect((await t.api('GET', '/api/v1/audit?from=10&to=5')).status).toBe(400);
  });

  it.skipIf(skip)('is for admins only', async () => {
    for (const token of [tara.token, otto.token]) {
      const res = await t.api('GET', '/api/v1/audit', { token });
      expect(res.status).toBe(403);
    }
    expect((await t.api('GET', '/api/v1/audit', { token: null })).status).toBe(401);
  });
});

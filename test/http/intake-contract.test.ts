/**
 * Contract tests of the drop-in intake endpoints, from the wire-contracts reference: every OpsGenie
 * action, identifier type, error status and body shape; PagerDuty Events v2; and bad input of every
 * kind answered with the vendor's 4xx, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let ogKey: string;
let pdKey: string;
let amKey: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.api('POST', '/api/v1/teams', { body: { name: 'Ops' } });
  await t.api('POST', '/api/v1/services', { body: { name: 'Edge', teamId: 'ops' } });
  ogKey = (await t.api('POST', '/api/v1/services/edge/integrations', { body: { name: 'OG client', type: 'opsgenie', key: 'og-existing-key-0123456789abcdef' } })).body.key;
  pdKey = (await t.api('POST', '/api/v1/services/edge/integrations', { body: { name: 'PD client', type: 'pagerduty' } })).body.key;
  amKey = (await t.api('POST', '/api/v1/services/edge/integrations', { body: { name: 'AM', type: 'alertmanager' } })).body.key;
});
afterAll(async () => t?.close());

const og = (method: string, path: string, body?: unknown, key: string | null = ogKey) =>
  t.api(method, path, { token: null, headers: key ? { authorization: `GenieKey ${key}` } : {}, ...(body === undefined ? {} : typeof body === 'string' ? { rawBody: body } : { body }) });

describe('OpsGenie Alert API v2', () => {
  it('keeps the key an existing client was configured with', () => {
    expect(ogKey).toBe('og-existing-key-0123456789abcdef');
  });

  it('creates with 202 {result, took, requestId} and the request can be looked up', async () => {
    const res = await og('POST', '/v2/alerts', { message: 'CPU high on web-1', alias: 'cpu-web-1', tags: ['web'], details: { host: 'web-1' }, priority: 'P2', entity: 'web-1', source: 'prom' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ result: 'Request will be processed', took: expect.any(Number), requestId: expect.any(String) });
    const status = await og('GET', `/v2/alerts/requests/${res.body.requestId}`);
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ success: true, isSuccess: true, action: 'Create', alias: 'cpu-web-1' });
  });

  it('gets an alert by id, tiny id and alias in OpsGenie’s shape', async () => {
    const byAlias = await og('GET', '/v2/alerts/cpu-web-1?identifierType=alias');
    expect(byAlias.status).toBe(200);
    const a = byAlias.body.data;
    expect(a).toMatchObject({ alias: 'cpu-web-1', message: 'CPU high on web-1', status: 'open', acknowledged: false, tags: ['web'], priority: 'P2', count: 1, entity: 'web-1', source: 'prom', details: { host: 'web-1' } });
    expect((await og('GET', `/v2/alerts/${a.id}`)).body.data.alias).toBe('cpu-web-1');
    expect((await og('GET', `/v2/alerts/${a.tinyId}?identifierType=tiny`)).body.data.alias).toBe('cpu-web-1');
  });

  it('runs every action by alias', async () => {
    const actions: Array<[string, string, unknown]> = [
      ['POST', 'notes', { note: 'looking', user: 'ann' }],
      ['POST', 'tags', { tags: ['sev2'] }],
      ['DELETE', 'tags?tags=web', undefined],
      ['POST', 'details', { details: { region: 'eu' } }],
      ['DELETE', 'details?keys=host', undefined],
      ['POST', 'assign', { owner: { username: 'admin@example.com' } }],
      ['POST', 'escalate', { escalation: { name: 'default' } }],
      ['POST', 'snooze', { endTime: new Date(Date.now() + 3_600_000).toISOString() }],
      ['POST', 'acknowledge', { user: 'ann', note: 'on it' }],
      ['POST', 'close', { user: 'ann', note: 'fixed' }],
    ];
    for (const [method, path, body] of actions) {
      const [p, q] = path.split('?');
      const res = await og(method, `/v2/alerts/cpu-web-1/${p}?identifierType=alias${q ? `&${q}` : ''}`, body);
      expect([path, res.status, res.body.result]).toEqual([path, 202, 'Request will be processed']);
      const outcome = await og('GET', `/v2/alerts/requests/${res.body.requestId}`);
      // Edge has no escalation policy: that request is accepted and reported as failed, as OpsGenie does.
      expect([path, outcome.body.data.isSuccess]).toEqual([path, path !== 'escalate']);
    }
    const a = (await og('GET', '/v2/alerts/cpu-web-1?identifierType=alias')).body.data;
    expect(a).toMatchObject({ status: 'closed', tags: ['sev2'], details: { region: 'eu' }, owner: 'admin@example.com' });
  });

  it('accepts an action on an unknown alert and reports it in the request status', async () => {
    const res = await og('POST', '/v2/alerts/nope/close?identifierType=alias', {});
    expect(res.status).toBe(202);
    const outcome = await og('GET', `/v2/alerts/requests/${res.body.requestId}`);
    expect(outcome.body.data).toMatchObject({ isSuccess: false, status: 'Alert does not exist' });
  });

  it('lists alerts with a query', async () => {
    await og('POST', '/v2/alerts', { message: 'Disk full', alias: 'disk-1', tags: ['db'] });
    const res = await og('GET', '/v2/alerts?query=status%3Dopen&limit=10');
    expect(res.status).toBe(200);
    expect(res.body.data.map((x: { alias: string }) => x.alias)).toEqual(['disk-1']);
  });

  it.each([
    ['no key', 'POST', '/v2/alerts', { message: 'x' }, null, 401],
    ['an unknown key', 'POST', '/v2/alerts', { message: 'x' }, 'not-a-key-0000000000', 401],
    ['malformed JSON', 'POST', '/v2/alerts', '{"message": ', undefined, 400],
    ['a missing message', 'POST', '/v2/alerts', { alias: 'x' }, undefined, 422],
    ['a message of the wrong type', 'POST', '/v2/alerts', { message: { text: 'x' } }, undefined, 422],
    ['a bad priority', 'POST', '/v2/alerts', { message: 'x', priority: 'P9' }, undefined, 422],
    ['a bad identifier type', 'POST', '/v2/alerts/x/close?identifierType=name', {}, undefined, 422],
    ['an unknown id', 'GET', '/v2/alerts/00000000-0000-7000-8000-000000000000', undefined, undefined, 404],
    ['an unknown request id', 'GET', '/v2/alerts/requests/nope', undefined, undefined, 404],
    ['a note action without a note', 'POST', '/v2/alerts/disk-1/notes?identifierType=alias', {}, undefined, 422],
  ])('answers %s with the OpsGenie error shape', async (_n, method, path, body, key, status) => {
    const res = await og(method, path, body, key === undefined ? ogKey : key);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ message: expect.any(String), took: expect.any(Number), requestId: expect.any(String) });
    if (status === 422) expect(typeof res.body.errors).toBe('object');
  });
});

describe('PagerDuty Events API v2', () => {
  const pd = (body: unknown) => t.api('POST', '/v2/enqueue', { token: null, ...(typeof body === 'string' ? { rawBody: body } : { body }) });

  it('triggers, deduplicates, acknowledges and resolves by dedup_key', async () => {
    const trigger = { routing_key: pdKey, event_action: 'trigger', dedup_key: 'db-latency', payload: { summary: 'DB latency high', source: 'db-1', severity: 'critical', custom_details: { p99: 900 } } };
    const res = await pd(trigger);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'db-latency' });
    expect((await pd(trigger)).status).toBe(202);
    let a = (await t.api('GET', '/api/v1/alerts?status=unclosed')).body.data.find((x: { alias: string }) => x.alias === 'db-latency');
    expect(a).toMatchObject({ priority: 'P1', count: 2, details: { p99: '900' } });
    expect((await pd({ routing_key: pdKey, event_action: 'acknowledge', dedup_key: 'db-latency' })).status).toBe(202);
    a = (await t.api('GET', `/api/v1/alerts/${a.id}`)).body.alert;
    expect(a.status).toBe('acknowledged');
    expect((await pd({ routing_key: pdKey, event_action: 'resolve', dedup_key: 'db-latency' })).status).toBe(202);
    expect((await t.api('GET', `/api/v1/alerts/${a.id}`)).body.alert.status).toBe('closed');
  });

  it('generates a dedup_key when a trigger has none', async () => {
    const res = await pd({ routing_key: pdKey, event_action: 'trigger', payload: { summary: 'x', source: 'y', severity: 'info' } });
    expect(res.status).toBe(202);
    expect(res.body.dedup_key).toMatch(/.+/);
  });

  it('records change events on the service timeline', async () => {
    const res = await t.api('POST', '/v2/change/enqueue', { token: null, body: { routing_key: pdKey, payload: { summary: 'Deployed v42', source: 'ci' } } });
    expect(res.status).toBe(202);
    const timeline = await t.api('GET', '/api/v1/services/edge/timeline');
    expect(timeline.body.data.map((e: { type: string; data: { summary?: string } }) => e.data.summary).filter(Boolean)).toContain('Deployed v42');
  });

  it.each([
    ['malformed JSON', '{"routing_key":', 400],
    ['no routing key', { event_action: 'trigger', payload: { summary: 'x', source: 'y', severity: 'info' } }, 400],
    ['an unknown routing key', { routing_key: 'x'.repeat(32), event_action: 'trigger', payload: { summary: 'x', source: 'y', severity: 'info' } }, 401],
    ['a bad event_action', { routing_key: 'KEY', event_action: 'explode' }, 400],
    ['a missing summary', { routing_key: 'KEY', event_action: 'trigger', payload: { source: 'y', severity: 'info' } }, 400],
    ['a bad severity', { routing_key: 'KEY', event_action: 'trigger', payload: { summary: 'x', source: 'y', severity: 'apocalyptic' } }, 400],
    ['an acknowledge without dedup_key', { routing_key: 'KEY', event_action: 'acknowledge' }, 400],
  ])('answers %s with PagerDuty’s error body', async (_n, body, status) => {
    const b = typeof body === 'string' ? body : JSON.parse(JSON.stringify(body).replace('"KEY"', JSON.stringify(pdKey)));
    const res = await pd(b);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status: expect.any(String), message: expect.any(String), errors: expect.any(Array) });
  });
});

describe('webhooks and limits', () => {
  it('answers 401 for an unknown key, 400 for a malformed event, 413 for 10 MB, and stays up', async () => {
    expect((await t.api('POST', '/hooks/alertmanager/nope-nope-nope-nope', { token: null, body: { alerts: [] } })).status).toBe(401);
    const bad = await t.api('POST', `/hooks/alertmanager/${amKey}`, { token: null, body: { alerts: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message.length).toBeGreaterThan(5);
    const huge = await t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${ogKey}` }, rawBody: JSON.stringify({ message: 'x', description: 'y'.repeat(10 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect((await t.api('GET', '/healthz', { token: null })).status).toBe(200);
  });

  it('accepts the key as a bearer token too', async () => {
    const res = await t.api('POST', '/hooks/alertmanager', { token: amKey, body: { version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'X', instance: 'a' }, annotations: { summary: 'X on a' }, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', fingerprint: 'aaaa000011112222' }] } });
    expect(res.status).toBe(200);
  });

  it('rate limits a key with 429 and Retry-After', async () => {
    const t2 = await startTestApp({ config: { intake: { ratePerSecond: 1, burst: 3 } } });
    try {
      await t2.api('POST', '/api/v1/teams', { body: { name: 'Ops' } });
      await t2.api('POST', '/api/v1/services', { body: { name: 'Edge', teamId: 'ops' } });
      const key = (await t2.api('POST', '/api/v1/services/edge/integrations', { body: { name: 'OG', type: 'opsgenie' } })).body.key;
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 6; i++) {
        const r = await t2.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body: { message: `m${i}` } });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
      }
      expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await t2.close();
    }
  });
});

/**
 * Bad input never answers 500: random methods, OpsGenie-like paths (prefixes, slashes, escapes, the Node
 * SDK's "&" queries), query strings and bodies against the OpsGenie and PagerDuty endpoints. Every answer
 * is below 500, and every 4xx under /v2/ is OpsGenie's `{message, took, requestId}`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let ogKey: string;
let pdKey: string;

beforeAll(async () => {
  t = await startTestApp({ config: { intake: { ratePerSecond: 1_000_000, burst: 1_000_000 } } });
  await t.api('POST', '/api/v1/teams', { body: { name: 'Ops' } });
  await t.api('POST', '/api/v1/services', { body: { name: 'Edge', teamId: 'ops' } });
  ogKey = (await t.api('POST', '/api/v1/services/edge/integrations', { body: { name: 'OG', type: 'opsgenie' } })).body.key;
  pdKey = (await t.api('POST', '/api/v1/services/edge/integrations', { body: { name: 'PD', type: 'pagerduty' } })).body.key;
  await t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${ogKey}` }, body: { message: 'seed', alias: 'seed' } });
});
afterAll(async () => t?.close());

const segment = fc.oneof(
  fc.constantFrom('alerts', 'requests', 'count', 'notes', 'logs', 'recipients', 'close', 'acknowledge', 'tags', 'details', 'message', 'description', 'priority', 'snooze', 'actions', 'teams', 'schedules', 'on-calls', 'heartbeats', 'ping', 'integrations', 'authenticate', 'seed', 'sentry:%204711', '100%', '%zz', ''),
  // No dot segments: the HTTP client resolves them before sending.
  fc.stringMatching(/^[A-Za-z0-9:%&=_~-]{0,12}$/),
);
const prefix = fc.constantFrom('', '/jsm/ops/integration', '/opsgenie', '/x/y');
const query = fc.constantFrom('', '?identifierType=alias', '?identifierType=tiny', '?identifierType=bogus', '?limit=0', '?limit=abc&offset=-1', '?query=status%3Aopen%20OR%20x', '?flat=true&date=garbage', '?scheduleIdentifierType=name', '?tags=a,b', '?keys=');
const body = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('{', '[]', 'null', '"text"', '{"message": 5}', '{"note": ""}', '{"endTime": "tomorrow"}', '{"owner": 1}', '{"responder": {"type": "x"}}', '{"tags": "a"}', '{"details": [1]}', '{"priority": "P9"}', '{"message": "ok", "alias": "seed"}'),
  fc.json(),
);

describe('OpsGenie and PagerDuty endpoints under random input', () => {
  it('never answer 5xx, and answer 4xx in the vendor’s shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), prefix, fc.array(segment, { minLength: 0, maxLength: 4 }), fc.boolean(), query, body, fc.boolean(), async (method, pre, segs, slash, q, b, withKey) => {
        const path = `${pre}/v2/${segs.join('/')}${slash ? '/' : ''}${q}`;
        const res = await t.api(method, path, { token: null, headers: withKey ? { authorization: `GenieKey ${ogKey}` } : {}, ...(b === undefined || method === 'GET' ? {} : { rawBody: b }) });
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        if (res.status >= 400 && res.status !== 413) expect(res.body, `${method} ${path}`).toMatchObject({ message: expect.any(String), took: expect.any(Number), requestId: expect.any(String) });
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('PagerDuty v1 and v2 never answer 5xx', async () => {
    const field = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v2/enqueue', '/v2/change/enqueue', '/generic/2010-04-15/create_event.json'), fc.constantFrom('trigger', 'acknowledge', 'resolve', 'bogus', undefined), field, field, field, fc.boolean(), async (path, action, key, description, payload, goodKey) => {
        const b = { routing_key: goodKey ? pdKey : key, service_key: goodKey ? pdKey : key, event_action: action, event_type: action, incident_key: key, dedup_key: key, description, details: payload, payload };
        const res = await t.api('POST', path, { token: null, body: b });
        expect(res.status, JSON.stringify(b)).toBeLessThan(500);
        if (res.status >= 400) expect(res.body).toMatchObject({ status: expect.any(String), message: expect.any(String), errors: expect.any(Array) });
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});

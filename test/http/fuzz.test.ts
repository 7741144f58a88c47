/**
 * Fuzzing the published API: for every write route and every query string of the OpenAPI
 * document, requests are generated from the route's own schemas (fast-check), mixed with hostile
 * values: huge and negative numbers, 1e308, MAX_SAFE_INTEGER + 2, empty and 1 MB strings, NUL
 * characters, lone surrogates, deep nesting, non-object bodies. Every answer must be a 2xx or a
 * 4xx, never a 5xx, and `/healthz` must keep answering while the run goes on (no request may hold
 * the event loop).
 *
 * The seed and the number of samples per route are fixed, so a run is reproducible and bounded.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const SEED = 20261201;
const SAMPLES_PER_ROUTE = 14;

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  op: Schema;
}

const BIG = 'x'.repeat(1_000_000);
const NASTY_NUMBERS = [1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -(Number.MAX_SAFE_INTEGER + 2), 1e20, -1, 0, 0.5, 2 ** 31, -(2 ** 63)];
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '9999-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '1e308',
  '-1',
  '99999999999999999999',
  '9007199254740993',
  'null',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'ü'.repeat(300),
];
const nastyString = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...NASTY_STRINGS) }, { weight: 1, arbitrary: fc.constant(BIG) });
const nastyNumber = fc.constantFrom(...NASTY_NUMBERS);
const nastyAny = fc.oneof(nastyString, nastyNumber, fc.constantFrom(null, true, [], {}, [[[[[]]]]]));

/** A value of nesting `depth` (arrays or objects), beyond any sane document. */
const deep = (depth: number, kind: 'array' | 'object'): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
};

function resolver(doc: Schema) {
  return (s: Schema | undefined): Schema => {
    let cur = s ?? {};
    for (let i = 0; i < 10 && cur.$ref; i++) {
      const name = String(cur.$ref).split('/').pop()!;
      cur = doc.components?.schemas?.[name] ?? {};
    }
    return cur;
  };
}

/** An arbitrary for values of `schema`: mostly well-formed, sometimes hostile. */
function valueOf(schema: Schema | undefined, resolve: (s: Schema | undefined) => Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const hostile = depth > 3 ? nastyAny : fc.oneof(nastyAny, fc.constant(deep(200, 'array')), fc.constant(deep(200, 'object')));
  const mix = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: hostile });
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((a: Schema) => valueOf(a, resolve, depth + 1)));
  if (s.const !== undefined) return mix(fc.constant(s.const));
  if (Array.isArray(s.enum)) return mix(fc.constantFrom(...s.enum));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'date-time') return mix(fc.date({ min: new Date('1970-01-01'), max: new Date('2300-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
      return mix(fc.string({ minLength: s.minLength ?? 0, maxLength: Math.max(s.minLength ?? 0, Math.min(s.maxLength ?? 24, 24)) }));
    case 'integer': {
      const min = Math.max(s.minimum ?? -1000, -(2 ** 40));
      return mix(fc.integer({ min, max: Math.max(min, Math.min(s.maximum ?? 2 ** 42, 2 ** 42)) }));
    }
    case 'number':
      return mix(fc.double({ noNaN: true, noDefaultInfinity: true, min: s.minimum ?? -1e6, max: s.maximum ?? 1e12 }));
    case 'boolean':
      return mix(fc.boolean());
    case 'null':
      return mix(fc.constant(null));
    case 'array':
      return mix(fc.array(valueOf(s.items, resolve, depth + 1), { maxLength: depth > 2 ? 1 : 3 }));
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const keys = Object.keys(props);
      if (!keys.length || depth > 4) return mix(fc.dictionary(fc.string({ maxLength: 8 }), nastyAny, { maxKeys: 3 }));
      const model = Object.fromEntries(keys.map((k) => [k, valueOf(props[k], resolve, depth + 1)]));
      const required = (s.required ?? []) as string[];
      return mix(
        fc
          .tuple(fc.record(model, { requiredKeys: required.filter((k) => keys.includes(k)) }), fc.option(fc.tuple(fc.constantFrom('unknownField', '\u0000', '\ud800'), nastyAny), { freq: 6 }))
          .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o)),
      );
    }
    default:
      return fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile);
  }
}

/** Percent-encodes anything, lone surrogates included (as the raw bytes a hostile client sends). */
function encode(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
}

interface Sample {
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };
  query: Record<string, unknown>;
}

function requestArbitrary(o: Operation, resolve: (s: Schema | undefined) => Schema): fc.Arbitrary<Sample> {
  const queryParams = ((o.op.parameters ?? []) as Schema[]).filter((p) => p.in === 'query');
  const query = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, valueOf(p.schema, resolve)])), { requiredKeys: [] });
  const bodySchema = o.op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
  const rawBodies = fc.constantFrom(
    'null',
    '1e308',
    '"\\u0000"',
    '[]',
    '{"a":"\\ud800"}',
    `${'['.repeat(5000)}1${']'.repeat(5000)}`,
    '{'.repeat(100_000),
    `{"x":"${'y'.repeat(200_000)}"}`,
  );
  const body: fc.Arbitrary<Sample['body']> = bodySchema
    ? fc.oneof({ weight: 6, arbitrary: valueOf(bodySchema, resolve).map((value) => ({ kind: 'json' as const, value })) }, { weight: 1, arbitrary: rawBodies.map((text) => ({ kind: 'raw' as const, text })) })
    : fc.constant({ kind: 'none' as const });
  return fc.record({ body, query });
}

let t: TestApp;
let doc: Schema;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({ manualEngine: true });
  doc = (await t.api('GET', '/api/openapi.json')).body;
  const user = await t.createUserWithToken('responder', 'fuzz-responder@example.com');
  ids.users = user.id;
  ids.userId = user.id;
  const team = await t.api('POST', '/api/v1/teams', { body: { name: 'Fuzz', memberIds: [user.id] } });
  ids.teams = team.body.id;
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const schedule = await t.api('POST', '/api/v1/schedules', {
    body: { name: 'Fuzz primary', teamId: 'fuzz', timeZone: 'UTC', layers: [{ name: 'Weekly', participants: [user.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }] },
  });
  ids.schedules = schedule.body.id;
  const policy = await t.api('POST', '/api/v1/escalation-policies', { body: { name: 'Fuzz policy', teamId: 'fuzz', steps: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: 'fuzz-primary' }] }] } });
  ids['escalation-policies'] = policy.body.id ?? policy.body.policy?.id;
  const service = await t.api('POST', '/api/v1/services', { body: { name: 'Fuzz API', teamId: 'fuzz', escalationPolicyId: 'fuzz-policy' } });
  ids.services = service.body.id;
  const integration = await t.api('POST', '/api/v1/services/fuzz-api/integrations', { body: { name: 'OG', type: 'opsgenie' } });
  await fetch(`${t.baseUrl}/v2/alerts`, { method: 'POST', headers: { authorization: `GenieKey ${integration.body.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Fuzz alert', alias: 'fuzz' }) });
  const alerts = await t.api('GET', '/api/v1/alerts');
  ids.alerts = alerts.body.data?.[0]?.id;
  const incident = await t.api('POST', '/api/v1/incidents', { body: { title: 'Fuzz incident', severity: 'P3' } });
  ids.incidents = incident.body.id;
  const pm = await t.api('POST', `/api/v1/incidents/${ids.incidents}/postmortem`, { body: {} });
  ids.postmortems = pm.body.id;
  for (const [k, v] of Object.entries(ids)) expect(v, `fixture ${k}`).toBeTruthy();
}, 60_000);
afterAll(async () => t?.close());

/** Fills `{id}` with the fixture of the collection it follows (else an unknown id), other params too. */
function fillPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string, offset: number) => {
    if (name === 'userId') return ids.userId!;
    if (name === 'key') return 'P3';
    if (name === 'eventType') return 'alert.created';
    const collection = path.slice(0, offset).split('/').filter(Boolean).pop() ?? '';
    return ids[collection] ?? '00000000-0000-7000-8000-00000000dead';
  });
}

describe('fuzzing every write route and every query string of the OpenAPI document', () => {
  it('answers 2xx or 4xx, never 5xx, and /healthz keeps answering', async () => {
    const resolve = resolver(doc);
    const ops: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const hasQuery = ((op.parameters ?? []) as Schema[]).some((p) => p.in === 'query');
        if (method !== 'get' && method !== 'head' ? true : hasQuery) ops.push({ method: method.toUpperCase(), path, op });
      }
    }
    // Deletions last, so the fixtures serve the other routes first; never sign the caller out.
    ops.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    expect(ops.length).toBeGreaterThan(80);

    // /healthz probes all along the run: each must answer.
    const probes: Array<Promise<number | string>> = [];
    let running = true;
    const probeLoop = (async () => {
      while (running) {
        probes.push(
          fetch(`${t.baseUrl}/healthz`, { signal: AbortSignal.timeout(30_000) })
            .then((r) => r.status)
            .catch((e: Error) => `failed: ${e.name}`),
        );
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const failures: string[] = [];
    let sent = 0;
    for (const o of ops) {
      const samples = fc.sample(requestArbitrary(o, resolve), { numRuns: SAMPLES_PER_ROUTE, seed: SEED });
      for (const sample of samples) {
        const qs = Object.entries(sample.query)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encode(v)}`)
          .join('&');
        const url = `${fillPath(o.path)}${qs ? `?${qs}` : ''}`;
        const rawBody = sample.body.kind === 'json' ? JSON.stringify(sample.body.value) : sample.body.kind === 'raw' ? sample.body.text : undefined;
        const res = await t.api(o.method, url, rawBody !== undefined ? { rawBody } : {});
        sent++;
        if (res.status >= 500 || res.status < 200 || (res.status >= 300 && res.status < 400)) {
          failures.push(`${o.method} ${url.slice(0, 300)} ${rawBody?.slice(0, 300) ?? ''} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      }
    }
    // A few well-known hostile requests, by hand.
    for (const [method, url, body] of [
      ['POST', `/api/v1/schedules/${ids.schedules}/swaps`, { start: Date.now(), end: 1e308 }],
      ['POST', `/api/v1/services/${ids.services}/maintenance`, { start: Date.now(), end: 1e308 }],
      ['GET', '/api/v1/alerts?offset=99999999999999999999', undefined],
    ] as const) {
      const res = await t.api(method, url, body ? { body } : {});
      expect(res.status, `${method} ${url}`).toBe(400);
    }
    // The number as written on the wire (JSON cannot hold it exactly).
    const unsafe = await t.api('POST', `/api/v1/schedules/${ids.schedules}/swaps`, { rawBody: `{"start": ${Date.now()}, "end": 9007199254740993}` });
    expect(unsafe.status).toBe(400);
    running = false;
    await probeLoop;
    const answers = await Promise.all(probes);

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(1000);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a !== 200)).toEqual([]);
  }, 110_000);
});

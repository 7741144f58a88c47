/**
 * The official Node OpsGenie SDK (`opsgenie-sdk` on npm, unchanged) against Vigil: only its `host` is
 * pointed at the test server. It sends every path with a trailing slash (`POST /v2/alerts/`,
 * `/v2/alerts/{id}/close/?identifierType=alias`: node_modules/opsgenie-sdk/lib/alertV2/AlertV2.js), does not
 * URL-encode identifiers (lib/restApi.js getPathWithIdentifier) and treats any non-2xx as an error.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const require = createRequire(import.meta.url);
type Callback = (err: unknown, res: any) => void;
interface AlertV2 {
  create(data: unknown, cb: Callback): void;
  getRequestStatus(id: string, cb: Callback): void;
  get(identifier: unknown, cb: Callback): void;
  acknowledge(identifier: unknown, data: unknown, cb: Callback): void;
  addNote(identifier: unknown, data: unknown, cb: Callback): void;
  listAlertNotes(identifier: unknown, data: unknown, cb: Callback): void;
  listAlertLogs(identifier: unknown, data: unknown, cb: Callback): void;
  close(identifier: unknown, data: unknown, cb: Callback): void;
  list(params: unknown, cb: Callback): void;
  addTags(identifier: unknown, data: unknown, cb: Callback): void;
  removeTags(identifier: unknown, data: unknown, cb: Callback): void;
}
const opsgenie = require('opsgenie-sdk') as { configure(o: Record<string, unknown>): void; alertV2: AlertV2; heartbeat: { ping(i: unknown, cb: Callback): void } };

const call = <T = any>(fn: (cb: Callback) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, res) => (err ? reject(Object.assign(new Error(JSON.stringify(err)), { body: err })) : resolve(res as T))));

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await t.api('POST', '/api/v1/teams', { body: { name: 'Ops' } });
  await t.api('POST', '/api/v1/services', { body: { name: 'Checkout', teamId: 'ops' } });
  const key = (await t.api('POST', '/api/v1/services/checkout/integrations', { body: { name: 'Node SDK', type: 'opsgenie' } })).body.key;
  // The SDK's only settings: the key and the host (its default is https://api.opsgenie.com). No retries in tests.
  opsgenie.configure({ api_key: key, host: t.baseUrl, maxAttempts: 1 });
});
afterAll(async () => t?.close());

describe('opsgenie-sdk (npm) against Vigil, unchanged', () => {
  const alias = 'checkout: 5xx rate';
  let alertId = '';
  let tinyId = '';

  it('creates an alert (POST /v2/alerts/) and reads the request status', async () => {
    const created = await call((cb) => opsgenie.alertV2.create({ message: 'Checkout 5xx above 2%', alias, description: 'p99 too', tags: ['checkout', 'prod'], details: { region: 'eu' }, priority: 'P2', entity: 'checkout', source: 'node-sdk' }, cb));
    expect(created).toMatchObject({ result: 'Request will be processed', requestId: expect.any(String), took: expect.any(Number) });
    const status = await call((cb) => opsgenie.alertV2.getRequestStatus(created.requestId, cb));
    expect(status.data).toMatchObject({ success: true, isSuccess: true, action: 'Create', alias });
    alertId = status.data.alertId;
    expect(alertId).toMatch(/.+/);
  });

  it('gets the alert by id, alias (with a colon and a space, not URL-encoded) and tiny id', async () => {
    const byId = await call((cb) => opsgenie.alertV2.get({ identifier: alertId, identifierType: 'id' }, cb));
    expect(byId.data).toMatchObject({ id: alertId, alias, message: 'Checkout 5xx above 2%', status: 'open', acknowledged: false, priority: 'P2', tags: ['checkout', 'prod'] });
    tinyId = byId.data.tinyId;
    const byAlias = await call((cb) => opsgenie.alertV2.get({ identifier: alias, identifierType: 'alias' }, cb));
    expect(byAlias.data.id).toBe(alertId);
    const byTiny = await call((cb) => opsgenie.alertV2.get({ identifier: tinyId, identifierType: 'tiny' }, cb));
    expect(byTiny.data.id).toBe(alertId);
    // A string identifier is taken as the id (the SDK's other form).
    expect((await call((cb) => opsgenie.alertV2.get(alertId, cb))).data.alias).toBe(alias);
  });

  it('acknowledges, adds a note and lists the notes', async () => {
    const ack = await call((cb) => opsgenie.alertV2.acknowledge({ identifier: alias, identifierType: 'alias' }, { user: 'ann', note: 'on it' }, cb));
    expect((await call((cb) => opsgenie.alertV2.getRequestStatus(ack.requestId, cb))).data).toMatchObject({ isSuccess: true, alertId });
    await call((cb) => opsgenie.alertV2.addNote({ identifier: alertId, identifierType: 'id' }, { note: 'rolled back v42', user: 'ann' }, cb));
    // Without identifierType the SDK appends the query with "&": /v2/alerts/{id}/notes/&limit=10&order=asc.
    // (With a string identifier it would drop the /notes/ path: always pass {identifier}.)
    const notes = await call((cb) => opsgenie.alertV2.listAlertNotes({ identifier: alertId }, { limit: 10, order: 'asc' }, cb));
    expect(notes.data.map((n: { note: string }) => n.note)).toEqual(['on it', 'rolled back v42']);
    expect(notes.data[1]).toMatchObject({ owner: 'ann', createdAt: expect.any(String), offset: expect.any(String) });
    const logs = await call((cb) => opsgenie.alertV2.listAlertLogs({ identifier: alertId, identifierType: 'id' }, { order: 'asc' }, cb));
    expect(logs.data.length).toBeGreaterThanOrEqual(3);
    expect((await call((cb) => opsgenie.alertV2.get({ identifier: alertId, identifierType: 'id' }, cb))).data.acknowledged).toBe(true);
  });

  it('adds and removes tags (the DELETE with "&tags=" after the path)', async () => {
    await call((cb) => opsgenie.alertV2.addTags({ identifier: alertId, identifierType: 'id' }, { tags: ['sev2'] }, cb));
    const removed = await call((cb) => opsgenie.alertV2.removeTags({ identifier: alertId }, { tags: 'prod' }, cb));
    expect((await call((cb) => opsgenie.alertV2.getRequestStatus(removed.requestId, cb))).data.isSuccess).toBe(true);
    expect((await call((cb) => opsgenie.alertV2.get(alertId, cb))).data.tags).toEqual(['checkout', 'sev2']);
  });

  it('lists and counts alerts', async () => {
    await call((cb) => opsgenie.alertV2.create({ message: 'Disk full on db-1', alias: 'disk-db-1' }, cb));
    // `status=open`, not `status:open`: opsgenie-sdk 0.5.1 sends no Authorization header when a list query
    // holds "word:word" (seen on a bare capture server too), so scripts written for it use the = form.
    const list = await call((cb) => opsgenie.alertV2.list({ limit: 10, query: 'status=open', sort: 'createdAt', order: 'asc' }, cb));
    expect(list.data.map((a: { alias: string }) => a.alias)).toEqual([alias, 'disk-db-1']);
    // The SDK has no count call; `get('count')` is GET /v2/alerts/count, the Alert API's count.
    const count = await call((cb) => opsgenie.alertV2.get('count', cb));
    expect(count.data).toEqual({ count: 2 });
  });

  it('closes by alias and the list shows it closed', async () => {
    const closed = await call((cb) => opsgenie.alertV2.close({ identifier: alias, identifierType: 'alias' }, { user: 'ann', note: 'fixed' }, cb));
    expect((await call((cb) => opsgenie.alertV2.getRequestStatus(closed.requestId, cb))).data.isSuccess).toBe(true);
    expect((await call((cb) => opsgenie.alertV2.get({ identifier: alertId, identifierType: 'id' }, cb))).data.status).toBe('closed');
    const open = await call((cb) => opsgenie.alertV2.list({ query: 'status=open' }, cb));
    expect(open.data.map((a: { alias: string }) => a.alias)).toEqual(['disk-db-1']);
  });

  it('gets OpsGenie’s error shape for a refused request', async () => {
    const err = await call((cb) => opsgenie.alertV2.create({ alias: 'no-message' }, cb)).catch((e: { body: unknown }) => e.body);
    expect(err).toMatchObject({ httpStatusCode: 422, message: expect.any(String), errors: { message: expect.any(String) }, requestId: expect.any(String) });
  });
});

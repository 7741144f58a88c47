/**
 * PagerDuty's official JavaScript client (`@pagerduty/pdjs` on npm, unchanged) against Vigil. Its events
 * calls build `https://${server}/v2/enqueue` and `.../v2/change/enqueue`
 * (node_modules/@pagerduty/pdjs/build/src/events.js): `server` is its one setting, and it is always HTTPS.
 * So the test serves the Vigil app over TLS on loopback (a self-signed certificate made with openssl, handed
 * to the client as its agent's CA), as a deployment serves it behind its TLS endpoint. No proxy, no
 * rewriting: the requests reach Vigil's own router.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const require = createRequire(import.meta.url);
const pd = require('@pagerduty/pdjs') as {
  event(p: Record<string, unknown>): Promise<{ status: number; data: any }>;
  trigger(p: Record<string, unknown>): Promise<{ status: number; data: any }>;
  acknowledge(p: Record<string, unknown>): Promise<{ status: number; data: any }>;
  resolve(p: Record<string, unknown>): Promise<{ status: number; data: any }>;
  change(p: Record<string, unknown>): Promise<{ status: number; data: any }>;
};

let t: TestApp;
let tls: Server;
let dir: string;
let server: string;
let agent: Agent;
let routingKey: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.api('POST', '/api/v1/teams', { body: { name: 'Ops' } });
  await t.api('POST', '/api/v1/services', { body: { name: 'Payments', teamId: 'ops' } });
  routingKey = (await t.api('POST', '/api/v1/services/payments/integrations', { body: { name: 'pdjs', type: 'pagerduty' } })).body.key;

  dir = mkdtempSync(join(tmpdir(), 'vigil-pdjs-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  const http = t.vigil.http.server;
  tls = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => http.emit('request', req, res));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  const address = tls.address();
  server = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  agent = new Agent({ ca: cert });
});
afterAll(async () => {
  await new Promise<void>((resolve) => (tls ? tls.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

const alertByAlias = async (alias: string) => (await t.api('GET', '/api/v1/alerts?service=payments')).body.data.find((a: { alias: string }) => a.alias === alias);

describe('@pagerduty/pdjs (npm) against Vigil, unchanged', () => {
  it('triggers an alert', async () => {
    const res = await pd.trigger({ server, agent, data: { routing_key: routingKey, dedup_key: 'pay-latency', payload: { summary: 'Payment latency p99 > 2s', source: 'pay-api-1', severity: 'critical', custom_details: { p99: 2400 } } } });
    expect(res.status).toBe(202);
    expect(res.data).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'pay-latency' });
    expect(await alertByAlias('pay-latency')).toMatchObject({ status: 'open', priority: 'P1', message: 'Payment latency p99 > 2s' });
  });

  it('acknowledges it', async () => {
    const res = await pd.acknowledge({ server, agent, data: { routing_key: routingKey, dedup_key: 'pay-latency' } });
    expect([res.status, res.data.status]).toEqual([202, 'success']);
    expect((await alertByAlias('pay-latency')).status).toBe('acknowledged');
  });

  it('resolves it', async () => {
    const res = await pd.resolve({ server, agent, data: { routing_key: routingKey, dedup_key: 'pay-latency' } });
    expect([res.status, res.data.dedup_key]).toEqual([202, 'pay-latency']);
    expect((await alertByAlias('pay-latency')).status).toBe('closed');
  });

  it('sends a change event, recorded on the service timeline', async () => {
    const res = await pd.change({ server, agent, data: { routing_key: routingKey, payload: { summary: 'Deployed payments v7', source: 'ci', timestamp: new Date().toISOString() }, links: [{ href: 'https://ci.example.com/7', text: 'Build 7' }] } });
    expect(res.status).toBe(202);
    expect(res.data).toMatchObject({ status: 'success' });
    const timeline = (await t.api('GET', '/api/v1/services/payments/timeline')).body.data;
    expect(timeline.map((e: { data: { summary?: string } }) => e.data.summary)).toContain('Deployed payments v7');
  });

  it('gets PagerDuty’s 400 body for an invalid event', async () => {
    const res = await pd.trigger({ server, agent, data: { routing_key: routingKey, payload: { summary: 'no source or severity' } } });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ status: 'invalid event', message: 'Event object is invalid', errors: expect.arrayContaining([expect.stringContaining('payload.source')]) });
  });
});

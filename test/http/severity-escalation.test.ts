/**
 * "When to escalate" is part of the severity document: every built-in level has one, the API
 * reads and writes it (and refuses one that is too long), vigil.yaml applies and exports it
 * idempotently, and the Markdown export prints it under each level, after the one line that tells
 * alert priorities from incident severities. On SQLite and PostgreSQL (the level is stored as data).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, postgresAvailable } from '../helpers/databases.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const pg = await postgresAvailable();

describe.each(DIALECTS)('severity levels: when to escalate, on %s', (dialect) => {
  const skip = dialect === 'postgres' && !pg;
  let t: TestApp;
  beforeAll(async () => {
    if (!skip) t = await startTestApp({ dialect });
  });
  afterAll(async () => t?.close());

  const level = async (key: string) => (await t.api('GET', '/api/v1/severities')).body.data.find((s: { key: string }) => s.key === key);

  it.skipIf(skip)('every built-in level says when to escalate', async () => {
    const levels = (await t.api('GET', '/api/v1/severities')).body.data as Array<{ key: string; whenToEscalate: string }>;
    expect(levels.map((l) => l.key)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
    for (const l of levels) expect(l.whenToEscalate.length, l.key).toBeGreaterThan(20);
    expect((await level('P2')).whenToEscalate).toMatch(/^Escalate to P1 /);
  });

  it.skipIf(skip)('is written through the API, and a level saved without it keeps none', async () => {
    const { key: _key, ...p3 } = await level('P3');
    const put = await t.api('PUT', '/api/v1/severities/P3', { body: { ...p3, whenToEscalate: 'Escalate to P2 when a second customer reports it.' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await level('P3')).whenToEscalate).toBe('Escalate to P2 when a second customer reports it.');
    const { key: _k4, whenToEscalate: _w, ...p4 } = await level('P4');
    expect((await t.api('PUT', '/api/v1/severities/P4', { body: p4 })).status).toBe(200);
    expect((await level('P4')).whenToEscalate).toBe('');
    const long = await t.api('PUT', '/api/v1/severities/P3', { body: { ...p3, whenToEscalate: 'x'.repeat(2001) } });
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBeDefined();
  });

  it.skipIf(skip)('is applied from vigil.yaml idempotently and exported', async () => {
    const doc = { version: 1, severities: [{ key: 'P1', whenToEscalate: 'Escalate to P0 when all regions fail.' }] };
    const first = await t.api('POST', '/api/v1/config/apply', { body: doc });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.plan).toContainEqual(expect.objectContaining({ section: 'severities', key: 'P1', action: 'update' }));
    const again = await t.api('POST', '/api/v1/config/apply', { body: doc });
    expect(again.body.plan).toContainEqual(expect.objectContaining({ section: 'severities', key: 'P1', action: 'unchanged' }));
    const exported = await t.api('GET', '/api/v1/config/export?format=json');
    const body = typeof exported.body === 'string' ? JSON.parse(exported.body) : exported.body;
    expect(body.severities.find((s: { key: string }) => s.key === 'P1').whenToEscalate).toBe('Escalate to P0 when all regions fail.');
    const bad = await t.api('POST', '/api/v1/config/apply', { body: { version: 1, severities: [{ key: 'P1', whenToEscalate: 42 }] } });
    expect(bad.status).toBe(400);
  });

  it.skipIf(skip)('is in the Markdown export, after the line on priorities and severities', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/severities?format=markdown`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    const md = await res.text();
    expect(md).toContain('Alert priorities (P1-P5, P1 most urgent)');
    expect(md).toContain('incident severities (P0-P4, P0 worst)');
    expect(md).toContain('**When to escalate:** Escalate to P0 when all regions fail.');
    expect(md.indexOf('## P1')).toBeLessThan(md.indexOf('**When to escalate:** Escalate to P0 when all regions fail.'));
  });
});

/**
 * Imports started over HTTP (the web UI's Settings › Import): a PagerDuty plan, then its apply with
 * the verification, followed by polling the run; one import at a time; a refused token ends the run
 * with the vendor's reason; only admins start or follow a run; the token is in no answer. Another
 * process (another ImportRuns on the same database) answers for a run, and refuses a second import
 * while it runs; a run whose process died is reported as lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startFakePagerDuty, type FakePagerDuty } from '../fakes/pagerduty-api.js';
import { ImportRuns } from '../../src/migrate/runs.js';
import type { ConfigAsCode } from '../../src/core/config-as-code/config-as-code.js';
import type { Principal } from '../../src/core/auth/auth.js';

let t: TestApp;
let pd: FakePagerDuty;

beforeAll(async () => {
  [t, pd] = await Promise.all([startTestApp(), startFakePagerDuty()]);
});
afterAll(async () => {
  await pd?.close();
  await t?.close();
});

async function finished(id: string): Promise<any> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const res = await t.api('GET', `/api/v1/imports/${id}`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(pd.token);
    if (res.body.state !== 'running') return res.body;
    if (Date.now() > deadline) throw new Error(`import ${id} still running`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('imports over HTTP', () => {
  it('ends a run with a refused token with the vendor’s reason', async () => {
    const started = await t.api('POST', '/api/v1/imports', { body: { vendor: 'pagerduty', apiKey: 'not-the-token', apiUrl: pd.url, apply: false } });
    expect(started.status).toBe(202);
    const run = await finished(started.body.id);
    expect(run).toMatchObject({ state: 'failed', report: null, error: { code: 'source_refused_key' } });
    expect(run.error.message).toContain('PagerDuty refused the key');
  });

  it('plans a PagerDuty import step by step, changing nothing', async () => {
    const schedules = (await t.api('GET', '/api/v1/schedules')).body.data.length;
    const started = await t.api('POST', '/api/v1/imports', { body: { vendor: 'pagerduty', apiKey: pd.token, apiUrl: pd.url, apply: false } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'running', apply: false, verify: false, report: null });
    const again = await t.api('POST', '/api/v1/imports', { body: { vendor: 'pagerduty', apiKey: pd.token, apiUrl: pd.url, apply: false } });
    expect([again.status, again.body.error.code]).toEqual([409, 'import_running']);

    const run = await finished(started.body.id);
    expect(run.state, JSON.stringify(run.error)).toBe('done');
    expect(run.report.result).toMatchObject({ dryRun: true, summary: { create: 23, update: 0 } });
    expect(run.steps.map((s: { label: string }) => s.label)).toContain('PagerDuty: reading schedules');
    expect(run.steps.at(-1)).toMatchObject({ label: 'Vigil: planning', finished: true });
    expect(run.steps.every((s: { finished: boolean }) => s.finished)).toBe(true);
    expect((await t.api('GET', '/api/v1/schedules')).body.data.length).toBe(schedules);
  });

  it('applies it and verifies who is on call', { timeout: 180_000 }, async () => {
    const started = await t.api('POST', '/api/v1/imports', { body: { vendor: 'pagerduty', apiKey: pd.token, apiUrl: pd.url, apply: true, verify: true, weeks: 1 } });
    expect(started.status).toBe(202);
    const run = await finished(started.body.id);
    expect(run.state, JSON.stringify(run.error)).toBe('done');
    expect(run.report.result).toMatchObject({ dryRun: false, summary: { create: 23 } });
    expect(run.report.verification.schedules.length).toBeGreaterThan(0);
    expect(run.report.verification.ranges).toEqual([]);
    const verifying = run.steps.filter((s: { label: string }) => s.label.startsWith('Verifying '));
    expect(verifying.length).toBe(run.report.verification.schedules.length);
    for (const s of verifying) expect(s.done).toBe(s.total);
  });

  it('lets only admins start or follow an import', async () => {
    const ray = await t.createUserWithToken('responder', 'ray@example.com');
    const start = await t.api('POST', '/api/v1/imports', { token: ray.token, body: { vendor: 'pagerduty', apiKey: pd.token, apiUrl: pd.url, apply: false } });
    expect(start.status).toBe(403);
    expect((await t.api('GET', '/api/v1/imports/x', { token: ray.token })).status).toBe(403);
    expect((await t.api('GET', '/api/v1/imports/x')).status).toBe(404);
    const bad = await t.api('POST', '/api/v1/imports', { body: { vendor: 'pagerduty', apiKey: pd.token, apiUrl: 'file:///etc/passwd', apply: false } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_api_url']);
  });

  it('answers for a run from another process, one import at a time, and says when a run was lost', { timeout: 60_000 }, async () => {
    const admin = (await t.api('GET', `/api/v1/users/${t.adminEmail}`)).body;
    const principal: Principal = { user: admin, scopes: ['read', 'write', 'admin'], via: 'token' };
    const unused = {} as ConfigAsCode;
    let clock = t.vigil.core.clock.now();
    const other = new ImportRuns({ core: { ...t.vigil.core, clock: { now: () => clock } } as typeof t.vigil.core, configAsCode: unused });

    const started = await t.api('POST', '/api/v1/imports', { body: { vendor: 'pagerduty', apiKey: pd.token, apiUrl: pd.url, apply: false } });
    expect(started.status).toBe(202);
    const seen = await other.get(principal, started.body.id);
    expect(seen).toMatchObject({ id: started.body.id, vendor: 'pagerduty', apply: false });
    if (seen.state === 'running') await expect(other.start(principal, { vendor: 'pagerduty', apiKey: pd.token, apply: false })).rejects.toMatchObject({ code: 'import_running' });
    const done = await finished(started.body.id);
    await expect.poll(async () => (await other.get(principal, started.body.id)).state).toBe('done');
    expect((await other.get(principal, started.body.id)).report).toEqual(done.report);

    // A run that stays "running" without being saved for two minutes was lost with its process.
    const dying = new ImportRuns({ core: { ...t.vigil.core, clock: { now: () => clock } } as typeof t.vigil.core, configAsCode: unused, sourceFor: () => ({ vendor: 'PagerDuty', apiUrl: pd.url, read: () => new Promise(() => undefined) }) });
    const stuck = await dying.start(principal, { vendor: 'pagerduty', apiKey: pd.token, apply: false });
    expect((await other.get(principal, stuck.id)).state).toBe('running');
    clock += 121_000;
    expect(await other.get(principal, stuck.id)).toMatchObject({ state: 'failed', error: { code: 'import_lost' } });
    // Every process answers for it (this one on its own clock, on which it still looks alive).
    expect((await t.api('GET', `/api/v1/imports/${stuck.id}`)).body).toMatchObject({ id: stuck.id, state: 'running' });
  });
});

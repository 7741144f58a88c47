/**
 * The vigil command drives the operational API: alerts, incidents, severities, post-mortems, on-call,
 * the audit log.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const run = promisify(execFile);
let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-ops-'));
const cli = (...args: string[]) => run(process.execPath, ['bin/vigil.js', '--url', t.baseUrl, '--token', t.adminToken, ...args], { env: { ...process.env, VIGIL_CLI_CONFIG_DIR: dir } });

beforeAll(async () => {
  t = await startTestApp();
  await t.api('POST', '/api/v1/teams', { body: { name: 'Ops' } });
  await t.api('POST', '/api/v1/services', { body: { name: 'Edge', teamId: 'ops' } });
  const key = (await t.api('POST', '/api/v1/services/edge/integrations', { body: { name: 'OG', type: 'opsgenie' } })).body.key;
  await t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body: { message: 'Edge 502s', priority: 'P2' } });
});
afterAll(async () => t?.close());

describe('vigil operations', () => {
  it('lists, acknowledges and closes alerts', async () => {
    expect((await cli('alerts')).stdout).toContain('Edge 502s');
    expect((await cli('alert', 'ack', '1', '--note', 'looking')).stdout).toContain('acknowledged');
    expect((await cli('alert', 'show', '1')).stdout).toContain('alert.acknowledged');
    expect((await cli('alert', 'close', '1')).stdout).toContain('closed');
  });

  it('says who an alert did not reach', async () => {
    const admin = (await t.api('GET', `/api/v1/users/${t.adminEmail}`)).body;
    await t.api('POST', '/api/v1/escalation-policies', { body: { name: 'Ops default', teamId: 'ops', steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: admin.id }] }] } });
    await t.api('POST', '/api/v1/services', { body: { name: 'Core', teamId: 'ops', escalationPolicyId: 'ops-default' } });
    const key = (await t.api('POST', '/api/v1/services/core/integrations', { body: { name: 'OG', type: 'opsgenie' } })).body.key;
    await t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body: { message: 'Core down', alias: 'core-down', priority: 'P1' } });
    let alert: { id: string; number: number } | undefined;
    for (let i = 0; i < 200; i++) {
      alert = (await t.api('GET', '/api/v1/alerts?q=core-down')).body.data[0];
      if (alert && (await t.api('GET', `/api/v1/alerts/${alert.id}`)).body.notReached.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // The admin has no contact method: the page reached nobody.
    expect((await cli('alert', 'show', String(alert!.number))).stdout).toContain(`Not reached: ${admin.name} (no verified contact method)`);
  });

  it('declares and runs an incident, and shows the severity levels', async () => {
    expect((await cli('incident', 'declare', 'Edge', 'is', 'down', '--severity', 'P2', '--service', 'edge', '--alert', '1')).stdout).toMatch(/INC-\d+ \[P2\] declared/);
    expect((await cli('incidents')).stdout).toContain('Edge is down');
    expect((await cli('incident', 'status', 'INC-1', 'monitoring', 'rolled', 'back')).stdout).toContain('monitoring');
    expect((await cli('incident', 'resolve', 'INC-1', 'fixed')).stdout).toContain('resolved');
    expect((await cli('severities')).stdout).toContain('Critical');
    expect((await cli('severities', '--markdown')).stdout).toContain('# Incident severity levels');
    const bad = await cli('incident', 'sev', 'INC-1', 'P9').catch((e: { stderr: string }) => e);
    expect((bad as { stderr: string }).stderr).toContain('Unknown severity');
  });

  it('searches the audit log of configuration changes', async () => {
    const out = (await cli('audit', '--entity-type', 'service')).stdout;
    expect(out).toContain('service.created');
    const json = JSON.parse((await cli('audit', '--action', 'integration.added', '--json')).stdout) as Array<{ action: string }>;
    // Two services got an OpsGenie integration above: each is one entry, and nothing else matches.
    expect(json.map((e) => e.action)).toEqual(['integration.added', 'integration.added']);
  });
});

/**
 * `vigil import pagerduty` against a fake PagerDuty account (SRE in Berlin with a weekly layer and a
 * weekday-daytime layer, Checkout in New York with 12-hour turns and a weekend layer, overrides,
 * escalation policies, services with Events API v2 keys, a maintenance window): dry run, apply,
 * re-apply, four-week verification against PagerDuty's final schedule, keys kept.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startFakePagerDuty, type FakePagerDuty } from '../fakes/pagerduty-api.js';

const run = promisify(execFile);
let t: TestApp;
let pd: FakePagerDuty;
const dir = mkdtempSync(join(tmpdir(), 'vigil-import-pd-'));

beforeAll(async () => {
  [t, pd] = await Promise.all([startTestApp(), startFakePagerDuty()]);
});
afterAll(async () => {
  await pd?.close();
  await t?.close();
});

async function importPd(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['bin/vigil.js', '--url', t.baseUrl, '--token', t.adminToken, 'import', 'pagerduty', '--api-url', pd.url, ...extra];
  try {
    const r = await run(process.execPath, args, {
      env: { ...process.env, VIGIL_CLI_CONFIG_DIR: dir, VIGIL_URL: '', VIGIL_TOKEN: '', PAGERDUTY_API_TOKEN: pd.token },
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function counts() {
  const [users, teams, schedules] = await Promise.all([
    t.api('GET', '/api/v1/users?includeInactive=true'),
    t.api('GET', '/api/v1/teams'),
    t.api('GET', '/api/v1/schedules'),
  ]);
  return { users: users.body.data.length, teams: teams.body.data.length, schedules: schedules.body.data.length };
}

describe('vigil import pagerduty', () => {
  it('plans on a dry run (token from PAGERDUTY_API_TOKEN), through pagination and a 429', async () => {
    pd.failNext('/schedules', { status: 429, retryAfter: 1 });
    const before = await counts();
    const r = await importPd('--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // 7 users + 6 people's contact methods + 3 teams + 2 schedules + 3 policies + 2 services
    expect(out.result.summary).toMatchObject({ create: 23, update: 0 });
    expect(out.read).toMatchObject({ users: 7, teams: 2, schedules: 2, layers: 5, escalationPolicies: 3, services: 3, integrations: 4, maintenanceWindows: 1 });
    expect(pd.requests.filter((x) => x.path.startsWith('/users?')).length).toBeGreaterThan(1); // pages of 2
    expect(pd.requests.some((x) => x.status === 429)).toBe(true);
    expect(await counts()).toEqual(before);

    const reasons: string[] = out.unmapped.map((u: { source: string; status: string; reason: string }) => `${u.status} ${u.source}: ${u.reason}`);
    const has = (source: string, reason: string) =>
      expect(
        reasons.some((x) => x.includes(source) && x.includes(reason)),
        `${source} / ${reason} in\n${reasons.join('\n')}`,
      ).toBe(true);
    has('layer "Old nights"', 'history only');
    has('integration "Legacy Nagios"', 'Events API v1');
    has('integration "Email"', 'email integrations are not supported');
    has('service "Legacy billing"', 'disabled in PagerDuty');
    has('escalation policy "Checkout" rule 2', 'round robin');
    has('service "Search"', 'use_support_hours');
    has('user "pia@globex.example"', 'mobile app');
    expect(out.todos.find((x: { email: string }) => x.email === 'sara@globex.example').items).toEqual(['confirm email sara@globex.example (imported)', 'confirm SMS +12125550199 (imported)']);
  });

  it('applies and verifies against PagerDuty’s final schedule, through the next DST change', async () => {
    const file = join(dir, 'vigil.yaml');
    const r = await importPd('--verify', '--output', file, '--include-keys', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.summary).toMatchObject({ create: 23 });
    // Four weeks at every hand-off and every 15 minutes, extended to hold the next DST change.
    expect(out.verification.schedules.map((s: { slug: string; differences: number }) => [s.slug, s.differences])).toEqual([
      ['sre-primary', 0],
      ['checkout-on-call', 0],
    ]);
    for (const s of out.verification.schedules) expect(s.checked).toBeGreaterThan(4 * 7 * 96);
    expect(Object.keys(out.verification.dstChanges).length).toBeGreaterThan(0);
    expect(out.verification.differences).toEqual([]);
    // One ranged request per schedule, not one per hour.
    expect(pd.requests.filter((x) => /^\/schedules\/[A-Z0-9]+\?since=/.test(x.path)).length).toBe(2);

    const doc = parseYaml(readFileSync(file, 'utf8'));
    expect(doc.services.find((s: { slug: string }) => s.slug === 'checkout-api').integrations).toEqual([
      { name: 'Prometheus', type: 'pagerduty', key: '8d0e6f1a2b3c4d5e6f708192a3b4c5d6' },
    ]);
    const checkout = doc.schedules.find((s: { slug: string }) => s.slug === 'checkout-on-call');
    // Anchored at the layer's start, participants rotated so the same person is on call.
    expect(checkout.layers[0]).toMatchObject({
      name: 'Twelve hours',
      shift: { unit: 'hour', length: 12 },
      startDate: '2025-02-03',
      handoffTime: '08:00',
      participants: ['vic@globex.example', 'sara@globex.example', 'tom@globex.example'],
    });
  });

  it('re-applies without duplicating anything', async () => {
    const before = await counts();
    const r = await importPd('--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).result.summary).toMatchObject({ create: 0, update: 0, unchanged: 23 });
    expect(await counts()).toEqual(before);
  });

  it('keeps the routing keys, so Events API v2 clients change only their URL', async () => {
    const res = await fetch(`${t.baseUrl}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: '8d0e6f1a2b3c4d5e6f708192a3b4c5d6',
        event_action: 'trigger',
        payload: { summary: 'Checkout 5xx above 2%', source: 'prometheus', severity: 'critical' },
      }),
    });
    expect(res.status).toBe(202);
  });

  it('updates what changed in PagerDuty and still agrees', async () => {
    const sre = pd.account.schedules.find((s) => s.id === 'PSRE001')!;
    sre.schedule_layers![1]!.users.push({ user: { id: 'PPIA001', type: 'user_reference', summary: 'Pia Alvarez' } });
    sre.overrides!.push({
      id: 'POSRE02',
      start: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      end: new Date(Date.now() + 5 * 86_400_000 + 7_200_000).toISOString(),
      user: { id: 'PTOM005', type: 'user_reference' },
    });
    const r = await importPd('--json', '--verify', '--weeks', '1');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.plan.filter((p: { action: string }) => p.action !== 'unchanged')).toEqual([
      { section: 'schedules', key: 'sre-primary', action: 'update', changes: { schedule: 'updated', overridesAdded: 1 } },
    ]);
    expect(out.verification.differences).toEqual([]);
  });

  it('explains a refused token', async () => {
    const r = await importPd('--api-token', 'nope', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PagerDuty refused the key (401');
  });
});

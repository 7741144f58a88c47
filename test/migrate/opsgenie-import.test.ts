/**
 * `vigil import opsgenie` against a fake OpsGenie account (three teams in Berlin, Rome and New York;
 * business-hours and after-hours rotations, a 12-hour rotation, overrides, multi-step escalations,
 * integrations with keys, heartbeats, a maintenance window): dry run, apply, re-apply, four-week
 * verification, updates flowing through, and the keys kept so clients change only their URL.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { nextDstChange, startFakeOpsGenie, type FakeOpsGenie } from '../fakes/opsgenie-api.js';
import { amtoolAddAlert, eventually, MISSING_REASON, REQUIRE_ALERTMANAGER, startAlertmanager } from '../realclient/alertmanager-process.js';

const run = promisify(execFile);
let t: TestApp;
let og: FakeOpsGenie;
const dir = mkdtempSync(join(tmpdir(), 'vigil-import-og-'));

beforeAll(async () => {
  [t, og] = await Promise.all([startTestApp(), startFakeOpsGenie()]);
});
afterAll(async () => {
  await og?.close();
  await t?.close();
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function importOg(...extra: string[]): Promise<CliResult> {
  const args = ['bin/vigil.js', '--url', t.baseUrl, '--token', t.adminToken, 'import', 'opsgenie', '--api-key', og.apiKey, '--api-url', og.url, ...extra];
  try {
    const r = await run(process.execPath, args, {
      env: { ...process.env, VIGIL_CLI_CONFIG_DIR: dir, VIGIL_URL: '', VIGIL_TOKEN: '' },
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

describe('vigil import opsgenie', () => {
  it('plans on a dry run, lists what cannot be imported with reasons, and changes nothing', async () => {
    og.failNext('/v2/users', { status: 429, retryAfter: 1 });
    const before = await counts();
    const r = await importOg('--dry-run', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.dryRun).toBe(true);
    // 7 users + 6 people's contact methods + 4 teams + 4 schedules + 4 policies + 5 services
    expect(out.result.summary).toMatchObject({ create: 30, update: 0 });
    expect(out.read).toMatchObject({ users: 7, teams: 3, schedules: 5, rotations: 8, escalations: 4, integrations: 5, heartbeats: 3, maintenance: 1 });
    expect(og.requests.some((x) => x.status === 429)).toBe(true); // the rate limit was honoured and retried
    expect(await counts()).toEqual(before);
    expect((await t.api('GET', '/api/v1/users/ada@acme.example')).status).toBe(404);

    const reasons = out.unmapped.map((u: { source: string; status: string; reason: string }) => `${u.status} ${u.source}: ${u.reason}`);
    const expectReason = (source: string, reason: string) =>
      expect(
        reasons.some((x: string) => x.includes(source) && x.includes(reason)),
        `${source} / ${reason} in\n${reasons.join('\n')}`,
      ).toBe(true);
    expectReason('schedule "Legacy NOC"', 'disabled in OpsGenie');
    expectReason('escalation "Platform_escalation" rule 4', 'next on-call');
    expectReason('escalation "Payments_escalation" rule 3', 'another escalation');
    expectReason('escalation "Data_escalation"', 'first rule waits 5 min');
    expectReason('integration "Ops mailbox" (Email)', 'OpsGenie-specific endpoints');
    expectReason('heartbeat "quarterly-export"', 'at least once a week');
    expectReason('maintenance "Prometheus migration"', 'policy');
    expectReason('notification rule "P1 only"', 'urgency');
    expectReason('notification rule "On-call starts"', 'reminds the incoming on-call');
    expectReason('user "ada@acme.example"', 'mobile app');
    for (const u of out.unmapped) expect(u.reason.length).toBeGreaterThan(10);
    expect(out.unmapped.some((u: { kind: string }) => u.kind === 'contact-methods')).toBe(false);
    expect(out.todos.find((x: { email: string }) => x.email === 'ada@acme.example').items).toEqual(['confirm email ada@acme.example (imported)', 'confirm SMS +4915112345678 (imported)']);
  });

  it('prints a readable plan', async () => {
    const r = await importOg('--dry-run', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Read from OpsGenie');
    expect(r.stdout).toContain('+ schedules/platform-on-call');
    expect(r.stdout).toContain('Plan (dry run, nothing changed): 30 to create');
    expect(r.stdout).toContain('Not imported (');
    expect(r.stdout).toContain('- schedule "Legacy NOC": disabled in OpsGenie');
    expect(r.stdout).toContain('Per person (');
    expect(r.stdout).toContain('[ ] confirm SMS +4915112345678 (imported)');
  });

  it('applies, writes vigil.yaml without secrets, and verifies every hand-off and every 15 minutes across the clock change', async () => {
    // The window holds Berlin's next clock change, the SRE schedule's overrides around it (one of a
    // rotation only, one of the whole schedule across the change) and its two rotations on call at once.
    const dst = nextDstChange('Europe/Berlin', Date.now());
    const from = new Date(Math.floor(dst / 86_400_000) * 86_400_000 - 7 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Math.floor(dst / 86_400_000) * 86_400_000 + 7 * 86_400_000).toISOString().slice(0, 10);
    const file = join(dir, 'vigil.yaml');
    const r = await importOg('--output', file, '--verify', '--from', from, '--to', to, '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.summary).toMatchObject({ create: 30 });
    expect(out.verification).toMatchObject({ from: `${from}T00:00:00.000Z`, to: `${to}T00:00:00.000Z`, stepMinutes: 15, instantsPerSchedule: 14 * 96 });
    expect(Date.parse(out.verification.dstChanges['Europe/Berlin'])).toBe(dst);
    expect(out.verification.schedules.map((s: { slug: string }) => s.slug)).toEqual(['platform-on-call', 'payments-primary', 'data-pipelines', 'sre']);
    expect(out.verification.differences).toEqual([]);
    const sre = out.verification.schedules.find((s: { slug: string }) => s.slug === 'sre');
    // Hand-offs off the quarter hours (two overrides end at :20 and :05) were checked too.
    expect(sre.checked).toBeGreaterThan(14 * 96);
    expect(sre.handoffs).toBeGreaterThan(14);
    // OpsGenie was asked at every instant checked, and for its own timeline.
    expect(og.requests.filter((x) => x.path.includes('/on-calls')).length).toBeGreaterThanOrEqual(4 * 14 * 96);
    expect(og.requests.some((x) => x.path.includes('/timeline') && x.status === 200)).toBe(true);

    // Both rotations of SRE combine; the override of one rotation stays an override of that layer.
    const sreDoc = (await t.api('GET', '/api/v1/schedules/sre')).body;
    expect(sreDoc.layers.map((l: { name: string; mode?: string }) => `${l.name}:${l.mode}`)).toEqual(['24/7:combine', 'Office hours:combine']);
    const overrides = (await t.api('GET', `/api/v1/schedules/sre/overrides?from=${from}T00:00:00Z&to=${to}T00:00:00Z`)).body.data;
    const officeLayer = sreDoc.layers.find((l: { name: string }) => l.name === 'Office hours').id;
    expect(overrides.filter((o: { layerId: string | null }) => o.layerId === officeLayer)).toHaveLength(1);
    expect(overrides.filter((o: { layerId: string | null }) => o.layerId === null)).toHaveLength(1);
    const both = (await t.api('GET', `/api/v1/schedules/sre/oncall?at=${new Date(dst - 5 * 86_400_000 + 8 * 3_600_000 + 60_000).toISOString()}`)).body.onCall;
    expect(both.length, JSON.stringify(both)).toBeGreaterThanOrEqual(1);

    const doc = parseYaml(readFileSync(file, 'utf8'));
    expect(doc.schedules.map((s: { slug: string }) => s.slug)).toEqual(['platform-on-call', 'payments-primary', 'data-pipelines', 'sre']);
    expect(JSON.stringify(doc)).not.toContain('c4b1e5f2-7a3d-4e8b-9f10-2d3c4b5a6e71');
    expect(readFileSync(file, 'utf8')).toContain('integration key(s) are left out');

    const schedule = await t.api('GET', '/api/v1/schedules/platform-on-call');
    expect(schedule.body.layers.map((l: { name: string }) => l.name)).toEqual(['Business hours', 'After hours']);
    const policy = await t.api('GET', '/api/v1/escalation-policies/platform-escalation');
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({ repeat: 2, steps: [{ delayMinutes: 10 }, { delayMinutes: 15 }] });
    expect(policy.body.steps[1].targets.map((x: { type: string }) => x.type)).toEqual(['user', 'schedule']);
  }, 180_000);

  it('re-applies without duplicating anything', async () => {
    const before = await counts();
    const r = await importOg('--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.summary).toMatchObject({ create: 0, update: 0 });
    expect(await counts()).toEqual(before);
    expect(before).toMatchObject({ schedules: 4 });
  });

  it('keeps the integration keys, so OpsGenie clients change only their URL', async () => {
    const created = await fetch(`${t.baseUrl}/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'GenieKey c4b1e5f2-7a3d-4e8b-9f10-2d3c4b5a6e71' },
      body: JSON.stringify({ message: 'Disk full on db-1', alias: 'disk-db-1' }),
    });
    expect(created.status).toBe(202);
    const ping = await fetch(`${t.baseUrl}/v2/heartbeats/nightly-backup/ping`, { headers: { authorization: 'GenieKey 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' } });
    expect(ping.status).toBe(202);
  });

  it.skipIf(!!MISSING_REASON && !REQUIRE_ALERTMANAGER)('pages the imported on-call from an Alertmanager whose OpsGenie receiver changed only its api_url and key', async () => {
    const am = await startAlertmanager({
      route: { receiver: 'og', group_by: ['alertname'], group_wait: '1s', group_interval: '1s', repeat_interval: '4h' },
      receivers: [{ name: 'og', opsgenie_configs: [{ api_url: `${t.baseUrl}/`, api_key: 'c4b1e5f2-7a3d-4e8b-9f10-2d3c4b5a6e71', send_resolved: true }] }],
    });
    try {
      await amtoolAddAlert(am.url, { labels: { alertname: 'ImportedOnCallPage', severity: 'critical' }, annotations: { summary: 'Checkout is failing' } });
      const escalated = await eventually(
        async () => {
          const alert = (await t.api('GET', '/api/v1/alerts?q=ImportedOnCallPage')).body.data[0];
          if (!alert) return undefined;
          const detail = (await t.api('GET', `/api/v1/alerts/${alert.id}`)).body;
          const step = detail.timeline.find((e: { type: string }) => e.type === 'alert.escalated');
          return step ? { alert: detail.alert, users: step.data.users as string[] } : undefined;
        },
        30_000,
        () => am.output(),
      );
      // The users paged are the on-call of the first step's schedule of the imported policy.
      const service = (await t.api('GET', `/api/v1/services/${escalated.alert.serviceId}`)).body.service;
      const policy = (await t.api('GET', `/api/v1/escalation-policies/${service.escalationPolicyId}`)).body;
      const first = policy.steps[0].targets.find((x: { type: string }) => x.type === 'schedule');
      const oncall = (await t.api('GET', `/api/v1/schedules/${first.id}/oncall`)).body.onCall.map((o: { userId: string }) => o.userId);
      expect(oncall.length).toBeGreaterThan(0);
      expect(escalated.users.sort()).toEqual(oncall.sort());
    } finally {
      await am.stop();
    }
  }, 60_000);

  it('carries changes over on the next run', async () => {
    const biz = og.account.schedules.find((s) => s.id === 's-platform')!.rotations!.find((r) => r.id === 'r-biz')!;
    biz.participants = [...biz.participants, { type: 'user', id: 'u-gina', username: 'gina@acme.example' }];
    og.account.teams.find((x) => x.id === 't-data')!.description = 'Pipelines and warehouse';
    const today = new Date().toISOString().slice(0, 10);
    const inAWeek = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
    const r = await importOg('--json', '--verify', '--from', today, '--to', inAWeek);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result.summary).toMatchObject({ create: 0, update: 2 });
    const updated = out.result.plan
      .filter((p: { action: string }) => p.action === 'update')
      .map((p: { section: string; key: string }) => `${p.section}/${p.key}`);
    expect(updated.sort()).toEqual(['schedules/platform-on-call', 'teams/data']);
    expect(out.verification.differences).toEqual([]);
    expect((await t.api('GET', '/api/v1/teams/data')).body.description).toBe('Pipelines and warehouse');
  }, 180_000);

  it('--verify reports the time ranges where Vigil and OpsGenie disagree, with both answers, and exits 1', async () => {
    // Someone adds an override in Vigil only: Frank (never on call for Platform in OpsGenie) for 4 hours.
    const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 26 * 3_600_000;
    const added = await t.api('POST', '/api/v1/schedules/platform-on-call/overrides', {
      body: { userId: 'frank@acme.example', start: new Date(start).toISOString(), end: new Date(start + 4 * 3_600_000).toISOString(), reason: 'drift' },
    });
    expect(added.status).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    const later = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const r = await importOg('--verify', '--from', today, '--to', later, '--quiet');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Verification found \d time range\(s\), 4 h in all, where Vigil and OpsGenie disagree/);
    expect(r.stdout).toMatch(
      new RegExp(`platform-on-call  ${new Date(start).toISOString()} -> [^ ]+ \\([^)]+\\): OpsGenie says [a-z]+@acme.example, Vigil says frank@acme.example`),
    );
    expect(r.stdout).toContain('platform-on-call: 4 h differ');
    await t.api('DELETE', `/api/v1/schedules/platform-on-call/overrides/${added.body.id}`);
  }, 180_000);
});

/**
 * Moving from OpsGenie on a Monday morning: the import ends, and the very next alert on an imported
 * service reaches whoever OpsGenie had on call, through the contact methods and notification rules
 * they had in OpsGenie (email at once, SMS after 5 minutes...), with nobody re-creating or verifying
 * anything. Each person gets one email listing what came over, and Slack is matched by email.
 * Fakes: OpsGenie's REST API, Slack, SMTP and Twilio on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsgenieSource, runImport, type VigilApi } from '../../src/migrate/run.js';
import { startFakeOpsGenie, type FakeOpsGenie } from '../fakes/opsgenie-api.js';
import { startWorld, type World } from '../helpers/world.js';

const MIN = 60_000;
let w: World;
let og: FakeOpsGenie;
const PROMETHEUS_KEY = 'c4b1e5f2-7a3d-4e8b-9f10-2d3c4b5a6e71'; // the imported integration keeps its OpsGenie key
const ADA_SLACK = 'U0ADA00001';

const vigil = (): VigilApi => ({
  get: async (path) => (await w.t.api('GET', path)).body,
  post: async (path, body) => {
    const res = await w.t.api('POST', path, { body });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  },
});

beforeAll(async () => {
  // Monday 2027-01-04 10:00 in Berlin: the Business hours rotation of Platform is on call.
  w = await startWorld({ start: Date.UTC(2027, 0, 4, 9, 0, 0) });
  og = await startFakeOpsGenie({ now: w.clock.now() });
  w.slack.addUser({ id: ADA_SLACK, name: 'ada', email: 'ada@acme.example' } as never);
});
afterAll(async () => {
  await og?.close();
  await w?.close();
});

describe('people are reachable the moment an OpsGenie import ends', () => {
  let oncall: Array<{ id: string; email: string }> = [];

  it('imports the account, contact methods and notification rules included', async () => {
    const outcome = await runImport({ source: opsgenieSource(og.apiKey, { apiUrl: og.url }), vigil: vigil(), dryRun: false, verify: false, now: w.clock.now() });
    expect(outcome.result.summary.create).toBeGreaterThan(20);
    const ada = await w.t.api('GET', '/api/v1/users/ada@acme.example/contact-methods');
    expect(ada.body.data.map((c: { type: string; address: string; verifiedAt: number | null; importedFrom: string }) => [c.type, c.address, c.verifiedAt !== null, c.importedFrom])).toEqual([
      ['email', 'ada@acme.example', true, 'OpsGenie'],
      ['sms', '+4915112345678', true, 'OpsGenie'],
    ]);
    const rules = await w.t.api('GET', '/api/v1/users/ada@acme.example/notification-rules');
    expect(rules.body.data.map((r: { urgency: string; delayMinutes: number }) => `${r.urgency}+${r.delayMinutes}`).sort()).toEqual(['high+0', 'high+5', 'low+0', 'low+5']);
  });

  it('sends each person one email listing what was imported, links Slack by email, and the readiness view has nobody unreachable', async () => {
    await w.settle();
    const mail = await w.smtp.waitFor((m) => m.to.includes('ada@acme.example') && m.subject.includes('imported from OpsGenie'));
    expect(mail.text).toContain('+4915112345678');
    expect(mail.text).toContain('/settings/notifications');
    expect(w.smtp.messages.filter((m) => m.to.includes('ada@acme.example') && m.subject.includes('imported from OpsGenie'))).toHaveLength(1);
    const ada = await w.t.api('GET', '/api/v1/users/ada@acme.example/contact-methods');
    expect(ada.body.data.map((c: { type: string }) => c.type)).toContain('slack_dm');
    const readiness = await w.t.api('GET', '/api/v1/teams/platform/readiness');
    expect(readiness.status).toBe(200);
    expect(readiness.body.data.filter((x: { warnings: string[] }) => x.warnings.some((s) => s.startsWith('no verified')))).toEqual([]);
    w.smtp.reset();
    w.twilio.reset();
  });

  it('an alert on an imported service reaches the imported on-call through their imported contact methods', async () => {
    const res = await w.t.api('GET', '/api/v1/schedules/platform-on-call/oncall');
    oncall = res.body.onCall.map((o: { user: { id: string; email: string } }) => o.user);
    expect(oncall.length).toBeGreaterThan(0);
    const sent = await w.t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${PROMETHEUS_KEY}` }, body: { message: 'Disk full on db-1', priority: 'P1' } });
    expect(sent.status).toBe(202);
    await w.advance(6 * MIN);
    for (const person of oncall) {
      const methods = (await w.t.api('GET', `/api/v1/users/${person.id}/contact-methods`)).body.data as Array<{ type: string; address: string }>;
      const reached = methods.filter(
        (c) =>
          (c.type === 'email' && w.smtp.messages.some((m) => m.to.includes(c.address) && `${m.subject} ${m.text}`.includes('Disk full'))) ||
          (c.type === 'sms' && w.twilio.messages.some((m) => m.to === c.address && m.body.includes('Disk full'))) ||
          (c.type === 'voice' && w.twilio.calls.some((call) => call.to === c.address)),
      );
      expect(reached.length, `${person.email} reached through ${JSON.stringify(methods)}`).toBeGreaterThan(0);
    }
  });

  it('lets a person confirm what was imported', async () => {
    const ada = (await w.t.api('GET', '/api/v1/users/ada@acme.example/contact-methods')).body.data[0];
    const confirmed = await w.t.api('POST', `/api/v1/contact-methods/${ada.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.confirmedAt).not.toBeNull();
  });

  it('an admin can require re-verification of imported contact methods instead', async () => {
    expect((await w.t.api('PUT', '/api/v1/settings/imports', { body: { requireReverification: true } })).body).toEqual({ requireReverification: true });
    og.account.users.find((u) => u.id === 'u-dan')!.userContacts!.push({ contactMethod: 'sms', to: '1-2125550188', enabled: true });
    await runImport({ source: opsgenieSource(og.apiKey, { apiUrl: og.url }), vigil: vigil(), dryRun: false, verify: false, now: w.clock.now() });
    const dan = (await w.t.api('GET', '/api/v1/users/dan@acme.example/contact-methods')).body.data as Array<{ address: string; verifiedAt: number | null }>;
    expect(dan.find((c) => c.address === '+12125550188')!.verifiedAt).toBeNull();
    expect(dan.find((c) => c.address === 'dan@acme.example')!.verifiedAt).not.toBeNull(); // already imported before: unchanged
  });
});

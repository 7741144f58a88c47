/**
 * A whole vigil.yaml — people, teams, schedules, severities, incident settings, escalation
 * policies, services with integrations — applies, re-applies with no change, and exported into a
 * fresh Vigil reproduces the same configuration.
 */
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const DOC = `
version: 1
users:
  - { email: ann@example.com, name: Ann, timeZone: Europe/Berlin }
  - { email: ben@example.com, name: Ben, timeZone: America/New_York }
teams:
  - { slug: core, name: Core, lead: ann@example.com, members: [ann@example.com, ben@example.com], jiraBoards: [7] }
schedules:
  - slug: core-primary
    name: Core primary
    team: core
    timeZone: Europe/Berlin
    slackUserGroup: S0CORE0001
    layers:
      - name: Weekly
        participants: [ann@example.com, ben@example.com]
        shift: { unit: week, length: 1 }
        handoffTime: "10:00"
        handoffWeekday: 1
        startDate: "2027-01-04"
      - name: Business hours
        participants: [ben@example.com]
        shift: { unit: day, length: 1 }
        handoffTime: "09:00"
        startDate: "2027-01-04"
        restrictions: [{ type: time_of_day, start: "09:00", end: "17:00" }]
severities:
  - { key: P2, stakeholderGroups: [S0LEADS001], updateCadenceMinutes: 45 }
incidentSettings:
  companyEmail: company@example.com
  announcementsChannel: C0ANNOUNCE
  escalationContact: ann@example.com
escalationPolicies:
  - slug: core-default
    name: Core default
    team: core
    repeat: 1
    steps:
      - { delayMinutes: 5, targets: [{ schedule: core-primary }] }
      - { delayMinutes: 10, targets: [{ user: ann@example.com }, { slackChannel: C0ALERTS01 }] }
services:
  - slug: api
    name: API
    team: core
    escalationPolicy: core-default
    alertsChannel: C0ALERTS01
    urgency: { P3: low }
    integrations:
      - { name: Prometheus, type: opsgenie, key: existing-opsgenie-key-000000000001 }
    heartbeats:
      - { name: nightly-backup, intervalSeconds: 90000, priority: P2 }
`;

const apps: TestApp[] = [];
afterAll(async () => Promise.all(apps.map((a) => a.close())));
const yaml = (t: TestApp, body: string, dryRun = false) => t.api('POST', `/api/v1/config/apply${dryRun ? '?dryRun=true' : ''}`, { rawBody: body, headers: { 'content-type': 'application/yaml' } });

describe('a whole vigil.yaml', () => {
  it('applies, re-applies with no change, and round-trips through export', async () => {
    const a = await startTestApp();
    apps.push(a);
    const first = await yaml(a, DOC);
    expect(first.status).toBe(200);
    expect(first.body.summary.create).toBeGreaterThanOrEqual(6);
    const again = await yaml(a, DOC);
    expect(again.body.plan.filter((p: { action: string }) => p.action !== 'unchanged')).toEqual([]);
    // The OpsGenie client keeps its configured key.
    const ok = await a.api('POST', '/v2/alerts', { token: null, headers: { authorization: 'GenieKey existing-opsgenie-key-000000000001' }, body: { message: 'hello' } });
    expect(ok.status).toBe(202);

    const exported = await fetch(`${a.baseUrl}/api/v1/config/export?format=yaml`, { headers: { authorization: `Bearer ${a.adminToken}` } });
    const text = await exported.text();
    const doc = parseYaml(text);
    expect(doc.escalationPolicies[0].steps[1].targets).toEqual([{ user: 'ann@example.com' }, { slackChannel: 'C0ALERTS01' }]);
    expect(doc.incidentSettings.escalationContact).toBe('ann@example.com');

    const b = await startTestApp();
    apps.push(b);
    const into = await yaml(b, text);
    expect(into.status).toBe(200);
    const back = parseYaml(await (await fetch(`${b.baseUrl}/api/v1/config/export?format=yaml`, { headers: { authorization: `Bearer ${b.adminToken}` } })).text());
    const strip = (d: Record<string, unknown>) => ({ ...d, users: (d.users as Array<{ email: string }>).filter((u) => u.email !== 'admin@example.com') });
    expect(strip(back)).toEqual(strip(doc));
  });

  it('reports every problem of a broken document at once and changes nothing', async () => {
    const c = await startTestApp();
    apps.push(c);
    const res = await yaml(c, `${DOC}\nwizards: []\n`.replace('repeat: 1', 'repeat: 1\n    colour: red'));
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual(expect.arrayContaining([expect.stringContaining('wizards: unknown section'), 'escalationPolicies[0].colour: unknown field']));
    expect((await c.api('GET', '/api/v1/teams')).body.data).toEqual([]);
  });
});

/**
 * A 24/7 rotation and a business-hours rotation that combines with it (both are on call in office
 * hours, as in OpsGenie), plus an override of the business-hours rotation only. Who is on call (and
 * from which layer), the hand-offs, the Slack user group, the iCalendar feed, an alert's page and
 * vigil.yaml export/apply all see several people on call at once. On SQLite and PostgreSQL.
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, postgresAvailable } from '../helpers/databases.js';
import { startWorld, type World } from '../helpers/world.js';

// Monday 2027-01-04 06:00 UTC.
const MONDAY_6 = Date.UTC(2027, 0, 4, 6);
const pg = await postgresAvailable();

const SLACK = { ann: 'U0ANN00001', bob: 'U0BOB00001', cid: 'U0CID00001', dee: 'U0DEE00001' } as const;
type Name = keyof typeof SLACK;

describe.each(DIALECTS)('combined layers and layer-scoped overrides on %s', (dialect) => {
  const skip = dialect === 'postgres' && !pg;
  let w: World;
  const ids = {} as Record<Name, string>;
  let key = '';
  const nameOf = (id: string) => (Object.entries(ids).find(([, v]) => v === id)?.[0] ?? id) as Name;

  beforeAll(async () => {
    if (skip) return;
    w = await startWorld({ start: MONDAY_6, dialect });
    for (const name of Object.keys(SLACK) as Name[]) {
      const u = await w.t.createUserWithToken('responder', `${name}@example.com`);
      ids[name] = u.id;
      await w.t.api('PATCH', `/api/v1/users/${u.id}`, { body: { slackUserId: SLACK[name] } });
      const dm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: u.token, body: { type: 'slack_dm', address: SLACK[name] } });
      await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: u.token, body: { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 } });
    }
    await w.t.api('POST', '/api/v1/teams', { body: { name: 'Core', memberIds: Object.values(ids) } });
  });
  afterAll(async () => w?.close());

  const onCall = async () => {
    const res = await w.t.api('GET', '/api/v1/schedules/core/oncall');
    return res.body.onCall.map((o: { userId: string; layerName: string | null; source: string }) => `${nameOf(o.userId)}@${o.layerName ?? 'schedule'}${o.source === 'override' ? ' (override)' : ''}`).sort();
  };

  it.skipIf(skip)('a combining layer puts its person on call together with the layer below', async () => {
    const s = await w.t.api('POST', '/api/v1/schedules', {
      body: {
        name: 'Core',
        teamId: 'core',
        timeZone: 'UTC',
        slackUserGroupId: 'S0CORE0001',
        layers: [
          { name: '24/7', participants: ['ann@example.com', 'bob@example.com'], shift: { unit: 'week', length: 1 }, handoffTime: '00:00', handoffWeekday: 1, startDate: '2027-01-04' },
          {
            name: 'Business hours',
            mode: 'combine',
            participants: ['cid@example.com', 'dee@example.com'],
            shift: { unit: 'day', length: 1 },
            handoffTime: '09:00',
            startDate: '2027-01-04',
            restrictions: [1, 2, 3, 4, 5].map((d) => ({ type: 'weekly', startWeekday: d, startTime: '09:00', endWeekday: d, endTime: '17:00' })),
          },
        ],
      },
    });
    expect(s.status).toBe(201);
    expect(s.body.layers.map((l: { mode?: string }) => l.mode ?? 'override')).toEqual(['override', 'combine']);
    expect(await onCall()).toEqual(['ann@24/7']);
    await w.advanceTo(Date.UTC(2027, 0, 4, 9) + 1000);
    expect(await onCall()).toEqual(['ann@24/7', 'cid@Business hours']);
    expect([...(w.slack.userGroupMembers('S0CORE0001') ?? [])].sort()).toEqual([SLACK.ann, SLACK.cid].sort());
  });

  it.skipIf(skip)('records the hand-off of a set of people: only who starts or ends gets a shift event', async () => {
    const timeline = (await w.t.api('GET', '/api/v1/schedules/core/timeline')).body.data as Array<{ type: string; at: number; data: { userId: string; to: string[] } }>;
    const at9 = timeline.filter((e) => e.at === Date.UTC(2027, 0, 4, 9));
    expect(at9.filter((e) => e.type === 'shift.started').map((e) => nameOf(e.data.userId))).toEqual(['cid']);
    expect(at9.filter((e) => e.type === 'shift.ended')).toEqual([]);
  });

  it.skipIf(skip)('pages everyone on call when an alert escalates to the schedule', async () => {
    await w.t.api('POST', '/api/v1/escalation-policies', { body: { name: 'Core default', teamId: 'core', steps: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: 'core' }] }] } });
    await w.t.api('POST', '/api/v1/services', { body: { name: 'Core API', teamId: 'core', escalationPolicyId: 'core-default' } });
    key = (await w.t.api('POST', '/api/v1/services/core-api/integrations', { body: { name: 'Prometheus', type: 'opsgenie' } })).body.key;
    const res = await w.t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${key}` }, body: { message: 'Core is down', priority: 'P1' } });
    expect(res.status).toBe(202);
    await w.advance(2000);
    const dmd = (id: string) => w.slack.allMessages().some((m) => (m.channel === id || m.channel === w.slack.dmChannelOf(id)) && String(m.args.text).includes('Core is down'));
    expect([dmd(SLACK.ann), dmd(SLACK.cid), dmd(SLACK.bob), dmd(SLACK.dee)]).toEqual([true, true, false, false]);
  });

  it.skipIf(skip)('an override of one layer replaces only that layer’s person, only while it is on call', async () => {
    const o = await w.t.api('POST', '/api/v1/schedules/core/overrides', {
      body: { userId: 'bob@example.com', layerId: 'Business hours', start: '2027-01-05T00:00:00Z', end: '2027-01-06T00:00:00Z', reason: 'cover' },
    });
    expect(o.status).toBe(201);
    expect(o.body.layerId).toBeTruthy();
    const bad = await w.t.api('POST', '/api/v1/schedules/core/overrides', { body: { userId: 'bob@example.com', layerId: 'Nights', start: '2027-01-05T00:00:00Z', end: '2027-01-06T00:00:00Z' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('unknown_layer');

    const at = (iso: string) => w.t.api('GET', `/api/v1/schedules/core/oncall?at=${iso}`).then((r) => r.body.onCall.map((x: { userId: string }) => nameOf(x.userId)).sort());
    expect(await at('2027-01-05T10:00:00Z')).toEqual(['ann', 'bob']);
    expect(await at('2027-01-05T20:00:00Z')).toEqual(['ann']);
    const shifts = await w.t.api('GET', `/api/v1/schedules/core/shifts?from=${Date.UTC(2027, 0, 5)}&to=${Date.UTC(2027, 0, 6)}`);
    expect(shifts.body.final.map((x: { userId: string; source: string; start: number }) => `${nameOf(x.userId)} ${x.source} ${new Date(x.start).toISOString().slice(11, 16)}`)).toEqual([
      'ann rotation 00:00',
      'bob override 09:00',
    ]);
  });

  it.skipIf(skip)('serves overlapping shifts in the iCalendar feed', async () => {
    const feed = await w.t.api('POST', '/api/v1/calendar-feeds', { body: { scheduleId: 'core' } });
    const ics = await fetch(`${w.t.baseUrl}${new URL(feed.body.url).pathname}`).then((r) => r.text());
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const tue10 = ICAL.Time.fromJSDate(new Date(Date.UTC(2027, 0, 5, 10)), true);
    const covering = events.filter((e) => e.startDate.compare(tue10) <= 0 && e.endDate.compare(tue10) > 0);
    expect(covering).toHaveLength(2);
  });

  it.skipIf(skip)('exports the mode and the layer of an override, and re-applies without changes', async () => {
    const exported = await w.t.api('GET', '/api/v1/config/export');
    const core = exported.body.schedules.find((s: { slug: string }) => s.slug === 'core');
    expect(core.layers.map((l: { mode?: string }) => l.mode ?? null)).toEqual([null, 'combine']);
    expect(core.overrides.find((o: { reason?: string }) => o.reason === 'cover')).toMatchObject({ layer: 'Business hours' });
    const applied = await w.t.api('POST', '/api/v1/config/apply?dryRun=true', { body: { version: 1, schedules: [core] } });
    expect(applied.status).toBe(200);
    expect(applied.body.plan.find((p: { key: string }) => p.key === 'core')).toMatchObject({ action: 'unchanged' });
  });
});

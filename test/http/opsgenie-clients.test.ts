/**
 * Request-by-request replays of what the clients that speak the OpsGenie Alert API send, read from each
 * client's source (cited per block), and the answers each needs. Plus the read side that scripts and Slack
 * bots call (who is on call, schedules, teams, heartbeats), PagerDuty Events API v1, and bad input: always
 * a 4xx in OpsGenie's error shape, never a 500.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/shared/ids.js';
import { ADMIN_EMAIL, startTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, postgresAvailable } from '../helpers/databases.js';

const pgUp = await postgresAvailable();

// Storage matters here (request status, timelines, schedules): the whole suite runs on both databases.
for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !pgUp)(`OpsGenie and PagerDuty clients on ${dialect}`, () => {
    let t: TestApp;
    let key: string;

    beforeAll(async () => {
      t = await startTestApp({ dialect });
      const admin = (await t.api('GET', '/api/v1/users')).body.data.find((u: { email: string }) => u.email === ADMIN_EMAIL);
      expect((await t.api('POST', '/api/v1/teams', { body: { name: 'Platform Ops', slug: 'platform', memberIds: [admin.id] } })).status).toBe(201);
      await t.api('POST', '/api/v1/services', { body: { name: 'Core', teamId: 'platform' } });
      key = (await t.api('POST', '/api/v1/services/core/integrations', { body: { name: 'OpsGenie clients', type: 'opsgenie' } })).body.key;
    });
    afterAll(async () => t?.close());

    /** A raw request as the client sends it: method, path exactly (prefix, slashes, encoding), GenieKey. */
    const send = (method: string, path: string, body?: unknown, auth: string | null = `GenieKey ${key}`) =>
      t.api(method, path, { token: null, headers: auth ? { authorization: auth } : {}, ...(body === undefined ? {} : typeof body === 'string' ? { rawBody: body } : { body }) });

    const alertByAlias = async (alias: string) => (await t.api('GET', '/api/v1/alerts?service=core')).body.data.find((a: { alias: string }) => a.alias === alias);

    describe('Zabbix OpsGenie media type (zabbix/zabbix templates/media/opsgenie/media_opsgenie.yaml)', () => {
      // opsgenie_api is "https://api.opsgenie.com/v2/alerts"; the script appends "/" (setParams) and posts to it.
      const api = '/v2/alerts/';
      const poll = async (requestId: string) => {
        // getAlertId(): GET {api}requests/{id} (a 404 is allowed while pending), up to 25 times, reads data.success/status/alertId.
        for (let i = 0; i < 25; i++) {
          const r = await send('GET', `${api}requests/${requestId}`);
          if (r.status === 200 && r.body.data && r.body.data.success !== false) return r;
          if (r.status === 200 && /There is no open alert|Alert is already/.test(r.body.data?.status ?? '')) return r;
          expect([200, 404]).toContain(r.status);
        }
        throw new Error('Zabbix would give up: no success in 25 polls');
      };

      it('problem: creates with a 202 carrying `result`, then reads the alert id from the request status', async () => {
        const res = await send('POST', api, {
          message: 'Problem: High CPU on web-1',
          alias: '4711',
          description: 'Problem started at 10:00:00 on 2026.12.01\nHost: web-1\nSeverity: High',
          priority: 'P2',
          source: 'Zabbix',
          details: { 'Zabbix server': 'https://zabbix.example.com/', Problem: 'https://zabbix.example.com/tr_events.php?triggerid=13&eventid=4711' },
          responders: [{ type: 'team', name: 'Platform Ops' }],
          tags: ['scope:performance', 'host:web-1'],
        });
        expect(res.status).toBe(202);
        expect(typeof res.body.result).toBe('string');
        const status = await poll(res.body.requestId);
        expect(status.body.data).toMatchObject({ success: true, alertId: expect.any(String) });
        expect((await alertByAlias('4711')).id).toBe(status.body.data.alertId);
        // The event's link, {opsgenie_web}alert/detail/{alertId}, opens the alert in Vigil's web UI.
        const link = await fetch(`${t.baseUrl}/alert/detail/${status.body.data.alertId}`, { redirect: 'manual' });
        expect([link.status, link.headers.get('location')]).toEqual([302, `/alerts/${status.body.data.alertId}`]);
      });

      it('update: acknowledge, a note, unacknowledge and the recovery close, each by alias and polled', async () => {
        for (const [method, body] of [
          ['acknowledge', { user: 'Zabbix Administrator', note: 'Looking into it' }],
          ['notes', { user: 'Zabbix Administrator', note: 'Restarted php-fpm' }],
          ['unacknowledge', { user: 'Zabbix Administrator', note: 'Handing over' }],
          ['close', { user: '', note: 'Resolved in 5m: High CPU on web-1' }],
        ] as const) {
          const res = await send('POST', `${api}4711/${method}?identifierType=alias`, body);
          expect([method, res.status, typeof res.body.result]).toEqual([method, 202, 'string']);
          expect((await poll(res.body.requestId)).body.data.success).toBe(true);
        }
        expect((await alertByAlias('4711')).status).toBe('closed');
      });

      it('works unchanged under the Jira Service Management layout', async () => {
        const res = await send('POST', '/jsm/ops/integration/v2/alerts/', { message: 'Problem: Disk full', alias: '4712', source: 'Zabbix' });
        expect(res.status).toBe(202);
        expect((await send('GET', `/jsm/ops/integration/v2/alerts/requests/${res.body.requestId}`)).body.data.success).toBe(true);
      });
    });

    describe('Sentry OpsGenie integration (getsentry/sentry src/sentry/integrations/opsgenie/client.py)', () => {
      // base_url "https://api.opsgenie.com/" + "v2"; requests quotes the path, so the alias "sentry: 4711" arrives as "sentry:%204711".
      // Earlier releases (commit 08c5d6c6) install with authorize_integration + get_team_id and acknowledge on resolve;
      // current ones (commit 42099903) validate each key with get_alerts(limit=1) and close on resolve.
      it('install (current): validates each key with GET /v2/alerts?limit=1', async () => {
        const res = await send('GET', '/v2/alerts?limit=1');
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body.data)).toBe(true);
        expect((await send('GET', '/v2/alerts?limit=1', undefined, 'GenieKey not-a-key')).status).toBe(401);
      });

      it('install (earlier): authenticates the key and looks the team up by name', async () => {
        const auth = await send('POST', '/v2/integrations/authenticate', { type: 'sentry' });
        expect(auth.status).toBe(200);
        expect(auth.body).toMatchObject({ result: expect.any(String), requestId: expect.any(String) });
        const team = await send('GET', `/v2/teams/${encodeURIComponent('Platform Ops')}?identifierType=name`);
        expect(team.status).toBe(200);
        expect(team.body.data).toMatchObject({ id: expect.any(String), name: 'Platform Ops' });
        expect(team.body.data.members).toEqual([{ user: { id: expect.any(String), username: ADMIN_EMAIL }, role: 'user' }]);
        expect((await send('POST', '/v2/integrations/authenticate', { type: 'sentry' }, 'GenieKey wrong')).status).toBe(401);
        expect((await send('GET', '/v2/teams/Nobody?identifierType=name')).status).toBe(404);
      });

      it('alert: creates with alias "sentry: <group id>"; resolve acknowledges by that alias', async () => {
        const res = await send('POST', '/v2/alerts', {
          message: "TypeError: Cannot read properties of undefined (reading 'id')",
          source: 'Sentry',
          priority: 'P3',
          alias: 'sentry: 4711',
          entity: 'app/checkout.ts in submit',
          tags: ['level:error', 'environment:production'],
          details: { 'Sentry ID': '4711', 'Project ID': 'web', 'Issue URL': 'https://sentry.example.com/issues/4711/?referrer=opsgenie', 'Triggering Rules': 'Errors to on-call' },
        });
        expect(res.status).toBe(202);
        const ack = await send('POST', '/v2/alerts/sentry:%204711/acknowledge?identifierType=alias', {});
        expect(ack.status).toBe(202);
        expect((await send('GET', `/v2/alerts/requests/${ack.body.requestId}`)).body.data.success).toBe(true);
        expect((await alertByAlias('sentry: 4711')).status).toBe('acknowledged');
        // Encoded fully, the identifier is the same alert.
        expect((await send('GET', '/v2/alerts/sentry%3A%204711?identifierType=alias')).body.data).toMatchObject({ status: 'open', acknowledged: true });
        // Current releases close on resolve.
        const close = await send('POST', '/v2/alerts/sentry:%204711/close?identifierType=alias', {});
        expect(close.status).toBe(202);
        expect((await alertByAlias('sentry: 4711')).status).toBe('closed');
      });
    });

    describe('Grafana OpsGenie contact point (grafana/alerting receivers/opsgenie/v1/opsgenie.go)', () => {
      // APIUrl is the full ".../v2/alerts"; close is "{APIUrl}/{key.Hash()}/close?identifierType=alias" with {"source":"Grafana"}.
      const alias = createHash('sha256').update('{}/{__grafana_receiver__="ops"}:{alertname="HighLatency"}').digest('hex');
      it('creates, then closes by the group hash', async () => {
        const res = await send('POST', '/v2/alerts', {
          alias,
          message: '[FIRING:1] HighLatency (api)',
          description: '**Firing**\n\nValue: B=2.4\nLabels:\n - alertname = HighLatency\n',
          details: { url: 'http://grafana.example.com/alerting/list', alertname: 'HighLatency', og_priority: 'P1' },
          source: 'Grafana',
          tags: ['alertname:HighLatency', 'og_priority:P1'],
          priority: 'P1',
        });
        expect(res.status).toBe(202);
        expect(await alertByAlias(alias)).toMatchObject({ priority: 'P1', status: 'open' });
        const close = await send('POST', `/v2/alerts/${alias}/close?identifierType=alias`, { source: 'Grafana' });
        expect(close.status).toBe(202);
        expect((await alertByAlias(alias)).status).toBe('closed');
      });
    });

    describe('Alertmanager opsgenie_configs with update_alerts: true (prometheus/alertmanager notify/opsgenie/opsgenie.go)', () => {
      // api_url "http://vigil/opsgenie/": the notifier appends "v2/alerts" to the URL path, then per notification
      // POST create, PUT .../message and PUT .../description (identifierType=alias), in that order.
      const alias = createHash('sha256').update('{}:{alertname="QueueBacklog"}').digest('hex');
      const prefix = '/opsgenie/';
      it('create, update message, update description; any 2xx is success', async () => {
        const create = await send('POST', `${prefix}v2/alerts`, { alias, message: '[FIRING:1] QueueBacklog', description: 'backlog 1200', details: { alertname: 'QueueBacklog' }, source: 'http://am:9093/#/alerts?receiver=og' });
        expect(create.status).toBe(202);
        const message = await send('PUT', `${prefix}v2/alerts/${alias}/message?identifierType=alias`, { message: '[FIRING:2] QueueBacklog' });
        const description = await send('PUT', `${prefix}v2/alerts/${alias}/description?identifierType=alias`, { description: 'backlog 5400 on 2 queues' });
        expect([message.status, description.status]).toEqual([202, 202]);
        expect(await alertByAlias(alias)).toMatchObject({ message: '[FIRING:2] QueueBacklog', description: 'backlog 5400 on 2 queues' });
        // Next notification of the same group: same create (deduplicated), then the updates again.
        expect((await send('POST', `${prefix}v2/alerts`, { alias, message: '[FIRING:3] QueueBacklog', details: {}, source: 'am' })).status).toBe(202);
        expect((await send('PUT', `${prefix}v2/alerts/${alias}/message?identifierType=alias`, { message: '[FIRING:3] QueueBacklog' })).status).toBe(202);
        expect((await send('PUT', `${prefix}v2/alerts/${alias}/description?identifierType=alias`, { description: '' })).status).toBe(202);
        expect(await alertByAlias(alias)).toMatchObject({ message: '[FIRING:3] QueueBacklog', count: 2 });
        expect((await send('POST', `${prefix}v2/alerts/${alias}/close?identifierType=alias`, { source: 'am' })).status).toBe(202);
        expect((await alertByAlias(alias)).status).toBe('closed');
      });

      it('also when api_url has a path without a trailing slash (string concatenation)', async () => {
        expect((await send('POST', '/opsgeniev2/alerts', { alias: 'concat', message: 'x' })).status).toBe(202);
        expect(await alertByAlias('concat')).toBeDefined();
      });
    });

    describe('Go SDK v2, the Terraform provider’s client (opsgenie/opsgenie-go-sdk-v2 client/client.go, alert/*.go)', () => {
      it('reads X-Request-Id, X-RateLimit-State and X-Response-Time on every answer', async () => {
        const res = await send('POST', '/v2/alerts', { message: 'From Terraform', alias: 'tf-1' });
        expect(res.status).toBe(202);
        expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
        expect(res.headers.get('x-ratelimit-state')).toBe('OK');
        expect(Number.parseFloat(res.headers.get('x-response-time') ?? '')).toBeGreaterThanOrEqual(0);
        const err = await send('GET', '/v2/alerts/tf-nope?identifierType=alias');
        expect(err.status).toBe(404);
        expect(err.headers.get('x-request-id')).toBe(err.body.requestId);
        expect(err.body).toEqual({ message: expect.any(String), took: expect.any(Number), requestId: expect.any(String) });
        const got = await send('GET', '/v2/alerts/tf-1?identifierType=alias');
        expect(got.headers.get('x-request-id')).toBe(got.body.requestId);
        expect(Number.parseFloat(got.headers.get('x-response-time') ?? '0')).toBeGreaterThan(0);
      });

      it('RetrieveStatus: 404 with X-Opsgenie-Errortype RequestNotProcessed while pending, then 200', async () => {
        // A request id minted now whose entry is not applied yet (the queue applies it right after).
        const pending = await send('GET', `/v2/alerts/requests/${newId(t.vigil.core.clock.now())}`);
        expect(pending.status).toBe(404);
        expect(pending.headers.get('x-opsgenie-errortype')).toBe('RequestNotProcessed');
        const unknown = await send('GET', '/v2/alerts/requests/not-a-request');
        expect([unknown.status, unknown.headers.get('x-opsgenie-errortype')]).toEqual([404, null]);
        const created = await send('POST', '/v2/alerts', { message: 'From Terraform 2', alias: 'tf-2' });
        const done = await send('GET', `/v2/alerts/requests/${created.body.requestId}`);
        expect(done.status).toBe(200);
        expect(done.body.data).toMatchObject({ isSuccess: true, action: 'Create', alertId: expect.any(String), alias: 'tf-2', processedAt: expect.any(String), status: expect.any(String) });
      });

      it('422 carries {message, took, requestId, errors}', async () => {
        const res = await send('POST', '/v2/alerts', { message: '' });
        expect(res.status).toBe(422);
        expect(res.body).toEqual({ message: expect.any(String), errors: { message: expect.any(String) }, took: expect.any(Number), requestId: expect.any(String) });
      });

      it('count, notes, logs and recipients', async () => {
        const count = await send('GET', '/v2/alerts/count?query=alias%3Atf-2');
        expect(count.body).toMatchObject({ data: { count: 1 } });
        await send('POST', '/v2/alerts/tf-2/notes?identifierType=alias', { note: 'planned', user: 'terraform' });
        const notes = await send('GET', '/v2/alerts/tf-2/notes?identifierType=alias&order=asc&limit=100');
        expect(notes.body.data).toEqual([{ note: 'planned', owner: 'terraform', createdAt: expect.any(String), offset: expect.any(String) }]);
        const logs = await send('GET', '/v2/alerts/tf-2/logs?identifierType=alias&order=asc');
        expect(logs.body.data[0]).toMatchObject({ log: expect.any(String), type: expect.any(String), owner: expect.any(String), createdAt: expect.any(String) });
        const recipients = await send('GET', '/v2/alerts/tf-2/recipients?identifierType=alias');
        expect([recipients.status, Array.isArray(recipients.body.data)]).toEqual([200, true]);
      });
    });

    describe('the read side: who is on call, schedules, heartbeats (integration key or API token)', () => {
      let scheduleId = '';
      beforeAll(async () => {
        const s = await t.api('POST', '/api/v1/schedules', { body: { name: 'Platform Primary', slug: 'platform-primary', teamId: 'platform', timeZone: 'UTC', layers: [{ name: 'Weekly', participants: [ADMIN_EMAIL], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: '2020-01-06' }] } });
        expect(s.status).toBe(201);
        scheduleId = s.body.id ?? s.body.schedule?.id;
        expect((await t.api('POST', '/api/v1/services/core/heartbeats', { body: { name: 'nightly-backup', intervalSeconds: 3600 } })).status).toBe(201);
      });

      it('GET /v2/schedules/{name}/on-calls?scheduleIdentifierType=name&flat=true (the Slack bot’s call)', async () => {
        const flat = await send('GET', `/v2/schedules/${encodeURIComponent('Platform Primary')}/on-calls?scheduleIdentifierType=name&flat=true`);
        expect(flat.status).toBe(200);
        expect(flat.body.data).toEqual({ _parent: { id: scheduleId, name: 'Platform Primary', enabled: true }, onCallRecipients: [ADMIN_EMAIL] });
        const full = await send('GET', `/v2/schedules/${scheduleId}/on-calls`);
        expect(full.body.data.onCallParticipants).toEqual([{ id: expect.any(String), name: ADMIN_EMAIL, type: 'user' }]);
        // The Go SDK's date format.
        const dated = await send('GET', `/v2/schedules/${scheduleId}/on-calls?flat=true&date=2021-03-01T10:00:00.000Z`);
        expect(dated.body.data.onCallRecipients).toEqual([ADMIN_EMAIL]);
      });

      it('with an API token instead of the integration key', async () => {
        const { token } = await t.createUserWithToken('stakeholder');
        const res = await send('GET', '/v2/schedules/platform-primary/on-calls?flat=true', undefined, `GenieKey ${token}`);
        expect(res.body.data.onCallRecipients).toEqual([ADMIN_EMAIL]);
        expect((await send('GET', '/v2/schedules', undefined, `Bearer ${token}`)).status).toBe(200);
        expect((await send('GET', '/v2/schedules', undefined, 'GenieKey vgl_revoked_or_unknown')).status).toBe(401);
        // Reading is enough for on-calls; a heartbeat ping is a write.
        expect((await send('GET', '/v2/heartbeats/nightly-backup/ping', undefined, `GenieKey ${token}`)).status).toBe(403);
        const responder = await t.createUserWithToken('responder');
        expect((await send('GET', '/v2/heartbeats/nightly-backup/ping', undefined, `GenieKey ${responder.token}`)).status).toBe(202);
      });

      it('lists schedules and gets one by name', async () => {
        const list = await send('GET', '/v2/schedules?expand=rotation');
        expect(list.body.data).toEqual([expect.objectContaining({ id: scheduleId, name: 'Platform Primary', timezone: 'UTC', enabled: true, ownerTeam: { id: expect.any(String), name: 'Platform Ops' }, rotations: [expect.objectContaining({ name: 'Weekly' })] })]);
        expect((await send('GET', '/v2/schedules/Platform%20Primary?identifierType=name')).body.data.id).toBe(scheduleId);
        expect((await send('GET', '/v2/schedules/nope/on-calls')).status).toBe(404);
      });

      it('pings (GET and POST) and gets a heartbeat', async () => {
        for (const method of ['GET', 'POST']) {
          const ping = await send(method, '/v2/heartbeats/nightly-backup/ping');
          expect([ping.status, ping.body.result]).toEqual([202, 'PONG - Heartbeat received']);
        }
        const hb = await send('GET', '/v2/heartbeats/nightly-backup');
        expect(hb.body.data).toMatchObject({ name: 'nightly-backup', interval: 1, intervalUnit: 'hours', enabled: true, expired: false, lastPingTime: expect.any(String) });
        expect((await send('GET', '/v2/heartbeats')).body.data.heartbeats.map((h: { name: string }) => h.name)).toEqual(['nightly-backup']);
        expect((await send('GET', '/v2/heartbeats/nope')).status).toBe(404);
      });
    });

    describe('PagerDuty Events API v1 (generic/2010-04-15/create_event.json)', () => {
      let serviceKey = '';
      beforeAll(async () => {
        serviceKey = (await t.api('POST', '/api/v1/services/core/integrations', { body: { name: 'Legacy PD', type: 'pagerduty' } })).body.key;
      });
      const v1 = (body: unknown) => t.api('POST', '/generic/2010-04-15/create_event.json', { token: null, ...(typeof body === 'string' ? { rawBody: body } : { body }) });

      it('trigger, acknowledge, resolve by incident_key, answered as PagerDuty does', async () => {
        const trigger = await v1({ service_key: serviceKey, event_type: 'trigger', incident_key: 'db/replication', description: 'Replication lag 300s', client: 'Nagios', client_url: 'https://nagios.example.com', details: { lag: 300 } });
        expect(trigger.status).toBe(200);
        expect(trigger.body).toEqual({ status: 'success', message: 'Event processed', incident_key: 'db/replication' });
        expect(await alertByAlias('db/replication')).toMatchObject({ status: 'open', message: 'Replication lag 300s', details: expect.objectContaining({ lag: '300' }) });
        expect((await v1({ service_key: serviceKey, event_type: 'acknowledge', incident_key: 'db/replication' })).status).toBe(200);
        expect((await alertByAlias('db/replication')).status).toBe('acknowledged');
        expect((await v1({ service_key: serviceKey, event_type: 'resolve', incident_key: 'db/replication', description: 'lag back to 0' })).body.incident_key).toBe('db/replication');
        expect((await alertByAlias('db/replication')).status).toBe('closed');
      });

      it('a trigger without incident_key gets one', async () => {
        const res = await v1({ service_key: serviceKey, event_type: 'trigger', description: 'No key' });
        expect(res.body.incident_key).toMatch(/.+/);
      });

      it.each([
        ['malformed JSON', '{"service_key":'],
        ['no service key', { event_type: 'trigger', description: 'x' }],
        ['an unknown service key', { service_key: 'x'.repeat(32), event_type: 'trigger', description: 'x' }],
        ['a bad event_type', { service_key: 'KEY', event_type: 'explode' }],
        ['a trigger without description', { service_key: 'KEY', event_type: 'trigger' }],
        ['a resolve without incident_key', { service_key: 'KEY', event_type: 'resolve' }],
        ['details of the wrong type', { service_key: 'KEY', event_type: 'trigger', description: 'x', details: 5 }],
      ])('answers %s with 400 and PagerDuty’s error body', async (_n, body) => {
        const b = typeof body === 'string' ? body : JSON.parse(JSON.stringify(body).replace('"KEY"', JSON.stringify(serviceKey)));
        const res = await v1(b);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ status: 'invalid event', message: expect.any(String), errors: expect.any(Array) });
      });
    });

    describe('bad input: a 4xx in OpsGenie’s shape, never a 500', () => {
      it.each([
        ['an unknown path', 'GET', '/v2/alerts/x/nothing-here', undefined, 404],
        ['an unknown resource path', 'POST', '/v2/teams/x/whatever', {}, 404],
        ['a bad schedule identifier type', 'GET', '/v2/schedules/x/on-calls?scheduleIdentifierType=tiny', undefined, 422],
        ['a bad flat', 'GET', '/v2/schedules/platform-primary/on-calls?flat=maybe', undefined, 422],
        ['a bad date', 'GET', '/v2/schedules/platform-primary/on-calls?date=yesterday', undefined, 422],
        ['a bad team identifier type', 'GET', '/v2/teams/x?identifierType=alias', undefined, 422],
        ['a bad notes limit', 'GET', '/v2/alerts/tf-2/notes?identifierType=alias&limit=1000', undefined, 422],
        ['notes of an unknown alert', 'GET', '/v2/alerts/nope/notes?identifierType=alias', undefined, 404],
        ['a bad count query', 'GET', '/v2/alerts/count?query=a%20OR%20b', undefined, 422],
        ['an unencoded percent sign', 'GET', '/v2/alerts/100%-cpu?identifierType=alias', undefined, 404],
        ['malformed authenticate JSON', 'POST', '/v2/integrations/authenticate', '{"type":', 400],
        ['a non-object authenticate body', 'POST', '/v2/integrations/authenticate', '[1]', 400],
        ['an update without a message', 'PUT', '/v2/alerts/tf-2/message?identifierType=alias', {}, 422],
        ['no key on a read', 'GET', '/v2/schedules', undefined, 401],
      ])('%s', async (name, method, path, body, status) => {
        const res = await send(method, path, body, name === 'no key on a read' ? null : `GenieKey ${key}`);
        expect(res.status).toBe(status);
        expect(res.body).toMatchObject({ message: expect.any(String), took: expect.any(Number), requestId: expect.any(String) });
      });
    });
  });
}

/**
 * A real Prometheus Alertmanager 0.25 (Debian's prometheus-alertmanager) drives Vigil's intake through its
 * three stock receivers at once: `webhook_configs` -> /hooks/alertmanager/<key>, `opsgenie_configs` with
 * api_url = Vigil's base URL (the OpsGenie API at the root) and `pagerduty_configs` with url = /v2/enqueue.
 *
 * The scenario is the recorded one (../shared/reference/alertmanager-0.25/README.md): two alerts of one group
 * fire, then resolve one after the other. It proves, per receiver:
 *   - webhook: one Vigil alert per Alertmanager alert (alias am-<fingerprint>); a partial resolve closes only
 *     the resolved alert, the full resolve closes the other;
 *   - OpsGenie: ONE alert for the group (alias sha256(groupKey)), deduplicated on every notification,
 *     closed only when the whole group resolved (POST /v2/alerts/<alias>/close?identifierType=alias);
 *   - PagerDuty: ONE alert for the group (dedup_key sha256(groupKey)), closed only on the final `resolve`;
 *   - Alertmanager saw a 2xx for every notification (no failed or retried attempt in its log).
 *
 * Real clock, SQLite, the engine running. Skipped with a notice when the binary is missing, unless
 * VIGIL_TEST_REQUIRE_ALERTMANAGER=1.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import {
  amtoolAddAlert,
  eventually,
  MISSING_REASON,
  REQUIRE_ALERTMANAGER,
  rfc3339,
  startAlertmanager,
  type AmtoolAlert,
  type RunningAlertmanager,
} from './alertmanager-process.js';

if (MISSING_REASON) {
  if (REQUIRE_ALERTMANAGER) {
    describe('real Alertmanager intake', () => {
      it('needs prometheus-alertmanager (VIGIL_TEST_REQUIRE_ALERTMANAGER=1)', () => {
        throw new Error(MISSING_REASON);
      });
    });
  } else {
    console.warn(`\n[vigil] ${MISSING_REASON}\n`);
  }
}

// The labels of the recording, so the identities are the recorded ones.
const COMMON = { alertname: 'HarnessHighErrorRate', severity: 'critical', service: 'checkout' };
const A1 = { ...COMMON, instance: 'web-1' };
const A2 = { ...COMMON, instance: 'web-2' };
/** Alertmanager's fingerprints of A1 and A2 (FNV-1a over the sorted labels; stable, see the recording). */
const FP1 = '0199bc39f58034e4';
const FP2 = '7a675a66b498fc25';
/**
 * Group keys: the route key (`{}` for the root, then `/` + each child route's matchers) + `:` + the group labels;
 * OpsGenie's alias and PagerDuty's dedup_key are sha256(groupKey) in hex. The OpsGenie route has no matchers,
 * as in the recording (so its alias is the recorded 09f914e7…). The PagerDuty route carries an always-true
 * matcher only to get a group key of its own: Vigil keys open alerts by service + alias whatever the
 * integration, so with the recorded layout (both routes `{}/{}`) the PagerDuty events deduplicate into the
 * OpsGenie alert of the same service and there is no per-receiver alert to check.
 */
const PD_MATCHER = 'alertname=~".+"';
/** sha256('{}/{}:{alertname="HarnessHighErrorRate", service="checkout"}'), as recorded. */
const OG_GROUP_HASH = '09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a';
const PD_GROUP_HASH = createHash('sha256').update(`{}/{${PD_MATCHER}}:{alertname="HarnessHighErrorRate", service="checkout"}`).digest('hex');

const STEP_TIMEOUT_MS = 15_000;

interface VigilAlert {
  id: string;
  alias: string;
  status: 'open' | 'acknowledged' | 'closed';
  count: number;
  integrationId: string | null;
  message: string;
}

describe.skipIf(MISSING_REASON !== undefined)('real Alertmanager 0.25 -> Vigil intake (webhook, OpsGenie, PagerDuty receivers)', () => {
  let t: TestApp;
  let am: RunningAlertmanager;
  const integrationIds: Record<'webhook' | 'opsgenie' | 'pagerduty', string> = { webhook: '', opsgenie: '', pagerduty: '' };
  let firedAt = 0;

  beforeAll(async () => {
    t = await startTestApp({ dialect: 'sqlite' });
    expect((await t.api('POST', '/api/v1/teams', { body: { name: 'Checkout' } })).status).toBe(201);
    expect((await t.api('POST', '/api/v1/services', { body: { name: 'Checkout API', slug: 'checkout-api', teamId: 'checkout' } })).status).toBe(201);
    const keys: Record<string, string> = {};
    for (const [name, type] of [
      ['webhook', 'alertmanager'],
      ['opsgenie', 'opsgenie'],
      ['pagerduty', 'pagerduty'],
    ] as const) {
      const res = await t.api('POST', '/api/v1/services/checkout-api/integrations', { body: { name: `Alertmanager ${name}`, type } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      keys[name] = res.body.key;
      integrationIds[name] = res.body.integration.id;
    }
    am = await startAlertmanager({
      route: {
        receiver: 'blackhole',
        group_by: ['alertname', 'service'],
        group_wait: '1s',
        group_interval: '1s',
        repeat_interval: '4h',
        routes: [
          { receiver: 'webhook', continue: true },
          { receiver: 'opsgenie', continue: true },
          { receiver: 'pagerduty', continue: true, matchers: [PD_MATCHER] },
        ],
      },
      receivers: [
        { name: 'blackhole' },
        { name: 'webhook', webhook_configs: [{ url: `${t.baseUrl}/hooks/alertmanager/${keys.webhook}`, send_resolved: true }] },
        { name: 'opsgenie', opsgenie_configs: [{ api_url: `${t.baseUrl}/`, api_key: keys.opsgenie, send_resolved: true }] },
        { name: 'pagerduty', pagerduty_configs: [{ url: `${t.baseUrl}/v2/enqueue`, routing_key: keys.pagerduty, send_resolved: true }] },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await am?.stop();
    await t?.close();
  });

  const list = async (): Promise<VigilAlert[]> => {
    const res = await t.api('GET', '/api/v1/alerts?service=checkout-api&limit=100');
    expect(res.status).toBe(200);
    return res.body.data as VigilAlert[];
  };
  const byReceiver = (alerts: VigilAlert[]) => ({
    webhook: alerts.filter((a) => a.integrationId === integrationIds.webhook).sort((a, b) => a.alias.localeCompare(b.alias)),
    opsgenie: alerts.filter((a) => a.integrationId === integrationIds.opsgenie),
    pagerduty: alerts.filter((a) => a.integrationId === integrationIds.pagerduty),
  });
  type State = ReturnType<typeof byReceiver>;

  /** Waits until `ok` holds for Vigil's alerts of the service; the failure shows the last state and AM's log tail. */
  const waitForState = async (what: string, ok: (s: State) => boolean): Promise<State> => {
    let last: State | undefined;
    return eventually(
      async () => {
        last = byReceiver(await list());
        return ok(last) ? last : undefined;
      },
      STEP_TIMEOUT_MS,
      () =>
        `${what}\nlast state: ${JSON.stringify(last, ['webhook', 'opsgenie', 'pagerduty', 'alias', 'status', 'count'], 1)}\nAlertmanager log (tail):\n${am
          .output()
          .split('\n')
          .filter((l) => !l.includes('msg=flushing'))
          .slice(-30)
          .join('\n')}`,
    );
  };

  const fire = (labels: Record<string, string>, extra: Partial<AmtoolAlert> = {}) =>
    amtoolAddAlert(am.url, {
      labels,
      annotations: {
        summary: `High error rate on ${labels.instance}`,
        description: 'More than 5% of requests fail.',
        runbook_url: 'https://runbooks.example.com/high-error-rate',
      },
      generatorUrl: 'http://prometheus.example.com/graph?g0.expr=rate',
      start: rfc3339(firedAt),
      ...extra,
    });
  /** Sends the alert again with an end time in the past: Alertmanager resolves it. */
  const resolve = (labels: Record<string, string>) => fire(labels, { end: rfc3339(Date.now() - 1000) });

  it('step 1: A1 fires -> one alert per receiver', async () => {
    firedAt = Date.now();
    await fire(A1);
    const s = await waitForState('A1 on every receiver', (x) => x.webhook.length === 1 && x.opsgenie.length === 1 && x.pagerduty.length === 1);
    expect(s.webhook.map((a) => [a.alias, a.status])).toEqual([[`am-${FP1}`, 'open']]);
    expect(s.webhook[0]!.message).toBe('High error rate on web-1');
    expect(s.opsgenie[0]).toMatchObject({ alias: OG_GROUP_HASH, status: 'open', count: 1 });
    expect(s.opsgenie[0]!.message).toBe('[FIRING:1] HarnessHighErrorRate checkout (web-1 critical)');
    expect(s.pagerduty[0]).toMatchObject({ alias: PD_GROUP_HASH, status: 'open', count: 1 });
  });

  it('step 2: A2 fires in the same group -> a second webhook alert; OpsGenie and PagerDuty deduplicate into the group alert', async () => {
    await fire(A2);
    const s = await waitForState(
      'A2 on every receiver',
      (x) => x.webhook.length === 2 && (x.opsgenie[0]?.count ?? 0) >= 2 && (x.pagerduty[0]?.count ?? 0) >= 2,
    );
    expect(s.webhook.map((a) => [a.alias, a.status])).toEqual([
      [`am-${FP1}`, 'open'],
      [`am-${FP2}`, 'open'],
    ]);
    expect(s.opsgenie).toHaveLength(1);
    expect(s.opsgenie[0]).toMatchObject({ alias: OG_GROUP_HASH, status: 'open', message: '[FIRING:2] HarnessHighErrorRate checkout (critical)' });
    expect(s.pagerduty).toHaveLength(1);
    expect(s.pagerduty[0]).toMatchObject({ alias: PD_GROUP_HASH, status: 'open' });
  });

  it('step 3: A1 resolves -> only A1 closes; the group alerts stay open (partial resolve is not a close)', async () => {
    await resolve(A1);
    // The step-3 notification is in when the webhook closed A1 and both group alerts counted another update.
    const s = await waitForState(
      'A1 resolved on every receiver',
      (x) => x.webhook.find((a) => a.alias === `am-${FP1}`)?.status === 'closed' && (x.opsgenie[0]?.count ?? 0) >= 3 && (x.pagerduty[0]?.count ?? 0) >= 3,
    );
    expect(s.webhook.map((a) => [a.alias, a.status])).toEqual([
      [`am-${FP1}`, 'closed'],
      [`am-${FP2}`, 'open'],
    ]);
    expect(s.opsgenie).toHaveLength(1);
    expect(s.opsgenie[0]).toMatchObject({ alias: OG_GROUP_HASH, status: 'open', message: '[FIRING:1] HarnessHighErrorRate checkout (critical)' });
    expect(s.pagerduty).toHaveLength(1);
    expect(s.pagerduty[0]).toMatchObject({ alias: PD_GROUP_HASH, status: 'open' });
  });

  it('step 4: A2 resolves -> everything is closed, nothing was created twice', async () => {
    await resolve(A2);
    const s = await waitForState(
      'the whole group resolved on every receiver',
      (x) =>
        x.webhook.length === 2 &&
        x.opsgenie.length === 1 &&
        x.pagerduty.length === 1 &&
        [...x.webhook, ...x.opsgenie, ...x.pagerduty].every((a) => a.status === 'closed'),
    );
    expect(s.webhook.map((a) => [a.alias, a.status])).toEqual([
      [`am-${FP1}`, 'closed'],
      [`am-${FP2}`, 'closed'],
    ]);
    expect(s.opsgenie.map((a) => [a.alias, a.status])).toEqual([[OG_GROUP_HASH, 'closed']]);
    expect(s.pagerduty.map((a) => [a.alias, a.status])).toEqual([[PD_GROUP_HASH, 'closed']]);
    // Nothing else reached the service (no alert without an integration, no stray receiver).
    expect(await list()).toHaveLength(4);
    // Every notification was answered 2xx at the first attempt.
    expect(am.output()).not.toMatch(/Notify (attempt|for alerts) failed|notify retry canceled/);
  });
});

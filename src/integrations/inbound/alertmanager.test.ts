import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AlertEvent, TriggerEvent } from '../../core/alerts/intake.js';
import { labelsHash, parseWebhook, priorityFromLabels } from './alertmanager.js';
import { matchAlertActionRoute, parseAlertAction, parseCreateAlert, parseIdentifier, actionToEvent } from './opsgenie.js';
import { parseEvent } from './pagerduty.js';

interface Recorded {
  seq: number;
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: string;
}

/**
 * Verbatim copy (seq, method, path, headers, raw body) of ../shared/reference/alertmanager-0.25/*.jsonl:
 * what a real Alertmanager 0.25.0 sent to its webhook, OpsGenie and PagerDuty receivers in the 4-step
 * scenario (A1 fires, A2 fires, A1 resolves, A2 resolves). Kept in the repo so the suite runs anywhere; the
 * first test checks it still matches the shared recording when that is present.
 */
const RECORDED: Record<'webhook' | 'opsgenie' | 'pagerduty', Recorded[]> = {
  webhook: [
    {
      seq: 1,
      method: 'POST',
      path: '/webhook',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '1156'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"receiver":"webhook","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HarnessHighErrorRate","instance":"web-1","service":"checkout","severity":"critical"},"annotations":{"description":"checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.","runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate","summary":"High 5xx error rate on checkout (web-1)"},"startsAt":"2026-11-27T19:28:29Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29","fingerprint":"0199bc39f58034e4"}],"groupLabels":{"alertname":"HarnessHighErrorRate","service":"checkout"},"commonLabels":{"alertname":"HarnessHighErrorRate","instance":"web-1","service":"checkout","severity":"critical"},"commonAnnotations":{"description":"checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.","runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate","summary":"High 5xx error rate on checkout (web-1)"},"externalURL":"http://127.0.0.1:47587","version":"4","groupKey":"{}/{}:{alertname=\\"HarnessHighErrorRate\\", service=\\"checkout\\"}","truncatedAlerts":0}\n',
    },
    {
      seq: 4,
      method: 'POST',
      path: '/webhook',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '1546'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"receiver":"webhook","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HarnessHighErrorRate","instance":"web-1","service":"checkout","severity":"critical"},"annotations":{"description":"checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.","runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate","summary":"High 5xx error rate on checkout (web-1)"},"startsAt":"2026-11-27T19:28:29Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29","fingerprint":"0199bc39f58034e4"},{"status":"firing","labels":{"alertname":"HarnessHighErrorRate","instance":"web-2","service":"checkout","severity":"critical"},"annotations":{"description":"checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.","runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate","summary":"High 5xx error rate on checkout (web-2)"},"startsAt":"2026-11-27T19:28:31Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29","fingerprint":"7a675a66b498fc25"}],"groupLabels":{"alertname":"HarnessHighErrorRate","service":"checkout"},"commonLabels":{"alertname":"HarnessHighErrorRate","service":"checkout","severity":"critical"},"commonAnnotations":{"runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate"},"externalURL":"http://127.0.0.1:47587","version":"4","groupKey":"{}/{}:{alertname=\\"HarnessHighErrorRate\\", service=\\"checkout\\"}","truncatedAlerts":0}\n',
    },
    {
      seq: 7,
      method: 'POST',
      path: '/webhook',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '1548'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"receiver":"webhook","status":"firing","alerts":[{"status":"resolved","labels":{"alertname":"HarnessHighErrorRate","instance":"web-1","service":"checkout","severity":"critical"},"annotations":{"description":"checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.","runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate","summary":"High 5xx error rate on checkout (web-1)"},"startsAt":"2026-11-27T19:28:29Z","endsAt":"2026-11-27T19:28:33Z","generatorURL":"http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29","fingerprint":"0199bc39f58034e4"},{"status":"firing","labels":{"alertname":"HarnessHighErrorRate","instance":"web-2","service":"checkout","severity":"critical"},"annotations":{"description":"checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.","runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate","summary":"High 5xx error rate on checkout (web-2)"},"startsAt":"2026-11-27T19:28:31Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29","fingerprint":"7a675a66b498fc25"}],"groupLabels":{"alertname":"HarnessHighErrorRate","service":"checkout"},"commonLabels":{"alertname":"HarnessHighErrorRate","service":"checkout","severity":"critical"},"commonAnnotations":{"runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate"},"externalURL":"http://127.0.0.1:47587","version":"4","groupKey":"{}/{}:{alertname=\\"HarnessHighErrorRate\\", service=\\"checkout\\"}","truncatedAlerts":0}\n',
    },
    {
      seq: 10,
      method: 'POST',
      path: '/webhook',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '1160'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"receiver":"webhook","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"HarnessHighErrorRate","instance":"web-2","service":"checkout","severity":"critical"},"annotations":{"description":"checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.","runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate","summary":"High 5xx error rate on checkout (web-2)"},"startsAt":"2026-11-27T19:28:31Z","endsAt":"2026-11-27T19:28:35Z","generatorURL":"http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29","fingerprint":"7a675a66b498fc25"}],"groupLabels":{"alertname":"HarnessHighErrorRate","service":"checkout"},"commonLabels":{"alertname":"HarnessHighErrorRate","instance":"web-2","service":"checkout","severity":"critical"},"commonAnnotations":{"description":"checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.","runbook_url":"https://runbooks.example.invalid/checkout/high-error-rate","summary":"High 5xx error rate on checkout (web-2)"},"externalURL":"http://127.0.0.1:47587","version":"4","groupKey":"{}/{}:{alertname=\\"HarnessHighErrorRate\\", service=\\"checkout\\"}","truncatedAlerts":0}\n',
    },
  ],
  opsgenie: [
    {
      seq: 2,
      method: 'POST',
      path: '/v2/alerts',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '937'],
        ['Authorization', 'GenieKey dummy-opsgenie-api-key'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"alias":"09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a","message":"[FIRING:1] HarnessHighErrorRate checkout (web-1 critical)","description":"checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes. https://runbooks.example.invalid/checkout/high-error-rate High 5xx error rate on checkout (web-1)\\nAlerts Firing:\\nLabels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-1\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-1)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n\\n","details":{"alertname":"HarnessHighErrorRate","instance":"web-1","service":"checkout","severity":"critical"},"source":"http://127.0.0.1:47587/#/alerts?receiver=opsgenie"}\n',
    },
    {
      seq: 5,
      method: 'POST',
      path: '/v2/alerts',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '1232'],
        ['Authorization', 'GenieKey dummy-opsgenie-api-key'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"alias":"09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a","message":"[FIRING:2] HarnessHighErrorRate checkout (critical)","description":"https://runbooks.example.invalid/checkout/high-error-rate\\nAlerts Firing:\\nLabels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-1\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-1)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\nLabels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-2\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-2)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n\\n","details":{"alertname":"HarnessHighErrorRate","service":"checkout","severity":"critical"},"source":"http://127.0.0.1:47587/#/alerts?receiver=opsgenie"}\n',
    },
    {
      seq: 8,
      method: 'POST',
      path: '/v2/alerts',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '1250'],
        ['Authorization', 'GenieKey dummy-opsgenie-api-key'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"alias":"09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a","message":"[FIRING:1] HarnessHighErrorRate checkout (critical)","description":"https://runbooks.example.invalid/checkout/high-error-rate\\nAlerts Firing:\\nLabels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-2\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-2)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n\\nAlerts Resolved:\\nLabels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-1\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-1)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n","details":{"alertname":"HarnessHighErrorRate","service":"checkout","severity":"critical"},"source":"http://127.0.0.1:47587/#/alerts?receiver=opsgenie"}\n',
    },
    {
      seq: 11,
      method: 'POST',
      path: '/v2/alerts/09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a/close?identifierType=alias',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '63'],
        ['Authorization', 'GenieKey dummy-opsgenie-api-key'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"source":"http://127.0.0.1:47587/#/alerts?receiver=opsgenie"}\n',
    },
  ],
  pagerduty: [
    {
      seq: 3,
      method: 'POST',
      path: '/v2/enqueue',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '869'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"routing_key":"dummy-pagerduty-routing-key","dedup_key":"09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a","event_action":"trigger","payload":{"summary":"[FIRING:1] HarnessHighErrorRate checkout (web-1 critical)","source":"Alertmanager","severity":"error","custom_details":{"firing":"Labels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-1\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-1)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n","num_firing":"1","num_resolved":"0","resolved":""}},"client":"Alertmanager","client_url":"http://127.0.0.1:47587/#/alerts?receiver=pagerduty"}\n',
    },
    {
      seq: 6,
      method: 'POST',
      path: '/v2/enqueue',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '1286'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"routing_key":"dummy-pagerduty-routing-key","dedup_key":"09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a","event_action":"trigger","payload":{"summary":"[FIRING:2] HarnessHighErrorRate checkout (critical)","source":"Alertmanager","severity":"error","custom_details":{"firing":"Labels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-1\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-1)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\nLabels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-2\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-2)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n","num_firing":"2","num_resolved":"0","resolved":""}},"client":"Alertmanager","client_url":"http://127.0.0.1:47587/#/alerts?receiver=pagerduty"}\n',
    },
    {
      seq: 9,
      method: 'POST',
      path: '/v2/enqueue',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '1286'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"routing_key":"dummy-pagerduty-routing-key","dedup_key":"09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a","event_action":"trigger","payload":{"summary":"[FIRING:1] HarnessHighErrorRate checkout (critical)","source":"Alertmanager","severity":"error","custom_details":{"firing":"Labels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-2\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-2)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n","num_firing":"1","num_resolved":"1","resolved":"Labels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-1\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-1)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n"}},"client":"Alertmanager","client_url":"http://127.0.0.1:47587/#/alerts?receiver=pagerduty"}\n',
    },
    {
      seq: 12,
      method: 'POST',
      path: '/v2/enqueue',
      headers: [
        ['Host', '127.0.0.1:40971'],
        ['User-Agent', 'Alertmanager/0.25.0'],
        ['Content-Length', '869'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"routing_key":"dummy-pagerduty-routing-key","dedup_key":"09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a","event_action":"resolve","payload":{"summary":"[RESOLVED] HarnessHighErrorRate checkout (web-2 critical)","source":"Alertmanager","severity":"error","custom_details":{"firing":"","num_firing":"0","num_resolved":"1","resolved":"Labels:\\n - alertname = HarnessHighErrorRate\\n - instance = web-2\\n - service = checkout\\n - severity = critical\\nAnnotations:\\n - description = checkout on web-2 returns more than 5% HTTP 5xx for 5 minutes.\\n - runbook_url = https://runbooks.example.invalid/checkout/high-error-rate\\n - summary = High 5xx error rate on checkout (web-2)\\nSource: http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29\\n"}},"client":"Alertmanager","client_url":"http://127.0.0.1:47587/#/alerts?receiver=pagerduty"}\n',
    },
  ],
};

const bodyOf = (r: Recorded): unknown => JSON.parse(r.body);
const header = (r: Recorded, name: string): string | undefined => r.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

const A1 = 'am-0199bc39f58034e4';
const A2 = 'am-7a675a66b498fc25';
const GROUP_KEY = '{}/{}:{alertname="HarnessHighErrorRate", service="checkout"}';
const GROUP_HASH = '09f914e79126c5463422eed990e4d9eb7fcd991d5eec2f54f4952fb778dd577a';

/** A minimal stand-in for the ingest use case: dedup by alias among open alerts, close by alias. */
class AlertBook {
  readonly alerts = new Map<string, { status: 'open' | 'closed'; count: number; message: string }>();
  apply(events: AlertEvent[]): void {
    for (const e of events) {
      if (e.action === 'trigger') {
        const current = e.alias ? this.alerts.get(e.alias) : undefined;
        if (current?.status === 'open') current.count += 1;
        else this.alerts.set(e.alias ?? `generated-${this.alerts.size}`, { status: 'open', count: 1, message: e.message });
      } else if (e.action === 'close') {
        const current = this.alerts.get(e.alias);
        if (current?.status === 'open') current.status = 'closed';
      }
    }
  }
  with(status: 'open' | 'closed'): string[] {
    return [...this.alerts].filter(([, a]) => a.status === status).map(([alias]) => alias);
  }
}

describe('recorded Alertmanager 0.25 requests', () => {
  const shared = new URL('../../../../shared/reference/alertmanager-0.25/', import.meta.url);
  it.skipIf(!existsSync(shared))('the embedded copy matches the shared recording byte for byte', () => {
    for (const name of ['webhook', 'opsgenie', 'pagerduty'] as const) {
      const lines = readFileSync(new URL(`${name}.jsonl`, shared), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Recorded);
      expect(lines.map(({ seq, method, path, headers, body }) => ({ seq, method, path, headers, body }))).toEqual(RECORDED[name]);
    }
  });

  it('are 4 JSON POSTs per receiver from Alertmanager/0.25.0', () => {
    for (const requests of Object.values(RECORDED)) {
      expect(requests).toHaveLength(4);
      for (const r of requests) {
        expect(r.method).toBe('POST');
        expect(header(r, 'Content-Type')).toBe('application/json');
        expect(header(r, 'User-Agent')).toBe('Alertmanager/0.25.0');
        expect(r.body.endsWith('}\n')).toBe(true);
      }
    }
  });
});

describe('alertmanager.parseWebhook on the recorded webhook bodies', () => {
  const steps = RECORDED.webhook.map((r) => parseWebhook(bodyOf(r)));

  it('gives one event per alert: A1 open, A1+A2 open, A1 closed (A2 still firing), A2 closed', () => {
    expect(steps.map((events) => events.map((e) => [e.action, 'alias' in e ? e.alias : undefined]))).toEqual([
      [['trigger', A1]],
      [
        ['trigger', A1],
        ['trigger', A2],
      ],
      [
        ['close', A1],
        ['trigger', A2],
      ],
      [['close', A2]],
    ]);
  });

  it('drives the alert lifecycle exactly: open A1, open A2, close A1, close A2', () => {
    const book = new AlertBook();
    const states = steps.map((events) => {
      book.apply(events);
      return { open: book.with('open').sort(), closed: book.with('closed').sort() };
    });
    expect(states).toEqual([
      { open: [A1], closed: [] },
      { open: [A1, A2], closed: [] },
      { open: [A2], closed: [A1] },
      { open: [], closed: [A1, A2] },
    ]);
    // A1 came again in step 2 (AM repeats the group's state): deduplicated by alias, not a second alert.
    expect(book.alerts.size).toBe(2);
    expect(book.alerts.get(A1)?.count).toBe(2);
  });

  it('maps the firing A1 completely', () => {
    expect(steps[0]?.[0]).toEqual({
      action: 'trigger',
      alias: A1,
      message: 'High 5xx error rate on checkout (web-1)',
      description: 'checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.',
      priority: 'P1',
      source: 'alertmanager',
      entity: 'web-1',
      details: {
        alertname: 'HarnessHighErrorRate',
        instance: 'web-1',
        service: 'checkout',
        severity: 'critical',
        'annotations.description': 'checkout on web-1 returns more than 5% HTTP 5xx for 5 minutes.',
        'annotations.runbook_url': 'https://runbooks.example.invalid/checkout/high-error-rate',
        'annotations.summary': 'High 5xx error rate on checkout (web-1)',
      },
      links: [
        { href: 'http://prometheus.example.invalid/graph?g0.expr=rate%28http_5xx%5B5m%5D%29', text: 'Source' },
        { href: 'https://runbooks.example.invalid/checkout/high-error-rate', text: 'Runbook' },
        { href: 'http://127.0.0.1:47587', text: 'Alertmanager' },
      ],
      occurredAt: Date.parse('2026-11-27T19:28:29Z'),
    } satisfies TriggerEvent);
  });

  it('maps a resolved alert to a close of its own alias only', () => {
    expect(steps[2]?.[0]).toEqual({ action: 'close', alias: A1, source: 'alertmanager' });
    expect(steps[3]).toEqual([{ action: 'close', alias: A2, source: 'alertmanager' }]);
  });

  it('never merges distinct alerts that share a summary (or everything but one label)', () => {
    const body = bodyOf(RECORDED.webhook[1] as Recorded) as { alerts: Array<{ annotations: Record<string, string> }> };
    for (const a of body.alerts) a.annotations.summary = 'Same summary';
    const events = parseWebhook(body) as TriggerEvent[];
    expect(events.map((e) => e.message)).toEqual(['Same summary', 'Same summary']);
    expect(new Set(events.map((e) => e.alias)).size).toBe(2);
  });

  it('does not map the group-level fields (they repeat or summarize per-alert data): changing them changes nothing', () => {
    const original = bodyOf(RECORDED.webhook[1] as Recorded) as Record<string, unknown>;
    const changed = {
      ...original,
      receiver: 'other',
      status: 'resolved',
      groupLabels: { x: 'y' },
      commonLabels: { x: 'y' },
      commonAnnotations: { summary: 'group summary' },
      groupKey: '{}:{x="y"}',
      version: '5',
    };
    expect(parseWebhook(changed)).toEqual(parseWebhook(original));
  });

  it('does not map endsAt (a resolved alert closes; a firing one has the zero time)', () => {
    const body = bodyOf(RECORDED.webhook[2] as Recorded) as { alerts: Array<Record<string, unknown>> };
    const before = parseWebhook(body);
    for (const a of body.alerts) a.endsAt = '2030-01-01T00:00:00Z';
    expect(parseWebhook(body)).toEqual(before);
  });
});

describe("Alertmanager's OpsGenie receiver against opsgenie.ts", () => {
  /** What the OpsGenie HTTP routes do with a request, using only the pure parsers. */
  function route(r: Recorded) {
    const url = new URL(r.path, 'http://vigil.invalid');
    const rest = url.pathname.replace(/^\/v2\/alerts\/?/, '');
    if (rest === '' && r.method === 'POST') return { kind: 'create' as const, event: parseCreateAlert(bodyOf(r), { mode: 'strict' }) };
    const [identifier = '', ...sub] = rest.split('/');
    const matched = matchAlertActionRoute(r.method, sub.join('/'));
    if (!matched) throw new Error(`no route for ${r.method} ${r.path}`);
    const id = parseIdentifier(decodeURIComponent(identifier), url.searchParams.get('identifierType') ?? undefined);
    const action = parseAlertAction(matched.action, { body: bodyOf(r), query: Object.fromEntries(url.searchParams), mode: 'strict' });
    return { kind: 'action' as const, id, action };
  }

  it('sends GenieKey auth on every request', () => {
    for (const r of RECORDED.opsgenie) expect(header(r, 'Authorization')).toBe('GenieKey dummy-opsgenie-api-key');
  });

  it('creates with alias = sha256(groupKey) three times (fire, fire, partial resolve), then closes by alias', () => {
    expect(createHash('sha256').update(GROUP_KEY).digest('hex')).toBe(GROUP_HASH);
    const routed = RECORDED.opsgenie.map(route);
    expect(routed.map((x) => x.kind)).toEqual(['create', 'create', 'create', 'action']);
    const creates = routed.slice(0, 3).map((x) => (x.kind === 'create' ? x.event : undefined));
    expect(creates.map((e) => e?.alias)).toEqual([GROUP_HASH, GROUP_HASH, GROUP_HASH]);
    expect(creates.map((e) => e?.message)).toEqual([
      '[FIRING:1] HarnessHighErrorRate checkout (web-1 critical)',
      '[FIRING:2] HarnessHighErrorRate checkout (critical)',
      '[FIRING:1] HarnessHighErrorRate checkout (critical)',
    ]);
    const close = routed[3];
    expect(close?.kind === 'action' && close.id).toEqual({ type: 'alias', value: GROUP_HASH });
    expect(close?.kind === 'action' && close.action).toEqual({ type: 'close', source: 'http://127.0.0.1:47587/#/alerts?receiver=opsgenie' });
    expect(close?.kind === 'action' && actionToEvent(close.action, GROUP_HASH)).toEqual({
      action: 'close',
      alias: GROUP_HASH,
      source: 'http://127.0.0.1:47587/#/alerts?receiver=opsgenie',
    });
  });

  it('maps the first create completely (details = commonLabels, default priority P3)', () => {
    const first = parseCreateAlert(bodyOf(RECORDED.opsgenie[0] as Recorded));
    const sent = JSON.parse((RECORDED.opsgenie[0] as Recorded).body) as { description: string };
    expect(first).toEqual({
      action: 'trigger',
      alias: GROUP_HASH,
      message: '[FIRING:1] HarnessHighErrorRate checkout (web-1 critical)',
      description: sent.description,
      priority: 'P3',
      source: 'http://127.0.0.1:47587/#/alerts?receiver=opsgenie',
      details: { alertname: 'HarnessHighErrorRate', instance: 'web-1', service: 'checkout', severity: 'critical' },
    });
    expect(first.description).toContain('Alerts Firing:');
  });

  it('the group stays one Vigil alert until the close (OpsGenie dedup-by-alias semantics)', () => {
    const book = new AlertBook();
    const routed = RECORDED.opsgenie.map(route);
    const events: AlertEvent[] = routed.flatMap((x) => {
      const event = x.kind === 'create' ? x.event : actionToEvent(x.action, x.id.value);
      return event ? [event] : [];
    });
    book.apply(events.slice(0, 3));
    expect(book.with('open')).toEqual([GROUP_HASH]);
    expect(book.alerts.get(GROUP_HASH)?.count).toBe(3);
    book.apply(events.slice(3));
    expect(book.with('closed')).toEqual([GROUP_HASH]);
  });
});

describe("Alertmanager's PagerDuty receiver against pagerduty.ts", () => {
  const parsed = RECORDED.pagerduty.map((r) => parseEvent(bodyOf(r), { mode: 'strict' }));

  it('has no auth header: the routing key is in the body (any non-empty key is accepted)', () => {
    for (const r of RECORDED.pagerduty) expect(header(r, 'Authorization')).toBeUndefined();
    expect(parsed.map((p) => p.routingKey)).toEqual(Array(4).fill('dummy-pagerduty-routing-key'));
  });

  it('triggers three times and resolves once, all with dedup_key = sha256(groupKey)', () => {
    expect(parsed.map((p) => [p.event.action, p.dedupKey, p.dedupKeyGenerated])).toEqual([
      ['trigger', GROUP_HASH, false],
      ['trigger', GROUP_HASH, false],
      ['trigger', GROUP_HASH, false],
      ['close', GROUP_HASH, false],
    ]);
  });

  it('maps the first trigger completely (severity "error" -> P2, custom_details -> details)', () => {
    const sent = JSON.parse((RECORDED.pagerduty[0] as Recorded).body) as { payload: { custom_details: Record<string, string> } };
    expect(parsed[0]?.event).toEqual({
      action: 'trigger',
      alias: GROUP_HASH,
      message: '[FIRING:1] HarnessHighErrorRate checkout (web-1 critical)',
      priority: 'P2',
      source: 'Alertmanager',
      details: { ...sent.payload.custom_details, 'pagerduty.client': 'Alertmanager' },
      links: [{ href: 'http://127.0.0.1:47587/#/alerts?receiver=pagerduty', text: 'Alertmanager' }],
    });
  });

  it('maps the resolve (which still carries a payload) to a close by dedup key', () => {
    expect(parsed[3]?.event).toEqual({ action: 'close', alias: GROUP_HASH, source: 'Alertmanager' });
  });
});

const alert = (over: Record<string, unknown> = {}) => ({
  status: 'firing',
  labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'warning' },
  annotations: {},
  startsAt: '2026-01-02T03:04:05Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prom.example/graph',
  fingerprint: 'abcdef0123456789',
  ...over,
});
const one = (a: Record<string, unknown>, top: Record<string, unknown> = {}): AlertEvent => {
  const events = parseWebhook({ version: '4', status: 'firing', alerts: [a], ...top });
  expect(events).toHaveLength(1);
  return events[0] as AlertEvent;
};

describe('alertmanager.parseWebhook mapping', () => {
  const long = `Ünïcödé 🚨 ${'x'.repeat(200)}`;
  it.each([
    ['annotations.summary', { annotations: { summary: 'Disk 97% full' } }, 'Disk 97% full', undefined],
    ['alertname on instance without a summary', {}, 'DiskFull on db-1', undefined],
    ['alertname alone without instance', { labels: { alertname: 'DiskFull' } }, 'DiskFull', undefined],
    ['a blank summary falls back', { annotations: { summary: '   ' } }, 'DiskFull on db-1', undefined],
    ['no summary nor alertname', { labels: { job: 'x' } }, 'Alert abcdef0123456789', undefined],
    ['a multi-line summary becomes one line', { annotations: { summary: 'Disk full\n on db-1\r\n now' } }, 'Disk full on db-1 now', undefined],
    [
      'a long unicode summary is cut to 130 code points with …, and kept whole as the description',
      { annotations: { summary: long } },
      `${[...long].slice(0, 129).join('')}…`,
      long,
    ],
  ])('message: %s', (_name, over, message, description) => {
    const event = one(alert(over)) as TriggerEvent;
    expect(event.message).toBe(message);
    expect([...event.message].length).toBeLessThanOrEqual(130);
    expect(event.description).toBe(description);
  });

  it('keeps annotations.description as the description even when the summary is cut', () => {
    const event = one(alert({ annotations: { summary: 'y'.repeat(300), description: 'the details' } })) as TriggerEvent;
    expect(event.description).toBe('the details');
    expect(event.message).toHaveLength(130);
  });

  it.each([
    [{ severity: 'critical' }, 'P1'],
    [{ severity: 'CRITICAL' }, 'P1'],
    [{ severity: 'page' }, 'P1'],
    [{ severity: 'high' }, 'P2'],
    [{ severity: 'error' }, 'P2'],
    [{ severity: 'warning' }, 'P3'],
    [{ severity: 'warn' }, 'P3'],
    [{ severity: 'low' }, 'P4'],
    [{ severity: 'info' }, 'P5'],
    [{ severity: 'none' }, 'P5'],
    [{ severity: 'bananas' }, 'P3'],
    [{}, 'P3'],
    [{ severity: 'info', priority: 'P1' }, 'P1'],
    [{ severity: 'critical', og_priority: 'p4' }, 'P4'],
    [{ severity: 'critical', priority: 'urgent' }, 'P1'],
  ])('priority from labels %j -> %s', (labels, priority) => {
    expect(priorityFromLabels(labels)).toBe(priority);
    expect((one(alert({ labels: { alertname: 'X', ...labels } })) as TriggerEvent).priority).toBe(priority);
  });

  it('uses am-<fingerprint> as the alias, else a stable hash of the sorted labels', () => {
    expect((one(alert()) as TriggerEvent).alias).toBe('am-abcdef0123456789');
    const a = one(alert({ fingerprint: undefined, labels: { b: '2', a: '1' } })) as TriggerEvent;
    const b = one(alert({ fingerprint: '', labels: { a: '1', b: '2' } })) as TriggerEvent;
    const c = one(alert({ fingerprint: undefined, labels: { a: '1', b: '3' } })) as TriggerEvent;
    expect(a.alias).toMatch(/^am-[0-9a-f]{16}$/);
    expect(a.alias).toBe(b.alias);
    expect(c.alias).not.toBe(a.alias);
    expect(a.alias).toBe(`am-${labelsHash({ a: '1', b: '2' })}`);
    // The resolve of an alert without a fingerprint closes the same alias.
    expect(one(alert({ status: 'resolved', fingerprint: undefined, labels: { a: '1', b: '2' } }))).toEqual({
      action: 'close',
      alias: a.alias,
      source: 'alertmanager',
    });
  });

  it('puts labels under their own names and annotations under annotations.<name>; non-string values JSON-stringified', () => {
    const event = one(alert({ labels: { alertname: 'X', team: 'db' }, annotations: { summary: 's', owner: 'ops', weird: 5 } })) as TriggerEvent;
    expect(event.details).toEqual({ alertname: 'X', team: 'db', 'annotations.summary': 's', 'annotations.owner': 'ops', 'annotations.weird': '5' });
  });

  it('flags alerts Alertmanager dropped (truncatedAlerts) on every event', () => {
    const event = one(alert(), { truncatedAlerts: 3 }) as TriggerEvent;
    expect(event.details?.['alertmanager.truncatedAlerts']).toBe('3');
    expect((one(alert(), { truncatedAlerts: 0 }) as TriggerEvent).details).not.toHaveProperty('alertmanager.truncatedAlerts');
  });

  it('links generatorURL, runbook/dashboard/*_url annotations and externalURL; skips non-http values and duplicates', () => {
    const event = one(
      alert({
        annotations: {
          runbook_url: 'https://rb.example/disk',
          dashboard_url: 'https://grafana.example/d/1',
          logs_url: 'https://logs.example/q',
          grafanaURL: 'https://grafana.example/x',
          not_a_url: 'https://ignored.example (name does not end in _url)',
          bad_url: 'javascript:alert(1)',
          copy_url: 'http://prom.example/graph',
        },
      }),
      { externalURL: 'http://am.example:9093' },
    ) as TriggerEvent;
    expect(event.links).toEqual([
      { href: 'http://prom.example/graph', text: 'Source' },
      { href: 'https://rb.example/disk', text: 'Runbook' },
      { href: 'https://grafana.example/d/1', text: 'Dashboard' },
      { href: 'https://logs.example/q', text: 'logs_url' },
      { href: 'https://grafana.example/x', text: 'grafanaURL' },
      { href: 'http://am.example:9093', text: 'Alertmanager' },
    ]);
  });

  it.each([
    ['a valid startsAt', '2026-01-02T03:04:05.123Z', Date.parse('2026-01-02T03:04:05.123Z')],
    ['Go zero time', '0001-01-01T00:00:00Z', undefined],
    ['garbage', 'yesterday', undefined],
    ['absent', undefined, undefined],
  ])('occurredAt from %s', (_name, startsAt, occurredAt) => {
    expect((one(alert({ startsAt })) as TriggerEvent).occurredAt).toBe(occurredAt);
  });

  it('takes the group status when an alert has none', () => {
    expect(parseWebhook({ status: 'resolved', alerts: [alert({ status: undefined })] })).toEqual([
      { action: 'close', alias: 'am-abcdef0123456789', source: 'alertmanager' },
    ]);
  });

  it('returns no events for an empty alerts array', () => {
    expect(parseWebhook({ version: '4', status: 'firing', alerts: [] })).toEqual([]);
  });

  it.each([
    ['a non-object body', [], 'body'],
    ['a null body', null, 'body'],
    ['no alerts', { status: 'firing' }, 'alerts'],
    ['alerts not an array', { alerts: { a: 1 } }, 'alerts'],
    ['an alert that is not an object', { alerts: ['x'] }, 'alerts[0]'],
    ['an alert without labels', { alerts: [{ status: 'firing' }] }, 'alerts[0].labels'],
    ['labels not an object', { alerts: [{ status: 'firing', labels: ['a'] }] }, 'alerts[0].labels'],
    ['annotations not an object', { alerts: [alert({ annotations: 'x' })] }, 'alerts[0].annotations'],
    ['an unknown status', { alerts: [alert(), alert({ status: 'pending' })] }, 'alerts[1].status'],
    ['no status anywhere', { alerts: [alert({ status: undefined })] }, 'alerts[0].status'],
  ])('refuses %s with an IntakeError naming the field', (_name, body, field) => {
    expect(() => parseWebhook(body)).toThrow(expect.objectContaining({ name: 'IntakeError', field }));
  });
});

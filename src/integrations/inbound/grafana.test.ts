import { describe, expect, it } from 'vitest';
import type { TriggerEvent } from '../../core/alerts/intake.js';
import {
  GRAFANA_SIGNATURE_HEADER,
  GRAFANA_SIGNATURE_HEADER_FALLBACK,
  grafanaSignatureFromHeaders,
  parseWebhook,
  signGrafanaBody,
  verifyGrafanaSignature,
} from './grafana.js';

/** A Grafana Alerting webhook body (version "1") in the shape of wire-contracts §4.1 / Grafana's documented example. */
const firing = () => ({
  receiver: 'vigil',
  status: 'firing',
  orgId: 1,
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1', grafana_folder: 'Infra', severity: 'critical' },
      annotations: {
        description: 'The system has high memory usage',
        runbook_url: 'https://myrunbook.example/runbook/1234',
        summary: 'This alert was triggered for zone us-1',
      },
      startsAt: '2021-10-12T09:51:03.157076+02:00',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://grafana.example/alerting/grafana/1afz29v7z/view?orgId=1',
      fingerprint: 'c6eadffa33fcdf37',
      silenceURL: 'https://grafana.example/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DHigh+memory+usage',
      dashboardURL: 'https://grafana.example/d/abc?orgId=1',
      panelURL: 'https://grafana.example/d/abc?orgId=1&viewPanel=3',
      imageURL: 'https://grafana.example/public/img/attachments/x.png',
      embeddedImage: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      values: { B: 44.23943737541908, C: 1 },
      valueString: "[ var='B' labels={zone=us-1} value=44.23943737541908 ], [ var='C' labels={zone=us-1} value=1 ]",
      ruleUID: '1afz29v7z',
      orgId: 1,
      enrichments: { items: [{ type: 'logs', data: 'whatever' }] },
    },
    {
      status: 'firing',
      labels: { alertname: 'High memory usage', team: 'blue', zone: 'eu-1' },
      annotations: { summary: 'This alert was triggered for zone eu-1' },
      startsAt: '2021-10-12T09:56:03.157076+02:00',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://grafana.example/alerting/grafana/1afz29v7z/view?orgId=1',
      fingerprint: 'b6d7c1e6d1a36d23',
      silenceURL: 'https://grafana.example/alerting/silence/new',
      dashboardURL: '',
      panelURL: '',
      values: { B: 44.1, C: 1 },
      valueString: "[ var='B' labels={zone=eu-1} value=44.1 ]",
    },
  ],
  groupLabels: { alertname: 'High memory usage' },
  commonLabels: { alertname: 'High memory usage', team: 'blue' },
  commonAnnotations: {},
  externalURL: 'https://grafana.example/',
  version: '1',
  groupKey: '{}/{alertname="High memory usage"}:{alertname="High memory usage"}',
  truncatedAlerts: 0,
  title: '[FIRING:2] High memory usage (blue)',
  state: 'alerting',
  message: '**Firing**\n\nValue: B=44.2, C=1\nLabels:\n - alertname = High memory usage\n...',
  appVersion: '12.1.0',
});

describe('grafana.parseWebhook', () => {
  it('maps each alert to its own trigger with Grafana’s links and values', () => {
    const events = parseWebhook(firing());
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      action: 'trigger',
      alias: 'grafana-c6eadffa33fcdf37',
      message: 'This alert was triggered for zone us-1',
      description: 'The system has high memory usage',
      priority: 'P1',
      source: 'grafana',
      details: {
        alertname: 'High memory usage',
        team: 'blue',
        zone: 'us-1',
        grafana_folder: 'Infra',
        severity: 'critical',
        'annotations.description': 'The system has high memory usage',
        'annotations.runbook_url': 'https://myrunbook.example/runbook/1234',
        'annotations.summary': 'This alert was triggered for zone us-1',
        'grafana.orgId': '1',
        'grafana.valueString': "[ var='B' labels={zone=us-1} value=44.23943737541908 ], [ var='C' labels={zone=us-1} value=1 ]",
        'grafana.values.B': '44.23943737541908',
        'grafana.values.C': '1',
        'grafana.ruleUID': '1afz29v7z',
      },
      links: [
        { href: 'https://grafana.example/alerting/grafana/1afz29v7z/view?orgId=1', text: 'Source' },
        { href: 'https://myrunbook.example/runbook/1234', text: 'Runbook' },
        { href: 'https://grafana.example/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DHigh+memory+usage', text: 'Silence' },
        { href: 'https://grafana.example/d/abc?orgId=1', text: 'Dashboard' },
        { href: 'https://grafana.example/d/abc?orgId=1&viewPanel=3', text: 'Panel' },
        { href: 'https://grafana.example/public/img/attachments/x.png', text: 'Image' },
        { href: 'https://grafana.example/', text: 'Grafana' },
      ],
      occurredAt: Date.parse('2021-10-12T07:51:03.157Z'),
    } satisfies TriggerEvent);
    expect(events[1]).toMatchObject({
      alias: 'grafana-b6d7c1e6d1a36d23',
      message: 'This alert was triggered for zone eu-1',
      priority: 'P3',
      links: [
        { href: 'https://grafana.example/alerting/grafana/1afz29v7z/view?orgId=1', text: 'Source' },
        { href: 'https://grafana.example/alerting/silence/new', text: 'Silence' },
        { href: 'https://grafana.example/', text: 'Grafana' },
      ],
    });
  });

  it('does not map title, message, state, appVersion, embeddedImage or enrichments (changing them changes nothing)', () => {
    const base = firing();
    const changed = { ...firing(), title: 'other', message: 'other', state: 'ok', appVersion: '1.0' };
    for (const a of changed.alerts as Array<Record<string, unknown>>) {
      a.embeddedImage = 'AAAA';
      a.enrichments = { other: true };
    }
    expect(parseWebhook(changed)).toEqual(parseWebhook(base));
    expect(JSON.stringify(parseWebhook(base))).not.toContain('iVBORw0KGgo');
  });

  it('closes resolved alerts by their own alias', () => {
    const body = firing();
    body.status = 'resolved';
    body.state = 'ok';
    for (const a of body.alerts) a.status = 'resolved';
    expect(parseWebhook(body)).toEqual([
      { action: 'close', alias: 'grafana-c6eadffa33fcdf37', source: 'grafana' },
      { action: 'close', alias: 'grafana-b6d7c1e6d1a36d23', source: 'grafana' },
    ]);
  });

  it.each([
    [{ og_priority: 'P2', severity: 'critical' }, 'P2'],
    [{ priority: 'p4' }, 'P4'],
    [{ severity: 'warning' }, 'P3'],
    [{ severity: 'info' }, 'P5'],
    [{}, 'P3'],
  ])('priority from labels %j -> %s', (labels, priority) => {
    const body = firing();
    (body.alerts[1] as { labels: Record<string, string> }).labels = { alertname: 'A', ...labels };
    expect(parseWebhook(body)[1]).toMatchObject({ priority });
  });

  it('takes the top-level orgId when an alert has none (older Grafana)', () => {
    const body = firing();
    body.orgId = 7;
    expect((parseWebhook(body)[1] as TriggerEvent).details?.['grafana.orgId']).toBe('7');
    expect((parseWebhook(body)[0] as TriggerEvent).details?.['grafana.orgId']).toBe('1');
  });

  it('refuses a custom-template payload without alerts[] (use the generic webhook with a mapping)', () => {
    expect(() => parseWebhook({ text: 'custom template output' })).toThrow(expect.objectContaining({ name: 'IntakeError', field: 'alerts' }));
  });
});

describe('grafana signature (HMAC-SHA256, lowercase hex)', () => {
  const secret = 'grafana-secret';
  const rawBody = '{"status":"firing","alerts":[]}';
  // Reference vectors computed with: printf '%s' "<signed string>" | openssl dgst -sha256 -hmac grafana-secret
  const BODY_ONLY = 'fa1c3eea39b3412c5e735508822ac697fd6dba66ab47dc1760177304e375622f';
  const WITH_TS = '57609371fbf4f76e94d7da4c59b6e0e6fa7a374dc47cfa96833fdcb92e0853a4';
  const ts = 1_700_000_000;

  it('signs the body alone, or "<timestamp>:<body>" when a timestamp header is configured', () => {
    expect(signGrafanaBody({ secret, rawBody })).toBe(BODY_ONLY);
    expect(signGrafanaBody({ secret, rawBody, timestamp: ts })).toBe(WITH_TS);
    expect(signGrafanaBody({ secret, rawBody: Buffer.from(rawBody), timestamp: String(ts) })).toBe(WITH_TS);
  });

  it.each([
    ['the body signature', { signature: BODY_ONLY }],
    ['an uppercase hex signature', { signature: BODY_ONLY.toUpperCase() }],
    ['a signature with surrounding spaces', { signature: ` ${BODY_ONLY} ` }],
    ['a Buffer body', { signature: BODY_ONLY, rawBody: Buffer.from(rawBody) }],
    ['a timestamped signature', { signature: WITH_TS, timestamp: String(ts), requireTimestamp: true }],
    ['a fresh timestamp', { signature: WITH_TS, timestamp: ts, nowSeconds: ts + 299 }],
  ])('accepts %s', (_name, over) => {
    expect(verifyGrafanaSignature({ secret, rawBody, ...over })).toBe(true);
  });

  it.each([
    ['another secret', { signature: BODY_ONLY, secret: 'other' }],
    ['an empty secret', { signature: BODY_ONLY, secret: '' }],
    ['a changed body', { signature: BODY_ONLY, rawBody: rawBody.replace('firing', 'resolved') }],
    ['a re-serialized body', { signature: BODY_ONLY, rawBody: JSON.stringify(JSON.parse(rawBody), null, 2) }],
    ['no signature', { signature: undefined }],
    ['an empty signature', { signature: '' }],
    ['a sha256= prefix (Grafana sends bare hex)', { signature: `sha256=${BODY_ONLY}` }],
    ['a truncated signature', { signature: BODY_ONLY.slice(0, 40) }],
    ['non-hex characters', { signature: 'z'.repeat(64) }],
    ['a body-only signature when a timestamp was sent', { signature: BODY_ONLY, timestamp: ts }],
    ['a timestamped signature without the timestamp', { signature: WITH_TS }],
    ['a missing timestamp when one is required', { signature: BODY_ONLY, requireTimestamp: true }],
    ['a timestamp for another second', { signature: WITH_TS, timestamp: ts + 1 }],
    ['a stale timestamp', { signature: WITH_TS, timestamp: ts, nowSeconds: ts + 301 }],
    ['a timestamp from the future', { signature: WITH_TS, timestamp: ts, nowSeconds: ts - 301 }],
    ['a non-numeric timestamp', { signature: WITH_TS, timestamp: `${ts}abc` }],
  ])('refuses %s', (_name, over) => {
    expect(verifyGrafanaSignature({ secret, rawBody, ...over })).toBe(false);
  });

  it('reads the signature from X-Grafana-Alerting-Signature, falling back to X-Grafana-Alert-Signature, or a configured header', () => {
    expect(GRAFANA_SIGNATURE_HEADER).toBe('X-Grafana-Alerting-Signature');
    expect(GRAFANA_SIGNATURE_HEADER_FALLBACK).toBe('X-Grafana-Alert-Signature');
    expect(grafanaSignatureFromHeaders({ 'x-grafana-alerting-signature': 'a' })).toEqual({ signature: 'a' });
    expect(grafanaSignatureFromHeaders({ 'x-grafana-alert-signature': 'b' })).toEqual({ signature: 'b' });
    expect(grafanaSignatureFromHeaders({ 'x-grafana-alert-signature': 'b', 'X-Grafana-Alerting-Signature': 'a' })).toEqual({ signature: 'a' });
    expect(grafanaSignatureFromHeaders({ 'x-my-sig': ['c', 'd'], 'x-grafana-alerting-signature': 'a' }, { header: 'X-My-Sig' })).toEqual({ signature: 'c' });
    expect(grafanaSignatureFromHeaders({ 'x-grafana-alerting-signature': 'a', 'x-ts': '1700000000' }, { timestampHeader: 'X-TS' })).toEqual({
      signature: 'a',
      timestamp: '1700000000',
    });
    expect(grafanaSignatureFromHeaders({ 'x-ts': '1' })).toEqual({});
  });

  it('verifies a request end to end from its headers', () => {
    const headers = { 'content-type': 'application/json', 'x-grafana-alerting-signature': WITH_TS, 'x-grafana-alerting-timestamp': String(ts) };
    const picked = grafanaSignatureFromHeaders(headers, { timestampHeader: 'X-Grafana-Alerting-Timestamp' });
    expect(verifyGrafanaSignature({ secret, rawBody, ...picked, requireTimestamp: true, nowSeconds: ts + 5 })).toBe(true);
  });
});

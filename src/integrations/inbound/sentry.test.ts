import { describe, expect, it } from 'vitest';
import {
  issueUrlFromEventUrl,
  parseLegacyWebhook,
  parseSentryHook,
  SentryPayloadError,
  sentryHeader,
  signSentryBody,
  verifySentrySignature,
} from './sentry.js';

// A delivery shaped like Sentry's (wire-contracts.md 5.1), trimmed.
const issue = {
  id: '4126571891',
  shortId: 'WEB-3K',
  title: "TypeError: Cannot read properties of undefined (reading 'total')",
  culprit: 'app/checkout/cart.js in computeTotal',
  level: 'error',
  status: 'unresolved',
  substatus: 'new',
  statusDetails: {},
  assignedTo: null,
  count: '12',
  userCount: 5,
  firstSeen: '2027-01-04T08:55:00.123000Z',
  lastSeen: '2027-01-04T09:01:30.000000Z',
  platform: 'javascript',
  project: { id: '42', name: 'web', slug: 'web', platform: 'javascript' },
  metadata: { type: 'TypeError', value: "Cannot read properties of undefined (reading 'total')", filename: 'app/checkout/cart.js' },
  url: 'https://sentry.io/api/0/organizations/acme/issues/4126571891/',
  web_url: 'https://sentry.io/organizations/acme/issues/4126571891/',
  project_url: 'https://sentry.io/organizations/acme/issues/?project=42',
};
const envelope = (action: string, data: Record<string, unknown>) => ({
  action,
  installation: { uuid: 'a8e5d37a' },
  data,
  actor: { type: 'application', id: 'sentry', name: 'Sentry' },
});

describe('Sentry-Hook-Signature', () => {
  const secret = 'a1b2c3d4e5f6';
  const body = JSON.stringify(envelope('created', { issue }));
  it('is hex HMAC-SHA256 of the exact body with the client secret', () => {
    const sig = signSentryBody(secret, body);
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySentrySignature({ secret, rawBody: body, signature: sig })).toBe(true);
    expect(verifySentrySignature({ secret, rawBody: body, signature: sig.toUpperCase() })).toBe(true);
  });
  it.each([
    ['another secret', signSentryBody('other', body), body],
    ['another body', signSentryBody(secret, body), `${body} `],
    ['re-serialised body', signSentryBody(secret, JSON.stringify(JSON.parse(body), null, 2)), body],
    ['missing', undefined, body],
    ['not hex', 'z'.repeat(64), body],
    ['truncated', signSentryBody(secret, body).slice(0, 63), body],
    ['with a prefix', `sha256=${signSentryBody(secret, body)}`, body],
  ])('refuses a signature that is %s', (_name, signature, raw) => {
    expect(verifySentrySignature({ secret, rawBody: raw, signature })).toBe(false);
  });
  it('reads headers case-insensitively', () => {
    expect(sentryHeader({ 'sentry-hook-resource': 'issue' }, 'Sentry-Hook-Resource')).toBe('issue');
    expect(sentryHeader({ 'Sentry-Hook-Resource': ['event_alert'] }, 'sentry-hook-resource')).toBe('event_alert');
  });
});

describe('integration-platform payloads', () => {
  it('maps issue.created with Sentry’s totals', () => {
    expect(parseSentryHook('issue', envelope('created', { issue }))).toEqual({
      type: 'signal',
      signal: {
        kind: 'created',
        source: 'sentry',
        issueId: '4126571891',
        shortId: 'WEB-3K',
        title: "TypeError: Cannot read properties of undefined (reading 'total')",
        culprit: 'app/checkout/cart.js in computeTotal',
        level: 'error',
        platform: 'javascript',
        project: 'web',
        webUrl: 'https://sentry.io/organizations/acme/issues/4126571891/',
        count: 12,
        userCount: 5,
        firstSeen: Date.parse('2027-01-04T08:55:00.123Z'),
        lastSeen: Date.parse('2027-01-04T09:01:30Z'),
        substatus: 'new',
      },
    });
  });

  it.each([
    ['resolved', 'resolved'],
    ['ignored', 'ignored'],
    ['archived', 'ignored'],
    ['unresolved', 'unresolved'],
    ['assigned', 'assigned'],
  ])('maps issue.%s', (action, kind) => {
    const res = parseSentryHook(
      'issue',
      envelope(action, { issue: { ...issue, assignedTo: { type: 'user', id: '1', name: 'Kim', email: 'kim@example.com' } } }),
    );
    expect(res.type === 'signal' && res.signal.kind).toBe(kind);
    if (kind === 'assigned') expect(res.type === 'signal' && res.signal.assignee).toEqual({ name: 'Kim', email: 'kim@example.com' });
  });

  it('takes the title from metadata when the issue has none', () => {
    const { title: _t, ...noTitle } = issue;
    void _t;
    const res = parseSentryHook('issue', envelope('created', { issue: noTitle }));
    expect(res.type === 'signal' && res.signal.title).toBe("TypeError: Cannot read properties of undefined (reading 'total')");
  });

  it('maps event_alert to one more event of its issue', () => {
    const event = {
      event_id: 'abc123',
      issue_id: '4126571891',
      web_url: 'https://sentry.io/organizations/acme/issues/4126571891/events/abc123/',
      title: 'TypeError: boom',
      culprit: 'cart.js',
      level: 'fatal',
      platform: 'node',
      datetime: '2027-01-04T09:10:00.000000Z',
      timestamp: 1799053800.0,
      tags: [['environment', 'staging']],
    };
    expect(
      parseSentryHook('event_alert', envelope('triggered', { event, triggered_rule: 'New errors', issue_alert: { title: 'New errors', settings: [] } })),
    ).toEqual({
      type: 'signal',
      signal: {
        kind: 'event',
        source: 'sentry',
        issueId: '4126571891',
        title: 'TypeError: boom',
        culprit: 'cart.js',
        level: 'fatal',
        platform: 'node',
        environment: 'staging',
        webUrl: 'https://sentry.io/organizations/acme/issues/4126571891/',
        eventAt: Date.parse('2027-01-04T09:10:00Z'),
        rule: 'New errors',
      },
    });
  });

  it('maps metric alerts to alert events (critical P2, warning P3, resolved closes)', () => {
    const data = {
      metric_alert: { id: '91', identifier: '12', title: 'Error rate', alert_rule: { name: 'Error rate > 5%', aggregate: 'count()' } },
      description_title: 'Error rate above 5%',
      description_text: '7% in 5 minutes',
      web_url: 'https://sentry.io/organizations/acme/alerts/rules/details/7/',
    };
    expect(parseSentryHook('metric_alert', envelope('critical', data))).toMatchObject({
      type: 'alert',
      event: {
        action: 'trigger',
        alias: 'sentry-metric-alert-91',
        message: 'Error rate above 5%',
        priority: 'P2',
        links: [{ href: data.web_url, text: 'Sentry' }],
      },
    });
    expect(parseSentryHook('metric_alert', envelope('warning', data))).toMatchObject({ type: 'alert', event: { priority: 'P3' } });
    expect(parseSentryHook('metric_alert', envelope('resolved', data))).toMatchObject({
      type: 'alert',
      event: { action: 'close', alias: 'sentry-metric-alert-91' },
    });
  });

  it('ignores resources and actions it does not use', () => {
    expect(parseSentryHook('installation', envelope('created', { installation: {} })).type).toBe('ignored');
    expect(parseSentryHook('comment', envelope('created', {})).type).toBe('ignored');
    expect(parseSentryHook('issue', envelope('bookmarked', { issue })).type).toBe('ignored');
  });

  it.each([
    ['issue', 'not an object'],
    ['issue', envelope('created', {})],
    ['issue', envelope('created', { issue: { title: 'no id' } })],
    ['event_alert', envelope('triggered', { event: { title: 'no issue id' } })],
    ['metric_alert', envelope('critical', { metric_alert: {} })],
  ])('refuses a %s payload it cannot use', (resource, body) => {
    expect(() => parseSentryHook(resource, body)).toThrow(SentryPayloadError);
  });
});

describe('legacy WebHooks plugin', () => {
  it('maps the per-project callback body to an event of the issue', () => {
    const body = {
      id: '4126571891',
      project: 'web',
      project_name: 'Web',
      project_slug: 'web',
      logger: null,
      level: 'error',
      culprit: 'cart.js in total',
      message: 'TypeError: boom',
      url: 'https://sentry.io/organizations/acme/issues/4126571891/?referrer=webhooks_plugin',
      triggering_rules: ['Send a notification for new events'],
      event: { event_id: 'e1', id: 'e1', title: 'TypeError: boom', timestamp: 1799053800.5, environment: 'production' },
    };
    expect(parseLegacyWebhook(body)).toEqual({
      kind: 'event',
      source: 'sentry',
      issueId: '4126571891',
      title: 'TypeError: boom',
      culprit: 'cart.js in total',
      level: 'error',
      project: 'web',
      environment: 'production',
      webUrl: 'https://sentry.io/organizations/acme/issues/4126571891/',
      eventAt: 1799053800500,
      rule: 'Send a notification for new events',
    });
  });
  it('refuses a body without the issue id', () => {
    expect(() => parseLegacyWebhook({ message: 'x' })).toThrow(SentryPayloadError);
    expect(() => parseLegacyWebhook([])).toThrow(SentryPayloadError);
  });
  it('derives an issue URL from an event URL', () => {
    expect(issueUrlFromEventUrl('https://acme.sentry.io/issues/1/events/abc/')).toBe('https://acme.sentry.io/issues/1/');
    expect(issueUrlFromEventUrl('https://acme.sentry.io/issues/1/events/abc/?x=1')).toBe('https://acme.sentry.io/issues/1/?x=1');
    expect(issueUrlFromEventUrl('https://acme.sentry.io/issues/1/')).toBe('https://acme.sentry.io/issues/1/');
  });
});

import { describe, expect, it } from 'vitest';
import { IntakeError } from '../../core/alerts/intake.js';
import { acceptedBody, changeAcceptedBody, PagerDutyValidationError, parseChangeEvent, parseEvent, readRoutingKey, SEVERITY_PRIORITY } from './pagerduty.js';

function refusal(fn: () => unknown): PagerDutyValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PagerDutyValidationError);
    expect(error).toBeInstanceOf(IntakeError);
    return error as PagerDutyValidationError;
  }
  throw new Error('expected a PagerDutyValidationError, nothing was thrown');
}

const KEY = 'R0ABCDEFGHIJKLMNOPQRSTUVWXYZ0123';
const trigger = (payload: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'srv01/HTTP',
  payload: { summary: 'DISK at 99% on machine prod-datapipe03.example.com', source: 'prod-datapipe03.example.com', severity: 'critical', ...payload },
  ...top,
});

describe('pagerduty.parseEvent: trigger', () => {
  it("maps PagerDuty's documented example completely", () => {
    const body = {
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'srv01/HTTP',
      payload: {
        summary: 'DISK at 99% on machine prod-datapipe03.example.com',
        timestamp: '2015-07-17T08:42:58.315+0000',
        severity: 'critical',
        source: 'prod-datapipe03.example.com',
        component: 'mysql',
        group: 'prod-datapipe',
        class: 'disk',
        custom_details: { 'free space': '1%', ping_time: 1500, load_avg: 0.75, nested: { a: [1, 2] }, flag: false },
      },
      images: [{ src: 'https://chart.example.com/x.png', href: 'https://example.com/', alt: 'Example text' }],
      links: [{ href: 'https://example.com/', text: 'Link text' }, { href: 'https://runbook.example.com/disk' }],
      client: 'Sample Monitoring Service',
      client_url: 'https://monitoring.example.com',
    };
    expect(parseEvent(body)).toEqual({
      routingKey: KEY,
      dedupKey: 'srv01/HTTP',
      dedupKeyGenerated: false,
      event: {
        action: 'trigger',
        alias: 'srv01/HTTP',
        message: 'DISK at 99% on machine prod-datapipe03.example.com',
        priority: 'P1',
        source: 'prod-datapipe03.example.com',
        entity: 'mysql',
        details: {
          'free space': '1%',
          ping_time: '1500',
          load_avg: '0.75',
          nested: '{"a":[1,2]}',
          flag: 'false',
          'pagerduty.group': 'prod-datapipe',
          'pagerduty.class': 'disk',
          'pagerduty.client': 'Sample Monitoring Service',
        },
        links: [
          { href: 'https://example.com/', text: 'Link text' },
          { href: 'https://runbook.example.com/disk' },
          { href: 'https://chart.example.com/x.png', text: 'Example text' },
          { href: 'https://example.com/', text: 'Example text' },
          { href: 'https://monitoring.example.com', text: 'Sample Monitoring Service' },
        ],
        occurredAt: Date.parse('2015-07-17T08:42:58.315Z'),
      },
    });
  });

  it.each(Object.entries(SEVERITY_PRIORITY))('severity %s -> %s', (severity, priority) => {
    expect(parseEvent(trigger({ severity })).event).toMatchObject({ priority });
    expect(parseEvent(trigger({ severity: severity.toUpperCase() })).event).toMatchObject({ priority });
  });

  it('maps exactly critical=P1, error=P2, warning=P3, info=P5', () => {
    expect(SEVERITY_PRIORITY).toEqual({ critical: 'P1', error: 'P2', warning: 'P3', info: 'P5' });
  });

  it('generates a dedup key when a trigger has none, and says so (the response echoes it)', () => {
    const generated = parseEvent(trigger({}, { dedup_key: undefined }), { generateDedupKey: () => 'gen-1' });
    expect(generated).toMatchObject({ dedupKey: 'gen-1', dedupKeyGenerated: true, event: { alias: 'gen-1' } });
    const random = parseEvent(trigger({}, { dedup_key: '' }));
    expect(random.dedupKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(random.event).toMatchObject({ alias: random.dedupKey });
    expect(acceptedBody(random.dedupKey)).toEqual({ status: 'success', message: 'Event processed', dedup_key: random.dedupKey });
  });

  it('accepts a routing key of any length (Vigil keys need not be 32 characters) and a numeric dedup key', () => {
    expect(parseEvent(trigger({}, { routing_key: 'short', dedup_key: 42 }))).toMatchObject({ routingKey: 'short', dedupKey: '42' });
  });

  it('cuts the summary to a one-line 130-character message and keeps the full summary as the description', () => {
    const summary = `Ünïcödé ${'é'.repeat(300)}\nsecond line`;
    const adjusted: string[] = [];
    const { event } = parseEvent(trigger({ summary }), { onAdjust: (f) => adjusted.push(f) });
    expect(event).toMatchObject({ message: `Ünïcödé ${'é'.repeat(121)}…`, description: summary });
    expect(adjusted).toEqual(['payload.summary']);
    const twoLines = parseEvent(trigger({ summary: 'two\nlines' })).event;
    expect(twoLines).toMatchObject({ message: 'two lines' });
    expect(twoLines).not.toHaveProperty('description');
  });

  it('summary over 1024: cut (lenient) or refused like PagerDuty (strict)', () => {
    const summary = 's'.repeat(1025);
    const { event } = parseEvent(trigger({ summary }));
    expect(event).toMatchObject({ description: `${'s'.repeat(1023)}…` });
    expect(refusal(() => parseEvent(trigger({ summary }), { mode: 'strict' })).errors).toEqual(["'payload.summary' is too long (maximum is 1024 characters)"]);
    expect(parseEvent(trigger({ summary: 's'.repeat(1024) }), { mode: 'strict' }).event).toMatchObject({ description: 's'.repeat(1024) });
  });

  it('custom_details that are not an object are kept under custom_details', () => {
    expect(parseEvent(trigger({ custom_details: 'free text' })).event).toMatchObject({ details: { custom_details: 'free text' } });
    expect(parseEvent(trigger({ custom_details: [1, 2] })).event).toMatchObject({ details: { custom_details: '[1,2]' } });
    expect(parseEvent(trigger({ custom_details: null })).event).not.toHaveProperty('details');
  });

  it('client without client_url is a detail; client_url without client is a link named Client', () => {
    expect(parseEvent(trigger({}, { client: 'Nagios' })).event).toMatchObject({ details: { 'pagerduty.client': 'Nagios' } });
    expect(parseEvent(trigger({}, { client_url: 'https://nagios.example' })).event).toMatchObject({
      links: [{ href: 'https://nagios.example', text: 'Client' }],
    });
  });

  it('images without alt are named Image; an image whose href equals src gives one link', () => {
    const { event } = parseEvent(
      trigger(
        {},
        {
          images: [
            { src: 'https://i.example/a.png', href: 'https://i.example/a.png' },
            { src: 'https://i.example/b.png', href: 'https://b.example' },
          ],
        },
      ),
    );
    expect(event).toMatchObject({
      links: [
        { href: 'https://i.example/a.png', text: 'Image' },
        { href: 'https://i.example/b.png', text: 'Image' },
        { href: 'https://b.example', text: 'Image link' },
      ],
    });
  });

  it('malformed links and images: dropped and reported (lenient), refused (strict)', () => {
    const top = { links: [{ text: 'no href' }, 'https://x.example', { href: 'https://ok.example' }], images: [{ alt: 'no src' }] };
    const adjusted: string[] = [];
    expect(parseEvent(trigger({}, top), { onAdjust: (f) => adjusted.push(f) }).event).toMatchObject({ links: [{ href: 'https://ok.example' }] });
    expect(adjusted).toEqual(['links[0].href', 'links[1].href', 'images[0].src']);
    expect(refusal(() => parseEvent(trigger({}, top), { mode: 'strict' })).errors).toEqual([
      "'links[0].href' is missing or blank",
      "'links[1].href' is missing or blank",
      "'images[0].src' is missing or blank",
    ]);
    expect(refusal(() => parseEvent(trigger({}, { links: 'x' }), { mode: 'strict' })).errors).toEqual(["'links' must be an array"]);
  });

  it('an invalid timestamp: ignored and reported (lenient, receipt time applies), refused (strict)', () => {
    const adjusted: string[] = [];
    expect(parseEvent(trigger({ timestamp: 'yesterday' }), { onAdjust: (f) => adjusted.push(f) }).event).not.toHaveProperty('occurredAt');
    expect(adjusted).toEqual(['payload.timestamp']);
    expect(refusal(() => parseEvent(trigger({ timestamp: 12345 }), { mode: 'strict' })).errors).toEqual([
      "'payload.timestamp' is invalid (must be an ISO 8601 date-time)",
    ]);
  });
});

describe('pagerduty.parseEvent: acknowledge and resolve', () => {
  it.each([
    ['acknowledge', 'acknowledge'],
    ['resolve', 'close'],
    ['RESOLVE', 'close'],
  ])('%s -> %s by dedup key; any payload is ignored except its source', (eventAction, action) => {
    expect(parseEvent({ routing_key: KEY, event_action: eventAction, dedup_key: 'srv01/HTTP' })).toEqual({
      routingKey: KEY,
      dedupKey: 'srv01/HTTP',
      dedupKeyGenerated: false,
      event: { action, alias: 'srv01/HTTP' },
    });
    expect(
      parseEvent(
        { routing_key: KEY, event_action: eventAction, dedup_key: 'k', payload: { summary: 's'.repeat(5000), source: 'am', severity: 'bogus' } },
        { mode: 'strict' },
      ).event,
    ).toEqual({
      action,
      alias: 'k',
      source: 'am',
    });
  });
});

describe('pagerduty.parseEvent: refusals in PagerDuty’s 400 style', () => {
  it.each([
    ['no routing_key', { event_action: 'resolve', dedup_key: 'k' }, ["'routing_key' is missing or blank"]],
    ['a blank routing_key', { routing_key: '  ', event_action: 'resolve', dedup_key: 'k' }, ["'routing_key' is missing or blank"]],
    ['a numeric routing_key', { routing_key: 123, event_action: 'resolve', dedup_key: 'k' }, ["'routing_key' is missing or blank"]],
    ['no event_action', { routing_key: KEY, dedup_key: 'k' }, ["'event_action' is missing or blank"]],
    [
      'an unknown event_action',
      { routing_key: KEY, event_action: 'escalate', dedup_key: 'k' },
      ["'event_action' is invalid (must be one of trigger, acknowledge, resolve)"],
    ],
    ['resolve without dedup_key', { routing_key: KEY, event_action: 'resolve' }, ["'dedup_key' is missing or blank"]],
    ['acknowledge with a blank dedup_key', { routing_key: KEY, event_action: 'acknowledge', dedup_key: '' }, ["'dedup_key' is missing or blank"]],
    ['a dedup_key object', { routing_key: KEY, event_action: 'resolve', dedup_key: { k: 1 } }, ["'dedup_key' must be a string"]],
    [
      'a dedup_key over 255 characters (identity: refused in both modes)',
      trigger({}, { dedup_key: 'k'.repeat(256) }),
      ["'dedup_key' is too long (maximum is 255 characters)"],
    ],
    ['a trigger without payload', { routing_key: KEY, event_action: 'trigger' }, ["'payload' is missing or blank"]],
    ['a trigger with a string payload', { routing_key: KEY, event_action: 'trigger', payload: 'x' }, ["'payload' is missing or blank"]],
    ['no summary', trigger({ summary: undefined }), ["'payload.summary' is missing or blank"]],
    ['a blank summary', trigger({ summary: ' ' }), ["'payload.summary' is missing or blank"]],
    ['an object summary', trigger({ summary: { text: 'x' } }), ["'payload.summary' must be a string"]],
    ['no source', trigger({ source: undefined }), ["'payload.source' is missing or blank"]],
    ['an array source', trigger({ source: ['a'] }), ["'payload.source' must be a string"]],
    ['no severity', trigger({ severity: undefined }), ["'payload.severity' is missing or blank"]],
    ['an unknown severity', trigger({ severity: 'high' }), ["'payload.severity' is invalid (must be one of critical, error, warning, info)"]],
    ['a numeric severity', trigger({ severity: 1 }), ["'payload.severity' is invalid (must be one of critical, error, warning, info)"]],
    [
      'everything missing at once',
      { event_action: 'trigger', payload: {} },
      [
        "'routing_key' is missing or blank",
        "'payload.summary' is missing or blank",
        "'payload.source' is missing or blank",
        "'payload.severity' is missing or blank",
      ],
    ],
  ])('%s', (_name, body, errors) => {
    for (const mode of ['lenient', 'strict'] as const) {
      const e = refusal(() => parseEvent(body, { mode }));
      expect(e.status).toBe(400);
      expect(e.errors).toEqual(errors);
      expect(e.body()).toEqual({ status: 'invalid event', message: 'Event object is invalid', errors });
      expect(e.field).toBe(errors[0]);
    }
  });

  it.each([
    ['an array', []],
    ['a string', 'trigger'],
    ['null', null],
  ])('refuses a body that is %s', (_name, body) => {
    expect(refusal(() => parseEvent(body)).body()).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['Event object must be a JSON object'],
    });
  });
});

describe('pagerduty.readRoutingKey', () => {
  it.each([
    [{ routing_key: KEY }, KEY],
    [{ routing_key: `  ${KEY} ` }, KEY],
    [{ routing_key: '' }, undefined],
    [{ routing_key: 5 }, undefined],
    [{}, undefined],
    [[], undefined],
    ['x', undefined],
  ])('%j -> %j', (body, key) => {
    expect(readRoutingKey(body)).toBe(key);
  });
});

describe('pagerduty.parseChangeEvent', () => {
  it("maps PagerDuty's documented change event completely", () => {
    const body = {
      routing_key: KEY,
      payload: {
        summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
        timestamp: '2020-07-17T08:42:58.315+0000',
        source: 'acme-build-pipeline-tool-default-i-9999',
        custom_details: { build_state: 'passed', build_number: '2', run_time: '1236s', nested: { n: 1 } },
      },
      links: [{ href: 'https://acme.pagerduty.dev/build/2', text: 'View more details in Acme!' }],
      images: [{ src: 'https://img.example/x.png' }],
    };
    expect(parseChangeEvent(body)).toEqual({
      routingKey: KEY,
      event: {
        action: 'change',
        summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
        source: 'acme-build-pipeline-tool-default-i-9999',
        timestamp: Date.parse('2020-07-17T08:42:58.315Z'),
        links: [
          { href: 'https://acme.pagerduty.dev/build/2', text: 'View more details in Acme!' },
          { href: 'https://img.example/x.png', text: 'Image' },
        ],
        // Change events keep custom_details as sent (ChangeEvent.details is free-form).
        details: { build_state: 'passed', build_number: '2', run_time: '1236s', nested: { n: 1 } },
      },
    });
    expect(changeAcceptedBody()).toEqual({ status: 'success', message: 'Change event processed' });
  });

  it('needs only routing_key and payload.summary; keeps long summaries up to 1024, cuts beyond (lenient)', () => {
    expect(parseChangeEvent({ routing_key: KEY, payload: { summary: 'Deployed v2' } })).toEqual({
      routingKey: KEY,
      event: { action: 'change', summary: 'Deployed v2' },
    });
    const long = 'd'.repeat(1000);
    expect(parseChangeEvent({ routing_key: KEY, payload: { summary: long } }).event.summary).toBe(long);
    expect(parseChangeEvent({ routing_key: KEY, payload: { summary: 'd'.repeat(2000) } }).event.summary).toBe(`${'d'.repeat(1023)}…`);
    expect(parseChangeEvent({ routing_key: KEY, payload: { summary: 'x', custom_details: 'text' } }).event.details).toEqual({ custom_details: 'text' });
  });

  it.each([
    ['no routing_key', { payload: { summary: 'x' } }, "'routing_key' is missing or blank"],
    ['no payload', { routing_key: KEY }, "'payload' is missing or blank"],
    ['no summary', { routing_key: KEY, payload: { source: 'ci' } }, "'payload.summary' is missing or blank"],
  ])('refuses %s', (_name, body, error) => {
    expect(refusal(() => parseChangeEvent(body)).errors).toEqual([error]);
  });

  it('refuses a summary over 1024 and a bad timestamp in strict mode', () => {
    expect(refusal(() => parseChangeEvent({ routing_key: KEY, payload: { summary: 'd'.repeat(1025), timestamp: 'now' } }, { mode: 'strict' })).errors).toEqual([
      "'payload.summary' is too long (maximum is 1024 characters)",
      "'payload.timestamp' is invalid (must be an ISO 8601 date-time)",
    ]);
    expect(refusal(() => parseChangeEvent([])).errors).toEqual(['Event object must be a JSON object']);
  });
});

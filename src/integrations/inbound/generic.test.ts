import { describe, expect, it } from 'vitest';
import { IntakeError } from '../../core/alerts/intake.js';
import {
  applyMapping,
  detailValue,
  flattenDetails,
  messageAndDescription,
  oneLine,
  parseInstant,
  parsePath,
  parsePriority,
  parseWebhook,
  readPath,
  severityToPriority,
  validateMapping,
  type GenericMapping,
} from './generic.js';

const intakeError = (fn: () => unknown): IntakeError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(IntakeError);
    return error as IntakeError;
  }
  throw new Error('expected an IntakeError, nothing was thrown');
};

describe('shared helpers', () => {
  it.each([
    ['text', 'text'],
    [5, '5'],
    [0.75, '0.75'],
    [true, 'true'],
    [null, 'null'],
    [{ a: [1, 'b'] }, '{"a":[1,"b"]}'],
    [[1, 2], '[1,2]'],
    ['', ''],
  ])('detailValue(%j) = %j', (value, expected) => {
    expect(detailValue(value)).toBe(expected);
  });

  it('flattenDetails keeps top-level keys and JSON-stringifies non-strings', () => {
    expect(flattenDetails({ s: 'x', n: 1, o: { deep: { er: true } }, u: undefined })).toEqual({ s: 'x', n: '1', o: '{"deep":{"er":true}}' });
  });

  it.each([
    ['P1', 'P1'],
    ['p5', 'P5'],
    [' P3 ', 'P3'],
    ['P6', undefined],
    ['1', undefined],
    [1, undefined],
    [undefined, undefined],
  ])('parsePriority(%j) = %j', (value, expected) => {
    expect(parsePriority(value)).toBe(expected);
  });

  it.each([
    ['critical', 'P1'],
    ['Critical', 'P1'],
    ['page', 'P1'],
    ['high', 'P2'],
    ['error', 'P2'],
    ['warning', 'P3'],
    ['medium', 'P3'],
    ['low', 'P4'],
    ['minor', 'P4'],
    ['info', 'P5'],
    ['debug', 'P5'],
    ['bananas', undefined],
    ['', undefined],
    [3, undefined],
  ])('severityToPriority(%j) = %j', (value, expected) => {
    expect(severityToPriority(value)).toBe(expected);
  });

  it.each([
    ['a\nb', 'a b'],
    ['  a \r\n\r\n  b  ', 'a b'],
    ['tab\tkept', 'tab\tkept'],
  ])('oneLine(%j) = %j', (value, expected) => {
    expect(oneLine(value)).toBe(expected);
  });

  it('messageAndDescription cuts at 130 code points with … and keeps the full text as the description only when cut and none was given', () => {
    const long = 'ж'.repeat(131);
    expect(messageAndDescription(long, undefined)).toEqual({ message: `${'ж'.repeat(129)}…`, description: long });
    expect(messageAndDescription(long, '')).toEqual({ message: `${'ж'.repeat(129)}…`, description: long });
    expect(messageAndDescription(long, 'own')).toEqual({ message: `${'ж'.repeat(129)}…`, description: 'own' });
    expect(messageAndDescription('short', undefined)).toEqual({ message: 'short' });
    expect(messageAndDescription('😀'.repeat(130), undefined)).toEqual({ message: '😀'.repeat(130) });
  });

  it.each([
    ['2026-11-27T19:28:29Z', Date.UTC(2026, 10, 27, 19, 28, 29)],
    ['2026-11-27T19:28:29.5+01:00', Date.UTC(2026, 10, 27, 18, 28, 29, 500)],
    ['2015-07-17T08:42:58.315+0000', Date.UTC(2015, 6, 17, 8, 42, 58, 315)],
    ['2026-11-27', Date.UTC(2026, 10, 27)],
    [1_764_000_000, 1_764_000_000_000],
    [1_764_000_000_123, 1_764_000_000_123],
    ['1764000000', 1_764_000_000_000],
    ['0001-01-01T00:00:00Z', undefined],
    ['May 1 2026', undefined],
    ['2026-13-45T99:00:00Z', undefined],
    ['', undefined],
    [Number.NaN, undefined],
    [null, undefined],
  ])('parseInstant(%j) = %j', (value, expected) => {
    expect(parseInstant(value)).toBe(expected);
  });
});

describe('JSONPath-lite', () => {
  const doc = { a: { b: [10, { c: 'deep' }], 'key.with.dots': 'dotted', 'sp ace': 1 }, list: [{ n: 1 }, { n: 2 }], zero: 0, f: false, nul: null };
  it.each([
    ['$.a.b[0]', 10],
    ['$.a.b[1].c', 'deep'],
    ['a.b[1].c', 'deep'],
    ["$.a['key.with.dots']", 'dotted'],
    ['$.a["sp ace"]', 1],
    ['$.list[-1].n', 2],
    ['$.list.0.n', 1],
    ['$.zero', 0],
    ['$.f', false],
    ['$.nul', null],
    ['$.missing.deeper', undefined],
    ['$.a.b[5]', undefined],
    ['$.a.b.c', undefined],
    ['$.zero.x', undefined],
    ['$.toString', undefined],
    ['$', doc],
  ])('readPath(%s)', (path, expected) => {
    expect(readPath(doc, path)).toEqual(expected);
  });

  it('reads $$ from the whole body and $ from the item', () => {
    expect(readPath({ n: 'item' }, '$.n', { n: 'body' })).toBe('item');
    expect(readPath({ n: 'item' }, '$$.n', { n: 'body' })).toBe('body');
    expect(parsePath('$$.a[2]')).toEqual({ root: 'body', segments: ['a', 2] });
  });

  it.each(['$.a..b', '$.a[', '$.a[x]', "$.a['x", '$a', '$.a]'])('refuses the malformed path %j', (path) => {
    expect(intakeError(() => parsePath(path)).field).toBe('mapping');
  });
});

describe('generic.parseWebhook (canonical body)', () => {
  it('maps every documented field of a trigger', () => {
    expect(
      parseWebhook({
        action: 'trigger',
        dedup_key: 'disk-db-1',
        title: 'Disk full on db-1',
        description: '/var at 97%',
        priority: 'p2',
        source: 'cron-check',
        entity: 'db-1',
        tags: ['prod', 'db'],
        details: { used: 97, mount: '/var', nested: { a: 1 } },
        links: ['https://grafana.example/d/1', { href: 'https://runbook.example/disk', text: 'Runbook' }],
        user: 'checker',
        note: 'first seen',
        timestamp: '2026-05-01T10:00:00Z',
      }),
    ).toEqual([
      {
        action: 'trigger',
        alias: 'disk-db-1',
        message: 'Disk full on db-1',
        description: '/var at 97%',
        priority: 'P2',
        source: 'cron-check',
        entity: 'db-1',
        tags: ['prod', 'db'],
        details: { used: '97', mount: '/var', nested: '{"a":1}' },
        links: [{ href: 'https://grafana.example/d/1' }, { href: 'https://runbook.example/disk', text: 'Runbook' }],
        user: 'checker',
        note: 'first seen',
        occurredAt: Date.parse('2026-05-01T10:00:00Z'),
      },
    ]);
  });

  it.each([
    ['action defaults to trigger; a message is enough', { message: 'm' }, { action: 'trigger', message: 'm' }],
    ['message wins over title', { message: 'm', title: 't' }, { action: 'trigger', message: 'm' }],
    ['alias is accepted instead of dedup_key', { message: 'm', alias: 'a' }, { action: 'trigger', message: 'm', alias: 'a' }],
    ['dedup_key wins over alias', { message: 'm', alias: 'a', dedup_key: 'd' }, { action: 'trigger', message: 'm', alias: 'd' }],
    ['severity maps to a priority', { message: 'm', severity: 'critical' }, { action: 'trigger', message: 'm', priority: 'P1' }],
    ['priority wins over severity', { message: 'm', severity: 'critical', priority: 'P4' }, { action: 'trigger', message: 'm', priority: 'P4' }],
    ['tags as a comma-separated string', { message: 'm', tags: 'a, b,,a' }, { action: 'trigger', message: 'm', tags: ['a', 'b'] }],
    ['a single link string', { message: 'm', links: 'https://x.example' }, { action: 'trigger', message: 'm', links: [{ href: 'https://x.example' }] }],
    [
      'empty optional fields are left out',
      { message: 'm', alias: '', tags: [], details: {}, links: [], priority: '', severity: null },
      { action: 'trigger', message: 'm' },
    ],
    ['firing is a trigger', { action: 'FIRING', message: 'm' }, { action: 'trigger', message: 'm' }],
    ['epoch-seconds timestamp', { message: 'm', timestamp: 1_764_000_000 }, { action: 'trigger', message: 'm', occurredAt: 1_764_000_000_000 }],
    ['unknown fields are ignored', { message: 'm', extra: { a: 1 }, status: 'whatever' }, { action: 'trigger', message: 'm' }],
    [
      'acknowledge by dedup_key',
      { action: 'acknowledge', dedup_key: 'k', user: 'jane', note: 'on it' },
      { action: 'acknowledge', alias: 'k', user: 'jane', note: 'on it' },
    ],
    ['ack is acknowledge', { action: 'ack', alias: 'k' }, { action: 'acknowledge', alias: 'k' }],
    ['resolve closes by alias', { action: 'resolve', alias: 'k', source: 'cron' }, { action: 'close', alias: 'k', source: 'cron' }],
    ['resolved / ok / close close too', { action: 'ok', alias: 'k', message: 'ignored on resolve' }, { action: 'close', alias: 'k' }],
  ])('%s', (_name, body, event) => {
    expect(parseWebhook(body)).toEqual([event]);
  });

  it('cuts a long unicode title to 130 with … and keeps it whole as the description', () => {
    const title = `🚨 ${'Ä'.repeat(200)}`;
    const [event] = parseWebhook({ title });
    expect(event).toEqual({ action: 'trigger', message: `🚨 ${'Ä'.repeat(127)}…`, description: title });
  });

  it('accepts an array of events, and an empty array', () => {
    expect(parseWebhook([{ message: 'a' }, { action: 'resolve', alias: 'b' }])).toEqual([
      { action: 'trigger', message: 'a' },
      { action: 'close', alias: 'b' },
    ]);
    expect(parseWebhook([])).toEqual([]);
  });

  it.each([
    ['a non-object body', 'text', 'body'],
    ['null', null, 'body'],
    ['an unknown action', { action: 'escalate', message: 'm' }, 'action'],
    ['a numeric action', { action: 1, message: 'm' }, 'action'],
    ['a trigger without message or title', { action: 'trigger', description: 'd' }, 'message'],
    ['a blank message', { message: '   ' }, 'message'],
    ['an object message', { message: { t: 1 } }, 'message'],
    ['resolve without a key', { action: 'resolve' }, 'dedup_key'],
    ['acknowledge with a blank key', { action: 'acknowledge', dedup_key: ' ' }, 'dedup_key'],
    ['an alias over 512 characters', { message: 'm', alias: 'a'.repeat(513) }, 'alias'],
    ['a dedup_key over 512 characters', { message: 'm', dedup_key: 'a'.repeat(513) }, 'dedup_key'],
    ['an unknown priority', { message: 'm', priority: 'P0' }, 'priority'],
    ['an unknown severity', { message: 'm', severity: 'apocalyptic' }, 'severity'],
    ['tags as an object', { message: 'm', tags: { a: 1 } }, 'tags'],
    ['a tag that is an object', { message: 'm', tags: ['a', {}] }, 'tags[1]'],
    ['details as an array', { message: 'm', details: ['a'] }, 'details'],
    ['a link that is not http(s)', { message: 'm', links: ['javascript:alert(1)'] }, 'links[0]'],
    ['a link object without href', { message: 'm', links: [{ text: 'x' }] }, 'links[0]'],
    ['a bad timestamp', { message: 'm', timestamp: 'soon' }, 'timestamp'],
    ['a bad item in an array', [{ message: 'ok' }, { action: 'resolve' }], '[1].dedup_key'],
    ['a non-object item in an array', [{ message: 'ok' }, 5], '[1]'],
  ])('refuses %s (IntakeError field %j)', (_name, body, field) => {
    expect(intakeError(() => parseWebhook(body)).field).toBe(field);
  });

  it('cuts an over-long description and note and reports it', () => {
    const adjusted: string[] = [];
    const [event] = parseWebhook({ message: 'm', description: 'd'.repeat(15_001), note: 'n'.repeat(25_001) }, { onAdjust: (f) => adjusted.push(f) });
    expect(event).toMatchObject({ description: `${'d'.repeat(14_999)}…`, note: `${'n'.repeat(24_999)}…` });
    expect(adjusted).toEqual(['note', 'description']);
  });
});

describe('generic.parseWebhook with a mapping', () => {
  /** A fixed payload from a tool we cannot change (a made-up uptime checker). */
  const uptime = {
    check: { id: 'chk_42', name: 'API health', url: 'https://api.example/health' },
    state: 'DOWN',
    level: 'major',
    region: 'eu-west',
    observed_at: '2026-05-01T10:00:00Z',
    labels: { team: 'payments', env: 'prod' },
    tags: 'http,external',
  };
  const mapping: GenericMapping = {
    action: { path: '$.state', map: { DOWN: 'trigger', UP: 'resolve' } },
    alias: 'uptime-{{ $.check.id }}',
    message: '{{$.check.name}} is {{$.state}} ({{$.region}})',
    description: { template: 'Checked {{ $.check.url }} from {{ $.region }}' },
    severity: '$.level',
    source: 'uptime-checker',
    entity: '$.check.url',
    tags: '$.tags',
    details: '$.labels',
    links: { path: '$.check.url' },
    timestamp: '$.observed_at',
  };

  it('maps a fixed payload without code', () => {
    expect(parseWebhook(uptime, { mapping })).toEqual([
      {
        action: 'trigger',
        alias: 'uptime-chk_42',
        message: 'API health is DOWN (eu-west)',
        description: 'Checked https://api.example/health from eu-west',
        priority: 'P2',
        source: 'uptime-checker',
        entity: 'https://api.example/health',
        tags: ['http', 'external'],
        details: { team: 'payments', env: 'prod' },
        links: [{ href: 'https://api.example/health' }],
        occurredAt: Date.parse('2026-05-01T10:00:00Z'),
      },
    ]);
  });

  it('maps the recovery of the same check to a close of the same alias (map is case-insensitive after exact)', () => {
    expect(parseWebhook({ ...uptime, state: 'up' }, { mapping })).toEqual([{ action: 'close', alias: 'uptime-chk_42', source: 'uptime-checker' }]);
  });

  it('reads only mapped fields when a mapping is set (a payload "action" or "message" is ignored)', () => {
    expect(parseWebhook({ action: 'explode', message: 'x', name: 'n' }, { mapping: { message: '$.name' } })).toEqual([{ action: 'trigger', message: 'n' }]);
  });

  it.each([
    ['a constant', { priority: 'P1' }, { priority: 'P1' }],
    ['a rule with value', { priority: { value: 'P4' } }, { priority: 'P4' }],
    ['a default when the path is missing', { priority: { path: '$.nope', default: 'P5' } }, { priority: 'P5' }],
    ['a default when the map has no entry', { priority: { path: '$.level', map: { critical: 'P1' }, default: 'P3' } }, { priority: 'P3' }],
    ['a map hit', { priority: { path: '$.level', map: { major: 'P2' } } }, { priority: 'P2' }],
    ['a missing template value renders empty', { message: '{{ $.nope }}!{{$.region}}' }, { message: '!eu-west' }],
    ['a template of a non-string value is JSON', { message: 'labels={{$.labels}}' }, { message: 'labels={"team":"payments","env":"prod"}' }],
    ['a numeric alias is text', { alias: '$.n', message: 'x' }, { alias: '7', message: 'x' }],
  ])('%s', (_name, fields, expected) => {
    const [event] = parseWebhook({ ...uptime, n: 7 }, { mapping: { message: '$.check.name', ...fields } as GenericMapping });
    expect(event).toMatchObject(expected);
  });

  it('runs once per element with each, reading $$ from the whole body', () => {
    const body = {
      host: 'db-1',
      problems: [
        { id: 1, what: 'disk' },
        { id: 2, what: 'cpu', ok: true },
      ],
    };
    const perItem: GenericMapping = {
      each: '$.problems',
      alias: '{{$$.host}}-{{$.id}}',
      message: '{{$.what}} on {{$$.host}}',
      action: { path: '$.ok', map: { true: 'resolve' }, default: 'trigger' },
    };
    expect(parseWebhook(body, { mapping: perItem })).toEqual([
      { action: 'trigger', alias: 'db-1-1', message: 'disk on db-1' },
      { action: 'close', alias: 'db-1-2' },
    ]);
  });

  it('maps every element of a top-level array', () => {
    expect(parseWebhook([{ t: 'a' }, { t: 'b' }], { mapping: { message: '$.t' } })).toEqual([
      { action: 'trigger', message: 'a' },
      { action: 'trigger', message: 'b' },
    ]);
  });

  it('reports a mapped value that does not validate with the element index', () => {
    expect(intakeError(() => parseWebhook({ items: [{ t: 'a' }, {}] }, { mapping: { each: '$.items', message: '$.t' } })).field).toBe('[1].message');
    expect(intakeError(() => parseWebhook({ items: 'x' }, { mapping: { each: '$.items', message: '$.t' } })).field).toBe('mapping.each');
  });

  it('applyMapping gives the canonical body (only mapped fields, missing ones absent)', () => {
    expect(applyMapping({ message: '$.check.name', entity: '$.nope' }, uptime)).toEqual({ message: 'API health' });
  });

  describe('validateMapping', () => {
    it('accepts the examples of the documentation', () => {
      expect(validateMapping(mapping)).toBe(mapping);
      expect(validateMapping({ each: '$.alerts', message: '$.title', alias: { template: 'x-{{$.id}}' } })).toBeTruthy();
    });

    it.each([
      ['not an object', 'message=$.x', 'mapping'],
      ['an unknown field', { messsage: '$.x' }, 'mapping.messsage'],
      ['each that is not a path', { each: 'alerts', message: '$.t' }, 'mapping.each'],
      ['a malformed path', { message: '$.a..b' }, 'mapping'],
      ['a malformed template path', { message: 'x {{ $.a[ }}' }, 'mapping'],
      ['two sources in one rule', { message: { path: '$.a', value: 'b' } }, 'mapping.message'],
      ['a non-string path', { message: { path: 5 } }, 'mapping.message'],
      ['a non-object map', { action: { path: '$.s', map: 'x' } }, 'mapping.action'],
      ['a number rule', { priority: 1 }, 'mapping.priority'],
    ])('refuses %s', (_name, value, field) => {
      expect(intakeError(() => validateMapping(value)).field).toBe(field);
    });
  });
});

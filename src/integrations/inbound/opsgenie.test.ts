import { describe, expect, it } from 'vitest';
import { IntakeError } from '../../core/alerts/intake.js';
import {
  acceptedBody,
  actionToEvent,
  formatAlert,
  formatAlertSummary,
  heartbeatPingBody,
  matchAlertActionRoute,
  OpsGenieValidationError,
  parseAlertAction,
  parseCreateAlert,
  parseHeartbeatName,
  parseIdentifier,
  parseListQuery,
  parseSearchQuery,
  UNPROCESSABLE_MESSAGE,
  type OpsGenieActionName,
  type VigilAlertView,
} from './opsgenie.js';

/** The thrown OpsGenieValidationError (fails the test if nothing or something else is thrown). */
function refusal(fn: () => unknown): OpsGenieValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OpsGenieValidationError);
    expect(error).toBeInstanceOf(IntakeError);
    return error as OpsGenieValidationError;
  }
  throw new Error('expected an OpsGenieValidationError, nothing was thrown');
}

const FULL = {
  message: '[FIRING:1] HighLatency api',
  alias: 'high-latency-api',
  description: 'p99 > 2s',
  responders: [
    { type: 'team', name: 'payments' },
    { type: 'user', username: 'a@b.io' },
    { type: 'escalation', id: 'esc-1' },
    { type: 'schedule', name: 'Primary' },
  ],
  visibleTo: [
    { type: 'team', id: '4513b7ea' },
    { type: 'user', username: 'boss@b.io' },
  ],
  actions: ['Restart', 'Ping'],
  tags: ['prod', 'api'],
  details: { cluster: 'eu-1' },
  entity: 'api',
  source: 'alertmanager',
  priority: 'P2',
  user: 'bot',
  note: 'auto',
};

describe('opsgenie.parseCreateAlert', () => {
  it('maps every documented field', () => {
    expect(parseCreateAlert(FULL)).toEqual({
      action: 'trigger',
      message: '[FIRING:1] HighLatency api',
      alias: 'high-latency-api',
      description: 'p99 > 2s',
      priority: 'P2',
      source: 'alertmanager',
      entity: 'api',
      tags: ['prod', 'api'],
      details: { cluster: 'eu-1' },
      responders: [
        { type: 'team', name: 'payments' },
        { type: 'user', username: 'a@b.io' },
        { type: 'escalation', id: 'esc-1' },
        { type: 'schedule', name: 'Primary' },
      ],
      visibleTo: [
        { type: 'team', id: '4513b7ea' },
        { type: 'user', username: 'boss@b.io' },
      ],
      actions: ['Restart', 'Ping'],
      user: 'bot',
      note: 'auto',
    });
  });

  it('needs only a message; priority defaults to P3, source to the caller given as defaultSource', () => {
    expect(parseCreateAlert({ message: 'Disk full' })).toEqual({ action: 'trigger', message: 'Disk full', priority: 'P3' });
    expect(parseCreateAlert({ message: 'Disk full' }, { defaultSource: '10.0.0.7' })).toEqual({
      action: 'trigger',
      message: 'Disk full',
      priority: 'P3',
      source: '10.0.0.7',
    });
    expect(parseCreateAlert({ message: 'x', source: 'sender' }, { defaultSource: '10.0.0.7' }).source).toBe('sender');
  });

  it.each([
    ['extraProperties (the older name of details) is read', { extraProperties: { a: '1' } }, { details: { a: '1' } }],
    ['details wins over extraProperties on the same key', { extraProperties: { a: '1', b: '2' }, details: { a: 'x' } }, { details: { a: 'x', b: '2' } }],
    [
      'non-string details values are JSON-stringified',
      { details: { n: 5, t: true, z: null, o: { deep: [1, 'two'] }, s: 'text' } },
      { details: { n: '5', t: 'true', z: 'null', o: '{"deep":[1,"two"]}', s: 'text' } },
    ],
    ['an empty details object is left out', { details: {} }, {}],
    [
      'the legacy teams field becomes team responders',
      { teams: [{ name: 'ops' }, { id: 't-2' }] },
      {
        responders: [
          { type: 'team', name: 'ops' },
          { type: 'team', id: 't-2' },
        ],
      },
    ],
    ['responder types are case-insensitive, ids trimmed', { responders: [{ type: 'TEAM', id: ' t1 ' }] }, { responders: [{ type: 'team', id: 't1' }] }],
    ['tags are trimmed, de-duplicated, blanks dropped', { tags: [' prod ', 'prod', '', '  ', 'api', 7] }, { tags: ['prod', 'api', '7'] }],
    ['an empty tags array is left out', { tags: [] }, {}],
    ['an empty alias means none', { alias: '' }, {}],
    ['numbers are taken as text for string fields (as OpsGenie does)', { alias: 42, entity: 7, user: true }, { alias: '42', entity: '7', user: 'true' }],
    ['null fields are absent', { alias: null, description: null, tags: null, details: null, priority: null }, {}],
    ['an empty priority means the default', { priority: '' }, {}],
    ['lowercase priority is accepted (lenient)', { priority: 'p1' }, { priority: 'P1' }],
    ['a multi-line message becomes one line', { message: 'Disk full\n  on db-1\r\n' }, { message: 'Disk full on db-1' }],
    ['unknown fields are ignored, as OpsGenie does', { foo: 'bar', recipients: [{ x: 1 }], nested: { a: 1 } }, {}],
  ])('%s', (_name, fields, expected) => {
    expect(parseCreateAlert({ message: 'm', ...fields })).toEqual({ action: 'trigger', message: 'm', priority: 'P3', ...expected });
  });

  describe('message: 130 characters, cut with … (unicode code points)', () => {
    const emoji = '🔥'.repeat(200); // 200 code points, 400 UTF-16 units
    it.each([
      ['exactly 130 ASCII characters stay', 'a'.repeat(130), 'a'.repeat(130)],
      ['131 ASCII characters are cut to 129 + …', 'a'.repeat(131), `${'a'.repeat(129)}…`],
      ['astral characters count once each', emoji, `${'🔥'.repeat(129)}…`],
      ['130 emoji stay', '🔥'.repeat(130), '🔥'.repeat(130)],
      ['combining accents count as code points', `${'é'.normalize('NFD').repeat(70)}`, `${'é'.normalize('NFD').repeat(64)}e…`],
    ])('%s', (_name, message, expected) => {
      const event = parseCreateAlert({ message });
      expect(event.message).toBe(expected);
      expect([...event.message].length).toBeLessThanOrEqual(130);
      // No lone surrogate: astral characters are never split in half.
      expect(event.message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    });

    it('keeps the full message as the description when it was cut and there is none, and reports the cut', () => {
      const adjustments: string[] = [];
      const event = parseCreateAlert({ message: emoji }, { onAdjust: (field, reason) => adjustments.push(`${field}: ${reason}`) });
      expect(event.description).toBe(emoji);
      expect(adjustments).toEqual(['message: cut to 130 characters']);
      expect(parseCreateAlert({ message: emoji, description: 'own' }).description).toBe('own');
    });

    it('is refused over 130 in strict mode', () => {
      const e = refusal(() => parseCreateAlert({ message: 'a'.repeat(131) }, { mode: 'strict' }));
      expect(e.errors).toEqual({ message: 'should be at most 130 characters' });
    });
  });

  describe('limits: lenient (default) cuts prose and keeps lists; strict answers 422', () => {
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, Record<string, string>]> = [
      [
        'description > 15000',
        { description: 'd'.repeat(15_001) },
        { description: `${'d'.repeat(14_999)}…` },
        { description: 'should be at most 15000 characters' },
      ],
      ['entity > 512', { entity: 'e'.repeat(513) }, { entity: `${'e'.repeat(511)}…` }, { entity: 'should be at most 512 characters' }],
      ['source > 100', { source: 's'.repeat(101) }, { source: `${'s'.repeat(99)}…` }, { source: 'should be at most 100 characters' }],
      ['user > 100', { user: 'u'.repeat(101) }, { user: `${'u'.repeat(99)}…` }, { user: 'should be at most 100 characters' }],
      ['note > 25000', { note: 'n'.repeat(25_001) }, { note: `${'n'.repeat(24_999)}…` }, { note: 'should be at most 25000 characters' }],
      [
        'more than 20 tags (kept: tags are identifiers, never cut)',
        { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
        { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
        { tags: 'should have at most 20 items' },
      ],
      ['a tag over 50 characters (kept whole)', { tags: ['x'.repeat(51)] }, { tags: ['x'.repeat(51)] }, { 'tags[0]': 'should be at most 50 characters' }],
      [
        'more than 10 actions (kept)',
        { actions: Array.from({ length: 11 }, (_, i) => `a${i}`) },
        { actions: Array.from({ length: 11 }, (_, i) => `a${i}`) },
        { actions: 'should have at most 10 items' },
      ],
      [
        'an action over 50 characters (kept whole)',
        { actions: ['y'.repeat(51)] },
        { actions: ['y'.repeat(51)] },
        { 'actions[0]': 'should be at most 50 characters' },
      ],
      [
        'details over 8000 characters in total (kept)',
        { details: { k: 'v'.repeat(8_000) } },
        { details: { k: 'v'.repeat(8_000) } },
        { details: 'should be at most 8000 characters in total' },
      ],
    ];
    it.each(cases)('%s', (_name, fields, lenient, strictErrors) => {
      const adjusted: string[] = [];
      expect(parseCreateAlert({ message: 'm', ...fields }, { onAdjust: (f) => adjusted.push(f) })).toEqual({
        action: 'trigger',
        message: 'm',
        priority: 'P3',
        ...lenient,
      });
      const cut = Object.keys(lenient).filter((k) => ['description', 'entity', 'source', 'user', 'note'].includes(k));
      expect(adjusted).toEqual(cut);
      const e = refusal(() => parseCreateAlert({ message: 'm', ...fields }, { mode: 'strict' }));
      expect(e.status).toBe(422);
      expect(e.errors).toEqual(strictErrors);
    });

    it('accepts values exactly at the limits in strict mode', () => {
      const atLimit = {
        message: 'm'.repeat(130),
        alias: 'a'.repeat(512),
        description: 'd'.repeat(15_000),
        entity: 'e'.repeat(512),
        source: 's'.repeat(100),
        user: 'u'.repeat(100),
        note: 'n'.repeat(25_000),
        tags: Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(50, 'x')),
        actions: Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(50, 'y')),
        details: { k: 'v'.repeat(7_999) },
      };
      expect(parseCreateAlert(atLimit, { mode: 'strict' })).toMatchObject({ message: atLimit.message, alias: atLimit.alias, note: atLimit.note });
    });
  });

  describe('refusals: 422 with errors per field (both modes), 400 for a non-object body', () => {
    it.each([
      ['no message', {}, { message: 'should not be empty' }],
      ['an empty message', { message: '' }, { message: 'should not be empty' }],
      ['a blank message', { message: '   \n ' }, { message: 'should not be empty' }],
      ['a message that is an object', { message: { text: 'x' } }, { message: 'should be a string' }],
      ['an alias over 512 characters (identity is never cut)', { message: 'm', alias: 'a'.repeat(513) }, { alias: 'should be at most 512 characters' }],
      ['an unknown priority', { message: 'm', priority: 'P6' }, { priority: 'should be one of [ P1, P2, P3, P4, P5 ]' }],
      ['a numeric priority', { message: 'm', priority: 1 }, { priority: 'should be one of [ P1, P2, P3, P4, P5 ]' }],
      ['tags not an array', { message: 'm', tags: 'a,b' }, { tags: 'should be an array of strings' }],
      ['a tag that is an object', { message: 'm', tags: ['ok', { x: 1 }] }, { 'tags[1]': 'should be a string' }],
      ['details not an object', { message: 'm', details: ['a'] }, { details: 'should be an object of string values' }],
      ['extraProperties not an object', { message: 'm', extraProperties: 'x' }, { extraProperties: 'should be an object of string values' }],
      ['responders not an array', { message: 'm', responders: { type: 'team', name: 'x' } }, { responders: 'should be an array' }],
      [
        'a responder with an unknown type',
        { message: 'm', responders: [{ type: 'group', name: 'x' }] },
        { 'responders[0].type': 'should be one of [ team, user, escalation, schedule ]' },
      ],
      [
        'a responder without a type',
        { message: 'm', responders: [{ name: 'x' }] },
        { 'responders[0].type': 'should be one of [ team, user, escalation, schedule ]' },
      ],
      [
        'a team responder without id or name',
        { message: 'm', responders: [{ type: 'team', username: 'x' }] },
        { 'responders[0]': 'id or name should be provided' },
      ],
      [
        'a user responder with only a name',
        { message: 'm', responders: [{ type: 'user', name: 'Jane' }] },
        { 'responders[0]': 'id or username should be provided' },
      ],
      ['a responder that is a string', { message: 'm', responders: ['ops'] }, { 'responders[0]': 'should be an object' }],
      [
        'a legacy team with an empty name (as old Alertmanagers sent)',
        { message: 'm', teams: [{ name: '' }] },
        { 'teams[0]': 'id or name should be provided' },
      ],
      ['visibleTo with a schedule', { message: 'm', visibleTo: [{ type: 'schedule', name: 'x' }] }, { 'visibleTo[0].type': 'should be one of [ team, user ]' }],
      [
        'several problems at once',
        { priority: 'urgent', alias: 'a'.repeat(600) },
        { message: 'should not be empty', alias: 'should be at most 512 characters', priority: 'should be one of [ P1, P2, P3, P4, P5 ]' },
      ],
    ])('%s', (_name, body, errors) => {
      for (const mode of ['lenient', 'strict'] as const) {
        const e = refusal(() => parseCreateAlert(body, { mode }));
        expect(e.status).toBe(422);
        expect(e.message).toBe(UNPROCESSABLE_MESSAGE);
        expect(e.errors).toEqual(errors);
        expect(e.field).toBe(Object.keys(errors)[0]);
      }
    });

    it('refuses lowercase priority in strict mode', () => {
      expect(refusal(() => parseCreateAlert({ message: 'm', priority: 'p1' }, { mode: 'strict' })).errors).toEqual({
        priority: 'should be one of [ P1, P2, P3, P4, P5 ]',
      });
    });

    it.each([
      ['an array', []],
      ['a string', 'message'],
      ['null', null],
      ['a number', 5],
    ])('answers 400 for a body that is %s', (_name, body) => {
      const e = refusal(() => parseCreateAlert(body));
      expect(e.status).toBe(400);
      expect(e.errors).toBeUndefined();
    });

    it('renders the OpsGenie error bodies', () => {
      const e422 = refusal(() => parseCreateAlert({ message: 'm', priority: 'P9' }));
      expect(e422.body('req-1', 0.004)).toEqual({
        message: 'Request body is not processable. Please check the errors.',
        errors: { priority: 'should be one of [ P1, P2, P3, P4, P5 ]' },
        took: 0.004,
        requestId: 'req-1',
      });
      const e400 = refusal(() => parseCreateAlert([]));
      expect(e400.body('req-2', 0.001)).toEqual({ message: 'Could not parse the request body as a JSON object.', took: 0.001, requestId: 'req-2' });
      expect(Object.keys(e400.body('r', 0))).not.toContain('errors');
    });
  });
});

describe('opsgenie response helpers', () => {
  it('renders the async 202 body and the heartbeat pong', () => {
    expect(acceptedBody('43a29c5c', 0.302)).toEqual({ result: 'Request will be processed', took: 0.302, requestId: '43a29c5c' });
    expect(heartbeatPingBody('r1', 0.01)).toEqual({ result: 'PONG - Heartbeat received', took: 0.01, requestId: 'r1' });
  });

  it.each([
    ['nightly-backup', 'nightly-backup'],
    ['name with spaces', 'name with spaces'],
  ])('accepts heartbeat name %s', (name, expected) => {
    expect(parseHeartbeatName(name)).toBe(expected);
  });

  it.each([
    ['', 'should not be empty'],
    [undefined, 'should not be empty'],
    ['h'.repeat(201), 'should be at most 200 characters'],
  ])('refuses heartbeat name %j', (name, reason) => {
    expect(refusal(() => parseHeartbeatName(name)).errors).toEqual({ name: reason });
  });
});

describe('opsgenie.parseIdentifier', () => {
  it.each([
    ['8743a1b2', undefined, { type: 'id', value: '8743a1b2' }],
    ['8743a1b2', '', { type: 'id', value: '8743a1b2' }],
    ['8743a1b2', 'id', { type: 'id', value: '8743a1b2' }],
    ['09f914e7', 'alias', { type: 'alias', value: '09f914e7' }],
    ['09f914e7', 'ALIAS', { type: 'alias', value: '09f914e7' }],
    ['1234', 'tiny', { type: 'tiny', value: '1234' }],
    ['1234', ['tiny', 'id'], { type: 'tiny', value: '1234' }],
    ['100%25 disk', 'alias', { type: 'alias', value: '100%25 disk' }],
  ])('%j with identifierType %j', (identifier, type, expected) => {
    expect(parseIdentifier(identifier, type)).toEqual(expected);
  });

  it.each([
    ['x', 'name', { identifierType: 'should be one of [ id, alias, tiny ]' }],
    ['x', 'tinyId', { identifierType: 'should be one of [ id, alias, tiny ]' }],
    ['', 'alias', { identifier: 'should not be empty' }],
    [undefined, undefined, { identifier: 'should not be empty' }],
  ])('refuses %j / %j with 422', (identifier, type, errors) => {
    const e = refusal(() => parseIdentifier(identifier, type));
    expect(e.status).toBe(422);
    expect(e.errors).toEqual(errors);
  });
});

describe('opsgenie.matchAlertActionRoute', () => {
  it.each([
    ['POST', 'acknowledge', { action: 'acknowledge' }],
    ['POST', 'unacknowledge', { action: 'unacknowledge' }],
    ['POST', 'close', { action: 'close' }],
    ['POST', '/close/', { action: 'close' }],
    ['POST', 'notes', { action: 'note' }],
    ['POST', 'snooze', { action: 'snooze' }],
    ['POST', 'escalate', { action: 'escalate' }],
    ['POST', 'assign', { action: 'assign' }],
    ['POST', 'responders', { action: 'addResponder' }],
    ['POST', 'teams', { action: 'addTeam' }],
    ['POST', 'tags', { action: 'addTags' }],
    ['POST', 'details', { action: 'addDetails' }],
    ['post', 'actions/Restart Service', { action: 'customAction', actionName: 'Restart Service' }],
    ['DELETE', '', { action: 'delete' }],
    ['DELETE', 'tags', { action: 'removeTags' }],
    ['DELETE', 'details', { action: 'removeDetails' }],
    ['PUT', 'message', { action: 'updateMessage' }],
    ['PUT', 'description', { action: 'updateDescription' }],
    ['PUT', 'priority', { action: 'updatePriority' }],
    ['GET', '', undefined],
    ['GET', 'notes', undefined],
    ['POST', '', undefined],
    ['POST', 'reopen', undefined],
    ['DELETE', 'notes', undefined],
    ['PUT', 'tags', undefined],
  ])('%s %j', (method, subPath, expected) => {
    expect(matchAlertActionRoute(method, subPath)).toEqual(expected);
  });
});

describe('opsgenie.parseAlertAction', () => {
  const common = { user: 'jane', source: 'cli', note: 'looking' };
  const NOW = Date.parse('2026-05-01T10:00:00Z');
  it.each<[OpsGenieActionName, Record<string, unknown>, Record<string, unknown>, unknown]>([
    ['acknowledge', { body: common }, { type: 'acknowledge', ...common }, { action: 'acknowledge', alias: 'A', ...common }],
    ['acknowledge', { body: undefined }, { type: 'acknowledge' }, { action: 'acknowledge', alias: 'A' }],
    ['acknowledge', { body: '' }, { type: 'acknowledge' }, { action: 'acknowledge', alias: 'A' }],
    ['unacknowledge', { body: { user: 'jane' } }, { type: 'unacknowledge', user: 'jane' }, undefined],
    [
      'close',
      { body: { source: 'http://am/#/alerts?receiver=opsgenie' } },
      { type: 'close', source: 'http://am/#/alerts?receiver=opsgenie' },
      { action: 'close', alias: 'A', source: 'http://am/#/alerts?receiver=opsgenie' },
    ],
    [
      'note',
      { body: { note: 'rebooted', user: 'jane' } },
      { type: 'note', note: 'rebooted', user: 'jane' },
      { action: 'note', alias: 'A', note: 'rebooted', user: 'jane' },
    ],
    [
      'snooze',
      { body: { endTime: '2026-05-01T11:00:00Z', user: 'jane' }, now: NOW },
      { type: 'snooze', endTime: Date.parse('2026-05-01T11:00:00Z'), user: 'jane' },
      undefined,
    ],
    ['snooze', { body: { endTime: '2026-05-01T12:00:00+02:00' } }, { type: 'snooze', endTime: Date.parse('2026-05-01T10:00:00Z') }, undefined],
    ['escalate', { body: { escalation: { name: 'Night' }, note: 'n' } }, { type: 'escalate', escalation: { name: 'Night' }, note: 'n' }, undefined],
    ['escalate', { body: { escalation: { id: 'e-1' } } }, { type: 'escalate', escalation: { id: 'e-1' } }, undefined],
    ['assign', { body: { owner: { username: 'jane@x.io' } } }, { type: 'assign', owner: { username: 'jane@x.io' } }, undefined],
    ['assign', { body: { owner: { id: 'u-1' } } }, { type: 'assign', owner: { id: 'u-1' } }, undefined],
    [
      'addResponder',
      { body: { responder: { type: 'schedule', name: 'Primary' } } },
      { type: 'addResponder', responder: { type: 'schedule', name: 'Primary' } },
      undefined,
    ],
    ['addTeam', { body: { team: { name: 'ops' } } }, { type: 'addTeam', team: { name: 'ops' } }, undefined],
    ['addTags', { body: { tags: ['a', ' b ', 'a'] } }, { type: 'addTags', tags: ['a', 'b'] }, undefined],
    ['removeTags', { query: { tags: 'a, b,,c', user: 'jane' } }, { type: 'removeTags', tags: ['a', 'b', 'c'], user: 'jane' }, undefined],
    ['removeTags', { query: { tags: ['a', 'b'] } }, { type: 'removeTags', tags: ['a', 'b'] }, undefined],
    ['addDetails', { body: { details: { k: 'v', n: 2 } } }, { type: 'addDetails', details: { k: 'v', n: '2' } }, undefined],
    ['removeDetails', { query: { keys: 'k1,k2', source: 'api' } }, { type: 'removeDetails', keys: ['k1', 'k2'], source: 'api' }, undefined],
    ['customAction', { actionName: 'Restart', body: { user: 'jane' } }, { type: 'customAction', action: 'Restart', user: 'jane' }, undefined],
    ['updateMessage', { body: { message: 'New\nmessage' } }, { type: 'updateMessage', message: 'New message' }, undefined],
    ['updateMessage', { body: { message: 'z'.repeat(131) } }, { type: 'updateMessage', message: `${'z'.repeat(129)}…` }, undefined],
    ['updateDescription', { body: { description: 'longer text' } }, { type: 'updateDescription', description: 'longer text' }, undefined],
    ['updatePriority', { body: { priority: 'P1' } }, { type: 'updatePriority', priority: 'P1' }, undefined],
    ['delete', { query: { user: 'jane', source: 'ui' } }, { type: 'delete', user: 'jane', source: 'ui' }, undefined],
  ])('%s %j', (name, input, expected, event) => {
    const action = parseAlertAction(name, input);
    expect(action).toEqual(expected);
    expect(actionToEvent(action, 'A')).toEqual(event);
  });

  it.each<[OpsGenieActionName, Record<string, unknown>, Record<string, string>, 400 | 422]>([
    ['note', { body: {} }, { note: 'should not be empty' }, 422],
    ['note', { body: { note: '' } }, { note: 'should not be empty' }, 422],
    ['snooze', { body: {} }, { endTime: 'should not be empty' }, 422],
    ['snooze', { body: { endTime: 'tomorrow' } }, { endTime: 'should be an ISO-8601 date-time' }, 422],
    ['snooze', { body: { endTime: 1_777_000_000 } }, { endTime: 'should be an ISO-8601 date-time' }, 422],
    ['snooze', { body: { endTime: '2026-05-01T09:59:59Z' }, now: Date.parse('2026-05-01T10:00:00Z') }, { endTime: 'should be in the future' }, 422],
    ['escalate', { body: {} }, { escalation: 'should not be empty' }, 422],
    ['escalate', { body: { escalation: {} } }, { escalation: 'id or name should be provided' }, 422],
    ['escalate', { body: { escalation: 'Night' } }, { escalation: 'should be an object' }, 422],
    ['assign', { body: {} }, { owner: 'should not be empty' }, 422],
    ['assign', { body: { owner: { name: 'Jane' } } }, { owner: 'id or username should be provided' }, 422],
    ['addResponder', { body: {} }, { responder: 'should not be empty' }, 422],
    ['addResponder', { body: { responder: { type: 'robot', id: 'x' } } }, { 'responder.type': 'should be one of [ team, user, escalation, schedule ]' }, 422],
    ['addTeam', { body: { team: { username: 'x' } } }, { team: 'id or name should be provided' }, 422],
    ['addTags', { body: {} }, { tags: 'should not be empty' }, 422],
    ['addTags', { body: { tags: [] } }, { tags: 'should not be empty' }, 422],
    ['addTags', { body: { tags: 'a' } }, { tags: 'should be an array of strings' }, 422],
    ['removeTags', { query: {} }, { tags: 'should not be empty' }, 422],
    ['addDetails', { body: { details: {} } }, { details: 'should not be empty' }, 422],
    ['addDetails', { body: { details: 'k=v' } }, { details: 'should be an object of string values' }, 422],
    ['removeDetails', { query: { keys: ' , ' } }, { keys: 'should not be empty' }, 422],
    ['customAction', { body: {} }, { actionName: 'should not be empty' }, 422],
    ['updateMessage', { body: {} }, { message: 'should not be empty' }, 422],
    ['updateMessage', { body: { message: 'z'.repeat(131) }, mode: 'strict' }, { message: 'should be at most 130 characters' }, 422],
    ['updateDescription', { body: {} }, { description: 'should not be empty' }, 422],
    ['updatePriority', { body: {} }, { priority: 'should not be empty' }, 422],
    ['updatePriority', { body: { priority: 'high' } }, { priority: 'should be one of [ P1, P2, P3, P4, P5 ]' }, 422],
    ['acknowledge', { body: { user: 'u'.repeat(101) }, mode: 'strict' }, { user: 'should be at most 100 characters' }, 422],
    ['acknowledge', { body: { user: ['jane'] } }, { user: 'should be a string' }, 422],
    ['close', { body: [] }, {}, 400],
    ['close', { body: 'close' }, {}, 400],
  ])('refuses %s %j', (name, input, errors, status) => {
    const e = refusal(() => parseAlertAction(name, input));
    expect(e.status).toBe(status);
    if (status === 422) expect(e.errors).toEqual(errors);
  });

  it('cuts an over-long common field in lenient mode and reports it', () => {
    const adjusted: string[] = [];
    const action = parseAlertAction('acknowledge', { body: { user: 'u'.repeat(150), note: 'n'.repeat(25_001) }, onAdjust: (f) => adjusted.push(f) });
    expect(action).toEqual({ type: 'acknowledge', user: `${'u'.repeat(99)}…`, note: `${'n'.repeat(24_999)}…` });
    expect(adjusted).toEqual(['user', 'note']);
  });
});

describe('opsgenie.parseListQuery', () => {
  const EMPTY = { tags: [], details: {}, messageContains: [], descriptionContains: [], text: [] };

  it('defaults: offset 0, limit 20, sort createdAt, order desc, no filter', () => {
    expect(parseListQuery({})).toEqual({ filter: EMPTY, offset: 0, limit: 20, sort: 'createdAt', order: 'desc' });
    expect(parseListQuery()).toEqual(parseListQuery({}));
  });

  it('reads paging, sorting and a saved search', () => {
    expect(
      parseListQuery({ offset: '40', limit: '100', sort: 'report.ackTime', order: 'ASC', searchIdentifier: 'my open', searchIdentifierType: 'name' }),
    ).toEqual({
      filter: EMPTY,
      offset: 40,
      limit: 100,
      sort: 'report.ackTime',
      order: 'asc',
      savedSearch: { type: 'name', value: 'my open' },
    });
    expect(parseListQuery({ searchIdentifier: 'abc' }).savedSearch).toEqual({ type: 'id', value: 'abc' });
  });

  it('clamps a limit above 100 to 100', () => {
    expect(parseListQuery({ limit: '500' }).limit).toBe(100);
  });

  it.each([
    [{ limit: '0' }, { limit: 'should be between 1 and 100' }],
    [{ limit: 'ten' }, { limit: 'should be an integer' }],
    [{ limit: '2.5' }, { limit: 'should be an integer' }],
    [{ offset: '-1' }, { offset: 'should be 0 or more' }],
    [{ sort: 'priority' }, { sort: expect.stringContaining('should be one of [ createdAt, updatedAt') as unknown as string }],
    [{ order: 'up' }, { order: 'should be one of [ asc, desc ]' }],
    [{ searchIdentifier: 'x', searchIdentifierType: 'slug' }, { searchIdentifierType: 'should be one of [ id, name ]' }],
  ])('refuses %j with 422', (query, errors) => {
    expect(refusal(() => parseListQuery(query)).errors).toEqual(errors);
  });

  it.each([
    ['status=open', { status: 'open' }],
    ['status: open', { status: 'open' }],
    ['STATUS:Closed', { status: 'closed' }],
    ['acknowledged: true', { acknowledged: true }],
    ['snoozed=false AND isSeen:true', { snoozed: false, isSeen: true }],
    ['alias=09f914e7', { alias: '09f914e7' }],
    ['alias: "with space"', { alias: 'with space' }],
    ['tinyId: 42', { tinyId: '42' }],
    ['priority=P1', { priority: 'P1' }],
    ['priority: p2', { priority: 'P2' }],
    ['tag=prod', { tags: ['prod'] }],
    ['tags: prod AND tag: api AND tag:prod', { tags: ['prod', 'api'] }],
    ['message: disk*', { messageContains: ['disk'] }],
    ['message: "disk full" AND description: db', { messageContains: ['disk full'], descriptionContains: ['db'] }],
    ['source: alertmanager AND entity=api AND owner: jane@x.io', { source: 'alertmanager', entity: 'api', owner: 'jane@x.io' }],
    ['details.cluster: eu-1', { details: { cluster: 'eu-1' } }],
    ['disk', { text: ['disk'] }],
    ['"disk full" and status:open', { text: ['disk full'], status: 'open' }],
    ['status: open AND tag: prod AND priority: P1', { status: 'open', tags: ['prod'], priority: 'P1' }],
    ['status:open AND status:closed', { status: 'closed', matchesNothing: true }],
    ['status:open AND status:open', { status: 'open' }],
    ['details.a: 1 AND details.a: 2', { details: { a: '2' }, matchesNothing: true }],
    ['  ', {}],
  ])('query %j', (query, filter) => {
    expect(parseListQuery({ query }).filter).toEqual({ ...EMPTY, ...filter });
    expect(parseSearchQuery(query)).toEqual({ ...EMPTY, ...filter });
  });

  it.each([
    ['status:open OR status:closed', 'unsupported search syntax "OR"'],
    ['NOT status:open', 'unsupported search syntax "NOT"'],
    ['(status:open)', 'unsupported search syntax "(status:open)"'],
    ['status: pending', 'status should be open or closed'],
    ['priority: P7', 'priority should be one of P1, P2, P3, P4, P5'],
    ['acknowledged: yes', '"acknowledged" should be true or false'],
    ['team: ops', 'unsupported field "team"'],
    ['alias:', '"alias" has no value'],
    ['message: "unterminated', 'has an unterminated quote'],
  ])('refuses query %j with 422 rather than answering something else', (query, reason) => {
    const e = refusal(() => parseListQuery({ query }));
    expect(e.status).toBe(422);
    expect(e.errors?.query).toContain(reason);
  });
});

describe('opsgenie.formatAlert', () => {
  const created = Date.parse('2026-05-01T10:00:00Z');
  const base: VigilAlertView = {
    id: '0190a0c4-7e57-7000-8000-000000000001',
    number: 1234,
    alias: 'disk-db-1',
    message: 'Disk full on db-1',
    status: 'open',
    tags: ['prod'],
    count: 3,
    firstAt: created - 60_000,
    lastAt: created + 120_000,
    createdAt: created,
    updatedAt: '2026-05-01T10:02:00Z',
    source: 'alertmanager',
    priority: 'P2',
    description: 'Disk / at 97%',
    details: { host: 'db-1' },
    entity: 'db-1',
    integration: { id: 'int-1', name: 'Prometheus', type: 'API' },
  };

  it('renders an open alert in the GET alert shape', () => {
    expect(formatAlert(base)).toEqual({
      id: base.id,
      tinyId: '1234',
      alias: 'disk-db-1',
      message: 'Disk full on db-1',
      status: 'open',
      acknowledged: false,
      isSeen: false,
      tags: ['prod'],
      snoozed: false,
      count: 3,
      lastOccurredAt: '2026-05-01T10:02:00.000Z',
      createdAt: '2026-05-01T10:00:00.000Z',
      updatedAt: '2026-05-01T10:02:00.000Z',
      source: 'alertmanager',
      owner: '',
      priority: 'P2',
      responders: [],
      integration: { id: 'int-1', name: 'Prometheus', type: 'API' },
      report: {},
      actions: [],
      entity: 'db-1',
      description: 'Disk / at 97%',
      details: { host: 'db-1' },
    });
  });

  it('renders acknowledged and closed alerts with the report (times in ms since creation)', () => {
    const acked = formatAlert({ ...base, status: 'acknowledged', acknowledgedAt: created + 15_702, acknowledgedBy: 'jane@x.io', owner: 'jane@x.io' });
    expect(acked).toMatchObject({
      status: 'open',
      acknowledged: true,
      isSeen: true,
      owner: 'jane@x.io',
      report: { ackTime: 15_702, acknowledgedBy: 'jane@x.io' },
    });
    const closed = formatAlert({
      ...base,
      status: 'closed',
      acknowledgedAt: new Date(created + 15_702),
      acknowledgedBy: 'jane@x.io',
      closedAt: '2026-05-01T10:01:00.503Z',
      closedBy: 'bob@x.io',
    });
    expect(closed).toMatchObject({
      status: 'closed',
      acknowledged: true,
      report: { ackTime: 15_702, closeTime: 60_503, acknowledgedBy: 'jane@x.io', closedBy: 'bob@x.io' },
    });
    expect(formatAlert({ ...base, status: 'closed', closedAt: created + 1_000 })).toMatchObject({
      status: 'closed',
      acknowledged: false,
      report: { closeTime: 1_000 },
    });
  });

  it('shows a snooze only while it lasts and the alert is open', () => {
    const until = '2026-05-01T12:00:00Z';
    expect(formatAlert({ ...base, snoozedUntil: until })).toMatchObject({ snoozed: true, snoozedUntil: '2026-05-01T12:00:00.000Z' });
    expect(formatAlert({ ...base, snoozedUntil: until }, { now: Date.parse(until) + 1 })).toMatchObject({ snoozed: false });
    expect(formatAlert({ ...base, snoozedUntil: until }, { now: Date.parse(until) + 1 })).not.toHaveProperty('snoozedUntil');
    expect(formatAlert({ ...base, status: 'closed', snoozedUntil: until })).toMatchObject({ snoozed: false });
  });

  it('fills OpsGenie defaults for a minimal view, with lastOccurredAt falling back to firstAt then createdAt', () => {
    const minimal: VigilAlertView = { id: 'a', number: 1, alias: 'x', message: 'm', status: 'open', createdAt: created, updatedAt: created };
    expect(formatAlert(minimal)).toMatchObject({
      tags: [],
      count: 1,
      source: '',
      owner: '',
      priority: 'P3',
      entity: '',
      description: '',
      details: {},
      actions: [],
      integration: { id: '', name: '', type: '' },
      lastOccurredAt: '2026-05-01T10:00:00.000Z',
    });
    expect(formatAlert({ ...minimal, firstAt: created - 5_000 }).lastOccurredAt).toBe('2026-05-01T09:59:55.000Z');
  });

  it('keeps isSeen when given, responders and actions', () => {
    const view = { ...base, isSeen: true, responders: [{ type: 'team', id: 't-1' }], actions: ['Restart'] };
    expect(formatAlert(view)).toMatchObject({ isSeen: true, acknowledged: false, responders: [{ type: 'team', id: 't-1' }], actions: ['Restart'] });
  });

  it('renders list items without actions, entity, description and details', () => {
    const summary = formatAlertSummary(base);
    for (const key of ['actions', 'entity', 'description', 'details']) expect(summary).not.toHaveProperty(key);
    const { actions: _a, entity: _e, description: _d, details: _x, ...rest } = formatAlert(base);
    expect(summary).toEqual(rest);
  });

  it('refuses an invalid instant', () => {
    expect(() => formatAlert({ ...base, createdAt: 'not a date' })).toThrow('Invalid instant');
  });
});

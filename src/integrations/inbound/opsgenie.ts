/**
 * OpsGenie Alert API v2, inbound (wire-contracts §1): request bodies and queries -> typed values, and Vigil
 * alerts -> OpsGenie response objects. Pure: the HTTP layer authenticates (`Authorization: GenieKey …`),
 * parses JSON, calls these functions and answers 202 `{result, took, requestId}`, or on an
 * OpsGenieValidationError its `status` with `error.body(requestId, took)`.
 *
 * Limits (OpsGenie's documented ones) are applied by mode, see AdapterOptions in generic.ts:
 * lenient (default) cuts prose with …, strict answers 422 like OpsGenie. Identity (alias > 512), types,
 * enums and recipient shapes are refused in both modes.
 */
import { IntakeError, MESSAGE_LIMIT, truncate, type ActionEvent, type AlertPriority, type TriggerEvent } from '../../core/alerts/intake.js';
import {
  ALIAS_LIMIT,
  type AdapterOptions,
  detailValue,
  isObject,
  type JsonObject,
  messageAndDescription,
  oneLine,
  parseInstant,
  parsePriority,
  PRIORITIES,
} from './generic.js';

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

/** OpsGenie's 422 message, as its API answers it. */
export const UNPROCESSABLE_MESSAGE = 'Request body is not processable. Please check the errors.';

export interface OpsGenieErrorBody {
  message: string;
  errors?: Record<string, string>;
  took: number;
  requestId: string;
}

/**
 * A request OpsGenie would refuse. The HTTP layer answers `status` with `body(requestId, took)`:
 * `{message, took, requestId}`, plus `errors: {field: reason}` for 422.
 */
export class OpsGenieValidationError extends IntakeError {
  constructor(
    readonly status: 400 | 422,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message, errors ? Object.keys(errors)[0] : undefined);
    this.name = 'OpsGenieValidationError';
  }

  body(requestId: string, took: number): OpsGenieErrorBody {
    return this.errors ? { message: this.message, errors: this.errors, took, requestId } : { message: this.message, took, requestId };
  }
}

/** The 202 body of every asynchronous OpsGenie request (create, actions, delete). */
export function acceptedBody(requestId: string, took: number): { result: string; took: number; requestId: string } {
  return { result: 'Request will be processed', took, requestId };
}

/** The 202 body of `GET /v2/heartbeats/{name}/ping`. */
export function heartbeatPingBody(requestId: string, took: number): { result: string; took: number; requestId: string } {
  return { result: 'PONG - Heartbeat received', took, requestId };
}

/** A heartbeat name from the path (`/v2/heartbeats/{name}/ping`): non-empty, at most 200 characters. */
export function parseHeartbeatName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, { name: 'should not be empty' });
  if ([...name].length > 200) throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, { name: 'should be at most 200 characters' });
  return name;
}

const invalidJson = (): OpsGenieValidationError => new OpsGenieValidationError(400, 'Could not parse the request body as a JSON object.');

class Problems {
  readonly errors: Record<string, string> = {};
  add(field: string, reason: string): void {
    if (!(field in this.errors)) this.errors[field] = reason;
  }
  throwIfAny(): void {
    if (Object.keys(this.errors).length > 0) throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, this.errors);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Field readers
// ---------------------------------------------------------------------------------------------------------

export const LIMITS = {
  message: MESSAGE_LIMIT,
  alias: ALIAS_LIMIT,
  description: 15_000,
  entity: 512,
  source: 100,
  user: 100,
  note: 25_000,
  tags: 20,
  tag: 50,
  actions: 10,
  action: 50,
  details: 8_000,
} as const;

const length = (s: string): number => [...s].length;

interface Reader {
  problems: Problems;
  options: AdapterOptions;
}

/** A string field: absent/null -> undefined; numbers and booleans are taken as text (as OpsGenie's JSON binding does). */
function readString(r: Reader, object: JsonObject, key: string, field = key): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  r.problems.add(field, 'should be a string');
  return undefined;
}

/** Prose: over the limit it is cut with … (lenient) or refused (strict). */
function readProse(r: Reader, object: JsonObject, key: keyof typeof LIMITS, field: string = key): string | undefined {
  const value = readString(r, object, key, field);
  if (value === undefined) return undefined;
  const limit = LIMITS[key];
  if (length(value) <= limit) return value;
  if (r.options.mode === 'strict') {
    r.problems.add(field, `should be at most ${limit} characters`);
    return undefined;
  }
  r.options.onAdjust?.(field, `cut to ${limit} characters`);
  return truncate(value, limit);
}

function readStringList(r: Reader, object: JsonObject, key: 'tags' | 'actions', itemLimit: number, countLimit: number): string[] | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    r.problems.add(key, 'should be an array of strings');
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
      r.problems.add(`${key}[${i}]`, 'should be a string');
      return;
    }
    const text = String(item).trim();
    if (text === '') return;
    if (length(text) > itemLimit && r.options.mode === 'strict') r.problems.add(`${key}[${i}]`, `should be at most ${itemLimit} characters`);
    if (!out.includes(text)) out.push(text);
  });
  if (out.length > countLimit && r.options.mode === 'strict') r.problems.add(key, `should have at most ${countLimit} items`);
  return out;
}

function readDetails(r: Reader, object: JsonObject, key: string): Record<string, string> | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    r.problems.add(key, 'should be an object of string values');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = detailValue(v);
  return out;
}

export type RecipientType = 'team' | 'user' | 'escalation' | 'schedule';
export interface Recipient {
  type: RecipientType;
  id?: string;
  name?: string;
  username?: string;
}

const RECIPIENT_TYPES: readonly RecipientType[] = ['team', 'user', 'escalation', 'schedule'];

/**
 * A recipient: `{type, id}` or `{type, name}` (team/escalation/schedule) or `{type, username}` (user).
 * `fixedType` is for fields whose type is implied (`owner` is a user, `team` a team, `escalation`).
 */
function readRecipient(r: Reader, value: unknown, field: string, allowed: readonly RecipientType[], fixedType?: RecipientType): Recipient | undefined {
  if (!isObject(value)) {
    r.problems.add(field, 'should be an object');
    return undefined;
  }
  let type: RecipientType;
  if (fixedType) {
    type = fixedType;
  } else {
    const raw = typeof value.type === 'string' ? value.type.trim().toLowerCase() : undefined;
    if (!raw || !(allowed as readonly string[]).includes(raw)) {
      r.problems.add(`${field}.type`, `should be one of [ ${allowed.join(', ')} ]`);
      return undefined;
    }
    type = raw as RecipientType;
  }
  const text = (k: string): string | undefined => {
    const v = value[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number') return String(v);
    return undefined;
  };
  const recipient: Recipient = { type };
  const id = text('id');
  if (id !== undefined) recipient.id = id;
  if (type === 'user') {
    const username = text('username');
    if (username !== undefined) recipient.username = username;
    if (id === undefined && username === undefined) {
      r.problems.add(field, 'id or username should be provided');
      return undefined;
    }
  } else {
    const name = text('name');
    if (name !== undefined) recipient.name = name;
    if (id === undefined && name === undefined) {
      r.problems.add(field, 'id or name should be provided');
      return undefined;
    }
  }
  return recipient;
}

function readRecipients(r: Reader, object: JsonObject, key: string, allowed: readonly RecipientType[], fixedType?: RecipientType): Recipient[] | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    r.problems.add(key, 'should be an array');
    return undefined;
  }
  const out: Recipient[] = [];
  value.forEach((item: unknown, i) => {
    const recipient = readRecipient(r, item, `${key}[${i}]`, allowed, fixedType);
    if (recipient) out.push(recipient);
  });
  return out;
}

function readPriority(r: Reader, object: JsonObject): AlertPriority | undefined {
  const value = object.priority;
  if (value === undefined || value === null || value === '') return undefined;
  const strictOk = typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
  const priority = r.options.mode === 'strict' ? (strictOk ? (value as AlertPriority) : undefined) : parsePriority(value);
  if (!priority) r.problems.add('priority', 'should be one of [ P1, P2, P3, P4, P5 ]');
  return priority;
}

function bodyObject(body: unknown): JsonObject {
  if (body === undefined || body === null || body === '') return {};
  if (!isObject(body)) throw invalidJson();
  return body;
}

// ---------------------------------------------------------------------------------------------------------
// Create alert — POST /v2/alerts
// ---------------------------------------------------------------------------------------------------------

/** A trigger with the OpsGenie fields the normalized event has no slot for (carried for the ingest use case). */
export interface OpsGenieTriggerEvent extends TriggerEvent {
  /** `visibleTo`: teams/users that may see the alert without being notified. */
  visibleTo?: Recipient[];
  /** `actions`: names of custom actions offered on the alert. */
  actions?: string[];
}

export interface CreateAlertOptions extends AdapterOptions {
  /** OpsGenie's default `source` is the caller's IP address: pass it here. */
  defaultSource?: string;
}

/**
 * `POST /v2/alerts` body -> trigger event. `details` and its older name `extraProperties` are merged
 * (`details` wins); the legacy `teams: [{id|name}]` field is read as team responders. Unknown fields are
 * ignored, as OpsGenie does. Priority defaults to P3.
 */
export function parseCreateAlert(body: unknown, options: CreateAlertOptions = {}): OpsGenieTriggerEvent {
  if (!isObject(body)) throw invalidJson();
  const r: Reader = { problems: new Problems(), options };
  const { problems } = r;

  const rawMessage = readString(r, body, 'message');
  if (rawMessage === undefined || rawMessage.trim() === '') {
    if (!('message' in problems.errors)) problems.add('message', 'should not be empty');
  } else if (options.mode === 'strict' && length(rawMessage) > LIMITS.message) {
    problems.add('message', `should be at most ${LIMITS.message} characters`);
  }

  let alias = readString(r, body, 'alias');
  if (alias === '') alias = undefined;
  if (alias !== undefined && length(alias) > LIMITS.alias) problems.add('alias', `should be at most ${LIMITS.alias} characters`);

  const description = readProse(r, body, 'description');
  const entity = readProse(r, body, 'entity');
  const source = readProse(r, body, 'source');
  const user = readProse(r, body, 'user');
  const note = readProse(r, body, 'note');
  const priority = readPriority(r, body);
  const tags = readStringList(r, body, 'tags', LIMITS.tag, LIMITS.tags);
  const actions = readStringList(r, body, 'actions', LIMITS.action, LIMITS.actions);
  const extra = readDetails(r, body, 'extraProperties');
  const own = readDetails(r, body, 'details');
  const details = extra || own ? { ...extra, ...own } : undefined;
  if (details && options.mode === 'strict') {
    const total = Object.entries(details).reduce((n, [k, v]) => n + length(k) + length(v), 0);
    if (total > LIMITS.details) problems.add('details', `should be at most ${LIMITS.details} characters in total`);
  }
  const responders = readRecipients(r, body, 'responders', RECIPIENT_TYPES);
  const legacyTeams = readRecipients(r, body, 'teams', ['team'], 'team');
  const visibleTo = readRecipients(r, body, 'visibleTo', ['team', 'user']);
  problems.throwIfAny();

  const md = messageAndDescription(rawMessage as string, description);
  if (md.message !== oneLine(rawMessage as string)) options.onAdjust?.('message', `cut to ${LIMITS.message} characters`);

  const event: OpsGenieTriggerEvent = { action: 'trigger', message: md.message, priority: priority ?? 'P3' };
  if (alias !== undefined) event.alias = alias;
  if (md.description !== undefined && md.description !== '') event.description = md.description;
  const effectiveSource = source !== undefined && source !== '' ? source : options.defaultSource;
  if (effectiveSource !== undefined) event.source = effectiveSource;
  if (entity !== undefined && entity !== '') event.entity = entity;
  if (tags && tags.length > 0) event.tags = tags;
  if (details && Object.keys(details).length > 0) event.details = details;
  const allResponders = [...(responders ?? []), ...(legacyTeams ?? [])];
  if (allResponders.length > 0) event.responders = allResponders;
  if (visibleTo && visibleTo.length > 0) event.visibleTo = visibleTo;
  if (actions && actions.length > 0) event.actions = actions;
  if (user !== undefined && user !== '') event.user = user;
  if (note !== undefined && note !== '') event.note = note;
  return event;
}

// ---------------------------------------------------------------------------------------------------------
// Identifiers — /v2/alerts/{identifier}?identifierType=id|alias|tiny
// ---------------------------------------------------------------------------------------------------------

export type IdentifierType = 'id' | 'alias' | 'tiny';
export interface AlertIdentifier {
  type: IdentifierType;
  value: string;
}

const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);

/**
 * The path identifier and the `identifierType` query (default `id`). The identifier is used as given: the
 * router has already percent-decoded it once (decoding again would corrupt aliases containing `%`).
 */
export function parseIdentifier(identifier: unknown, identifierType?: unknown): AlertIdentifier {
  const rawType = first(identifierType);
  const type = rawType === undefined || rawType === null || rawType === '' ? 'id' : String(rawType).trim().toLowerCase();
  const problems = new Problems();
  if (type !== 'id' && type !== 'alias' && type !== 'tiny') problems.add('identifierType', 'should be one of [ id, alias, tiny ]');
  if (typeof identifier !== 'string' || identifier === '') problems.add('identifier', 'should not be empty');
  problems.throwIfAny();
  return { type: type as IdentifierType, value: identifier as string };
}

// ---------------------------------------------------------------------------------------------------------
// Alert actions
// ---------------------------------------------------------------------------------------------------------

export type OpsGenieActionName =
  | 'acknowledge'
  | 'unacknowledge'
  | 'close'
  | 'note'
  | 'snooze'
  | 'escalate'
  | 'assign'
  | 'addResponder'
  | 'addTeam'
  | 'addTags'
  | 'removeTags'
  | 'addDetails'
  | 'removeDetails'
  | 'customAction'
  | 'updateMessage'
  | 'updateDescription'
  | 'updatePriority'
  | 'delete';

/** Every action body may carry these (`note` is required for `note`). */
export interface ActionCommon {
  user?: string;
  source?: string;
  note?: string;
}

export type OpsGenieAction =
  | ({ type: 'acknowledge' | 'unacknowledge' | 'close' | 'delete' } & ActionCommon)
  | ({ type: 'note'; note: string } & ActionCommon)
  | ({ type: 'snooze'; endTime: number } & ActionCommon)
  | ({ type: 'escalate'; escalation: { id?: string; name?: string } } & ActionCommon)
  | ({ type: 'assign'; owner: { id?: string; username?: string } } & ActionCommon)
  | ({ type: 'addResponder'; responder: Recipient } & ActionCommon)
  | ({ type: 'addTeam'; team: { id?: string; name?: string } } & ActionCommon)
  | ({ type: 'addTags'; tags: string[] } & ActionCommon)
  | ({ type: 'removeTags'; tags: string[] } & ActionCommon)
  | ({ type: 'addDetails'; details: Record<string, string> } & ActionCommon)
  | ({ type: 'removeDetails'; keys: string[] } & ActionCommon)
  | ({ type: 'customAction'; action: string } & ActionCommon)
  | ({ type: 'updateMessage'; message: string } & ActionCommon)
  | ({ type: 'updateDescription'; description: string } & ActionCommon)
  | ({ type: 'updatePriority'; priority: AlertPriority } & ActionCommon);

export interface ActionRoute {
  action: OpsGenieActionName;
  /** The custom action's name (`/actions/{actionName}`). */
  actionName?: string;
}

/**
 * Which action a request is, from its method and the path after `/v2/alerts/{identifier}` (e.g. `''`,
 * `'acknowledge'`, `'notes'`, `'actions/Restart'`). Undefined when it is not an alert action.
 */
export function matchAlertActionRoute(method: string, subPath: string): ActionRoute | undefined {
  const m = method.toUpperCase();
  const path = subPath.replace(/^\/+|\/+$/g, '');
  if (m === 'DELETE') {
    if (path === '') return { action: 'delete' };
    if (path === 'tags') return { action: 'removeTags' };
    if (path === 'details') return { action: 'removeDetails' };
    return undefined;
  }
  if (m === 'PUT') {
    const put: Record<string, OpsGenieActionName> = { message: 'updateMessage', description: 'updateDescription', priority: 'updatePriority' };
    return put[path] ? { action: put[path] } : undefined;
  }
  if (m !== 'POST') return undefined;
  const custom = /^actions\/(.+)$/.exec(path);
  if (custom) return { action: 'customAction', actionName: custom[1] as string };
  const post: Record<string, OpsGenieActionName> = {
    acknowledge: 'acknowledge',
    unacknowledge: 'unacknowledge',
    close: 'close',
    notes: 'note',
    snooze: 'snooze',
    escalate: 'escalate',
    assign: 'assign',
    responders: 'addResponder',
    teams: 'addTeam',
    tags: 'addTags',
    details: 'addDetails',
  };
  return post[path] ? { action: post[path] } : undefined;
}

export type QueryValues = Record<string, unknown>;

export interface ParseActionInput extends AdapterOptions {
  body?: unknown;
  /** The query string (for DELETE `tags=` / `keys=`, `user=`, `source=`). */
  query?: QueryValues;
  /** The custom action's name from the path. */
  actionName?: string;
  /** When given, a snooze `endTime` must be after this instant (epoch ms). */
  now?: number;
}

function commaList(value: unknown): string[] {
  const raw = Array.isArray(value) ? value.map(String).join(',') : typeof value === 'string' ? value : '';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Parses the body (and query) of one alert action request. */
export function parseAlertAction(name: OpsGenieActionName, input: ParseActionInput = {}): OpsGenieAction {
  const options: AdapterOptions = { mode: input.mode, onAdjust: input.onAdjust };
  const query = input.query ?? {};
  // DELETE requests carry user/source in the query; everything else in the JSON body.
  const object: JsonObject =
    name === 'delete' || name === 'removeTags' || name === 'removeDetails'
      ? { user: first(query.user), source: first(query.source), note: first(query.note) }
      : bodyObject(input.body);
  const r: Reader = { problems: new Problems(), options };
  const { problems } = r;
  const common: ActionCommon = {};
  const user = readProse(r, object, 'user');
  const source = readProse(r, object, 'source');
  const note = readProse(r, object, 'note');
  if (user !== undefined && user !== '') common.user = user;
  if (source !== undefined && source !== '') common.source = source;
  if (note !== undefined && note !== '') common.note = note;

  let action: OpsGenieAction | undefined;
  switch (name) {
    case 'acknowledge':
    case 'unacknowledge':
    case 'close':
    case 'delete':
      action = { type: name, ...common };
      break;
    case 'note':
      if (common.note === undefined && !('note' in problems.errors)) problems.add('note', 'should not be empty');
      action = { type: 'note', ...common, note: common.note ?? '' };
      break;
    case 'snooze': {
      const raw = object.endTime;
      const endTime = typeof raw === 'string' ? parseInstant(raw) : undefined;
      if (raw === undefined || raw === null || raw === '') problems.add('endTime', 'should not be empty');
      else if (endTime === undefined) problems.add('endTime', 'should be an ISO-8601 date-time');
      else if (input.now !== undefined && endTime <= input.now) problems.add('endTime', 'should be in the future');
      action = { type: 'snooze', ...common, endTime: endTime ?? 0 };
      break;
    }
    case 'escalate': {
      const escalation = object.escalation === undefined ? undefined : readRecipient(r, object.escalation, 'escalation', ['escalation'], 'escalation');
      if (object.escalation === undefined) problems.add('escalation', 'should not be empty');
      action = {
        type: 'escalate',
        ...common,
        escalation: { ...(escalation?.id && { id: escalation.id }), ...(escalation?.name && { name: escalation.name }) },
      };
      break;
    }
    case 'assign': {
      const owner = object.owner === undefined ? undefined : readRecipient(r, object.owner, 'owner', ['user'], 'user');
      if (object.owner === undefined) problems.add('owner', 'should not be empty');
      action = { type: 'assign', ...common, owner: { ...(owner?.id && { id: owner.id }), ...(owner?.username && { username: owner.username }) } };
      break;
    }
    case 'addResponder': {
      const responder = object.responder === undefined ? undefined : readRecipient(r, object.responder, 'responder', RECIPIENT_TYPES);
      if (object.responder === undefined) problems.add('responder', 'should not be empty');
      action = { type: 'addResponder', ...common, responder: responder ?? { type: 'user' } };
      break;
    }
    case 'addTeam': {
      const team = object.team === undefined ? undefined : readRecipient(r, object.team, 'team', ['team'], 'team');
      if (object.team === undefined) problems.add('team', 'should not be empty');
      action = { type: 'addTeam', ...common, team: { ...(team?.id && { id: team.id }), ...(team?.name && { name: team.name }) } };
      break;
    }
    case 'addTags': {
      const tags = readStringList(r, object, 'tags', LIMITS.tag, LIMITS.tags);
      if (!tags || tags.length === 0) problems.add('tags', 'should not be empty');
      action = { type: 'addTags', ...common, tags: tags ?? [] };
      break;
    }
    case 'removeTags': {
      const tags = commaList(query.tags);
      if (tags.length === 0) problems.add('tags', 'should not be empty');
      action = { type: 'removeTags', ...common, tags };
      break;
    }
    case 'addDetails': {
      const details = readDetails(r, object, 'details');
      if (!details || Object.keys(details).length === 0) problems.add('details', 'should not be empty');
      action = { type: 'addDetails', ...common, details: details ?? {} };
      break;
    }
    case 'removeDetails': {
      const keys = commaList(query.keys);
      if (keys.length === 0) problems.add('keys', 'should not be empty');
      action = { type: 'removeDetails', ...common, keys };
      break;
    }
    case 'customAction': {
      const actionName = input.actionName?.trim() ?? '';
      if (actionName === '') problems.add('actionName', 'should not be empty');
      action = { type: 'customAction', ...common, action: actionName };
      break;
    }
    case 'updateMessage': {
      const message = readString(r, object, 'message');
      if (message === undefined || message.trim() === '') {
        if (!('message' in problems.errors)) problems.add('message', 'should not be empty');
      } else if (options.mode === 'strict' && length(message) > LIMITS.message) {
        problems.add('message', `should be at most ${LIMITS.message} characters`);
      }
      const line = oneLine(message ?? '');
      const cutLine = truncate(line, LIMITS.message);
      if (cutLine !== line) options.onAdjust?.('message', `cut to ${LIMITS.message} characters`);
      action = { type: 'updateMessage', ...common, message: cutLine };
      break;
    }
    case 'updateDescription': {
      const description = readProse(r, object, 'description');
      if (description === undefined && !('description' in problems.errors)) problems.add('description', 'should not be empty');
      action = { type: 'updateDescription', ...common, description: description ?? '' };
      break;
    }
    case 'updatePriority': {
      const priority = readPriority(r, object);
      if (object.priority === undefined || object.priority === null || object.priority === '') problems.add('priority', 'should not be empty');
      action = { type: 'updatePriority', ...common, priority: priority ?? 'P3' };
      break;
    }
  }
  problems.throwIfAny();
  return action as OpsGenieAction;
}

/**
 * The normalized event for actions the ingest use case handles (acknowledge, close, note); undefined for the
 * others, which the alert use cases implement directly. `alias` is the alert's alias (resolve id/tiny first).
 */
export function actionToEvent(action: OpsGenieAction, alias: string): ActionEvent | undefined {
  const kind = action.type === 'acknowledge' ? 'acknowledge' : action.type === 'close' ? 'close' : action.type === 'note' ? 'note' : undefined;
  if (!kind) return undefined;
  const event: ActionEvent = { action: kind, alias };
  if (action.user !== undefined) event.user = action.user;
  if (action.note !== undefined) event.note = action.note;
  if (action.source !== undefined) event.source = action.source;
  return event;
}

// ---------------------------------------------------------------------------------------------------------
// List alerts — GET /v2/alerts
// ---------------------------------------------------------------------------------------------------------

export const SORT_FIELDS = [
  'createdAt',
  'updatedAt',
  'tinyId',
  'alias',
  'message',
  'status',
  'acknowledged',
  'isSeen',
  'snoozed',
  'snoozedUntil',
  'count',
  'lastOccurredAt',
  'source',
  'owner',
  'integration.name',
  'integration.type',
  'report.ackTime',
  'report.closeTime',
  'report.acknowledgedBy',
  'report.closedBy',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** Every condition is ANDed. Text conditions are case-insensitive "contains"; the others are equality. */
export interface AlertListFilter {
  status?: 'open' | 'closed';
  acknowledged?: boolean;
  snoozed?: boolean;
  isSeen?: boolean;
  alias?: string;
  tinyId?: string;
  priority?: AlertPriority;
  source?: string;
  entity?: string;
  owner?: string;
  /** The alert has every one of these tags. */
  tags: string[];
  /** `details.<key>: value` terms. */
  details: Record<string, string>;
  messageContains: string[];
  descriptionContains: string[];
  /** Free-text terms (no field): matched against message, alias, description, source, entity, tags. */
  text: string[];
  /** Two terms on the same field disagree (`status:open AND status:closed`): the answer is empty. */
  matchesNothing?: true;
}

export interface AlertListQuery {
  filter: AlertListFilter;
  offset: number;
  limit: number;
  sort: SortField;
  order: 'asc' | 'desc';
  /** A saved search (`searchIdentifier`, `searchIdentifierType` id|name), ANDed with `query`. */
  savedSearch?: { type: 'id' | 'name'; value: string };
}

const SCALAR_FIELDS = {
  status: 'status',
  acknowledged: 'acknowledged',
  snoozed: 'snoozed',
  isseen: 'isSeen',
  alias: 'alias',
  tinyid: 'tinyId',
  priority: 'priority',
  source: 'source',
  entity: 'entity',
  owner: 'owner',
} as const;

/** Splits on AND outside double quotes; refuses OR / NOT / parentheses (not supported, never silently ignored). */
function splitQuery(query: string): string[] {
  const terms: string[] = [];
  let current = '';
  let quoted = false;
  const words: string[] = [];
  for (const ch of query) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (current !== '') words.push(current);
      current = '';
    } else current += ch;
  }
  if (quoted) throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, { query: 'has an unterminated quote' });
  if (current !== '') words.push(current);
  let term: string[] = [];
  for (const word of words) {
    const upper = word.toUpperCase();
    if (upper === 'AND') {
      if (term.length > 0) terms.push(term.join(' '));
      term = [];
    } else if (upper === 'OR' || upper === 'NOT' || (!word.startsWith('"') && /[()]/.test(word))) {
      throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, {
        query: `unsupported search syntax "${word}": Vigil supports field:value (or field=value) terms joined by AND`,
      });
    } else term.push(word);
  }
  if (term.length > 0) terms.push(term.join(' '));
  return terms;
}

const unquote = (s: string): string => {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
};

/** Parses the `query` search string (the subset documented in src/integrations/inbound/README.md). */
export function parseSearchQuery(query: string): AlertListFilter {
  const filter: AlertListFilter = { tags: [], details: {}, messageContains: [], descriptionContains: [], text: [] };
  const bad = (reason: string): never => {
    throw new OpsGenieValidationError(422, UNPROCESSABLE_MESSAGE, { query: reason });
  };
  const setScalar = <K extends keyof AlertListFilter>(key: K, value: AlertListFilter[K]): void => {
    if (filter[key] !== undefined && filter[key] !== value) filter.matchesNothing = true;
    filter[key] = value;
  };
  for (const term of splitQuery(query)) {
    const m = /^([A-Za-z][\w.]*)\s*(=|:)\s*(.*)$/s.exec(term);
    if (!m) {
      filter.text.push(unquote(term).replace(/\*/g, ''));
      continue;
    }
    const field = (m[1] as string).toLowerCase();
    const value = unquote(m[3] as string);
    if (value === '') bad(`"${m[1]}" has no value`);
    const bool = (): boolean => {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') bad(`"${m[1]}" should be true or false`);
      return v === 'true';
    };
    if (field === 'tag' || field === 'tags') {
      if (!filter.tags.includes(value)) filter.tags.push(value);
    } else if (field === 'message') {
      filter.messageContains.push(value.replace(/\*/g, ''));
    } else if (field === 'description') {
      filter.descriptionContains.push(value.replace(/\*/g, ''));
    } else if (field.startsWith('details.') && field.length > 'details.'.length) {
      const key = (m[1] as string).slice('details.'.length);
      if (filter.details[key] !== undefined && filter.details[key] !== value) filter.matchesNothing = true;
      filter.details[key] = value;
    } else if (field in SCALAR_FIELDS) {
      const key = SCALAR_FIELDS[field as keyof typeof SCALAR_FIELDS];
      switch (key) {
        case 'status': {
          const v = value.toLowerCase();
          if (v !== 'open' && v !== 'closed') bad('status should be open or closed');
          setScalar('status', v as 'open' | 'closed');
          break;
        }
        case 'acknowledged':
        case 'snoozed':
        case 'isSeen':
          setScalar(key, bool());
          break;
        case 'priority': {
          const p = parsePriority(value);
          if (!p) bad('priority should be one of P1, P2, P3, P4, P5');
          setScalar('priority', p);
          break;
        }
        default:
          setScalar(key, value);
      }
    } else {
      bad(`unsupported field "${m[1]}"`);
    }
  }
  return filter;
}

function integer(value: unknown, field: string, problems: Problems): number | undefined {
  const v = first(value);
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isInteger(n)) {
    problems.add(field, 'should be an integer');
    return undefined;
  }
  return n;
}

/**
 * `GET /v2/alerts` query -> list request. offset ≥ 0 (default 0); limit 1..100 (default 20; above 100 it
 * is clamped to 100, which is harmless for callers that page); sort (default createdAt); order (default desc).
 */
export function parseListQuery(query: QueryValues = {}): AlertListQuery {
  const problems = new Problems();
  const offset = integer(query.offset, 'offset', problems) ?? 0;
  if (offset < 0) problems.add('offset', 'should be 0 or more');
  let limit = integer(query.limit, 'limit', problems) ?? 20;
  if (limit < 1) problems.add('limit', 'should be between 1 and 100');
  limit = Math.min(limit, 100);
  const rawSort = first(query.sort);
  const sort = rawSort === undefined || rawSort === '' ? 'createdAt' : String(rawSort);
  if (!(SORT_FIELDS as readonly string[]).includes(sort)) problems.add('sort', `should be one of [ ${SORT_FIELDS.join(', ')} ]`);
  const rawOrder = first(query.order);
  const order = rawOrder === undefined || rawOrder === '' ? 'desc' : String(rawOrder).toLowerCase();
  if (order !== 'asc' && order !== 'desc') problems.add('order', 'should be one of [ asc, desc ]');
  let savedSearch: AlertListQuery['savedSearch'];
  const searchIdentifier = first(query.searchIdentifier);
  if (searchIdentifier !== undefined && searchIdentifier !== '') {
    const rawType = first(query.searchIdentifierType);
    const type = rawType === undefined || rawType === '' ? 'id' : String(rawType).toLowerCase();
    if (type !== 'id' && type !== 'name') problems.add('searchIdentifierType', 'should be one of [ id, name ]');
    savedSearch = { type: type as 'id' | 'name', value: String(searchIdentifier) };
  }
  problems.throwIfAny();
  const rawQuery = first(query.query);
  const filter = typeof rawQuery === 'string' && rawQuery.trim() !== '' ? parseSearchQuery(rawQuery) : parseSearchQuery('');
  const out: AlertListQuery = { filter, offset, limit, sort: sort as SortField, order: order as 'asc' | 'desc' };
  if (savedSearch) out.savedSearch = savedSearch;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Responses — GET /v2/alerts/{identifier}, GET /v2/alerts
// ---------------------------------------------------------------------------------------------------------

/** An instant as epoch ms, an ISO string or a Date. */
export type Instant = number | string | Date;

/** What Vigil knows about an alert, enough to answer in OpsGenie's shape. */
export interface VigilAlertView {
  id: string;
  /** The short human number (OpsGenie's tinyId). */
  number: number;
  alias: string;
  message: string;
  status: 'open' | 'acknowledged' | 'closed';
  tags?: string[];
  count?: number;
  /** First occurrence (as the sender said); OpsGenie has no such field, it is used when lastAt is missing. */
  firstAt?: Instant;
  lastAt?: Instant;
  createdAt: Instant;
  updatedAt: Instant;
  source?: string;
  /** The owner's username (e-mail), if assigned. */
  owner?: string;
  priority?: AlertPriority;
  description?: string;
  details?: Record<string, string>;
  entity?: string;
  actions?: string[];
  responders?: Array<{ type: string; id: string }>;
  isSeen?: boolean;
  acknowledgedAt?: Instant;
  acknowledgedBy?: string;
  closedAt?: Instant;
  closedBy?: string;
  snoozedUntil?: Instant;
  integration?: { id: string; name: string; type: string };
}

export interface OpsGenieAlertSummary {
  id: string;
  tinyId: string;
  alias: string;
  message: string;
  status: 'open' | 'closed';
  acknowledged: boolean;
  isSeen: boolean;
  tags: string[];
  snoozed: boolean;
  snoozedUntil?: string;
  count: number;
  lastOccurredAt: string;
  createdAt: string;
  updatedAt: string;
  source: string;
  owner: string;
  priority: AlertPriority;
  responders: Array<{ type: string; id: string }>;
  integration: { id: string; name: string; type: string };
  report: { ackTime?: number; closeTime?: number; acknowledgedBy?: string; closedBy?: string };
}

export interface OpsGenieAlert extends OpsGenieAlertSummary {
  actions: string[];
  entity: string;
  description: string;
  details: Record<string, string>;
}

function toMs(instant: Instant): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`Invalid instant: ${String(instant)}`);
  return ms;
}

const iso = (instant: Instant): string => new Date(toMs(instant)).toISOString();

/** The list item (`GET /v2/alerts` `data[]`): the alert without actions, entity, description and details. */
export function formatAlertSummary(alert: VigilAlertView, options: { now?: number } = {}): OpsGenieAlertSummary {
  const acknowledged = alert.status === 'acknowledged' || (alert.status === 'closed' && alert.acknowledgedAt !== undefined);
  const createdMs = toMs(alert.createdAt);
  const snoozedUntilMs = alert.snoozedUntil === undefined ? undefined : toMs(alert.snoozedUntil);
  const snoozed = snoozedUntilMs !== undefined && alert.status !== 'closed' && (options.now === undefined || snoozedUntilMs > options.now);
  const report: OpsGenieAlertSummary['report'] = {};
  if (alert.acknowledgedAt !== undefined) report.ackTime = Math.max(0, toMs(alert.acknowledgedAt) - createdMs);
  if (alert.closedAt !== undefined) report.closeTime = Math.max(0, toMs(alert.closedAt) - createdMs);
  if (alert.acknowledgedBy !== undefined) report.acknowledgedBy = alert.acknowledgedBy;
  if (alert.closedBy !== undefined) report.closedBy = alert.closedBy;
  const out: OpsGenieAlertSummary = {
    id: alert.id,
    tinyId: String(alert.number),
    alias: alert.alias,
    message: alert.message,
    status: alert.status === 'closed' ? 'closed' : 'open',
    acknowledged,
    isSeen: alert.isSeen ?? acknowledged,
    tags: alert.tags ?? [],
    snoozed,
    count: alert.count ?? 1,
    lastOccurredAt: iso(alert.lastAt ?? alert.firstAt ?? alert.createdAt),
    createdAt: iso(alert.createdAt),
    updatedAt: iso(alert.updatedAt),
    source: alert.source ?? '',
    owner: alert.owner ?? '',
    priority: alert.priority ?? 'P3',
    responders: alert.responders ?? [],
    integration: alert.integration ?? { id: '', name: '', type: '' },
    report,
  };
  if (snoozed && snoozedUntilMs !== undefined) out.snoozedUntil = iso(snoozedUntilMs);
  return out;
}

/** The `data` object of `GET /v2/alerts/{identifier}`. */
export function formatAlert(alert: VigilAlertView, options: { now?: number } = {}): OpsGenieAlert {
  return {
    ...formatAlertSummary(alert, options),
    actions: alert.actions ?? [],
    entity: alert.entity ?? '',
    description: alert.description ?? '',
    details: alert.details ?? {},
  };
}

/**
 * PagerDuty Events API v2, inbound (wire-contracts §2.1–2.2): `POST /v2/enqueue` and
 * `POST /v2/change/enqueue` bodies -> normalized events. Pure. Auth is the `routing_key` in the body, so the
 * HTTP layer reads it (readRoutingKey) to find the integration, then calls parseEvent / parseChangeEvent and
 * answers 202 with acceptedBody(dedupKey), or 400 with `error.body()` on a PagerDutyValidationError.
 *
 * Mapping: summary -> message (cut to 130 with …; the full summary becomes the description when cut),
 * severity critical/error/warning/info -> P1/P2/P3/P5, source -> source, component -> entity,
 * custom_details -> details (non-string values JSON-stringified), group/class/client -> details
 * `pagerduty.group` / `pagerduty.class` / `pagerduty.client`, links + images + client_url -> links,
 * timestamp -> occurredAt, dedup_key -> alias.
 */
import { randomUUID } from 'node:crypto';
import { IntakeError, truncate, type ActionEvent, type AlertPriority, type ChangeEvent, type TriggerEvent } from '../../core/alerts/intake.js';
import { type AdapterOptions, detailValue, isObject, type JsonObject, messageAndDescription, oneLine, parseInstant } from './generic.js';

export const SUMMARY_LIMIT = 1024;
export const DEDUP_KEY_LIMIT = 255;

/** PagerDuty's 400 answer: `{status: 'invalid event', message: 'Event object is invalid', errors: [...]}`. */
export class PagerDutyValidationError extends IntakeError {
  readonly status = 400;
  constructor(readonly errors: string[]) {
    super(errors.join('; '), errors[0]);
    this.name = 'PagerDutyValidationError';
  }

  body(): { status: 'invalid event'; message: 'Event object is invalid'; errors: string[] } {
    return { status: 'invalid event', message: 'Event object is invalid', errors: this.errors };
  }
}

/** The 202 body for an alert event (`dedup_key` echoes the given or generated key). */
export function acceptedBody(dedupKey: string): { status: 'success'; message: 'Event processed'; dedup_key: string } {
  return { status: 'success', message: 'Event processed', dedup_key: dedupKey };
}

/** The 202 body for a change event. */
export function changeAcceptedBody(): { status: 'success'; message: 'Change event processed' } {
  return { status: 'success', message: 'Change event processed' };
}

/** PagerDuty's wording for an absent or empty field. */
export const missing = (field: string): string => `'${field}' is missing or blank`;

/** The routing key, to authenticate before parsing the rest (undefined when absent or not a non-empty string). */
export function readRoutingKey(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const key = body.routing_key;
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
}

export const SEVERITY_PRIORITY: Record<'critical' | 'error' | 'warning' | 'info', AlertPriority> = {
  critical: 'P1',
  error: 'P2',
  warning: 'P3',
  info: 'P5',
};

export interface ParsedPagerDutyEvent {
  routingKey: string;
  /** The event's dedup key: the one sent, or a generated one for a trigger without it. */
  dedupKey: string;
  dedupKeyGenerated: boolean;
  event: TriggerEvent | ActionEvent;
}

export interface PagerDutyOptions extends AdapterOptions {
  /** Makes the dedup key of a trigger sent without one (default: a random UUID, as PagerDuty does). */
  generateDedupKey?: () => string;
}

function str(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function wrongType(object: JsonObject, key: string): boolean {
  const value = object[key];
  return value !== undefined && value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean';
}

type Link = { href: string; text?: string };

/** `links[]` ({href, text?}) and `images[]` ({src, href?, alt?}) -> links. Malformed entries are errors (strict) or dropped and reported (lenient). */
function readLinks(body: JsonObject, errors: string[], options: AdapterOptions): Link[] {
  const links: Link[] = [];
  const bad = (field: string, reason: string): void => {
    if (options.mode === 'strict') errors.push(`'${field}' ${reason}`);
    else options.onAdjust?.(field, `dropped: ${reason}`);
  };
  if (body.links !== undefined && body.links !== null) {
    if (!Array.isArray(body.links)) bad('links', 'must be an array');
    else
      body.links.forEach((link: unknown, i) => {
        if (!isObject(link) || typeof link.href !== 'string' || link.href.trim() === '') return bad(`links[${i}].href`, 'is missing or blank');
        links.push(typeof link.text === 'string' && link.text !== '' ? { href: link.href, text: link.text } : { href: link.href });
      });
  }
  if (body.images !== undefined && body.images !== null) {
    if (!Array.isArray(body.images)) bad('images', 'must be an array');
    else
      body.images.forEach((image: unknown, i) => {
        if (!isObject(image) || typeof image.src !== 'string' || image.src.trim() === '') return bad(`images[${i}].src`, 'is missing or blank');
        const alt = typeof image.alt === 'string' && image.alt !== '' ? image.alt : undefined;
        links.push({ href: image.src, text: alt ?? 'Image' });
        if (typeof image.href === 'string' && image.href !== '' && image.href !== image.src) links.push({ href: image.href, text: alt ?? 'Image link' });
      });
  }
  return links;
}

function readTimestamp(payload: JsonObject, errors: string[], options: AdapterOptions): number | undefined {
  const raw = payload.timestamp;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const ms = typeof raw === 'string' ? parseInstant(raw) : undefined;
  if (ms !== undefined) return ms;
  if (options.mode === 'strict') errors.push("'payload.timestamp' is invalid (must be an ISO 8601 date-time)");
  else options.onAdjust?.('payload.timestamp', 'ignored: not an ISO 8601 date-time (receipt time is used)');
  return undefined;
}

function readSummary(payload: JsonObject, errors: string[], options: AdapterOptions): string | undefined {
  if (wrongType(payload, 'summary')) {
    errors.push("'payload.summary' must be a string");
    return undefined;
  }
  const summary = str(payload, 'summary');
  if (summary === undefined) {
    errors.push(missing('payload.summary'));
    return undefined;
  }
  if ([...summary].length <= SUMMARY_LIMIT) return summary;
  if (options.mode === 'strict') {
    errors.push(`'payload.summary' is too long (maximum is ${SUMMARY_LIMIT} characters)`);
    return undefined;
  }
  options.onAdjust?.('payload.summary', `cut to ${SUMMARY_LIMIT} characters`);
  return truncate(summary, SUMMARY_LIMIT);
}

/** `POST /v2/enqueue` body -> the routing key, the dedup key and one event. */
export function parseEvent(body: unknown, options: PagerDutyOptions = {}): ParsedPagerDutyEvent {
  if (!isObject(body)) throw new PagerDutyValidationError(['Event object must be a JSON object']);
  const errors: string[] = [];
  const routingKey = readRoutingKey(body);
  if (routingKey === undefined) errors.push(missing('routing_key'));

  const rawAction = body.event_action;
  const action = typeof rawAction === 'string' ? rawAction.trim().toLowerCase() : undefined;
  if (action === undefined || action === '') errors.push(missing('event_action'));
  else if (action !== 'trigger' && action !== 'acknowledge' && action !== 'resolve') {
    errors.push("'event_action' is invalid (must be one of trigger, acknowledge, resolve)");
  }

  if (wrongType(body, 'dedup_key')) errors.push("'dedup_key' must be a string");
  const sentKey = str(body, 'dedup_key');
  if (sentKey !== undefined && [...sentKey].length > DEDUP_KEY_LIMIT) errors.push(`'dedup_key' is too long (maximum is ${DEDUP_KEY_LIMIT} characters)`);
  if ((action === 'acknowledge' || action === 'resolve') && sentKey === undefined && !wrongType(body, 'dedup_key')) errors.push(missing('dedup_key'));

  if (action !== 'trigger') {
    if (errors.length > 0) throw new PagerDutyValidationError(errors);
    // Acknowledge and resolve use only the dedup key; a payload (Alertmanager sends one with resolve) is ignored.
    const event: ActionEvent = { action: action === 'resolve' ? 'close' : 'acknowledge', alias: sentKey as string };
    const payload = isObject(body.payload) ? body.payload : undefined;
    const source = payload ? str(payload, 'source') : undefined;
    if (source !== undefined) event.source = source;
    return { routingKey: routingKey as string, dedupKey: sentKey as string, dedupKeyGenerated: false, event };
  }

  const payload = body.payload;
  if (!isObject(payload)) {
    errors.push(missing('payload'));
    throw new PagerDutyValidationError(errors);
  }
  const summary = readSummary(payload, errors, options);
  if (wrongType(payload, 'source')) errors.push("'payload.source' must be a string");
  else if (str(payload, 'source') === undefined) errors.push(missing('payload.source'));
  const rawSeverity = payload.severity;
  let priority: AlertPriority | undefined;
  if (rawSeverity === undefined || rawSeverity === null || rawSeverity === '') errors.push(missing('payload.severity'));
  else {
    const severity = typeof rawSeverity === 'string' ? rawSeverity.trim().toLowerCase() : '';
    priority = SEVERITY_PRIORITY[severity as keyof typeof SEVERITY_PRIORITY];
    if (!priority) errors.push("'payload.severity' is invalid (must be one of critical, error, warning, info)");
  }
  const occurredAt = readTimestamp(payload, errors, options);
  const customDetails = payload.custom_details;
  const links = readLinks(body, errors, options);
  if (errors.length > 0) throw new PagerDutyValidationError(errors);

  const dedupKey = sentKey ?? (options.generateDedupKey ?? randomUUID)();
  const md = messageAndDescription(summary as string, undefined);
  if (md.message !== oneLine(summary as string)) options.onAdjust?.('payload.summary', 'message cut to 130 characters; the full summary is the description');

  const details: Record<string, string> = {};
  if (isObject(customDetails)) for (const [k, v] of Object.entries(customDetails)) details[k] = detailValue(v);
  else if (customDetails !== undefined && customDetails !== null) details.custom_details = detailValue(customDetails);
  for (const key of ['group', 'class'] as const) {
    const value = str(payload, key);
    if (value !== undefined) details[`pagerduty.${key}`] = value;
  }
  const client = str(body, 'client');
  if (client !== undefined) details['pagerduty.client'] = client;
  const clientUrl = str(body, 'client_url');
  if (clientUrl !== undefined) links.push({ href: clientUrl, text: client ?? 'Client' });

  const event: TriggerEvent = { action: 'trigger', alias: dedupKey, message: md.message, priority: priority as AlertPriority };
  if (md.description !== undefined) event.description = md.description;
  event.source = str(payload, 'source') as string;
  const component = str(payload, 'component');
  if (component !== undefined) event.entity = component;
  if (Object.keys(details).length > 0) event.details = details;
  if (links.length > 0) event.links = links;
  if (occurredAt !== undefined) event.occurredAt = occurredAt;
  return { routingKey: routingKey as string, dedupKey, dedupKeyGenerated: sentKey === undefined, event };
}

export interface ParsedChangeEvent {
  routingKey: string;
  event: ChangeEvent;
}

/** `POST /v2/change/enqueue` body -> the routing key and a change event (pages nobody). */
export function parseChangeEvent(body: unknown, options: AdapterOptions = {}): ParsedChangeEvent {
  if (!isObject(body)) throw new PagerDutyValidationError(['Event object must be a JSON object']);
  const errors: string[] = [];
  const routingKey = readRoutingKey(body);
  if (routingKey === undefined) errors.push(missing('routing_key'));
  const payload = body.payload;
  if (!isObject(payload)) {
    errors.push(missing('payload'));
    throw new PagerDutyValidationError(errors);
  }
  const summary = readSummary(payload, errors, options);
  const timestamp = readTimestamp(payload, errors, options);
  const links = readLinks(body, errors, options);
  if (errors.length > 0) throw new PagerDutyValidationError(errors);

  const event: ChangeEvent = { action: 'change', summary: summary as string };
  const source = str(payload, 'source');
  if (source !== undefined) event.source = source;
  if (timestamp !== undefined) event.timestamp = timestamp;
  if (links.length > 0) event.links = links;
  const customDetails = payload.custom_details;
  if (isObject(customDetails)) event.details = customDetails;
  else if (customDetails !== undefined && customDetails !== null) event.details = { custom_details: customDetails };
  return { routingKey: routingKey as string, event };
}

// ---------------------------------------------------------------------------------------------------------
// Events API v1 — POST /generic/2010-04-15/create_event.json (older integrations, Alertmanager's service_key)
// ---------------------------------------------------------------------------------------------------------

export interface ParsedV1Event {
  serviceKey: string;
  /** The incident key: the one sent, or a generated one for a trigger without it. */
  incidentKey: string;
  event: TriggerEvent | ActionEvent;
}

/** The service key, to authenticate before parsing the rest. */
export function readServiceKey(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const key = body.service_key;
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
}

/** The 200 body of a v1 event: `{status: 'success', message: 'Event processed', incident_key}`. */
export function v1AcceptedBody(incidentKey: string): { status: 'success'; message: 'Event processed'; incident_key: string } {
  return { status: 'success', message: 'Event processed', incident_key: incidentKey };
}

/**
 * A v1 event -> one normalized event. `event_type` trigger/acknowledge/resolve; `incident_key` is the alias
 * (required for acknowledge and resolve); `description` (≤ 1024, required for trigger) is the summary; `details`
 * become details; `client`/`client_url` and `contexts` of type link become links. v1 has no severity: P2 (error),
 * as PagerDuty treats v1 triggers.
 */
export function parseV1Event(body: unknown, options: PagerDutyOptions = {}): ParsedV1Event {
  if (!isObject(body)) throw new PagerDutyValidationError(['Event object must be a JSON object']);
  const errors: string[] = [];
  const serviceKey = readServiceKey(body);
  if (serviceKey === undefined) errors.push(missing('service_key'));
  const rawType = body.event_type;
  const type = typeof rawType === 'string' ? rawType.trim().toLowerCase() : undefined;
  if (type === undefined || type === '') errors.push(missing('event_type'));
  else if (type !== 'trigger' && type !== 'acknowledge' && type !== 'resolve') errors.push("'event_type' is invalid (must be one of trigger, acknowledge, resolve)");
  if (wrongType(body, 'incident_key')) errors.push("'incident_key' must be a string");
  const sentKey = str(body, 'incident_key');
  if (sentKey !== undefined && [...sentKey].length > DEDUP_KEY_LIMIT) errors.push(`'incident_key' is too long (maximum is ${DEDUP_KEY_LIMIT} characters)`);
  if ((type === 'acknowledge' || type === 'resolve') && sentKey === undefined && !wrongType(body, 'incident_key')) errors.push(missing('incident_key'));
  if (wrongType(body, 'description')) errors.push("'description' must be a string");

  if (type !== 'trigger') {
    if (errors.length > 0) throw new PagerDutyValidationError(errors);
    const event: ActionEvent = { action: type === 'resolve' ? 'close' : 'acknowledge', alias: sentKey as string };
    const note = str(body, 'description');
    if (note !== undefined) event.note = note;
    return { serviceKey: serviceKey as string, incidentKey: sentKey as string, event };
  }

  let description = str(body, 'description');
  if (description === undefined && !wrongType(body, 'description')) errors.push(missing('description'));
  else if (description !== undefined && [...description].length > SUMMARY_LIMIT) {
    if (options.mode === 'strict') errors.push(`'description' is too long (maximum is ${SUMMARY_LIMIT} characters)`);
    else description = truncate(description, SUMMARY_LIMIT);
  }
  if (body.details !== undefined && body.details !== null && !isObject(body.details) && typeof body.details !== 'string') errors.push("'details' must be an object");
  const contexts = body.contexts;
  if (contexts !== undefined && contexts !== null && !Array.isArray(contexts)) errors.push("'contexts' must be an array");
  if (errors.length > 0) throw new PagerDutyValidationError(errors);

  const incidentKey = sentKey ?? (options.generateDedupKey ?? randomUUID)();
  const md = messageAndDescription(description as string, undefined);
  const details: Record<string, string> = {};
  if (isObject(body.details)) for (const [k, v] of Object.entries(body.details)) details[k] = detailValue(v);
  else if (typeof body.details === 'string' && body.details !== '') details.details = body.details;
  const client = str(body, 'client');
  if (client !== undefined) details['pagerduty.client'] = client;
  const links: Array<{ href: string; text?: string }> = [];
  const clientUrl = str(body, 'client_url');
  if (clientUrl !== undefined) links.push({ href: clientUrl, text: client ?? 'Client' });
  if (Array.isArray(contexts)) {
    for (const c of contexts) {
      if (isObject(c) && c.type === 'link' && typeof c.href === 'string' && c.href !== '') links.push({ href: c.href, ...(typeof c.text === 'string' ? { text: c.text } : {}) });
    }
  }
  const event: TriggerEvent = { action: 'trigger', alias: incidentKey, message: md.message, priority: 'P2' };
  if (md.description !== undefined) event.description = md.description;
  if (client !== undefined) event.source = client;
  if (Object.keys(details).length > 0) event.details = details;
  if (links.length > 0) event.links = links;
  return { serviceKey: serviceKey as string, incidentKey, event };
}

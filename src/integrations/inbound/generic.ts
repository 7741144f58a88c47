/**
 * Generic JSON webhook intake, plus the small helpers every inbound adapter shares (details flattening,
 * severity -> priority, one-line messages, JSONPath-lite reads).
 *
 * Canonical body (docs/integrations/generic-webhook.md):
 *   { "action": "trigger" | "acknowledge" | "resolve", "dedup_key" | "alias", "title" | "message",
 *     "description", "priority": "P1".."P5" | "severity": critical|error|warning|info, "source", "entity",
 *     "tags": [], "details": {}, "links": [], "user", "note", "timestamp" }
 * or an array of such objects. A per-integration `mapping` turns any fixed JSON payload into that body
 * without code: `{ message: "$.check.name", alias: "$.check.id", action: { path: "$.state", map: {...} } }`.
 *
 * Pure: no I/O. Errors are IntakeError with `field` naming the offending field.
 */
import { IntakeError, MESSAGE_LIMIT, truncate, type ActionEvent, type AlertEvent, type AlertPriority, type TriggerEvent } from '../../core/alerts/intake.js';

// ---------------------------------------------------------------------------------------------------------
// Shared helpers (used by opsgenie.ts, pagerduty.ts, alertmanager.ts, grafana.ts)
// ---------------------------------------------------------------------------------------------------------

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * How adapters treat vendor limits.
 * - `lenient` (default): prose over its limit (message, description, note...) is cut with …; identifiers
 *   (alias, dedup_key) over their limit are still refused; list and map limits are not enforced.
 * - `strict`: every documented vendor limit is enforced and answered with the vendor's error.
 */
export type LimitMode = 'lenient' | 'strict';

export interface AdapterOptions {
  mode?: LimitMode;
  /** Called for every lenient adjustment (a cut text, a dropped malformed entry), so it can be logged. */
  onAdjust?: (field: string, reason: string) => void;
}

export const PRIORITIES: readonly AlertPriority[] = ['P1', 'P2', 'P3', 'P4', 'P5'];

/** `P1`..`P5`, case-insensitive; anything else is undefined. */
export function parsePriority(value: unknown): AlertPriority | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return (PRIORITIES as readonly string[]).includes(upper) ? (upper as AlertPriority) : undefined;
}

/**
 * Severity words -> priority (case-insensitive). The core table is PagerDuty's four severities
 * (critical=P1, error=P2, warning=P3, info=P5) plus Prometheus conventions (high=P2); the other words are
 * common synonyms. Unknown words give undefined (callers decide the default, usually P3).
 */
const SEVERITY_PRIORITY: Record<string, AlertPriority> = {
  critical: 'P1',
  crit: 'P1',
  fatal: 'P1',
  page: 'P1',
  emergency: 'P1',
  high: 'P2',
  error: 'P2',
  err: 'P2',
  major: 'P2',
  warning: 'P3',
  warn: 'P3',
  medium: 'P3',
  moderate: 'P3',
  low: 'P4',
  minor: 'P4',
  info: 'P5',
  informational: 'P5',
  information: 'P5',
  debug: 'P5',
  none: 'P5',
};

export function severityToPriority(severity: unknown): AlertPriority | undefined {
  if (typeof severity !== 'string') return undefined;
  return SEVERITY_PRIORITY[severity.trim().toLowerCase()];
}

/** A details value as a string: strings unchanged, everything else JSON-stringified (`5`, `true`, `null`, `{"a":1}`). */
export function detailValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}

/** A JSON object as a flat string map (top-level keys kept; non-string values JSON-stringified). */
export function flattenDetails(object: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    out[key] = detailValue(value);
  }
  return out;
}

/** Line breaks become spaces, outer whitespace goes: the message is one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * The alert message: one line, cut to 130 characters with …. When it had to be cut and the sender gave no
 * description, the full text becomes the description so nothing is lost.
 */
export function messageAndDescription(text: string, description: string | undefined): { message: string; description?: string } {
  const line = oneLine(text);
  const message = truncate(line, MESSAGE_LIMIT);
  if (message !== line && (description === undefined || description === '')) return { message, description: text };
  return description === undefined ? { message } : { message, description };
}

/** Parses an ISO-8601 date-time (or epoch seconds / milliseconds as a number or digit string) to epoch ms. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return parseInstant(Number(text));
  // Date-time only: a date must carry a time (and we refuse things Date.parse would guess at, like "May 1").
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text)) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Go's zero time ("0001-01-01T00:00:00Z", Alertmanager's unset endsAt) means "no time".
  if (ms < Date.UTC(1971, 0, 1)) return undefined;
  return ms;
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// JSONPath-lite
// ---------------------------------------------------------------------------------------------------------

export type PathSegment = string | number;
export interface ParsedPath {
  /** `$$` paths read from the whole body; `$` paths from the current item (the body unless `each` is set). */
  root: 'item' | 'body';
  segments: PathSegment[];
}

/**
 * Parses `$.a.b[0]['key.with.dots']["x"]`, `$$.top`, `a.b` (the `$.` is optional) and `$` (the item itself).
 * Throws IntakeError on a malformed path.
 */
export function parsePath(path: string): ParsedPath {
  let rest = path.trim();
  let root: ParsedPath['root'] = 'item';
  if (rest.startsWith('$$')) {
    root = 'body';
    rest = rest.slice(2);
  } else if (rest.startsWith('$')) {
    rest = rest.slice(1);
  } else if (rest !== '') {
    rest = `.${rest}`;
  }
  const segments: PathSegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new IntakeError(`Invalid path "${path}": ${why}.`, 'mapping');
  };
  while (i < rest.length) {
    const c = rest[i];
    if (c === '.') {
      let j = i + 1;
      while (j < rest.length && rest[j] !== '.' && rest[j] !== '[') j++;
      const name = rest.slice(i + 1, j);
      if (name === '') fail(`empty name at position ${i + 1}`);
      if (name.includes(']')) fail(`unexpected "]" in "${name}" (quote names with brackets: ['a]b'])`);
      segments.push(name);
      i = j;
    } else if (c === '[') {
      const q = rest[i + 1];
      if (q === "'" || q === '"') {
        const end = rest.indexOf(`${q}]`, i + 2);
        if (end < 0) fail('unterminated quoted name');
        segments.push(rest.slice(i + 2, end));
        i = end + 2;
      } else {
        const end = rest.indexOf(']', i);
        if (end < 0) fail('missing ]');
        const index = rest.slice(i + 1, end).trim();
        if (!/^-?\d+$/.test(index)) fail(`"${index}" is not an array index (quote names: ['name'])`);
        segments.push(Number(index));
        i = end + 1;
      }
    } else {
      fail(`unexpected "${c}" at position ${i}`);
    }
  }
  return { root, segments };
}

/** Reads a parsed path. Missing steps give undefined; negative indexes count from the end. */
export function readParsedPath(path: ParsedPath, item: unknown, body: unknown = item): unknown {
  let node: unknown = path.root === 'body' ? body : item;
  for (const segment of path.segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[segment < 0 ? node.length + segment : segment];
    } else if (isObject(node)) {
      node = Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
    } else if (Array.isArray(node) && /^\d+$/.test(segment)) {
      node = node[Number(segment)];
    } else {
      return undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/** `readPath({a:{b:[1,2]}}, '$.a.b[1]')` -> 2. */
export function readPath(item: unknown, path: string, body: unknown = item): unknown {
  return readParsedPath(parsePath(path), item, body);
}

// ---------------------------------------------------------------------------------------------------------
// Field mapping
// ---------------------------------------------------------------------------------------------------------

export const GENERIC_FIELDS = [
  'action',
  'alias',
  'message',
  'description',
  'priority',
  'severity',
  'source',
  'entity',
  'tags',
  'details',
  'links',
  'user',
  'note',
  'timestamp',
] as const;
export type GenericField = (typeof GENERIC_FIELDS)[number];

/**
 * One mapped field:
 * - `"$.path"` / `"$$.path"`: the value at that path;
 * - a string containing `{{ $.path }}` placeholders: a template (missing values render as "");
 * - any other string: a constant;
 * - an object: `{ path | template | value, map?: { "<extracted>": "<result>" }, default? }`; `map` translates
 *   the extracted value (exact match first, then case-insensitive), `default` applies when nothing was found
 *   or the map has no entry.
 */
export type MappingRule =
  | string
  | {
      path?: string;
      template?: string;
      value?: unknown;
      map?: Record<string, unknown>;
      default?: unknown;
    };

export type GenericMapping = Partial<Record<GenericField, MappingRule>> & {
  /** Path to an array: the mapping runs once per element (`$` = the element, `$$` = the whole body). */
  each?: string;
};

const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;

function renderTemplate(template: string, item: unknown, body: unknown): string {
  return template.replace(TEMPLATE, (_match, path: string) => {
    const value = readPath(item, path, body);
    return value === undefined || value === null ? '' : detailValue(value);
  });
}

function extract(rule: MappingRule, item: unknown, body: unknown): unknown {
  if (typeof rule === 'string') {
    if (rule.trim().startsWith('$')) return readPath(item, rule, body);
    if (rule.includes('{{')) return renderTemplate(rule, item, body);
    return rule;
  }
  let value: unknown;
  if (rule.path !== undefined) value = readPath(item, rule.path, body);
  else if (rule.template !== undefined) value = renderTemplate(rule.template, item, body);
  else value = rule.value;
  if (rule.map && value !== undefined && value !== null) {
    const key = detailValue(value);
    const exact = Object.prototype.hasOwnProperty.call(rule.map, key) ? rule.map[key] : undefined;
    const loose = exact ?? Object.entries(rule.map).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    value = loose ?? (rule.default !== undefined ? rule.default : value);
  }
  if ((value === undefined || value === null || value === '') && rule.default !== undefined) value = rule.default;
  return value;
}

/** Checks a mapping once (at configuration time): known fields, well-formed paths and rules. */
export function validateMapping(mapping: unknown): GenericMapping {
  if (!isObject(mapping)) throw new IntakeError('mapping must be an object of field -> rule.', 'mapping');
  for (const [field, rule] of Object.entries(mapping)) {
    if (field === 'each') {
      if (typeof rule !== 'string' || !rule.trim().startsWith('$')) throw new IntakeError('mapping.each must be a path like "$.alerts".', 'mapping.each');
      parsePath(rule);
      continue;
    }
    if (!(GENERIC_FIELDS as readonly string[]).includes(field)) {
      throw new IntakeError(`mapping.${field}: unknown field (one of ${GENERIC_FIELDS.join(', ')}, each).`, `mapping.${field}`);
    }
    const check = (text: string): void => {
      if (text.trim().startsWith('$')) parsePath(text);
      else for (const m of text.matchAll(TEMPLATE)) parsePath(m[1] ?? '');
    };
    if (typeof rule === 'string') check(rule);
    else if (isObject(rule)) {
      const sources = ['path', 'template', 'value'].filter((k) => rule[k] !== undefined);
      if (sources.length > 1) throw new IntakeError(`mapping.${field}: give one of path, template or value.`, `mapping.${field}`);
      if (rule.path !== undefined) {
        if (typeof rule.path !== 'string') throw new IntakeError(`mapping.${field}.path must be a string.`, `mapping.${field}`);
        parsePath(rule.path);
      }
      if (rule.template !== undefined) {
        if (typeof rule.template !== 'string') throw new IntakeError(`mapping.${field}.template must be a string.`, `mapping.${field}`);
        check(rule.template);
      }
      if (rule.map !== undefined && !isObject(rule.map)) throw new IntakeError(`mapping.${field}.map must be an object.`, `mapping.${field}`);
    } else {
      throw new IntakeError(`mapping.${field} must be a path, a template, a constant or a rule object.`, `mapping.${field}`);
    }
  }
  return mapping as GenericMapping;
}

/** The canonical generic body the mapping produces for one item (only mapped fields are set). */
export function applyMapping(mapping: GenericMapping, item: unknown, body: unknown = item): JsonObject {
  const out: JsonObject = {};
  for (const field of GENERIC_FIELDS) {
    const rule = mapping[field];
    if (rule === undefined) continue;
    const value = extract(rule, item, body);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Canonical body -> events
// ---------------------------------------------------------------------------------------------------------

export const ALIAS_LIMIT = 512;
const DESCRIPTION_LIMIT = 15_000;
const NOTE_LIMIT = 25_000;

const ACTIONS: Record<string, 'trigger' | 'acknowledge' | 'resolve'> = {
  trigger: 'trigger',
  triggered: 'trigger',
  firing: 'trigger',
  alert: 'trigger',
  acknowledge: 'acknowledge',
  acknowledged: 'acknowledge',
  ack: 'acknowledge',
  resolve: 'resolve',
  resolved: 'resolve',
  close: 'resolve',
  closed: 'resolve',
  ok: 'resolve',
};

export interface GenericOptions extends AdapterOptions {
  /** Field mapping for fixed payloads; when set, only mapped fields are read. */
  mapping?: GenericMapping;
}

function text(object: JsonObject, key: string, at: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new IntakeError(`${at}${key} must be a string.`, `${at}${key}`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function cut(value: string | undefined, limit: number, field: string, options: AdapterOptions): string | undefined {
  if (value === undefined) return undefined;
  const out = truncate(value, limit);
  if (out !== value) options.onAdjust?.(field, `cut to ${limit} characters`);
  return out;
}

function parseTags(value: unknown, at: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items)) throw new IntakeError(`${at}tags must be an array of strings (or a comma-separated string).`, `${at}tags`);
  const tags: string[] = [];
  items.forEach((tag: unknown, i) => {
    if (typeof tag !== 'string' && typeof tag !== 'number' && typeof tag !== 'boolean') {
      throw new IntakeError(`${at}tags[${i}] must be a string.`, `${at}tags[${i}]`);
    }
    const t = String(tag).trim();
    if (t !== '' && !tags.includes(t)) tags.push(t);
  });
  return tags;
}

function parseLinks(value: unknown, at: string): Array<{ href: string; text?: string }> | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items.map((link: unknown, i) => {
    if (typeof link === 'string' && isHttpUrl(link)) return { href: link };
    if (isObject(link) && isHttpUrl(link.href)) {
      return typeof link.text === 'string' && link.text !== '' ? { href: link.href, text: link.text } : { href: link.href };
    }
    throw new IntakeError(`${at}links[${i}] must be an http(s) URL or {"href": URL, "text"?: string}.`, `${at}links[${i}]`);
  });
}

/** One canonical generic object -> one event. `at` prefixes field names in errors (`[2].`). */
export function parseGenericEvent(object: unknown, options: AdapterOptions = {}, at = ''): AlertEvent {
  if (!isObject(object)) throw new IntakeError(`${at || 'body'} must be a JSON object.`, at.replace(/\.$/, '') || 'body');
  const rawAction = object.action ?? object.event_action ?? 'trigger';
  const action = typeof rawAction === 'string' ? ACTIONS[rawAction.trim().toLowerCase()] : undefined;
  if (!action) throw new IntakeError(`${at}action must be one of trigger, acknowledge, resolve.`, `${at}action`);

  const dedup = nonEmpty(text(object, 'dedup_key', at));
  const alias = dedup ?? nonEmpty(text(object, 'alias', at));
  if (alias !== undefined && [...alias].length > ALIAS_LIMIT) {
    throw new IntakeError(
      `${at}${dedup !== undefined ? 'dedup_key' : 'alias'} must be at most ${ALIAS_LIMIT} characters.`,
      `${at}${dedup !== undefined ? 'dedup_key' : 'alias'}`,
    );
  }
  const user = nonEmpty(text(object, 'user', at));
  const note = cut(nonEmpty(text(object, 'note', at)), NOTE_LIMIT, `${at}note`, options);
  const source = nonEmpty(text(object, 'source', at));

  if (action !== 'trigger') {
    if (alias === undefined) throw new IntakeError(`${at}dedup_key (or alias) is required to ${action} an alert.`, `${at}dedup_key`);
    const event: ActionEvent = { action: action === 'resolve' ? 'close' : 'acknowledge', alias };
    if (user !== undefined) event.user = user;
    if (note !== undefined) event.note = note;
    if (source !== undefined) event.source = source;
    return event;
  }

  const rawMessage = nonEmpty(text(object, 'message', at)) ?? nonEmpty(text(object, 'title', at));
  if (rawMessage === undefined) throw new IntakeError(`${at}message (or title) is required to trigger an alert.`, `${at}message`);
  const description = cut(nonEmpty(text(object, 'description', at)), DESCRIPTION_LIMIT, `${at}description`, options);
  const md = messageAndDescription(rawMessage, description);
  if (md.message !== oneLine(rawMessage)) options.onAdjust?.(`${at}message`, `cut to ${MESSAGE_LIMIT} characters`);

  let priority: AlertPriority | undefined;
  const rawPriority = object.priority;
  if (rawPriority !== undefined && rawPriority !== null && rawPriority !== '') {
    priority = parsePriority(rawPriority);
    if (!priority) throw new IntakeError(`${at}priority must be one of P1, P2, P3, P4, P5.`, `${at}priority`);
  } else if (object.severity !== undefined && object.severity !== null && object.severity !== '') {
    priority = severityToPriority(object.severity);
    if (!priority) throw new IntakeError(`${at}severity must be one of critical, error, warning, info (or high, low).`, `${at}severity`);
  }

  const event: TriggerEvent = { action: 'trigger', message: md.message };
  if (alias !== undefined) event.alias = alias;
  if (md.description !== undefined) event.description = md.description;
  if (priority !== undefined) event.priority = priority;
  if (source !== undefined) event.source = source;
  const entity = nonEmpty(text(object, 'entity', at));
  if (entity !== undefined) event.entity = entity;
  const tags = parseTags(object.tags, at);
  if (tags !== undefined && tags.length > 0) event.tags = tags;
  if (object.details !== undefined && object.details !== null) {
    if (!isObject(object.details)) throw new IntakeError(`${at}details must be an object.`, `${at}details`);
    const details = flattenDetails(object.details);
    if (Object.keys(details).length > 0) event.details = details;
  }
  const links = parseLinks(object.links, at);
  if (links !== undefined && links.length > 0) event.links = links;
  if (user !== undefined) event.user = user;
  if (note !== undefined) event.note = note;
  if (object.timestamp !== undefined && object.timestamp !== null && object.timestamp !== '') {
    const occurredAt = parseInstant(object.timestamp);
    if (occurredAt === undefined) throw new IntakeError(`${at}timestamp must be an ISO-8601 date-time or epoch seconds/milliseconds.`, `${at}timestamp`);
    event.occurredAt = occurredAt;
  }
  return event;
}

/**
 * The generic webhook: a canonical object, an array of them, or (with `mapping`) any JSON the mapping
 * understands. Returns one event per object (an empty array for `[]`).
 */
export function parseWebhook(body: unknown, options: GenericOptions = {}): AlertEvent[] {
  const { mapping } = options;
  if (!mapping) {
    if (Array.isArray(body)) return body.map((item, i) => parseGenericEvent(item, options, `[${i}].`));
    return [parseGenericEvent(body, options)];
  }
  if (mapping.each !== undefined) {
    const items = readPath(body, mapping.each);
    if (!Array.isArray(items)) throw new IntakeError(`mapping.each: "${mapping.each}" is not an array in this payload.`, 'mapping.each');
    return items.map((item, i) => parseGenericEvent(applyMapping(mapping, item, body), options, `[${i}].`));
  }
  if (Array.isArray(body)) return body.map((item, i) => parseGenericEvent(applyMapping(mapping, item, body), options, `[${i}].`));
  return [parseGenericEvent(applyMapping(mapping, body, body), options)];
}

/**
 * Sentry webhooks (wire-contracts.md section 5): the integration platform (internal or public
 * integrations, signed with `Sentry-Hook-Signature`) and the legacy per-project WebHooks plugin
 * (unsigned). Pure mapping: issues and issue-alert events become triage signals; metric alerts
 * become normalized alert events (they page like any monitoring alert); everything else is
 * acknowledged and ignored.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../shared/http.js';
import type { ActionEvent, TriggerEvent } from '../../core/alerts/intake.js';
import type { ErrorSignal } from '../../core/triage/triage.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const idOf = (v: unknown): string | undefined => (typeof v === 'number' && Number.isFinite(v) ? String(v) : str(v));
const intOf = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
};
const timeOf = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e11 ? Math.round(v) : Math.round(v * 1000);
  if (typeof v !== 'string' || !v) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
};
const compact = <T extends Json>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A payload Vigil cannot use: answered 400 with this message. */
export class SentryPayloadError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SentryPayloadError';
  }
}

// ---------------------------------------------------------------------------------------------
// Signature

/** `hex(HMAC-SHA256(clientSecret, rawBody))`, as Sentry signs integration-platform deliveries. */
export function signSentryBody(secret: string, rawBody: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(rawBody, 'utf8')).digest('hex');
}

/** Constant-time check of `Sentry-Hook-Signature` against the exact request body. */
export function verifySentrySignature(input: { secret: string; rawBody: string; signature: string | undefined | null }): boolean {
  const given = (input.signature ?? '').trim().toLowerCase();
  if (!input.secret || !/^[0-9a-f]{64}$/.test(given)) return false;
  return safeEqual(Buffer.from(signSentryBody(input.secret, input.rawBody), 'hex'), Buffer.from(given, 'hex'));
}

export type HeaderValues = Record<string, string | string[] | undefined>;

export function sentryHeader(headers: HeaderValues, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Payloads

export type SentryHook = { type: 'signal'; signal: ErrorSignal } | { type: 'alert'; event: TriggerEvent | ActionEvent } | { type: 'ignored'; reason: string };

/** The issue's web URL from an event's web URL (`…/issues/123/events/abc/` -> `…/issues/123/`). */
export function issueUrlFromEventUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url.replace(/events\/[^/?#]+\/?(?=[?#]|$)/, '');
}

function tagValue(tags: unknown, key: string): string | undefined {
  if (!Array.isArray(tags)) return undefined;
  for (const t of tags) {
    if (Array.isArray(t) && t[0] === key) return str(t[1]);
    if (isObj(t) && t.key === key) return str(t.value);
  }
  return undefined;
}

function issueFields(issue: Json): Omit<ErrorSignal, 'kind' | 'source'> {
  const issueId = idOf(issue.id);
  if (!issueId) throw new SentryPayloadError('data.issue.id is missing.', 'data.issue.id');
  const metadata = isObj(issue.metadata) ? issue.metadata : {};
  const project = isObj(issue.project) ? (str(issue.project.slug) ?? str(issue.project.name)) : str(issue.project);
  const fallbackTitle = [str(metadata.type), str(metadata.value)].filter(Boolean).join(': ');
  return compact({
    issueId,
    shortId: str(issue.shortId),
    title: str(issue.title) ?? (fallbackTitle || undefined),
    culprit: str(issue.culprit),
    level: str(issue.level),
    platform: str(issue.platform),
    project,
    webUrl: str(issue.web_url) ?? str(issue.permalink),
    count: intOf(issue.count),
    userCount: intOf(issue.userCount),
    firstSeen: timeOf(issue.firstSeen),
    lastSeen: timeOf(issue.lastSeen),
    substatus: str(issue.substatus),
  });
}

const ISSUE_ACTIONS: Record<string, ErrorSignal['kind']> = {
  created: 'created',
  resolved: 'resolved',
  ignored: 'ignored',
  archived: 'ignored',
  unresolved: 'unresolved',
  assigned: 'assigned',
};

function assigneeOf(v: unknown): { name?: string; email?: string } | null {
  if (!isObj(v)) return null;
  return compact({ name: str(v.name) ?? str(v.username), email: str(v.email) });
}

function eventSignal(event: Json, rule: string | undefined): ErrorSignal {
  const issueId = idOf(event.issue_id) ?? idOf(event.group_id);
  if (!issueId) throw new SentryPayloadError('data.event.issue_id is missing.', 'data.event.issue_id');
  const tags = event.tags;
  const eventAt = timeOf(event.datetime) ?? timeOf(event.timestamp);
  return compact({
    kind: 'event' as const,
    source: 'sentry' as const,
    issueId,
    title: str(event.title) ?? str(event.message),
    culprit: str(event.culprit) ?? str(event.transaction),
    level: str(event.level) ?? tagValue(tags, 'level'),
    platform: str(event.platform),
    environment: str(event.environment) ?? tagValue(tags, 'environment'),
    webUrl: issueUrlFromEventUrl(str(event.web_url)),
    eventAt,
    rule,
  });
}

function metricAlertEvent(action: string, data: Json): TriggerEvent | ActionEvent | undefined {
  const alert = isObj(data.metric_alert) ? data.metric_alert : undefined;
  const id = alert ? (idOf(alert.id) ?? idOf(alert.identifier)) : undefined;
  if (!alert || !id) throw new SentryPayloadError('data.metric_alert.id is missing.', 'data.metric_alert.id');
  const alias = `sentry-metric-alert-${id}`;
  if (action === 'resolved') return { action: 'close', alias, source: 'Sentry', note: str(data.description_text) ?? 'Resolved in Sentry' };
  if (action !== 'critical' && action !== 'warning' && action !== 'open') return undefined;
  const rule = isObj(alert.alert_rule) ? alert.alert_rule : {};
  const title = str(data.description_title) ?? str(alert.title) ?? str(rule.name) ?? `Sentry metric alert ${id}`;
  const webUrl = str(data.web_url);
  return compact({
    action: 'trigger' as const,
    alias,
    message: title,
    description: str(data.description_text),
    priority: action === 'critical' ? ('P2' as const) : ('P3' as const),
    source: 'Sentry',
    entity: str(rule.name),
    tags: ['sentry', `sentry:${action}`],
    details: compact({ rule: str(rule.name), identifier: idOf(alert.identifier), aggregate: str(rule.aggregate), query: str(rule.query) }) as Record<
      string,
      string
    >,
    ...(webUrl ? { links: [{ href: webUrl, text: 'Sentry' }] } : {}),
  });
}

/** An integration-platform delivery (`Sentry-Hook-Resource` says what it is about). */
export function parseSentryHook(resource: string, body: unknown): SentryHook {
  if (!isObj(body)) throw new SentryPayloadError('The body must be a JSON object.');
  const action = str(body.action) ?? '';
  const data = isObj(body.data) ? body.data : undefined;
  switch (resource) {
    case 'issue': {
      if (!data || !isObj(data.issue)) throw new SentryPayloadError('data.issue is missing.', 'data.issue');
      const kind = ISSUE_ACTIONS[action];
      if (!kind) return { type: 'ignored', reason: `issue.${action || '?'} is not used` };
      const signal: ErrorSignal = { kind, source: 'sentry', ...issueFields(data.issue) };
      if (kind === 'assigned') signal.assignee = assigneeOf(data.issue.assignedTo);
      return { type: 'signal', signal };
    }
    case 'event_alert': {
      if (!data || !isObj(data.event)) throw new SentryPayloadError('data.event is missing.', 'data.event');
      const issueAlert = isObj(data.issue_alert) ? data.issue_alert : {};
      return { type: 'signal', signal: eventSignal(data.event, str(data.triggered_rule) ?? str(issueAlert.title)) };
    }
    case 'metric_alert': {
      if (!data) throw new SentryPayloadError('data is missing.', 'data');
      const event = metricAlertEvent(action, data);
      return event ? { type: 'alert', event } : { type: 'ignored', reason: `metric_alert.${action || '?'} is not used` };
    }
    default:
      return { type: 'ignored', reason: `${resource || 'unknown'} webhooks are not used` };
  }
}

/** The legacy WebHooks plugin: one POST per alert, no signature, the issue's fields at the top. */
export function parseLegacyWebhook(body: unknown): ErrorSignal {
  if (!isObj(body)) throw new SentryPayloadError('The body must be a JSON object.');
  const issueId = idOf(body.id);
  if (!issueId) throw new SentryPayloadError('id (the issue id) is missing: is this a Sentry WebHooks plugin request?', 'id');
  const event = isObj(body.event) ? body.event : {};
  const rules = Array.isArray(body.triggering_rules) ? body.triggering_rules.filter((r): r is string => typeof r === 'string') : [];
  const webUrl = str(body.url)
    ?.replace(/([?&])referrer=webhooks_plugin&?/, '$1')
    .replace(/[?&]$/, '');
  return compact({
    kind: 'event' as const,
    source: 'sentry' as const,
    issueId,
    title: str(event.title) ?? str(body.message),
    culprit: str(body.culprit) ?? str(event.culprit),
    level: str(body.level) ?? str(event.level),
    platform: str(event.platform),
    project: str(body.project_slug) ?? str(body.project),
    environment: str(event.environment) ?? tagValue(event.tags, 'environment'),
    webUrl,
    eventAt: timeOf(event.datetime) ?? timeOf(event.timestamp),
    rule: rules.length ? rules.join(', ') : undefined,
  });
}

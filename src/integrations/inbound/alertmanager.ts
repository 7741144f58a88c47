/**
 * Prometheus Alertmanager webhook receiver (`webhook_configs`, payload version "4", wire-contracts §3.2) ->
 * one normalized event PER ALERT. Pure.
 *
 * A notification carries the group's whole current state (alerts already reported come again), so events
 * are idempotent by alias: a firing alert is a trigger (the ingest use case dedups it by alias), a resolved
 * one a close. Alerts are never merged because they share a summary or a group: each has its own alias.
 *
 * Mapping (shared with Grafana, see grafana.ts):
 *   alias        `am-<fingerprint>`; without a fingerprint `am-` + the first 16 hex digits of
 *                sha256 of the sorted labels (stable for a label set, as a fingerprint is)
 *   message      annotations.summary, else labels.alertname (+ " on <instance>"), cut to 130 with …
 *   description  annotations.description
 *   priority     labels.priority / labels.og_priority when P1..P5, else labels.severity via
 *                severityToPriority (critical=P1, high|error=P2, warning=P3, info=P5, ...), else P3
 *   details      every label under its own name (Prometheus label names have no dots) and every annotation
 *                as `annotations.<name>`; `alertmanager.truncatedAlerts` when AM dropped alerts
 *   links        generatorURL ("Source"), annotations.runbook_url ("Runbook"), other `*_url` / `*URL`
 *                annotations holding http(s) URLs (named by the annotation), externalURL ("Alertmanager")
 *   entity       labels.instance;  source "alertmanager";  occurredAt startsAt
 */
import { createHash } from 'node:crypto';
import { IntakeError, type ActionEvent, type AlertEvent, type AlertPriority, type TriggerEvent } from '../../core/alerts/intake.js';
import { isHttpUrl, isObject, type JsonObject, messageAndDescription, parseInstant, parsePriority, severityToPriority } from './generic.js';

export interface AmLikeOptions {
  /** `am` or `grafana`: the alias prefix. */
  aliasPrefix: string;
  /** The event `source`. */
  source: string;
  /** Link text for the top-level `externalURL`. */
  externalUrlText: string;
  /** Per-alert extras (Grafana's URLs, values...). */
  extra?: (alert: JsonObject, at: string) => { links?: Array<{ href: string; text?: string }>; details?: Record<string, string> };
  /** Details added to every event from the top-level body. */
  commonDetails?: (body: JsonObject) => Record<string, string>;
}

function stringMap(value: unknown, field: string, required: boolean): Record<string, string> {
  if (value === undefined || value === null) {
    if (required) throw new IntakeError(`${field} must be an object of strings.`, field);
    return {};
  }
  if (!isObject(value)) throw new IntakeError(`${field} must be an object of strings.`, field);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** A stable hash of a label set (sorted by name), for alerts sent without a fingerprint. */
export function labelsHash(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

export function priorityFromLabels(labels: Record<string, string>): AlertPriority {
  return parsePriority(labels.priority) ?? parsePriority(labels.og_priority) ?? severityToPriority(labels.severity) ?? 'P3';
}

const LINK_NAMES: Record<string, string> = { runbook_url: 'Runbook', dashboard_url: 'Dashboard', runbook: 'Runbook' };

/** The shared Alertmanager-shaped body -> events (Alertmanager webhook and Grafana webhook). */
export function parseAlertmanagerLike(body: unknown, options: AmLikeOptions): AlertEvent[] {
  if (!isObject(body)) throw new IntakeError('The body must be a JSON object.', 'body');
  if (!Array.isArray(body.alerts)) throw new IntakeError('alerts must be an array.', 'alerts');
  const groupStatus = body.status;
  const externalUrl = isHttpUrl(body.externalURL) ? body.externalURL : undefined;
  const common = options.commonDetails?.(body) ?? {};
  const truncated = typeof body.truncatedAlerts === 'number' && body.truncatedAlerts > 0 ? body.truncatedAlerts : 0;

  return body.alerts.map((raw: unknown, i): AlertEvent => {
    const at = `alerts[${i}]`;
    if (!isObject(raw)) throw new IntakeError(`${at} must be an object.`, at);
    const labels = stringMap(raw.labels, `${at}.labels`, true);
    const annotations = stringMap(raw.annotations, `${at}.annotations`, false);
    const status = raw.status ?? groupStatus;
    if (status !== 'firing' && status !== 'resolved') throw new IntakeError(`${at}.status must be "firing" or "resolved".`, `${at}.status`);
    const fingerprint = typeof raw.fingerprint === 'string' && raw.fingerprint.trim() !== '' ? raw.fingerprint.trim() : labelsHash(labels);
    const alias = `${options.aliasPrefix}-${fingerprint}`;

    if (status === 'resolved') {
      const close: ActionEvent = { action: 'close', alias, source: options.source };
      return close;
    }

    const alertname = labels.alertname;
    const instance = labels.instance;
    const fallback = alertname ? (instance ? `${alertname} on ${instance}` : alertname) : `Alert ${fingerprint}`;
    const summary = annotations.summary?.trim() ? annotations.summary : fallback;
    const description = annotations.description?.trim() ? annotations.description : undefined;
    const md = messageAndDescription(summary, description);

    const details: Record<string, string> = { ...labels };
    for (const [k, v] of Object.entries(annotations)) details[`annotations.${k}`] = v;
    Object.assign(details, common);
    if (truncated > 0) details[`${options.source}.truncatedAlerts`] = String(truncated);

    const links: Array<{ href: string; text?: string }> = [];
    const addLink = (href: string, text: string): void => {
      if (!links.some((l) => l.href === href)) links.push({ href, text });
    };
    if (isHttpUrl(raw.generatorURL)) addLink(raw.generatorURL, 'Source');
    for (const [k, v] of Object.entries(annotations)) {
      if ((LINK_NAMES[k] || /(_url|URL)$/.test(k)) && isHttpUrl(v)) addLink(v, LINK_NAMES[k] ?? k);
    }
    const extra = options.extra?.(raw, at);
    for (const link of extra?.links ?? []) addLink(link.href, link.text ?? link.href);
    Object.assign(details, extra?.details);
    if (externalUrl) addLink(externalUrl, options.externalUrlText);

    const event: TriggerEvent = { action: 'trigger', alias, message: md.message, priority: priorityFromLabels(labels), source: options.source };
    if (md.description !== undefined) event.description = md.description;
    if (instance) event.entity = instance;
    event.details = details;
    if (links.length > 0) event.links = links;
    const startsAt = parseInstant(raw.startsAt);
    if (startsAt !== undefined) event.occurredAt = startsAt;
    return event;
  });
}

/**
 * `webhook_configs` body -> one event per alert (an empty array for an empty `alerts`). The `version` is not
 * checked (AM 0.25 sends "4"); the shape is: `alerts` must be an array of objects with `labels`.
 * Group-level fields (receiver, status, groupLabels, commonLabels, commonAnnotations, groupKey, version)
 * repeat or summarize per-alert data and are not mapped.
 */
export function parseWebhook(body: unknown): AlertEvent[] {
  return parseAlertmanagerLike(body, { aliasPrefix: 'am', source: 'alertmanager', externalUrlText: 'Alertmanager' });
}

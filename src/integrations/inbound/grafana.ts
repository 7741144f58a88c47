/**
 * Grafana Alerting webhook contact point (wire-contracts §4.1) -> one normalized event per alert, mapped
 * like Alertmanager's (alertmanager.ts) with alias `grafana-<fingerprint>` and Grafana's extras; plus the
 * optional HMAC signature check. Pure.
 *
 * Extras: links silenceURL ("Silence"), dashboardURL ("Dashboard"), panelURL ("Panel"), imageURL ("Image"),
 * externalURL ("Grafana"); details `grafana.valueString`, `grafana.values.<refId>`, `grafana.ruleUID`,
 * `grafana.orgId`. Not mapped (documented by tests): the group-level `title`, `message`, `state`,
 * `appVersion` (they summarize the alerts, which are mapped one by one), `embeddedImage` (inline base64:
 * imageURL is kept instead) and `enrichments` (no stable shape).
 *
 * A contact point with a custom payload template sends whatever the template renders: use the generic
 * webhook with a mapping for those.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../shared/http.js';
import type { AlertEvent } from '../../core/alerts/intake.js';
import { parseAlertmanagerLike } from './alertmanager.js';
import { detailValue, isHttpUrl, isObject, type JsonObject } from './generic.js';

/**
 * Signature header names. The reference (and Grafana's UI placeholder) name `X-Grafana-Alerting-Signature`;
 * grafana/alerting's HMAC transport falls back to `X-Grafana-Alert-Signature` when the header field is
 * left empty. Both are looked for unless the integration configures its own.
 */
export const GRAFANA_SIGNATURE_HEADER = 'X-Grafana-Alerting-Signature';
export const GRAFANA_SIGNATURE_HEADER_FALLBACK = 'X-Grafana-Alert-Signature';

const URL_FIELDS: Array<[string, string]> = [
  ['silenceURL', 'Silence'],
  ['dashboardURL', 'Dashboard'],
  ['panelURL', 'Panel'],
  ['imageURL', 'Image'],
];

function extra(alert: JsonObject): { links: Array<{ href: string; text: string }>; details: Record<string, string> } {
  const links: Array<{ href: string; text: string }> = [];
  for (const [key, text] of URL_FIELDS) {
    const href = alert[key];
    if (isHttpUrl(href)) links.push({ href, text });
  }
  const details: Record<string, string> = {};
  if (typeof alert.valueString === 'string' && alert.valueString !== '') details['grafana.valueString'] = alert.valueString;
  if (isObject(alert.values)) for (const [k, v] of Object.entries(alert.values)) details[`grafana.values.${k}`] = detailValue(v);
  if (typeof alert.ruleUID === 'string' && alert.ruleUID !== '') details['grafana.ruleUID'] = alert.ruleUID;
  if (alert.orgId !== undefined && alert.orgId !== null) details['grafana.orgId'] = detailValue(alert.orgId);
  return { links, details };
}

/** Grafana webhook body (version "1") -> one event per alert. Shape errors are IntakeError. */
export function parseWebhook(body: unknown): AlertEvent[] {
  return parseAlertmanagerLike(body, {
    aliasPrefix: 'grafana',
    source: 'grafana',
    externalUrlText: 'Grafana',
    extra,
    commonDetails: (b): Record<string, string> => (b.orgId !== undefined && b.orgId !== null ? { 'grafana.orgId': detailValue(b.orgId) } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------------
// HMAC signature (optional `hmacConfig{secret, header, timestampHeader}` on the contact point)
// ---------------------------------------------------------------------------------------------------------

export interface SignGrafanaInput {
  secret: string;
  rawBody: string | Buffer;
  /** Unix seconds; only when the contact point has a timestamp header configured. */
  timestamp?: string | number;
}

/** Lowercase hex HMAC-SHA256 keyed by the secret over `<timestamp>:<body>`, or over the body alone. */
export function signGrafanaBody(input: SignGrafanaInput): string {
  const hmac = createHmac('sha256', input.secret);
  if (input.timestamp !== undefined) hmac.update(`${String(input.timestamp)}:`);
  hmac.update(input.rawBody);
  return hmac.digest('hex');
}

export interface VerifyGrafanaSignatureInput {
  secret: string;
  /** The body exactly as received, before any parsing. */
  rawBody: string | Buffer;
  /** The signature header's value (lowercase hex, no prefix); absent -> refused. */
  signature?: string | null;
  /** The timestamp header's value, when the integration configured a timestamp header. */
  timestamp?: string | number | null;
  /** True when the integration configured a timestamp header: a request without it is refused. */
  requireTimestamp?: boolean;
  /** Now in Unix seconds (injected clock): with a timestamp, it must be within `toleranceSeconds`. */
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/**
 * True only for a well-formed signature over this exact body (and timestamp, when one is sent or required)
 * made with this secret; with `nowSeconds`, the timestamp must also be fresh (default ±300 s). Constant-time.
 */
export function verifyGrafanaSignature(input: VerifyGrafanaSignatureInput): boolean {
  const { secret, signature, rawBody } = input;
  if (!secret || typeof signature !== 'string') return false;
  const given = signature.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return false;
  let timestamp: string | undefined;
  if (input.timestamp !== undefined && input.timestamp !== null && String(input.timestamp).trim() !== '') {
    timestamp = String(input.timestamp).trim();
    if (!/^\d{1,12}$/.test(timestamp)) return false;
    if (input.nowSeconds !== undefined && Math.abs(input.nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  } else if (input.requireTimestamp) {
    return false;
  }
  const expected = Buffer.from(signGrafanaBody({ secret, rawBody, ...(timestamp !== undefined && { timestamp }) }), 'hex');
  return safeEqual(expected, Buffer.from(given, 'hex'));
}

export type HeaderValues = Record<string, string | string[] | undefined>;

function header(headers: HeaderValues, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * Picks the signature and timestamp from request headers. `header` is the integration's configured signature
 * header (default: X-Grafana-Alerting-Signature, then X-Grafana-Alert-Signature); `timestampHeader` its
 * configured timestamp header (Grafana has no default name for it).
 */
export function grafanaSignatureFromHeaders(
  headers: HeaderValues,
  config: { header?: string; timestampHeader?: string } = {},
): { signature?: string; timestamp?: string } {
  const names = config.header ? [config.header] : [GRAFANA_SIGNATURE_HEADER, GRAFANA_SIGNATURE_HEADER_FALLBACK];
  const out: { signature?: string; timestamp?: string } = {};
  for (const name of names) {
    const value = header(headers, name);
    if (value !== undefined) {
      out.signature = value;
      break;
    }
  }
  if (config.timestampHeader) {
    const ts = header(headers, config.timestampHeader);
    if (ts !== undefined) out.timestamp = ts;
  }
  return out;
}

/**
 * What every intake adapter (OpsGenie, PagerDuty, Alertmanager, Grafana, generic webhook) produces:
 * normalized alert events. One ingest use case dedups them, routes them to the integration's service
 * and starts escalation. Adapters live in src/integrations/inbound and only map payloads.
 */

export type AlertPriority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

/** Open or update an alert (dedup by alias among open alerts of the service). */
export interface TriggerEvent {
  action: 'trigger';
  /** Dedup key. Absent: a new alert every time (the ingest use case generates one). */
  alias?: string;
  /** One line, at most 130 characters (longer is cut with …). */
  message: string;
  description?: string;
  priority?: AlertPriority;
  source?: string;
  entity?: string;
  tags?: string[];
  /** Flat string map (OpsGenie `details`, Alertmanager labels/annotations...). */
  details?: Record<string, string>;
  /** Links shown on the alert (runbook, dashboard, generator URL). */
  links?: Array<{ href: string; text?: string }>;
  /** Who the sender says should respond (OpsGenie responders), kept as details. */
  responders?: Array<{ type: string; id?: string; name?: string; username?: string }>;
  /** The sender's own user field (OpsGenie `user`), shown on the timeline. */
  user?: string;
  note?: string;
  /** When the sender says it started (Alertmanager startsAt). */
  occurredAt?: number;
}

/** Acknowledge / close (resolve) / add a note to the open alert with this alias. */
export interface ActionEvent {
  action: 'acknowledge' | 'close' | 'note';
  alias: string;
  user?: string;
  note?: string;
  source?: string;
}

/** A change event (PagerDuty change events): recorded on the service's timeline, pages nobody. */
export interface ChangeEvent {
  action: 'change';
  summary: string;
  source?: string;
  timestamp?: number;
  links?: Array<{ href: string; text?: string }>;
  details?: Record<string, unknown>;
}

export type AlertEvent = TriggerEvent | ActionEvent | ChangeEvent;

/** A payload that cannot be mapped; `field` names what is wrong, for the vendor-style error body. */
export class IntakeError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'IntakeError';
  }
}

export const MESSAGE_LIMIT = 130;

/** Cuts to `limit` characters (code points), ending with … when cut. */
export function truncate(text: string, limit: number): string {
  const chars = [...text];
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

/** What submitting to the intake queue came to: applied (with its result), failed, or durable and waiting. */
export type Submitted<R> = { state: 'applied'; result: R } | { state: 'failed'; error: unknown } | { state: 'queued' };

/** Intake refuses new events while too many are waiting to be applied; the sender retries later. */
export class IntakeBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many events are waiting to be applied; retry shortly.');
  }
}

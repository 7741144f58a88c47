/**
 * Domain events that other domains react to (a hand-off drives the Slack user group and the shift
 * report; an alert drives notifications). Publishing enqueues one job per subscriber in the current
 * transaction, so each reaction is durable, retried on its own, and happens once per event key.
 * The event's data must fit the payload schema of every kind subscribed to it (core/shared/jobs.ts).
 */
import { checkedJobSpec, type JobKind } from './jobs.js';
import type { Publisher } from './ports.js';

export type { Publisher } from './ports.js';

/** Event type -> the job kinds that handle it. */
export type Subscriptions = Record<string, JobKind[]>;

export function createPublisher(subscriptions: Subscriptions): Publisher {
  return async (r, type, payload, key) => {
    for (const kind of subscriptions[type] ?? []) {
      await r.jobs.enqueue(checkedJobSpec(kind, { event: type, ...payload }, { dedupeKey: `${kind}:${key}` }));
    }
  };
}

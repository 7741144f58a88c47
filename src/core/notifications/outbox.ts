/**
 * The delivery outbox: the one path for every outbound message.
 *
 * A message is a row in `deliveries`, written in the transaction of the change that causes it. Each
 * (channel, address) pair is a *lane* with its own pacing: a flush job per lane sends what is pending
 * when the lane allows it. Several pending messages in a Slack lane go out bundled as one message
 * instead of being dropped or trickling out for minutes. A 429 sets the lane's next time from
 * `Retry-After`; other retryable failures back off exponentially; a message that finally fails is
 * recorded, shown on the timeline of what it is about, and its page moves on to the next rule.
 */
import { newId } from '../shared/ids.js';
import type { Clock } from '../shared/clock.js';
import type { Repos, UnitOfWork } from '../shared/ports.js';
import { ChannelError, type ChannelType, type NotificationChannel, type OutboundMessage } from './channels.js';
import type { Delivery, DeliveryExtra } from './notifications.js';

export const FLUSH_JOB = 'delivery.flush';
export const PAGE_FAILOVER_JOB = 'page.failover';

/** How many attempts before a message is given up. */
export const MAX_ATTEMPTS = 6;

/** Minimum spacing of messages in one lane, by channel (Slack allows about one a second per channel). */
const PACING_MS: Record<ChannelType, number> = { slack_channel: 1100, slack_dm: 1100, sms: 1000, voice: 1000, email: 0, webhook: 0 };
/** Channels whose pending messages are bundled into one when several wait. */
const BUNDLED: ChannelType[] = ['slack_channel', 'slack_dm'];
const MAX_BUNDLE = 40;
/** Pending messages with buttons above which a lane bundles them anyway (a flood). */
const BUNDLE_AFTER = 5;

export interface SendInput {
  channel: ChannelType;
  address: string;
  subject: string;
  body: string;
  extra?: DeliveryExtra;
  contactMethodId?: string | null;
  pageId?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  /** Replace the message kept under this key (Slack chat.update) instead of posting anew. */
  updateRefKey?: string;
}

export const laneOf = (channel: ChannelType, address: string): string => `${channel}:${address}`;

/** Queues a message in the current transaction. */
export async function queueMessage(r: Repos, now: number, input: SendInput): Promise<Delivery> {
  const lane = laneOf(input.channel, input.address);
  const d: Delivery = {
    id: newId(now),
    lane,
    channel: input.channel,
    address: input.address,
    contactMethodId: input.contactMethodId ?? null,
    pageId: input.pageId ?? null,
    entityType: input.entityType ?? null,
    entityId: input.entityId ?? null,
    subject: input.subject,
    body: input.body,
    extra: input.extra ?? {},
    status: 'pending',
    attempts: 0,
    providerMessageId: null,
    bundleId: null,
    updateOf: input.updateRefKey ?? null,
    lastError: null,
    createdAt: now,
    sentAt: null,
  };
  await r.notifications.insertDelivery(d);
  const pacing = await r.notifications.lockLane(lane);
  const runAt = Math.max(now, pacing.nextAt);
  // One flush queued per lane: a burst of messages is one job (and one bundled message).
  if (pacing.scheduledAt === null || pacing.scheduledAt > runAt) await armFlush(r, lane, runAt, d.id);
  return d;
}

async function armFlush(r: Repos, lane: string, runAt: number, nonce: string): Promise<void> {
  await r.jobs.enqueue({ kind: FLUSH_JOB, payload: { lane }, runAt, dedupeKey: `flush:${lane}:${runAt}:${nonce}` });
  await r.notifications.setLaneSchedule(lane, runAt);
}

/** Reconciler: a lane with pending messages and no flush queued gets one (a lost job, a crash). */
export async function repairLanes(uow: UnitOfWork, now: number): Promise<number> {
  const lanes = await uow.run((r) => r.notifications.lanesNeedingFlush(now, 60_000));
  for (const lane of lanes) await uow.run((r) => armFlush(r, lane, now, `repair-${now}`));
  return lanes.length;
}

function toMessage(d: Delivery): OutboundMessage {
  return {
    id: d.id,
    channel: d.channel,
    to: d.address,
    subject: d.subject,
    text: d.body,
    ...(d.extra.html ? { html: d.extra.html } : {}),
    ...(d.extra.blocks ? { blocks: d.extra.blocks } : {}),
    ...(d.extra.actions ? { actions: d.extra.actions } : {}),
    ...(d.extra.data ? { data: d.extra.data } : {}),
    ...(d.extra.threadKey ? { threadKey: d.extra.threadKey } : {}),
    ...(d.extra.broadcast ? { broadcast: true } : {}),
  };
}

function bundle(ds: Delivery[]): OutboundMessage {
  const first = ds[0]!;
  const lines = ds.map((d) => `• *${d.subject}*${d.body && d.body !== d.subject ? `\n   ${d.body.split('\n')[0]}` : ''}`);
  return {
    id: first.id,
    channel: first.channel,
    to: first.address,
    subject: `${ds.length} notifications`,
    text: `${ds.length} notifications arrived together:\n${lines.join('\n')}`.slice(0, 35_000),
  };
}

export interface OutboxDeps {
  uow: UnitOfWork;
  clock: Clock;
  channels: Partial<Record<ChannelType, NotificationChannel>>;
  /** Exponential backoff for a failed attempt (ms). */
  backoff?: (attempt: number) => number;
}

const defaultBackoff = (attempt: number): number => Math.min(2 ** attempt * 1000, 5 * 60_000);

/**
 * Sends what a lane has pending, if the lane allows it now. Idempotent: a second run finds nothing
 * pending or the lane paused, and re-arms itself for the lane's next time.
 */
export async function flushLane(deps: OutboxDeps, lane: string): Promise<void> {
  const now = deps.clock.now();
  // Claim the batch under the lane lock so two processes never send the same messages.
  const batch = await deps.uow.run(async (r) => {
    const pacing = await r.notifications.lockLane(lane);
    await r.notifications.setLaneSchedule(lane, null);
    if (pacing.nextAt > now) {
      if ((await r.notifications.pendingInLane(lane, 1)).length > 0) await armFlush(r, lane, pacing.nextAt, `wait-${now}`);
      return undefined;
    }
    const pending = await r.notifications.pendingInLane(lane, MAX_BUNDLE);
    if (pending.length === 0) return undefined;
    const first = pending[0]!;
    // A flood is bundled into one message; ordinary traffic goes one by one and keeps its buttons.
    // Updates and thread replies keep their place: they are never folded into a bundle.
    const bundleable = pending.filter((d) => !d.updateOf && !d.extra.threadRefKey);
    const flood = bundleable.length > BUNDLE_AFTER || !bundleable.some((d) => d.extra.actions?.length);
    const canBundle = BUNDLED.includes(first.channel) && !first.updateOf && !first.extra.threadRefKey && flood && bundleable.length > 1;
    const batch = canBundle ? bundleable : [first];
    // Hold the lane while sending: nobody else sends in it until we record the outcome.
    await r.notifications.setLane(lane, now + 60_000, pacing.failures);
    return { batch, failures: pacing.failures, more: pending.length > batch.length };
  });
  if (!batch) return;

  const channel = deps.channels[batch.batch[0]!.channel];
  const first = batch.batch[0]!;
  let outcome: { ok: true; providerMessageId?: string } | { ok: false; error: ChannelError };
  if (!channel) {
    outcome = { ok: false, error: new ChannelError(`The ${first.channel} channel is not configured.`, false, undefined, 'channel_not_configured') };
  } else {
    try {
      let ref: { channel: string; providerMessageId: string } | undefined;
      if (first.updateOf) ref = await deps.uow.run((r) => r.notifications.getMessageRef(first.updateOf!));
      const message = batch.batch.length > 1 ? bundle(batch.batch) : toMessage(first);
      if (first.extra.threadRefKey && batch.batch.length === 1) {
        // The thread's first message, once sent; before that (or when it failed) this posts on its own.
        const parent = await deps.uow.run((r) => r.notifications.getMessageRef(first.extra.threadRefKey!));
        if (parent) message.threadProviderId = parent.providerMessageId;
      }
      const res = ref && channel.update ? await channel.update(ref.providerMessageId, message) : await channel.send(message);
      outcome = { ok: true, ...(res.providerMessageId ? { providerMessageId: res.providerMessageId } : {}) };
    } catch (err) {
      outcome = { ok: false, error: err instanceof ChannelError ? err : new ChannelError((err as Error).message ?? String(err), true) };
    }
  }

  const done = deps.clock.now();
  await deps.uow.run(async (r) => {
    const pacing = PACING_MS[first.channel];
    if (outcome.ok) {
      const bundleId = batch.batch.length > 1 ? first.id : null;
      for (const d of batch.batch) {
        await r.notifications.updateDelivery({ ...d, status: 'sent', attempts: d.attempts + 1, providerMessageId: outcome.providerMessageId ?? null, bundleId, sentAt: done, lastError: null });
        await recordOnTimeline(r, d, 'notification.sent', { bundled: batch.batch.length > 1 ? batch.batch.length : undefined });
        if (d.extra.refKey && outcome.providerMessageId && !d.updateOf) await r.notifications.setMessageRef(d.extra.refKey, d.address, outcome.providerMessageId, done);
      }
      const next = done + pacing;
      await r.notifications.setLane(lane, next, 0);
      if (batch.more || (await r.notifications.pendingInLane(lane, 1)).length > 0) await armFlush(r, lane, next, `sent-${first.id}`);
      return;
    }
    const err = outcome.error;
    const failures = batch.failures + 1;
    for (const d of batch.batch) {
      const attempts = d.attempts + 1;
      const giveUp = !err.retryable || attempts >= MAX_ATTEMPTS;
      await r.notifications.updateDelivery({ ...d, status: giveUp ? 'failed' : 'pending', attempts, lastError: err.message });
      await recordOnTimeline(r, d, giveUp ? 'notification.failed' : 'notification.retrying', { error: err.message, attempt: attempts, ...(err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {}) });
      if (giveUp && d.pageId) await r.jobs.enqueue({ kind: PAGE_FAILOVER_JOB, payload: { pageId: d.pageId, deliveryId: d.id }, dedupeKey: `failover:${d.id}` });
    }
    const wait = err.retryAfterMs ?? (err.retryable ? (deps.backoff ?? defaultBackoff)(failures) : 0);
    const next = done + Math.max(wait, pacing);
    // A permanent failure is about one message; the lane itself stays healthy.
    await r.notifications.setLane(lane, next, err.retryable ? failures : 0);
    if ((await r.notifications.pendingInLane(lane, 1)).length > 0) await armFlush(r, lane, next, `failed-${first.id}-${failures}`);
  });
}

async function recordOnTimeline(r: Repos, d: Delivery, type: string, data: Record<string, unknown>): Promise<void> {
  const base = { deliveryId: d.id, channel: d.channel, address: d.address, subject: d.subject, ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) };
  if (d.entityType && d.entityId) await r.events.append({ entityType: d.entityType, entityId: d.entityId, type, actor: { type: 'system', id: null }, data: base });
  if (d.pageId) await r.events.append({ entityType: 'page', entityId: d.pageId, type, actor: { type: 'system', id: null }, data: base });
}

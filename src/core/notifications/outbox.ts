/**
 * The delivery outbox: the one path for every outbound message.
 *
 * A message is a row in `deliveries`, written in the transaction of the change that causes it. Each
 * (channel, address) pair is a *lane* with its own pacing: a flush job per lane sends what is pending
 * when the lane allows it. Several pending messages in a Slack lane go out bundled as one message
 * instead of being dropped or trickling out for minutes, and so does what waited while a lane failed.
 *
 * Failures: the channel error carries the retry decision. A retryable failure keeps the message
 * pending: the lane tries again after `Retry-After`, or after a backoff capped at `maxBackoffMs`
 * (30 s), and resumes at full pace on the first success. A page's message is retried until it is
 * sent, its page is acknowledged or cancelled, or the page's deadline (by urgency) passes; while it
 * keeps failing, the page's next rule fires at once (failover). A permanent failure, or the deadline,
 * marks the message failed, shows it on the timeline and moves the page on.
 *
 * Fencing: a lane is held by one run of its flush job, for as long as that run holds its job lease
 * (renewed by the engine while a slow call is in flight). The run checks that it still holds the lane
 * right before the vendor call, and records nothing but a success after losing it.
 *
 * Unknown outcomes: a message is marked in flight before the vendor call. A later run that finds it
 * still in flight (the sender died or stalled) asks the channel whether it arrived (`findSent`: Slack
 * searches the conversation's history for the delivery id in the message metadata) before sending it
 * again; email keeps one Message-ID per delivery, so a repeat is recognisable by recipients.
 */
import { FLUSH_JOB, PAGE_FAILOVER_JOB } from '../shared/jobs.js';
import { newId } from '../shared/ids.js';
import type { Clock } from '../shared/clock.js';
import { SYSTEM_ACTOR, type CoreDeps, type Repos, type UnitOfWork } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { ChannelError, type ChannelType, type NotificationChannel, type OutboundMessage, type SendResult } from './channels.js';
import type { Delivery, DeliveryExtra, LaneRun } from './notifications.js';

export { FLUSH_JOB } from '../shared/jobs.js';
export { PAGE_FAILOVER_JOB } from '../shared/jobs.js';

/** Deadlines of the retries, by what a message is (defaults of `delivery.*` in the configuration). */
export interface DeliveryDeadlines {
  highUrgencyMs: number;
  lowUrgencyMs: number;
  /** Messages that are not pages (channel posts, reminders, verification codes). */
  messageMs: number;
}

export const DEFAULT_DEADLINES: DeliveryDeadlines = { highUrgencyMs: 24 * 3_600_000, lowUrgencyMs: 72 * 3_600_000, messageMs: 3_600_000 };
export const DEFAULT_MAX_BACKOFF_MS = 30_000;
/** A page fails over to its next rule when its message failed twice, or its next try is this far off. */
const FAILOVER_WAIT_MS = 5_000;
/** Errors after which the message may have reached the provider: its outcome is unknown. */
const UNKNOWN_OUTCOME = new Set(['timeout', 'aborted', 'network', 'unknown']);
/** How far before the first attempt an unknown outcome is searched for (clock skew with the provider). */
const FIND_SENT_MARGIN_MS = 60_000;

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
export async function repairLanes(deps: CoreDeps, ctx: Ctx): Promise<number> {
  const { now } = ctx;
  const lanes = await deps.uow.run((r) => r.notifications.lanesNeedingFlush(now, 60_000));
  for (const lane of lanes) await deps.uow.run((r) => armFlush(r, lane, now, `repair-${now}`));
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
  // A page's link, so each bundled page can still be opened and acknowledged.
  const link = (d: Delivery) => (d.pageId ? /(https?:\/\/\S+\/pages\/\S+)\s*$/.exec(d.body)?.[1] : undefined);
  const lines = ds.map((d) => {
    const url = link(d);
    return `• *${d.subject}*${d.body && d.body !== d.subject ? `\n   ${d.body.split('\n')[0]}` : ''}${url ? `\n   ${url}` : ''}`;
  });
  return {
    id: first.id,
    deliveryIds: ds.map((d) => d.id),
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
  /** Wait before the next try of a lane after its `failures`-th failure in a row (ms). */
  backoff?: (failures: number) => number;
  maxBackoffMs?: number;
  deadlines?: DeliveryDeadlines;
}

/** 1, 2, 4, 8, 16 s, then every `max` (30 s): a lane probes again within seconds. */
export const cappedBackoff = (failures: number, max = DEFAULT_MAX_BACKOFF_MS): number => Math.min(2 ** Math.max(0, failures - 1) * 1000, max);

const runKeyOf = (run: LaneRun): string => `${run.jobId}#${run.attempt}`;
const sameRun = (a: LaneRun | null, b: LaneRun | undefined): boolean => !!a && !!b && a.jobId === b.jobId && a.attempt === b.attempt;
/** Timeline entries of a message retried for hours stay few: the 1st, 2nd, 4th, 8th... attempt. */
const worthRecording = (attempt: number): boolean => (attempt & (attempt - 1)) === 0;

type Outcome = { ok: true; providerMessageId?: string } | { ok: false; error: ChannelError };

interface Claimed {
  batch: Delivery[];
  failures: number;
  failingSince: number | null;
  /** Deliveries an earlier run had in flight: did they arrive? */
  unknown: Delivery[];
  runKey: string;
}

/**
 * Sends what a lane has pending, if the lane allows it now. Idempotent: a second run finds nothing
 * pending, the lane paused or held by another run, and re-arms itself for the lane's next time.
 * `run` is the flush job's run (its lease is the hold on the lane); without one, the lane is held for
 * a fixed minute.
 */
export async function flushLane(deps: OutboxDeps, _ctx: Ctx, input: { lane: string; run?: LaneRun; signal?: AbortSignal }): Promise<void> {
  const { lane, run, signal } = input;
  const now = deps.clock.now();
  const runKey = run ? runKeyOf(run) : `local:${newId(now)}`;
  // Claim the batch under the lane lock so two processes never send the same messages.
  const claimed = await deps.uow.run(async (r): Promise<Claimed | undefined> => {
    const pacing = await r.notifications.lockLane(lane);
    if (pacing.holder && !sameRun(pacing.holder, run)) {
      const heldUntil = await r.notifications.laneHeldUntil(lane, now);
      // Held by a live run: it re-arms the lane when done; this wake-up covers its death.
      if (heldUntil !== undefined) {
        await armFlush(r, lane, heldUntil + 1, `held-${pacing.holder.jobId}-${pacing.holder.attempt}`);
        return undefined;
      }
    }
    await r.notifications.setLaneSchedule(lane, null);
    if (pacing.nextAt > now) {
      if ((await r.notifications.pendingInLane(lane, 1)).length > 0) await armFlush(r, lane, pacing.nextAt, `wait-${now}`);
      return undefined;
    }
    const pending: Delivery[] = [];
    for (const d of await r.notifications.pendingInLane(lane, MAX_BUNDLE)) {
      if (await stopIfPageOver(r, d)) continue;
      pending.push(d);
    }
    if (pending.length === 0) {
      if (pacing.holder) await r.notifications.setLaneHolder(lane, null);
      return undefined;
    }
    const first = pending[0]!;
    // A flood is bundled into one message, and so is what waited while the lane failed; ordinary
    // traffic goes one by one and keeps its buttons. Updates and thread replies keep their place:
    // they are never folded into a bundle.
    const bundleable = pending.filter((d) => !d.updateOf && !d.extra.threadRefKey);
    const flood = bundleable.length > BUNDLE_AFTER || !bundleable.some((d) => d.extra.actions?.length) || pacing.failures > 0;
    const canBundle = BUNDLED.includes(first.channel) && !first.updateOf && !first.extra.threadRefKey && flood && bundleable.length > 1;
    const batch = canBundle ? bundleable : [first];
    const unknown = batch.filter((d) => d.inFlightRun && d.inFlightRun !== runKey);
    // Mark the batch in flight: if this run dies mid-call, the next one checks before sending again.
    const marked = batch.map((d) => ({ ...d, firstAttemptAt: d.firstAttemptAt ?? now, inFlightRun: runKey }));
    for (const d of marked) await r.notifications.updateDelivery(d);
    // Hold the lane while sending: by the job lease, or (no job) for a minute.
    if (run) await r.notifications.setLaneHolder(lane, run);
    else await r.notifications.setLane(lane, now + 60_000, pacing.failures);
    return { batch: marked, failures: pacing.failures, failingSince: pacing.failingSince, unknown, runKey };
  });
  if (!claimed) return;

  const first = claimed.batch[0]!;
  const channel = deps.channels[first.channel];
  let batch = claimed.batch;
  let outcome: Outcome;
  if (!channel) {
    outcome = { ok: false, error: new ChannelError(`The ${first.channel} channel is not configured.`, false, undefined, 'channel_not_configured') };
  } else {
    try {
      // An earlier run may have sent some of these before it died: look before sending them again.
      if (claimed.unknown.length > 0 && channel.findSent) {
        const since = Math.min(...claimed.unknown.map((d) => d.firstAttemptAt ?? d.createdAt)) - FIND_SENT_MARGIN_MS;
        const found = await channel.findSent(first.address, claimed.unknown.map((d) => d.id), since, signal).catch((err: unknown) => {
          // The channel cannot look (e.g. a missing scope): send again rather than give the page up.
          if (err instanceof ChannelError && !err.retryable) return {} as Record<string, SendResult>;
          throw err;
        });
        const arrived = batch.filter((d) => found[d.id]);
        if (arrived.length > 0) {
          await recordArrived(deps, lane, claimed.runKey, arrived, found);
          batch = batch.filter((d) => !found[d.id]);
        }
      }
      if (batch.length === 0) {
        outcome = { ok: true };
      } else {
        let ref: { channel: string; providerMessageId: string } | undefined;
        if (first.updateOf) ref = await deps.uow.run((r) => r.notifications.getMessageRef(first.updateOf!));
        const message = batch.length > 1 ? bundle(batch) : toMessage(batch[0]!);
        if (batch.length === 1 && batch[0]!.extra.threadRefKey) {
          // The thread's first message, once sent; before that (or when it failed) this posts on its own.
          const parent = await deps.uow.run((r) => r.notifications.getMessageRef(batch[0]!.extra.threadRefKey!));
          if (parent) message.threadProviderId = parent.providerMessageId;
        }
        // The fencing check, right before the vendor call: only the lane's holder sends.
        if (signal?.aborted) return;
        if (run && !(await deps.uow.run((r) => r.notifications.holdsLane(lane, run, deps.clock.now())))) return;
        const res = ref && channel.update ? await channel.update(ref.providerMessageId, message, signal) : await channel.send(message, signal);
        outcome = { ok: true, ...(res.providerMessageId ? { providerMessageId: res.providerMessageId } : {}) };
      }
    } catch (err) {
      outcome = { ok: false, error: err instanceof ChannelError ? err : new ChannelError((err as Error).message ?? String(err), true) };
    }
  }
  await recordOutcome(deps, lane, run, claimed, batch, outcome);
}

/** A page acknowledged or cancelled needs no more messages: its waiting ones are cancelled. */
async function stopIfPageOver(r: Repos, d: Delivery): Promise<boolean> {
  if (!d.pageId || d.attempts === 0) return false;
  const page = await r.notifications.findPage(d.pageId);
  if (!page || page.status === 'active' || page.status === 'exhausted') return false;
  await r.notifications.updateDelivery({ ...d, status: 'cancelled', inFlightRun: null });
  await recordOnTimeline(r, d, 'notification.cancelled', { reason: `page ${page.status}`, attempt: d.attempts });
  return true;
}

/** Deliveries that an earlier run had in flight were found at the provider: they were sent. */
async function recordArrived(deps: OutboxDeps, lane: string, runKey: string, arrived: Delivery[], found: Record<string, SendResult>): Promise<void> {
  await deps.uow.run(async (r) => {
    await r.notifications.lockLane(lane);
    for (const d of arrived) {
      const cur = await r.notifications.findDelivery(d.id);
      if (!cur || cur.status !== 'pending' || cur.inFlightRun !== runKey) continue;
      const providerMessageId = found[d.id]?.providerMessageId ?? null;
      await r.notifications.updateDelivery({ ...cur, status: 'sent', attempts: cur.attempts + 1, providerMessageId, sentAt: deps.clock.now(), lastError: null, inFlightRun: null });
      await recordOnTimeline(r, cur, 'notification.sent', { recovered: true });
      if (cur.extra.refKey && providerMessageId && !cur.updateOf) await r.notifications.setMessageRef(cur.extra.refKey, cur.address, providerMessageId, deps.clock.now());
    }
  });
}

async function recordOutcome(deps: OutboxDeps, lane: string, run: LaneRun | undefined, claimed: Claimed, batch: Delivery[], outcome: Outcome): Promise<void> {
  const done = deps.clock.now();
  const first = claimed.batch[0]!;
  await deps.uow.run(async (r) => {
    const pacingNow = await r.notifications.lockLane(lane);
    const holding = !run || (sameRun(pacingNow.holder, run) && (await r.notifications.holdsLane(lane, run, done)));
    // Only what is still ours: pending and in flight with this run (another run may have taken over).
    const ours: Delivery[] = [];
    for (const d of batch) {
      const cur = await r.notifications.findDelivery(d.id);
      if (cur && cur.status === 'pending' && cur.inFlightRun === claimed.runKey) ours.push(cur);
    }
    const pacing = PACING_MS[first.channel];
    if (outcome.ok) {
      const bundleId = ours.length > 1 ? ours[0]!.id : null;
      for (const d of ours) {
        await r.notifications.updateDelivery({ ...d, status: 'sent', attempts: d.attempts + 1, providerMessageId: outcome.providerMessageId ?? null, bundleId, sentAt: done, lastError: null, inFlightRun: null });
        await recordOnTimeline(r, d, 'notification.sent', { bundled: ours.length > 1 ? ours.length : undefined });
        if (d.extra.refKey && outcome.providerMessageId && !d.updateOf) await r.notifications.setMessageRef(d.extra.refKey, d.address, outcome.providerMessageId, done);
      }
      // A run that lost the lane records its success and nothing else: the holder paces the lane.
      if (!holding) return;
      const next = done + pacing;
      await r.notifications.setLane(lane, next, 0);
      if (pacingNow.failures > 0 || pacingNow.failingSince !== null) await r.notifications.setLaneHealth(lane, null, null);
      if (run) await r.notifications.setLaneHolder(lane, null);
      if ((await r.notifications.pendingInLane(lane, 1)).length > 0) await armFlush(r, lane, next, `sent-${first.id}`);
      return;
    }
    // A failure is recorded only by the lane's holder: a run that lost it leaves the lane alone.
    if (!holding) return;
    const err = outcome.error;
    const failures = claimed.failures + 1;
    const wait = err.retryAfterMs ?? (err.retryable ? (deps.backoff ?? ((f: number) => cappedBackoff(f, deps.maxBackoffMs)))(failures) : 0);
    const unknownOutcome = err.retryable && UNKNOWN_OUTCOME.has(err.code ?? 'unknown');
    for (const d of ours) {
      const attempts = d.attempts + 1;
      const deadline = await deadlineOf(r, d, deps.deadlines ?? DEFAULT_DEADLINES);
      const giveUp = !err.retryable || done >= deadline;
      // A call that may have reached the provider stays in flight: the next run looks before resending.
      await r.notifications.updateDelivery({ ...d, status: giveUp ? 'failed' : 'pending', attempts, lastError: err.message, inFlightRun: giveUp || !unknownOutcome ? null : d.inFlightRun ?? null });
      if (giveUp) {
        await recordOnTimeline(r, d, 'notification.failed', { error: err.message, attempt: attempts, ...(err.retryable ? { reason: 'deadline passed' } : {}) });
        if (d.pageId) await r.jobs.enqueue({ kind: PAGE_FAILOVER_JOB, payload: { pageId: d.pageId, deliveryId: d.id }, dedupeKey: `failover:${d.id}:final` });
        continue;
      }
      if (worthRecording(attempts)) await recordOnTimeline(r, d, 'notification.retrying', { error: err.message, attempt: attempts, ...(err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {}) });
      // The page's next contact method is tried at once while this one keeps failing.
      if (d.pageId && (attempts >= 2 || wait >= FAILOVER_WAIT_MS)) {
        await r.jobs.enqueue({ kind: PAGE_FAILOVER_JOB, payload: { pageId: d.pageId, deliveryId: d.id }, dedupeKey: `failover:${d.id}` });
      }
    }
    const next = done + Math.max(wait, pacing);
    // A permanent failure is about one message; the lane itself stays healthy.
    await r.notifications.setLane(lane, next, err.retryable ? failures : 0);
    if (err.retryable) await r.notifications.setLaneHealth(lane, claimed.failingSince ?? done, err.message);
    if (run) await r.notifications.setLaneHolder(lane, null);
    if ((await r.notifications.pendingInLane(lane, 1)).length > 0) await armFlush(r, lane, next, `failed-${first.id}-${failures}-${done}`);
  });
}

/** Until when a message is retried: its page's deadline by urgency, or the deadline of any message. */
async function deadlineOf(r: Repos, d: Delivery, deadlines: DeliveryDeadlines): Promise<number> {
  if (d.pageId) {
    const page = await r.notifications.findPage(d.pageId);
    if (page) return page.createdAt + (page.urgency === 'high' ? deadlines.highUrgencyMs : deadlines.lowUrgencyMs);
  }
  return d.createdAt + deadlines.messageMs;
}

async function recordOnTimeline(r: Repos, d: Delivery, type: string, data: Record<string, unknown>): Promise<void> {
  const base = { deliveryId: d.id, channel: d.channel, address: d.address, subject: d.subject, ...Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) };
  if (d.entityType && d.entityId) await r.events.append({ entityType: d.entityType, entityId: d.entityId, type, actor: SYSTEM_ACTOR, data: base });
  if (d.pageId) await r.events.append({ entityType: 'page', entityId: d.pageId, type, actor: SYSTEM_ACTOR, data: base });
}

/**
 * Paging a person: their notification rules for the urgency fire one after another (each a job at
 * created + delay) until the page is acknowledged. A contact method that finally fails hands over to
 * the next rule at once. A user with no usable rule is reached on every verified contact method, and
 * the page says so. A page that reached nobody (no usable contact method, or every channel failed) is
 * *unreached*: what it was about is told at once (see {@link markPageUnreached}).
 */
import { conflict, forbidden, notFound } from '../shared/errors.js';
import type { Principal } from '../auth/auth.js';
import { newId } from '../shared/ids.js';
import { SYSTEM_ACTOR, type Actor, type CoreDeps, type Repos, type TimelineEvent } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { resolveUserId } from '../users/users.js';
import { assertSelfOrAdmin, inQuietHours, localMinutes, usableRules, type ContactMethod, type Page, type PageStatus, type Urgency } from './notifications.js';
import { queueMessage } from './outbox.js';

import { PAGE_ACKNOWLEDGED_JOB, PAGE_STEP_JOB, PAGE_UNREACHED_JOB } from '../shared/jobs.js';
export { PAGE_STEP_JOB } from '../shared/jobs.js';
/** Handled by the domain the page is about (alerts, incidents). */
export { PAGE_ACKNOWLEDGED_JOB } from '../shared/jobs.js';
/** Handled by the domain the page is about: a page reached nobody. */
export { PAGE_UNREACHED_JOB } from '../shared/jobs.js';

/** Why a page reached nobody. */
export type UnreachedReason = 'no_contact_method' | 'channels_failed';

/** The payload of {@link PAGE_UNREACHED_JOB}. */
export interface PageUnreached {
  pageId: string;
  sourceType: string;
  sourceId: string | null;
  userId: string;
  reason: UnreachedReason;
  /** Readable: "no verified contact method", "every channel failed (email: 550 ...)". */
  detail: string;
}

/** One person a page did not reach, as shown on what the page was about. */
export interface NotReached {
  pageId: string;
  userId: string;
  name: string;
  reason: UnreachedReason;
  detail: string;
  at: number;
}

export interface PageInput {
  userId: string;
  urgency: Urgency;
  subject: string;
  text: string;
  sourceType: string;
  sourceId?: string | null;
  /**
   * Given, the rules due at once (no delay, no quiet-hours hold) fire in the current transaction
   * instead of through a job: the message is queued with the page.
   */
  publicUrl?: string;
  /** Buttons on the message (the page's own Acknowledge button is always added). */
  actions?: Array<{ id: string; label: string; value: string; style?: 'primary' | 'danger' }>;
}

/** Creates a page in the current transaction and schedules its rules. */
export async function createPage(r: Repos, now: number, input: PageInput): Promise<Page> {
  const page: Page = {
    id: newId(now),
    userId: input.userId,
    urgency: input.urgency,
    subject: input.subject,
    text: input.text,
    sourceType: input.sourceType,
    sourceId: input.sourceId ?? null,
    status: 'active',
    fired: [],
    createdAt: now,
    acknowledgedAt: null,
    acknowledgedVia: null,
  };
  await r.notifications.insertPage(page);
  await r.events.append({ entityType: 'page', entityId: page.id, type: 'page.created', actor: SYSTEM_ACTOR, data: { userId: page.userId, urgency: page.urgency, subject: page.subject, sourceType: page.sourceType, sourceId: page.sourceId } });
  const user = await r.users.findById(input.userId);
  const contacts = await r.notifications.listContacts(input.userId);
  const rules = usableRules(await r.notifications.listRules(input.userId), contacts, input.urgency);
  // Quiet hours hold low-urgency pages until they end; high urgency always goes through.
  let holdMs = 0;
  if (input.urgency === 'low' && user) {
    const prefs = await r.notifications.getPrefs(input.userId);
    if (inQuietHours(prefs, user.timeZone, now) && prefs.quietEnd) {
      const end = Number(prefs.quietEnd.slice(0, 2)) * 60 + Number(prefs.quietEnd.slice(3, 5));
      holdMs = ((end - localMinutes(now, user.timeZone) + 1440) % 1440) * 60_000;
      await r.events.append({ entityType: 'page', entityId: page.id, type: 'page.quiet_hours', actor: SYSTEM_ACTOR, data: { heldUntil: now + holdMs } });
    }
  }
  if (rules.length === 0) {
    const verified = contacts.filter((c) => c.verifiedAt && !c.disabled);
    await r.events.append({
      entityType: 'page',
      entityId: page.id,
      type: 'page.warning',
      actor: SYSTEM_ACTOR,
      data: { warning: verified.length ? 'No notification rule for this urgency: every verified contact method is used at once.' : 'This person has no verified contact method: nobody can be reached.' },
    });
    for (const c of verified) {
      if (holdMs === 0 && input.publicUrl !== undefined) await fireStep(r, now, input.publicUrl, page, c, `fallback:${c.id}`);
      else await r.jobs.enqueue({ kind: PAGE_STEP_JOB, payload: { pageId: page.id, contactMethodId: c.id, ruleId: `fallback:${c.id}` }, runAt: now + holdMs, dedupeKey: `page:${page.id}:fallback:${c.id}` });
    }
    if (verified.length === 0) {
      await markPageUnreached(r, page, 'no_contact_method', 'no verified contact method');
      page.status = 'exhausted';
    }
    return page;
  }
  for (const { rule, contact } of rules) {
    if (holdMs === 0 && rule.delayMinutes === 0 && input.publicUrl !== undefined) {
      await fireStep(r, now, input.publicUrl, page, contact, rule.id);
      continue;
    }
    await r.jobs.enqueue({ kind: PAGE_STEP_JOB, payload: { pageId: page.id, contactMethodId: contact.id, ruleId: rule.id }, runAt: now + holdMs + rule.delayMinutes * 60_000, dedupeKey: `page:${page.id}:rule:${rule.id}` });
  }
  return page;
}

function pageMessage(page: Page, contact: ContactMethod, publicUrl: string, extraActions: PageInput['actions'] = []) {
  const ackAction = { id: 'page.ack', label: 'Acknowledge', value: page.id, style: 'primary' as const };
  const link = `${publicUrl}/pages/${page.id}`;
  return {
    channel: contact.type,
    address: contact.address,
    subject: page.subject,
    body: `${page.text}\n\n${contact.type === 'sms' ? `Reply ACK to acknowledge. ${link}` : link}`,
    extra: { actions: [ackAction, ...extraActions], threadKey: `page-${page.sourceType}-${page.sourceId ?? page.id}`, data: { pageId: page.id, sourceType: page.sourceType, sourceId: page.sourceId } },
    contactMethodId: contact.id,
    pageId: page.id,
    entityType: page.sourceId ? page.sourceType : null,
    entityId: page.sourceId,
  };
}

/** The job of one rule: send through its contact method, if the page is still unacknowledged. */
export async function runPageStep(deps: CoreDeps, ctx: Ctx, payload: { pageId: string; contactMethodId: string; ruleId: string }): Promise<void> {
  const { now, publicUrl } = ctx;
  await deps.uow.run(async (r) => {
    const page = await r.notifications.findPage(payload.pageId);
    if (!page || page.status !== 'active' || page.fired.includes(payload.ruleId)) return;
    const contact = await r.notifications.findContact(payload.contactMethodId);
    if (!contact || !contact.verifiedAt || contact.disabled) {
      page.fired = [...page.fired, payload.ruleId];
      await r.notifications.updatePage(page);
      await r.events.append({ entityType: 'page', entityId: page.id, type: 'page.step_skipped', actor: SYSTEM_ACTOR, data: { ruleId: payload.ruleId, reason: 'contact method removed or unverified' } });
      await failoverIfLast(r, page, now);
      return;
    }
    await fireStep(r, now, publicUrl, page, contact, payload.ruleId);
  });
}

/** Fires one rule of a page: its message is queued on the outbox, the page marks the rule fired. */
async function fireStep(r: Repos, now: number, publicUrl: string, page: Page, contact: ContactMethod, ruleId: string): Promise<void> {
  page.fired = [...page.fired, ruleId];
  await r.notifications.updatePage(page);
  await queueMessage(r, now, pageMessage(page, contact, publicUrl));
  await r.events.append({ entityType: 'page', entityId: page.id, type: 'page.notified', actor: SYSTEM_ACTOR, data: { ruleId, contactMethodId: contact.id, channel: contact.type, address: contact.address } });
}

/** A delivery of this page finally failed: fire the next rule now instead of at its time. */
export async function pageFailover(deps: CoreDeps, ctx: Ctx, payload: { pageId: string; deliveryId: string }): Promise<void> {
  const now = ctx.now;
  await deps.uow.run(async (r) => {
    const page = await r.notifications.findPage(payload.pageId);
    if (!page || page.status !== 'active') return;
    await failoverIfLast(r, page, now, payload.deliveryId);
  });
}

async function failoverIfLast(r: Repos, page: Page, now: number, failedDeliveryId?: string): Promise<void> {
  const contacts = await r.notifications.listContacts(page.userId);
  const rules = usableRules(await r.notifications.listRules(page.userId), contacts, page.urgency);
  const next = rules.find(({ rule }) => !page.fired.includes(rule.id));
  if (next) {
    await r.events.append({ entityType: 'page', entityId: page.id, type: 'page.failover', actor: SYSTEM_ACTOR, data: { failedDeliveryId, nextRuleId: next.rule.id, channel: next.contact.type } });
    await r.jobs.enqueue({ kind: PAGE_STEP_JOB, payload: { pageId: page.id, contactMethodId: next.contact.id, ruleId: next.rule.id }, runAt: now, dedupeKey: `page:${page.id}:failover:${next.rule.id}` });
    return;
  }
  // Every rule has fired: if every message of this page failed, or is still being retried after a
  // failure, it has reached nobody so far. The retries go on (a live page is never given up), but
  // the escalation does not wait for them.
  const deliveries = await r.notifications.listDeliveries({ pageId: page.id });
  if (deliveries.length === 0) {
    await markPageUnreached(r, page, 'no_contact_method', 'no usable contact method (removed or unverified)');
  } else if (deliveries.every((d) => d.status === 'failed' || (d.status === 'pending' && d.lastError !== null))) {
    const errors = deliveries.map((d) => `${d.channel}: ${(d.lastError ?? 'failed').slice(0, 120)}`);
    await markPageUnreached(r, page, 'channels_failed', `every channel failed (${[...new Set(errors)].join('; ')})`.slice(0, 400));
  }
}

/**
 * A page reached nobody: it is marked exhausted, on its timeline, and a {@link PAGE_UNREACHED_JOB}
 * tells what it was about (the alert moves to its next escalation step at once, the alert or incident
 * shows who was not reached, the alerts channel hears it). Called when a page's last channel has
 * failed for good, or when the person has no usable contact method. Once per page.
 */
export async function markPageUnreached(r: Repos, page: Page, reason: UnreachedReason, detail: string): Promise<void> {
  const current = await r.notifications.findPage(page.id);
  if (!current || current.status === 'exhausted' || current.status === 'acknowledged' || current.status === 'cancelled') return;
  await r.notifications.updatePage({ ...current, status: 'exhausted' });
  await r.events.append({ entityType: 'page', entityId: page.id, type: 'page.exhausted', actor: SYSTEM_ACTOR, data: { note: `Nobody was reached: ${detail}.`, reason } });
  const payload: PageUnreached = { pageId: page.id, sourceType: page.sourceType, sourceId: page.sourceId, userId: page.userId, reason, detail };
  await r.jobs.enqueue({ kind: PAGE_UNREACHED_JOB, payload: { ...payload }, dedupeKey: `page-unreached:${page.id}` });
}

/**
 * Who was not reached, from the `<entity>.not_reached` events of a timeline: one entry per page,
 * leaving out pages acknowledged since (the person turned up after all).
 */
export async function notReachedFrom(r: Repos, timeline: TimelineEvent[]): Promise<NotReached[]> {
  const out = new Map<string, NotReached>();
  for (const e of timeline) {
    if (!e.type.endsWith('.not_reached') || typeof e.data.pageId !== 'string') continue;
    const d = e.data;
    out.set(d.pageId as string, { pageId: d.pageId as string, userId: String(d.userId ?? ''), name: String(d.name ?? d.userId ?? ''), reason: d.reason as UnreachedReason, detail: String(d.detail ?? ''), at: e.at });
  }
  const still: NotReached[] = [];
  for (const n of out.values()) if ((await r.notifications.findPage(n.pageId))?.status !== 'acknowledged') still.push(n);
  return still;
}

/** Acknowledges a page (and stops its remaining rules). Idempotent. */
export async function acknowledgePage(r: Repos, now: number, pageId: string, actor: Actor, via: string): Promise<Page> {
  const page = await r.notifications.findPage(pageId);
  if (!page) throw notFound('page', pageId);
  if (page.status === 'acknowledged') return page;
  if (page.status === 'cancelled') throw conflict('page_cancelled', 'This page was cancelled.');
  const next: Page = { ...page, status: 'acknowledged', acknowledgedAt: now, acknowledgedVia: via };
  await r.notifications.updatePage(next);
  await r.jobs.cancelPending(`page:${page.id}:`);
  await r.events.append({ entityType: 'page', entityId: page.id, type: 'page.acknowledged', actor, data: { via } });
  // What the page was about (an alert, an incident) learns that its person acknowledged it.
  if (page.sourceId) {
    await r.jobs.enqueue({ kind: PAGE_ACKNOWLEDGED_JOB, payload: { pageId: page.id, sourceType: page.sourceType, sourceId: page.sourceId, userId: page.userId, actor, via }, dedupeKey: `page-acked:${page.id}` });
  }
  return next;
}

/** Cancels the active pages of a source (the alert was acknowledged by someone else, or closed). */
export async function cancelPagesFor(r: Repos, sourceType: string, sourceId: string, reason: string): Promise<number> {
  const pages = await r.notifications.listPages({ sourceType, sourceId, status: 'active' });
  for (const p of pages) {
    await r.notifications.updatePage({ ...p, status: 'cancelled' });
    await r.jobs.cancelPending(`page:${p.id}:`);
    await r.events.append({ entityType: 'page', entityId: p.id, type: 'page.cancelled', actor: SYSTEM_ACTOR, data: { reason } });
  }
  return pages.length;
}

/** The signed-in principal a use case acts for. */
function principalIn(ctx: Ctx): Principal {
  if (!ctx.principal) throw forbidden('Sign in to see pages.');
  return ctx.principal;
}

/** Acknowledges a page sent to the signed-in person (admins: anyone's). */
export async function acknowledgePageAs(deps: CoreDeps, ctx: Ctx, input: { pageId: string; via: string }): Promise<Page> {
  const p = principalIn(ctx);
  return deps.uow.run(async (r) => {
    const page = await r.notifications.findPage(input.pageId);
    if (!page) throw notFound('page', input.pageId);
    assertSelfOrAdmin(p, page.userId);
    return acknowledgePage(r, ctx.now, input.pageId, { type: 'user', id: p.user.id }, input.via);
  });
}

/** A page's Acknowledge button pressed by a linked person (`ctx.actor`); undefined when the page is gone. */
export async function acknowledgePageButton(deps: CoreDeps, ctx: Ctx, input: { pageId: string; via: string }): Promise<Page | undefined> {
  return deps.uow.run(async (r) => {
    const p = await r.notifications.findPage(input.pageId);
    if (!p) return undefined;
    return acknowledgePage(r, ctx.now, p.id, ctx.actor, input.via);
  });
}

/** Pages sent to the signed-in person, or (admins) to `user`. */
export async function listPages(deps: CoreDeps, ctx: Ctx, input: { user?: string; status?: PageStatus }): Promise<{ data: Page[] }> {
  const p = principalIn(ctx);
  const userId = input.user ? await resolveUserId(deps, ctx, { ref: input.user }) : p.user.id;
  assertSelfOrAdmin(p, userId);
  return deps.uow.run(async (r) => ({ data: await r.notifications.listPages({ userId, ...(input.status ? { status: input.status } : {}) }) }));
}

/** A page with its timeline (each notification sent, failed, retried). */
export async function getPage(deps: CoreDeps, ctx: Ctx, input: { id: string }): Promise<{ page: Page; timeline: TimelineEvent[] }> {
  const p = principalIn(ctx);
  return deps.uow.run(async (r) => {
    const page = await r.notifications.findPage(input.id);
    if (!page) throw notFound('page', input.id);
    assertSelfOrAdmin(p, page.userId);
    return { page, timeline: await r.events.list('page', page.id) };
  });
}

/**
 * A reply to a paging SMS: `ACK` acknowledges the open pages of the person whose verified number sent
 * it. Returns the text to answer with.
 */
export async function handleSmsReply(deps: CoreDeps, from: string, text: string): Promise<string> {
  const command = text.trim().toUpperCase().replace(/[^A-Z]/g, '');
  return deps.uow.run(async (r) => {
    const contacts = (await r.notifications.findContactsByAddress('sms', from)).filter((c) => c.verifiedAt && !c.disabled);
    if (contacts.length === 0) return 'Vigil: this number is not a verified contact method of any Vigil user.';
    if (command !== 'ACK' && command !== 'ACKNOWLEDGE') return 'Vigil: reply ACK to acknowledge your open pages.';
    const now = deps.clock.now();
    const acknowledged: Page[] = [];
    for (const userId of new Set(contacts.map((c) => c.userId))) {
      for (const p of await r.notifications.listPages({ userId, status: 'active', limit: 100 })) {
        acknowledged.push(await acknowledgePage(r, now, p.id, { type: 'user', id: userId }, 'sms'));
      }
    }
    if (acknowledged.length === 0) return 'Vigil: nothing to acknowledge, you have no open pages.';
    const what = acknowledged.map((p) => p.subject).join('; ');
    return `Vigil: acknowledged ${acknowledged.length === 1 ? '' : `${acknowledged.length} pages: `}${what.length > 280 ? `${what.slice(0, 279)}…` : what}`;
  });
}

/** "Send yourself a test page" from the setup checklist. */
export async function sendTestPage(deps: CoreDeps, ctx: Ctx): Promise<Page> {
  const principal = principalIn(ctx);
  return deps.uow.run((r) =>
    createPage(r, ctx.now, {
      userId: principal.user.id,
      urgency: 'high',
      subject: 'Vigil test page',
      text: `This is a test page for ${principal.user.name}. Acknowledge it to complete this step of your on-call setup.`,
      sourceType: 'test',
    }),
  );
}

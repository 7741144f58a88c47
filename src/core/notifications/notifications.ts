/**
 * How a person is reached: contact methods (verified before use), notification rules per urgency
 * ("Slack DM now, SMS after 2 minutes"), quiet hours, and the on-call setup checklist.
 */
import { VERIFY_JOB, CONTACTS_IMPORTED_JOB } from '../shared/jobs.js';
import { randomBytes, randomInt } from 'node:crypto';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Actor, CoreDeps, Repos } from '../shared/ports.js';
import type { Ctx } from '../shared/context.js';
import { resolveUserId } from '../users/users.js';
import { DAY, finalScheduleOf } from '../schedules/schedules.js';
import { findTeam } from '../teams/teams.js';
import { normalizeEmail, normalizePhone } from '../shared/validate.js';
import { actorOf, hashSecret, type Principal } from '../auth/auth.js';
import { requireAdmin, requireContactSetup } from '../auth/permissions.js';
import { audit } from '../audit/audit.js';
import type { ChannelType } from './channels.js';

export type ContactType = 'slack_dm' | 'email' | 'sms' | 'voice' | 'webhook';
export const CONTACT_TYPES: ContactType[] = ['slack_dm', 'email', 'sms', 'voice', 'webhook'];
export type Urgency = 'high' | 'low';

export interface ContactMethod {
  id: string;
  userId: string;
  type: ContactType;
  address: string;
  label: string;
  verifiedAt: number | null;
  disabled: boolean;
  /** Set when an import carried it over (e.g. "OpsGenie"): verified there, so usable for paging at once. */
  importedFrom?: string | null;
  /** When the owner confirmed an imported contact method (null while not yet confirmed). */
  confirmedAt?: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NotificationRule {
  id: string;
  userId: string;
  urgency: Urgency;
  contactMethodId: string;
  delayMinutes: number;
  createdAt: number;
}

export interface NotificationPrefs {
  userId: string;
  quietStart: string | null;
  quietEnd: string | null;
  severityLevelsReadAt: number | null;
}

export type PageStatus = 'active' | 'acknowledged' | 'cancelled' | 'exhausted';

export interface Page {
  id: string;
  userId: string;
  urgency: Urgency;
  subject: string;
  text: string;
  sourceType: string;
  sourceId: string | null;
  status: PageStatus;
  fired: string[];
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedVia: string | null;
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'cancelled';

export interface Delivery {
  id: string;
  lane: string;
  channel: ChannelType;
  address: string;
  contactMethodId: string | null;
  pageId: string | null;
  entityType: string | null;
  entityId: string | null;
  subject: string;
  body: string;
  extra: DeliveryExtra;
  status: DeliveryStatus;
  attempts: number;
  providerMessageId: string | null;
  bundleId: string | null;
  updateOf: string | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  /** When the delivery was first handed to its channel. */
  firstAttemptAt?: number | null;
  /** The run (`jobId#attempt`) that handed it to its channel and has not recorded the outcome yet. */
  inFlightRun?: string | null;
}

/** One run of a lane's flush job: its job id and attempt. The run's job lease is its hold on the lane. */
export interface LaneRun {
  jobId: string;
  attempt: number;
}

export interface LanePacing {
  nextAt: number;
  failures: number;
  scheduledAt: number | null;
  holder: LaneRun | null;
  failingSince: number | null;
  lastError: string | null;
}

/** A lane whose recent attempts failed (its channel is degraded for that address). */
export interface LaneHealth {
  lane: string;
  failures: number;
  failingSince: number;
  lastError: string | null;
  /** Pending deliveries waiting in the lane. */
  pending: number;
}

export interface DeliveryExtra {
  html?: string;
  blocks?: unknown[];
  actions?: Array<{ id: string; label: string; value: string; style?: 'primary' | 'danger' }>;
  data?: Record<string, unknown>;
  threadKey?: string;
  /** Keep this message up to date under this key (message_refs). */
  refKey?: string;
  /** Post as a reply in the thread of the message kept under this key (Slack thread_ts), when it was sent. */
  threadRefKey?: string;
  /** A thread reply that is also shown in the channel (Slack reply_broadcast). */
  broadcast?: boolean;
}

export interface NotificationsRepo {
  insertContact(c: ContactMethod): Promise<void>;
  updateContact(c: ContactMethod): Promise<void>;
  deleteContact(id: string): Promise<void>;
  findContact(id: string): Promise<ContactMethod | undefined>;
  listContacts(userId: string): Promise<ContactMethod[]>;
  /** Contact methods of this type and address (an SMS reply names its sender's number). */
  findContactsByAddress(type: ContactType, address: string): Promise<ContactMethod[]>;
  setVerification(id: string, codeHash: string | null, expiresAt: number | null): Promise<void>;
  getVerification(id: string): Promise<{ codeHash: string | null; expiresAt: number | null } | undefined>;
  insertRule(rule: NotificationRule): Promise<void>;
  deleteRule(id: string): Promise<void>;
  listRules(userId: string): Promise<NotificationRule[]>;
  getPrefs(userId: string): Promise<NotificationPrefs>;
  setPrefs(p: NotificationPrefs, at: number): Promise<void>;
  insertPage(p: Page): Promise<void>;
  updatePage(p: Page): Promise<void>;
  findPage(id: string): Promise<Page | undefined>;
  listPages(options: { userId?: string; sourceType?: string; sourceId?: string; status?: PageStatus; limit?: number }): Promise<Page[]>;
  insertDelivery(d: Delivery): Promise<void>;
  updateDelivery(d: Delivery): Promise<void>;
  findDelivery(id: string): Promise<Delivery | undefined>;
  /** Pending deliveries of a lane, oldest first. */
  pendingInLane(lane: string, limit: number): Promise<Delivery[]>;
  listDeliveries(options: { pageId?: string; entityType?: string; entityId?: string; limit?: number }): Promise<Delivery[]>;
  /** Locks the lane's row for this transaction (creating it), returning its pacing. */
  lockLane(lane: string): Promise<LanePacing>;
  setLane(lane: string, nextAt: number, failures: number): Promise<void>;
  /** A lane's health: when its failures began (null: healthy again) and the last error. */
  setLaneHealth(lane: string, failingSince: number | null, lastError: string | null): Promise<void>;
  /** Sets (or clears) the run holding the lane. */
  setLaneHolder(lane: string, run: LaneRun | null): Promise<void>;
  /**
   * When the lane's holder still holds its job lease, the lease's expiry; undefined when nobody holds
   * the lane (no holder, or the holder's lease expired or was taken over).
   */
  laneHeldUntil(lane: string, now: number): Promise<number | undefined>;
  /** The fencing check: `run` holds the lane and its job lease is live at `now`. */
  holdsLane(lane: string, run: LaneRun, now: number): Promise<boolean>;
  /** Lanes that are failing (failures > 0), with their pending count, worst first. */
  degradedLanes(limit: number): Promise<LaneHealth[]>;
  /** Records when the lane's next flush job runs (null: none queued). */
  setLaneSchedule(lane: string, scheduledAt: number | null): Promise<void>;
  /** Lanes with pending messages and no flush queued (or one overdue by more than `graceMs`). */
  lanesNeedingFlush(now: number, graceMs: number): Promise<string[]>;
  getMessageRef(key: string): Promise<{ channel: string; providerMessageId: string } | undefined>;
  setMessageRef(key: string, channel: string, providerMessageId: string, at: number): Promise<void>;
  getTemplate(eventType: string): Promise<{ subject: string; body: string } | undefined>;
  setTemplate(eventType: string, t: { subject: string; body: string } | null, at: number): Promise<void>;
  listTemplates(): Promise<Array<{ eventType: string; subject: string; body: string }>>;
}

// This domain's repository, in every unit of work (see shared/ports.ts).
declare module '../shared/ports.js' {
  interface Repos {
    notifications: NotificationsRepo;
  }
}

// ---------------------------------------------------------------------------------------------
// Contact methods

export const channelOf = (type: ContactType): ChannelType => type;

export function normalizeAddress(type: ContactType, address: string): string {
  const a = address.trim();
  switch (type) {
    case 'email':
      return normalizeEmail(a, 'address');
    case 'sms':
    case 'voice':
      return normalizePhone(a, 'address');
    case 'slack_dm':
      if (!/^[UW][A-Z0-9]{2,20}$/.test(a)) throw invalid('invalid_address', `"${address}" is not a Slack user id (e.g. U024BE7LH).`, { field: 'address' });
      return a;
    case 'webhook': {
      let u: URL;
      try {
        u = new URL(a);
      } catch {
        throw invalid('invalid_address', `"${address}" is not a URL.`, { field: 'address' });
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid('invalid_address', 'A webhook must be an http(s) URL.', { field: 'address' });
      return u.toString();
    }
  }
}

function assertType(type: string): asserts type is ContactType {
  if (!(CONTACT_TYPES as string[]).includes(type)) throw invalid('invalid_contact_type', `type must be one of ${CONTACT_TYPES.join(', ')}.`, { field: 'type' });
}

/** Only the owner or an admin manages someone's contact methods and rules. */
export function assertSelfOrAdmin(p: Principal, userId: string): void {
  if (p.user.id !== userId && p.user.role !== 'admin') throw forbidden("Only admins can change another person's notification settings.");
}

/** The signed-in principal a use case acts for. */
function principalIn(ctx: Ctx): Principal {
  if (!ctx.principal) throw forbidden('Sign in to change notification settings.');
  return ctx.principal;
}

export { VERIFY_JOB } from '../shared/jobs.js';

/** Adds a contact method to `user` (`me`, an id or an email); a verification code is sent to it. */
export async function addContactMethod(deps: CoreDeps, ctx: Ctx, input: { user: string; type: string; address: string; label?: string }): Promise<ContactMethod> {
  const p = principalIn(ctx);
  const userId = await resolveUserId(deps, ctx, { ref: input.user });
  assertType(input.type);
  const address = normalizeAddress(input.type, input.address);
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    await requireContactSetup(r, p, userId, 'add a contact method for someone else');
    if (!(await r.users.findById(userId))) throw notFound('user', userId);
    const existing = await r.notifications.listContacts(userId);
    if (existing.some((c) => c.type === input.type && c.address === address)) {
      throw conflict('contact_method_exists', `${p.user.id === userId ? 'You already have' : 'This person already has'} this ${input.type} contact method.`);
    }
    // A Slack DM to the Slack account linked to the user needs no code: Slack vouches for it.
    const user = await r.users.findById(userId);
    const trusted = input.type === 'slack_dm' && user?.slackUserId === address;
    const c: ContactMethod = { id: newId(now), userId, type: input.type as ContactType, address, label: input.label ?? '', verifiedAt: trusted ? now : null, disabled: false, createdAt: now, updatedAt: now };
    await r.notifications.insertContact(c);
    await r.events.append({ entityType: 'user', entityId: userId, type: 'contact_method.added', actor: { type: 'user', id: p.user.id }, data: { contactMethodId: c.id, type: c.type, address: c.address } });
    if (!trusted) await startVerification(r, c, now);
    return c;
  });
}

/** A verification link stays valid for a day (the code for 15 minutes). */
export const VERIFY_LINK_TTL_MS = 86_400_000;

async function startVerification(r: Repos, c: ContactMethod, now: number): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await r.notifications.setVerification(c.id, hashSecret(`${c.id}:${code}`), now + 15 * 60_000);
  // The person may also confirm by following a link (a long single-use token, not the code).
  const link = c.type === 'voice' ? undefined : `vgv_${randomBytes(24).toString('base64url')}`;
  if (link) await r.onboarding.setVerificationLink(c.id, hashSecret(link), now + VERIFY_LINK_TTL_MS);
  await r.jobs.enqueue({ kind: VERIFY_JOB, payload: { contactMethodId: c.id, code, ...(link ? { link } : {}) }, dedupeKey: `verify:${c.id}:${now}`, maxAttempts: 5 });
}

async function markVerified(r: Repos, c: ContactMethod, actor: Actor, now: number, via: 'code' | 'link'): Promise<ContactMethod> {
  const next = { ...c, verifiedAt: now, ...(c.importedFrom ? { confirmedAt: now } : {}), updatedAt: now };
  await r.notifications.updateContact(next);
  await r.notifications.setVerification(c.id, null, null);
  await r.onboarding.deleteVerificationLinks(c.id);
  await r.events.append({ entityType: 'user', entityId: c.userId, type: 'contact_method.verified', actor, data: { contactMethodId: c.id, type: c.type, via } });
  return next;
}

/** Verifies the contact method a link was sent to (no sign-in needed: the link is the proof). */
export async function verifyContactByLink(deps: CoreDeps, ctx: Ctx, input: { token: string }): Promise<ContactMethod> {
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    const link = await r.onboarding.findVerificationLink(hashSecret(input.token));
    if (!link) throw invalid('invalid_link', 'This verification link is not valid (used already, or replaced by a newer one).');
    if (link.expiresAt < now) throw invalid('verification_expired', 'This verification link has expired; ask for a new code.');
    const c = await r.notifications.findContact(link.contactMethodId);
    if (!c) throw notFound('contact_method', link.contactMethodId);
    if (c.verifiedAt) return c;
    return markVerified(r, c, { type: 'user', id: c.userId }, now, 'link');
  });
}

export async function resendVerification(deps: CoreDeps, ctx: Ctx, input: { contactMethodId: string }): Promise<void> {
  const p = principalIn(ctx);
  const { contactMethodId } = input;
  const now = ctx.now;
  await deps.uow.run(async (r) => {
    const c = await r.notifications.findContact(contactMethodId);
    if (!c) throw notFound('contact_method', contactMethodId);
    await requireContactSetup(r, p, c.userId, "send a new code to someone else's contact method");
    if (c.verifiedAt) throw conflict('already_verified', 'This contact method is verified already.');
    await startVerification(r, c, now);
  });
}

export async function verifyContactMethod(deps: CoreDeps, ctx: Ctx, input: { contactMethodId: string; code: string }): Promise<ContactMethod> {
  const p = principalIn(ctx);
  const { contactMethodId, code } = input;
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    const c = await r.notifications.findContact(contactMethodId);
    if (!c) throw notFound('contact_method', contactMethodId);
    await requireContactSetup(r, p, c.userId, "verify someone else's contact method");
    if (c.verifiedAt) return c;
    const v = await r.notifications.getVerification(c.id);
    if (!v?.codeHash || !v.expiresAt || v.expiresAt < now) throw invalid('verification_expired', 'The code has expired; ask for a new one.');
    if (hashSecret(`${c.id}:${code.trim()}`) !== v.codeHash) throw invalid('wrong_code', 'That code is not right.');
    return markVerified(r, c, { type: 'user', id: p.user.id }, now, 'code');
  });
}

export async function removeContactMethod(deps: CoreDeps, ctx: Ctx, input: { contactMethodId: string }): Promise<void> {
  const p = principalIn(ctx);
  const { contactMethodId } = input;
  await deps.uow.run(async (r) => {
    const c = await r.notifications.findContact(contactMethodId);
    if (!c) throw notFound('contact_method', contactMethodId);
    assertSelfOrAdmin(p, c.userId);
    await r.notifications.deleteContact(c.id);
    await r.events.append({ entityType: 'user', entityId: c.userId, type: 'contact_method.removed', actor: { type: 'user', id: p.user.id }, data: { contactMethodId: c.id, type: c.type } });
  });
}

// ---------------------------------------------------------------------------------------------
// Imported contact methods

export { CONTACTS_IMPORTED_JOB } from '../shared/jobs.js';
const IMPORT_SETTINGS_KEY = 'imports';

export interface ImportSettings {
  /** When true, imported contact methods must be verified again in Vigil before they are used. */
  requireReverification: boolean;
}

async function importSettingsIn(r: Repos): Promise<ImportSettings> {
  const raw = await r.settings.get(IMPORT_SETTINGS_KEY);
  const parsed = raw ? (JSON.parse(raw) as Partial<ImportSettings>) : {};
  return { requireReverification: parsed.requireReverification === true };
}

/** How imports treat contact methods. */
export async function getImportSettings(deps: CoreDeps, _ctx: Ctx): Promise<ImportSettings> {
  return deps.uow.run((r) => importSettingsIn(r));
}

export async function setImportSettings(deps: CoreDeps, ctx: Ctx, settings: ImportSettings): Promise<ImportSettings> {
  const p = principalIn(ctx);
  if (p.user.role !== 'admin') throw forbidden('Only admins change how imports treat contact methods.');
  return deps.uow.run(async (r) => {
    await r.settings.set(IMPORT_SETTINGS_KEY, JSON.stringify(settings));
    await r.events.append({ entityType: 'settings', entityId: IMPORT_SETTINGS_KEY, type: 'settings.updated', actor: actorUser(p), data: { ...settings } });
    return settings;
  });
}

export interface ImportedContactsInput {
  /** Email (or id) of the person. */
  user: string;
  importedFrom?: string;
  methods?: Array<{ type: string; address: string; label?: string }>;
  rules?: Array<{ urgency: string; type: string; address: string; delayMinutes: number }>;
}

/**
 * Adds a person's imported contact methods (missing ones, matched by type and address) and rules.
 * They were verified at the source, so they count as verified unless an admin requires
 * re-verification. The person gets one message listing what was added (a job, after commit).
 */
export async function importContacts(r: Repos, actor: Actor, input: ImportedContactsInput, now: number): Promise<{ methods: number; rules: number }> {
  const ref = input.user.trim().toLowerCase();
  const user = ref.includes('@') ? await r.users.findByEmail(ref) : await r.users.findById(input.user);
  if (!user) throw invalid('unknown_user', `contacts: no user "${input.user}".`, { field: 'user' });
  const from = (input.importedFrom ?? 'import').slice(0, 50);
  const { requireReverification } = await importSettingsIn(r);
  const contacts = await r.notifications.listContacts(user.id);
  const added: ContactMethod[] = [];
  for (const m of input.methods ?? []) {
    assertType(m.type);
    const address = normalizeAddress(m.type, m.address);
    if (contacts.some((c) => c.type === m.type && c.address === address)) continue;
    const c: ContactMethod = {
      id: newId(now),
      userId: user.id,
      type: m.type,
      address,
      label: (m.label ?? `from ${from}`).slice(0, 100),
      verifiedAt: requireReverification ? null : now,
      disabled: false,
      importedFrom: from,
      confirmedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await r.notifications.insertContact(c);
    contacts.push(c);
    added.push(c);
    await r.events.append({ entityType: 'user', entityId: user.id, type: 'contact_method.imported', actor, data: { contactMethodId: c.id, type: c.type, address: c.address, importedFrom: from, verified: !requireReverification } });
    if (requireReverification) await startVerification(r, c, now);
  }
  const rules = await r.notifications.listRules(user.id);
  let addedRules = 0;
  for (const rule of input.rules ?? []) {
    if (rule.urgency !== 'high' && rule.urgency !== 'low') throw invalid('invalid_urgency', `contacts ${input.user}: urgency must be high or low.`, { field: 'urgency' });
    assertType(rule.type);
    const address = normalizeAddress(rule.type, rule.address);
    const c = contacts.find((x) => x.type === rule.type && x.address === address);
    if (!c) throw invalid('unknown_contact_method', `contacts ${input.user}: a rule names ${rule.type} ${rule.address}, which is not among the methods.`, { field: 'rules' });
    const delayMinutes = Math.min(240, Math.max(0, Math.round(rule.delayMinutes)));
    if (rules.some((x) => x.urgency === rule.urgency && x.contactMethodId === c.id && x.delayMinutes === delayMinutes)) continue;
    const nr: NotificationRule = { id: newId(now), userId: user.id, urgency: rule.urgency, contactMethodId: c.id, delayMinutes, createdAt: now };
    await r.notifications.insertRule(nr);
    rules.push(nr);
    addedRules++;
  }
  if (added.length || addedRules) {
    await r.jobs.enqueue({
      kind: CONTACTS_IMPORTED_JOB,
      payload: { userId: user.id, importedFrom: from, contactMethodIds: added.map((c) => c.id), rules: addedRules, reverify: requireReverification },
      dedupeKey: `contacts-imported:${user.id}:${now}`,
      maxAttempts: 5,
    });
  }
  return { methods: added.length, rules: addedRules };
}

/** The owner confirms an imported contact method as it is (changing it is removing and adding). */
export async function confirmContactMethod(deps: CoreDeps, ctx: Ctx, input: { contactMethodId: string }): Promise<ContactMethod> {
  const p = principalIn(ctx);
  const { contactMethodId } = input;
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    const c = await r.notifications.findContact(contactMethodId);
    if (!c) throw notFound('contact_method', contactMethodId);
    assertSelfOrAdmin(p, c.userId);
    if (!c.importedFrom) throw conflict('not_imported', 'Only imported contact methods are confirmed; this one was added in Vigil.');
    if (c.confirmedAt) return c;
    const next = { ...c, confirmedAt: now, updatedAt: now };
    await r.notifications.updateContact(next);
    await r.events.append({ entityType: 'user', entityId: c.userId, type: 'contact_method.confirmed', actor: actorUser(p), data: { contactMethodId: c.id, type: c.type } });
    return next;
  });
}

// ---------------------------------------------------------------------------------------------
// Rules

export async function addRule(deps: CoreDeps, ctx: Ctx, input: { user: string; urgency: string; contactMethodId: string; delayMinutes: number }): Promise<NotificationRule> {
  const p = principalIn(ctx);
  const userId = await resolveUserId(deps, ctx, { ref: input.user });
  assertSelfOrAdmin(p, userId);
  if (input.urgency !== 'high' && input.urgency !== 'low') throw invalid('invalid_urgency', 'urgency must be high or low.', { field: 'urgency' });
  if (!Number.isInteger(input.delayMinutes) || input.delayMinutes < 0 || input.delayMinutes > 240) throw invalid('invalid_delay', 'delayMinutes must be a whole number from 0 to 240.', { field: 'delayMinutes' });
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    const c = await r.notifications.findContact(input.contactMethodId);
    if (!c || c.userId !== userId) throw invalid('unknown_contact_method', `No contact method "${input.contactMethodId}" of this user.`, { field: 'contactMethodId' });
    const rule: NotificationRule = { id: newId(now), userId, urgency: input.urgency as Urgency, contactMethodId: c.id, delayMinutes: input.delayMinutes, createdAt: now };
    await r.notifications.insertRule(rule);
    await r.events.append({ entityType: 'user', entityId: userId, type: 'notification_rule.added', actor: { type: 'user', id: p.user.id }, data: { ruleId: rule.id, urgency: rule.urgency, type: c.type, delayMinutes: rule.delayMinutes } });
    return rule;
  });
}

export async function removeRule(deps: CoreDeps, ctx: Ctx, input: { user: string; ruleId: string }): Promise<void> {
  const p = principalIn(ctx);
  const { ruleId } = input;
  const userId = await resolveUserId(deps, ctx, { ref: input.user });
  assertSelfOrAdmin(p, userId);
  await deps.uow.run(async (r) => {
    const rules = await r.notifications.listRules(userId);
    if (!rules.some((x) => x.id === ruleId)) throw notFound('notification_rule', ruleId);
    await r.notifications.deleteRule(ruleId);
  });
}

/** A rule is usable when its contact method is verified and enabled. */
export function usableRules(rules: NotificationRule[], contacts: ContactMethod[], urgency: Urgency): Array<{ rule: NotificationRule; contact: ContactMethod }> {
  const byId = new Map(contacts.map((c) => [c.id, c]));
  return rules
    .filter((r) => r.urgency === urgency)
    .flatMap((rule) => {
      const contact = byId.get(rule.contactMethodId);
      return contact && contact.verifiedAt && !contact.disabled ? [{ rule, contact }] : [];
    })
    .sort((a, b) => a.rule.delayMinutes - b.rule.delayMinutes);
}

/** Why a user would not be reached by a high-urgency page (empty when they would). */
export async function reachabilityWarnings(r: Repos, userId: string): Promise<string[]> {
  const contacts = await r.notifications.listContacts(userId);
  const rules = await r.notifications.listRules(userId);
  const unconfirmed = contacts.filter((c) => c.importedFrom && !c.confirmedAt && c.verifiedAt).length;
  const note = unconfirmed ? [`${unconfirmed} imported contact method(s) not yet confirmed by their owner (they are used for pages meanwhile)`] : [];
  const degraded = await degradedContactWarnings(r, contacts);
  if (usableRules(rules, contacts, 'high').length > 0) return [...note, ...degraded];
  if (contacts.some((c) => c.verifiedAt && !c.disabled)) return ['no high-urgency notification rule (verified contact methods are used at once as a fallback)', ...degraded];
  return ['no verified contact method: pages cannot reach this person', ...degraded];
}

/** A contact method whose recent deliveries keep failing is degraded: say so, with the last error. */
async function degradedContactWarnings(r: Repos, contacts: ContactMethod[]): Promise<string[]> {
  const active = contacts.filter((c) => c.verifiedAt && !c.disabled);
  if (active.length === 0) return [];
  const byLane = new Map((await r.notifications.degradedLanes(1000)).map((l) => [l.lane, l]));
  const out: string[] = [];
  for (const c of active) {
    const l = byLane.get(`${c.type}:${c.address}`);
    if (!l) continue;
    const since = new Date(l.failingSince).toISOString().slice(0, 16).replace('T', ' ');
    out.push(`degraded: ${c.label || c.type} (${c.type}) has been failing since ${since} UTC${l.pending ? `, ${l.pending} message(s) waiting` : ''}; the next contact method is tried meanwhile${l.lastError ? ` (last error: ${l.lastError})` : ''}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Quiet hours

export async function setQuietHours(deps: CoreDeps, ctx: Ctx, input: { user: string; quiet: { start: string; end: string } | null }): Promise<NotificationPrefs> {
  const p = principalIn(ctx);
  const { quiet } = input;
  const userId = await resolveUserId(deps, ctx, { ref: input.user });
  assertSelfOrAdmin(p, userId);
  if (quiet) for (const [k, v] of Object.entries(quiet)) if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) throw invalid('invalid_time', `quietHours.${k} must be HH:MM.`, { field: `quietHours.${k}` });
  return deps.uow.run(async (r) => {
    const prefs = { ...(await r.notifications.getPrefs(userId)), quietStart: quiet?.start ?? null, quietEnd: quiet?.end ?? null };
    await r.notifications.setPrefs(prefs, ctx.now);
    return prefs;
  });
}

/** Minutes since local midnight of `instant` in `zone` (pure, via Intl). */
export function localMinutes(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(instant));
  const h = Number(parts.find((x) => x.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((x) => x.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

export function inQuietHours(prefs: NotificationPrefs, zone: string, instant: number): boolean {
  if (!prefs.quietStart || !prefs.quietEnd) return false;
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const start = toMin(prefs.quietStart);
  const end = toMin(prefs.quietEnd);
  const now = localMinutes(instant, zone);
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

// ---------------------------------------------------------------------------------------------
// Checklist

export interface ChecklistItem {
  id: 'slack_linked' | 'contact_verified' | 'high_urgency_rule' | 'test_page_acknowledged' | 'calendar_subscribed' | 'severity_levels_read' | 'contacts_delivering';
  label: string;
  done: boolean;
  /** Required items make the checklist complete; the others are recommended. */
  required: boolean;
  help: string;
}

export async function checklistFor(r: Repos, userId: string): Promise<{ complete: boolean; items: ChecklistItem[] }> {
  const user = await r.users.findById(userId);
  if (!user) throw notFound('user', userId);
  const contacts = await r.notifications.listContacts(userId);
  const rules = await r.notifications.listRules(userId);
  const testPages = await r.notifications.listPages({ userId, sourceType: 'test', status: 'acknowledged', limit: 1 });
  const feeds = (await r.schedules.listFeeds(userId)).filter((f) => f.revokedAt === null);
  const prefs = await r.notifications.getPrefs(userId);
  const items: ChecklistItem[] = [
    { id: 'slack_linked', label: 'Link your Slack account', required: true, done: !!user.slackUserId, help: 'Set your Slack user id in your profile, or run /oncall in Slack once.' },
    { id: 'contact_verified', label: 'Add and verify a contact method', required: true, done: contacts.some((c) => c.verifiedAt && !c.disabled), help: 'Add a phone number, email or Slack DM and enter the code sent to it.' },
    { id: 'high_urgency_rule', label: 'Set how you are paged', required: false, done: usableRules(rules, contacts, 'high').length > 0, help: 'Add high-urgency rules, e.g. Slack DM now, SMS after 2 minutes, voice after 5.' },
    { id: 'test_page_acknowledged', label: 'Send yourself a test page and acknowledge it', required: true, done: testPages.length > 0, help: 'Use "Send test page" and acknowledge it from where it arrived.' },
    { id: 'calendar_subscribed', label: 'Subscribe to your on-call calendar', required: false, done: feeds.length > 0, help: 'Create your calendar feed under My shifts and add it to your calendar app.' },
    { id: 'severity_levels_read', label: 'Read the severity levels', required: false, done: prefs.severityLevelsReadAt !== null, help: 'Open the severity levels page and mark it read.' },
  ];
  // A contact method whose deliveries keep failing: shown while it lasts (pages fail over meanwhile).
  const degraded = await degradedContactWarnings(r, contacts);
  if (degraded.length) {
    items.push({ id: 'contacts_delivering', label: 'Your contact methods are delivering', required: false, done: false, help: degraded.map((d) => d.replace(/^degraded: /, '')).join(' ') });
  }
  return { complete: items.every((i) => i.done || !i.required), items };
}

export async function markSeverityLevelsRead(deps: CoreDeps, ctx: Ctx): Promise<void> {
  const p = principalIn(ctx);
  await deps.uow.run(async (r) => {
    const prefs = await r.notifications.getPrefs(p.user.id);
    await r.notifications.setPrefs({ ...prefs, severityLevelsReadAt: ctx.now }, ctx.now);
  });
}

export const actorUser = (p: Principal): Actor => ({ type: 'user', id: p.user.id });

/** Overrides the message template of an event type (null restores the default); admins. */
export async function setMessageTemplate(deps: CoreDeps, ctx: Ctx, input: { eventType: string; template: { subject: string; body: string } | null }): Promise<void> {
  const who = principalIn(ctx);
  const { eventType, template: t } = input;
  requireAdmin(who, 'change message templates');
  const actor = actorOf(who);
  await deps.uow.run(async (r) => {
    const before = (await r.notifications.getTemplate(eventType)) ?? null;
    await r.notifications.setTemplate(eventType, t, ctx.now);
    await r.events.append({ entityType: 'settings', entityId: 'message-templates', type: 'template.updated', actor, data: { eventType } });
    await audit(r, actor, { action: 'template.updated', entityType: 'message_template', entityId: eventType, before, after: t });
  });
}

/** The message templates admins have overridden. */
export async function listMessageTemplates(deps: CoreDeps, _ctx: Ctx): Promise<{ data: Array<{ eventType: string; subject: string; body: string }> }> {
  return deps.uow.run(async (r) => ({ data: await r.notifications.listTemplates() }));
}

export interface NotReady {
  user: { id: string; name: string; email: string };
  nextShiftStart: number;
  scheduleName: string;
  missing: string[];
  warnings: string[];
}

/** Who in the next two weeks of the team's schedules is not ready to be on call. */
export async function teamReadiness(deps: CoreDeps, ctx: Ctx, input: { team: string }): Promise<{ data: NotReady[] }> {
  const now = ctx.now;
  return deps.uow.run(async (r) => {
    const team = await findTeam(r, input.team);
    if (!team) throw notFound('team', input.team);
    const firstShift = new Map<string, { start: number; schedule: string }>();
    for (const s of await r.schedules.list({ teamId: team.id })) {
      for (const sh of (await finalScheduleOf(r, s, now, now + 14 * DAY)).shifts) {
        const cur = firstShift.get(sh.userId);
        if (!cur || sh.start < cur.start) firstShift.set(sh.userId, { start: sh.start, schedule: s.name });
      }
    }
    const out: NotReady[] = [];
    for (const [userId, shift] of [...firstShift.entries()].sort((a, b) => a[1].start - b[1].start)) {
      const user = await r.users.findById(userId);
      if (!user) continue;
      const checklist = await checklistFor(r, userId);
      const warnings = await reachabilityWarnings(r, userId);
      const missing = checklist.items.filter((i) => !i.done && i.required).map((i) => i.label);
      // Without a rule, verified contact methods are still used: only unreachable people are not ready.
      // A degraded contact method (its deliveries keep failing) is shown too: pages may not arrive there.
      if (missing.length || warnings.some((w) => w.startsWith('no verified') || w.startsWith('degraded'))) out.push({ user: { id: user.id, name: user.name, email: user.email }, nextShiftStart: shift.start, scheduleName: shift.schedule, missing, warnings });
    }
    return { data: out };
  });
}

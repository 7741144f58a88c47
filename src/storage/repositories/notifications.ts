import { sql, type Selectable } from 'kysely';
import type { ChannelType } from '../../core/notifications/channels.js';
import type {
  ContactMethod,
  ContactType,
  Delivery,
  DeliveryExtra,
  DeliveryStatus,
  NotificationRule,
  NotificationsRepo,
  Page,
  PageStatus,
  Urgency,
} from '../../core/notifications/notifications.js';
import type { Dialect, Executor } from '../database.js';
import type { ContactMethodsTable, DeliveriesTable, PagesTable } from '../schema.js';

const toContact = (r: Selectable<ContactMethodsTable>): ContactMethod => ({
  id: r.id,
  userId: r.user_id,
  type: r.type as ContactType,
  address: r.address,
  label: r.label,
  verifiedAt: r.verified_at,
  importedFrom: r.imported_from ?? null,
  confirmedAt: r.confirmed_at ?? null,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toPage = (r: Selectable<PagesTable>): Page => ({
  id: r.id,
  userId: r.user_id,
  urgency: r.urgency as Urgency,
  subject: r.subject,
  text: r.text,
  sourceType: r.source_type,
  sourceId: r.source_id,
  status: r.status as PageStatus,
  fired: JSON.parse(r.fired) as string[],
  createdAt: r.created_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedVia: r.acknowledged_via,
});

const toDelivery = (r: Selectable<DeliveriesTable>): Delivery => ({
  id: r.id,
  lane: r.lane,
  channel: r.channel as ChannelType,
  address: r.address,
  contactMethodId: r.contact_method_id,
  pageId: r.page_id,
  entityType: r.entity_type,
  entityId: r.entity_id,
  subject: r.subject,
  body: r.body,
  extra: JSON.parse(r.extra) as DeliveryExtra,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  providerMessageId: r.provider_message_id,
  bundleId: r.bundle_id,
  updateOf: r.update_of,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  firstAttemptAt: r.first_attempt_at,
  inFlightRun: r.in_flight_run,
});

const deliveryRow = (d: Delivery) => ({
  id: d.id,
  lane: d.lane,
  channel: d.channel,
  address: d.address,
  contact_method_id: d.contactMethodId,
  page_id: d.pageId,
  entity_type: d.entityType,
  entity_id: d.entityId,
  subject: d.subject,
  body: d.body,
  extra: JSON.stringify(d.extra),
  status: d.status,
  attempts: d.attempts,
  provider_message_id: d.providerMessageId,
  bundle_id: d.bundleId,
  update_of: d.updateOf,
  last_error: d.lastError,
  created_at: d.createdAt,
  sent_at: d.sentAt,
  first_attempt_at: d.firstAttemptAt ?? null,
  in_flight_run: d.inFlightRun ?? null,
});

export const notificationsRepo = (db: Executor, dialect: Dialect): NotificationsRepo => ({
  async insertContact(c) {
    await db
      .insertInto('contact_methods')
      .values({ id: c.id, user_id: c.userId, type: c.type, address: c.address, label: c.label, verified_at: c.verifiedAt, verification_code_hash: null, verification_expires_at: null, disabled: c.disabled ? 1 : 0, imported_from: c.importedFrom ?? null, confirmed_at: c.confirmedAt ?? null, created_at: c.createdAt, updated_at: c.updatedAt })
      .execute();
  },
  async updateContact(c) {
    await db.updateTable('contact_methods').set({ address: c.address, label: c.label, verified_at: c.verifiedAt, disabled: c.disabled ? 1 : 0, imported_from: c.importedFrom ?? null, confirmed_at: c.confirmedAt ?? null, updated_at: c.updatedAt }).where('id', '=', c.id).execute();
  },
  async deleteContact(id) {
    await db.deleteFrom('notification_rules').where('contact_method_id', '=', id).execute();
    await db.deleteFrom('contact_methods').where('id', '=', id).execute();
  },
  async findContact(id) {
    const r = await db.selectFrom('contact_methods').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toContact(r);
  },
  async findContactsByAddress(type, address) {
    return (await db.selectFrom('contact_methods').selectAll().where('type', '=', type).where('address', '=', address).orderBy('created_at').execute()).map(toContact);
  },
  async listContacts(userId) {
    return (await db.selectFrom('contact_methods').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute()).map(toContact);
  },
  async setVerification(id, codeHash, expiresAt) {
    await db.updateTable('contact_methods').set({ verification_code_hash: codeHash, verification_expires_at: expiresAt }).where('id', '=', id).execute();
  },
  async getVerification(id) {
    const r = await db.selectFrom('contact_methods').select(['verification_code_hash', 'verification_expires_at']).where('id', '=', id).executeTakeFirst();
    return r && { codeHash: r.verification_code_hash, expiresAt: r.verification_expires_at };
  },
  async insertRule(rule) {
    await db
      .insertInto('notification_rules')
      .values({ id: rule.id, user_id: rule.userId, urgency: rule.urgency, contact_method_id: rule.contactMethodId, delay_minutes: rule.delayMinutes, created_at: rule.createdAt })
      .execute();
  },
  async deleteRule(id) {
    await db.deleteFrom('notification_rules').where('id', '=', id).execute();
  },
  async listRules(userId) {
    const rows = await db.selectFrom('notification_rules').selectAll().where('user_id', '=', userId).orderBy('delay_minutes').orderBy('id').execute();
    return rows.map((r): NotificationRule => ({ id: r.id, userId: r.user_id, urgency: r.urgency as Urgency, contactMethodId: r.contact_method_id, delayMinutes: r.delay_minutes, createdAt: r.created_at }));
  },
  async getPrefs(userId) {
    const r = await db.selectFrom('notification_prefs').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return { userId, quietStart: r?.quiet_start ?? null, quietEnd: r?.quiet_end ?? null, severityLevelsReadAt: r?.severity_levels_read_at ?? null };
  },
  async setPrefs(p, at) {
    const values = { quiet_start: p.quietStart, quiet_end: p.quietEnd, severity_levels_read_at: p.severityLevelsReadAt, updated_at: at };
    await db
      .insertInto('notification_prefs')
      .values({ user_id: p.userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
  },
  async insertPage(p) {
    await db
      .insertInto('pages')
      .values({
        id: p.id,
        user_id: p.userId,
        urgency: p.urgency,
        subject: p.subject,
        text: p.text,
        source_type: p.sourceType,
        source_id: p.sourceId,
        status: p.status,
        fired: JSON.stringify(p.fired),
        created_at: p.createdAt,
        acknowledged_at: p.acknowledgedAt,
        acknowledged_via: p.acknowledgedVia,
      })
      .execute();
  },
  async updatePage(p) {
    await db.updateTable('pages').set({ status: p.status, fired: JSON.stringify(p.fired), acknowledged_at: p.acknowledgedAt, acknowledged_via: p.acknowledgedVia }).where('id', '=', p.id).execute();
  },
  async findPage(id) {
    let q = db.selectFrom('pages').selectAll().where('id', '=', id);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && toPage(r);
  },
  async listPages(o) {
    let q = db.selectFrom('pages').selectAll().orderBy('created_at', 'desc').limit(o.limit ?? 200);
    if (o.userId) q = q.where('user_id', '=', o.userId);
    if (o.sourceType) q = q.where('source_type', '=', o.sourceType);
    if (o.sourceId) q = q.where('source_id', '=', o.sourceId);
    if (o.status) q = q.where('status', '=', o.status);
    return (await q.execute()).map(toPage);
  },
  async insertDelivery(d) {
    await db.insertInto('deliveries').values(deliveryRow(d)).execute();
  },
  async updateDelivery(d) {
    const { id, ...rest } = deliveryRow(d);
    await db.updateTable('deliveries').set(rest).where('id', '=', id).execute();
  },
  async findDelivery(id) {
    const r = await db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toDelivery(r);
  },
  async pendingInLane(lane, limit) {
    const rows = await db.selectFrom('deliveries').selectAll().where('lane', '=', lane).where('status', '=', 'pending').orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map(toDelivery);
  },
  async listDeliveries(o) {
    let q = db.selectFrom('deliveries').selectAll().orderBy('created_at').orderBy('id').limit(o.limit ?? 500);
    if (o.pageId) q = q.where('page_id', '=', o.pageId);
    if (o.entityType) q = q.where('entity_type', '=', o.entityType);
    if (o.entityId) q = q.where('entity_id', '=', o.entityId);
    return (await q.execute()).map(toDelivery);
  },
  async lockLane(lane) {
    await db.insertInto('delivery_lanes').values({ lane, next_at: 0, failures: 0 }).onConflict((oc) => oc.column('lane').doNothing()).execute();
    let q = db.selectFrom('delivery_lanes').selectAll().where('lane', '=', lane);
    if (dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirstOrThrow();
    return {
      nextAt: Number(r.next_at),
      failures: r.failures,
      scheduledAt: r.scheduled_at === null ? null : Number(r.scheduled_at),
      holder: r.holder_job_id !== null && r.holder_attempt !== null ? { jobId: r.holder_job_id, attempt: r.holder_attempt } : null,
      failingSince: r.failing_since === null ? null : Number(r.failing_since),
      lastError: r.last_error,
    };
  },
  async setLaneHealth(lane, failingSince, lastError) {
    await db.updateTable('delivery_lanes').set({ failing_since: failingSince, last_error: lastError }).where('lane', '=', lane).execute();
  },
  async setLaneHolder(lane, run) {
    await db
      .updateTable('delivery_lanes')
      .set({ holder_job_id: run?.jobId ?? null, holder_attempt: run?.attempt ?? null })
      .where('lane', '=', lane)
      .execute();
  },
  async laneHeldUntil(lane, now) {
    const r = await db
      .selectFrom('delivery_lanes')
      .innerJoin('jobs', (j) => j.onRef('jobs.id', '=', 'delivery_lanes.holder_job_id').onRef('jobs.attempts', '=', 'delivery_lanes.holder_attempt'))
      .select('jobs.lease_expires_at')
      .where('delivery_lanes.lane', '=', lane)
      .where('jobs.status', '=', 'running')
      .where('jobs.lease_expires_at', '>', now)
      .executeTakeFirst();
    return r?.lease_expires_at == null ? undefined : Number(r.lease_expires_at);
  },
  async holdsLane(lane, run, now) {
    const r = await db
      .selectFrom('delivery_lanes')
      .innerJoin('jobs', 'jobs.id', 'delivery_lanes.holder_job_id')
      .select('jobs.id')
      .where('delivery_lanes.lane', '=', lane)
      .where('delivery_lanes.holder_job_id', '=', run.jobId)
      .where('delivery_lanes.holder_attempt', '=', run.attempt)
      .where('jobs.attempts', '=', run.attempt)
      .where('jobs.status', '=', 'running')
      .where('jobs.lease_expires_at', '>', now)
      .executeTakeFirst();
    return r !== undefined;
  },
  async degradedLanes(limit) {
    const rows = await db
      .selectFrom('delivery_lanes')
      .select(['lane', 'failures', 'failing_since', 'last_error'])
      .select((eb) =>
        eb
          .selectFrom('deliveries')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where(sql<boolean>`deliveries.lane = delivery_lanes.lane`)
          .where('deliveries.status', '=', 'pending')
          .as('pending'),
      )
      .where('failures', '>', 0)
      .orderBy('failing_since')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ lane: r.lane, failures: r.failures, failingSince: Number(r.failing_since ?? 0), lastError: r.last_error, pending: Number(r.pending ?? 0) }));
  },
  async setLane(lane, nextAt, failures) {
    await db.updateTable('delivery_lanes').set({ next_at: nextAt, failures }).where('lane', '=', lane).execute();
  },
  async setLaneSchedule(lane, scheduledAt) {
    await db.updateTable('delivery_lanes').set({ scheduled_at: scheduledAt }).where('lane', '=', lane).execute();
  },
  async lanesNeedingFlush(now, graceMs) {
    const rows = await db
      .selectFrom('delivery_lanes')
      .select('lane')
      .where((eb) => eb.or([eb('scheduled_at', 'is', null), eb('scheduled_at', '<', now - graceMs)]))
      .where((eb) => eb.exists(db.selectFrom('deliveries').select('id').where(sql<boolean>`deliveries.lane = delivery_lanes.lane`).where('deliveries.status', '=', 'pending')))
      .limit(1000)
      .execute();
    return rows.map((r) => r.lane);
  },
  async getMessageRef(key) {
    const r = await db.selectFrom('message_refs').selectAll().where('key', '=', key).executeTakeFirst();
    return r && { channel: r.channel, providerMessageId: r.provider_message_id };
  },
  async setMessageRef(key, channel, providerMessageId, at) {
    await db
      .insertInto('message_refs')
      .values({ key, channel, provider_message_id: providerMessageId, created_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ channel, provider_message_id: providerMessageId }))
      .execute();
  },
  async getTemplate(eventType) {
    const r = await db.selectFrom('message_templates').selectAll().where('event_type', '=', eventType).executeTakeFirst();
    return r && { subject: r.subject, body: r.body };
  },
  async setTemplate(eventType, t, at) {
    if (!t) {
      await db.deleteFrom('message_templates').where('event_type', '=', eventType).execute();
      return;
    }
    await db
      .insertInto('message_templates')
      .values({ event_type: eventType, subject: t.subject, body: t.body, updated_at: at })
      .onConflict((oc) => oc.column('event_type').doUpdateSet({ subject: t.subject, body: t.body, updated_at: at }))
      .execute();
  },
  async listTemplates() {
    return (await db.selectFrom('message_templates').selectAll().orderBy('event_type').execute()).map((r) => ({ eventType: r.event_type, subject: r.subject, body: r.body }));
  },
});
